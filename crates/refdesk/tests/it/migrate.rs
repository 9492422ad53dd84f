//! Moving from SQLite to PostgreSQL as an admin does it: chat on a SQLite node, stop it, run
//! `refdesk migrate-data`, start a node on PostgreSQL, and find everything there. Ignored unless
//! REFDESK_TEST_DATABASE_URL is set (CI sets it, and the test then fails rather than skips).

use crate::child::{
    Node, claim, demo_widget, fresh_database, get_json, login, patron_says, start_chat,
};
use serde_json::Value;
use std::process::Command;

fn migrate_data(from: &str, to: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_refdesk"))
        .args(["migrate-data", "--from", from, "--to", to, "--batch", "2"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Stops a node the way systemd does (SIGTERM), and waits for it to exit.
fn stop(mut node: Node) {
    let pid = node.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());
    node.child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL"]
async fn a_sqlite_installation_moves_to_postgres_with_its_chats() {
    let http = reqwest::Client::new();
    let sqlite_dir = tempfile::tempdir().unwrap();
    let node = Node::start("demo", sqlite_dir.path(), &[]);
    let widget = demo_widget(&http, &node.url).await;
    let (chat, token) = start_chat(&http, &node.url, &widget, "Where are the maps?").await;
    let alice = login(&http, &node.url, "alice@riverside.example").await;
    assert_eq!(claim(&http, &node.url, &alice, &chat).await, 200);
    // Nobody at Riverside was monitoring: the demo's plan offered the chat to the co-op at once
    // (seq 2), then Alice claimed it (seq 3).
    assert_eq!(patron_says(&node, &token, &chat, "p1", "Thanks!").await, 4);
    stop(node);

    let db = fresh_database("refdesk_migrate_");
    let source = format!("sqlite:{}", sqlite_dir.path().join("refdesk.db").display());
    let (ok, out, err) = migrate_data(&source, &db);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains(
            "done: 3 institutions, 7 users, 1 guests, 1 chats, 0 staff conversations, 4 messages"
        ),
        "{out}"
    );
    // The chat's history (started, routed, claimed) and its timers travel too.
    assert!(out.contains("ChatHistory: 3 rows copied"), "{out}");
    assert!(out.contains("sessions were not copied"), "{out}");
    assert!(
        out.contains("settings: 3 institution policies, 3 co-op memberships' hours"),
        "{out}"
    );
    let (ok, _, err) = migrate_data(&source, &db);
    assert!(!ok, "a second run into the filled database is refused");
    assert!(err.contains("only into an empty database"), "{err}");

    // A node on PostgreSQL alone (another data folder: the SQLite file is not there).
    let pg_dir = tempfile::tempdir().unwrap();
    let node = Node::start("serve", pg_dir.path(), &[("REFDESK_DATABASE_URL", &db)]);
    // The same password signs in (login asserts the 200).
    let alice = login(&http, &node.url, "alice@riverside.example").await;
    // Settings travel: Riverside's time zone, and its hours with the co-op.
    let cora = login(&http, &node.url, "cora@lakeside.example").await;
    let get = |path: String, cookie: String| {
        let http = http.clone();
        async move {
            http.get(path)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let coops = get(format!("{}/api/coops", node.url), cora.clone()).await;
    let coop = coops["coops"][0]["id"].as_str().unwrap().to_owned();
    let members = get(format!("{}/api/coops/{coop}/members", node.url), cora).await;
    let riverside = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["institution"]["name"] == "Riverside Public Library")
        .unwrap()
        .clone();
    assert_eq!(riverside["time_zone"], "America/Toronto", "{members}");
    assert_eq!(riverside["hours"]["weekly"].as_array().unwrap().len(), 7);
    let list: Value = http
        .get(format!("{}/api/chats?status=active", node.url))
        .header("cookie", &alice)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let chats = list["chats"].as_array().unwrap();
    assert_eq!(chats.len(), 1, "{list}");
    assert_eq!(chats[0]["id"], chat.as_str());
    assert_eq!(chats[0]["question"], "Where are the maps?");
    // Where routing had taken it travels with it.
    assert_eq!(chats[0]["step"], 1);
    assert_eq!(chats[0]["offered_to"]["name"], "Three Rivers Library Co-op");
    let history = get_json(
        &http,
        &format!("{}/api/chats/{chat}/messages", node.url),
        &alice,
    )
    .await;
    let messages = history["messages"].as_array().unwrap();
    let seen: Vec<_> = messages
        .iter()
        .map(|m| (m["seq"].as_u64().unwrap(), m["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        vec![(1, "patron"), (2, "system"), (3, "system"), (4, "patron")],
        "{history}"
    );
    assert_eq!(messages[3]["body"], "Thanks!");
    // The patron's token still works, and the chat carries on from its last number.
    assert_eq!(
        patron_says(&node, &token, &chat, "p2", "Still there?").await,
        5
    );
}
