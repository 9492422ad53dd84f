//! Changing one's password (issue 13, item 4, session hardening): the current password is
//! checked, the new one must be long and hard to guess, and every session of the account ends,
//! sockets and all, on every device; the browser that changed it gets a new session.

use crate::app::TestApp;
use serde_json::{Value, json};

const NEW: &str = "quiet harbour lantern 42";

async fn change(
    app: &TestApp,
    cookie: &str,
    current: &str,
    new: &str,
) -> (u16, Value, Option<String>) {
    let resp = app
        .http
        .post(format!("{}/api/auth/password", app.url))
        .header("cookie", cookie)
        .json(&json!({"current_password": current, "new_password": new}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    (status, resp.json().await.unwrap_or(Value::Null), cookie)
}

#[tokio::test]
async fn a_password_change_ends_every_session_and_starts_a_new_one() {
    let app = TestApp::spawn().await;
    let desk = app.login("alice@riverside").await;
    let laptop = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (mut laptop_ws, _) = app.staff_ws(&laptop).await;
    let demo = refdesk_server::demo::DEMO_PASSWORD;

    // Refused, and nothing changes: a wrong current password, a weak or short new one.
    let (status, body, cookie) = change(&app, &desk.cookie, "not my password", NEW).await;
    assert_eq!(
        (status, &body["error"]["code"], cookie),
        (403, &json!("wrong_password"), None)
    );
    for weak in [
        "password123",
        "qwertyuiop",
        "alice-archer-riverside",
        "short",
    ] {
        let (status, body, _) = change(&app, &desk.cookie, demo, weak).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (400, &json!("invalid_body")),
            "{weak}: {body}"
        );
    }
    let (_, body, _) = change(&app, &desk.cookie, demo, "password123").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("too easy to guess"),
        "{body}"
    );
    assert_eq!(app.get("/api/me", Some(&laptop.cookie), None).await.0, 200);
    let unknown_field = app
        .post(
            "/api/auth/password",
            Some(&desk.cookie),
            json!({"current_password": demo, "new_password": NEW, "also": 1}),
        )
        .await;
    assert_eq!(unknown_field.0, 400);

    // Changed: both of Alice's sessions end, the laptop's socket closes; Bob is untouched.
    let (status, body, cookie) = change(&app, &desk.cookie, demo, NEW).await;
    assert_eq!(status, 200, "{body}");
    let fresh = cookie.expect("a new session cookie");
    assert_ne!(fresh, desk.cookie, "a new session id");
    let (frames, code) = laptop_ws.closed().await;
    assert_eq!(code, Some(1008));
    assert!(
        frames.iter().any(|f| f["code"] == "session_ended"),
        "{frames:?}"
    );
    for old in [&desk.cookie, &laptop.cookie] {
        assert_eq!(app.get("/api/me", Some(old), None).await.0, 401);
    }
    let (status, me) = app.get("/api/me", Some(&fresh), None).await;
    assert_eq!((status, &me["user"]["id"]), (200, &json!(desk.id)));
    assert_eq!(app.get("/api/me", Some(&bob.cookie), None).await.0, 200);

    // The old password no longer signs in; the new one does.
    let login = |password: &'static str| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/api/auth/login", app.url))
                .json(&json!({"email": "alice@riverside.example", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(login(demo).await, 401);
    assert_eq!(login(NEW).await, 200);
}

#[tokio::test]
async fn new_accounts_get_passwords_that_are_hard_to_guess() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let riverside = crate::faqs::institution_of(&app, "riverside").await;
    let path = format!("/api/institutions/{riverside}/staff");
    let account = |password: &str| {
        json!({"email": "dana@riverside.example", "name": "Dana Dunn", "role": "operator",
               "password": password})
    };
    for weak in ["letmein123", "dana.dunn.riverside", "1234567890"] {
        let (status, body) = app.post(&path, Some(&rita.cookie), account(weak)).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (400, &json!("invalid_body")),
            "{weak}: {body}"
        );
    }
    let (status, body) = app.post(&path, Some(&rita.cookie), account(NEW)).await;
    assert_eq!(status, 201, "{body}");
}
