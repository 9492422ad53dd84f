//! Findings 5 and 6: resends, resume points, error frames and frame limits on the socket, and
//! errors in the documented shape.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::{Value, json};

#[tokio::test]
async fn finding_5_a_resend_after_the_chat_ended_gets_its_ack() {
    let app = TestApp::spawn().await;
    let (chat, token) = app.start_chat("hello").await;
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.send(send_frame(&chat, "p1", "are you there?")).await;
    let ack = patron.next_answer().await;
    assert_eq!(ack["type"], "ack");
    let (status, _) = app
        .post(&format!("/api/chats/{chat}/end"), None, json!({}))
        .await;
    assert_eq!(status, 401, "needs the guest token");
    let ended = app
        .http
        .post(format!("{}/api/chats/{chat}/end", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    patron.send(send_frame(&chat, "p1", "are you there?")).await;
    let again = patron.next_answer().await;
    assert_eq!(again["type"], "ack", "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["seq"], ack["seq"]);
    patron.send(send_frame(&chat, "p2", "new")).await;
    let refused = patron.next_answer().await;
    assert_eq!(refused["code"], "chat_ended");
}

#[tokio::test]
async fn finding_5_huge_and_future_resume_points() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("hello").await;
    let huge = 1u64 << 63;
    let (status, body) = app
        .get(
            &format!("/api/chats/{chat}/messages?after_seq={huge}"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    // On the socket: an error frame, and the socket lives on.
    let mut patron = app.patron_ws(&token, &[]).await;
    patron
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": huge}))
        .await;
    let err = patron.next().await;
    assert_eq!(
        (err["type"].as_str(), err["frame"].as_str()),
        (Some("error"), Some("watch"))
    );
    assert!(
        err["in_reply_to"].is_null(),
        "only sends have a client id: {err}"
    );
    // A send whose client id reads like a frame type is answered by its client id, and the
    // frame type is its own field: the two never mix.
    patron.send(send_frame(&chat, "watch", "")).await;
    let refused = patron.next().await;
    assert_eq!(
        (
            refused["code"].as_str(),
            refused["in_reply_to"].as_str(),
            refused["frame"].as_str()
        ),
        (Some("invalid_body"), Some("watch"), Some("send")),
        "{refused}"
    );
    // A resume point beyond the chat's head starts at the head: later messages still arrive.
    patron
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 50}))
        .await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let joined = patron.next_message().await;
    assert_eq!(joined["seq"], 2, "{joined}");
}

#[tokio::test]
async fn finding_6_errors_answer_the_send_and_acks_come_first() {
    let app = TestApp::spawn_with(|s| s.ws_messages_per_second = 1).await;
    let (chat, token) = app.start_chat("hello").await;
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.next_message().await;
    // Own message: the ack arrives before the message itself comes back.
    patron.send(send_frame(&chat, "first", "one")).await;
    let first = patron.next().await;
    assert_eq!(first["type"], "ack", "{first}");
    // Rate-limited and oversized sends name the send they answer.
    let mut limited = None;
    for i in 0..6 {
        patron.send(send_frame(&chat, &format!("f{i}"), "x")).await;
    }
    for _ in 0..12 {
        let f = patron.next().await;
        if f["code"] == "rate_limited" {
            limited = Some(f);
            break;
        }
    }
    let limited = limited.expect("a rate_limited answer");
    assert!(
        limited["in_reply_to"].as_str().unwrap().starts_with('f'),
        "{limited}"
    );
}

#[tokio::test]
async fn finding_6_an_oversized_frame_closes_the_socket_with_1009() {
    let app = TestApp::spawn().await;
    let (_, token) = app.start_chat("q").await;
    let mut patron = app.patron_ws(&token, &[]).await;
    // Over four times the 16 KiB frame limit: the transport itself refuses it.
    patron.send_raw("x".repeat(70 * 1024)).await;
    let (before, code) = patron.closed().await;
    assert_eq!(code, Some(1009), "{before:?}");
    assert!(
        before.iter().any(|f| f["code"] == "frame_too_large"),
        "{before:?}"
    );
}

#[tokio::test]
async fn finding_6_unknown_paths_and_methods_answer_in_the_error_shape() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/nothing-here", None, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let resp = app
        .http
        .delete(format!("{}/api/chats", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}
