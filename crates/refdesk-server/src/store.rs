//! Opening the store the configuration names: `sqlite:` (the default, a file in the data
//! folder) or `postgres://`. Chosen once, at start.

use crate::settings::Settings;
use refdesk_store::{DynStore, StoreError};
use refdesk_store_postgres::{PgOptions, PgStore};
use refdesk_store_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://…")]
    Scheme(String),
    #[error("unknown sqlite_synchronous {0:?}: use full or normal")]
    Synchronous(String),
    #[error("cannot create the data folder {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens (and migrates) the configured store.
pub async fn open(settings: &Settings) -> Result<DynStore, OpenError> {
    let url = settings.database_url();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PgStore::open(&url, PgOptions::default()).await?));
    }
    if !url.starts_with("sqlite:") {
        return Err(OpenError::Scheme(crate::settings::redact_url(&url)));
    }
    if settings.database_url.is_empty() {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| OpenError::DataDir(settings.data_dir.display().to_string(), e))?;
    }
    let synchronous = match settings.sqlite_synchronous.as_str() {
        "full" => Synchronous::Full,
        "normal" => Synchronous::Normal,
        other => return Err(OpenError::Synchronous(other.to_owned())),
    };
    let options = SqliteOptions {
        synchronous,
        ..SqliteOptions::default()
    };
    Ok(Arc::new(SqliteStore::open(&url, options).await?))
}
