//! Migrations that move data keep it.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};

#[tokio::test]
async fn messages_keep_their_rows_when_moved_to_arrival_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join("old.db"))
        .create_if_missing(true)
        // Only the rows under test; their parents do not matter here.
        .foreign_keys(false)
        .connect()
        .await
        .unwrap();
    let migrator = sqlx::migrate!("./migrations");
    let first = migrator.iter().next().unwrap().version;
    migrator.run_to(first, &mut conn).await.unwrap();
    for (seq, client) in [(1, Some("a")), (2, None), (3, Some("b"))] {
        sqlx::query(
            "INSERT INTO messages (chat_id, seq, id, kind, sender, body, client_msg_id, \
             created_at) VALUES (x'01', $1, x'02', 'patron', 'g:x', 'hi', $2, $3)",
        )
        .bind(seq)
        .bind(client)
        .bind(1_000 + seq)
        .execute(&mut conn)
        .await
        .unwrap();
    }

    migrator.run(&mut conn).await.unwrap();
    let rows = sqlx::query("SELECT seq, client_msg_id FROM messages ORDER BY seq")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let rows: Vec<(i64, Option<String>)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        rows,
        vec![(1, Some("a".into())), (2, None), (3, Some("b".into()))]
    );
    // The uniqueness rules came along.
    let again = sqlx::query(
        "INSERT INTO messages (stream_id, seq, id, kind, sender, body, client_msg_id, created_at) \
         VALUES (x'01', 4, x'03', 'patron', 'g:x', 'hi', 'a', 0)",
    )
    .execute(&mut conn)
    .await;
    let unique = |r: Result<_, sqlx::Error>| {
        r.err()
            .and_then(|e| e.as_database_error().map(|d| d.is_unique_violation()))
            .unwrap_or(false)
    };
    assert!(
        unique(again),
        "the client id is unique per stream and sender"
    );
    let same_seq = sqlx::query(
        "INSERT INTO messages (stream_id, seq, id, kind, sender, body, client_msg_id, created_at) \
         VALUES (x'01', 3, x'03', 'patron', 'g:x', 'hi', NULL, 0)",
    )
    .execute(&mut conn)
    .await;
    assert!(unique(same_seq), "(stream, seq) is the key");
}

#[tokio::test]
async fn existing_messages_get_patron_numbers_without_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join("old.db"))
        .create_if_missing(true)
        .foreign_keys(false)
        .connect()
        .await
        .unwrap();
    let migrator = sqlx::migrate!("./migrations");
    let before = migrator
        .iter()
        .map(|m| m.version)
        .filter(|v| *v < 20261204000000)
        .max()
        .unwrap();
    migrator.run_to(before, &mut conn).await.unwrap();
    sqlx::query(
        "INSERT INTO chats (id, institution_id, department_id, widget_id, guest_id, status, \
         created_at, last_seq, version) VALUES (x'01', x'aa', x'bb', x'cc', x'dd', 'closed', 0, 5, 2)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let kinds = [
        "patron",
        "internal_note",
        "system",
        "internal_note",
        "operator",
    ];
    for (i, kind) in kinds.iter().enumerate() {
        sqlx::query(
            "INSERT INTO messages (stream_id, seq, id, kind, sender, body, created_at) \
             VALUES (x'01', $1, randomblob(16), $2, 'system', 'x', 0)",
        )
        .bind(i as i64 + 1)
        .bind(kind)
        .execute(&mut conn)
        .await
        .unwrap();
    }

    migrator.run(&mut conn).await.unwrap();
    let rows = sqlx::query("SELECT seq, patron_seq FROM messages ORDER BY seq")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let rows: Vec<(i64, Option<i64>)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        rows,
        vec![
            (1, Some(1)),
            (2, None),
            (3, Some(2)),
            (4, None),
            (5, Some(3))
        ]
    );
    let head: i64 = sqlx::query_scalar("SELECT last_patron_seq FROM chats")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(head, 3);
}
