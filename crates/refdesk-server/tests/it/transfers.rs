//! Transfers (issue 10) over real sockets: to a librarian, a department and the co-op; the
//! receiver's alert and preview; one winner of racing accepts; expiry back to the sender;
//! decline and cancel; the sender staying until they leave; and LibraryH3lp's bug (a message
//! from the sender while a transfer is pending leaves it pending).

use crate::app::{StaffClient, TestApp};
use crate::ws::{STAFF_ONLY, Ws, send_frame};
use serde_json::{Value, json};
use time::Duration;

/// A Riverside chat claimed by Alice, with the patron's socket: (chat id, patron socket).
async fn claimed_by(app: &TestApp, staff: &StaffClient) -> (String, Ws) {
    let (chat, token) = app.start_chat("Do you have the 1911 city directory?").await;
    let patron = app.patron_ws(&token, &[(chat.as_str(), 0)]).await;
    let (status, body) = app.claim(staff, &chat).await;
    assert_eq!(status, 200, "{body}");
    (chat, patron)
}

/// The next `transfer` frame on `ws`.
async fn transfer_frame(ws: &mut Ws) -> Value {
    ws.until("transfer").await.0["transfer"].clone()
}

/// A patron frame's message text, skipping state frames, until one holds `needle`.
async fn patron_reads(ws: &mut Ws, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let m = ws.next_message().await;
        let body = m["body"].as_str().unwrap().to_owned();
        let done = body.contains(needle);
        seen.push(body);
        if done {
            return seen;
        }
    }
}

async fn offer(app: &TestApp, from: &StaffClient, chat: &str, target: Value) -> (u16, Value) {
    app.post(
        &format!("/api/chats/{chat}/transfers"),
        Some(&from.cookie),
        json!({"target": target, "note": format!("Local history, 1911 directory {STAFF_ONLY}")}),
    )
    .await
}

async fn act(app: &TestApp, who: &StaffClient, transfer: &str, action: &str) -> (u16, Value) {
    app.post(
        &format!("/api/transfers/{transfer}/{action}"),
        Some(&who.cookie),
        json!({}),
    )
    .await
}

#[tokio::test]
async fn a_chat_goes_to_a_colleague_who_previews_and_accepts_and_the_sender_leaves() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (
        app.login("alice@riverside").await,
        app.login("bob@riverside").await,
    );
    let (mut a_ws, _) = app.staff_ws(&alice).await;
    let (mut b_ws, _) = app.staff_ws(&bob).await;
    let (chat, mut patron) = claimed_by(&app, &alice).await;
    a_ws.send(json!({"type": "watch", "chat_id": chat})).await;

    // Only who is online is offered, with how busy they are: Bob, not Alice herself.
    let (status, targets) = app
        .get(
            &format!("/api/chats/{chat}/transfer-targets"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{targets}");
    let names: Vec<&str> = targets["operators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bob Binder"], "{targets}");
    assert_eq!(targets["operators"][0]["chats"], 0);

    let (status, t) = offer(
        &app,
        &alice,
        &chat,
        json!({"kind": "operator", "id": bob.id}),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["state"], "offered");
    let id = t["id"].as_str().unwrap().to_owned();

    // Bob's dashboard gets the alert with the sender, the note and the patron's question.
    let alert = transfer_frame(&mut b_ws).await;
    assert_eq!(alert["id"], id.as_str());
    assert_eq!(alert["from"]["name"], "Alice Archer");
    assert_eq!(alert["for_me"], true);
    assert!(alert["note"].as_str().unwrap().contains("1911 directory"));
    assert_eq!(alert["question"], "Do you have the 1911 city directory?");
    assert_eq!(transfer_frame(&mut a_ws).await["for_me"], false);

    // Alice keeps talking while it is pending: the transfer stays pending (LibraryH3lp's
    // bug is to re-claim the chat then).
    a_ws.send(send_frame(
        &chat,
        "a1",
        "One moment, a colleague knows this best.",
    ))
    .await;
    assert_eq!(a_ws.next_answer().await["type"], "ack");
    let (_, pending) = app.get("/api/transfers", Some(&bob.cookie), None).await;
    assert_eq!(pending["transfers"][0]["state"], "offered", "{pending}");

    // Bob previews the chat before accepting: its messages, notes included.
    let (status, preview) = app
        .get(&format!("/api/transfers/{id}"), Some(&bob.cookie), None)
        .await;
    assert_eq!(status, 200, "{preview}");
    let bodies: Vec<&str> = preview["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"One moment, a colleague knows this best."));
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("offered this chat to Bob Binder"))
    );

    let (status, done) = act(&app, &bob, &id, "accept").await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["state"], "accepted");
    assert_eq!(done["by"]["name"], "Bob Binder");
    let (_, view) = app
        .get(&format!("/api/chats/{chat}"), Some(&bob.cookie), None)
        .await;
    assert_eq!(view["operator"]["name"], "Bob Binder");

    // The patron sees Bob join (first names only) and no note.
    let seen = patron_reads(&mut patron, "Bob joined").await;
    assert!(seen.iter().all(|b| !b.contains("offered")), "{seen:?}");

    // Both are in the chat and both write to the patron; the patron sees both.
    b_ws.send(json!({"type": "watch", "chat_id": chat})).await;
    b_ws.send(send_frame(
        &chat,
        "b1",
        "Hi, I can help with the directory.",
    ))
    .await;
    assert_eq!(b_ws.next_answer().await["type"], "ack");
    a_ws.send(send_frame(&chat, "a2", "Bob has it from here."))
        .await;
    assert_eq!(a_ws.next_answer().await["type"], "ack");
    patron_reads(&mut patron, "Bob has it from here.").await;

    // Alice leaves: the patron sees it, and she may no longer write.
    let (status, left) = app
        .post(
            &format!("/api/chats/{chat}/leave"),
            Some(&alice.cookie),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{left}");
    patron_reads(&mut patron, "Alice left the chat.").await;
    a_ws.send(send_frame(&chat, "a3", "still here?")).await;
    assert_eq!(a_ws.next_answer().await["type"], "error");
    // The holder cannot "leave"; they close or transfer.
    let (status, body) = app
        .post(
            &format!("/api/chats/{chat}/leave"),
            Some(&bob.cookie),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (403, &json!("not_assigned"))
    );
    patron.send(send_frame(&chat, "p1", "Thanks Bob!")).await;
    b_ws.send(json!({"type": "watch", "chat_id": chat})).await;
    loop {
        let m = b_ws.next().await;
        if m["type"] == "message" && m["message"]["body"] == "Thanks Bob!" {
            break;
        }
    }
}

