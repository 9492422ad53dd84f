//! Email refdesk sends: transcripts to patrons, staff replies to tickets. A mail is written to
//! the outbox (the store) with what a reader needs (subject, plain text, HTML) in the same step
//! as what caused it, then a sender task delivers it: over SMTP when the node has a relay, else
//! into the outbox folder of the data directory. A failed attempt is tried again later, each
//! wait longer than the one before, until [`MAX_ATTEMPTS`]; then the mail has failed for good
//! and admins see it with its last error.

use crate::ids::{InstitutionId, MailId, TicketId};
use crate::text::Email;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Attempts before a mail has failed for good (about twelve hours of waits in all).
pub const MAX_ATTEMPTS: u32 = 12;
/// The first wait after a failed attempt; each later wait doubles, up to [`MAX_RETRY_WAIT`].
pub const FIRST_RETRY_WAIT: Duration = Duration::seconds(30);
pub const MAX_RETRY_WAIT: Duration = Duration::hours(4);

/// What a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// A chat's transcript, to its patron.
    Transcript,
    /// A librarian's reply to a ticket, to its patron.
    TicketReply,
}

impl MailKind {
    pub const ALL: [MailKind; 2] = [MailKind::Transcript, MailKind::TicketReply];
    pub const fn as_str(self) -> &'static str {
        match self {
            MailKind::Transcript => "transcript",
            MailKind::TicketReply => "ticket_reply",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waiting for its next attempt (`next_attempt_at`).
    Queued,
    /// Handed to the SMTP relay, or written to the outbox folder.
    Sent,
    /// Every attempt failed; an admin may queue it again.
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 3] = [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed];
    pub const fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub id: MailId,
    /// The institution it is sent for (whose admins see it, whose templates rendered it).
    pub institution_id: InstitutionId,
    pub kind: MailKind,
    /// The ticket it answers: replies to it thread back into the ticket.
    pub ticket_id: Option<TicketId>,
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub status: MailStatus,
    /// Attempts made so far.
    pub attempts: u32,
    pub next_attempt_at: OffsetDateTime,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Where it went: `smtp` or the outbox file's name.
    pub delivered_to: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// The outcome of one attempt, as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailAttempt {
    Sent {
        at: OffsetDateTime,
        delivered_to: String,
    },
    /// Failed; tried again at `next_attempt_at`.
    Retry {
        error: String,
        next_attempt_at: OffsetDateTime,
    },
    /// Failed for good.
    Failed { error: String },
}

impl Mail {
    /// A new mail, due now.
    pub fn queued(
        id: MailId,
        institution_id: InstitutionId,
        kind: MailKind,
        to: Email,
        rendered: Rendered,
        now: OffsetDateTime,
    ) -> Mail {
        Mail {
            id,
            institution_id,
            kind,
            ticket_id: None,
            to,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
            status: MailStatus::Queued,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            delivered_to: None,
            created_at: now,
            sent_at: None,
        }
    }

    /// What a failed attempt (this mail's `attempts + 1`-th) leads to at `now`.
    pub fn after_failure(&self, error: String, now: OffsetDateTime) -> MailAttempt {
        let made = self.attempts + 1;
        if made >= MAX_ATTEMPTS {
            MailAttempt::Failed { error }
        } else {
            MailAttempt::Retry {
                error,
                next_attempt_at: now + retry_wait(made),
            }
        }
    }
}

/// The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … up to 4 h.
pub fn retry_wait(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    (FIRST_RETRY_WAIT * 2i32.pow(doublings)).min(MAX_RETRY_WAIT)
}

/// A mail rendered from its template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An institution's own template for one kind of mail (minijinja source for each part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailTemplate {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The longest template part, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 50_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_ceiling_and_then_give_up() {
        assert_eq!(retry_wait(1), Duration::seconds(30));
        assert_eq!(retry_wait(2), Duration::seconds(60));
        assert_eq!(retry_wait(5), Duration::seconds(480));
        assert_eq!(retry_wait(11), MAX_RETRY_WAIT);
        let now = OffsetDateTime::UNIX_EPOCH;
        let mut mail = Mail::queued(
            MailId::from(uuid::Uuid::nil()),
            InstitutionId::from(uuid::Uuid::nil()),
            MailKind::Transcript,
            Email::parse("p@example.org").unwrap(),
            Rendered {
                subject: "s".into(),
                text: "t".into(),
                html: "h".into(),
            },
            now,
        );
        assert!(matches!(
            mail.after_failure("down".into(), now),
            MailAttempt::Retry { next_attempt_at, .. } if next_attempt_at == now + Duration::seconds(30)
        ));
        mail.attempts = MAX_ATTEMPTS - 1;
        assert!(matches!(
            mail.after_failure("down".into(), now),
            MailAttempt::Failed { .. }
        ));
    }
}
