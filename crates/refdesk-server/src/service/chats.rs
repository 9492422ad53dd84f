//! Starting chats and changing their state (claim, close, end).

use super::{new_id, now};
use crate::auth::new_token;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use refdesk_core::{
    Chat, ChatCommand, ChatId, ChatStatus, Guest, MessageKind, NewMessage, Principal, Rejection,
    Sender, StaffPrincipal, chat::strip_referrer,
};
use refdesk_protocol::StartChatRequest;
use refdesk_store::{ChatFilter, Conflict, NewChat, StoreError};

impl AppState {
    /// The chat, if `principal` may see it; otherwise `not_found` (existence is not revealed).
    pub async fn chat_for(&self, principal: &Principal, id: ChatId) -> ApiResult<Chat> {
        let chat = self.hub().chats.get(self.store(), id).await?;
        if principal.may_view(&chat) {
            Ok(chat)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// Starts a chat from the pre-chat form. A patron without a guest token becomes a new guest;
    /// the token is returned once.
    pub async fn start_chat(
        &self,
        guest: Option<Guest>,
        form: StartChatRequest,
        user_agent: Option<String>,
    ) -> ApiResult<(Chat, Option<String>)> {
        let widget = self.store().widget(form.widget_id).await?;
        let (guest, token) = match guest {
            Some(g) if g.widget_id == widget.id => (g, None),
            Some(_) => {
                return Err(ApiError::forbidden(
                    "this guest token belongs to another chat box",
                ));
            }
            None => {
                let guest = Guest {
                    id: new_id(),
                    widget_id: widget.id,
                    created_at: now(),
                };
                let (token, hash) = new_token();
                self.store().create_guest(&guest, &hash).await?;
                (guest, Some(token))
            }
        };
        let new = NewChat {
            id: new_id(),
            institution_id: widget.institution_id,
            department_id: widget.department_id,
            widget_id: widget.id,
            guest_id: guest.id,
            patron_name: form.name,
            patron_email: form.email,
            question: Some(form.question.clone()),
            referrer: form
                .referrer
                .as_deref()
                .map(strip_referrer)
                .filter(|r| !r.is_empty()),
            user_agent: user_agent.map(|ua| ua.chars().take(300).collect()),
            created_at: now(),
        };
        let question = NewMessage {
            id: new_id(),
            chat_id: new.id,
            kind: MessageKind::Patron,
            sender: Sender::Patron(guest.id),
            body: form.question,
            client_msg_id: None,
            created_at: new.created_at,
        };
        let chat = self.store().start_chat(&new, Some(question)).await?;
        metrics::counter!("refdesk_chats_started_total").increment(1);
        self.publish_queue(&chat).await?;
        Ok((chat, token))
    }

    /// Claims a waiting chat. Claiming a chat you already hold answers with the chat.
    pub async fn claim(&self, staff: &StaffPrincipal, id: ChatId) -> ApiResult<Chat> {
        let chat = self.chat_for(&Principal::Staff(staff.clone()), id).await?;
        match self
            .transition(
                chat,
                ChatCommand::Claim {
                    operator: staff.id(),
                },
            )
            .await
        {
            Err(e) if e.code == "already_claimed" => {
                let fresh = self.store().chat(id).await?;
                if fresh.state.operator() == Some(staff.id()) {
                    Ok(fresh)
                } else {
                    Err(e)
                }
            }
            other => other,
        }
    }

    /// Closes or ends a chat: staff close it, a patron ends it (or abandons it while waiting).
    pub async fn close(&self, principal: &Principal, id: ChatId) -> ApiResult<Chat> {
        let chat = self.chat_for(principal, id).await?;
        let by = match principal {
            Principal::Staff(s) => Sender::Staff(s.id()),
            Principal::Patron { guest_id } => Sender::Patron(*guest_id),
        };
        self.transition(chat, ChatCommand::Close { by }).await
    }

    /// Decides a command with core and applies it as a compare-and-set. When another node or
    /// request changed the chat first, decides again on the fresh state (so the loser of a
    /// claim race hears `already_claimed`, not a generic conflict).
    async fn transition(&self, mut chat: Chat, command: ChatCommand) -> ApiResult<Chat> {
        for _ in 0..5 {
            let t = chat.state.decide(command)?;
            let name = match t.event.operator() {
                Some(op) => self.names().user(self.store(), op).await?,
                None => String::new(),
            };
            let note = NewMessage {
                id: new_id(),
                chat_id: chat.id,
                kind: MessageKind::System,
                sender: Sender::System,
                body: refdesk_core::MessageBody::parse(&t.event.describe(&name))?,
                client_msg_id: None,
                created_at: now(),
            };
            match self.store().transition_chat(chat.id, &t, now(), note).await {
                Ok((changed, message)) => {
                    self.publish(Event::Message { message }).await;
                    self.publish_queue(&changed).await?;
                    return Ok(changed);
                }
                Err(StoreError::Conflict(Conflict::StateChanged)) => {
                    chat = self.store().chat(chat.id).await?;
                    self.hub().chats.put(&chat);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Rejection::ChatEnded.into())
    }

    /// Publishes a changed chat, and the new queue positions of the chats waiting behind it.
    async fn publish_queue(&self, changed: &Chat) -> ApiResult<()> {
        let waiting = self
            .store()
            .chats(&ChatFilter {
                institutions: vec![changed.institution_id],
                statuses: vec![ChatStatus::Waiting],
                limit: 1000,
            })
            .await?;
        let in_line: Vec<&Chat> = waiting
            .iter()
            .filter(|c| c.department_id == changed.department_id)
            .collect();
        let position_of = |id: ChatId| {
            in_line
                .iter()
                .position(|c| c.id == id)
                .map(|p| p as u32 + 1)
        };
        self.publish(Event::ChatChanged {
            chat: changed.clone(),
            queue_position: position_of(changed.id),
        })
        .await;
        if changed.state.status() != ChatStatus::Waiting {
            // Everyone behind the chat that left the line moved up.
            for c in in_line.iter().filter(|c| c.created_at > changed.created_at) {
                self.publish(Event::ChatChanged {
                    chat: (*c).clone(),
                    queue_position: position_of(c.id),
                })
                .await;
            }
        }
        Ok(())
    }

    /// The chats of `staff`'s institutions in `statuses`.
    pub async fn staff_chats(
        &self,
        staff: &StaffPrincipal,
        statuses: Vec<ChatStatus>,
    ) -> ApiResult<Vec<Chat>> {
        Ok(self
            .store()
            .chats(&ChatFilter {
                institutions: staff.institutions.clone(),
                statuses,
                limit: 500,
            })
            .await?)
    }
}
