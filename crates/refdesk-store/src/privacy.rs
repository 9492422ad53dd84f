//! The privacy engine's writes: an ended chat's patron forgotten, or its transcript deleted, by
//! the institution's retention policy or at the patron's own request. What is left of such a
//! chat (its times, queue, librarian, outcome, tags and stars) still counts in reports.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{ChatId, InstitutionId, Seq};
use time::OffsetDateTime;

/// What replaces a chat's patron-given text once its patron is forgotten (the contact details
/// found in it removed; see [`refdesk_core::privacy::scrub_text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgetting {
    pub chat: ChatId,
    pub at: OffsetDateTime,
    /// The question, as it should read now (`None` when it had none).
    pub question: Option<String>,
    /// The referring page without its query string and fragment.
    pub referrer: Option<String>,
    /// The messages whose text changes, by sequence number, with their new text.
    pub messages: Vec<(Seq, String)>,
    /// The rating's comment, as it should read now.
    pub rating_comment: Option<String>,
}

#[async_trait]
pub trait PrivacyStore: Send + Sync + std::fmt::Debug + 'static {
    /// `institution`'s chats (its patrons') that ended before `ended_before` and whose patron is
    /// still known, earliest end first, at most `limit`.
    async fn chats_to_forget(
        &self,
        institution: InstitutionId,
        ended_before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ChatId>>;
    /// `institution`'s chats that ended before `ended_before` and whose transcript is still
    /// kept, earliest end first, at most `limit`.
    async fn transcripts_to_delete(
        &self,
        institution: InstitutionId,
        ended_before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ChatId>>;
    /// Forgets a chat's patron, in one transaction: their name, email, address and browser
    /// removed; the question, referring page, listed messages and rating comment rewritten;
    /// the chat's words indexed again; the chat marked forgotten. An open chat is
    /// `Conflict::ChatOpen`; an unknown one `NotFound`.
    async fn forget_patron(&self, forgetting: &Forgetting) -> Result<()>;
    /// Deletes a chat's transcript, in one transaction: every message, its words, its files'
    /// records, its rating comment and question, and the patron's identity; the chat marked
    /// forgotten and deleted. Deleting it again changes nothing. An open chat is
    /// `Conflict::ChatOpen`; an unknown one `NotFound`.
    async fn delete_transcript(&self, chat: ChatId, at: OffsetDateTime) -> Result<()>;
}
