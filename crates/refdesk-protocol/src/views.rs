//! What clients see of domain objects. Patron-facing and staff-facing views are separate types,
//! so a field added for staff can never leak to a patron by accident, and every message that
//! goes to a patron passes through [`MessageView::project`], which drops internal notes.

use refdesk_core::{
    Audience, Chat, ChatId, ChatStatus, Conversation, ConversationId, InstitutionId, Message,
    MessageId, MessageKind, Role, Sender, User, UserId,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub name: String,
    pub email: String,
    #[schema(value_type = String, example = "operator")]
    pub role: Role,
    #[schema(value_type = String, format = Uuid)]
    pub institution_id: InstitutionId,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            name: u.name.to_string(),
            email: u.email.to_string(),
            role: u.role,
            institution_id: u.institution_id,
        }
    }
}

/// A named reference to another object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NamedRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
}

/// A chat as staff see it in the Patron chats list and the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StaffChatView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ChatId,
    #[schema(value_type = String, example = "waiting")]
    pub status: ChatStatus,
    /// Who holds the chat now (while it is active).
    pub operator: Option<NamedRef>,
    /// Who answered it: the last operator who held it, also after it ended.
    pub answered_by: Option<NamedRef>,
    /// Librarians who handed the chat over and are still in it beside its operator.
    pub companions: Vec<NamedRef>,
    pub institution: NamedRef,
    pub department: NamedRef,
    pub widget: NamedRef,
    pub patron_name: Option<String>,
    pub patron_email: Option<String>,
    pub question: Option<String>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    /// The patron's address, as the institution's policy keeps it (whole, or truncated to its
    /// /24 or /48); `null` when it is not kept.
    pub patron_ip: Option<String>,
    /// The patron's browser, readable ("Firefox 133 on Windows 10"), when it can be told.
    pub browser: Option<String>,
    /// The co-ops the chat's institution belongs to.
    pub coops: Vec<NamedRef>,
    /// The co-op the chat is offered to now (its routing plan reached a co-op step): co-op
    /// staff see it through this one.
    pub offered_to: Option<NamedRef>,
    /// The step of its widget's routing plan it has reached (0: the widget's department).
    pub step: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub claimed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    pub last_seq: u64,
}

/// The names a staff view needs beside the chat itself.
#[derive(Debug, Clone)]
pub struct ChatNames {
    pub operator: Option<String>,
    pub answered_by: Option<String>,
    pub institution: String,
    pub department: String,
    pub widget: String,
    pub browser: Option<String>,
    pub coops: Vec<NamedRef>,
    /// The companions (see `StaffChatView::companions`), with their names.
    pub companions: Vec<NamedRef>,
}

impl StaffChatView {
    pub fn new(chat: &Chat, names: ChatNames) -> Self {
        StaffChatView {
            id: chat.id,
            status: chat.state.status(),
            operator: chat.state.operator().map(|id| NamedRef {
                id: id.into(),
                name: names.operator.unwrap_or_default(),
            }),
            answered_by: chat.answered_by.map(|id| NamedRef {
                id: id.into(),
                name: names.answered_by.unwrap_or_default(),
            }),
            institution: NamedRef {
                id: chat.institution_id.into(),
                name: names.institution,
            },
            department: NamedRef {
                id: chat.department_id.into(),
                name: names.department,
            },
            widget: NamedRef {
                id: chat.widget_id.into(),
                name: names.widget,
            },
            patron_name: chat.patron_name.as_ref().map(ToString::to_string),
            patron_email: chat.patron_email.as_ref().map(ToString::to_string),
            question: chat.question.as_ref().map(ToString::to_string),
            referrer: chat.referrer.clone(),
            user_agent: chat.user_agent.clone(),
            patron_ip: chat.patron_ip.clone(),
            browser: names.browser,
            offered_to: chat.coop_id.map(|c| NamedRef {
                id: c.into(),
                name: names
                    .coops
                    .iter()
                    .find(|n| n.id == uuid::Uuid::from(c))
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
            }),
            step: chat.step,
            coops: names.coops,
            companions: names.companions,
            created_at: chat.created_at,
            claimed_at: chat.claimed_at,
            ended_at: chat.ended_at,
            last_seq: chat.last_seq.0,
        }
    }
}

/// A chat as its patron sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PatronChatView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ChatId,
    #[schema(value_type = String, example = "waiting")]
    pub status: ChatStatus,
    /// The first name of the librarian who answers, once someone does.
    pub operator_name: Option<String>,
    /// 1 when next in line; only while waiting.
    pub queue_position: Option<u32>,
    /// The last sequence number the patron knows the chat by (patron numbering: internal
    /// notes are not counted).
    pub last_seq: u64,
}

