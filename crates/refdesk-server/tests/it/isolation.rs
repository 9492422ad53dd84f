//! No institution sees another's chats; patrons see only their own; cross-site requests and
//! sockets from foreign origins are refused.

use crate::app::TestApp;
use crate::ws::{Ws, send_frame};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::test]
async fn staff_of_another_institution_get_not_found_everywhere() {
    let app = TestApp::spawn().await;
    let carol = app.login("carol@hillcrest").await;
    let (chat, _) = app.start_chat("Riverside only").await;
    let paths = [
        format!("/api/chats/{chat}"),
        format!("/api/chats/{chat}/messages"),
    ];
    for p in &paths {
        let (status, body) = app.get(p, Some(&carol.cookie), None).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{p}"
        );
    }
    for action in ["claim", "close"] {
        let (status, _) = app
            .post(
                &format!("/api/chats/{chat}/{action}"),
                Some(&carol.cookie),
                json!({}),
            )
            .await;
        assert_eq!(status, 404, "{action}");
    }
    let (_, list) = app.get("/api/chats", Some(&carol.cookie), None).await;
    assert!(list["chats"].as_array().unwrap().is_empty());
    let (mut ws, welcome) = app.staff_ws(&carol).await;
    assert!(welcome["queue"].as_array().unwrap().is_empty());
    ws.send(json!({"type": "watch", "chat_id": chat, "after_seq": 0}))
        .await;
    assert_eq!(ws.next().await["code"], "not_found");
    ws.send(send_frame(&chat, "x", "hello")).await;
    assert_eq!(ws.next_answer().await["code"], "not_found");
}

#[tokio::test]
async fn a_patron_sees_only_their_own_chat() {
    let app = TestApp::spawn().await;
    let (mine, my_token) = app.start_chat("mine").await;
    let (theirs, _) = app.start_chat("theirs").await;
    let (status, _) = app
        .get(
            &format!("/api/chats/{theirs}/messages"),
            None,
            Some(&my_token),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get(
            &format!("/api/chats/{mine}/messages"),
            None,
            Some(&my_token),
        )
        .await;
    assert_eq!(status, 200);
    // Staff-only endpoints do not accept a guest token.
    let (status, _) = app
        .get(&format!("/api/chats/{mine}"), None, Some(&my_token))
        .await;
    assert_eq!(status, 401);
    let mut ws = app.patron_ws(&my_token, &[]).await;
    ws.send(json!({"type": "watch", "chat_id": theirs, "after_seq": 0}))
        .await;
    assert_eq!(ws.next().await["code"], "not_found");
    ws.send(send_frame(&theirs, "x", "sneaky")).await;
    assert_eq!(ws.next_answer().await["code"], "not_found");
    // One open chat per guest.
    let (status, body) = app
        .http
        .post(format!("{}/api/chats", app.url))
        .bearer_auth(&my_token)
        .json(&json!({"widget_id": app.widget_id, "question": "again"}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(status, 409);
    assert_eq!(
        body.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "open_chat_exists"
    );
}

#[tokio::test]
async fn foreign_origins_are_refused() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, _) = app.start_chat("csrf").await;
    let forged = app
        .http
        .post(format!("{}/api/chats/{chat}/claim", app.url))
        .header("cookie", &alice.cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let body: serde_json::Value = forged.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_origin");
    let (_, preview) = app
        .get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(
        preview["status"], "waiting",
        "the forged claim changed nothing"
    );
    // Same-origin requests pass.
    let own = app
        .http
        .post(format!("{}/api/chats/{chat}/claim", app.url))
        .header("cookie", &alice.cookie)
        .header("origin", &app.url)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    // Cross-site WebSocket hijacking: the handshake from a foreign origin is refused.
    let mut req = format!("ws://{}/ws", app.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("cookie", alice.cookie.parse().unwrap());
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(req).await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");
    let mut ok = Ws::connect(app.addr, Some(&alice.cookie)).await;
    ok.send(json!({"type": "hello"})).await;
    assert_eq!(ok.next().await["type"], "welcome");
}

#[tokio::test]
async fn sessions_end_at_logout_and_cookies_are_http_only() {
    let app = TestApp::spawn().await;
    let resp = app
        .http
        .post(format!("{}/api/auth/login", app.url))
        .json(&json!({"email": "alice@riverside.example", "password": refdesk_server::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    assert_eq!(app.get("/api/me", Some(&cookie), None).await.0, 200);
    assert_eq!(
        app.post("/api/auth/logout", Some(&cookie), json!({}))
            .await
            .0,
        204
    );
    assert_eq!(app.get("/api/me", Some(&cookie), None).await.0, 401);
}
