//! Tags on chats (issue 10, item 4): staff who may see a chat put tags on it and take them off
//! at any time, the staff following it hear of it live, type-ahead offers the library's tags,
//! and patrons never see them.

use crate::app::TestApp;
use serde_json::{Value, json};

fn names(list: &Value) -> Vec<&str> {
    list["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn staff_tag_a_chat_live_and_patrons_never_see_tags() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (chat, token) = app.start_chat("A citation question").await;
    let tags = format!("/api/chats/{chat}/tags");
    // Bob follows the chat (previewing it): he hears of tags live.
    let (mut bob_ws, _) = app.staff_ws(&bob).await;
    bob_ws
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 0}))
        .await;
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.until("message").await;

    let (status, list) = app
        .post(
            &tags,
            Some(&alice.cookie),
            json!({"tag": "  Citation   Help "}),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(names(&list), ["citation help"]);
    assert_eq!(list["tags"][0]["added_by"]["name"], "Alice Archer");
    let (frame, _) = bob_ws.until("chat_tags").await;
    assert_eq!(frame["list"]["tags"][0]["tag"], "citation help");
    // Once is enough; a bad tag is refused and changes nothing.
    app.post(&tags, Some(&alice.cookie), json!({"tag": "citation help"}))
        .await;
    for bad in ["", "a,b", &"x".repeat(41)] {
        let (status, _) = app
            .post(&tags, Some(&bob.cookie), json!({"tag": bad}))
            .await;
        assert_eq!(status, 400, "{bad:?}");
    }
    app.post(&tags, Some(&bob.cookie), json!({"tag": "ILL"}))
        .await;
    let (_, both) = app.get(&tags, Some(&bob.cookie), None).await;
    assert_eq!(names(&both), ["citation help", "ill"]);

    // Type-ahead from the library's tags.
    let (_, offered) = app
        .get("/api/tags?prefix=CI", Some(&bob.cookie), None)
        .await;
    assert_eq!(offered["tags"], json!(["citation help"]));

    // Off again.
    let (status, after) = app
        .delete(&format!("{tags}/ill"), Some(&alice.cookie))
        .await;
    assert_eq!((status, names(&after)), (200, vec!["citation help"]));

    // Another library's operator, and the patron: not theirs.
    let carol = app.login("carol@hillcrest").await;
    assert_eq!(app.get(&tags, Some(&carol.cookie), None).await.0, 404);
    let (_, carols) = app.get("/api/tags", Some(&carol.cookie), None).await;
    assert_eq!(
        carols["tags"],
        json!([]),
        "Hillcrest has no tags of its own"
    );
    assert_eq!(app.get(&tags, None, Some(&token)).await.0, 401);
    let (_, history) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    assert!(!history.to_string().contains("citation help"), "{history}");
    // The patron's socket heard nothing of tags: the next frame it gets is Alice's message.
    app.claim(&alice, &chat).await;
    loop {
        let f = patron.next().await;
        assert_ne!(f["type"], "chat_tags", "{f}");
        if f["type"] == "chat_status" {
            break;
        }
    }
}
