//! Follow-up tickets (issue 11, item 3): made from a chat by any librarian who sees it, always
//! in the patron's home library; name and email required; seen only by that library's staff;
//! replies reach the patron by email and their emailed answer threads back; the chat box's
//! offline form makes one too.

use crate::app::{StaffClient, TestApp};
use crate::faqs::institution_of;
use crate::routing::{monitor, step};
use crate::smtp::{SmtpServer, free_port, via};
use crate::ws::send_frame;
use mail_parser::MessageParser;
use refdesk_core::StepTarget;
use serde_json::{Value, json};

/// A Riverside chat offered to the co-op and claimed by Carol (Hillcrest), with a message and
/// an internal note of hers.
async fn coop_chat(app: &TestApp, carol: &StaffClient) -> String {
    let coop = app.demo_coop().await;
    app.route_riverside(vec![step(StepTarget::Coop(coop), 0)])
        .await;
    monitor(app, carol, json!({"coop_id": coop, "online": true})).await;
    let (mut ws, _) = app.staff_ws(carol).await;
    let (chat, _) = app.start_chat("Can I get the 1890 county atlas?").await;
    assert_eq!(app.claim(carol, &chat).await.0, 200);
    ws.send(send_frame(&chat, "c1", "Let me ask your library."))
        .await;
    assert!(ws.next_answer().await["seq"].is_u64());
    ws.send(
        json!({"type": "send", "chat_id": chat, "client_msg_id": "n1",
        "body": "CANARY-NOTE co-op only", "kind": "internal_note"}),
    )
    .await;
    assert!(ws.next_answer().await["seq"].is_u64());
    chat
}

async fn tickets_of(app: &TestApp, staff: &StaffClient, slug: &str, query: &str) -> (u16, Value) {
    let id = institution_of(app, slug).await;
    app.get(
        &format!("/api/institutions/{id}/tickets{query}"),
        Some(&staff.cookie),
        None,
    )
    .await
}

