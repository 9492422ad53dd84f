//! Regression tests for the findings of the security and bad-input review (issue 8), one or more
//! per finding, numbered as the review numbers them.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::{Value, json};

/// A client whose requests come from another loopback address.
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .unwrap()
}

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

#[tokio::test]
async fn finding_5_a_resend_after_the_chat_ended_gets_its_ack() {
    let app = TestApp::spawn().await;
    let (chat, token) = app.start_chat("hello").await;
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.send(send_frame(&chat, "p1", "are you there?")).await;
    let ack = patron.next_answer().await;
    assert_eq!(ack["type"], "ack");
    let (status, _) = app
        .post(&format!("/api/chats/{chat}/end"), None, json!({}))
        .await;
    assert_eq!(status, 401, "needs the guest token");
    let ended = app
        .http
        .post(format!("{}/api/chats/{chat}/end", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    patron.send(send_frame(&chat, "p1", "are you there?")).await;
    let again = patron.next_answer().await;
    assert_eq!(again["type"], "ack", "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["seq"], ack["seq"]);
    patron.send(send_frame(&chat, "p2", "new")).await;
    let refused = patron.next_answer().await;
    assert_eq!(refused["code"], "chat_ended");
}

#[tokio::test]
async fn finding_5_huge_and_future_resume_points() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("hello").await;
    let huge = 1u64 << 63;
    let (status, body) = app
        .get(
            &format!("/api/chats/{chat}/messages?after_seq={huge}"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    // On the socket: an error frame, and the socket lives on.
    let mut patron = app.patron_ws(&token, &[]).await;
    patron
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": huge}))
        .await;
    let err = patron.next().await;
    assert_eq!(
        (err["type"].as_str(), err["frame"].as_str()),
        (Some("error"), Some("watch"))
    );
    assert!(
        err["in_reply_to"].is_null(),
        "only sends have a client id: {err}"
    );
    // A send whose client id reads like a frame type is answered by its client id, and the
    // frame type is its own field: the two never mix.
    patron.send(send_frame(&chat, "watch", "")).await;
    let refused = patron.next().await;
    assert_eq!(
        (
            refused["code"].as_str(),
            refused["in_reply_to"].as_str(),
            refused["frame"].as_str()
        ),
        (Some("invalid_body"), Some("watch"), Some("send")),
        "{refused}"
    );
    // A resume point beyond the chat's head starts at the head: later messages still arrive.
    patron
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 50}))
        .await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let joined = patron.next_message().await;
    assert_eq!(joined["seq"], 2, "{joined}");
}

#[tokio::test]
async fn finding_6_errors_answer_the_send_and_acks_come_first() {
    let app = TestApp::spawn_with(|s| s.ws_messages_per_second = 1).await;
    let (chat, token) = app.start_chat("hello").await;
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.next_message().await;
    // Own message: the ack arrives before the message itself comes back.
    patron.send(send_frame(&chat, "first", "one")).await;
    let first = patron.next().await;
    assert_eq!(first["type"], "ack", "{first}");
    // Rate-limited and oversized sends name the send they answer.
    let mut limited = None;
    for i in 0..6 {
        patron.send(send_frame(&chat, &format!("f{i}"), "x")).await;
    }
    for _ in 0..12 {
        let f = patron.next().await;
        if f["code"] == "rate_limited" {
            limited = Some(f);
            break;
        }
    }
    let limited = limited.expect("a rate_limited answer");
    assert!(
        limited["in_reply_to"].as_str().unwrap().starts_with('f'),
        "{limited}"
    );
}

#[tokio::test]
async fn finding_6_an_oversized_frame_closes_the_socket_with_1009() {
    let app = TestApp::spawn().await;
    let (_, token) = app.start_chat("q").await;
    let mut patron = app.patron_ws(&token, &[]).await;
    // Over four times the 16 KiB frame limit: the transport itself refuses it.
    patron.send_raw("x".repeat(70 * 1024)).await;
    let (before, code) = patron.closed().await;
    assert_eq!(code, Some(1009), "{before:?}");
    assert!(
        before.iter().any(|f| f["code"] == "frame_too_large"),
        "{before:?}"
    );
}

#[tokio::test]
async fn finding_6_unknown_paths_and_methods_answer_in_the_error_shape() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/api/nothing-here", None, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let resp = app
        .http
        .delete(format!("{}/api/chats", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

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

#[tokio::test]
async fn finding_7_only_the_librarian_in_the_chat_types_to_the_patron() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let bob = app.login("bob@riverside").await;
    let (chat, token) = app.start_chat("hello").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let (mut alice_ws, _) = app.staff_ws(&alice).await;
    let (mut bob_ws, _) = app.staff_ws(&bob).await;
    for ws in [&mut alice_ws, &mut bob_ws] {
        ws.send(json!({"type": "watch", "chat_id": chat, "after_seq": 2}))
            .await;
        ws.until("chat").await;
    }
    // Bob previews and types; then Alice, who holds the chat, types.
    bob_ws
        .send(json!({"type": "typing", "chat_id": chat, "active": true}))
        .await;
    alice_ws
        .send(json!({"type": "typing", "chat_id": chat, "active": true}))
        .await;
    let typing = loop {
        let f = patron.next_any().await;
        if f["type"] == "typing" {
            break f;
        }
    };
    assert_eq!(typing["name"], "Alice", "{typing}");
    assert!(!typing.to_string().contains("Binder") && !typing.to_string().contains("Bob"));
}
