//! Turning domain objects into the protocol's views, with the names they need.

use crate::error::ApiResult;
use crate::state::AppState;
use refdesk_core::chat::ChatEvent;
use refdesk_core::{
    Audience, Chat, ChatStatus, DepartmentId, Message, MessageKind, Sender, UserId,
};
use refdesk_protocol::{ChatNames, MessageView, PatronChatView, StaffChatView};
use refdesk_store::ChatFilter;

impl AppState {
    pub async fn staff_view(&self, chat: &Chat) -> ApiResult<StaffChatView> {
        let (s, n) = (self.store(), self.names());
        let operator = match chat.state.operator() {
            Some(op) => Some(n.user(s, op).await?),
            None => None,
        };
        let answered_by = match chat.answered_by {
            Some(op) => Some(n.user(s, op).await?),
            None => None,
        };
        let mut companions = Vec::with_capacity(chat.companions.len());
        for c in &chat.companions {
            companions.push(refdesk_protocol::NamedRef {
                id: (*c).into(),
                name: n.user(s, *c).await?,
            });
        }
        let names = ChatNames {
            companions,
            operator,
            answered_by,
            institution: n.institution(s, chat.institution_id).await?,
            department: n.department(s, chat.department_id).await?,
            widget: n.widget(s, chat.widget_id).await?,
            browser: chat
                .user_agent
                .as_deref()
                .and_then(crate::browser::browser_name),
            coops: n
                .coops_of(s, chat.institution_id)
                .await?
                .into_iter()
                .map(|(id, name)| refdesk_protocol::NamedRef { id, name })
                .collect(),
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
            Some(op) => Some(self.staff_name(op, Audience::Patron).await?),
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
        Ok(self
            .waiting_in(chat.department_id)
            .await?
            .iter()
            .position(|c| c.id == chat.id)
            .map(|p| p as u32 + 1))
    }

    /// The chats waiting in a department's queue, first in line first (the first 1,000).
    pub(crate) async fn waiting_in(&self, department: DepartmentId) -> ApiResult<Vec<Chat>> {
        Ok(self
            .store()
            .chats(&ChatFilter {
                departments: vec![department],
                statuses: vec![ChatStatus::Waiting],
                limit: 1000,
                ..ChatFilter::default()
            })
            .await?)
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
            Sender::Staff(id) => Some(self.staff_name(id, audience).await?),
            Sender::System => None,
        };
        let Some(view) = MessageView::project(m, audience, name, m.sender == reader) else {
            return Ok(None);
        };
        if m.kind != MessageKind::System {
            return Ok(Some(view));
        }
        // A system message stores its event; the words are this reader's. Messages stored
        // before events existed hold their text, and are shown as they are.
        let Ok(event) = serde_json::from_str::<ChatEvent>(m.body.as_str()) else {
            return Ok(Some(view));
        };
        let name = match (event, event.operator()) {
            (_, Some(op)) => self.staff_name(op, audience).await?,
            (ChatEvent::Routed { target, .. }, None) => self.target_name(target).await?,
            _ => String::new(),
        };
        Ok(Some(view.with_body(event.describe(&name, audience))))
    }

    /// The name of where a routing step offers chats.
    async fn target_name(&self, target: refdesk_core::StepTarget) -> ApiResult<String> {
        Ok(match target {
            refdesk_core::StepTarget::Department(d) => {
                self.names().department(self.store(), d).await?
            }
            refdesk_core::StepTarget::Coop(c) => self.coop_name(c).await?,
        })
    }

    /// A co-op's name ("the co-op" for one that is gone).
    pub(crate) async fn coop_name(&self, coop: refdesk_core::CoopId) -> ApiResult<String> {
        Ok(self
            .store()
            .coops(&[coop])
            .await?
            .into_iter()
            .next()
            .map(|c| c.name.to_string())
            .unwrap_or_else(|| "the co-op".to_owned()))
    }

    /// A staff member's name as `audience` may see it: the full name among staff; for patrons
    /// the public name (first name), or "Librarian" where their institution shows no names.
    pub async fn staff_name(&self, id: UserId, audience: Audience) -> ApiResult<String> {
        let (full, institution) = self.names().user_at(self.store(), id).await?;
        Ok(match audience {
            Audience::Staff => full,
            Audience::Patron => {
                let policy = self.policies().get(self.store(), institution).await?;
                if policy.staff_names_shown_to_patrons {
                    refdesk_core::directory::public_name(&full)
                } else {
                    "Librarian".to_owned()
                }
            }
        })
    }
}
