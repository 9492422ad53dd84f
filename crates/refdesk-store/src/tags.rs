//! Tags on chats, and the `LIKE` prefix both backends use for type-ahead.

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{ChatId, InstitutionId};

/// `prefix` made literal for `LIKE $n || '%' ESCAPE '\'` in either backend (its `%`, `_` and
/// `\` match only themselves), lower-cased as tags are stored.
pub fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len());
    for c in prefix.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Tags on chats.
#[async_trait]
pub trait TagStore: Send + Sync + std::fmt::Debug + 'static {
    /// Puts a tag on a chat; false when it has it already. `NotFound` for an unknown chat.
    async fn add_tag(&self, tag: &refdesk_core::ChatTag) -> Result<bool>;
    /// Takes a tag off a chat; false when it did not have it.
    async fn remove_tag(&self, chat: ChatId, tag: &refdesk_core::Tag) -> Result<bool>;
    /// A chat's tags, in the order they were added.
    async fn tags_of(&self, chat: ChatId) -> Result<Vec<refdesk_core::ChatTag>>;
    /// The tags used on chats of `institutions` that start with `prefix`, most used first (for
    /// type-ahead), at most `limit`.
    async fn tags_in(
        &self,
        institutions: &[InstitutionId],
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<refdesk_core::Tag>>;
}
