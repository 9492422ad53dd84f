//! Turning domain objects into the protocol's views, with the names they need.

use crate::error::ApiResult;
use crate::state::AppState;
use refdesk_core::{Audience, Chat, ChatStatus, Message, Sender};
use refdesk_protocol::{ChatNames, MessageView, PatronChatView, StaffChatView};
use refdesk_store::ChatFilter;

impl AppState {
    pub async fn staff_view(&self, chat: &Chat) -> ApiResult<StaffChatView> {
        let (s, n) = (self.store(), self.names());
        let operator = match chat.state.operator() {
            Some(op) => Some(n.user(s, op).await?),
            None => None,
        };
        let names = ChatNames {
            operator,
            institution: n.institution(s, chat.institution_id).await?,
            department: n.department(s, chat.department_id).await?,
            widget: n.widget(s, chat.widget_id).await?,
        };
        Ok(StaffChatView::new(chat, names))
    }

    /// The patron's view; `position` if known, else computed from the queue.
    pub async fn patron_view(
        &self,
        chat: &Chat,
        position: Option<u32>,
    ) -> ApiResult<PatronChatView> {
        let operator = match chat.state.operator() {
            Some(op) => Some(self.names().user(self.store(), op).await?),
            None => None,
        };
        let position = match (position, chat.state.status()) {
            (Some(p), _) => Some(p),
            (None, ChatStatus::Waiting) => self.queue_position(chat).await?,
            (None, _) => None,
        };
        Ok(PatronChatView::new(chat, operator, position))
    }

    async fn queue_position(&self, chat: &Chat) -> ApiResult<Option<u32>> {
        let waiting = self
            .store()
            .chats(&ChatFilter {
                institutions: vec![chat.institution_id],
                statuses: vec![ChatStatus::Waiting],
                limit: 1000,
            })
            .await?;
        Ok(waiting
            .iter()
            .filter(|c| c.department_id == chat.department_id)
            .position(|c| c.id == chat.id)
            .map(|p| p as u32 + 1))
    }

    /// A message as `audience` sees it (`None` for what it may not see). `reader` is the
    /// reading principal's sender identity, to mark their own messages.
    pub async fn message_view(
        &self,
        chat: &Chat,
        m: &Message,
        audience: Audience,
        reader: Sender,
    ) -> ApiResult<Option<MessageView>> {
        if !m.visible_to(audience) {
            return Ok(None);
        }
        let name = match m.sender {
            Sender::Patron(_) => chat.patron_name.as_ref().map(ToString::to_string),
            Sender::Staff(id) => Some(self.names().user(self.store(), id).await?),
            Sender::System => None,
        };
        Ok(MessageView::project(m, audience, name, m.sender == reader))
    }
}
