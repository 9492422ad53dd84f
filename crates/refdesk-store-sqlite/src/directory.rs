//! The directory (institutions, departments, widgets, staff), sessions and guests: plain rows.
//!
//! Reads run on the read pool; writes are functions of the writer's connection, run as jobs of
//! a batch (see [`crate::writer`]).

use crate::rows::{
    DepartmentRow, GuestRow, InstitutionRow, Result, UserRow, WidgetRow, all, db, micros, unique_is,
};
use refdesk_core::{
    Department, DepartmentId, Email, Guest, Institution, InstitutionId, User, UserId, Widget,
    WidgetId,
};
use refdesk_store::{Conflict, SessionRecord, StoreError, TokenHash, TotpState, UserRecord};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

// --- writes (on the writer's connection) ---------------------------------------------------------

pub(crate) async fn insert_institution(conn: &mut SqliteConnection, i: &Institution) -> Result<()> {
    sqlx::query("INSERT INTO institutions (id, name, slug) VALUES ($1, $2, $3)")
        .bind(Uuid::from(i.id))
        .bind(i.name.as_str())
        .bind(i.slug.as_str())
        .execute(conn)
        .await
        .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

pub(crate) async fn insert_department(conn: &mut SqliteConnection, d: &Department) -> Result<()> {
    sqlx::query("INSERT INTO departments (id, institution_id, name) VALUES ($1, $2, $3)")
        .bind(Uuid::from(d.id))
        .bind(Uuid::from(d.institution_id))
        .bind(d.name.as_str())
        .execute(conn)
        .await
        .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

pub(crate) async fn insert_widget(conn: &mut SqliteConnection, w: &Widget) -> Result<()> {
    let origins = serde_json::to_string(&w.allowed_origins).map_err(StoreError::other)?;
    sqlx::query(
        "INSERT INTO widgets (id, institution_id, department_id, name, allowed_origins, settings) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Uuid::from(w.id))
    .bind(Uuid::from(w.institution_id))
    .bind(Uuid::from(w.department_id))
    .bind(w.name.as_str())
    .bind(origins)
    .bind(serde_json::to_string(&w.settings).map_err(StoreError::other)?)
    .execute(conn)
    .await
    .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

/// Rewrites a widget's name, department, origins and settings (never its institution).
pub(crate) async fn update_widget(conn: &mut SqliteConnection, w: &Widget) -> Result<()> {
    let done = sqlx::query(
        "UPDATE widgets SET department_id = $3, name = $4, allowed_origins = $5, settings = $6 \
         WHERE id = $1 AND institution_id = $2",
    )
    .bind(Uuid::from(w.id))
    .bind(Uuid::from(w.institution_id))
    .bind(Uuid::from(w.department_id))
    .bind(w.name.as_str())
    .bind(serde_json::to_string(&w.allowed_origins).map_err(StoreError::other)?)
    .bind(serde_json::to_string(&w.settings).map_err(StoreError::other)?)
    .execute(conn)
    .await
    .map_err(crate::grants::unknown_reference)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn insert_user(
    conn: &mut SqliteConnection,
    u: &User,
    password_hash: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, institution_id, email, name, role, password_hash) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(Uuid::from(u.id))
    .bind(Uuid::from(u.institution_id))
    .bind(u.email.as_str())
    .bind(u.name.as_str())
    .bind(u.role.as_str())
    .bind(password_hash)
    .execute(conn)
    .await
    .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

pub(crate) async fn insert_session(conn: &mut SqliteConnection, s: &SessionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(s.token.0.as_slice())
    .bind(Uuid::from(s.user_id))
    .bind(micros(s.created_at))
    .bind(micros(s.expires_at))
    .execute(conn)
    .await
    .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

pub(crate) async fn delete_session(conn: &mut SqliteConnection, token: &TokenHash) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token.0.as_slice())
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn change_password(
    conn: &mut SqliteConnection,
    user: UserId,
    hash: &str,
) -> Result<Vec<TokenHash>> {
    let changed = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(Uuid::from(user))
        .bind(hash)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let ended: Vec<(Vec<u8>,)> =
        sqlx::query_as("DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash")
            .bind(Uuid::from(user))
            .fetch_all(conn)
            .await
            .map_err(db)?;
    ended
        .into_iter()
        .map(|(h,)| {
            <[u8; 32]>::try_from(h.as_slice())
                .map(TokenHash)
                .map_err(|_| StoreError::corrupt("sessions.token_hash"))
        })
        .collect()
}

pub(crate) async fn insert_guest(
    conn: &mut SqliteConnection,
    g: &Guest,
    token: &TokenHash,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO guests (id, token_hash, widget_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(Uuid::from(g.id))
    .bind(token.0.as_slice())
    .bind(Uuid::from(g.widget_id))
    .bind(micros(g.created_at))
    .execute(conn)
    .await
    .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

// --- reads (on the pool) ----------------------------------------------------------------------------

fn found<R, T>(row: Option<R>) -> Result<T>
where
    T: TryFrom<R, Error = StoreError>,
{
    row.ok_or(StoreError::NotFound).and_then(T::try_from)
}

pub(crate) async fn institution(pool: &SqlitePool, id: InstitutionId) -> Result<Institution> {
    let row: Option<InstitutionRow> =
        sqlx::query_as("SELECT id, name, slug FROM institutions WHERE id = $1")
            .bind(Uuid::from(id))
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    found(row)
}

pub(crate) async fn institution_by_slug(pool: &SqlitePool, slug: &str) -> Result<Institution> {
    let row: Option<InstitutionRow> =
        sqlx::query_as("SELECT id, name, slug FROM institutions WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    found(row)
}

pub(crate) async fn department(pool: &SqlitePool, id: DepartmentId) -> Result<Department> {
    let row: Option<DepartmentRow> =
        sqlx::query_as("SELECT id, institution_id, name FROM departments WHERE id = $1")
            .bind(Uuid::from(id))
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    found(row)
}

pub(crate) async fn departments(pool: &SqlitePool, i: InstitutionId) -> Result<Vec<Department>> {
    let rows: Vec<DepartmentRow> = sqlx::query_as(
        "SELECT id, institution_id, name FROM departments WHERE institution_id = $1 \
         ORDER BY name, id",
    )
    .bind(Uuid::from(i))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    all(rows)
}

pub(crate) async fn widget(pool: &SqlitePool, id: WidgetId) -> Result<Widget> {
    let row: Option<WidgetRow> = sqlx::query_as(
        "SELECT id, institution_id, department_id, name, allowed_origins, settings FROM widgets \
         WHERE id = $1",
    )
    .bind(Uuid::from(id))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    found(row)
}

pub(crate) async fn widgets(pool: &SqlitePool, i: InstitutionId) -> Result<Vec<Widget>> {
    let rows: Vec<WidgetRow> = sqlx::query_as(
        "SELECT id, institution_id, department_id, name, allowed_origins, settings FROM widgets \
         WHERE institution_id = $1 ORDER BY name, id",
    )
    .bind(Uuid::from(i))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    all(rows)
}

pub(crate) async fn user(pool: &SqlitePool, id: UserId) -> Result<User> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT id, institution_id, email, name, role FROM users WHERE id = $1")
            .bind(Uuid::from(id))
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    found(row)
}

pub(crate) async fn user_by_email(pool: &SqlitePool, email: &Email) -> Result<UserRecord> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, institution_id, email, name, role, password_hash FROM users \
         WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let row = row.ok_or(StoreError::NotFound)?;
    Ok(UserRecord {
        user: row.user.try_into()?,
        password_hash: row.password_hash,
    })
}

pub(crate) async fn totp_of(pool: &SqlitePool, user: UserId) -> Result<TotpState> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT totp_secret, totp_pending FROM users WHERE id = $1")
            .bind(Uuid::from(user))
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    let (secret, pending) = row.ok_or(StoreError::NotFound)?;
    Ok(TotpState { secret, pending })
}

pub(crate) async fn set_totp(
    conn: &mut SqliteConnection,
    user: UserId,
    state: &TotpState,
) -> Result<()> {
    let changed = sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_pending = $3, totp_last_step = NULL \
         WHERE id = $1",
    )
    .bind(Uuid::from(user))
    .bind(state.secret.as_deref())
    .bind(state.pending.as_deref())
    .execute(conn)
    .await
    .map_err(db)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn use_totp_step(
    conn: &mut SqliteConnection,
    user: UserId,
    step: u64,
) -> Result<bool> {
    let step = i64::try_from(step).map_err(|_| StoreError::corrupt("totp step beyond i64"))?;
    let changed = sqlx::query(
        "UPDATE users SET totp_last_step = $2 \
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(Uuid::from(user))
    .bind(step)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(changed.rows_affected() == 1)
}

pub(crate) async fn touch_sessions(
    conn: &mut SqliteConnection,
    tokens: &[TokenHash],
    at: OffsetDateTime,
) -> Result<()> {
    for t in tokens {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
        )
        .bind(t.0.as_slice())
        .bind(micros(at))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

pub(crate) async fn session_user(
    pool: &SqlitePool,
    token: &TokenHash,
    now: OffsetDateTime,
    idle_since: OffsetDateTime,
) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.institution_id, u.email, u.name, u.role \
         FROM sessions AS s JOIN users AS u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(token.0.as_slice())
    .bind(micros(now))
    .bind(micros(idle_since))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    found(row)
}

pub(crate) async fn guest_by_token(pool: &SqlitePool, token: &TokenHash) -> Result<Guest> {
    let row: Option<GuestRow> =
        sqlx::query_as("SELECT id, widget_id, created_at FROM guests WHERE token_hash = $1")
            .bind(token.0.as_slice())
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    found(row)
}
