//! Backups of a running installation: a consistent copy of the database file, made while
//! nodes keep writing, and SQLite's own check of a copy.

use crate::rows::{Result, db};
use crate::{Synchronous, connect_options};
use refdesk_store::StoreError;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::Path;

/// A connection of its own to the existing database at `url`. Not read-only: `VACUUM INTO`
/// writes its copy through it (the original is only read), and a WAL database opened read-only
/// needs its `-shm` file to exist already. Its statements read a whole database, so they are
/// not logged as slow.
async fn connect(url: &str) -> Result<SqliteConnection> {
    connect_options(url, Synchronous::Normal)?
        .create_if_missing(false)
        .disable_statement_logging()
        .connect()
        .await
        .map_err(db)
}

/// Writes a copy of the database at `url` to the new file `to`, while it stays in use.
/// `VACUUM INTO` reads the whole database in one read transaction, so the copy is the
/// database at a single instant (every acknowledged write before it, none half-done), and
/// writers carry on meanwhile (WAL). The copy is compact and needs no `-wal` file.
pub async fn snapshot(url: &str, to: &Path) -> Result<()> {
    if to.exists() {
        return Err(StoreError::other(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} already exists", to.display()),
        )));
    }
    let to = to
        .to_str()
        .ok_or_else(|| StoreError::other(std::io::Error::other("the path is not UTF-8")))?;
    let mut conn = connect(url).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(to)
        .execute(&mut conn)
        .await
        .map_err(db)?;
    conn.close().await.map_err(db)?;
    Ok(())
}

/// SQLite's check of every page and index of the database at `url`: `"ok"`, or what is
/// wrong.
pub async fn integrity_check(url: &str) -> Result<String> {
    let mut conn = connect(url).await?;
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(db)?;
    conn.close().await.map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(r,)| r)
        .collect::<Vec<_>>()
        .join("; "))
}
