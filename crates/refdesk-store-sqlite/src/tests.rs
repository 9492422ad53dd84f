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

/// The query plan of `sql`, one line per step.
async fn plan_of(store: &SqliteStore, sql: &str) -> Vec<String> {
    use sqlx::Row;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .bind("[]")
        .fetch_all(&store.read)
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<String, _>("detail")).collect()
}

#[tokio::test]
async fn the_append_statements_use_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir, SqliteOptions::default()).await;
    for sql in [
        append::READ_HEADS,
        append::READ_STORED,
        append::INSERT,
        append::MOVE_CHAT_HEADS,
        append::MOVE_CONVERSATION_HEADS,
    ] {
        let plan = plan_of(&store, sql).await;
        println!("{sql}\n  {plan:?}");
        for step in &plan {
            assert!(
                !step.starts_with("SCAN") || step.contains("VIRTUAL TABLE"),
                "{sql}: {step} (all of {plan:?})"
            );
        }
    }
}

/// Holds the writer inside a job until the returned sender fires, so that everything sent in
/// the meantime lands in the next batch together.
async fn hold_writer(store: &SqliteStore) -> tokio::sync::oneshot::Sender<()> {
    let (release, gate) = tokio::sync::oneshot::channel::<()>();
    let (started, running) = tokio::sync::oneshot::channel::<()>();
    let writer = store.writer.clone();
    tokio::spawn(async move {
        writer
            .exec(move |_| {
                Box::pin(async move {
                    let _ = started.send(());
                    let _ = gate.await;
                    Ok(())
                })
            })
            .await
    });
    running.await.unwrap();
    release
}

/// Waits (without a clock) until `n` requests wait for the held writer.
async fn wait_until_queued(store: &SqliteStore, n: usize) {
    while store.writer.queued() < n {
        tokio::task::yield_now().await;
    }
}

fn institution(slug: &str) -> refdesk_core::Institution {
    refdesk_core::Institution {
        id: uuid::Uuid::now_v7().into(),
        name: refdesk_core::DisplayName::parse("A library").unwrap(),
        slug: slug.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_job_does_not_undo_the_rest_of_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir, SqliteOptions::default()).await;
    let taken = institution("taken");
    store.create_institution(&taken).await.unwrap();

    let release = hold_writer(&store).await;
    let (a, b) = (institution("a"), institution("b"));
    let first = tokio::spawn({
        let (s, a) = (store.clone(), a.clone());
        async move { s.create_institution(&a).await }
    });
    // Writes, then fails: its own write must be undone.
    let failing = tokio::spawn({
        let w = store.writer.clone();
        async move {
            w.exec(|c| {
                Box::pin(async move {
                    directory::insert_institution(c, &institution("undone")).await?;
                    Err::<(), _>(StoreError::NotFound)
                })
            })
            .await
        }
    });
    let duplicate = tokio::spawn({
        let s = store.clone();
        async move { s.create_institution(&institution("taken")).await }
    });
    let last = tokio::spawn({
        let (s, b) = (store.clone(), b.clone());
        async move { s.create_institution(&b).await }
    });
    wait_until_queued(&store, 4).await;
    release.send(()).unwrap();

    first.await.unwrap().unwrap();
    assert!(matches!(failing.await.unwrap(), Err(StoreError::NotFound)));
    assert!(matches!(
        duplicate.await.unwrap(),
        Err(StoreError::Conflict(refdesk_store::Conflict::AlreadyExists))
    ));
    last.await.unwrap().unwrap();
    assert_eq!(store.institution_by_slug("a").await.unwrap(), a);
    assert_eq!(store.institution_by_slug("b").await.unwrap(), b);
    assert!(matches!(
        store.institution_by_slug("undone").await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_transaction_is_lost_acknowledges_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir, SqliteOptions::default()).await;
    let release = hold_writer(&store).await;
    let before = tokio::spawn({
        let s = store.clone();
        async move { s.create_institution(&institution("before")).await }
    });
    // What SQLite does on some I/O errors: the transaction is rolled back under our feet.
    let lost = tokio::spawn({
        let w = store.writer.clone();
        async move {
            w.exec(|c| {
                Box::pin(async move {
                    sqlx::query("ROLLBACK")
                        .execute(c)
                        .await
                        .map_err(StoreError::other)?;
                    Ok(())
                })
            })
            .await
        }
    });
    let after = tokio::spawn({
        let s = store.clone();
        async move { s.create_institution(&institution("after")).await }
    });
    wait_until_queued(&store, 3).await;
    release.send(()).unwrap();

    assert!(before.await.unwrap().is_err());
    assert!(lost.await.unwrap().is_err());
    assert!(after.await.unwrap().is_err());
    for slug in ["before", "after"] {
        assert!(matches!(
            store.institution_by_slug(slug).await,
            Err(StoreError::NotFound)
        ));
    }
    // The writer carries on.
    store
        .create_institution(&institution("later"))
        .await
        .unwrap();
    store.institution_by_slug("later").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_job_is_undone_and_the_writer_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(&dir, SqliteOptions::default()).await;
    let w = store.writer.clone();
    let panicked = tokio::spawn(async move {
        w.exec(|c| {
            Box::pin(async move {
                directory::insert_institution(c, &institution("half-done")).await?;
                if std::hint::black_box(true) {
                    panic!("a bug in a job");
                }
                Ok(())
            })
        })
        .await
    })
    .await
    .unwrap();
    assert!(panicked.is_err());
    assert!(matches!(
        store.institution_by_slug("half-done").await,
        Err(StoreError::NotFound)
    ));
    store
        .create_institution(&institution("after"))
        .await
        .unwrap();
    store.institution_by_slug("after").await.unwrap();
}
