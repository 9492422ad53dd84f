//! Starting chats and changing their state (claim, close, end).

use super::new_id;
use crate::auth::new_token;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::chat::{ChatEvent, referrer_for};
use refdesk_core::{
    Chat, ChatCommand, ChatId, ChatStatus, Guest, MessageBody, MessageKind, NewMessage, Principal,
    Rejection, Sender, StaffPrincipal,
};
use refdesk_protocol::StartChatRequest;
use refdesk_store::{ChatCursor, ChatFilter, Conflict, NewChat, StoreError};

/// How many times a decision is made again on a chat that changed under it.
const MAX_ROUNDS: usize = 5;

/// Why a chat command was not applied: core refused it (with the reason, for callers that
/// treat some refusals as success), or something else failed.
#[derive(Debug)]
pub enum ChatFailure {
    Rejected(Rejection),
    Failed(ApiError),
}

impl From<Rejection> for ChatFailure {
    fn from(r: Rejection) -> Self {
        ChatFailure::Rejected(r)
    }
}

impl From<ApiError> for ChatFailure {
    fn from(e: ApiError) -> Self {
        ChatFailure::Failed(e)
    }
}

impl From<ChatFailure> for ApiError {
    fn from(f: ChatFailure) -> Self {
        match f {
            ChatFailure::Rejected(r) => r.into(),
            ChatFailure::Failed(e) => e,
        }
    }
}

/// The stored body of a system message: the event itself, rendered for each reader when shown.
fn event_body(event: &ChatEvent) -> Result<MessageBody, ApiError> {
    let json = serde_json::to_string(event).map_err(ApiError::internal)?;
    MessageBody::parse(&json).map_err(ApiError::internal)
}