#[tokio::test]
async fn a_coop_librarian_files_a_ticket_in_the_patrons_home_library() {
    let app = TestApp::spawn().await;
    let carol = app.login("carol@hillcrest").await;
    let alice = app.login("alice@riverside").await;
    let chat = coop_chat(&app, &carol).await;
    let riverside = institution_of(&app, "riverside").await;
    let hillcrest = institution_of(&app, "hillcrest").await;

    let (status, form) = app
        .get(
            &format!("/api/chats/{chat}/ticket-form"),
            Some(&carol.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{form}");
    assert_eq!(form["institution_name"], "Riverside Public Library");
    assert_eq!(form["institution_id"], riverside.as_str());
    assert_eq!(form["patron_name"], "Pat");
    let queues = form["queues"].as_array().unwrap();
    assert!(queues.iter().any(|q| q["id"] == form["default_queue"]));

    // Name and email are both required; nothing is made without them.
    let (_, before) = tickets_of(&app, &alice, "riverside", "").await;
    let before = before["tickets"].as_array().unwrap().len();
    let create = format!("/api/chats/{chat}/tickets");
    let hillcrest_queue = app
        .state
        .store()
        .departments(hillcrest.parse().unwrap())
        .await
        .unwrap()[0]
        .id;
    for bad in [
        json!({"patron_name": "", "patron_email": "pat@example.org"}),
        json!({"patron_name": "Pat", "patron_email": ""}),
        json!({"patron_name": "Pat"}),
        json!({"patron_name": "Pat", "patron_email": "nope"}),
        json!({"patron_name": "Pat", "patron_email": "pat@example.org", "queue_id": hillcrest_queue}),
        json!({"patron_name": "Pat", "patron_email": "pat@example.org", "extra": true}),
    ] {
        let (status, body) = app.post(&create, Some(&carol.cookie), bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert!(body["error"]["message"].is_string());
    }
    let (_, after) = tickets_of(&app, &alice, "riverside", "").await;
    assert_eq!(
        after["tickets"].as_array().unwrap().len(),
        before,
        "nothing made"
    );

    let (status, ticket) = app
        .post(
            &create,
            Some(&carol.cookie),
            json!({"patron_name": "Pat Reader", "patron_email": "pat@example.org",
                   "note": "Asked for the 1890 atlas; we have no access to it."}),
        )
        .await;
    assert_eq!(status, 201, "{ticket}");
    assert_eq!(
        ticket["institution_id"],
        riverside.as_str(),
        "the patron's home library"
    );
    assert_eq!(ticket["status"], "open");
    assert_eq!(ticket["queue"]["id"], form["default_queue"]);
    assert_eq!(ticket["created_by_name"], "Carol Catalog");
    assert_eq!(ticket["subject"], "Can I get the 1890 county atlas?");
    let id = ticket["id"].as_str().unwrap();

    // Riverside's staff see it; Hillcrest's (Carol's own library) do not.
    let (_, list) = tickets_of(&app, &alice, "riverside", "?status=open").await;
    assert!(
        list["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id)
    );
    assert_eq!(tickets_of(&app, &carol, "riverside", "").await.0, 404);
    let (_, theirs) = tickets_of(&app, &carol, "hillcrest", "").await;
    assert!(!theirs.to_string().contains(id));
    let detail = format!("/api/tickets/{id}");
    assert_eq!(app.get(&detail, Some(&carol.cookie), None).await.0, 404);
    let (status, d) = app.get(&detail, Some(&alice.cookie), None).await;
    assert_eq!(status, 200);
    let transcript = d["transcript"].to_string();
    assert!(
        transcript.contains("Let me ask your library."),
        "{transcript}"
    );
    assert!(
        !transcript.contains("CANARY-NOTE"),
        "no internal notes in the transcript"
    );
    assert_eq!(d["entries"][0]["kind"], "note");
    assert_eq!(d["entries"][0]["author_name"], "Carol Catalog");

    // Status and assignee: only Riverside's staff may be assigned.
    let carol_id = carol.id.clone();
    let (status, _) = app.put(&detail, Some(&alice.cookie), json!({})).await;
    assert_eq!(status, 405, "PATCH, not PUT");
    let patch = |body: Value| {
        let req = app
            .http
            .patch(format!("{}{detail}", app.url))
            .header("cookie", &alice.cookie)
            .json(&body);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(patch(json!({"assignee_id": carol_id})).await.0, 400);
    assert_eq!(patch(json!({"status": "done"})).await.0, 400);
    let (status, t) = patch(json!({"assignee_id": alice.id, "status": "closed"})).await;
    assert_eq!(
        (status, &t["status"], &t["assignee_name"]),
        (200, &json!("closed"), &json!("Alice Archer"))
    );
    let (_, mine) = tickets_of(&app, &alice, "riverside", "?assignee=me&status=closed").await;
    assert_eq!(mine["tickets"].as_array().unwrap().len(), 1);
    let (_, t) = patch(json!({"assignee_id": null})).await;
    assert_eq!(t["assignee_id"], Value::Null);
}

#[tokio::test]
async fn a_reply_reaches_the_patron_by_email_and_their_answer_threads_back() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start(dir.path(), free_port()).await;
    let app = TestApp::spawn_with(via(smtp.port)).await;
    let carol = app.login("carol@hillcrest").await;
    let alice = app.login("alice@riverside").await;
    let chat = coop_chat(&app, &carol).await;
    let (_, ticket) = app
        .post(
            &format!("/api/chats/{chat}/tickets"),
            Some(&carol.cookie),
            json!({"patron_name": "Pat Reader", "patron_email": "pat@example.org"}),
        )
        .await;
    let id = ticket["id"].as_str().unwrap().to_owned();
    // A note is never mailed; a reply is.
    let (status, _) = app
        .post(
            &format!("/api/tickets/{id}/notes"),
            Some(&alice.cookie),
            json!({"body": "CANARY-NOTE check the vault"}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(app.state.send_due_mails().await.unwrap().is_empty());
    assert_eq!(
        app.post(
            &format!("/api/tickets/{id}/replies"),
            Some(&alice.cookie),
            json!({"body": " "})
        )
        .await
        .0,
        400
    );
    let (status, d) = app
        .post(
            &format!("/api/tickets/{id}/replies"),
            Some(&alice.cookie),
            json!({"body": "The atlas is in our <vault>; we can scan pages for you."}),
        )
        .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["ticket"]["status"], "pending");
    assert_eq!(d["ticket"]["assignee_name"], "Alice Archer");
    let sent = app.state.send_due_mails().await.unwrap();
    assert_eq!(sent[0].status, refdesk_core::MailStatus::Sent);
    let raw = smtp.messages();
    assert_eq!(raw.len(), 1);
    let mail = MessageParser::default().parse(&raw[0]).unwrap();
    assert_eq!(mail.subject(), Some("Re: Can I get the 1890 county atlas?"));
    assert_eq!(
        mail.to().unwrap().first().unwrap().address(),
        Some("pat@example.org")
    );
    assert_eq!(
        mail.reply_to().unwrap().first().unwrap().address(),
        Some("tickets@riverside.example")
    );
    let text = mail.body_text(0).unwrap();
    assert!(text.contains("The atlas is in our <vault>"), "{text}");
    assert!(!text.contains("CANARY-NOTE"));
    assert!(mail.body_html(0).unwrap().contains("&lt;vault&gt;"));
    let message_id = mail.message_id().unwrap().to_owned();

    // The patron answers; the gateway posts it.
    let inbound = |token: &str, body: Value| {
        let req = app
            .http
            .post(format!("{}/api/mail/inbound", app.url))
            .bearer_auth(token)
            .json(&body);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let answer = json!({"from": "Pat Reader <PAT@example.org>", "subject": "Re: atlas",
        "text": "Yes please, pages 10-12.\n\nOn Tue, Alice wrote:\n> The atlas is in our vault",
        "in_reply_to": format!("<{message_id}>")});
    assert_eq!(inbound("wrong", answer.clone()).await.0, 401);
    let mut stranger = answer.clone();
    stranger["from"] = json!("mallory@example.org");
    assert_eq!(
        inbound("gateway-secret", stranger).await.1["error"]["code"],
        "not_the_patron"
    );
    let mut unthreaded = answer.clone();
    unthreaded["in_reply_to"] = json!("<something@else>");
    assert_eq!(
        inbound("gateway-secret", unthreaded).await.1["error"]["code"],
        "no_ticket"
    );
    let (status, body) = inbound("gateway-secret", answer).await;
    assert_eq!(
        (status, body["ticket_id"].as_str()),
        (201, Some(id.as_str()))
    );
    let (_, d) = app
        .get(&format!("/api/tickets/{id}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(d["ticket"]["status"], "open", "open again");
    let last = d["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["body"].as_str()),
        (Some("patron_reply"), Some("Yes please, pages 10-12."))
    );

    // With no gateway token configured, the endpoint is not there.
    let plain = TestApp::spawn().await;
    let r = plain
        .http
        .post(format!("{}/api/mail/inbound", plain.url))
        .json(&json!({"from": "a@b.org", "text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn the_offline_form_makes_a_ticket() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let form = format!("/api/widgets/{}/tickets", app.widget_id);
    for bad in [
        json!({"name": "Pat", "email": "", "question": "Hours?"}),
        json!({"name": "", "email": "pat@example.org", "question": "Hours?"}),
        json!({"name": "Pat", "email": "pat@example.org", "question": "  "}),
        json!({"name": "Pat", "email": "pat@example.org"}),
    ] {
        assert_eq!(app.post(&form, None, bad.clone()).await.0, 400, "{bad}");
    }
    let (status, body) = app
        .post(
            &form,
            None,
            json!({"name": "Pat", "email": "pat@example.org",
            "question": "Are you open on <b>Sunday</b>?"}),
        )
        .await;
    assert_eq!((status, body), (201, json!({"received": true})));
    let unknown = format!("/api/widgets/{}/tickets", uuid::Uuid::now_v7());
    assert_eq!(
        app.post(
            &unknown,
            None,
            json!({"name": "P", "email": "p@example.org", "question": "q"})
        )
        .await
        .0,
        404
    );
    let (_, list) = tickets_of(&app, &alice, "riverside", "").await;
    let t = list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["subject"] == "Are you open on <b>Sunday</b>?")
        .expect("the ticket is in Riverside's list")
        .clone();
    assert_eq!(t["created_by_name"], "Offline form");
    assert_eq!(t["chat_id"], Value::Null);
    let (_, d) = app
        .get(
            &format!("/api/tickets/{}", t["id"].as_str().unwrap()),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(d["entries"][0]["kind"], "question");
    assert_eq!(d["entries"][0]["author_name"], "Pat");
}
