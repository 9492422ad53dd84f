//! Backups of a running installation: a consistent copy of the database file, made while
//! nodes keep writing, and SQLite's own check of a copy.

use crate::rows::{Result, db};
use crate::{Synchronous, connect_options};
use refdesk_store::StoreError;
use sqlx::{ConnectOptions, Connection};
use std::path::Path;

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
    // Not a read-only connection: the copy is written through it (the original is only read).
    let mut conn = connect_options(url, Synchronous::Normal)?
        .create_if_missing(false)
        // Reading a whole database is meant to take a while.
        .disable_statement_logging()
        .connect()
        .await
        .map_err(db)?;
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
    // Not read-only: a WAL database opened read-only needs its `-shm` file to exist already.
    let mut conn = connect_options(url, Synchronous::Normal)?
        .create_if_missing(false)
        // Reading a whole database is meant to take a while.
        .disable_statement_logging()
        .connect()
        .await
        .map_err(db)?;
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
