//! The directory, sessions and guests: plain rows written once and read often. Each write is a
//! single statement on the pool; uniqueness (slugs, emails, token hashes) is left to the
//! schema's constraints, so two nodes creating the same thing at once cannot both succeed.

use crate::error::store_error;
use crate::rows::{DepartmentRow, GuestRow, InstitutionRow, UserRow, WidgetRow};
use refdesk_core::{
    Department, DepartmentId, Email, Guest, Institution, InstitutionId, User, UserId, Widget,
    WidgetId,
};
use refdesk_store::{Result, SessionRecord, StoreError, TokenHash, TotpState, UserRecord};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

fn found<T>(row: Option<T>) -> Result<T> {
    row.ok_or(StoreError::NotFound)
}

pub(crate) async fn create_institution(pool: &PgPool, i: &Institution) -> Result<()> {
    insert_institution(&mut *pool.acquire().await.map_err(store_error)?, i).await
}

pub(crate) async fn insert_institution(conn: &mut PgConnection, i: &Institution) -> Result<()> {
    sqlx::query("INSERT INTO institutions (id, name, slug) VALUES ($1, $2, $3)")
        .bind(i.id.as_uuid())
        .bind(i.name.as_str())
        .bind(&i.slug)
        .execute(conn)
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn institution(pool: &PgPool, id: InstitutionId) -> Result<Institution> {
    let row: Option<InstitutionRow> =
        sqlx::query_as("SELECT id, name, slug FROM institutions WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(pool)
            .await
            .map_err(store_error)?;
    found(row)?.decode().map_err(store_error)
}

pub(crate) async fn institution_by_slug(pool: &PgPool, slug: &str) -> Result<Institution> {
    let row: Option<InstitutionRow> =
        sqlx::query_as("SELECT id, name, slug FROM institutions WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await
            .map_err(store_error)?;
    found(row)?.decode().map_err(store_error)
}

pub(crate) async fn create_department(pool: &PgPool, d: &Department) -> Result<()> {
    insert_department(&mut *pool.acquire().await.map_err(store_error)?, d).await
}

pub(crate) async fn insert_department(conn: &mut PgConnection, d: &Department) -> Result<()> {
    sqlx::query("INSERT INTO departments (id, institution_id, name) VALUES ($1, $2, $3)")
        .bind(d.id.as_uuid())
        .bind(d.institution_id.as_uuid())
        .bind(d.name.as_str())
        .execute(conn)
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn department(pool: &PgPool, id: DepartmentId) -> Result<Department> {
    let row: Option<DepartmentRow> =
        sqlx::query_as("SELECT id, institution_id, name FROM departments WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(pool)
            .await
            .map_err(store_error)?;
    found(row)?.decode().map_err(store_error)
}

pub(crate) async fn departments(pool: &PgPool, inst: InstitutionId) -> Result<Vec<Department>> {
    let rows: Vec<DepartmentRow> = sqlx::query_as(
        "SELECT id, institution_id, name FROM departments WHERE institution_id = $1 \
         ORDER BY name, id",
    )
    .bind(inst.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

pub(crate) async fn create_widget(pool: &PgPool, w: &Widget) -> Result<()> {
    insert_widget(&mut *pool.acquire().await.map_err(store_error)?, w).await
}

pub(crate) async fn insert_widget(conn: &mut PgConnection, w: &Widget) -> Result<()> {
    sqlx::query(
        "INSERT INTO widgets (id, institution_id, department_id, name, allowed_origins, settings) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(w.id.as_uuid())
    .bind(w.institution_id.as_uuid())
    .bind(w.department_id.as_uuid())
    .bind(w.name.as_str())
    .bind(&w.allowed_origins)
    .bind(serde_json::to_string(&w.settings).map_err(StoreError::other)?)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Rewrites a widget's name, department, origins and settings (never its institution).
pub(crate) async fn update_widget(pool: &PgPool, w: &Widget) -> Result<()> {
    let done = sqlx::query(
        "UPDATE widgets SET department_id = $3, name = $4, allowed_origins = $5, settings = $6 \
         WHERE id = $1 AND institution_id = $2",
    )
    .bind(w.id.as_uuid())
    .bind(w.institution_id.as_uuid())
    .bind(w.department_id.as_uuid())
    .bind(w.name.as_str())
    .bind(&w.allowed_origins)
    .bind(serde_json::to_string(&w.settings).map_err(StoreError::other)?)
    .execute(pool)
    .await
    .map_err(store_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn widget(pool: &PgPool, id: WidgetId) -> Result<Widget> {
    let row: Option<WidgetRow> = sqlx::query_as(
        "SELECT id, institution_id, department_id, name, allowed_origins, settings FROM widgets \
         WHERE id = $1",
    )
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    found(row)?.decode().map_err(store_error)
}

pub(crate) async fn widgets(pool: &PgPool, inst: InstitutionId) -> Result<Vec<Widget>> {
    let rows: Vec<WidgetRow> = sqlx::query_as(
        "SELECT id, institution_id, department_id, name, allowed_origins, settings FROM widgets \
         WHERE institution_id = $1 ORDER BY name, id",
    )
    .bind(inst.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

pub(crate) async fn create_user(pool: &PgPool, u: &User, password_hash: &str) -> Result<()> {
    insert_user(
        &mut *pool.acquire().await.map_err(store_error)?,
        u,
        password_hash,
    )
    .await
}

pub(crate) async fn insert_user(
    conn: &mut PgConnection,
    u: &User,
    password_hash: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, institution_id, email, name, role, password_hash) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(u.id.as_uuid())
    .bind(u.institution_id.as_uuid())
    .bind(u.email.as_str())
    .bind(u.name.as_str())
    .bind(u.role.as_str())
    .bind(password_hash)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn user(pool: &PgPool, id: UserId) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    found(row)?.decode().map_err(store_error)
}

pub(crate) async fn user_by_email(pool: &PgPool, email: &Email) -> Result<UserRecord> {
    let row: Option<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE email = $1"
    ))
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    let row = found(row)?;
    Ok(UserRecord {
        user: row.decode().map_err(store_error)?,
        password_hash: row.password_hash,
    })
}

pub(crate) async fn create_session(pool: &PgPool, s: &SessionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(&s.token.0[..])
    .bind(s.user_id.as_uuid())
    .bind(s.created_at)
    .bind(s.expires_at)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn totp_of(pool: &PgPool, user: UserId) -> Result<TotpState> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT totp_secret, totp_pending FROM users WHERE id = $1")
            .bind(user.as_uuid())
            .fetch_optional(pool)
            .await
            .map_err(store_error)?;
    let (secret, pending) = row.ok_or(StoreError::NotFound)?;
    Ok(TotpState { secret, pending })
}

pub(crate) async fn set_totp(pool: &PgPool, user: UserId, state: &TotpState) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_pending = $3, totp_last_step = NULL \
         WHERE id = $1",
    )
    .bind(user.as_uuid())
    .bind(state.secret.as_deref())
    .bind(state.pending.as_deref())
    .execute(pool)
    .await
    .map_err(store_error)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn use_totp_step(pool: &PgPool, user: UserId, step: u64) -> Result<bool> {
    let step = i64::try_from(step).map_err(|_| StoreError::corrupt("totp step beyond i64"))?;
    let changed = sqlx::query(
        "UPDATE users SET totp_last_step = $2 \
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(user.as_uuid())
    .bind(step)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(changed.rows_affected() == 1)
}

pub(crate) async fn touch_sessions(
    pool: &PgPool,
    tokens: &[TokenHash],
    at: OffsetDateTime,
) -> Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    let tokens: Vec<Vec<u8>> = tokens.iter().map(|t| t.0.to_vec()).collect();
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 \
         WHERE token_hash = ANY($1) AND last_seen_at < $2",
    )
    .bind(tokens)
    .bind(at)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn session_user(
    pool: &PgPool,
    token: &TokenHash,
    now: OffsetDateTime,
    idle_since: OffsetDateTime,
) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.institution_id, u.email, u.name, u.role, u.password_hash \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(&token.0[..])
    .bind(now)
    .bind(idle_since)
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    found(row)?.decode().map_err(store_error)
}

pub(crate) async fn delete_session(pool: &PgPool, token: &TokenHash) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&token.0[..])
        .execute(pool)
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn change_password(
    pool: &PgPool,
    user: UserId,
    hash: &str,
) -> Result<Vec<TokenHash>> {
    let mut tx = pool.begin().await.map_err(store_error)?;
    let changed = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.as_uuid())
        .bind(hash)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let ended: Vec<(Vec<u8>,)> =
        sqlx::query_as("DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash")
            .bind(user.as_uuid())
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
    tx.commit().await.map_err(store_error)?;
    ended
        .into_iter()
        .map(|(h,)| {
            <[u8; 32]>::try_from(h.as_slice())
                .map(TokenHash)
                .map_err(|_| StoreError::corrupt("sessions.token_hash"))
        })
        .collect()
}

pub(crate) async fn create_guest(pool: &PgPool, g: &Guest, token: &TokenHash) -> Result<()> {
    sqlx::query(
        "INSERT INTO guests (id, token_hash, widget_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(g.id.as_uuid())
    .bind(&token.0[..])
    .bind(g.widget_id.as_uuid())
    .bind(g.created_at)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn guest_by_token(pool: &PgPool, token: &TokenHash) -> Result<Guest> {
    let row: Option<GuestRow> =
        sqlx::query_as("SELECT id, widget_id, created_at FROM guests WHERE token_hash = $1")
            .bind(&token.0[..])
            .fetch_optional(pool)
            .await
            .map_err(store_error)?;
    Ok(found(row)?.decode())
}
