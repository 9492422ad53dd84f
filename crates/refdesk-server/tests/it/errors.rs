//! Bad input gets the documented error and changes nothing.

use crate::app::TestApp;
use crate::ws::{Ws, send_frame};
use serde_json::json;

#[tokio::test]
async fn malformed_frames_get_error_frames_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (chat, token) = app.start_chat("q").await;
    let mut ws = app.patron_ws(&token, &[]).await;
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "invalid_frame"),
        (r#"{"type":"launch"}"#.into(), "invalid_frame"),
        (
            r#"{"type":"send","chat_id":"nope","client_msg_id":"a","body":"x"}"#.into(),
            "invalid_frame",
        ),
        (
            json!({"type":"send","chat_id":chat,"client_msg_id":"a","body":"x","extra":1})
                .to_string(),
            "invalid_frame",
        ),
        (
            send_frame(&chat, "has space", "x").to_string(),
            "invalid_client_msg_id",
        ),
        (send_frame(&chat, "ok-1", "   ").to_string(), "invalid_body"),
        (
            send_frame(&chat, "ok-2", &"y".repeat(4001)).to_string(),
            "invalid_body",
        ),
        (
            send_frame(&chat, "ok-3", &"z".repeat(17_000)).to_string(),
            "frame_too_large",
        ),
        (
            send_frame(&uuid::Uuid::now_v7().to_string(), "ok-4", "x").to_string(),
            "not_found",
        ),
        (json!({"type":"hello"}).to_string(), "invalid_frame"),
    ];
    for (frame, code) in &cases {
        ws.send_raw(frame.clone()).await;
        let e = ws.next().await;
        assert_eq!(e["type"], "error", "{frame:.80}: {e}");
        assert_eq!(e["code"], *code, "{frame:.80}: {e}");
    }
    ws.stream
        .send(tokio_tungstenite::tungstenite::Message::Binary(
            vec![1, 2, 3].into(),
        ))
        .await
        .unwrap();
    assert_eq!(ws.next().await["code"], "invalid_frame");
    let (_, hist) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    assert_eq!(hist["last_seq"], 1, "nothing was stored");
    // The socket still works.
    ws.send(send_frame(&chat, "fine", "still here")).await;
    assert_eq!(ws.next_answer().await["seq"], 2);
}

use futures::SinkExt;

#[tokio::test]
async fn sockets_must_say_hello_with_valid_credentials() {
    let app = TestApp::spawn().await;
    let mut ws = Ws::connect(app.addr, None).await;
    ws.send(json!({"type": "typing", "chat_id": uuid::Uuid::now_v7(), "active": true}))
        .await;
    assert_eq!(ws.next().await["code"], "hello_required");
    let mut ws = Ws::connect(app.addr, None).await;
    ws.send(json!({"type": "hello", "guest_token": "forged"}))
        .await;
    assert_eq!(ws.next().await["code"], "unauthenticated");
    let mut ws = Ws::connect(app.addr, None).await;
    ws.send(json!({"type": "hello"})).await;
    assert_eq!(ws.next().await["code"], "unauthenticated");
}

#[tokio::test]
async fn a_flooding_socket_is_rate_limited() {
    let app = TestApp::spawn_with(|s| s.ws_messages_per_second = 5).await;
    let (chat, token) = app.start_chat("q").await;
    let mut ws = app.patron_ws(&token, &[]).await;
    for i in 0..40 {
        ws.send(send_frame(&chat, &format!("f{i}"), "flood")).await;
    }
    let mut limited = 0;
    for _ in 0..40 {
        let a = ws.next_answer().await;
        if a["code"] == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited >= 20, "only {limited} of 40 frames were limited");
}

#[tokio::test]
async fn bad_rest_requests_get_the_documented_errors() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let w = app.widget_id.clone();
    let post = |body: serde_json::Value| app.post("/api/chats", None, body);
    let cases = vec![
        (post(json!({"widget_id": w})).await, 400, "invalid_body"),
        (
            post(json!({"widget_id": w, "question": ""})).await,
            400,
            "invalid_body",
        ),
        (
            post(json!({"widget_id": w, "question": "q", "email": "not-an-email"})).await,
            400,
            "invalid_body",
        ),
        (
            post(json!({"widget_id": w, "question": "q", "color": "red"})).await,
            400,
            "invalid_body",
        ),
        (
            post(json!({"widget_id": uuid::Uuid::now_v7(), "question": "q"})).await,
            404,
            "not_found",
        ),
        (
            app.post(
                "/api/chats/not-a-uuid/claim",
                Some(&alice.cookie),
                json!({}),
            )
            .await,
            404,
            "not_found",
        ),
        (
            app.post(
                &format!("/api/chats/{}/claim", uuid::Uuid::now_v7()),
                Some(&alice.cookie),
                json!({}),
            )
            .await,
            404,
            "not_found",
        ),
        (
            app.post(
                &format!("/api/chats/{}/claim", uuid::Uuid::now_v7()),
                None,
                json!({}),
            )
            .await,
            401,
            "unauthenticated",
        ),
        (
            app.post(
                "/api/auth/login",
                None,
                json!({"email": "alice@riverside.example", "password": "wrong"}),
            )
            .await,
            401,
            "invalid_credentials",
        ),
        (
            app.post(
                "/api/auth/login",
                None,
                json!({"email": "nobody@riverside.example", "password": "wrong"}),
            )
            .await,
            401,
            "invalid_credentials",
        ),
        (
            app.get("/api/chats?status=sleeping", Some(&alice.cookie), None)
                .await,
            400,
            "invalid_query",
        ),
        (
            app.get("/api/me", Some("refdesk_session=forged"), None)
                .await,
            401,
            "unauthenticated",
        ),
    ];
    for (i, ((status, body), want_status, want_code)) in cases.into_iter().enumerate() {
        assert_eq!(status, want_status, "case {i}: {body}");
        if !want_code.is_empty() {
            assert_eq!(body["error"]["code"], want_code, "case {i}: {body}");
            assert!(body["error"]["message"].is_string());
        }
    }
    let raw = app
        .http
        .post(format!("{}/api/chats", app.url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let big = app
        .http
        .post(format!("{}/api/chats", app.url))
        .header("content-type", "application/json")
        .body(format!(
            "{{\"widget_id\":\"{w}\",\"question\":\"{}\"}}",
            "q".repeat(70_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 413);
    // Nothing was created by any of it.
    let (_, list) = app.get("/api/chats", Some(&alice.cookie), None).await;
    assert_eq!(list["chats"].as_array().unwrap().len(), 0);
}