/// The system message recording `event` in `chat`'s conversation.
pub(crate) fn event_note(
    chat: ChatId,
    event: &ChatEvent,
    at: time::OffsetDateTime,
) -> Result<NewMessage, ApiError> {
    Ok(NewMessage {
        id: new_id(),
        stream: chat.into(),
        kind: MessageKind::System,
        sender: Sender::System,
        body: event_body(event)?,
        client_msg_id: None,
        created_at: at,
    })
}

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
        peer: std::net::IpAddr,
    ) -> ApiResult<(Chat, Option<String>)> {
        let widget = self.store().widget(form.widget_id).await?;
        if !widget.settings.enabled {
            return Err(ApiError::not_found());
        }
        widget
            .settings
            .check_form(
                form.name.is_some(),
                form.email.is_some(),
                form.question.is_some(),
            )
            .map_err(|e| ApiError::invalid_body(e.to_string()))?;
        let (guest, token, new_guest) = match guest {
            Some(g) if g.widget_id == widget.id => (g, None, None),
            Some(_) => {
                return Err(ApiError::forbidden(
                    "this guest token belongs to another chat box",
                ));
            }
            None => {
                let guest = Guest {
                    id: new_id(),
                    widget_id: widget.id,
                    created_at: self.now(),
                };
                // Stored with the chat, in its transaction.
                let (token, hash) = new_token();
                (guest, Some(token), Some(hash))
            }
        };
        let chat_id: ChatId = new_id();
        let created_at = self.now();
        // Where it goes at once (nobody monitors the queues before): stored with it, so a chat
        // that rolls over reaches the co-op in one commit.
        let moves = self.moves_at_start(&widget, chat_id, created_at).await?;
        let policy = self
            .policies()
            .get(self.store(), widget.institution_id)
            .await?;
        let new = NewChat {
            id: chat_id,
            institution_id: widget.institution_id,
            department_id: widget.department_id,
            widget_id: widget.id,
            guest_id: guest.id,
            patron_name: form.name,
            patron_email: form.email,
            question: form.question.clone(),
            referrer: match form.referrer.as_deref() {
                None | Some("") => None,
                Some(r) => Some(
                    referrer_for(r, policy.referrer_query)
                        .map_err(|e| ApiError::invalid_body(e.to_string()))?,
                ),
            },
            user_agent: user_agent.map(|ua| ua.chars().take(300).collect()),
            patron_ip: refdesk_core::privacy::stored_ip(peer, policy.ip_addresses),
            created_at,
            new_guest,
            moves,
            outbound: None,
        };
        let question = form.question.map(|body| NewMessage {
            id: new_id(),
            stream: new.id.into(),
            kind: MessageKind::Patron,
            sender: Sender::Patron(guest.id),
            body,
            client_msg_id: None,
            created_at: new.created_at,
        });
        let chat = self.store().start_chat(&new, question).await?;
        metrics::counter!("refdesk_chats_started_total").increment(1);
        self.publish_queue(&chat).await?;
        // Then, off the path to the dashboards, in one write: the routing timers of the step
        // it reached, and (until its chat box connects) the patron-away timer.
        let away: Vec<_> = chat
            .patron_left(self.now(), self.timing())
            .into_iter()
            .collect();
        // The chat is stored: a failure here must not lose the patron their guest token.
        if let Err(e) = self
            .arm_routing_with(&chat, &widget, time::Duration::ZERO, away)
            .await
        {
            tracing::warn!(chat.id = %chat.id, code = e.code, "setting a new chat's timers failed");
        }
        Ok((chat, token))
    }

    /// Claims a waiting chat. Claiming a chat you already hold answers with the chat.
    pub async fn claim(&self, staff: &StaffPrincipal, id: ChatId) -> ApiResult<Chat> {
        let chat = self.chat_for(&Principal::Staff(staff.clone()), id).await?;
        if chat.state.status() == ChatStatus::Waiting {
            self.check_chat_limit(staff).await?;
        }
        let claim = ChatCommand::Claim {
            operator: staff.id(),
        };
        match self.decide_chat(chat, claim).await {
            Err(ChatFailure::Rejected(Rejection::AlreadyClaimed { by })) if by == staff.id() => {
                Ok(self.store().chat(id).await?)
            }
            other => Ok(other?),
        }
    }

    /// Refuses one more chat to an operator who holds as many as their institution allows.
    /// (Two claims by one person at the same instant may both pass: the limit guards workload,
    /// not data.)
    pub(crate) async fn check_chat_limit(&self, staff: &StaffPrincipal) -> ApiResult<()> {
        let policy = self
            .policies()
            .get(self.store(), staff.user.institution_id)
            .await?;
        let Some(max) = policy.max_chats_per_operator else {
            return Ok(());
        };
        let held = self
            .store()
            .chats_held(&[staff.id()])
            .await?
            .first()
            .map_or(0, |(_, n)| *n);
        if policy.may_hold_another(held) {
            return Ok(());
        }
        Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "too_many_chats",
            format!("you already hold {held} chats, the most your library allows at once ({max})"),
        ))
    }

    /// Closes or ends a chat: staff close it, a patron ends it (or abandons it while waiting).
    pub async fn close(&self, principal: &Principal, id: ChatId) -> ApiResult<Chat> {
        let chat = self.chat_for(principal, id).await?;
        let by = match principal {
            Principal::Staff(s) => Sender::Staff(s.id()),
            Principal::Patron { guest_id } => Sender::Patron(*guest_id),
        };
        Ok(self.decide_chat(chat, ChatCommand::Close { by }).await?)
    }

    /// Decides a command with core and applies the decision as a compare-and-set on the chat's
    /// version. When another node or request changed the chat first, decides again on the fresh
    /// chat (so the loser of a claim race hears `already_claimed`, not a generic conflict).
    pub(crate) async fn decide_chat(
        &self,
        mut chat: Chat,
        command: ChatCommand,
    ) -> Result<Chat, ChatFailure> {
        for _ in 0..MAX_ROUNDS {
            let decision = chat.decide(self.now(), command)?;
            let note = match decision.event() {
                e if e.shown_in_conversation() => Some(event_note(chat.id, &e, decision.at)?),
                _ => None,
            };
            // A transfer pending on the chat goes with it (the store cancels it in the same
            // transaction); read first, so that those concerned can be told.
            let pending = match decision.ends_transfer {
                true => self
                    .store()
                    .pending_transfer_of(chat.id)
                    .await
                    .map_err(ApiError::from)?,
                false => None,
            };
            match self.store().apply_decision(&decision, note).await {
                Ok((changed, message)) => {
                    if let Some(message) = message {
                        self.publish(Event::Message { message }).await;
                    }
                    if let Some(t) = &pending {
                        self.transfer_went_with_chat(t, &changed).await;
                    }
                    self.publish_queue(&changed).await?;
                    let t = decision.transition;
                    if t.from.operator() != t.to.operator() {
                        for op in [t.from.operator(), t.to.operator()].into_iter().flatten() {
                            self.chats_held_changed(op).await;
                        }
                    }
                    return Ok(changed);
                }
                Err(StoreError::Conflict(Conflict::StateChanged)) => {
                    chat = self.store().chat(chat.id).await.map_err(ApiError::from)?;
                    self.hub().chats.put(&chat);
                }
                Err(e) => return Err(ApiError::from(e).into()),
            }
        }
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "the chat kept changing while this was decided; try again",
        )
        .into())
    }

    /// Tells the Librarians lists that show `operator` how many chats they hold now (their
    /// institution's staff, and those of each co-op they monitor), instead of every dashboard
    /// reading the whole list again.
    pub(crate) async fn chats_held_changed(&self, operator: refdesk_core::UserId) {
        let result = async {
            let chats = self
                .store()
                .chats_held(&[operator])
                .await?
                .first()
                .map_or(0, |(_, n)| *n);
            let (_, institution) = self.names().user_at(self.store(), operator).await?;
            let coops: Vec<_> = self
                .store()
                .monitoring_of(operator)
                .await?
                .iter()
                .filter_map(|m| m.scope.coop())
                .collect();
            Ok::<_, refdesk_store::StoreError>((chats, institution, coops))
        }
        .await;
        let (chats, institution, coops) = match result {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(user.id = %operator, error = %e, "counting held chats failed");
                return;
            }
        };
        self.publish(Event::ChatsHeld {
            user: operator,
            chats,
            institution,
            coops,
        })
        .await;
    }

    /// Publishes a changed chat, and the new queue positions of the chats waiting behind it.
    pub(crate) async fn publish_queue(&self, changed: &Chat) -> ApiResult<()> {
        let in_line = self.waiting_in(changed.department_id).await?;
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
            // Everyone behind the chat that left the line moved up: their patrons hear of it
            // (staff lists do not show positions).
            let behind = |c: &&Chat| (c.created_at, c.id) > (changed.created_at, changed.id);
            for c in in_line.iter().filter(behind) {
                if let Some(position) = position_of(c.id) {
                    self.publish(Event::QueuePosition {
                        chat: c.clone(),
                        position,
                    })
                    .await;
                }
            }
        }
        Ok(())
    }

    /// One page of the chats `staff` may see in `statuses`, oldest first, after `after`.
    pub async fn staff_chats_page(
        &self,
        staff: &StaffPrincipal,
        statuses: Vec<ChatStatus>,
        after: Option<ChatCursor>,
        limit: u32,
    ) -> ApiResult<Vec<Chat>> {
        Ok(self
            .store()
            .chats(&ChatFilter {
                institutions: staff.institutions.clone(),
                departments: staff.departments.clone(),
                coops: staff.monitored_coops.clone(),
                statuses,
                after,
                limit,
            })
            .await?)
    }

    /// Every chat `staff` may see in `statuses`, oldest first, read page by page.
    pub async fn staff_chats(
        &self,
        staff: &StaffPrincipal,
        statuses: Vec<ChatStatus>,
    ) -> ApiResult<Vec<Chat>> {
        const PAGE: u32 = 500;
        let mut all: Vec<Chat> = Vec::new();
        loop {
            let after = all.last().map(ChatCursor::after);
            let page = self
                .staff_chats_page(staff, statuses.clone(), after, PAGE)
                .await?;
            let done = page.len() < PAGE as usize;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }
}
