//! Institutions' policies, stored as JSON.

use crate::grants::unknown_reference;
use crate::rows::{Result, db};
use refdesk_core::{InstitutionId, InstitutionPolicy};
use refdesk_store::StoreError;
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

pub(crate) async fn policy(
    pool: &SqlitePool,
    institution: InstitutionId,
) -> Result<InstitutionPolicy> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT p.policy FROM institutions AS i \
         LEFT JOIN institution_policies AS p ON p.institution_id = i.id WHERE i.id = $1",
    )
    .bind(Uuid::from(institution))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    match row {
        None => Err(StoreError::NotFound),
        Some((None,)) => Ok(InstitutionPolicy::default()),
        Some((Some(json),)) => serde_json::from_str(&json)
            .map_err(|e| StoreError::corrupt(format!("institution_policies.policy: {e}"))),
    }
}

pub(crate) async fn set_policy(
    conn: &mut SqliteConnection,
    institution: InstitutionId,
    policy: &InstitutionPolicy,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO institution_policies (institution_id, policy) VALUES ($1, $2) \
         ON CONFLICT (institution_id) DO UPDATE SET policy = excluded.policy",
    )
    .bind(Uuid::from(institution))
    .bind(serde_json::to_string(policy).map_err(StoreError::other)?)
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}
