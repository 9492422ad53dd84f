//! Transcript search and the audit log on the wire: an institution's past chats, for its
//! admins, with the patron's identity (their own institution's transcripts) and every access
//! recorded.

use crate::MessageView;
use refdesk_core::{ChatId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// One past chat in a list of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptSummary {
    #[schema(value_type = String, format = Uuid)]
    pub chat_id: ChatId,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    /// `answered`, `unanswered`, `abandoned` or `open`.
    pub outcome: String,
    pub patron_name: Option<String>,
    /// The patron's first question, as they typed it.
    pub question: Option<String>,
    /// Who claimed it first.
    pub operator_name: Option<String>,
    pub department_name: String,
    pub tags: Vec<String>,
    pub stars: Option<u8>,
    /// With words searched for: a stretch of the conversation around them, as HTML (the text
    /// escaped, the matched words in `<mark>`).
    pub snippet_html: Option<String>,
}

/// `GET /api/institutions/{id}/transcripts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptList {
    /// How many chats match (at most 1,000 when words are searched for).
    pub total: u32,
    pub offset: u32,
    /// Best match first with words, newest first without.
    pub chats: Vec<TranscriptSummary>,
}

/// `GET /api/institutions/{id}/transcripts/{chat}`: the whole conversation, internal notes
/// included (`kind` = `internal_note`) and system lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptView {
    pub summary: TranscriptSummary,
    pub patron_email: Option<String>,
    /// The patron's comment with their rating.
    pub rating_comment: Option<String>,
    pub messages: Vec<MessageView>,
}

/// One access to patrons' words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: u64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    #[schema(value_type = String, format = Uuid)]
    pub actor_id: UserId,
    pub actor_name: String,
    /// `transcripts_searched`, `transcript_viewed` or `transcript_exported`.
    pub action: String,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub chat_id: Option<ChatId>,
    /// What was asked for (a search's words and filters).
    pub detail: String,
}

/// `GET /api/institutions/{id}/audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditLogView {
    /// Newest first.
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<u64>,
}
