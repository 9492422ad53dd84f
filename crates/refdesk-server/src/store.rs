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
        create_private_dir(&settings.data_dir)
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
    let store = SqliteStore::open(&url, options).await?;
    if let Some(path) = sqlite_file(&url) {
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{}{suffix}", path.display());
            if let Err(e) = owner_only(std::path::Path::new(&file), 0o600)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(file, error = %e, "cannot make the database file private");
            }
        }
    }
    Ok(Arc::new(store))
}

/// The database file a `sqlite:PATH` or `sqlite://PATH` URL names (without its `?options`);
/// `None` for any other URL.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(path.split('?').next().unwrap_or(path).into())
}

/// Creates the data folder (and its parents) readable by the owner only.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    owner_only(dir, 0o700)
}

#[cfg(unix)]
fn owner_only(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn owner_only(_path: &std::path::Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
