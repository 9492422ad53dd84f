//! Transfers: offering a chat to a colleague or a queue that is online now, accepting (one
//! receiver wins), declining, cancelling, expiry back to the sender, and leaving a chat one
//! handed over. Every step is stored with an internal note in the chat, in the transaction
//! that makes it, and published to the sender, the receivers and the chat's followers.

use super::new_id;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::service::chats::event_note;
use crate::state::AppState;
use crate::timers::Fired;
use axum::http::StatusCode;
use refdesk_core::{
    Chat, ChatCommand, ChatId, Principal, Sender, StaffPrincipal, Timer, TimerKey, TimerKind,
    TimerOp, Transfer, TransferCommand, TransferId, TransferRejection, TransferState,
    TransferTarget,
};
use refdesk_protocol::OfferTransferRequest;
use refdesk_store::{Conflict, StoreError, TransferChange, TransferOffer};

/// How many times a transfer's change is decided again when it changed under it.
const MAX_ROUNDS: usize = 5;
/// The longest note for the receiver, in characters.
const MAX_NOTE_CHARS: usize = 1000;

/// What a librarian does with a pending transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferAction {
    Accept,
    Decline,
    Cancel,
}

fn timer_key(id: TransferId) -> TimerKey {
    TimerKey {
        kind: TimerKind::TransferExpiry,
        subject: id.into(),
    }
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "target_unavailable",
        "nobody is online there to take this chat now; choose another target",
    )
}

