//! Staff conversations over the real server: the same delivery guarantees as patron chats
//! (resume gets exactly what was missed, retries are stored once, a slow reader still gets
//! everything in order), through the same sequencer, socket cursors and hub topics.

use crate::app::{StaffClient, TestApp};
use serde_json::{Value, json};

fn say(conversation: &str, client_msg_id: &str, body: &str) -> Value {
    json!({"type": "send", "conversation_id": conversation, "client_msg_id": client_msg_id,
           "body": body})
}

async fn open(app: &TestApp, me: &StaffClient, with: &StaffClient) -> String {
    let (status, body) = app
        .post(
            "/api/conversations",
            Some(&me.cookie),
            json!({"with": with.id}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The next conversation message frame (skipping the conversation frame a watch sends).
async fn next_said(ws: &mut crate::ws::Ws) -> Value {
    loop {
        let v = ws.next().await;
        match v["type"].as_str() {
            Some("conversation_message") => return v["message"].clone(),
            Some("conversation" | "chat") => continue,
            _ => panic!("expected a conversation message, got {v}"),
        }
    }
}

#[tokio::test]
async fn a_pair_has_one_conversation_and_only_its_members_see_it() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let id = open(&app, &alice, &bob).await;
    assert_eq!(open(&app, &bob, &alice).await, id, "Bob opens the same one");
    let (_, list) = app.get("/api/conversations", Some(&bob.cookie), None).await;
    let names: Vec<_> = list["conversations"][0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(list["conversations"].as_array().unwrap().len(), 1);
    assert!(
        names.contains(&"Alice Archer") && names.contains(&"Bob Binder"),
        "{names:?}"
    );
    // Carol works elsewhere (no shared co-op): she can neither open one with Alice nor read
    // or follow theirs, and is not told it exists.
    let (status, body) = app
        .post(
            "/api/conversations",
            Some(&carol.cookie),
            json!({"with": alice.id}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = app
        .get(
            &format!("/api/conversations/{id}/messages"),
            Some(&carol.cookie),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (mut ws, _) = app.staff_ws(&carol).await;
    ws.send(json!({"type": "watch", "conversation_id": id}))
        .await;
    let refused = ws.next().await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("not_found"))
    );
    ws.send(say(&id, "c1", "let me in")).await;
    let refused = ws.next_answer().await;
    assert_eq!(refused["code"], "not_found", "{refused}");
    // Nor with oneself; nor as a patron.
    let (status, _) = app
        .post(
            "/api/conversations",
            Some(&alice.cookie),
            json!({"with": alice.id}),
        )
        .await;
    assert_eq!(status, 400);
    let (_, token) = app.start_chat("q").await;
    let mut patron = app.patron_ws(&token, &[]).await;
    patron.send(say(&id, "p1", "hello?")).await;
    assert_eq!(patron.next_answer().await["code"], "not_found");
    // A send naming both a chat and a conversation is a bad frame.
    let (mut alices, _) = app.staff_ws(&alice).await;
    alices
        .send(json!({"type": "send", "conversation_id": id, "chat_id": id,
                     "client_msg_id": "x", "body": "?"}))
        .await;
    let bad = alices.next_answer().await;
    assert_eq!(
        (bad["code"].as_str(), bad["in_reply_to"].as_str()),
        (Some("invalid_frame"), Some("x"))
    );
    // Internal notes belong to patron chats.
    alices
        .send(
            json!({"type": "send", "conversation_id": id, "client_msg_id": "n",
                     "body": "?", "kind": "internal_note"}),
        )
        .await;
    assert_eq!(alices.next_answer().await["code"], "invalid_frame");
    let (_, hist) = app
        .get(
            &format!("/api/conversations/{id}/messages"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(hist["last_seq"], 0, "nothing refused was stored: {hist}");
}

#[tokio::test]
async fn reconnecting_staff_receive_exactly_the_missed_conversation_messages() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let id = open(&app, &alice, &bob).await;
    let (mut a, _) = app.staff_ws(&alice).await;
    let (mut b, _) = app.staff_ws(&bob).await;
    b.send(json!({"type": "watch", "conversation_id": id}))
        .await;
    let (head, _) = b.until("conversation").await;
    assert_eq!(head["conversation"]["last_seq"], 0);
    for i in 0..3 {
        a.send(say(&id, &format!("a{i}"), &format!("before {i}")))
            .await;
        let ack = a.next_answer().await;
        assert_eq!(
            (ack["type"].as_str(), ack["seq"].as_u64()),
            (Some("ack"), Some(i + 1))
        );
        assert_eq!(ack["conversation_id"], id.as_str());
        let m = next_said(&mut b).await;
        assert_eq!(m["seq"], i + 1);
        assert_eq!(m["sender"]["name"], "Alice Archer");
        assert!(
            m["client_msg_id"].is_null(),
            "only the sender sees its client id"
        );
    }
    b.close().await;
    for i in 0..5 {
        a.send(say(&id, &format!("b{i}"), &format!("while away {i}")))
            .await;
        assert_eq!(a.next_answer().await["type"], "ack");
    }
    // Bob comes back with his resume point in hello, like a patron's chat box.
    let mut back = crate::ws::Ws::connect(app.addr, Some(&bob.cookie)).await;
    back.send(json!({"type": "hello", "resume": [{"conversation_id": id, "after_seq": 3}]}))
        .await;
    assert_eq!(back.next().await["type"], "welcome");
    let mut got = vec![];
    for _ in 0..5 {
        let m = next_said(&mut back).await;
        got.push((
            m["seq"].as_u64().unwrap(),
            m["body"].as_str().unwrap().to_owned(),
        ));
    }
    let want: Vec<_> = (0..5)
        .map(|i| {
            let body = format!("while away {i} {}", crate::ws::STAFF_ONLY);
            (4 + i as u64, body)
        })
        .collect();
    assert_eq!(got, want);
    // Nothing more was replayed: the next frame is Bob's own live reply, seq 9, with his id.
    back.send(say(&id, "r0", "back now")).await;
    let (ack, _) = back.until("ack").await;
    assert_eq!(ack["seq"], 9);
    let own = next_said(&mut back).await;
    assert_eq!(
        (own["seq"].as_u64(), own["client_msg_id"].as_str()),
        (Some(9), Some("r0"))
    );
}

#[tokio::test]
async fn a_retried_conversation_send_is_stored_once() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let id = open(&app, &alice, &bob).await;
    let (mut a, _) = app.staff_ws(&alice).await;
    a.send(say(&id, "retry-me", "Can you take the genealogy question?"))
        .await;
    let first = a.next_answer().await;
    assert_eq!(
        (first["type"].as_str(), first["duplicate"].as_bool()),
        (Some("ack"), Some(false))
    );
    a.close().await;
    let (mut again, _) = app.staff_ws(&alice).await;
    again
        .send(say(&id, "retry-me", "Can you take the genealogy question?"))
        .await;
    let second = again.next_answer().await;
    assert_eq!(second["duplicate"], true);
    assert_eq!(
        (&second["seq"], &second["message_id"]),
        (&first["seq"], &first["message_id"])
    );
    again.send(say(&id, "retry-me", "something else")).await;
    assert_eq!(again.next_answer().await["code"], "client_id_reused");
    let (_, hist) = app
        .get(
            &format!("/api/conversations/{id}/messages"),
            Some(&bob.cookie),
            None,
        )
        .await;
    assert_eq!(hist["messages"].as_array().unwrap().len(), 1, "{hist}");
    assert_eq!(hist["last_seq"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_too_slow_for_the_fan_out_gets_the_whole_conversation_in_order() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let id = open(&app, &alice, &bob).await;
    // Bob follows but does not read while Alice sends far more than his socket's queue and
    // the TCP buffers hold.
    let (mut b, _) = app.staff_ws(&bob).await;
    b.send(json!({"type": "watch", "conversation_id": id}))
        .await;
    b.until("conversation").await;
    let (mut a, _) = app.staff_ws(&alice).await;
    let big = "x".repeat(3900);
    let n = 1500;
    for i in 0..n {
        a.send(say(&id, &format!("m{i}"), &format!("{i} {big}")))
            .await;
    }
    let mut acked = 0;
    while acked < n {
        let f = a.next().await;
        assert_ne!(f["type"], "error", "{f}");
        if f["type"] == "ack" {
            acked += 1;
        }
    }
    for expected in 1..=n {
        let m = next_said(&mut b).await;
        assert_eq!(
            m["seq"].as_u64().unwrap(),
            expected,
            "in order, no gap, no duplicate"
        );
    }
}

#[tokio::test]
async fn a_colleagues_dashboard_hears_of_a_new_conversation_and_its_first_im() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let rita = app.login("rita@riverside").await;
    let (mut bob_ws, _) = app.staff_ws(&bob).await;
    let (mut rita_ws, _) = app.staff_ws(&rita).await;
    // Alice opens a conversation with Bob: his open dashboard is told, Rita's is not.
    let id = open(&app, &alice, &bob).await;
    let (announced, _) = bob_ws.until("conversation").await;
    assert_eq!(announced["conversation"]["id"], id.as_str());
    bob_ws
        .send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
        .await;
    let (mut a_ws, _) = app.staff_ws(&alice).await;
    a_ws.send(say(&id, "a1", "Can you take a maps question?"))
        .await;
    assert_eq!(a_ws.next_answer().await["type"], "ack");
    let said = next_said(&mut bob_ws).await;
    assert!(
        said["body"]
            .as_str()
            .unwrap()
            .starts_with("Can you take a maps question?")
    );
    // Rita's socket got nothing of it: up to her own watch's refusal, no frame names it.
    rita_ws
        .send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
        .await;
    let (refusal, before) = rita_ws.until("error").await;
    assert_eq!(refusal["code"], "not_found", "{refusal}");
    for f in before {
        assert!(!f.to_string().contains(&id), "Rita heard of it: {f}");
    }
}

#[tokio::test]
async fn colleagues_see_each_other_typing_in_a_conversation() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let rita = app.login("rita@riverside").await;
    let id = open(&app, &alice, &bob).await;
    let (mut a_ws, _) = app.staff_ws(&alice).await;
    let (mut b_ws, _) = app.staff_ws(&bob).await;
    let (mut r_ws, _) = app.staff_ws(&rita).await;
    for ws in [&mut a_ws, &mut b_ws] {
        ws.send(json!({"type": "watch", "conversation_id": id, "after_seq": 0}))
            .await;
        ws.until("conversation").await;
    }
    a_ws.send(json!({"type": "typing", "conversation_id": id, "active": true}))
        .await;
    let (typing, _) = b_ws.until("conversation_typing").await;
    assert_eq!(typing["conversation_id"], id.as_str());
    assert_eq!(
        (typing["name"].as_str(), typing["active"].as_bool()),
        (Some("Alice Archer"), Some(true))
    );
    // Rita is not in it: refused, and nobody hears of her.
    r_ws.send(json!({"type": "typing", "conversation_id": id, "active": true}))
        .await;
    let (refusal, _) = r_ws.until("error").await;
    assert_eq!(
        (refusal["code"].as_str(), refusal["frame"].as_str()),
        (Some("not_found"), Some("typing"))
    );
    // Naming both a chat and a conversation is a bad frame.
    a_ws.send(json!({"type": "typing", "conversation_id": id, "chat_id": id, "active": false}))
        .await;
    let (bad, before) = a_ws.until("error").await;
    assert_eq!(bad["code"], "invalid_frame", "{bad}");
    assert!(
        before.iter().all(|f| f["type"] != "conversation_typing"),
        "the typer does not see themselves: {before:?}"
    );
    // Bob stops: Alice sees it.
    b_ws.send(json!({"type": "typing", "conversation_id": id, "active": false}))
        .await;
    let (stop, _) = a_ws.until("conversation_typing").await;
    assert_eq!(
        (stop["name"].as_str(), stop["active"].as_bool()),
        (Some("Bob Binder"), Some(false))
    );
}

#[tokio::test]
async fn staff_chat_is_kept_as_long_as_the_library_says() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let rita = app.login("rita@riverside").await;
    let id = open(&app, &alice, &bob).await;
    let (mut a_ws, welcome) = app.staff_ws(&alice).await;
    let riverside = welcome["identity"]["user"]["institution_id"]
        .as_str()
        .unwrap()
        .to_owned();
    a_ws.send(say(&id, "a1", "An IM from Monday")).await;
    assert_eq!(a_ws.next_answer().await["type"], "ack");
    // Riverside keeps staff IMs for one day (its admin sets it; a bad value changes nothing).
    let path = format!("/api/institutions/{riverside}/policy");
    let (_, mut policy) = app.get(&path, Some(&rita.cookie), None).await;
    policy["staff_chat_retention_days"] = json!(0);
    assert_eq!(
        app.put(&path, Some(&rita.cookie), policy.clone()).await.0,
        400
    );
    policy["staff_chat_retention_days"] = json!(1);
    let (status, saved) = app.put(&path, Some(&rita.cookie), policy).await;
    assert_eq!(
        (status, &saved["staff_chat_retention_days"]),
        (200, &json!(1))
    );
    let history = format!("/api/conversations/{id}/messages");
    // Not yet a day old: kept.
    app.clock.advance(time::Duration::hours(23));
    assert_eq!(app.state.trim_staff_chats().await.unwrap(), 0);
    // Two days later: gone, and the conversation goes on numbering after it.
    app.clock.advance(time::Duration::hours(25));
    assert_eq!(app.state.trim_staff_chats().await.unwrap(), 1);
    // (Their sessions of two days ago have expired: they sign in again.)
    let bob = app.login("bob@riverside").await;
    let (_, h) = app.get(&history, Some(&bob.cookie), None).await;
    assert_eq!(h["messages"], json!([]), "{h}");
    assert_eq!(h["last_seq"], 1);
    a_ws.close().await;
    let (mut a_ws, _) = app.staff_ws(&app.login("alice@riverside").await).await;
    a_ws.send(say(&id, "a2", "An IM from Wednesday")).await;
    assert_eq!(a_ws.next_answer().await["seq"], 2);
}