impl PatronChatView {
    pub fn new(chat: &Chat, operator_name: Option<String>, queue_position: Option<u32>) -> Self {
        PatronChatView {
            id: chat.id,
            status: chat.state.status(),
            operator_name,
            queue_position,
            last_seq: chat.last_patron_seq.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SenderRole {
    Patron,
    Staff,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MessageView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MessageId,
    #[schema(value_type = String, format = Uuid)]
    pub chat_id: ChatId,
    pub seq: u64,
    #[schema(value_type = String, example = "patron")]
    pub kind: MessageKind,
    pub sender: SenderRole,
    pub sender_name: Option<String>,
    pub body: String,
    /// Present only on the sender's own messages, so a client can match its outbox.
    pub client_msg_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl MessageView {
    /// The same view with the text a reader sees in place of the stored body (system messages
    /// store their event and are rendered for each reader).
    pub fn with_body(mut self, body: String) -> MessageView {
        self.body = body;
        self
    }

    /// The one gate between stored messages and readers of chats: `None` when `audience` may
    /// not see the message (internal notes for patrons), and for messages of staff
    /// conversations. `own` says whether the reader sent it.
    pub fn project(
        m: &Message,
        audience: Audience,
        sender_name: Option<String>,
        own: bool,
    ) -> Option<MessageView> {
        let chat_id = m.stream.chat()?;
        // `None` for what this audience never sees; a patron's number skips internal notes.
        let seq = m.seq_for(audience)?;
        Some(MessageView {
            id: m.id,
            chat_id,
            seq: seq.0,
            kind: m.kind,
            sender: match m.sender {
                Sender::Patron(_) => SenderRole::Patron,
                Sender::Staff(_) => SenderRole::Staff,
                Sender::System => SenderRole::System,
            },
            sender_name,
            body: m.body.to_string(),
            client_msg_id: if own {
                m.client_msg_id.as_ref().map(ToString::to_string)
            } else {
                None
            },
            created_at: m.created_at,
        })
    }
}

/// A staff conversation as its members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConversationView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ConversationId,
    /// `direct` (two colleagues), `coop` (everyone who may monitor the co-op), `institution`
    /// (its staff) or `room` (one someone made, with those invited).
    pub kind: String,
    /// The room's name: the co-op's, the institution's, or the one its maker gave it (none
    /// for a direct conversation).
    pub name: Option<String>,
    /// Who takes part when stored (a direct conversation's two, a made room's members), with
    /// their names; empty for a co-op's or institution's room (its members follow the grants).
    pub members: Vec<NamedRef>,
    /// The last sequence number at the time of reading.
    pub last_seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl ConversationView {
    /// `names` are the members' names, in the order of `c.members`; `name` the room's.
    pub fn new(c: &Conversation, names: Vec<String>, name: Option<String>) -> ConversationView {
        ConversationView {
            id: c.id,
            kind: c.kind.as_str().to_owned(),
            name,
            members: c
                .members
                .iter()
                .zip(names)
                .map(|(id, name)| NamedRef {
                    id: (*id).into(),
                    name,
                })
                .collect(),
            last_seq: c.last_seq.0,
            created_at: c.created_at,
        }
    }
}

/// A message of a staff conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConversationMessageView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MessageId,
    #[schema(value_type = String, format = Uuid)]
    pub conversation_id: ConversationId,
    pub seq: u64,
    /// The staff member who wrote it.
    pub sender: NamedRef,
    pub body: String,
    /// Present only on the sender's own messages, so a client can match its outbox.
    pub client_msg_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl ConversationMessageView {
    /// The view of a staff conversation's message; `None` for anything else. `own` says
    /// whether the reader sent it.
    pub fn project(m: &Message, sender_name: String, own: bool) -> Option<Self> {
        let (Some(conversation_id), Sender::Staff(user)) = (m.stream.conversation(), m.sender)
        else {
            return None;
        };
        Some(ConversationMessageView {
            id: m.id,
            conversation_id,
            seq: m.seq.0,
            sender: NamedRef {
                id: user.into(),
                name: sender_name,
            },
            body: m.body.to_string(),
            client_msg_id: if own {
                m.client_msg_id.as_ref().map(ToString::to_string)
            } else {
                None
            },
            created_at: m.created_at,
        })
    }
}
