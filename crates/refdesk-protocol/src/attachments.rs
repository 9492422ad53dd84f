//! Files sent in chats, on the wire.

use refdesk_core::{Attachment, AttachmentId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A sent file (its message carries the same id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    #[schema(value_type = String, format = Uuid)]
    pub id: AttachmentId,
    pub name: String,
    /// As read from the content.
    pub content_type: String,
    pub size: u64,
    /// Where whoever may see the chat reads it.
    pub url: String,
    /// The sequence number of the message that carries it (a patron's: in their numbering).
    pub seq: u64,
}

impl AttachmentView {
    pub fn new(a: &Attachment, seq: u64) -> AttachmentView {
        AttachmentView {
            id: a.id,
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            url: format!("/api/attachments/{}", a.id),
            seq,
        }
    }
}
