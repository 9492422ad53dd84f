//! Past chats by their words, and the audit log of who read them.
//!
//! A chat's words (its patron's and librarians' messages and its internal notes, never its
//! system lines) are indexed once, when it ends, in one row per chat, and again when a note is
//! added after the end: the message hot path writes nothing for this.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{AuditEntry, AuditRecord, ChatId, InstitutionId};
use time::OffsetDateTime;

#[async_trait]
pub trait TranscriptStore: Send + Sync + std::fmt::Debug + 'static {
    /// The ended chats of `institution`'s patrons started in `[from, to)` whose words hold
    /// every one of `terms` (each by its stem, the last as a prefix too: see
    /// [`refdesk_core::faq::matches_as_prefix`]), best match first, at most `limit`.
    async fn search_transcripts(
        &self,
        institution: InstitutionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<ChatId>>;
    /// For each of `chats` that has words matching `terms`, a stretch of them around the
    /// matches, each matched word between [`refdesk_core::faq::MARK_START`] and
    /// [`refdesk_core::faq::MARK_END`] (a page of results: a dozen or so chats).
    async fn transcript_snippets(
        &self,
        terms: &[String],
        chats: &[ChatId],
    ) -> Result<Vec<(ChatId, String)>>;
    /// Appends a record to the audit log.
    async fn record_audit(&self, record: &AuditRecord) -> Result<()>;
    /// `institution`'s audit log, newest first, from just before the entry `before` (from the
    /// newest for `None`), at most `limit` entries.
    async fn audit_entries(
        &self,
        institution: InstitutionId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>>;
}
