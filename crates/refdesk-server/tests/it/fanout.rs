//! Fan-out costs (issue 9's figures, as properties): a claim with many chats waiting sends each
//! staff socket two frames (the claimed chat, and the claimer's count on the Librarians list),
//! not one per chat behind it nor a re-read of the list; the patrons behind still learn their
//! new place in the line.

use crate::app::TestApp;
use crate::ws::Ws;
use serde_json::{Value, json};

/// Frames a socket receives before the answer to a marker (a `watch` of no chat): everything
/// queued for it up to now, in order.
async fn frames_until_marker(ws: &mut Ws) -> Vec<Value> {
    let marker = uuid::Uuid::now_v7();
    ws.send(json!({"type": "watch", "chat_id": marker, "after_seq": 0}))
        .await;
    let mut before = Vec::new();
    loop {
        let f = ws.next().await;
        if f["type"] == "error" && f["frame"] == "watch" {
            return before;
        }
        before.push(f);
    }
}

#[tokio::test]
async fn a_claim_with_many_waiting_costs_each_staff_socket_two_frames() {
    const WAITING: usize = 120;
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (mut alice_ws, _) = app.staff_ws(&alice).await;
    let mut chats = Vec::new();
    for n in 0..WAITING {
        chats.push(app.start_chat(&format!("Question {n}")).await);
    }
    let (last, last_token) = chats.last().cloned().unwrap();
    let mut patron = app.patron_ws(&last_token, &[(&last, 0)]).await;
    let arrived = frames_until_marker(&mut alice_ws).await;
    assert_eq!(
        arrived.iter().filter(|f| f["type"] == "chat").count(),
        WAITING,
        "each new chat once"
    );
    let status = loop {
        let f = patron.next().await;
        if f["type"] == "chat_status" {
            break f;
        }
    };
    assert_eq!(status["chat"]["queue_position"], WAITING as u64);

    // Bob claims the first in line.
    assert_eq!(app.claim(&bob, &chats[0].0).await.0, 200);
    let after = frames_until_marker(&mut alice_ws).await;
    let kinds: Vec<&str> = after.iter().map(|f| f["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["chat", "librarian_chats"],
        "the claimed chat and Bob's new count, whatever waits behind it"
    );
    assert_eq!(after[0]["chat"]["id"], chats[0].0.as_str());
    // The last patron moved up one place.
    let moved = loop {
        let f = patron.next().await;
        if f["type"] == "chat_status" {
            break f;
        }
    };
    assert_eq!(moved["chat"]["queue_position"], (WAITING - 1) as u64);
}
