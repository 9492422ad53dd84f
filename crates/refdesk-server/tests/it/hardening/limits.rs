//! Findings 2 and 3: sign-in and chat-start floods, and staff lists that page.

use super::client_from;
use crate::app::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn finding_2_sign_in_attempts_are_limited_per_account() {
    let app = TestApp::spawn_with(|s| s.login_attempts_per_account_per_minute = 5).await;
    let wrong = json!({"email": "bob@riverside.example", "password": "nope"});
    for _ in 0..5 {
        let (status, _) = app.post("/api/auth/login", None, wrong.clone()).await;
        assert_eq!(status, 401);
    }
    let resp = app
        .http
        .post(format!("{}/api/auth/login", app.url))
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Another account still signs in.
    app.login("alice@riverside").await;
}

#[tokio::test]
async fn finding_3_chat_starts_are_limited_per_address() {
    let app = TestApp::spawn_with(|s| s.chat_starts_per_address_per_minute = 3).await;
    let form = json!({"widget_id": app.widget_id, "question": "spam"});
    let mut refused = 0;
    for _ in 0..6 {
        let (status, body) = app.post("/api/chats", None, form.clone()).await;
        match status {
            201 => {}
            429 => {
                refused += 1;
                assert_eq!(body["error"]["code"], "rate_limited");
            }
            other => panic!("{other} {body}"),
        }
    }
    assert_eq!(refused, 3);
    // A patron at another address still starts a chat.
    let other = client_from([127, 0, 0, 2]);
    let resp = other
        .post(format!("{}/api/chats", app.url))
        .json(&json!({"widget_id": app.widget_id, "question": "a real question"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
}

#[tokio::test]
async fn finding_3_staff_lists_page_instead_of_truncating() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let mut started = Vec::new();
    for i in 0..5 {
        started.push(app.start_chat(&format!("q{i}")).await.0);
    }
    let mut seen = Vec::new();
    let mut path = "/api/chats?limit=2".to_owned();
    loop {
        let (status, body) = app.get(&path, Some(&alice.cookie), None).await;
        assert_eq!(status, 200, "{body}");
        for c in body["chats"].as_array().unwrap() {
            seen.push(c["id"].as_str().unwrap().to_owned());
        }
        match body["next"].as_str() {
            Some(next) => path = format!("/api/chats?limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, started);
    let (status, body) = app
        .get("/api/chats?limit=0", Some(&alice.cookie), None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
}