#[tokio::test]
async fn racing_accepts_of_a_department_transfer_have_one_winner() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let rita = app.login("rita@riverside").await;
    let (_a_ws, _) = app.staff_ws(&alice).await;
    let (mut b_ws, _) = app.staff_ws(&bob).await;
    let (mut r_ws, _) = app.staff_ws(&rita).await;
    let (chat, _patron) = claimed_by(&app, &alice).await;
    let (_, targets) = app
        .get(
            &format!("/api/chats/{chat}/transfer-targets"),
            Some(&alice.cookie),
            None,
        )
        .await;
    let reference = targets["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Reference")
        .unwrap_or_else(|| panic!("Reference is staffed: {targets}"));
    assert_eq!(
        reference["monitors"], 2,
        "Bob and Rita, not Alice: {targets}"
    );
    let (status, t) = offer(
        &app,
        &alice,
        &chat,
        json!({"kind": "department", "id": reference["id"]}),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(transfer_frame(&mut b_ws).await["for_me"], true);
    assert_eq!(transfer_frame(&mut r_ws).await["for_me"], true);
    // Offered to a queue, nobody may decline it for the others.
    assert_eq!(act(&app, &bob, &id, "decline").await.0, 403);
    let (first, second) = tokio::join!(
        act(&app, &bob, &id, "accept"),
        act(&app, &rita, &id, "accept")
    );
    let mut results = [first, second];
    results.sort_by_key(|r| r.0);
    assert_eq!(results[0].0, 200, "{:?}", results);
    assert_eq!(results[1].0, 409, "{:?}", results);
    assert_eq!(results[1].1["error"]["code"], "transfer_ended");
    let winner = results[0].1["by"]["name"].as_str().unwrap().to_owned();
    let (_, view) = app
        .get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(view["operator"]["name"], winner.as_str());
    // Both receivers hear it was taken.
    for ws in [&mut b_ws, &mut r_ws] {
        loop {
            let f = transfer_frame(ws).await;
            if f["state"] == "accepted" {
                assert_eq!(f["for_me"], false);
                break;
            }
        }
    }
}

