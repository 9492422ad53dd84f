//! Delivery guarantees across disconnects: resume gets exactly what was missed, retries are
//! stored once, and a reader too slow for the live fan-out still gets everything in order.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::json;

#[tokio::test]
async fn reconnecting_patron_receives_exactly_the_missed_messages() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("first").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let (mut staff, _) = app.staff_ws(&alice).await;
    staff
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 2}))
        .await;

    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let mut last = 0;
    for _ in 0..2 {
        last = patron.next_message().await["seq"].as_u64().unwrap();
    }
    for i in 0..3 {
        staff
            .send(send_frame(&chat, &format!("a{i}"), &format!("before {i}")))
            .await;
        staff.next_answer().await;
        last = patron.next_message().await["seq"].as_u64().unwrap();
    }
    assert_eq!(last, 5);
    patron.close().await;

    // While the patron is away, five more messages.
    for i in 0..5 {
        staff
            .send(send_frame(
                &chat,
                &format!("b{i}"),
                &format!("while away {i}"),
            ))
            .await;
        assert_eq!(staff.next_answer().await["type"], "ack");
    }
    let mut back = app.patron_ws(&token, &[(&chat, last)]).await;
    let (status, before) = back.until("chat_status").await;
    assert_eq!(status["chat"]["status"], "active");
    assert!(before.is_empty());
    let mut got = vec![];
    for _ in 0..5 {
        let m = back.next_message().await;
        got.push((
            m["seq"].as_u64().unwrap(),
            m["body"].as_str().unwrap().to_owned(),
        ));
    }
    let want: Vec<_> = (0..5)
        .map(|i| (6 + i as u64, format!("while away {i}")))
        .collect();
    assert_eq!(got, want);
    // Nothing more was replayed: the next frame is a new live message, seq 11.
    staff.send(send_frame(&chat, "c0", "welcome back")).await;
    assert_eq!(back.next_message().await["seq"], 11);
}

#[tokio::test]
async fn retried_send_is_stored_once_and_acked_with_the_same_seq() {
    let app = TestApp::spawn().await;
    let (chat, token) = app.start_chat("q").await;
    let mut patron = app.patron_ws(&token, &[]).await;
    patron
        .send(send_frame(&chat, "retry-me", "Are you open on Sunday?"))
        .await;
    let first = patron.next_answer().await;
    assert_eq!(
        (first["type"].as_str(), first["duplicate"].as_bool()),
        (Some("ack"), Some(false))
    );
    // The client lost the ack (say, the socket dropped) and sends again on a new socket.
    patron.close().await;
    let mut again = app.patron_ws(&token, &[]).await;
    again
        .send(send_frame(&chat, "retry-me", "Are you open on Sunday?"))
        .await;
    let second = again.next_answer().await;
    assert_eq!(second["type"], "ack");
    assert_eq!(second["duplicate"], true);
    assert_eq!(second["seq"], first["seq"]);
    assert_eq!(second["message_id"], first["message_id"]);
    // Reusing the id for something else is refused and changes nothing.
    again
        .send(send_frame(&chat, "retry-me", "Something else"))
        .await;
    let refused = again.next_answer().await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("client_id_reused"))
    );
    let (_, hist) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    let bodies: Vec<_> = hist["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, vec!["q", "Are you open on Sunday?"]);
    assert_eq!(hist["last_seq"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_too_slow_for_the_fan_out_still_gets_everything_in_order() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("q").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    // The patron follows the chat but does not read while the operator sends far more than
    // the socket's queue and TCP buffers hold.
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let (mut staff, _) = app.staff_ws(&alice).await;
    let big = "x".repeat(3900);
    let n = 1500;
    for i in 0..n {
        staff
            .send(send_frame(&chat, &format!("m{i}"), &format!("{i} {big}")))
            .await;
    }
    let mut acked = 0;
    while acked < n {
        let a = staff.next().await;
        if a["type"] == "ack" {
            acked += 1;
        }
        assert_ne!(a["type"], "error", "{a}");
    }
    let mut expected = 1;
    while expected <= n + 2 {
        let m = patron.next_message().await;
        assert_eq!(
            m["seq"].as_u64().unwrap(),
            expected,
            "in order, no gap, no duplicate"
        );
        expected += 1;
    }
}
