//! What reports read: one fact per chat (see [`refdesk_core::report`]).

use crate::Result;
use async_trait::async_trait;
use refdesk_core::report::{ChatFact, MonitoringSession};
use refdesk_core::{CoopId, InstitutionId, MonitorScope};
use time::OffsetDateTime;

/// The chats a report reads: started in `[from, to)`, and of a patron of one of
/// `institutions`, or first claimed by a librarian of one of `answered_by`, or having reached
/// one of `coops` (any of the three).
#[derive(Debug, Clone, Default)]
pub struct FactFilter {
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub institutions: Vec<InstitutionId>,
    pub answered_by: Vec<InstitutionId>,
    pub coops: Vec<CoopId>,
}

#[async_trait]
pub trait ReportStore: Send + Sync + std::fmt::Debug + 'static {
    /// The facts of the chats `filter` names, in the order they started.
    async fn chat_facts(&self, filter: &FactFilter) -> Result<Vec<ChatFact>>;
    /// The monitoring sessions of `scopes` that overlap `[from, to)`, in the order they
    /// started.
    async fn monitoring_sessions(
        &self,
        scopes: &[MonitorScope],
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<MonitoringSession>>;
}
