//! Co-ops and their members, and the grants stored for staff accounts.

use crate::rows::{Result, db, unique_is};
use refdesk_core::{Coop, CoopId, Grant, InstitutionId, UserId};
use refdesk_store::{Conflict, StoreError};
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use uuid::Uuid;

pub(crate) async fn insert_coop(conn: &mut SqliteConnection, c: &Coop) -> Result<()> {
    sqlx::query("INSERT INTO coops (id, name) VALUES ($1, $2)")
        .bind(Uuid::from(c.id))
        .bind(c.name.as_str())
        .execute(conn)
        .await
        .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

pub(crate) async fn add_coop_member(
    conn: &mut SqliteConnection,
    coop: CoopId,
    institution: InstitutionId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO coop_members (coop_id, institution_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::from(coop))
    .bind(Uuid::from(institution))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}

pub(crate) async fn coop_hours(
    pool: &SqlitePool,
    coop: CoopId,
    institution: InstitutionId,
) -> Result<refdesk_core::CoopHours> {
    let hours: Option<String> = sqlx::query_scalar(
        "SELECT hours FROM coop_members WHERE coop_id = $1 AND institution_id = $2",
    )
    .bind(Uuid::from(coop))
    .bind(Uuid::from(institution))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let hours = hours.ok_or(StoreError::NotFound)?;
    serde_json::from_str(&hours)
        .map_err(|e| StoreError::corrupt(format!("coop_members.hours: {e}")))
}

pub(crate) async fn set_coop_hours(
    conn: &mut SqliteConnection,
    coop: CoopId,
    institution: InstitutionId,
    hours: String,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE coop_members SET hours = $3 WHERE coop_id = $1 AND institution_id = $2",
    )
    .bind(Uuid::from(coop))
    .bind(Uuid::from(institution))
    .bind(hours)
    .execute(conn)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn coop_members(
    pool: &SqlitePool,
    coops: &[CoopId],
) -> Result<Vec<(CoopId, InstitutionId)>> {
    if coops.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = coops
        .iter()
        .map(|c| Uuid::from(*c).simple().to_string())
        .collect();
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT coop_id, institution_id FROM coop_members \
         WHERE coop_id IN (SELECT unhex(value) FROM json_each($1)) \
         ORDER BY coop_id, institution_id",
    )
    .bind(serde_json::to_string(&ids).map_err(StoreError::other)?)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(c, i)| (c.into(), i.into()))
        .collect())
}

type CoopRow = (Uuid, String);

fn decode_coops(rows: Vec<CoopRow>) -> Result<Vec<Coop>> {
    rows.into_iter()
        .map(|(id, name)| {
            Ok(Coop {
                id: id.into(),
                name: crate::rows::text("coops.name", &name, refdesk_core::DisplayName::parse)?,
            })
        })
        .collect()
}

pub(crate) async fn all_coops(pool: &SqlitePool) -> Result<Vec<Coop>> {
    let rows: Vec<CoopRow> = sqlx::query_as("SELECT id, name FROM coops ORDER BY name, id")
        .fetch_all(pool)
        .await
        .map_err(db)?;
    decode_coops(rows)
}

pub(crate) async fn coops(pool: &SqlitePool, ids: &[CoopId]) -> Result<Vec<Coop>> {
    let ids: Vec<String> = ids
        .iter()
        .map(|c| Uuid::from(*c).simple().to_string())
        .collect();
    let rows: Vec<CoopRow> = sqlx::query_as(
        "SELECT id, name FROM coops WHERE id IN (SELECT unhex(value) FROM json_each($1)) \
         ORDER BY name, id",
    )
    .bind(serde_json::to_string(&ids).map_err(StoreError::other)?)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode_coops(rows)
}

pub(crate) async fn coops_of_institution(
    pool: &SqlitePool,
    institution: InstitutionId,
) -> Result<Vec<Coop>> {
    let rows: Vec<CoopRow> = sqlx::query_as(
        "SELECT c.id, c.name FROM coop_members AS m JOIN coops AS c ON c.id = m.coop_id \
         WHERE m.institution_id = $1 ORDER BY c.name, c.id",
    )
    .bind(Uuid::from(institution))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode_coops(rows)
}

/// A reference to a user, co-op or institution that does not exist is `NotFound`.
pub(crate) fn unknown_reference(e: sqlx::Error) -> StoreError {
    if e.as_database_error()
        .is_some_and(|d| d.is_foreign_key_violation())
    {
        StoreError::NotFound
    } else {
        db(e)
    }
}

fn scope_column(g: &Grant) -> Uuid {
    g.scope().unwrap_or(Uuid::nil())
}

fn grant_of(kind: &str, scope: Uuid) -> Result<Grant> {
    let scope = (!scope.is_nil()).then_some(scope);
    Grant::from_parts(kind, scope)
        .ok_or_else(|| StoreError::corrupt(format!("grants: {kind:?} with scope {scope:?}")))
}

pub(crate) async fn insert_grant(
    conn: &mut SqliteConnection,
    user: UserId,
    grant: Grant,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO grants (user_id, kind, scope) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::from(user))
    .bind(grant.kind())
    .bind(scope_column(&grant))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}

pub(crate) async fn delete_grant(
    conn: &mut SqliteConnection,
    user: UserId,
    grant: Grant,
) -> Result<bool> {
    let done = sqlx::query("DELETE FROM grants WHERE user_id = $1 AND kind = $2 AND scope = $3")
        .bind(Uuid::from(user))
        .bind(grant.kind())
        .bind(scope_column(&grant))
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn grants_of(pool: &SqlitePool, user: UserId) -> Result<Vec<Grant>> {
    let rows: Vec<(String, Uuid)> =
        sqlx::query_as("SELECT kind, scope FROM grants WHERE user_id = $1")
            .bind(Uuid::from(user))
            .fetch_all(pool)
            .await
            .map_err(db)?;
    let mut grants = rows
        .iter()
        .map(|(k, s)| grant_of(k, *s))
        .collect::<Result<Vec<_>>>()?;
    grants.sort();
    Ok(grants)
}

/// Every stored grant, ordered by user, then grant (for the directory snapshot).
pub(crate) async fn all_grants<'c, E>(conn: E) -> Result<Vec<(UserId, Grant)>>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    let rows: Vec<(Uuid, String, Uuid)> = sqlx::query_as("SELECT user_id, kind, scope FROM grants")
        .fetch_all(conn)
        .await
        .map_err(db)?;
    let mut grants = rows
        .iter()
        .map(|(u, k, s)| Ok(((*u).into(), grant_of(k, *s)?)))
        .collect::<Result<Vec<(UserId, Grant)>>>()?;
    grants.sort();
    Ok(grants)
}
