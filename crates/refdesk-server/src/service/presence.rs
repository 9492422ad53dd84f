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

/// How long a node's claim that it holds a staff member's socket lasts unless renewed (the
/// timer task renews it every 20 s): a node that dies stops counting after this.
pub const STAFF_LEASE: time::Duration = time::Duration::seconds(90);

impl AppState {
    /// A staff socket of `staff` opened on this node: they are here, so the timers that would
    /// send their chats back to the queue stop.
    pub async fn staff_arrived(&self, staff: &refdesk_core::StaffPrincipal) {
        let user = staff.id();
        self.hub().staff_arrived(user);
        let result = async {
            self.store()
                .staff_connected(user, self.node_id(), self.now() + STAFF_LEASE)
                .await?;
            let ops: Vec<TimerOp> = self
                .store()
                .chats_of_operator(user)
                .await?
                .iter()
                .map(Chat::operator_returned)
                .collect();
            if !ops.is_empty() {
                self.store().set_timers(&ops).await?;
            }
            Ok::<_, refdesk_store::StoreError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(user.id = %user, error = %e, "recording a staff connection failed");
        }
    }

    /// A staff socket of `user` closed on this node. When no node holds one any more, each chat
    /// they hold goes back to the queue after their institution's grace period, unless they
    /// come back first.
    pub async fn staff_gone(&self, user: refdesk_core::UserId) {
        if !self.hub().staff_left(user) {
            return;
        }
        match self
            .store()
            .staff_disconnected(user, self.node_id(), self.now())
            .await
        {
            Ok(true) => self.operator_absent(user).await,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(user.id = %user, error = %e, "recording a staff disconnect failed")
            }
        }
    }

    /// Starts the operator-away timers of every chat `user` holds.
    async fn operator_absent(&self, user: refdesk_core::UserId) {
        let result = async {
            let home = self.store().user(user).await?.institution_id;
            let grace = self
                .policies()
                .get(self.store(), home)
                .await?
                .operator_grace_seconds;
            let timing = refdesk_core::Timing {
                operator_grace: time::Duration::seconds(i64::from(grace)),
                ..*self.timing()
            };
            let now = self.now();
            let ops: Vec<TimerOp> = self
                .store()
                .chats_of_operator(user)
                .await?
                .iter()
                .filter_map(|c| c.operator_left(user, now, &timing))
                .collect();
            if !ops.is_empty() {
                self.store().set_timers(&ops).await?;
                self.timers_changed().notify_one();
            }
            Ok::<_, refdesk_store::StoreError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(user.id = %user, error = %e, "starting operator-away timers failed");
        }
    }

    /// Whether `user` has a staff socket on any node.
    pub async fn staff_connected(&self, user: refdesk_core::UserId) -> bool {
        self.hub().has_staff(user)
            || self
                .store()
                .staff_connected_anywhere(user, self.now())
                .await
                .unwrap_or(true)
    }

    /// Renews this node's leases on its staff sockets, and starts the operator-away timers of
    /// staff whose only sockets were on a node that died (its leases ran out). Run now and then
    /// by the timer task.
    pub async fn refresh_staff_presence(&self) {
        let until = self.now() + STAFF_LEASE;
        for user in self.hub().staff_here() {
            if let Err(e) = self
                .store()
                .staff_connected(user, self.node_id(), until)
                .await
            {
                tracing::warn!(user.id = %user, error = %e, "renewing a staff lease failed");
            }
        }
        match self.store().take_expired_staff(self.now()).await {
            Ok(gone) => {
                for user in gone {
                    self.operator_absent(user).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading expired staff leases failed"),
        }
    }
}

impl AppState {
    /// After a chat went back to the queue because `operator` was gone: an internal note for
    /// whoever takes it next.
    pub(crate) async fn note_requeue(
        &self,
        chat: &Chat,
        operator: refdesk_core::UserId,
    ) -> crate::error::ApiResult<()> {
        let name = self
            .staff_name(operator, refdesk_core::Audience::Staff)
            .await?;
        let body = format!(
            "{name} was disconnected for longer than the grace period; the chat went back to the \
             queue. The patron was told a librarian will be with them shortly."
        );
        let note = refdesk_core::NewMessage {
            id: crate::service::new_id(),
            stream: chat.id.into(),
            kind: refdesk_core::MessageKind::InternalNote,
            sender: refdesk_core::Sender::System,
            body: refdesk_core::MessageBody::parse(&body)
                .map_err(crate::error::ApiError::internal)?,
            client_msg_id: None,
            created_at: self.now(),
        };
        let appended = self.store().append_message(note).await?;
        self.publish(crate::events::Event::Message {
            message: appended.message,
        })
        .await;
        Ok(())
    }
}
