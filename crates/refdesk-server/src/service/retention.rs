//! Staff chat is kept per each institution's policy (`staff_chat_retention_days`): the timer
//! task trims what is older, now and then, institution by institution. Where several
//! institutions meet in a conversation (a co-op's room, a direct conversation across
//! libraries), each one's trim applies, so the shortest setting wins.

use crate::error::ApiResult;
use crate::state::AppState;

impl AppState {
    /// Every institution, read page by page: what the retention jobs go through.
    pub(crate) async fn all_institutions(&self) -> ApiResult<Vec<refdesk_core::Institution>> {
        const PAGE: u32 = 200;
        let mut all = Vec::new();
        loop {
            let after = all
                .last()
                .map(|i: &refdesk_core::Institution| i.slug.clone());
            let page = self
                .store()
                .institutions_page(after.as_deref(), PAGE)
                .await?;
            let full = page.len() == PAGE as usize;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }

    /// Deletes the staff messages every institution's policy no longer keeps; how many.
    pub async fn trim_staff_chats(&self) -> ApiResult<u64> {
        let mut trimmed = 0;
        for i in self.all_institutions().await? {
            let policy = self.store().institution_policy(i.id).await?;
            if let Some(days) = policy.staff_chat_retention_days {
                let before = self.now() - time::Duration::days(i64::from(days));
                trimmed += self.store().trim_staff_chat(i.id, before).await?;
            }
        }
        if trimmed > 0 {
            tracing::info!(
                messages = trimmed,
                "staff chat trimmed per retention policies"
            );
        }
        Ok(trimmed)
    }
}
