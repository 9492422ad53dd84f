//! Ratings (issue 11, item 6): the patron rates their chat once it has ended, once, when its
//! chat box asks; staff who see the chat read it.

use crate::app::TestApp;
use serde_json::json;

async fn rate(
    app: &TestApp,
    chat: &str,
    token: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let resp = app
        .http
        .post(format!("{}/api/chats/{chat}/rating", app.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let answer: serde_json::Value = resp.json().await.unwrap_or_default();
    crate::ws::assert_no_leak(&answer.to_string());
    (status, answer)
}

#[tokio::test]
async fn a_patron_rates_an_ended_chat_once() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let (chat, token) = app.start_chat("Where is the tax form?").await;
    let (_, other) = app.start_chat("Another patron").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    // Not while it is open.
    let (status, body) = rate(&app, &chat, &token, json!({"stars": 5})).await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("chat_open")));
    let end = format!("/api/chats/{chat}/end");
    let resp = app
        .http
        .post(format!("{}{end}", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Bad values and another patron change nothing.
    for bad in [
        json!({"stars": 0}),
        json!({"stars": 6}),
        json!({"stars": 3, "comment": "x".repeat(1001)}),
        json!({"stars": 3, "extra": 1}),
    ] {
        assert_eq!(rate(&app, &chat, &token, bad.clone()).await.0, 400, "{bad}");
    }
    assert_eq!(rate(&app, &chat, &other, json!({"stars": 1})).await.0, 404);
    let (status, r) = rate(
        &app,
        &chat,
        &token,
        json!({"stars": 5, "comment": " Found it, thanks! "}),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(
        (r["stars"].as_u64(), r["comment"].as_str()),
        (Some(5), Some("Found it, thanks!"))
    );
    assert_eq!(
        rate(&app, &chat, &token, json!({"stars": 1})).await.1["error"]["code"],
        "already_rated"
    );
    // Staff who see the chat read it; others do not.
    let path = format!("/api/chats/{chat}/rating");
    let (status, seen) = app.get(&path, Some(&alice.cookie), None).await;
    assert_eq!((status, seen["stars"].as_u64()), (200, Some(5)));
    assert_eq!(app.get(&path, Some(&carol.cookie), None).await.0, 404);

    // A chat box that does not ask for ratings takes none.
    let store = app.state.store();
    let mut w = store.widget(app.widget_id.parse().unwrap()).await.unwrap();
    w.settings.ask_rating = false;
    store.update_widget(&w).await.unwrap();
    let (status, config) = app
        .get(&format!("/api/widgets/{}", app.widget_id), None, None)
        .await;
    assert_eq!((status, &config["ask_rating"]), (200, &json!(false)));
    let (second, token2) = app.start_chat("One more").await;
    let end2 = format!("{}/api/chats/{second}/end", app.url);
    app.http
        .post(end2)
        .bearer_auth(&token2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        rate(&app, &second, &token2, json!({"stars": 4})).await.0,
        404
    );
}
