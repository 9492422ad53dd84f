//! Administering the directory: pages of institutions and staff, roles, leaving a co-op and
//! deleting a department, each refused while something still refers to it.

use crate::SqliteStore;
use crate::rows::{InstitutionRow, Result, UserRow, all, db};
use async_trait::async_trait;
use refdesk_core::{
    Coop, CoopId, DepartmentId, Email, Grant, Institution, InstitutionId, Role, User, UserId,
};
use refdesk_store::{AdminStore, Conflict, StoreError};
use sqlx::SqliteConnection;
use uuid::Uuid;

async fn remove_member(
    conn: &mut SqliteConnection,
    coop: CoopId,
    institution: InstitutionId,
) -> Result<bool> {
    let (coop, institution) = (Uuid::from(coop), Uuid::from(institution));
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM chats WHERE institution_id = $1 AND coop_id = $2 \
           AND status IN ('waiting', 'active') LIMIT 1",
    )
    .bind(institution)
    .bind(coop)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    if open.is_some() {
        return Err(Conflict::InUse.into());
    }
    let gone = sqlx::query("DELETE FROM coop_members WHERE coop_id = $1 AND institution_id = $2")
        .bind(coop)
        .bind(institution)
        .execute(&mut *conn)
        .await
        .map_err(db)?
        .rows_affected();
    if gone == 0 {
        return Ok(false);
    }
    sqlx::query(
        "DELETE FROM grants WHERE kind = 'monitor_coop' AND scope = $1 \
           AND user_id IN (SELECT id FROM users WHERE institution_id = $2)",
    )
    .bind(coop)
    .bind(institution)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    sqlx::query(
        "DELETE FROM monitoring WHERE scope_kind = 'coop' AND scope_id = $1 \
           AND user_id IN (SELECT id FROM users WHERE institution_id = $2)",
    )
    .bind(coop)
    .bind(institution)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(true)
}

async fn delete_department(conn: &mut SqliteConnection, id: DepartmentId) -> Result<()> {
    let id = Uuid::from(id);
    let used: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM widgets WHERE department_id = $1 \
         UNION ALL SELECT 1 FROM chats WHERE department_id = $1 \
         UNION ALL SELECT 1 FROM chat_events WHERE department_id = $1 LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    if used.is_some() {
        return Err(Conflict::InUse.into());
    }
    let gone = sqlx::query("DELETE FROM departments WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?
        .rows_affected();
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM grants WHERE kind = 'monitor_department' AND scope = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    sqlx::query("DELETE FROM monitoring WHERE scope_kind = 'department' AND scope_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn institutions_page(&self, after: Option<&str>, limit: u32) -> Result<Vec<Institution>> {
        let rows: Vec<InstitutionRow> = sqlx::query_as(
            "SELECT id, name, slug FROM institutions WHERE slug > $1 ORDER BY slug LIMIT $2",
        )
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        all(rows)
    }
    async fn all_coops(&self) -> Result<Vec<Coop>> {
        crate::grants::all_coops(&self.read).await
    }
    async fn users_page(
        &self,
        institution: InstitutionId,
        after: Option<&Email>,
        limit: u32,
    ) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(
            "SELECT id, institution_id, email, name, role FROM users \
             WHERE institution_id = $1 AND email > $2 ORDER BY email LIMIT $3",
        )
        .bind(Uuid::from(institution))
        .bind(after.map_or("", |e| e.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        all(rows)
    }
    async fn set_user_role(&self, user: UserId, role: Role) -> Result<()> {
        self.writer
            .exec(move |c| {
                Box::pin(async move {
                    let n = sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
                        .bind(Uuid::from(user))
                        .bind(role.as_str())
                        .execute(c)
                        .await
                        .map_err(db)?
                        .rows_affected();
                    if n == 0 {
                        Err(StoreError::NotFound)
                    } else {
                        Ok(())
                    }
                })
            })
            .await
    }
    async fn holders_of(&self, grant: Grant) -> Result<Vec<UserId>> {
        let rows: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT user_id FROM grants WHERE kind = $1 AND scope = $2 ORDER BY user_id",
        )
        .bind(grant.kind())
        .bind(grant.scope().unwrap_or(Uuid::nil()))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|(u,)| u.into()).collect())
    }
    async fn remove_coop_member(&self, coop: CoopId, institution: InstitutionId) -> Result<bool> {
        self.writer
            .exec(move |c| Box::pin(async move { remove_member(c, coop, institution).await }))
            .await
    }
    async fn delete_department(&self, id: DepartmentId) -> Result<()> {
        self.writer
            .exec(move |c| Box::pin(async move { delete_department(c, id).await }))
            .await
    }
}
