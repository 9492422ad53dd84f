//! Follow-up tickets on the wire.

use crate::views::MessageView;
use refdesk_core::{ChatId, DepartmentId, InstitutionId, TicketId, UserId};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A queue (department) tickets may be filed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QueueView {
    #[schema(value_type = String, format = Uuid)]
    pub id: DepartmentId,
    pub name: String,
}

/// `GET /api/chats/{id}/ticket-form`: what "Create a follow-up ticket" shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketFormView {
    /// The patron's home institution, where the ticket will be.
    #[schema(value_type = String, format = Uuid)]
    pub institution_id: InstitutionId,
    pub institution_name: String,
    pub queues: Vec<QueueView>,
    /// The chat box's department.
    #[schema(value_type = String, format = Uuid)]
    pub default_queue: DepartmentId,
    /// From the pre-chat form, when the patron gave them.
    pub patron_name: Option<String>,
    pub patron_email: Option<String>,
}

/// `POST /api/chats/{id}/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    /// A department of the chat's institution; the chat box's when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub queue_id: Option<DepartmentId>,
    pub patron_name: String,
    pub patron_email: String,
    /// An internal note for the home library's staff (never emailed).
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/widgets/{id}/tickets`: the chat box's offline question form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineQuestionBody {
    pub name: String,
    pub email: String,
    pub question: String,
}

/// The offline form's receipt (nothing of the ticket beyond that it exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfflineQuestionReceived {
    pub received: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketView {
    #[schema(value_type = String, format = Uuid)]
    pub id: TicketId,
    #[schema(value_type = String, format = Uuid)]
    pub institution_id: InstitutionId,
    pub queue: QueueView,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub chat_id: Option<ChatId>,
    pub patron_name: String,
    pub patron_email: String,
    pub subject: String,
    /// `open`, `pending` or `closed`.
    pub status: String,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    /// Who made it ("Offline form" when the patron did).
    pub created_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// `GET /api/institutions/{id}/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketList {
    pub tickets: Vec<TicketView>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketEntryView {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    /// `question`, `note` (staff only), `reply` (emailed) or `patron_reply`.
    pub kind: String,
    pub author_name: Option<String>,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
}

/// `GET /api/tickets/{id}`: the ticket, its entries, and the chat's transcript as the patron saw
/// it (no internal notes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TicketDetail {
    pub ticket: TicketView,
    pub entries: Vec<TicketEntryView>,
    pub transcript: Vec<MessageView>,
    /// Staff of the institution it may be assigned to.
    pub assignable: Vec<AssigneeView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssigneeView {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub name: String,
}

/// `POST /api/tickets/{id}/notes` and `/replies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketEntryBody {
    /// 1–20,000 characters.
    pub body: String,
}

/// `PATCH /api/tickets/{id}`: either or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketUpdateBody {
    /// `open`, `pending` or `closed`.
    #[serde(default)]
    pub status: Option<String>,
    /// A staff member of the ticket's institution, or `null` to unassign.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assignee_id: Option<Option<UserId>>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
