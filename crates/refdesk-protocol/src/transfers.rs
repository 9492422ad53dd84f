//! Transfers on the wire: offering a chat, the targets a chat may go to right now, and a
//! transfer as staff see it (the receiver's alert and preview, the sender's pending state).

use crate::views::{MessageView, NamedRef, StaffChatView};
use refdesk_core::{ChatId, TransferId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// Whom a chat is offered to: `operator`, `department` or `coop`, with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferTargetBody {
    /// `operator`, `department` or `coop`.
    #[schema(example = "operator")]
    pub kind: String,
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
}

/// `POST /api/chats/{id}/transfers`: offer the chat I hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferTransferRequest {
    pub target: TransferTargetBody,
    /// For the receiver (at most 1000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// A transfer as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransferView {
    #[schema(value_type = String, format = Uuid)]
    pub id: TransferId,
    #[schema(value_type = String, format = Uuid)]
    pub chat_id: ChatId,
    /// Who offered it.
    pub from: NamedRef,
    /// `operator`, `department` or `coop`.
    pub target_kind: String,
    pub target: NamedRef,
    pub note: Option<String>,
    /// `offered`, `accepted`, `declined`, `expired` or `cancelled`.
    pub state: String,
    /// Who accepted or declined it.
    pub by: Option<NamedRef>,
    /// The patron's library.
    pub institution: NamedRef,
    pub patron_name: Option<String>,
    pub question: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub offered_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    /// Whether it is offered to me (I may accept it).
    pub for_me: bool,
}

/// The pending transfers that concern me: offered by me, or to me (or a queue I answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransferList {
    pub transfers: Vec<TransferView>,
}

/// A transfer with its chat, for the receiver to look at before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransferPreview {
    pub transfer: TransferView,
    pub chat: StaffChatView,
    /// The chat so far (its last 50 messages, notes included).
    pub messages: Vec<MessageView>,
}

/// A librarian a chat may be transferred to now: online, with how many chats they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OperatorTarget {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
    pub institution: NamedRef,
    pub chats: u32,
}

/// A department or co-op a chat may be transferred to now, with how many monitor it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QueueTarget {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
    /// Librarians monitoring it with a dashboard open (me excluded).
    pub monitors: u32,
}

/// Where the chat may go right now: only targets someone is online for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransferTargets {
    pub operators: Vec<OperatorTarget>,
    pub departments: Vec<QueueTarget>,
    pub coops: Vec<QueueTarget>,
}
