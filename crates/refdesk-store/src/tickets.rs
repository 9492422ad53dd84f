//! Follow-up tickets and their entries.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{
    DepartmentId, InstitutionId, Mail, Ticket, TicketEntry, TicketId, TicketStatus, UserId,
};
use time::OffsetDateTime;

/// Which tickets to list: one institution's, optionally narrowed; most recently updated first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFilter {
    pub institution: InstitutionId,
    pub statuses: Vec<TicketStatus>,
    pub department: Option<DepartmentId>,
    pub assignee: Option<UserId>,
    /// The page starts after this `(updated_at, id)`.
    pub after: Option<(OffsetDateTime, TicketId)>,
    pub limit: u32,
}

/// A change of a ticket's status or assignee (`Some(None)` unassigns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketUpdate {
    pub status: Option<TicketStatus>,
    pub assignee: Option<Option<UserId>>,
}

/// Tickets (see [`refdesk_core::ticket`]).
#[async_trait]
pub trait TicketStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a new ticket with its first entries (the question, a note), in one transaction.
    /// `NotFound` when its institution, department, chat or a user does not exist.
    async fn create_ticket(&self, ticket: &Ticket, entries: &[TicketEntry]) -> Result<()>;
    async fn ticket(&self, id: TicketId) -> Result<Ticket>;
    async fn tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>>;
    /// The ticket's entries, oldest first.
    async fn ticket_entries(&self, id: TicketId) -> Result<Vec<TicketEntry>>;
    /// Adds an entry, applies `update` and queues `mail` (a reply's email), all in one
    /// transaction, and moves the ticket's `updated_at` to the entry's time. Returns the ticket
    /// as it is now; `NotFound` for an unknown ticket.
    async fn add_ticket_entry(
        &self,
        entry: &TicketEntry,
        update: &TicketUpdate,
        mail: Option<&Mail>,
    ) -> Result<Ticket>;
    /// Changes status or assignee at `now`; returns the ticket as it is now.
    async fn update_ticket(
        &self,
        id: TicketId,
        update: &TicketUpdate,
        now: OffsetDateTime,
    ) -> Result<Ticket>;
}
