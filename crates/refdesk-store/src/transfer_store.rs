//! Transfers of chats between librarians.

use crate::Result;
use crate::{TransferApplied, TransferChange, TransferOffer};
use async_trait::async_trait;
use refdesk_core::{ChatId, CoopId, InstitutionId, Message, Transfer, TransferId, UserId};

/// Transfers of chats between librarians (see [`refdesk_core::transfer`]).
#[async_trait]
pub trait TransferStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a pending transfer with its note and timers, if its chat is still at
    /// `offer.chat_version` (else `Conflict::StateChanged`) and has no transfer pending (else
    /// `Conflict::TransferPending`). `NotFound` for an unknown chat.
    async fn offer_transfer(&self, offer: &TransferOffer) -> Result<(Transfer, Message)>;
    async fn transfer(&self, id: TransferId) -> Result<Transfer>;
    /// The chat's pending transfer, if any.
    async fn pending_transfer_of(&self, chat: ChatId) -> Result<Option<Transfer>>;
    /// The pending transfers offered by or to `user`, of chats of `institutions`, or to one of
    /// `coops`, oldest first (at most 200): those a dashboard may have to show.
    async fn pending_transfers(
        &self,
        user: UserId,
        institutions: &[InstitutionId],
        coops: &[CoopId],
    ) -> Result<Vec<Transfer>>;
    /// Applies a transfer's change in one transaction: a compare-and-set on the transfer's
    /// version (else `Conflict::StateChanged` and nothing changes), the chat's decision it
    /// carries (its own compare-and-set; a chat that moved on fails the whole change with
    /// `Conflict::StateChanged`), the notes and the timers.
    async fn apply_transfer(&self, change: &TransferChange) -> Result<TransferApplied>;
}
