//! The audit log: who read which patrons' conversations, and when. Every search of an
//! institution's past chats, every transcript opened and every export is recorded before the
//! words are shown, so a library can answer "who has read this patron's chat?".

use crate::ids::{ChatId, InstitutionId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The longest `detail` kept, in characters (a search's words and filters).
pub const MAX_DETAIL_CHARS: usize = 500;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The institution's past chats were searched (the detail holds the words and filters).
    TranscriptsSearched,
    /// One transcript was opened.
    TranscriptViewed,
    /// One transcript was exported as a file.
    TranscriptExported,
}

impl AuditAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::TranscriptsSearched => "transcripts_searched",
            AuditAction::TranscriptViewed => "transcript_viewed",
            AuditAction::TranscriptExported => "transcript_exported",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        [
            AuditAction::TranscriptsSearched,
            AuditAction::TranscriptViewed,
            AuditAction::TranscriptExported,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One thing done, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// The institution whose patrons' words were read: the log is its admins' to read.
    pub institution_id: InstitutionId,
    pub actor_id: UserId,
    pub action: AuditAction,
    /// The chat read, for a view or an export.
    pub chat_id: Option<ChatId>,
    /// What was asked for, in words (at most [`MAX_DETAIL_CHARS`]).
    pub detail: String,
    pub at: OffsetDateTime,
}

impl AuditRecord {
    /// A record, its detail cut to [`MAX_DETAIL_CHARS`].
    pub fn new(
        institution_id: InstitutionId,
        actor_id: UserId,
        action: AuditAction,
        chat_id: Option<ChatId>,
        detail: &str,
        at: OffsetDateTime,
    ) -> AuditRecord {
        AuditRecord {
            institution_id,
            actor_id,
            action,
            chat_id,
            detail: detail.chars().take(MAX_DETAIL_CHARS).collect(),
            at,
        }
    }
}

/// A stored record with its place in the log (ids grow with each record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: u64,
    pub record: AuditRecord,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_and_details_are_cut() {
        for a in [
            AuditAction::TranscriptsSearched,
            AuditAction::TranscriptViewed,
            AuditAction::TranscriptExported,
        ] {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(AuditAction::parse("deleted"), None);
        let r = AuditRecord::new(
            uuid::Uuid::nil().into(),
            uuid::Uuid::nil().into(),
            AuditAction::TranscriptsSearched,
            None,
            &"é".repeat(MAX_DETAIL_CHARS + 3),
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(r.detail.chars().count(), MAX_DETAIL_CHARS);
    }
}
