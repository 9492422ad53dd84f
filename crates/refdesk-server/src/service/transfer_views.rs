//! Transfers as staff see them (the alert, the preview, the sender's pending state), and the
//! words of the internal notes that record each step in the chat.

use super::new_id;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::{
    Audience, Chat, ChatId, MessageBody, MessageKind, NewMessage, Sender, StaffPrincipal, Transfer,
    TransferState, TransferTarget,
};
use refdesk_protocol::{NamedRef, TransferView};

impl AppState {
    /// The pending transfers `staff` sent or may accept, oldest first.
    pub async fn pending_transfers_for(
        &self,
        staff: &StaffPrincipal,
    ) -> ApiResult<Vec<TransferView>> {
        let found = self
            .store()
            .pending_transfers(staff.id(), &staff.institutions, &staff.monitored_coops)
            .await?;
        let mut out = Vec::new();
        for t in found {
            let chat = self.store().chat(t.chat_id).await?;
            if t.from == staff.id() || t.is_offered_to(staff, chat.institution_id) {
                out.push(self.transfer_view(&t, &chat, staff).await?);
            }
        }
        Ok(out)
    }

    /// A transfer as `viewer` sees it.
    pub async fn transfer_view(
        &self,
        t: &Transfer,
        chat: &Chat,
        viewer: &StaffPrincipal,
    ) -> ApiResult<TransferView> {
        let (store, names) = (self.store(), self.names());
        let (kind, target) = refdesk_store::transfer_target_parts(t.target);
        let by = match t.state.by() {
            Some(u) => Some(NamedRef {
                id: u.into(),
                name: names.user(store, u).await?,
            }),
            None => None,
        };
        Ok(TransferView {
            id: t.id,
            chat_id: t.chat_id,
            from: NamedRef {
                id: t.from.into(),
                name: names.user(store, t.from).await?,
            },
            target_kind: kind.to_owned(),
            target: NamedRef {
                id: target,
                name: self.transfer_target_name(t.target).await?,
            },
            note: t.note.clone(),
            state: t.state.as_str().to_owned(),
            by,
            institution: NamedRef {
                id: chat.institution_id.into(),
                name: names.institution(store, chat.institution_id).await?,
            },
            patron_name: chat.patron_name.as_ref().map(ToString::to_string),
            question: chat.question.as_ref().map(ToString::to_string),
            offered_at: t.offered_at,
            expires_at: t.expires_at,
            for_me: t.state.is_pending() && t.is_offered_to(viewer, chat.institution_id),
        })
    }

    pub(super) async fn transfer_target_name(&self, target: TransferTarget) -> ApiResult<String> {
        let (store, names) = (self.store(), self.names());
        Ok(match target {
            TransferTarget::Operator(u) => names.user(store, u).await?,
            TransferTarget::Department(d) => names.department(store, d).await?,
            TransferTarget::Coop(c) => self.coop_name(c).await?,
        })
    }

    /// The words of the internal note recording a transfer's step.
    pub(super) async fn transfer_step_text(
        &self,
        t: &Transfer,
        to: TransferState,
        actor: Sender,
    ) -> ApiResult<String> {
        let target = self.transfer_target_name(t.target).await?;
        let from = self.staff_name(t.from, Audience::Staff).await?;
        let actor = match actor {
            Sender::Staff(u) => self.staff_name(u, Audience::Staff).await?,
            _ => String::new(),
        };
        Ok(match to {
            TransferState::Offered => format!("{from} offered this chat to {target}."),
            TransferState::Accepted { .. } => format!("{actor} accepted the transfer from {from}."),
            TransferState::Declined { .. } => format!("{actor} declined the transfer from {from}."),
            TransferState::Expired => {
                format!(
                    "Nobody accepted the transfer to {target} in time; the chat stays with {from}."
                )
            }
            TransferState::Cancelled => format!("{from} cancelled the transfer to {target}."),
        })
    }

    /// An internal note in `chat` recording a transfer's step.
    pub(super) fn transfer_note(
        &self,
        chat: ChatId,
        sender: Sender,
        text: &str,
    ) -> ApiResult<NewMessage> {
        Ok(NewMessage {
            id: new_id(),
            stream: chat.into(),
            kind: MessageKind::InternalNote,
            sender,
            body: MessageBody::parse(text).map_err(ApiError::internal)?,
            client_msg_id: None,
            created_at: self.now(),
        })
    }
}
