//! Checks of what only the inside of the crate can see: the pragmas of each connection.

use super::*;

async fn store_in(dir: &tempfile::TempDir, options: SqliteOptions) -> SqliteStore {
    let url = format!("sqlite://{}", dir.path().join("refdesk.db").display());
    SqliteStore::open(&url, options).await.unwrap()
}

async fn writer_pragma(store: &SqliteStore, pragma: &'static str) -> String {
    store
        .writer
        .exec(move |c| {
            Box::pin(async move {
                let v: sqlx::sqlite::SqliteRow = sqlx::query(pragma)
                    .fetch_one(c)
                    .await
                    .map_err(StoreError::other)?;
                Ok(value(&v))
            })
        })
        .await
        .unwrap()
}

async fn reader_pragma(store: &SqliteStore, pragma: &'static str) -> String {
    let v = sqlx::query(pragma).fetch_one(&store.read).await.unwrap();
    value(&v)
}

fn value(row: &sqlx::sqlite::SqliteRow) -> String {
    use sqlx::Row;
    row.try_get::<String, _>(0)
        .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
        .unwrap()
}

#[tokio::test]
async fn every_connection_is_wal_durable_and_checks_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir, SqliteOptions::default()).await;
    for (pragma, expected) in [
        ("PRAGMA journal_mode", "wal"),
        ("PRAGMA synchronous", "2"),
        ("PRAGMA foreign_keys", "1"),
        ("PRAGMA busy_timeout", "5000"),
    ] {
        assert_eq!(
            writer_pragma(&store, pragma).await,
            expected,
            "writer: {pragma}"
        );
        assert_eq!(
            reader_pragma(&store, pragma).await,
            expected,
            "reader: {pragma}"
        );
    }
}

#[tokio::test]
async fn synchronous_normal_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        synchronous: Synchronous::Normal,
        ..SqliteOptions::default()
    };
    let store = store_in(&dir, options).await;
    assert_eq!(writer_pragma(&store, "PRAGMA synchronous").await, "1");
    assert_eq!(reader_pragma(&store, "PRAGMA synchronous").await, "1");
}

#[tokio::test]
async fn in_memory_databases_are_refused() {
    for url in ["sqlite::memory:", "sqlite://", "sqlite://?mode=memory"] {
        assert!(
            SqliteStore::open(url, SqliteOptions::default())
                .await
                .is_err(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir, SqliteOptions::default()).await;
    let write = sqlx::query("DELETE FROM institutions")
        .execute(&store.read)
        .await;
    assert!(write.is_err());
}
