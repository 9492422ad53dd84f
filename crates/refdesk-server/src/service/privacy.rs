//! The privacy engine: each institution's patrons forgotten and transcripts deleted when its
//! policy says (`patron_identity_retention_days`, `transcript_retention_days`), counted from
//! when each chat ended; and a patron's own chat deleted at their request.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::privacy::{referrer_without_query, scrub_text};
use refdesk_core::{ChatId, GuestId, Institution, MessageKind, Seq};
use refdesk_store::Forgetting;

/// Chats handled per store read of a sweep.
const BATCH: u32 = 200;
/// Messages read per page when a chat is forgotten.
const PAGE: u32 = 500;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Chats whose patron was forgotten.
    pub forgotten: u64,
    /// Chats whose transcript was deleted.
    pub deleted: u64,
}

impl AppState {
    /// Applies every institution's retention policy to its patrons' chats, now. An
    /// institution whose sweep fails is logged and the others are still swept.
    pub async fn sweep_patron_data(&self) -> ApiResult<Swept> {
        let mut swept = Swept::default();
        for i in self.all_institutions().await? {
            match self.sweep_institution(&i).await {
                Ok(s) => {
                    swept.forgotten += s.forgotten;
                    swept.deleted += s.deleted;
                }
                Err(e) => tracing::warn!(
                    institution = %i.slug, code = e.code, error = %e.message,
                    "applying the retention policy failed"
                ),
            }
        }
        if swept != Swept::default() {
            tracing::info!(
                forgotten = swept.forgotten,
                deleted = swept.deleted,
                "patron data removed per retention policies"
            );
        }
        Ok(swept)
    }

    async fn sweep_institution(&self, institution: &Institution) -> ApiResult<Swept> {
        let policy = self.store().institution_policy(institution.id).await?;
        let mut swept = Swept::default();
        if let Some(days) = policy.transcript_retention_days {
            let before = self.now() - time::Duration::days(i64::from(days));
            loop {
                let chats = self
                    .store()
                    .transcripts_to_delete(institution.id, before, BATCH)
                    .await?;
                for &chat in &chats {
                    self.store().delete_transcript(chat, self.now()).await?;
                    swept.deleted += 1;
                }
                if chats.len() < BATCH as usize {
                    break;
                }
            }
        }
        if let Some(days) = policy.patron_identity_retention_days {
            let before = self.now() - time::Duration::days(i64::from(days));
            loop {
                let chats = self
                    .store()
                    .chats_to_forget(institution.id, before, BATCH)
                    .await?;
                for &chat in &chats {
                    self.forget_patron(chat).await?;
                    swept.forgotten += 1;
                }
                if chats.len() < BATCH as usize {
                    break;
                }
            }
        }
        Ok(swept)
    }

    /// Forgets an ended chat's patron: their name, email, address and browser, the referring
    /// page's query, and the email addresses and phone numbers in the chat's text.
    pub async fn forget_patron(&self, id: ChatId) -> ApiResult<()> {
        let chat = self.store().chat(id).await?;
        let mut messages = Vec::new();
        let mut after = Seq::ZERO;
        loop {
            let page = self.store().messages_after(id.into(), after, PAGE).await?;
            for m in &page {
                if m.kind != MessageKind::System
                    && let Some(clean) = scrub_text(m.body.as_str())
                {
                    messages.push((m.seq, clean));
                }
            }
            match page.last() {
                Some(last) if page.len() == PAGE as usize => after = last.seq,
                _ => break,
            }
        }
        let rating_comment = self
            .store()
            .rating_of(id)
            .await?
            .and_then(|r| r.comment)
            .map(|c| scrub_text(&c).unwrap_or(c));
        let question = chat.question.as_ref().map(|q| {
            let q = q.as_str();
            scrub_text(q).unwrap_or_else(|| q.to_owned())
        });
        let forgetting = Forgetting {
            chat: id,
            at: self.now(),
            question,
            referrer: chat.referrer.as_deref().map(referrer_without_query),
            messages,
            rating_comment,
        };
        self.store().forget_patron(&forgetting).await?;
        Ok(())
    }

    /// Deletes the patron's own ended chat (its transcript and their identity), at their
    /// request from the chat box. Another guest's chat is not found; an open one is
    /// `409 chat_open`.
    pub async fn delete_own_chat(&self, guest: GuestId, id: ChatId) -> ApiResult<()> {
        let chat = self.store().chat(id).await?;
        if chat.guest_id != guest {
            return Err(ApiError::not_found());
        }
        self.store().delete_transcript(id, self.now()).await?;
        metrics::counter!("refdesk_chats_deleted_by_patrons_total").increment(1);
        Ok(())
    }
}
