//! Mail on the wire: asking for a transcript, the outbox as admins see it, an institution's
//! templates, and a mail gateway's inbound message.

use refdesk_core::{Mail, MailId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `POST /api/chats/{id}/transcript`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptRequest {
    /// Where to send it. Required from the patron; staff may leave it out to use the address
    /// the patron gave in the pre-chat form.
    #[serde(default)]
    pub email: Option<String>,
}

/// A queued transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TranscriptQueued {
    #[schema(value_type = String, format = Uuid)]
    pub mail_id: MailId,
    pub to: String,
}

/// One mail of the outbox, as an institution's admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MailView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MailId,
    /// `transcript` or `ticket_reply`.
    pub kind: String,
    pub to: String,
    pub subject: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    /// `smtp`, or the file in the outbox folder.
    pub delivered_to: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<OffsetDateTime>,
}

impl From<&Mail> for MailView {
    fn from(m: &Mail) -> Self {
        MailView {
            id: m.id,
            kind: m.kind.as_str().to_owned(),
            to: m.to.to_string(),
            subject: m.subject.clone(),
            status: m.status.as_str().to_owned(),
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error.clone(),
            delivered_to: m.delivered_to.clone(),
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// `GET /api/institutions/{id}/mails`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MailList {
    pub mails: Vec<MailView>,
    /// With no SMTP relay configured, the folder mails are written to.
    pub outbox_folder: Option<String>,
    /// Pass as `before` for the next page; absent on the last.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_before: Option<OffsetDateTime>,
}

/// `PUT /api/institutions/{id}/mail-templates/{kind}`: minijinja sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailTemplateBody {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An institution's template for one kind of mail, with a preview from sample data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MailTemplateView {
    pub kind: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Whether this is the institution's own (else refdesk's default).
    pub custom: bool,
    /// The names the templates may use.
    pub variables: Vec<String>,
    pub preview_subject: String,
    pub preview_text: String,
}

/// `POST /api/mail/inbound`: a message a mail gateway received and parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundMail {
    /// The sender's address (`Name <a@b>` or `a@b`).
    pub from: String,
    #[serde(default)]
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The `In-Reply-To` header, which names the ticket mail it answers.
    #[serde(default)]
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub references: Option<String>,
}

/// Where an inbound message went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InboundAccepted {
    #[schema(value_type = String, format = Uuid)]
    pub ticket_id: refdesk_core::TicketId,
}
