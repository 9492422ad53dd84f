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
