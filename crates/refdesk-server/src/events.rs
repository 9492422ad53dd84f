//! Events: what happened after a commit, fanned out to sockets by the hub and carried between
//! nodes by the bus. An event only wakes subscribers; the store stays the source of truth, and a
//! subscriber that missed events catches up from it by sequence number.

use refdesk_core::{Chat, ChatId, InstitutionId, Message};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A message was committed.
    Message { message: Message },
    /// A chat was started or changed state; `queue_position` is set while it waits.
    ChatChanged {
        chat: Chat,
        queue_position: Option<u32>,
    },
    /// Someone is typing (not stored).
    Typing {
        chat_id: ChatId,
        from_staff: bool,
        name: Option<String>,
        active: bool,
    },
}

/// What a socket subscribes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Messages, typing and state of one chat.
    Chat(ChatId),
    /// Chats of one institution arriving and changing (the staff queue).
    Institution(InstitutionId),
}

impl Event {
    pub fn topics(&self) -> impl Iterator<Item = Topic> {
        let (chat, institution) = match self {
            Event::Message { message } => (message.chat_id, None),
            Event::ChatChanged { chat, .. } => (chat.id, Some(chat.institution_id)),
            Event::Typing { chat_id, .. } => (*chat_id, None),
        };
        std::iter::once(Topic::Chat(chat)).chain(institution.map(Topic::Institution))
    }
}