impl AppState {
    /// Offers the chat `staff` holds to a target that is online now, with a note for the
    /// receiver; the transfer expires after the institution's transfer timeout.
    pub async fn offer_transfer(
        &self,
        staff: &StaffPrincipal,
        chat_id: ChatId,
        req: OfferTransferRequest,
    ) -> ApiResult<Transfer> {
        let target = match req.target.kind.as_str() {
            "operator" => TransferTarget::Operator(req.target.id.into()),
            "department" => TransferTarget::Department(req.target.id.into()),
            "coop" => TransferTarget::Coop(req.target.id.into()),
            other => {
                return Err(ApiError::invalid_body(format!(
                    "target.kind must be operator, department or coop, not {other:?}"
                )));
            }
        };
        let note = match req.note.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) if n.chars().count() > MAX_NOTE_CHARS => {
                return Err(ApiError::invalid_body(
                    "note is longer than 1000 characters",
                ));
            }
            Some(n) => {
                // Kept as message text (its note in the chat): the same characters allowed.
                refdesk_core::MessageBody::parse(n)
                    .map_err(|e| ApiError::invalid_body(format!("note: {e}")))?;
                Some(n.to_owned())
            }
        };
        if target == TransferTarget::Operator(staff.id()) {
            return Err(refdesk_core::TransferRejection::ToSelf.into());
        }
        let targets = self.transfer_targets(staff, chat_id).await?;
        let id = req.target.id;
        let listed = match target {
            TransferTarget::Operator(_) => targets.operators.iter().any(|o| o.id == id),
            TransferTarget::Department(_) => targets.departments.iter().any(|q| q.id == id),
            TransferTarget::Coop(_) => targets.coops.iter().any(|q| q.id == id),
        };
        if !listed {
            return Err(unavailable());
        }
        let chat = self.store().chat(chat_id).await?;
        let pending = self.store().pending_transfer_of(chat.id).await?;
        let timeout = self
            .policies()
            .get(self.store(), chat.institution_id)
            .await?
            .transfer_timeout_seconds;
        let transfer = Transfer::offer(
            new_id(),
            &chat,
            staff.id(),
            target,
            note,
            pending.as_ref(),
            self.now(),
            time::Duration::seconds(i64::from(timeout)),
        )?;
        let target_name = self.transfer_target_name(transfer.target).await?;
        let mut text = format!(
            "{} offered this chat to {target_name}.",
            staff.user.name.as_str()
        );
        if let Some(n) = &transfer.note {
            text.push_str(&format!(" Note: {n}"));
        }
        let offer = TransferOffer {
            timers: vec![TimerOp::Set(Timer {
                key: timer_key(transfer.id),
                due_at: transfer.expires_at,
                version: transfer.version,
            })],
            note: self.transfer_note(chat.id, Sender::Staff(staff.id()), &text)?,
            chat_version: chat.version,
            transfer,
        };
        let (transfer, message) = self.store().offer_transfer(&offer).await?;
        tracing::info!(chat.id = %chat.id, transfer.id = %transfer.id, "transfer offered");
        self.publish(Event::Message { message }).await;
        self.publish(Event::Transfer {
            transfer: transfer.clone(),
            institution: chat.institution_id,
        })
        .await;
        Ok(transfer)
    }

    /// The transfer and its chat, if `staff` sent it or is one of its receivers; otherwise
    /// `not_found`.
    pub async fn transfer_for(
        &self,
        staff: &StaffPrincipal,
        id: TransferId,
    ) -> ApiResult<(Transfer, Chat)> {
        let (t, chat) = self.transfer_party(staff, id).await?;
        // Once it has ended, the transfer opens the chat to nobody: its preview is for those
        // who may see the chat anyway (a co-op's monitor does not read a member's past chat
        // through an old offer).
        if t.state.is_pending() || Principal::Staff(staff.clone()).may_view(&chat) {
            Ok((t, chat))
        } else {
            Err(ApiError::not_found())
        }
    }

    /// The transfer and its chat, if `staff` sent it or is (or was) one of its receivers, to
    /// act on it (an ended one answers `transfer_ended`); `not_found` for anyone else.
    async fn transfer_party(
        &self,
        staff: &StaffPrincipal,
        id: TransferId,
    ) -> ApiResult<(Transfer, Chat)> {
        let t = self.store().transfer(id).await?;
        let chat = self.store().chat(t.chat_id).await?;
        if t.from == staff.id()
            || t.is_offered_to(staff, chat.institution_id)
            || t.state.by() == Some(staff.id())
        {
            Ok((t, chat))
        } else {
            Err(ApiError::not_found())
        }
    }

    /// Accepts, declines or cancels a transfer. Of several receivers accepting at once, one
    /// wins; the others hear `transfer_ended`.
    pub async fn act_on_transfer(
        &self,
        staff: &StaffPrincipal,
        id: TransferId,
        action: TransferAction,
    ) -> ApiResult<Transfer> {
        let (t, chat) = self.transfer_party(staff, id).await?;
        if action == TransferAction::Accept && t.state.is_pending() {
            // Accepting is taking one more chat: the receiver's library's limit applies.
            self.check_chat_limit(staff).await?;
        }
        let command = match action {
            TransferAction::Accept => TransferCommand::Accept {
                by: staff.id(),
                eligible: t.is_offered_to(staff, chat.institution_id),
            },
            TransferAction::Decline => TransferCommand::Decline { by: staff.id() },
            TransferAction::Cancel => TransferCommand::Cancel { by: staff.id() },
        };
        self.decide_transfer(id, command, Sender::Staff(staff.id()))
            .await
    }

    /// A transfer's expiry timer is due: it returns to its sender, unless it was settled.
    pub(crate) async fn expire_transfer(&self, timer: &Timer) -> ApiResult<Fired> {
        let command = TransferCommand::Expire {
            version: timer.version,
        };
        match self
            .decide_transfer(timer.key.subject.into(), command, Sender::System)
            .await
        {
            Ok(_) => Ok(Fired::Applied),
            Err(e) if e.status.is_client_error() => Ok(Fired::Stale),
            Err(e) => Err(e),
        }
    }

    /// Decides `command` on the transfer as it is stored, and applies it with the handover it
    /// carries; decides again when the transfer or its chat changed meanwhile.
    async fn decide_transfer(
        &self,
        id: TransferId,
        command: TransferCommand,
        actor: Sender,
    ) -> ApiResult<Transfer> {
        for round in 1..=MAX_ROUNDS {
            let t = self.store().transfer(id).await?;
            let chat = self.store().chat(t.chat_id).await?;
            let decision = match t.decide(&chat, command) {
                // The transfer and its chat are read apart: a racing accept may have handed
                // the chat over between the two reads. Read both again; the transfer then
                // shows how it ended.
                Err(TransferRejection::Stale)
                    if round < MAX_ROUNDS && !matches!(command, TransferCommand::Expire { .. }) =>
                {
                    continue;
                }
                other => other?,
            };
            let now = self.now();
            let handover = match decision.chat {
                Some(c) => {
                    let d = chat.decide(now, c)?;
                    let line = event_note(chat.id, &d.event(), now)?;
                    Some((d, Some(line)))
                }
                None => None,
            };
            let text = self.transfer_step_text(&t, decision.to, actor).await?;
            let change = TransferChange {
                transfer: id,
                decision,
                at: now,
                chat: handover,
                note: self.transfer_note(chat.id, actor, &text)?,
                timers: vec![TimerOp::Cancel(timer_key(id))],
            };
            match self.store().apply_transfer(&change).await {
                Ok(applied) => {
                    for message in applied.messages {
                        self.publish(Event::Message { message }).await;
                    }
                    if let Some(changed) = &applied.chat {
                        self.hub().chats.put(changed);
                        self.publish_queue(changed).await?;
                        self.chats_held_changed(t.from).await;
                        if let Some(op) = changed.state.operator() {
                            self.chats_held_changed(op).await;
                        }
                    }
                    tracing::info!(transfer.id = %id, state = applied.transfer.state.as_str(),
                        "transfer decided");
                    self.publish(Event::Transfer {
                        transfer: applied.transfer.clone(),
                        institution: chat.institution_id,
                    })
                    .await;
                    return Ok(applied.transfer);
                }
                Err(StoreError::Conflict(Conflict::StateChanged)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "the transfer kept changing while this was decided; try again",
        ))
    }

    /// A chat that left its holder took its pending transfer with it (the store cancelled it in
    /// the same transaction): note it in the chat and tell those concerned.
    pub(crate) async fn transfer_went_with_chat(&self, was: &Transfer, chat: &Chat) {
        let result = async {
            let t = self.store().transfer(was.id).await?;
            if t.state != TransferState::Cancelled {
                return Ok(());
            }
            let target = self.transfer_target_name(t.target).await?;
            let text = format!("The transfer to {target} was cancelled: the chat left its sender.");
            let note = self.transfer_note(chat.id, Sender::System, &text)?;
            let appended = self.store().append_message(note).await?;
            self.publish(Event::Message {
                message: appended.message,
            })
            .await;
            self.publish(Event::Transfer {
                transfer: t,
                institution: chat.institution_id,
            })
            .await;
            Ok::<_, ApiError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(chat.id = %chat.id, code = e.code, "noting a cancelled transfer failed");
        }
    }

    /// `staff` leaves a chat they handed over (they stayed in it beside its new holder).
    pub async fn leave_chat(&self, staff: &StaffPrincipal, chat_id: ChatId) -> ApiResult<Chat> {
        let chat = self
            .chat_for(&Principal::Staff(staff.clone()), chat_id)
            .await?;
        if !chat.companions.contains(&staff.id()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "not_assigned",
                "only a librarian who handed this chat over, and is still in it, may leave it",
            ));
        }
        let leave = ChatCommand::Leave {
            operator: staff.id(),
        };
        Ok(self.decide_chat(chat, leave).await?)
    }
}
