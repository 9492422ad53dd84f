//! Today's chats with a guest (issue 10, item 5, first part): from one chat, the same patron's
//! chats since midnight in the library's time zone, for staff who may see them.

use crate::app::TestApp;
use serde_json::json;

#[tokio::test]
async fn todays_chats_of_the_same_guest_are_listed_for_staff_who_may_see_them() {
    let app = TestApp::spawn().await;
    let (first, token) = app.start_chat("The first question").await;
    let (status, _) = app
        .http
        .post(format!("{}/api/chats/{first}/end", app.url))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 200);
    let again = app
        .http
        .post(format!("{}/api/chats", app.url))
        .bearer_auth(&token)
        .json(&json!({"widget_id": app.widget_id, "name": "Pat", "question": "One more thing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    let second = again.json::<serde_json::Value>().await.unwrap()["chat"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_someone_else, _) = app.start_chat("Another patron").await;

    let alice = app.login("alice@riverside").await;
    let path = format!("/api/chats/{second}/today");
    let (status, today) = app.get(&path, Some(&alice.cookie), None).await;
    assert_eq!(status, 200, "{today}");
    let ids: Vec<&str> = today["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [first.as_str(), second.as_str()],
        "this guest's, oldest first"
    );
    assert_eq!(today["chats"][0]["status"], "abandoned");
    // Another library's operator, and the patron: not theirs.
    let carol = app.login("carol@hillcrest").await;
    assert_eq!(app.get(&path, Some(&carol.cookie), None).await.0, 404);
    assert_eq!(app.get(&path, None, Some(&token)).await.0, 401);
}
