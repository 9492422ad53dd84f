//! Giving and taking staff grants. The store keeps them; every open socket of the staff member,
//! on every node, evaluates them again as soon as the change is committed.

use crate::error::ApiResult;
use crate::events::Event;
use crate::state::AppState;
use refdesk_core::{Grant, UserId};

impl AppState {
    pub async fn grant(&self, user: UserId, grant: Grant) -> ApiResult<()> {
        self.store().add_grant(user, grant).await?;
        tracing::info!(user.id = %user, grant = ?grant, "grant given");
        self.publish(Event::AccessChanged { user }).await;
        Ok(())
    }

    /// Takes a grant away; false when the user did not have it.
    pub async fn revoke(&self, user: UserId, grant: Grant) -> ApiResult<bool> {
        let had = self.store().remove_grant(user, grant).await?;
        tracing::info!(user.id = %user, grant = ?grant, "grant taken away");
        self.publish(Event::AccessChanged { user }).await;
        Ok(had)
    }
}
