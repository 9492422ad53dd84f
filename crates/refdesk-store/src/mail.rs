//! The outbox: mails waiting to be sent, sent, or failed for good; and institutions' own mail
//! templates.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{InstitutionId, Mail, MailAttempt, MailId, MailKind, MailTemplate};
use time::OffsetDateTime;

/// The outbox (see [`refdesk_core::mail`]).
#[async_trait]
pub trait MailStore: Send + Sync + std::fmt::Debug + 'static {
    /// Puts a new mail in the outbox.
    async fn queue_mail(&self, mail: &Mail) -> Result<()>;
    /// Claims up to `limit` queued mails due at `now`, holding each until `lease_until` (its
    /// next attempt is moved there, so a node that dies mid-send leaves it to be tried again).
    /// Of several nodes claiming at once, each mail goes to exactly one.
    async fn claim_due_mails(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Mail>>;
    /// Records an attempt: counts it, and marks the mail sent, due again, or failed for good.
    async fn record_mail_attempt(&self, mail: MailId, attempt: &MailAttempt) -> Result<()>;
    /// Queues a failed mail again, due at `now`, with its attempts counted from zero; false
    /// when it was not failed.
    async fn requeue_mail(&self, mail: MailId, now: OffsetDateTime) -> Result<bool>;
    async fn mail(&self, id: MailId) -> Result<Mail>;
    /// The mails of `institution`, newest first, at most `limit`, created before `before` when
    /// given.
    async fn mails_of(
        &self,
        institution: InstitutionId,
        before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Mail>>;
    /// When the next queued mail is due, if any.
    async fn next_mail_due(&self) -> Result<Option<OffsetDateTime>>;
    /// The institution's own template for `kind`, if it has one.
    async fn mail_template(
        &self,
        institution: InstitutionId,
        kind: MailKind,
    ) -> Result<Option<MailTemplate>>;
    /// Stores the institution's template for `kind`, or with `None` goes back to the default.
    async fn set_mail_template(
        &self,
        institution: InstitutionId,
        kind: MailKind,
        template: Option<&MailTemplate>,
    ) -> Result<()>;
}