#[tokio::test]
async fn a_transfer_to_the_coop_is_taken_by_its_first_monitor() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let dave = app.login("dave@lakeside").await;
    let coop = app.demo_coop().await;
    let (_a_ws, _) = app.staff_ws(&alice).await;
    let (mut c_ws, _) = app.staff_ws(&carol).await;
    let (mut d_ws, _) = app.staff_ws(&dave).await;
    for who in [&carol, &dave] {
        let (status, body) = app
            .put(
                "/api/monitoring",
                Some(&who.cookie),
                json!({"coop_id": coop.to_string(), "online": true}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (chat, mut patron) = claimed_by(&app, &alice).await;
    let (_, targets) = app
        .get(
            &format!("/api/chats/{chat}/transfer-targets"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(targets["coops"][0]["monitors"], 2, "{targets}");
    let (status, t) = offer(
        &app,
        &alice,
        &chat,
        json!({"kind": "coop", "id": coop.to_string()}),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(transfer_frame(&mut c_ws).await["for_me"], true);
    assert_eq!(transfer_frame(&mut d_ws).await["for_me"], true);
    // Another library's librarian previews a Riverside chat only through the transfer.
    let (status, preview) = app
        .get(&format!("/api/transfers/{id}"), Some(&carol.cookie), None)
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(
        preview["chat"]["institution"]["name"],
        "Riverside Public Library"
    );
    assert_eq!(act(&app, &carol, &id, "accept").await.0, 200);
    let taken = loop {
        let f = transfer_frame(&mut d_ws).await;
        if f["state"] != "offered" {
            break f;
        }
    };
    assert_eq!(taken["state"], "accepted");
    assert_eq!(taken["by"]["name"], "Carol Catalog");
    assert_eq!(
        act(&app, &dave, &id, "accept").await.1["error"]["code"],
        "transfer_ended"
    );
    // The ended offer opens the chat to him no more (a co-op monitor reads no member's chat
    // through an old transfer).
    assert_eq!(
        app.get(&format!("/api/transfers/{id}"), Some(&dave.cookie), None)
            .await
            .0,
        404
    );
    patron_reads(&mut patron, "Carol joined").await;
    // Carol holds it and answers it.
    c_ws.send(json!({"type": "watch", "chat_id": chat})).await;
    c_ws.send(send_frame(&chat, "c1", "Hello from Hillcrest."))
        .await;
    assert_eq!(c_ws.next_answer().await["type"], "ack");
}

#[tokio::test]
async fn an_unaccepted_transfer_expires_back_to_its_sender() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (mut a_ws, _) = app.staff_ws(&alice).await;
    let (_b_ws, _) = app.staff_ws(&bob).await;
    let (chat, _patron) = claimed_by(&app, &alice).await;
    let (_, t) = offer(
        &app,
        &alice,
        &chat,
        json!({"kind": "operator", "id": bob.id}),
    )
    .await;
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(transfer_frame(&mut a_ws).await["state"], "offered");
    // Not yet due: nothing happens.
    app.clock.advance(Duration::seconds(59));
    app.state.fire_due_timers().await.unwrap();
    let (_, still) = app.get("/api/transfers", Some(&alice.cookie), None).await;
    assert_eq!(still["transfers"][0]["state"], "offered");
    app.clock.advance(Duration::seconds(2));
    app.state.fire_due_timers().await.unwrap();
    let back = transfer_frame(&mut a_ws).await;
    assert_eq!(
        (back["id"].as_str(), back["state"].as_str()),
        (Some(id.as_str()), Some("expired"))
    );
    let (_, view) = app
        .get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(
        view["operator"]["name"], "Alice Archer",
        "the chat stays hers"
    );
    assert_eq!(
        act(&app, &bob, &id, "accept").await.1["error"]["code"],
        "transfer_ended"
    );
    // The step is in the chat's history as a note.
    let (_, history) = app
        .get(
            &format!("/api/chats/{chat}/messages"),
            Some(&alice.cookie),
            None,
        )
        .await;
    let notes: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "internal_note")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Nobody accepted the transfer")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn declined_cancelled_and_refused_transfers_change_nothing_else() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let (_a_ws, _) = app.staff_ws(&alice).await;
    let (_b_ws, _) = app.staff_ws(&bob).await;
    let (chat, _patron) = claimed_by(&app, &alice).await;
    let to_bob = json!({"kind": "operator", "id": bob.id});

    // Bad input: 400, and no transfer.
    for bad in [
        json!({"target": {"kind": "anyone", "id": bob.id}}),
        json!({"target": {"kind": "operator", "id": alice.id}}),
        json!({"target": {"kind": "operator", "id": "not-a-uuid"}}),
        json!({"target": to_bob, "note": "x".repeat(1001)}),
        json!({"target": to_bob, "extra": 1}),
        json!({"target": to_bob, "note": "bell \u{7} character"}),
    ] {
        let (status, body) = app
            .post(
                &format!("/api/chats/{chat}/transfers"),
                Some(&alice.cookie),
                bad.clone(),
            )
            .await;
        assert_eq!(status, 400, "{bad} → {body}");
    }
    // Nobody online there, not the holder, not someone one may see: refused.
    let stranger = json!({"kind": "operator", "id": carol.id});
    assert_eq!(
        offer(&app, &alice, &chat, stranger).await.1["error"]["code"],
        "target_unavailable"
    );
    assert_eq!(
        offer(
            &app,
            &bob,
            &chat,
            json!({"kind": "operator", "id": alice.id})
        )
        .await
        .0,
        403
    );
    assert_eq!(offer(&app, &carol, &chat, to_bob.clone()).await.0, 404);
    let (_, none) = app.get("/api/transfers", Some(&bob.cookie), None).await;
    assert_eq!(none["transfers"], json!([]));

    // Declined by Bob; then offered again and cancelled by Alice (only she may).
    let (_, t) = offer(&app, &alice, &chat, to_bob.clone()).await;
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(
        offer(&app, &alice, &chat, to_bob.clone()).await.1["error"]["code"],
        "transfer_pending"
    );
    assert_eq!(
        act(&app, &carol, &id, "accept").await.0,
        404,
        "not hers to see"
    );
    assert_eq!(act(&app, &alice, &id, "accept").await.0, 403);
    assert_eq!(act(&app, &bob, &id, "decline").await.1["state"], "declined");
    let (_, t) = offer(&app, &alice, &chat, to_bob.clone()).await;
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(act(&app, &bob, &id, "cancel").await.0, 403);
    assert_eq!(
        act(&app, &alice, &id, "cancel").await.1["state"],
        "cancelled"
    );
    let (_, view) = app
        .get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(view["operator"]["name"], "Alice Archer");

    // A chat that ends takes its pending transfer with it.
    let (_, t) = offer(&app, &alice, &chat, to_bob.clone()).await;
    let id = t["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post(
            &format!("/api/chats/{chat}/close"),
            Some(&alice.cookie),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, gone) = app
        .get(&format!("/api/transfers/{id}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(gone["transfer"]["state"], "cancelled", "{gone}");
    assert_eq!(
        act(&app, &bob, &id, "accept").await.1["error"]["code"],
        "transfer_ended"
    );
}

#[tokio::test]
async fn a_receiver_who_reconnects_still_finds_the_transfer_and_accepts_it() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (_a_ws, _) = app.staff_ws(&alice).await;
    let (mut b_ws, _) = app.staff_ws(&bob).await;
    let (chat, mut patron) = claimed_by(&app, &alice).await;
    let (status, t) = offer(
        &app,
        &alice,
        &chat,
        json!({"kind": "operator", "id": bob.id}),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    transfer_frame(&mut b_ws).await;
    // Bob's dashboard drops; the transfer does not care. A new dashboard reads it again.
    b_ws.close().await;
    let (_b2, _) = app.staff_ws(&bob).await;
    let (_, pending) = app.get("/api/transfers", Some(&bob.cookie), None).await;
    assert_eq!(pending["transfers"][0]["id"], t["id"]);
    assert_eq!(pending["transfers"][0]["for_me"], true);
    let accept = format!("/api/transfers/{}/accept", t["id"].as_str().unwrap());
    assert_eq!(
        act(&app, &bob, t["id"].as_str().unwrap(), "accept").await.0,
        200,
        "{accept}"
    );
    patron_reads(&mut patron, "Bob joined").await;
}

#[tokio::test]
async fn accepting_a_transfer_respects_the_receivers_chat_limit() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (_a_ws, _) = app.staff_ws(&alice).await;
    let (_b_ws, _) = app.staff_ws(&bob).await;
    // Riverside lets a librarian hold one chat at a time (its admin says so); Bob holds one.
    let rita = app.login("rita@riverside").await;
    let w = app
        .state
        .store()
        .widget(app.widget_id.parse().unwrap())
        .await
        .unwrap();
    let path = format!("/api/institutions/{}/policy", w.institution_id);
    let (_, mut policy) = app.get(&path, Some(&rita.cookie), None).await;
    policy["max_chats_per_operator"] = json!(1);
    assert_eq!(app.put(&path, Some(&rita.cookie), policy).await.0, 200);
    let (bobs, _p1) = claimed_by(&app, &bob).await;
    let (chat, _p2) = claimed_by(&app, &alice).await;
    let (_, t) = offer(
        &app,
        &alice,
        &chat,
        json!({"kind": "operator", "id": bob.id}),
    )
    .await;
    let id = t["id"].as_str().unwrap().to_owned();
    let (status, body) = act(&app, &bob, &id, "accept").await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("too_many_chats")),
        "{body}"
    );
    // Nothing changed: still pending, still Alice's; once Bob closes his chat, he may.
    let (_, pending) = app.get("/api/transfers", Some(&bob.cookie), None).await;
    assert_eq!(pending["transfers"][0]["state"], "offered");
    let close = format!("/api/chats/{bobs}/close");
    assert_eq!(app.post(&close, Some(&bob.cookie), json!({})).await.0, 200);
    assert_eq!(act(&app, &bob, &id, "accept").await.0, 200);
}
