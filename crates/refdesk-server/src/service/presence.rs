//! Whether a patron's chat box is there: a waiting chat whose patron has no chat box connected
//! (on any node) is abandoned once the patron-away timer runs out. Each node counts its own
//! patron sockets per chat (in the hub); the durable timer is what all nodes share.

use crate::state::AppState;
use refdesk_core::{Chat, ChatId, ChatState, TimerKey, TimerKind, TimerOp};

impl AppState {
    /// A chat box of the patron follows `chat` on this node: the patron-away timer stops.
    pub async fn patron_present(&self, chat: &Chat) {
        if chat.state != ChatState::Waiting {
            return;
        }
        if let Err(e) = self.store().set_timers(&[chat.patron_returned()]).await {
            tracing::warn!(chat.id = %chat.id, error = %e, "cancelling the patron-away timer failed");
        }
    }

    /// The last chat box of this node following `chat` went away: the patron-away timer starts
    /// (if the chat is still waiting).
    pub async fn patron_absent(&self, chat: ChatId) {
        let chat = match self.store().chat(chat).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(chat.id = %chat, error = %e, "reading a chat its patron left failed");
                return;
            }
        };
        self.start_patron_timer(&chat).await;
    }

    /// Sets the patron-away timer of a waiting chat from now.
    pub async fn start_patron_timer(&self, chat: &Chat) {
        let Some(op) = chat.patron_left(self.now(), self.timing()) else {
            return;
        };
        match self.store().set_timers(&[op]).await {
            Ok(()) => self.timers_changed().notify_one(),
            Err(e) => {
                tracing::warn!(chat.id = %chat.id, error = %e, "setting the patron-away timer failed")
            }
        }
    }

    /// Stops the patron-away timers of every chat a patron follows on this node, so that a timer
    /// set by another node (where another tab of the patron closed) does not abandon a chat whose
    /// patron is still here. Run now and then by the timer task.
    pub async fn refresh_patron_presence(&self) {
        let ops: Vec<_> = self
            .hub()
            .chats_with_patrons()
            .into_iter()
            .map(|id| TimerOp::Cancel(TimerKey::of_chat(TimerKind::PatronAway, id)))
            .collect();
        if ops.is_empty() {
            return;
        }
        if let Err(e) = self.store().set_timers(&ops).await {
            tracing::warn!(error = %e, "refreshing patron presence failed");
        }
    }
}
