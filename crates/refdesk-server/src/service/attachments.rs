//! Sending a file in a chat: whoever may write in the chat (its patron while it is open, the
//! librarians in it) sends a file the chat's institution allows; its type is read from the
//! content; the content is kept by its hash and the chat gets a message that carries it.
//! Reading a file back: whoever may see the chat, nobody else (an id or a hash alone gets
//! nothing).

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::attachment::{self, sniff};
use refdesk_core::{Attachment, AttachmentError, AttachmentId, ChatId, NewMessage, Principal};
use refdesk_protocol::SendKind;
use refdesk_store::Appended;

impl From<AttachmentError> for ApiError {
    fn from(e: AttachmentError) -> Self {
        let (status, code) = match e {
            AttachmentError::Empty => (StatusCode::BAD_REQUEST, "invalid_body"),
            AttachmentError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
            AttachmentError::TypeNotAllowed(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file_type_not_allowed")
            }
            AttachmentError::Off => (StatusCode::FORBIDDEN, "files_off"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

/// A file goes only into an open chat (a typed message's retry may reach an ended one; a file
/// is never a retry).
fn ensure_open(chat: &refdesk_core::Chat) -> ApiResult<()> {
    if chat.state.status().is_open() {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "chat_ended",
            "the chat has ended",
        ))
    }
}

impl AppState {
    /// The largest file `principal` may send in `chat` now, in bytes, after checking they may
    /// write in it (so nothing is read from a caller who may not).
    pub async fn file_allowance(&self, principal: &Principal, chat: ChatId) -> ApiResult<usize> {
        let c = self.chat_for(principal, chat).await?;
        self.chat_sender(principal, chat, SendKind::Message).await?;
        ensure_open(&c)?;
        let policy = self.policies().get(self.store(), c.institution_id).await?;
        if policy.attachment_max_kb == 0 || policy.attachment_kinds.is_empty() {
            return Err(AttachmentError::Off.into());
        }
        Ok(policy.attachment_max_kb as usize * 1024)
    }

    /// Sends `bytes` as the file `name` in `chat`; the caller checked the size against
    /// [`AppState::file_allowance`].
    pub async fn send_file(
        &self,
        principal: &Principal,
        chat: ChatId,
        name: &str,
        bytes: Vec<u8>,
    ) -> ApiResult<(Attachment, Appended)> {
        let c = self.chat_for(principal, chat).await?;
        let (sender, kind) = self.chat_sender(principal, chat, SendKind::Message).await?;
        // Checked again: the chat may have ended while the file came in. (A file is only kept
        // for an open chat; its record and message follow.)
        ensure_open(&self.store().chat(chat).await?)?;
        let policy = self.policies().get(self.store(), c.institution_id).await?;
        let sniffed = sniff(&bytes)?;
        if !policy.attachment_kinds.contains(&sniffed.kind) {
            return Err(AttachmentError::TypeNotAllowed(sniffed.content_type.to_owned()).into());
        }
        let files = self.files().map_err(ApiError::internal)?;
        let sha256 = crate::files::sha256_hex(&bytes);
        let size = bytes.len() as u64;
        files
            .put(&sha256, bytes)
            .await
            .map_err(ApiError::internal)?;
        let a = Attachment {
            id: crate::service::new_id(),
            chat_id: chat,
            sender,
            name: attachment::clean_name(name),
            content_type: sniffed.content_type.to_owned(),
            size,
            sha256,
            created_at: self.now(),
        };
        self.store().put_attachment(&a).await?;
        let message = NewMessage {
            id: crate::service::new_id(),
            stream: chat.into(),
            kind,
            sender,
            body: attachment::marker(&a),
            client_msg_id: None,
            created_at: self.now(),
        };
        let appended = self.store().append_message(message).await?;
        self.publish_appended(&[Ok(appended.clone())]).await;
        tracing::info!(chat.id = %chat, attachment.id = %a.id, size, content_type = %a.content_type, "file sent");
        Ok((a, appended))
    }

    /// A sent file and its content, for whoever may see its chat.
    pub async fn file_for(
        &self,
        principal: &Principal,
        id: AttachmentId,
    ) -> ApiResult<(Attachment, Vec<u8>)> {
        let a = self.store().attachment(id).await?;
        self.chat_for(principal, a.chat_id).await?;
        let files = self.files().map_err(ApiError::internal)?;
        let bytes = files.get(&a.sha256).await.map_err(ApiError::internal)?;
        Ok((a, bytes))
    }
}
