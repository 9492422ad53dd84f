//! Administering the directory: pages of institutions and staff, roles, leaving a co-op and
//! deleting a department, each refused while something still refers to it.

use crate::PgStore;
use crate::error::store_error;
use crate::rows::{InstitutionRow, UserRow};
use async_trait::async_trait;
use refdesk_core::{
    Coop, CoopId, DepartmentId, Email, Grant, Institution, InstitutionId, Role, User, UserId,
};
use refdesk_store::{AdminStore, Conflict, Result, StoreError};
use uuid::Uuid;

#[async_trait]
impl AdminStore for PgStore {
    async fn institutions_page(&self, after: Option<&str>, limit: u32) -> Result<Vec<Institution>> {
        let rows: Vec<InstitutionRow> = sqlx::query_as(
            "SELECT id, name, slug FROM institutions WHERE slug > $1 ORDER BY slug LIMIT $2",
        )
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|r| r.decode().map_err(store_error))
            .collect()
    }
    async fn all_coops(&self) -> Result<Vec<Coop>> {
        crate::grants::all_coops(&self.pool).await
    }
    async fn users_page(
        &self,
        institution: InstitutionId,
        after: Option<&Email>,
        limit: u32,
    ) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE institution_id = $1 AND email > $2 ORDER BY email LIMIT $3"
        ))
        .bind(institution.as_uuid())
        .bind(after.map_or("", |e| e.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|r| r.decode().map_err(store_error))
            .collect()
    }
    async fn set_user_role(&self, user: UserId, role: Role) -> Result<()> {
        let n = sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(user.as_uuid())
            .bind(role.as_str())
            .execute(&self.pool)
            .await
            .map_err(store_error)?
            .rows_affected();
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
    async fn holders_of(&self, grant: Grant) -> Result<Vec<UserId>> {
        let rows: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT user_id FROM grants WHERE kind = $1 AND scope = $2 ORDER BY user_id",
        )
        .bind(grant.kind())
        .bind(grant.scope().unwrap_or(Uuid::nil()))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(|(u,)| u.into()).collect())
    }
    async fn remove_coop_member(&self, coop: CoopId, institution: InstitutionId) -> Result<bool> {
        let (coop, institution) = (Uuid::from(coop), Uuid::from(institution));
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // The membership row first, locked: a chat offered to the co-op meanwhile waits for us.
        let member: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM coop_members WHERE coop_id = $1 AND institution_id = $2 FOR UPDATE",
        )
        .bind(coop)
        .bind(institution)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        if member.is_none() {
            return Ok(false);
        }
        let open: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM chats WHERE institution_id = $1 AND coop_id = $2 \
               AND status IN ('waiting', 'active') LIMIT 1",
        )
        .bind(institution)
        .bind(coop)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        if open.is_some() {
            return Err(Conflict::InUse.into());
        }
        sqlx::query("DELETE FROM coop_members WHERE coop_id = $1 AND institution_id = $2")
            .bind(coop)
            .bind(institution)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        sqlx::query(
            "DELETE FROM grants WHERE kind = 'monitor_coop' AND scope = $1 \
               AND user_id IN (SELECT id FROM users WHERE institution_id = $2)",
        )
        .bind(coop)
        .bind(institution)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        sqlx::query(
            "DELETE FROM monitoring WHERE scope_kind = 'coop' AND scope_id = $1 \
               AND user_id IN (SELECT id FROM users WHERE institution_id = $2)",
        )
        .bind(coop)
        .bind(institution)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(true)
    }
    async fn delete_department(&self, id: DepartmentId) -> Result<()> {
        let id = Uuid::from(id);
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let found: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM departments WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let used: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM widgets WHERE department_id = $1 \
             UNION ALL SELECT 1 FROM chats WHERE department_id = $1 \
         UNION ALL SELECT 1 FROM chat_events WHERE department_id = $1 LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        if used.is_some() {
            return Err(Conflict::InUse.into());
        }
        for sql in [
            "DELETE FROM grants WHERE kind = 'monitor_department' AND scope = $1",
            "DELETE FROM monitoring WHERE scope_kind = 'department' AND scope_id = $1",
            "DELETE FROM departments WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }
}
