//! Outbound chats (issue 10, item 5): a librarian starts a chat with a patron seen today whose
//! chat box is still open; the chat box opens it; it is a chat like any other, and in
//! particular it can be transferred (LibraryH3lp's other bug), tagged and closed.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::json;

#[tokio::test]
async fn a_librarian_starts_an_outbound_chat_that_is_transferred_tagged_and_closed() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let (_a_ws, _) = app.staff_ws(&alice).await;
    let (_b_ws, _) = app.staff_ws(&bob).await;
    let (first, token) = app.start_chat("Is the library open on Sunday?").await;
    let mut patron = app.patron_ws(&token, &[(first.as_str(), 0)]).await;
    assert_eq!(app.claim(&alice, &first).await.0, 200);
    let close = format!("/api/chats/{first}/close");
    assert_eq!(
        app.post(&close, Some(&alice.cookie), json!({})).await.0,
        200
    );

    // Another library's librarian may not; Alice may, while the chat box is open.
    let path = format!("/api/chats/{first}/outbound");
    assert_eq!(app.post(&path, Some(&carol.cookie), json!({})).await.0, 404);
    let (status, chat) = app.post(&path, Some(&alice.cookie), json!({})).await;
    assert_eq!(status, 201, "{chat}");
    assert_eq!(chat["status"], "active");
    assert_eq!(chat["operator"]["name"], "Alice Archer");
    let id = chat["id"].as_str().unwrap().to_owned();
    // One open chat per patron: a second outbound chat is refused.
    let (status, body) = app.post(&path, Some(&alice.cookie), json!({})).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("open_chat_exists"))
    );
    // Riverside allows one chat at a time: Alice, holding this one, may start no other.
    let rita = app.login("rita@riverside").await;
    let riverside = app
        .state
        .store()
        .widget(app.widget_id.parse().unwrap())
        .await
        .unwrap()
        .institution_id;
    let policy_path = format!("/api/institutions/{riverside}/policy");
    let (_, mut policy) = app.get(&policy_path, Some(&rita.cookie), None).await;
    policy["max_chats_per_operator"] = json!(1);
    assert_eq!(
        app.put(&policy_path, Some(&rita.cookie), policy).await.0,
        200
    );
    let (status, body) = app.post(&path, Some(&alice.cookie), json!({})).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("too_many_chats"))
    );

    // The chat box hears of it on its open socket, and follows it.
    let status_frame = loop {
        let f = patron.next().await;
        if f["type"] == "chat_status" && f["chat"]["id"] == id.as_str() {
            break f;
        }
    };
    assert_eq!(status_frame["chat"]["status"], "active");
    patron
        .send(json!({"type": "watch", "chat_id": id, "after_seq": 0}))
        .await;
    let (mut a_ws, _) = app.staff_ws(&alice).await;
    a_ws.send(json!({"type": "watch", "chat_id": id})).await;
    a_ws.send(send_frame(
        &id,
        "o1",
        "Hello again! I found the Sunday hours for you.",
    ))
    .await;
    assert_eq!(a_ws.next_answer().await["type"], "ack");
    loop {
        let m = patron.next_message().await;
        if m["body"] == "Hello again! I found the Sunday hours for you." {
            break;
        }
    }
    patron.send(send_frame(&id, "p1", "Thanks!")).await;
    assert_eq!(patron.next_answer().await["type"], "ack");

    // Today's chats with this patron list both.
    let (_, today) = app
        .get(&format!("/api/chats/{id}/today"), Some(&alice.cookie), None)
        .await;
    assert_eq!(today["chats"].as_array().unwrap().len(), 2, "{today}");

    // It is transferred like any other chat (LibraryH3lp cannot), tagged, and closed.
    let (status, t) = app
        .post(
            &format!("/api/chats/{id}/transfers"),
            Some(&alice.cookie),
            json!({"target": {"kind": "operator", "id": bob.id}}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    let accept = format!("/api/transfers/{}/accept", t["id"].as_str().unwrap());
    assert_eq!(app.post(&accept, Some(&bob.cookie), json!({})).await.0, 200);
    let tags = format!("/api/chats/{id}/tags");
    assert_eq!(
        app.post(&tags, Some(&bob.cookie), json!({"tag": "hours"}))
            .await
            .0,
        200
    );
    let close = format!("/api/chats/{id}/close");
    let (status, closed) = app.post(&close, Some(&bob.cookie), json!({})).await;
    assert_eq!((status, &closed["status"]), (200, &json!("closed")));

    // Once the chat box is closed (the server has seen its socket end), no outbound chat can
    // reach the patron.
    patron.close().await;
    let hub = app.state.hub().clone();
    let (a, b) = (first.parse().unwrap(), id.parse().unwrap());
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while hub.has_patron(a) || hub.has_patron(b) {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the server notices the chat box closed");
    let (status, body) = app.post(&path, Some(&alice.cookie), json!({})).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("patron_gone")),
        "{body}"
    );
}
