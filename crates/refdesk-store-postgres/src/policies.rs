//! Institutions' policies, stored as JSON.

use crate::error::store_error;
use refdesk_core::{InstitutionId, InstitutionPolicy};
use refdesk_store::{Result, StoreError};
use sqlx::PgPool;

pub(crate) async fn policy(pool: &PgPool, institution: InstitutionId) -> Result<InstitutionPolicy> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT p.policy FROM institutions AS i \
         LEFT JOIN institution_policies AS p ON p.institution_id = i.id WHERE i.id = $1",
    )
    .bind(institution.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    match row {
        None => Err(StoreError::NotFound),
        Some((None,)) => Ok(InstitutionPolicy::default()),
        Some((Some(json),)) => serde_json::from_str(&json)
            .map_err(|e| StoreError::corrupt(format!("institution_policies.policy: {e}"))),
    }
}

pub(crate) async fn set_policy(
    pool: &PgPool,
    institution: InstitutionId,
    policy: &InstitutionPolicy,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO institution_policies (institution_id, policy) VALUES ($1, $2) \
         ON CONFLICT (institution_id) DO UPDATE SET policy = excluded.policy",
    )
    .bind(institution.as_uuid())
    .bind(serde_json::to_string(policy).map_err(StoreError::other)?)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}
