//! Who is monitoring which queue right now.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{Monitor, MonitorScope, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

/// Who is monitoring which queue right now (see [`refdesk_core::monitoring`]). Live state, kept
/// in the store so that every node agrees; not part of a dump.
#[async_trait]
pub trait MonitoringStore: Send + Sync + std::fmt::Debug + 'static {
    /// Switches `user`'s monitoring of `scope` Online (keeping an earlier `since`) or Offline.
    /// `NotFound` for an unknown user.
    async fn set_monitoring(
        &self,
        user: UserId,
        scope: MonitorScope,
        online: bool,
        at: OffsetDateTime,
    ) -> Result<()>;
    /// Replaces everything `user` monitors with `online`, from `at` (a new sign-in, a sign-out).
    async fn reset_monitoring(
        &self,
        user: UserId,
        online: &[MonitorScope],
        at: OffsetDateTime,
    ) -> Result<()>;
    /// What `user` monitors, in scope order.
    async fn monitoring_of(&self, user: UserId) -> Result<Vec<Monitor>>;
    /// Who monitors any of `scopes`, by scope, then since when.
    async fn monitors_of(&self, scopes: &[MonitorScope]) -> Result<Vec<Monitor>>;
    /// Which of `scopes` someone monitors whose dashboard is connected to some node at `now`
    /// (an unexpired lease): the queues that are staffed, in scope order, no repeats.
    async fn staffed(
        &self,
        scopes: &[MonitorScope],
        now: OffsetDateTime,
    ) -> Result<Vec<MonitorScope>>;

    /// Node `node` holds a socket of `user` until `until` (a lease each node renews while it
    /// does, so a node that dies stops counting once its leases run out).
    async fn staff_connected(&self, user: UserId, node: Uuid, until: OffsetDateTime) -> Result<()>;
    /// Node `node` holds no socket of `user` any more. True when no node holds one (no lease
    /// left unexpired at `now`).
    async fn staff_disconnected(
        &self,
        user: UserId,
        node: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool>;
    /// Whether any node holds a socket of `user` (an unexpired lease at `now`).
    async fn staff_connected_anywhere(&self, user: UserId, now: OffsetDateTime) -> Result<bool>;
    /// Drops the leases expired at `now` (nodes that died) and returns the users no node holds
    /// a socket of any more because of that.
    async fn take_expired_staff(&self, now: OffsetDateTime) -> Result<Vec<UserId>>;
}
