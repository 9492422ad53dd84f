//! Files sent in chats: their records (the content is kept apart, by its hash).

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{Attachment, AttachmentId};

/// Files sent in chats (see [`refdesk_core::attachment`]).
#[async_trait]
pub trait AttachmentStore: Send + Sync + std::fmt::Debug + 'static {
    /// Records a sent file; `NotFound` for an unknown chat.
    async fn put_attachment(&self, attachment: &Attachment) -> Result<()>;
    async fn attachment(&self, id: AttachmentId) -> Result<Attachment>;
}
