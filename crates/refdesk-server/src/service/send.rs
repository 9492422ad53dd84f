//! Sending messages to chats and staff conversations alike: validation, access, core's send
//! rule, then the store's durable append, then the broadcast. A batch of sends from one socket
//! is appended together and keeps its order.

use super::new_id;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::{
    ChatId, ClientMsgId, MessageBody, MessageKind, NewMessage, Principal, Rejection, Sender,
    StreamId,
};
use refdesk_protocol::SendKind;
use refdesk_store::Appended;

/// One send, as it came from a client.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Where it goes, or why the frame names no one stream.
    pub stream: Result<StreamId, &'static str>,
    pub client_msg_id: String,
    pub body: String,
    pub kind: SendKind,
}

impl AppState {
    /// Publishes the first-time messages of a batch's results (a retry was broadcast the first
    /// time). Callers answer the sender first, so that its ack goes out before the message
    /// comes back to it.
    pub async fn publish_appended(&self, results: &[ApiResult<Appended>]) {
        for a in results.iter().flatten().filter(|a| !a.duplicate) {
            metrics::counter!("refdesk_messages_total", "kind" => a.message.kind.as_str())
                .increment(1);
            self.publish(Event::Message {
                message: a.message.clone(),
            })
            .await;
        }
    }

    /// Appends every send of the batch (in order) and returns each result, once committed.
    /// Nothing is published: see [`AppState::publish_appended`].
    pub async fn send_batch(
        &self,
        principal: &Principal,
        batch: Vec<Outgoing>,
    ) -> Vec<ApiResult<Appended>> {
        let mut results: Vec<Option<ApiResult<Appended>>> = Vec::with_capacity(batch.len());
        let mut pending = Vec::new();
        for (i, out) in batch.into_iter().enumerate() {
            match self.prepare(principal, out).await {
                Ok(m) => {
                    pending.push((i, m));
                    results.push(None);
                }
                Err(e) => results.push(Some(Err(e))),
            }
        }
        let appends = pending
            .iter()
            .map(|(_, m)| self.store().append_message(m.clone()));
        let outcomes = futures::future::join_all(appends).await;
        for ((i, _), outcome) in pending.into_iter().zip(outcomes) {
            results[i] = Some(outcome.map_err(ApiError::from));
        }
        results
            .into_iter()
            .map(|r| r.expect("every send has a result"))
            .collect()
    }

    async fn prepare(&self, principal: &Principal, out: Outgoing) -> ApiResult<NewMessage> {
        let client_msg_id = ClientMsgId::parse(&out.client_msg_id).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_client_msg_id",
                e.to_string(),
            )
        })?;
        let body = MessageBody::parse(&out.body)?;
        let stream = out
            .stream
            .map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, "invalid_frame", m))?;
        let (sender, kind) = match stream {
            StreamId::Chat(chat) => self.chat_sender(principal, chat, out.kind).await?,
            StreamId::Conversation(id) => {
                let conversation = self.conversation_for(principal, id).await?;
                if out.kind == SendKind::InternalNote {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_frame",
                        "internal notes belong to patron chats",
                    ));
                }
                let Principal::Staff(s) = principal else {
                    return Err(ApiError::not_found());
                };
                let (sender, kind) = (Sender::Staff(s.id()), MessageKind::Staff);
                conversation.may_send(s, kind)?;
                (sender, kind)
            }
        };
        Ok(NewMessage {
            id: new_id(),
            stream,
            kind,
            sender,
            body,
            client_msg_id: Some(client_msg_id),
            created_at: self.now(),
        })
    }

    /// Who writes what in a patron chat: the chat's access rule and core's send rule.
    pub(crate) async fn chat_sender(
        &self,
        principal: &Principal,
        chat_id: ChatId,
        send: SendKind,
    ) -> ApiResult<(Sender, MessageKind)> {
        let chat = self.chat_for(principal, chat_id).await?;
        let (sender, kind) = match (principal, send) {
            (Principal::Patron { guest_id }, SendKind::Message) => {
                (Sender::Patron(*guest_id), MessageKind::Patron)
            }
            (Principal::Patron { .. }, SendKind::InternalNote) => {
                return Err(ApiError::forbidden("patrons cannot write internal notes"));
            }
            (Principal::Staff(s), SendKind::Message) => {
                (Sender::Staff(s.id()), MessageKind::Operator)
            }
            (Principal::Staff(s), SendKind::InternalNote) => {
                (Sender::Staff(s.id()), MessageKind::InternalNote)
            }
        };
        if chat.may_send(sender, kind).is_err() {
            // The cached state may be behind another node's change: decide on the stored one.
            let fresh = self.store().chat(chat.id).await?;
            self.hub().chats.put(&fresh);
            match fresh.may_send(sender, kind) {
                // The store decides these: a retry of a message stored before the chat ended
                // gets its ack again; anything new is `chat_ended`.
                Err(Rejection::ChatEnded) => {}
                other => other?,
            }
        }
        Ok((sender, kind))
    }
}
