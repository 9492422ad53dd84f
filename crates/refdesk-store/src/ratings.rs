//! Patrons' ratings of their chats.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::ChatId;

/// Patrons' ratings of their chats (see [`refdesk_core::rating`]).
#[async_trait]
pub trait RatingStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a chat's rating; `Conflict::AlreadyExists` when it has one (a chat is rated
    /// once); `NotFound` for an unknown chat.
    async fn rate_chat(&self, rating: &refdesk_core::Rating) -> Result<()>;
    async fn rating_of(&self, chat: ChatId) -> Result<Option<refdesk_core::Rating>>;
}
