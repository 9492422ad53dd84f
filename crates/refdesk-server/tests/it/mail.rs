//! Transcripts by email (issue 11, item 4), against a real SMTP server: the patron of an
//! ended chat (or staff) asks, the outbox sends in the background; the mail parses as MIME and
//! holds every message the patron saw and no internal note; an outage delays it until the
//! server is back; with no relay, mail lands in the outbox folder; a mail that fails for good
//! is shown to admins, who may queue it again; institutions' own templates.

use crate::app::{StaffClient, TestApp};
use crate::faqs::institution_of;
use crate::smtp::{SmtpServer, free_port, via};
use crate::ws::send_frame;
use mail_parser::MessageParser;
use serde_json::{Value, json};
use time::Duration;

/// A Riverside chat Alice answered, with an internal note, ended by the patron: (chat, token).
async fn ended_chat(app: &TestApp, alice: &StaffClient) -> (String, String) {
    let (chat, token) = app.start_chat("Do you have county <b>maps</b>?").await;
    assert_eq!(app.claim(alice, &chat).await.0, 200);
    let (mut ws, _) = app.staff_ws(alice).await;
    ws.send(send_frame(&chat, "m1", "Yes: the map room, floor 2."))
        .await;
    assert!(ws.next_answer().await["seq"].is_u64());
    ws.send(
        json!({"type": "send", "chat_id": chat, "client_msg_id": "n1",
        "body": "CANARY-NOTE regular visitor", "kind": "internal_note"}),
    )
    .await;
    assert!(ws.next_answer().await["seq"].is_u64());
    let mut patron = app.patron_ws(&token, &[]).await;
    patron
        .send(send_frame(&chat, "p1", "Thanks & goodbye <3"))
        .await;
    assert!(patron.next_answer().await["seq"].is_u64());
    let ended = app
        .http
        .post(format!("{}/api/chats/{chat}/end", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    (chat, token)
}

async fn ask(app: &TestApp, chat: &str, token: &str, body: Value) -> (u16, Value) {
    let resp = app
        .http
        .post(format!("{}/api/chats/{chat}/transcript", app.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or_default();
    crate::ws::assert_no_leak(&body.to_string());
    (status, body)
}

async fn outbox(app: &TestApp, admin: &StaffClient) -> Vec<Value> {
    let riverside = institution_of(app, "riverside").await;
    let (status, list) = app
        .get(
            &format!("/api/institutions/{riverside}/mails"),
            Some(&admin.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    list["mails"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_emailed_transcript_arrives_with_every_message_and_no_note() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(dir.path(), free_port()).await;
    let app = TestApp::spawn_with(via(smtp.port)).await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = ended_chat(&app, &alice).await;

    // Bad requests queue nothing.
    for bad in [
        json!({}),
        json!({"email": "not-an-address"}),
        json!({"email": "a@b.org", "x": 1}),
    ] {
        assert_eq!(ask(&app, &chat, &token, bad.clone()).await.0, 400, "{bad}");
    }
    let (_, other) = app.start_chat("Someone else").await;
    assert_eq!(
        ask(&app, &chat, &other, json!({"email": "x@example.org"}))
            .await
            .0,
        404,
        "another patron's chat"
    );
    assert!(app.state.send_due_mails().await.unwrap().is_empty());

    let (status, queued) = ask(&app, &chat, &token, json!({"email": "Pat@Example.org"})).await;
    assert_eq!(
        (status, queued["to"].as_str()),
        (202, Some("pat@example.org"))
    );
    let sent = app.state.send_due_mails().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, refdesk_core::MailStatus::Sent, "{sent:?}");

    let raw = smtp.messages();
    assert_eq!(raw.len(), 1, "one mail arrived");
    let mail = MessageParser::default().parse(&raw[0]).expect("MIME");
    assert_eq!(
        mail.subject(),
        Some("Your chat with Riverside Public Library")
    );
    assert_eq!(
        mail.to().unwrap().first().unwrap().address(),
        Some("pat@example.org")
    );
    assert_eq!(
        mail.from().unwrap().first().unwrap().address(),
        Some("ask@riverside.example")
    );
    let text = mail.body_text(0).unwrap();
    let html = mail.body_html(0).unwrap();
    for said in [
        "Do you have county <b>maps</b>?",
        "Yes: the map room, floor 2.",
        "Thanks & goodbye <3",
    ] {
        assert!(text.contains(said), "{said} in the text: {text}");
    }
    assert!(
        html.contains("county &lt;b&gt;maps&lt;"),
        "escaped in HTML: {html}"
    );
    assert!(!html.contains("<b>maps"), "{html}");
    for part in [&text, &html] {
        assert!(!part.contains("CANARY-NOTE"), "no internal note: {part}");
    }
    assert!(text.contains("Alice"), "the librarian as patrons see her");

    // Staff may send it too, to the address of their choice; admins see both in the outbox.
    let rita = app.login("rita@riverside").await;
    let (status, _) = app
        .post(
            &format!("/api/chats/{chat}/transcript"),
            Some(&alice.cookie),
            json!({"email": "pat.reader@example.org"}),
        )
        .await;
    assert_eq!(status, 202);
    app.state.send_due_mails().await.unwrap();
    assert_eq!(smtp.messages().len(), 2);
    let listed = outbox(&app, &rita).await;
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|m| m["status"] == "sent" && m["delivered_to"] == "smtp")
    );
    let riverside = institution_of(&app, "riverside").await;
    assert_eq!(
        app.get(
            &format!("/api/institutions/{riverside}/mails"),
            Some(&alice.cookie),
            None
        )
        .await
        .0,
        404,
        "only admins see the outbox"
    );
}

#[tokio::test]
async fn an_smtp_outage_delays_the_mail_until_the_server_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let smtp = SmtpServer::start(dir.path(), port).await;
    smtp.stop().await;
    let app = TestApp::spawn_with(via(port)).await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = ended_chat(&app, &alice).await;
    let (status, _) = ask(&app, &chat, &token, json!({"email": "pat@example.org"})).await;
    assert_eq!(status, 202, "asking never waits for the mail server");

    let tried = app.state.send_due_mails().await.unwrap();
    assert_eq!(tried.len(), 1);
    assert_eq!(
        (tried[0].status, tried[0].attempts),
        (refdesk_core::MailStatus::Queued, 1)
    );
    assert!(tried[0].last_error.is_some());
    // Not again before its wait is over.
    assert!(app.state.send_due_mails().await.unwrap().is_empty());

    let smtp = SmtpServer::start(dir.path(), port).await;
    app.clock.advance(Duration::seconds(30));
    let sent = app.state.send_due_mails().await.unwrap();
    assert_eq!(sent[0].status, refdesk_core::MailStatus::Sent);
    assert_eq!(sent[0].attempts, 2);
    let raw = smtp.messages();
    assert_eq!(raw.len(), 1, "it arrived once the server was back");
    let mail = MessageParser::default().parse(&raw[0]).unwrap();
    assert!(mail.body_text(0).unwrap().contains("map room"));
}

#[tokio::test]
async fn without_a_relay_mail_goes_to_the_outbox_folder_and_failures_are_shown() {
    // No SMTP configured: the embedded default writes .eml files.
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let rita = app.login("rita@riverside").await;
    let (chat, token) = app.start_chat("Open still").await;
    assert_eq!(
        ask(&app, &chat, &token, json!({"email": "pat@example.org"}))
            .await
            .1["error"]["code"],
        "chat_open",
        "a patron asks once the chat has ended"
    );
    let (chat, token) = ended_chat(&app, &alice).await;
    assert_eq!(
        ask(&app, &chat, &token, json!({"email": "pat@example.org"}))
            .await
            .0,
        202
    );
    let sent = app.state.send_due_mails().await.unwrap();
    let file = sent[0].delivered_to.clone().unwrap();
    assert!(
        file.starts_with("outbox/") && file.ends_with(".eml"),
        "{file}"
    );
    let riverside = institution_of(&app, "riverside").await;
    let (_, list) = app
        .get(
            &format!("/api/institutions/{riverside}/mails"),
            Some(&rita.cookie),
            None,
        )
        .await;
    let folder = list["outbox_folder"].as_str().unwrap().to_owned();
    let raw = std::fs::read(std::path::Path::new(&folder).join(file.trim_start_matches("outbox/")))
        .unwrap();
    let mail = MessageParser::default().parse(&raw).unwrap();
    assert!(mail.body_text(0).unwrap().contains("map room"));
    assert!(!String::from_utf8_lossy(&raw).contains("CANARY-NOTE"));

    // A relay that never answers: after every attempt the mail has failed for good, admins see
    // why, and may queue it again.
    let broken = TestApp::spawn_with(via(free_port())).await;
    let alice = broken.login("alice@riverside").await;
    let (chat, token) = ended_chat(&broken, &alice).await;
    assert_eq!(
        ask(&broken, &chat, &token, json!({"email": "pat@example.org"}))
            .await
            .0,
        202
    );
    let mut last = None;
    for _ in 0..refdesk_core::mail::MAX_ATTEMPTS {
        last = broken.state.send_due_mails().await.unwrap().pop();
        broken.clock.advance(refdesk_core::mail::MAX_RETRY_WAIT);
    }
    let last = last.unwrap();
    assert_eq!(last.status, refdesk_core::MailStatus::Failed);
    assert!(
        broken.state.send_due_mails().await.unwrap().is_empty(),
        "no more attempts"
    );
    // (Days have passed: sign in again.)
    let alice = broken.login("alice@riverside").await;
    let rita = broken.login("rita@riverside").await;
    let listed = outbox(&broken, &rita).await;
    assert_eq!(listed[0]["status"], "failed");
    assert!(listed[0]["last_error"].as_str().unwrap().len() > 3);
    let retry = format!("/api/mails/{}/retry", last.id);
    assert_eq!(
        broken.post(&retry, Some(&alice.cookie), json!({})).await.0,
        404
    );
    let (status, again) = broken.post(&retry, Some(&rita.cookie), json!({})).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("queued")));
    assert_eq!(
        broken.post(&retry, Some(&rita.cookie), json!({})).await.1["error"]["code"],
        "not_failed"
    );
    assert_eq!(broken.state.send_due_mails().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_institution_writes_its_own_transcript_template() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let rita = app.login("rita@riverside").await;
    let riverside = institution_of(&app, "riverside").await;
    let path = format!("/api/institutions/{riverside}/mail-templates/transcript");
    let (status, default) = app.get(&path, Some(&rita.cookie), None).await;
    assert_eq!((status, &default["custom"]), (200, &json!(false)));
    assert_eq!(
        default["preview_subject"],
        "Your chat with Riverside Public Library"
    );
    assert_eq!(app.get(&path, Some(&alice.cookie), None).await.0, 404);
    assert_eq!(
        app.get(
            &format!("/api/institutions/{riverside}/mail-templates/nonsense"),
            Some(&rita.cookie),
            None
        )
        .await
        .0,
        404
    );
    // A template that does not render is refused with its reason, and nothing changes.
    let broken = json!({"subject": "Chat", "text": "{% for m in messages %}", "html": "x"});
    let (status, body) = app.put(&path, Some(&rita.cookie), broken).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("text.txt"),
        "{body}"
    );
    assert_eq!(
        app.get(&path, Some(&rita.cookie), None).await.1["custom"],
        false
    );
    let own = json!({
        "subject": "Riverside chat of {{ started }}",
        "text": "{% for m in messages %}{{ m.who }} said {{ m.text }}\n{% endfor %}",
        "html": "<ul>{% for m in messages %}<li>{{ m.text }}</li>{% endfor %}</ul>"});
    let (status, saved) = app.put(&path, Some(&rita.cookie), own).await;
    assert_eq!((status, &saved["custom"]), (200, &json!(true)), "{saved}");
    let (chat, token) = ended_chat(&app, &alice).await;
    assert_eq!(
        ask(&app, &chat, &token, json!({"email": "pat@example.org"}))
            .await
            .0,
        202
    );
    let mail = app.state.send_due_mails().await.unwrap().pop().unwrap();
    let stored = app.state.store().mail(mail.id).await.unwrap();
    assert!(
        stored.subject.starts_with("Riverside chat of "),
        "{}",
        stored.subject
    );
    assert!(
        stored.text.contains("Alice said Yes: the map room"),
        "{}",
        stored.text
    );
    assert!(
        stored.html.contains("<li>Do you have county &lt;b&gt;maps"),
        "{}",
        stored.html
    );
    // Back to the default.
    let (status, reset) = app.delete(&path, Some(&rita.cookie)).await;
    assert_eq!((status, &reset["custom"]), (200, &json!(false)));
}
