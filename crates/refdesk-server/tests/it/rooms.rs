//! Staff rooms (issue 10, item 3): an institution's room for its staff, a co-op's room for those
//! who may monitor it, and rooms someone makes and invites colleagues to; each announced to the
//! dashboards of those it admits, and closed to everyone else.

use crate::app::{StaffClient, TestApp};
use crate::ws::Ws;
use serde_json::{Value, json};

async fn room(app: &TestApp, who: &StaffClient, body: Value) -> (u16, Value) {
    app.post("/api/rooms", Some(&who.cookie), body).await
}

/// The `conversation` frame announcing `id` on `ws`.
async fn announced(ws: &mut Ws, id: &str) -> Value {
    loop {
        let (f, _) = ws.until("conversation").await;
        if f["conversation"]["id"] == id {
            return f["conversation"].clone();
        }
    }
}

/// The next conversation message on `ws`.
async fn said(ws: &mut Ws) -> String {
    let (f, _) = ws.until("conversation_message").await;
    f["message"]["body"].as_str().unwrap().to_owned()
}

async fn refused_watch(ws: &mut Ws, id: &str) {
    ws.send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
        .await;
    let (f, before) = ws.until("error").await;
    assert_eq!(f["code"], "not_found", "{f}");
    assert!(
        before.iter().all(|b| !b.to_string().contains(id)),
        "{before:?}"
    );
}

#[tokio::test]
async fn an_institutions_room_is_its_staffs_and_a_coops_room_its_monitors() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let dave = app.login("dave@lakeside").await;
    let (mut a_ws, welcome) = app.staff_ws(&alice).await;
    let riverside = welcome["identity"]["user"]["institution_id"].clone();
    let (mut b_ws, _) = app.staff_ws(&bob).await;
    let (mut c_ws, _) = app.staff_ws(&carol).await;
    let (mut d_ws, _) = app.staff_ws(&dave).await;

    // Riverside's room: opened by Alice, announced to Bob; Carol may neither open nor follow it.
    let (status, r) = room(&app, &alice, json!({"institution_id": riverside})).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (r["kind"].as_str(), r["name"].as_str()),
        (Some("institution"), Some("Riverside Public Library"))
    );
    let id = r["id"].as_str().unwrap().to_owned();
    assert_eq!(
        room(&app, &bob, json!({"institution_id": riverside}))
            .await
            .1["id"],
        id.as_str(),
        "one room"
    );
    announced(&mut b_ws, &id).await;
    assert_eq!(
        room(&app, &carol, json!({"institution_id": riverside}))
            .await
            .0,
        404
    );
    refused_watch(&mut c_ws, &id).await;
    for ws in [&mut a_ws, &mut b_ws] {
        ws.send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
            .await;
    }
    a_ws.send(json!({"type": "send", "conversation_id": id, "client_msg_id": "r1", "body": "Who is on the desk at noon?"}))
        .await;
    assert_eq!(a_ws.next_answer().await["type"], "ack");
    assert!(
        said(&mut b_ws)
            .await
            .starts_with("Who is on the desk at noon?")
    );

    // The co-op's room: every demo librarian may monitor the co-op, so all of them are in it.
    let coop = app.demo_coop().await.to_string();
    let (status, c) = room(&app, &carol, json!({"coop_id": coop})).await;
    assert_eq!(status, 200, "{c}");
    let coop_room = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["name"], "Three Rivers Library Co-op");
    announced(&mut d_ws, &coop_room).await;
    announced(&mut a_ws, &coop_room).await;
    d_ws.send(json!({"type": "watch", "conversation_id": coop_room, "after_seq": 0}))
        .await;
    c_ws.send(json!({"type": "send", "conversation_id": coop_room, "client_msg_id": "c1", "body": "Hillcrest is short-staffed tonight."}))
        .await;
    assert_eq!(c_ws.next_answer().await["type"], "ack");
    assert!(
        said(&mut d_ws)
            .await
            .starts_with("Hillcrest is short-staffed tonight.")
    );
    let (_, list) = app
        .get("/api/conversations", Some(&dave.cookie), None)
        .await;
    let kinds: Vec<&str> = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["coop"],
        "Dave is in the co-op's room, not Riverside's: {list}"
    );

    // Bad bodies change nothing.
    for bad in [
        json!({}),
        json!({"coop_id": coop, "institution_id": riverside}),
        json!({"coop_id": coop, "name": "x"}),
        json!({"name": "  "}),
        json!({"name": "x".repeat(81)}),
        json!({"institution_id": riverside, "members": [bob.id]}),
    ] {
        let (status, body) = room(&app, &alice, bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
    }
}

#[tokio::test]
async fn a_made_room_admits_whom_its_members_invite() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let rita = app.login("rita@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let (mut b_ws, _) = app.staff_ws(&bob).await;
    let (mut r_ws, _) = app.staff_ws(&rita).await;
    let (status, r) = room(
        &app,
        &alice,
        json!({"name": "Maps team", "members": [bob.id]}),
    )
    .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["kind"], "room");
    assert_eq!(r["members"].as_array().unwrap().len(), 2);
    let id = r["id"].as_str().unwrap().to_owned();
    announced(&mut b_ws, &id).await;
    refused_watch(&mut r_ws, &id).await;
    // Not a colleague (Carol is not monitoring the co-op): not invited, not even at making.
    let members = format!("/api/conversations/{id}/members");
    assert_eq!(
        app.post(&members, Some(&bob.cookie), json!({"user": carol.id}))
            .await
            .0,
        404
    );
    assert_eq!(
        room(&app, &alice, json!({"name": "Nope", "members": [carol.id]}))
            .await
            .0,
        404
    );
    // Only a member invites; Bob invites Rita, whose dashboard hears of it.
    assert_eq!(
        app.post(&members, Some(&rita.cookie), json!({"user": rita.id}))
            .await
            .0,
        404
    );
    let (status, grown) = app
        .post(&members, Some(&bob.cookie), json!({"user": rita.id}))
        .await;
    assert_eq!(status, 200, "{grown}");
    assert_eq!(grown["members"].as_array().unwrap().len(), 3);
    announced(&mut r_ws, &id).await;
    r_ws.send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
        .await;
    b_ws.send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
        .await;
    b_ws.send(json!({"type": "send", "conversation_id": id, "client_msg_id": "b1", "body": "Welcome, Rita."}))
        .await;
    assert_eq!(b_ws.next_answer().await["type"], "ack");
    assert!(said(&mut r_ws).await.starts_with("Welcome, Rita."));
    // A direct conversation takes no invitations.
    let (_, direct) = app
        .post(
            "/api/conversations",
            Some(&alice.cookie),
            json!({"with": bob.id}),
        )
        .await;
    let direct_members = format!(
        "/api/conversations/{}/members",
        direct["id"].as_str().unwrap()
    );
    let (status, body) = app
        .post(
            &direct_members,
            Some(&alice.cookie),
            json!({"user": rita.id}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("not_invitable"))
    );
}
