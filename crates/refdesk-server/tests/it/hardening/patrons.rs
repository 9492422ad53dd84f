//! Finding 7: what a patron can learn about staff from what they are sent.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::{Value, json};

#[tokio::test]
async fn finding_7_only_the_librarian_in_the_chat_types_to_the_patron() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (chat, token) = app.start_chat("hello").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let (mut alice_ws, _) = app.staff_ws(&alice).await;
    let (mut bob_ws, _) = app.staff_ws(&bob).await;
    for ws in [&mut alice_ws, &mut bob_ws] {
        ws.send(json!({"type": "watch", "chat_id": chat, "after_seq": 2}))
            .await;
        ws.until("chat").await;
    }
    // Bob previews and types; then Alice, who holds the chat, types.
    bob_ws
        .send(json!({"type": "typing", "chat_id": chat, "active": true}))
        .await;
    alice_ws
        .send(json!({"type": "typing", "chat_id": chat, "active": true}))
        .await;
    let typing = loop {
        let f = patron.next_any().await;
        if f["type"] == "typing" {
            break f;
        }
    };
    assert_eq!(typing["name"], "Alice", "{typing}");
    assert!(!typing.to_string().contains("Binder") && !typing.to_string().contains("Bob"));
}

/// The numbers of the messages in a history response.
fn seqs(history: &Value) -> Vec<u64> {
    history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn finding_7_patron_numbers_do_not_count_internal_notes() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("hello").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let mut patron = app.patron_ws(&token, &[(&chat, 2)]).await;
    let (mut staff, _) = app.staff_ws(&alice).await;
    staff
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 2}))
        .await;
    // Two notes (seq 3 and 4 for staff), then a reply: the patron's third message.
    for (i, body) in ["Regular; likes maps.", "Ask about the 1890 atlas."]
        .iter()
        .enumerate()
    {
        staff
            .send(
                json!({"type": "send", "chat_id": chat, "client_msg_id": format!("n{i}"),
                         "body": body, "kind": "internal_note"}),
            )
            .await;
        assert_eq!(staff.next_answer().await["seq"], i + 3);
    }
    staff
        .send(send_frame(&chat, "r", "Here is the map room."))
        .await;
    assert_eq!(staff.next_answer().await["seq"], 5);
    let reply = patron.next_message().await;
    assert_eq!(
        (reply["seq"].as_u64(), reply["body"].as_str()),
        (Some(3), Some("Here is the map room."))
    );
    patron.send(send_frame(&chat, "p", "thanks")).await;
    let ack = patron.next_answer().await;
    assert_eq!(
        (ack["type"].as_str(), ack["seq"].as_u64()),
        (Some("ack"), Some(4))
    );
    assert_eq!(
        patron.next_message().await["seq"],
        4,
        "its own message comes back"
    );

    // History: the patron's numbering has no gaps and its head is the patron's; staff see all.
    let path = format!("/api/chats/{chat}/messages");
    let (_, mine) = app.get(&path, None, Some(&token)).await;
    assert_eq!(seqs(&mine), vec![1, 2, 3, 4]);
    assert_eq!(mine["last_seq"], 4);
    let (_, later) = app
        .get(&format!("{path}?after_seq=2"), None, Some(&token))
        .await;
    assert_eq!(seqs(&later), vec![3, 4]);
    let (_, theirs) = app.get(&path, Some(alice.cookie.as_str()), None).await;
    assert_eq!(seqs(&theirs), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(theirs["last_seq"], 6);

    // A patron resuming from 2 gets exactly 3 and 4, and a chat_status with their head.
    let mut again = app.patron_ws(&token, &[(&chat, 2)]).await;
    let (status, _) = again.until("chat_status").await;
    assert_eq!(status["chat"]["last_seq"], 4, "{status}");
    let resumed = [again.next_message().await, again.next_message().await];
    assert_eq!(
        resumed.clone().map(|m| m["seq"].as_u64()),
        [Some(3), Some(4)]
    );
    assert!(!format!("{mine}{resumed:?}").contains("atlas"));
}
