//! A whole chat: start, see it waiting, preview, claim, talk both ways, close.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::json;

#[tokio::test]
async fn patron_and_operator_complete_a_chat() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (mut staff_ws, welcome) = app.staff_ws(&alice).await;
    assert_eq!(welcome["identity"]["role"], "staff");
    assert_eq!(welcome["queue"].as_array().unwrap().len(), 0);

    let (chat, token) = app.start_chat("Do you have the 1911 city directory?").await;
    // The operator sees it arrive, waiting.
    let (arrived, _) = staff_ws.until("chat").await;
    assert_eq!(arrived["chat"]["id"], chat.as_str());
    assert_eq!(arrived["chat"]["status"], "waiting");
    assert_eq!(
        arrived["chat"]["question"],
        "Do you have the 1911 city directory?"
    );
    assert_eq!(
        arrived["chat"]["referrer"], "https://riverside.example/catalog",
        "query string stripped"
    );

    // Preview without claiming.
    let (status, preview) = app
        .get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(preview["status"], "waiting");
    assert_eq!(preview["institution"]["name"], "Riverside Public Library");
    assert_eq!(
        preview["widget"]["name"],
        "Riverside Public Library website"
    );

    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let (status_frame, _) = patron.until("chat_status").await;
    assert_eq!(status_frame["chat"]["status"], "waiting");
    assert_eq!(status_frame["chat"]["queue_position"], 1);
    let q = patron.next_message().await;
    assert_eq!(
        (q["seq"].as_u64(), q["kind"].as_str()),
        (Some(1), Some("patron"))
    );

    let (status, claimed) = app.claim(&alice, &chat).await;
    assert_eq!(status, 200, "{claimed}");
    assert_eq!(claimed["status"], "active");
    assert_eq!(claimed["operator"]["name"], "Alice Archer");
    let joined = patron.next_message().await;
    assert_eq!(joined["kind"], "system");
    // Patrons see a librarian by their public (first) name; staff see the full name.
    assert_eq!(joined["body"], "Alice joined the chat.");

    staff_ws
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 0}))
        .await;
    // History arrives in order: the question, then the claim.
    let m1 = staff_ws.next_message().await;
    let m2 = staff_ws.next_message().await;
    assert_eq!((m1["seq"].as_u64(), m2["seq"].as_u64()), (Some(1), Some(2)));
    assert_eq!(m1["sender_name"], "Pat");

    staff_ws
        .send(send_frame(&chat, "op-1", "Yes, in the local history room."))
        .await;
    let ack = staff_ws.next_answer().await;
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(ack["seq"], 3);
    assert_eq!(ack["duplicate"], false);
    let got = patron.next_message().await;
    assert_eq!(got["body"], "Yes, in the local history room.");
    assert_eq!(got["sender_name"], "Alice");
    assert_eq!(
        got["client_msg_id"],
        serde_json::Value::Null,
        "not the patron's own message"
    );

    patron.send(send_frame(&chat, "p-1", "Thank you!")).await;
    let ack = patron.next_answer().await;
    assert_eq!(ack["seq"], 4);
    let got = staff_ws.next_message().await;
    assert!(got["seq"] == 3 || got["seq"] == 4);
    let got = if got["seq"] == 3 {
        staff_ws.next_message().await
    } else {
        got
    };
    assert_eq!(got["body"], "Thank you!");
    assert_eq!(got["kind"], "patron");

    let (status, closed) = app
        .post(
            &format!("/api/chats/{chat}/close"),
            Some(&alice.cookie),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(closed["status"], "closed");
    let (ended, _) = patron.until("chat_status").await;
    let ended = if ended["chat"]["status"] == "closed" {
        ended
    } else {
        patron.until("chat_status").await.0
    };
    assert_eq!(ended["chat"]["status"], "closed");

    // The patron cannot write into a closed chat.
    patron
        .send(send_frame(&chat, "p-2", "one more thing"))
        .await;
    let refused = patron.next_answer().await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "chat_ended");
    assert_eq!(refused["in_reply_to"], "p-2");
}

#[tokio::test]
async fn internal_notes_never_reach_the_patron() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("Canary question").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let (mut staff_ws, _) = app.staff_ws(&alice).await;
    staff_ws
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 2}))
        .await;
    // Drain the patron's history: question and claim.
    assert_eq!(patron.next_message().await["seq"], 1);
    assert_eq!(patron.next_message().await["seq"], 2);

    let note = json!({"type": "send", "chat_id": chat, "client_msg_id": "n1",
        "body": "CANARY-NOTE patron seems to be a student", "kind": "internal_note"});
    staff_ws.send(note).await;
    assert_eq!(staff_ws.next_answer().await["seq"], 3);
    let seen = staff_ws.next_message().await;
    assert_eq!(seen["kind"], "internal_note", "staff see the note");
    staff_ws
        .send(send_frame(&chat, "m1", "Here is the link."))
        .await;
    assert_eq!(staff_ws.next_answer().await["seq"], 4);
    // Live: the patron's next message is their seq 3 (staff's 4); the note was skipped, and
    // left no gap in the patron's numbering.
    let next = patron.next_message().await;
    assert_eq!(next["seq"], 3);
    assert_eq!(next["body"], "Here is the link.");
    // History and replay: no note either.
    let (status, hist) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    assert_eq!(status, 200);
    assert!(!hist.to_string().contains("CANARY-NOTE"), "{hist}");
    let mut replay = app.patron_ws(&token, &[(&chat, 0)]).await;
    for want in [1, 2, 3] {
        assert_eq!(replay.next_message().await["seq"], want);
    }
    // Staff history keeps it.
    let (_, staff_hist) = app
        .get(
            &format!("/api/chats/{chat}/messages"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert!(staff_hist.to_string().contains("CANARY-NOTE"));
    // A patron cannot write a note.
    patron.send(json!({"type": "send", "chat_id": chat, "client_msg_id": "x", "body": "hi", "kind": "internal_note"})).await;
    assert_eq!(patron.next_answer().await["code"], "forbidden");
}

#[tokio::test]
async fn a_librarian_trying_the_chat_box_in_their_own_browser_sees_the_patron_view() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("same browser").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let note = serde_json::json!({"type": "send", "chat_id": chat, "client_msg_id": "n",
        "body": "STAFF-ONLY", "kind": "internal_note"});
    let (mut staff, _) = app.staff_ws(&alice).await;
    staff.send(note).await;
    assert_eq!(staff.next_answer().await["type"], "ack");
    // Both credentials on one request: the guest token decides.
    let resp = app
        .http
        .get(format!("{}/api/chats/{chat}/messages", app.url))
        .header("cookie", &alice.cookie)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    assert!(!text.contains("STAFF-ONLY"), "{text}");
    let mut ws = crate::ws::Ws::connect(app.addr, Some(&alice.cookie)).await;
    ws.send(json!({"type": "hello", "guest_token": token}))
        .await;
    assert_eq!(ws.next().await["identity"]["role"], "patron");
}
