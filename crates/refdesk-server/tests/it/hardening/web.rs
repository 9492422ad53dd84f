//! Findings 4, 8, 9 and 10: what stays on a device, headers and framing, loose input, who
//! answered a closed chat, the root path.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::{Value, json};

#[tokio::test]
async fn finding_8_headers_and_private_files() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let resp = app
        .http
        .get(format!("{}/api/me", app.url))
        .header("cookie", &alice.cookie)
        .send()
        .await
        .unwrap();
    let h = resp.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    let page = app
        .http
        .get(format!("{}/dashboard/", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers().contains_key("referrer-policy"));
    #[cfg(unix)]
    if !app.state.settings().database_url().starts_with("postgres") {
        use std::os::unix::fs::PermissionsExt;
        let db = app.state.settings().database_url();
        let path = db.strip_prefix("sqlite:").unwrap();
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{path}");
    }
}

#[tokio::test]
async fn finding_4_guest_tokens_expire() {
    let app = TestApp::spawn().await;
    let (chat, token) = app.start_chat("q").await;
    let path = format!("/api/chats/{chat}/messages");
    assert_eq!(app.get(&path, None, Some(&token)).await.0, 200);
    app.clock.advance(time::Duration::hours(25));
    let (status, body) = app.get(&path, None, Some(&token)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let mut ws = crate::ws::Ws::connect(app.addr, None).await;
    ws.send(json!({"type": "hello", "guest_token": token}))
        .await;
    let refused = ws.next().await;
    assert_eq!(
        (refused["code"].as_str(), refused["frame"].as_str()),
        (Some("unauthenticated"), Some("hello"))
    );
    // A new chat from the same chat box makes a new guest (with a fresh token).
    let (status, started) = app
        .post(
            "/api/chats",
            None,
            json!({"widget_id": app.widget_id, "question": "again"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_ne!(started["guest_token"], token.as_str());
}

#[tokio::test]
async fn finding_8_a_widget_without_origins_is_embeddable_only_by_refdesk() {
    let app = TestApp::spawn().await;
    let page = app
        .http
        .get(format!("{}/chat/{}", app.url, app.widget_id))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'self';"), "{csp}");
    assert!(!csp.contains('*'), "{csp}");
}

#[tokio::test]
async fn finding_8_with_a_public_url_the_host_header_is_not_trusted() {
    let app =
        TestApp::spawn_with(|s| s.public_url = "https://chat.riverside.example/refdesk/".into())
            .await;
    let alice = app.login("alice@riverside").await;
    let (chat, _) = app.start_chat("q").await;
    // An attacker's page on a host that points at refdesk: Origin and Host agree, but neither
    // is the public address.
    let claim = |origin: &str| {
        app.http
            .post(format!("{}/api/chats/{chat}/claim", app.url))
            .header("cookie", &alice.cookie)
            .header("origin", origin)
            .send()
    };
    let forged = claim(&app.url).await.unwrap();
    assert_eq!(forged.status(), 403);
    let body: Value = forged.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_origin");
    let own = claim("https://chat.riverside.example").await.unwrap();
    assert_eq!(own.status(), 200);
}

#[tokio::test]
async fn finding_9_loose_input_is_refused() {
    let app = TestApp::spawn().await;
    for (form, why) in [
        (
            json!({"widget_id": app.widget_id, "question": "q", "referrer": "javascript:alert(1)"}),
            "referrer",
        ),
        (
            json!({"widget_id": app.widget_id, "question": "q", "name": "Pat\u{202E}nimda"}),
            "name",
        ),
    ] {
        let (status, body) = app.post("/api/chats", None, form).await;
        assert_eq!(status, 400, "{why}: {body}");
        assert_eq!(body["error"]["code"], "invalid_body");
    }
    let array = app
        .http
        .post(format!("{}/api/chats", app.url))
        .header("content-type", "application/json")
        .body(format!("[\"{}\", null, null, \"q\", null]", app.widget_id))
        .send()
        .await
        .unwrap();
    assert_eq!(array.status(), 400);
}

#[tokio::test]
async fn finding_9_a_closed_chat_keeps_who_answered_it_and_takes_only_notes() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("q").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let (status, closed) = app
        .post(
            &format!("/api/chats/{chat}/close"),
            Some(&alice.cookie),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert!(closed["operator"].is_null(), "nobody holds it now");
    assert_eq!(closed["answered_by"]["name"], "Alice Archer", "{closed}");
    let (_, list) = app
        .get("/api/chats?status=closed", Some(&alice.cookie), None)
        .await;
    assert_eq!(list["chats"][0]["answered_by"]["id"], alice.id.as_str());
    // The decision for ended chats (docs/API.md): staff may still add internal notes (a
    // follow-up for colleagues); messages to the patron, from either side, are refused.
    let (mut staff, _) = app.staff_ws(&alice).await;
    staff
        .send(
            json!({"type": "send", "chat_id": chat, "client_msg_id": "n1",
                     "body": "Patron wanted the 1911 directory; sent a link.",
                     "kind": "internal_note"}),
        )
        .await;
    assert_eq!(staff.next_answer().await["type"], "ack");
    staff.send(send_frame(&chat, "m1", "one more thing")).await;
    assert_eq!(staff.next_answer().await["code"], "chat_ended");
    let mut patron = app.patron_ws(&token, &[]).await;
    patron.send(send_frame(&chat, "p1", "hello?")).await;
    assert_eq!(patron.next_answer().await["code"], "chat_ended");
}

#[tokio::test]
async fn finding_10_the_root_sends_newcomers_to_the_dashboard() {
    let app = TestApp::spawn().await;
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", app.url))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_redirection());
    assert_eq!(resp.headers()["location"], "/dashboard/");
}
