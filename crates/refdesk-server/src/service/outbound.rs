//! Outbound chats (LibraryH3lp's "proactive outbound chat"): a librarian starts a chat with a
//! guest seen today whose chat box is still open. The chat starts active with that librarian,
//! in one commit, and is then a chat like any other (transferred, tagged, closed). The guest's
//! chat box hears of it on its guest topic and opens it.

use super::new_id;
use crate::error::{ApiError, ApiResult};
use crate::service::chats::event_note;
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::chat::ChatEvent;
use refdesk_core::{Chat, ChatId, Principal, StaffPrincipal};
use refdesk_store::{NewChat, Outbound};

impl AppState {
    /// Local midnight of `chat`'s institution today, as an instant.
    pub(crate) async fn midnight_for(&self, chat: &Chat) -> ApiResult<time::OffsetDateTime> {
        let zone = self
            .policies()
            .get(self.store(), chat.institution_id)
            .await?
            .time_zone;
        let now = self.now();
        let local = refdesk_core::routing::local_time(now, &zone).map_err(ApiError::internal)?;
        Ok(now - (local - local.replace_time(time::Time::MIDNIGHT)))
    }

    /// Starts an outbound chat with the guest of `earlier` (a chat of theirs from today that
    /// `staff` may see), held by `staff` from the start.
    pub async fn start_outbound(&self, staff: &StaffPrincipal, earlier: ChatId) -> ApiResult<Chat> {
        let principal = Principal::Staff(staff.clone());
        let before = self.chat_for(&principal, earlier).await?;
        let midnight = self.midnight_for(&before).await?;
        if before.created_at < midnight {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_today",
                "an outbound chat starts only with a patron seen today",
            ));
        }
        // Their chat box must still be open (it follows one of their chats on this node).
        let today = self
            .store()
            .chats_of_guest(before.guest_id, midnight)
            .await?;
        if !today.iter().any(|c| self.hub().has_patron(c.id)) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "patron_gone",
                "the patron's chat box is no longer open",
            ));
        }
        // The librarian takes one more chat: their library's limit applies.
        self.check_chat_limit(staff).await?;
        let id: ChatId = new_id();
        let at = self.now();
        let claimed = ChatEvent::Claimed {
            operator: staff.id(),
        };
        let new = NewChat {
            id,
            institution_id: before.institution_id,
            department_id: before.department_id,
            widget_id: before.widget_id,
            guest_id: before.guest_id,
            patron_name: before.patron_name.clone(),
            patron_email: before.patron_email.clone(),
            question: None,
            referrer: None,
            user_agent: before.user_agent.clone(),
            patron_ip: before.patron_ip.clone(),
            created_at: at,
            new_guest: None,
            moves: Vec::new(),
            outbound: Some(Outbound {
                operator: staff.id(),
                note: event_note(id, &claimed, at)?,
            }),
        };
        let chat = self.store().start_chat(&new, None).await?;
        tracing::info!(chat.id = %chat.id, operator.id = %staff.id(), "outbound chat started");
        metrics::counter!("refdesk_chats_started_total").increment(1);
        self.hub().chats.put(&chat);
        self.publish_queue(&chat).await?;
        self.chats_held_changed(staff.id()).await;
        Ok(chat)
    }
}
