//! Newtype ids. Every entity is named by a UUIDv7 wrapped in its own type, so a chat id can never
//! be passed where an institution id is expected. Fresh ids are made by the caller (core does not
//! read the clock) with `Uuid::now_v7()` and wrapped with `From`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }
        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A library (or library system) that owns departments, widgets, staff and its patrons' chats.
    InstitutionId
);
id_type!(
    /// A co-operative of institutions that staff each other's chats.
    CoopId
);
id_type!(
    /// A queue of one institution.
    DepartmentId
);
id_type!(
    /// An embeddable chat box, bound to an institution and a department.
    WidgetId
);
id_type!(
    /// A staff account: operator, institution admin, co-op admin or system admin.
    UserId
);
id_type!(
    /// An anonymous patron, known only by the guest token kept in the chat box.
    GuestId
);
id_type!(
    /// One conversation between a patron and the library.
    ChatId
);
id_type!(
    /// A conversation among staff (a 1:1 IM today, rooms later), beside patron chats.
    ConversationId
);
id_type!(
    /// One stored message of a chat or a staff conversation.
    MessageId
);
id_type!(
    /// One canned message (a ready-made reply).
    CannedId
);
id_type!(
    /// One FAQ (a question with its answer) of an institution.
    FaqId
);
id_type!(
    /// One file sent in a chat.
    AttachmentId
);
id_type!(
    /// One email refdesk sends (a transcript, a ticket reply), kept in the outbox until sent.
    MailId
);
id_type!(
    /// One follow-up ticket: a patron's question handed to their home library to answer by
    /// email.
    TicketId
);
id_type!(
    /// One offer of a chat from the librarian holding it to another librarian or a queue.
    TransferId
);

/// One sequenced, acknowledged, resumable log: a patron chat or a staff conversation. Messages,
/// the sequencer's heads, a socket's cursors and the hub's topics are all keyed by it, so both
/// kinds share one machinery. Its uuid is the chat's or the conversation's (both UUIDv7, so
/// they never collide); the variant says which table holds its head.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamId {
    Chat(ChatId),
    Conversation(ConversationId),
}

impl StreamId {
    pub const fn as_uuid(&self) -> &Uuid {
        match self {
            StreamId::Chat(id) => id.as_uuid(),
            StreamId::Conversation(id) => id.as_uuid(),
        }
    }
    /// The chat, when this is a patron chat's log.
    pub const fn chat(self) -> Option<ChatId> {
        match self {
            StreamId::Chat(id) => Some(id),
            StreamId::Conversation(_) => None,
        }
    }
    /// The staff conversation, when this is one's log.
    pub const fn conversation(self) -> Option<ConversationId> {
        match self {
            StreamId::Conversation(id) => Some(id),
            StreamId::Chat(_) => None,
        }
    }
}

impl From<ChatId> for StreamId {
    fn from(id: ChatId) -> Self {
        StreamId::Chat(id)
    }
}

impl From<ConversationId> for StreamId {
    fn from(id: ConversationId) -> Self {
        StreamId::Conversation(id)
    }
}

impl fmt::Debug for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamId::Chat(id) => id.fmt(f),
            StreamId::Conversation(id) => id.fmt(f),
        }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_uuid().fmt(f)
    }
}
