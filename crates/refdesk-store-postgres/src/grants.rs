//! Co-ops and their members, and the grants stored for staff accounts. These decide what a staff
//! member may see, so they are kept apart from the plain directory rows: adding what is already
//! there changes nothing (`ON CONFLICT DO NOTHING`), and a reference to an unknown user,
//! co-op or institution is `NotFound` (the schema's foreign keys, see [`crate::error`]).

use crate::error::store_error;
use crate::rows::{grant, scope_param};
use refdesk_core::{Coop, CoopId, Grant, InstitutionId, UserId};
use refdesk_store::{Result, StoreError};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub(crate) async fn create_coop(pool: &PgPool, c: &Coop) -> Result<()> {
    insert_coop(&mut *pool.acquire().await.map_err(store_error)?, c).await
}

pub(crate) async fn insert_coop(conn: &mut PgConnection, c: &Coop) -> Result<()> {
    sqlx::query("INSERT INTO coops (id, name) VALUES ($1, $2)")
        .bind(c.id.as_uuid())
        .bind(c.name.as_str())
        .execute(conn)
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn add_coop_member(
    pool: &PgPool,
    coop: CoopId,
    institution: InstitutionId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO coop_members (coop_id, institution_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind(coop.as_uuid())
    .bind(institution.as_uuid())
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn coop_hours(
    pool: &PgPool,
    coop: CoopId,
    institution: InstitutionId,
) -> Result<refdesk_core::CoopHours> {
    let hours: Option<String> = sqlx::query_scalar(
        "SELECT hours FROM coop_members WHERE coop_id = $1 AND institution_id = $2",
    )
    .bind(coop.as_uuid())
    .bind(institution.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    let hours = hours.ok_or(StoreError::NotFound)?;
    serde_json::from_str(&hours)
        .map_err(|e| StoreError::corrupt(format!("coop_members.hours: {e}")))
}

pub(crate) async fn set_coop_hours(
    pool: &PgPool,
    coop: CoopId,
    institution: InstitutionId,
    hours: &refdesk_core::CoopHours,
) -> Result<()> {
    let json = serde_json::to_string(hours).map_err(StoreError::other)?;
    let done = sqlx::query(
        "UPDATE coop_members SET hours = $3 WHERE coop_id = $1 AND institution_id = $2",
    )
    .bind(coop.as_uuid())
    .bind(institution.as_uuid())
    .bind(json)
    .execute(pool)
    .await
    .map_err(store_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The members of the given co-ops, ordered by co-op, then institution.
pub(crate) async fn coop_members(
    pool: &PgPool,
    coops: &[CoopId],
) -> Result<Vec<(CoopId, InstitutionId)>> {
    if coops.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = coops.iter().map(|c| *c.as_uuid()).collect();
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT coop_id, institution_id FROM coop_members WHERE coop_id = ANY($1) \
         ORDER BY coop_id, institution_id",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|(c, i)| (c.into(), i.into()))
        .collect())
}

type CoopRow = (Uuid, String);

pub(crate) async fn all_coops(pool: &PgPool) -> Result<Vec<Coop>> {
    let rows: Vec<CoopRow> = sqlx::query_as("SELECT id, name FROM coops ORDER BY name, id")
        .fetch_all(pool)
        .await
        .map_err(store_error)?;
    decode_coops(rows)
}

fn decode_coops(rows: Vec<CoopRow>) -> Result<Vec<Coop>> {
    rows.into_iter()
        .map(|(id, name)| {
            Ok(Coop {
                id: id.into(),
                name: refdesk_core::DisplayName::parse(&name)
                    .map_err(|e| store_error(crate::error::corrupt(e)))?,
            })
        })
        .collect()
}

pub(crate) async fn coops(pool: &PgPool, ids: &[CoopId]) -> Result<Vec<Coop>> {
    let ids: Vec<Uuid> = ids.iter().map(|c| *c.as_uuid()).collect();
    let rows: Vec<CoopRow> =
        sqlx::query_as("SELECT id, name FROM coops WHERE id = ANY($1) ORDER BY name, id")
            .bind(&ids)
            .fetch_all(pool)
            .await
            .map_err(store_error)?;
    decode_coops(rows)
}

pub(crate) async fn coops_of_institution(
    pool: &PgPool,
    institution: InstitutionId,
) -> Result<Vec<Coop>> {
    let rows: Vec<CoopRow> = sqlx::query_as(
        "SELECT c.id, c.name FROM coop_members AS m JOIN coops AS c ON c.id = m.coop_id \
         WHERE m.institution_id = $1 ORDER BY c.name, c.id",
    )
    .bind(institution.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode_coops(rows)
}

/// Gives `user` a grant; nothing when they have it already.
pub(crate) async fn add_grant(pool: &PgPool, user: UserId, g: Grant) -> Result<()> {
    insert_grant(&mut *pool.acquire().await.map_err(store_error)?, user, g).await
}

pub(crate) async fn insert_grant(conn: &mut PgConnection, user: UserId, g: Grant) -> Result<()> {
    sqlx::query(
        "INSERT INTO grants (user_id, kind, scope) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(user.as_uuid())
    .bind(g.kind())
    .bind(scope_param(&g))
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Takes a grant away; false when `user` did not have it.
pub(crate) async fn remove_grant(pool: &PgPool, user: UserId, g: Grant) -> Result<bool> {
    let done = sqlx::query("DELETE FROM grants WHERE user_id = $1 AND kind = $2 AND scope = $3")
        .bind(user.as_uuid())
        .bind(g.kind())
        .bind(scope_param(&g))
        .execute(pool)
        .await
        .map_err(store_error)?;
    Ok(done.rows_affected() > 0)
}

/// The grants stored for `user`, in order.
pub(crate) async fn grants_of(pool: &PgPool, user: UserId) -> Result<Vec<Grant>> {
    let rows: Vec<(String, Uuid)> =
        sqlx::query_as("SELECT kind, scope FROM grants WHERE user_id = $1")
            .bind(user.as_uuid())
            .fetch_all(pool)
            .await
            .map_err(store_error)?;
    let mut grants = rows
        .iter()
        .map(|(kind, scope)| grant(kind, *scope).map_err(store_error))
        .collect::<Result<Vec<_>>>()?;
    grants.sort();
    Ok(grants)
}

/// Every stored grant, ordered by user, then grant (for the directory snapshot, inside its
/// transaction).
pub(crate) async fn all_grants(conn: &mut PgConnection) -> Result<Vec<(UserId, Grant)>> {
    let rows: Vec<(Uuid, String, Uuid)> = sqlx::query_as("SELECT user_id, kind, scope FROM grants")
        .fetch_all(conn)
        .await
        .map_err(store_error)?;
    let mut grants = rows
        .iter()
        .map(|(user, kind, scope)| {
            let g = grant(kind, *scope).map_err(store_error)?;
            Ok((UserId::from(*user), g))
        })
        .collect::<Result<Vec<(UserId, Grant)>>>()?;
    grants.sort();
    Ok(grants)
}
