//! Canned messages.

use crate::Result;
use async_trait::async_trait;

/// Canned messages (see [`refdesk_core::canned`]).
#[async_trait]
pub trait CannedStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a canned message, or replaces the one of the same id (its scope never changes:
    /// `NotFound` when the stored one has another).
    async fn put_canned(&self, canned: &refdesk_core::CannedMessage) -> Result<()>;
    async fn canned(&self, id: refdesk_core::CannedId) -> Result<refdesk_core::CannedMessage>;
    /// Deletes one; false when there was none.
    async fn delete_canned(&self, id: refdesk_core::CannedId) -> Result<bool>;
    /// The canned messages of any of `scopes`, by title (at most 1,000).
    async fn canned_of(
        &self,
        scopes: &[refdesk_core::CannedScope],
    ) -> Result<Vec<refdesk_core::CannedMessage>>;
}
