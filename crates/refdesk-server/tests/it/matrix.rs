//! The tenant-isolation matrix (issue 9): every REST endpoint of the OpenAPI document, called
//! by every kind of caller about Riverside's objects (its chat, held by Alice and offered to Bob,
//! its staff, its settings) and the demo co-op, and every WebSocket subscription. An endpoint the
//! document lists without an entry here fails the test, so a new endpoint cannot ship
//! unexamined.
//!
//! For each entry, callers not named as allowed must be refused (401, 403 or 404, in the error
//! shape) without the patron's words in the answer; allowed callers of a read get 200, and a
//! listed read shows Riverside's chat only to those who may see it. State-changing requests are
//! sent only by callers who must be refused (and a few whose refusal is the point, below), so
//! the world stays the same for every row.

use crate::app::TestApp;
use refdesk_core::DisplayName;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    /// A patron of another chat.
    OtherPatron,
    /// Riverside's operator.
    Alice,
    /// Hillcrest's operator, monitoring the co-op.
    Carol,
    /// Lakeside's operator, not monitoring the co-op.
    Dave,
    /// Riverside's institution admin.
    Rita,
    /// The co-op's admin (a Lakeside account).
    Cora,
    /// The installation's admin (a Lakeside account).
    Sasha,
}
use Who::*;

const EVERYONE: [Who; 8] = [
    Anonymous,
    OtherPatron,
    Alice,
    Carol,
    Dave,
    Rita,
    Cora,
    Sasha,
];
const STAFF: [Who; 6] = [Alice, Carol, Dave, Rita, Cora, Sasha];
const QUESTION: &str = "Matrix: what do the 1890 ledgers say?";

struct World {
    app: TestApp,
    cookies: Vec<(Who, String)>,
    other_patron: String,
    vars: Vec<(&'static str, String)>,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        let mut cookies = Vec::new();
        for (who, login) in [
            (Alice, "alice@riverside"),
            (Carol, "carol@hillcrest"),
            (Dave, "dave@lakeside"),
            (Rita, "rita@riverside"),
            (Cora, "cora@lakeside"),
            (Sasha, "sasha@lakeside"),
        ] {
            cookies.push((who, app.login(login).await.cookie));
        }
        let coop = app.demo_coop().await;
        let store = app.state.store();
        let riverside = store.institution_by_slug("riverside").await.unwrap();
        let widget = store.widgets(riverside.id).await.unwrap()[0].clone();
        let (chat, _) = app.start_chat(QUESTION).await;
        let (_, other_patron) = app.start_chat("Another patron's question").await;
        let cookie = |w: Who| cookies.iter().find(|(x, _)| *x == w).unwrap().1.clone();
        // Carol monitors the co-op; Riverside's chat is not offered to it (no routing step).
        let (status, _) = app
            .put(
                "/api/monitoring",
                Some(&cookie(Carol)),
                json!({"coop_id": coop, "online": true}),
            )
            .await;
        assert_eq!(status, 200);
        let bob = store
            .user_by_email(&refdesk_core::Email::parse("bob@riverside.example").unwrap())
            .await
            .unwrap()
            .user;
        let alice_id = app.login("alice@riverside").await.id;
        let (status, conv) = app
            .post(
                "/api/conversations",
                Some(&cookie(Alice)),
                json!({"with": bob.id}),
            )
            .await;
        assert_eq!(status, 200, "{conv}");
        // Alice holds Riverside's chat and has offered it to Bob.
        let (status, _) = app
            .post(
                &format!("/api/chats/{chat}/claim"),
                Some(&cookie(Alice)),
                json!({}),
            )
            .await;
        assert_eq!(status, 200);
        let held = store.chat(chat.parse().unwrap()).await.unwrap();
        let transfer = refdesk_core::Transfer::offer(
            uuid::Uuid::now_v7().into(),
            &held,
            held.state.operator().unwrap(),
            refdesk_core::TransferTarget::Operator(bob.id),
            None,
            None,
            app.clock_now(),
            time::Duration::seconds(600),
        )
        .unwrap();
        let note = refdesk_core::NewMessage {
            id: uuid::Uuid::now_v7().into(),
            stream: held.id.into(),
            kind: refdesk_core::MessageKind::InternalNote,
            sender: refdesk_core::Sender::System,
            body: refdesk_core::MessageBody::parse("Offered to Bob.").unwrap(),
            client_msg_id: None,
            created_at: app.clock_now(),
        };
        let (transfer, _) = store
            .offer_transfer(&refdesk_store::TransferOffer {
                transfer,
                chat_version: held.version,
                note,
                timers: vec![],
            })
            .await
            .unwrap();
        // Riverside's canned message.
        let canned = refdesk_core::CannedMessage::new(
            uuid::Uuid::now_v7().into(),
            refdesk_core::CannedScope::Institution(riverside.id),
            "Matrix greeting",
            "Hello {patron}",
            app.clock_now(),
        )
        .unwrap();
        store.put_canned(&canned).await.unwrap();
        // Riverside's internal FAQ (24/7 Staffing).
        let faq = refdesk_core::Faq::new(
            uuid::Uuid::now_v7().into(),
            riverside.id,
            refdesk_core::FaqVisibility::Internal,
            &refdesk_core::FaqDraft {
                question: "Matrix: staff parking".into(),
                answer: "Level 2.".into(),
                ..Default::default()
            },
            "Level 2.".into(),
            app.clock_now(),
        )
        .unwrap();
        store.put_faqs(std::slice::from_ref(&faq)).await.unwrap();
        // Riverside's ticket, and a mail of its outbox that failed for good.
        let ticket = refdesk_core::Ticket {
            id: uuid::Uuid::now_v7().into(),
            institution_id: riverside.id,
            department_id: widget.department_id,
            chat_id: Some(chat.parse().unwrap()),
            patron_name: "Matrix patron".into(),
            patron_email: refdesk_core::Email::parse("matrix@example.org").unwrap(),
            subject: QUESTION.into(),
            status: refdesk_core::TicketStatus::Open,
            assignee: None,
            created_by: None,
            created_at: app.clock_now(),
            updated_at: app.clock_now(),
        };
        store.create_ticket(&ticket, &[]).await.unwrap();
        let mut mail = refdesk_core::Mail::queued(
            uuid::Uuid::now_v7().into(),
            riverside.id,
            refdesk_core::MailKind::Transcript,
            refdesk_core::Email::parse("matrix@example.org").unwrap(),
            refdesk_core::Rendered {
                subject: "s".into(),
                text: QUESTION.into(),
                html: QUESTION.into(),
            },
            app.clock_now(),
        );
        mail.status = refdesk_core::MailStatus::Failed;
        store.queue_mail(&mail).await.unwrap();
        // A file sent in Riverside's chat.
        let bytes = b"Matrix notes".to_vec();
        let sha256 = refdesk_server::files::sha256_hex(&bytes);
        app.state
            .files()
            .unwrap()
            .put(&sha256, bytes)
            .await
            .unwrap();
        let file = refdesk_core::Attachment {
            id: uuid::Uuid::now_v7().into(),
            chat_id: chat.parse().unwrap(),
            sender: refdesk_core::Sender::System,
            name: "notes.txt".into(),
            content_type: "text/plain; charset=utf-8".into(),
            size: 12,
            sha256,
            created_at: app.clock_now(),
        };
        store.put_attachment(&file).await.unwrap();
        // A chat of Riverside's that has ended: its transcript is for Riverside's admins.
        let (ended, _) = app.start_chat("An ended question").await;
        let waiting = store.chat(ended.parse().unwrap()).await.unwrap();
        let close = waiting
            .decide(
                app.clock_now(),
                refdesk_core::ChatCommand::Close {
                    by: refdesk_core::Sender::Staff(bob.id),
                },
            )
            .unwrap();
        store.apply_decision(&close, None).await.unwrap();
        let elsewhere = refdesk_server::admin::create_coop(
            store,
            DisplayName::parse("Elsewhere Co-op").unwrap(),
        )
        .await
        .unwrap();
        let vars = vec![
            ("{chat}", chat),
            ("{institution}", riverside.id.to_string()),
            ("{department}", widget.department_id.to_string()),
            ("{widget}", widget.id.to_string()),
            ("{coop}", coop.to_string()),
            ("{elsewhere}", elsewhere.id.to_string()),
            ("{bob}", bob.id.to_string()),
            ("{alice}", alice_id),
            ("{conversation}", conv["id"].as_str().unwrap().to_owned()),
            ("{transfer}", transfer.id.to_string()),
            ("{canned}", canned.id.to_string()),
            ("{faq}", faq.id.to_string()),
            ("{ticket}", ticket.id.to_string()),
            ("{mail}", mail.id.to_string()),
            ("{attachment}", file.id.to_string()),
            ("{ended}", ended),
        ];
        World {
            app,
            cookies,
            other_patron,
            vars,
        }
    }

    fn fill(&self, template: &str) -> String {
        let mut s = template.to_owned();
        for (k, v) in &self.vars {
            s = s.replace(k, v);
        }
        s
    }

    async fn call(&self, who: Who, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let url = format!("{}{}", self.app.url, self.fill(path));
        let http = &self.app.http;
        let mut req = match method {
            "GET" => http.get(url),
            "POST" => http.post(url),
            "PUT" => http.put(url),
            "DELETE" => http.delete(url),
            "PATCH" => http.patch(url),
            m => panic!("method {m}"),
        };
        if method != "GET" && method != "DELETE" {
            req = req.json(&serde_json::from_str::<Value>(&self.fill(&body.to_string())).unwrap());
        }
        match who {
            Anonymous => {}
            OtherPatron => req = req.bearer_auth(&self.other_patron),
            w => {
                let c = &self.cookies.iter().find(|(x, _)| *x == w).unwrap().1;
                // The dashboard's requests come from its own origin (the CSRF check).
                req = req.header("cookie", c).header("origin", &self.app.url);
            }
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

/// One endpoint: its OpenAPI method and path, the request the matrix sends, and who may.
struct Row {
    method: &'static str,
    path: &'static str,
    /// The concrete path (with `{chat}`, `{institution}`, … filled in).
    url: &'static str,
    body: Value,
    allowed: &'static [Who],
    /// For a read that lists things: who may see Riverside's chat (or conversation) in it.
    sees_riverside: &'static [Who],
}

fn row(
    method: &'static str,
    path: &'static str,
    url: &'static str,
    allowed: &'static [Who],
) -> Row {
    Row {
        method,
        path,
        url,
        body: json!({}),
        allowed,
        sees_riverside: &[],
    }
}

const RIVERSIDE_ADMINS: &[Who] = &[Rita, Sasha];
const COOP_ADMINS: &[Who] = &[Cora, Sasha];
/// Riverside's tickets: its staff, its admin, the installation's admin.
const RIVERSIDE_STAFF: &[Who] = &[Alice, Rita, Sasha];

fn rows() -> Vec<Row> {
    let policy = json!({"transcript_retention_days": null, "ip_addresses": "truncated",
        "referrer_query": "stripped", "staff_names_shown_to_patrons": true,
        "operator_grace_seconds": 60, "max_chats_per_operator": null,
        "ask_still_monitoring_after_minutes": 60, "coop_monitoring_at_sign_in": false,
        "time_zone": "America/Toronto"});
    let widget = json!({"name": "Matrix box", "department_id": "{department}", "allowed_origins": [],
        "fields": {"name": "optional", "email": "optional", "question": "required"},
        "texts": {"title": null, "greeting": null, "offline": null}});
    let with = |mut r: Row, body: Value| {
        r.body = body;
        r
    };
    let listing = |mut r: Row, sees: &'static [Who]| {
        r.sees_riverside = sees;
        r
    };
    vec![
        with(
            row("POST", "/api/auth/login", "/api/auth/login", &EVERYONE),
            json!({"email": "nobody@x.example", "password": "wrong password"}),
        ),
        row("POST", "/api/auth/logout", "/api/auth/logout", &STAFF),
        // Staff only; the matrix's empty body is refused (400) and changes nothing.
        row("POST", "/api/auth/password", "/api/auth/password", &STAFF),
        row("GET", "/api/auth/totp", "/api/auth/totp", &STAFF),
        row(
            "POST",
            "/api/auth/totp/setup",
            "/api/auth/totp/setup",
            &STAFF,
        ),
        row(
            "POST",
            "/api/auth/totp/enable",
            "/api/auth/totp/enable",
            &STAFF,
        ),
        row(
            "POST",
            "/api/auth/totp/disable",
            "/api/auth/totp/disable",
            &STAFF,
        ),
        row("GET", "/api/me", "/api/me", &STAFF),
        listing(
            row("GET", "/api/chats", "/api/chats", &STAFF),
            &[Alice, Rita],
        ),
        with(
            row("POST", "/api/chats", "/api/chats", &EVERYONE),
            json!({"widget_id": "{widget}", "question": "hi"}),
        ),
        row(
            "GET",
            "/api/chats/{id}",
            "/api/chats/{chat}",
            &[Alice, Rita],
        ),
        row(
            "GET",
            "/api/chats/{id}/today",
            "/api/chats/{chat}/today",
            &[Alice, Rita],
        ),
        row(
            "POST",
            "/api/chats/{id}/claim",
            "/api/chats/{chat}/claim",
            &[Alice, Rita],
        ),
        // An outbound chat with the chat's patron: for those who see the chat (its patron has
        // an open chat, so even they are refused, with a 409, and nothing is made).
        row(
            "POST",
            "/api/chats/{id}/outbound",
            "/api/chats/{chat}/outbound",
            &[Alice, Rita],
        ),
        row(
            "POST",
            "/api/chats/{id}/close",
            "/api/chats/{chat}/close",
            &[Alice, Rita],
        ),
        // Only the chat's own patron ends it, or deletes it; none of the callers is.
        row("POST", "/api/chats/{id}/end", "/api/chats/{chat}/end", &[]),
        row("DELETE", "/api/chats/{id}", "/api/chats/{chat}", &[]),
        row(
            "GET",
            "/api/chats/{id}/messages",
            "/api/chats/{chat}/messages",
            &[Alice, Rita],
        ),
        // A rating: written by the chat's own patron only (none of these callers), read by
        // staff who see the chat.
        with(
            row(
                "POST",
                "/api/chats/{id}/rating",
                "/api/chats/{chat}/rating",
                &[],
            ),
            json!({"stars": 5}),
        ),
        row(
            "GET",
            "/api/chats/{id}/rating",
            "/api/chats/{chat}/rating",
            &[Alice, Rita],
        ),
        row(
            "GET",
            "/api/chats/{id}/tags",
            "/api/chats/{chat}/tags",
            &[Alice, Rita],
        ),
        with(
            row(
                "POST",
                "/api/chats/{id}/tags",
                "/api/chats/{chat}/tags",
                &[Alice, Rita],
            ),
            json!({"tag": "matrix"}),
        ),
        row(
            "DELETE",
            "/api/chats/{id}/tags/{tag}",
            "/api/chats/{chat}/tags/matrix",
            &[Alice, Rita],
        ),
        row("GET", "/api/tags", "/api/tags", &STAFF),
        // Transfers: only the holder offers a chat; a transfer is its sender's and its
        // receivers' (Bob, who is not one of these callers).
        row(
            "GET",
            "/api/chats/{id}/transfer-targets",
            "/api/chats/{chat}/transfer-targets",
            &[Alice],
        ),
        with(
            row(
                "POST",
                "/api/chats/{id}/transfers",
                "/api/chats/{chat}/transfers",
                &[Alice],
            ),
            json!({"target": {"kind": "operator", "id": "{bob}"}}),
        ),
        // Only a librarian who handed the chat over leaves it; its holder does not.
        row(
            "POST",
            "/api/chats/{id}/leave",
            "/api/chats/{chat}/leave",
            &[],
        ),
        row("GET", "/api/transfers", "/api/transfers", &STAFF),
        row(
            "GET",
            "/api/transfers/{id}",
            "/api/transfers/{transfer}",
            &[Alice],
        ),
        row(
            "POST",
            "/api/transfers/{id}/accept",
            "/api/transfers/{transfer}/accept",
            &[],
        ),
        row(
            "POST",
            "/api/transfers/{id}/decline",
            "/api/transfers/{transfer}/decline",
            &[],
        ),
        row(
            "POST",
            "/api/transfers/{id}/cancel",
            "/api/transfers/{transfer}/cancel",
            &[Alice],
        ),
        listing(
            row("GET", "/api/conversations", "/api/conversations", &STAFF),
            &[Alice],
        ),
        // Colleagues: staff of Riverside, and of a co-op partner while monitoring the co-op.
        with(
            row(
                "POST",
                "/api/conversations",
                "/api/conversations",
                &[Alice, Rita, Carol],
            ),
            json!({"with": "{bob}"}),
        ),
        row(
            "GET",
            "/api/conversations/{id}/messages",
            "/api/conversations/{conversation}/messages",
            &[Alice],
        ),
        // Riverside's room: its staff's.
        with(
            row("POST", "/api/rooms", "/api/rooms", &[Alice, Rita]),
            json!({"institution_id": "{institution}"}),
        ),
        // Invitations go to made rooms only, by their members (Alice's direct conversation
        // takes none: a 409 for her, and nothing changes).
        with(
            row(
                "POST",
                "/api/conversations/{id}/members",
                "/api/conversations/{conversation}/members",
                &[Alice],
            ),
            json!({"user": "{alice}"}),
        ),
        // Canned messages: everyone reads those they may insert; Riverside's are written by
        // its admins.
        row("GET", "/api/canned", "/api/canned", &STAFF),
        with(
            row("POST", "/api/canned", "/api/canned", RIVERSIDE_ADMINS),
            json!({"scope": {"kind": "institution", "id": "{institution}"}, "title": "m", "body": "b"}),
        ),
        with(
            row(
                "PUT",
                "/api/canned/{id}",
                "/api/canned/{canned}",
                RIVERSIDE_ADMINS,
            ),
            json!({"scope": {"kind": "institution", "id": "{institution}"}, "title": "m", "body": "b"}),
        ),
        row(
            "DELETE",
            "/api/canned/{id}",
            "/api/canned/{canned}",
            RIVERSIDE_ADMINS,
        ),
        // FAQs: read by the library's staff and its co-ops' librarians and admins (the 24/7
        // Staffing group is for them), written by its admins; a chat's by who sees the chat;
        // a chat box's public ones by anyone.
        row(
            "GET",
            "/api/institutions/{id}/faqs",
            "/api/institutions/{institution}/faqs",
            &STAFF,
        ),
        with(
            row(
                "POST",
                "/api/institutions/{id}/faqs",
                "/api/institutions/{institution}/faqs",
                RIVERSIDE_ADMINS,
            ),
            json!({"visibility": "public", "question": "m", "answer": "b"}),
        ),
        row("GET", "/api/faqs/{id}", "/api/faqs/{faq}", &STAFF),
        with(
            row("PUT", "/api/faqs/{id}", "/api/faqs/{faq}", RIVERSIDE_ADMINS),
            json!({"visibility": "internal", "question": "m", "answer": "b"}),
        ),
        row(
            "DELETE",
            "/api/faqs/{id}",
            "/api/faqs/{faq}",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/faqs/export",
            "/api/institutions/{institution}/faqs/export",
            RIVERSIDE_ADMINS,
        ),
        with(
            row(
                "POST",
                "/api/institutions/{id}/faqs/import",
                "/api/institutions/{institution}/faqs/import",
                RIVERSIDE_ADMINS,
            ),
            json!([]),
        ),
        row(
            "GET",
            "/api/chats/{id}/faqs",
            "/api/chats/{chat}/faqs",
            &[Alice, Rita],
        ),
        row(
            "GET",
            "/api/widgets/{id}/faqs",
            "/api/widgets/{widget}/faqs",
            &EVERYONE,
        ),
        row("GET", "/api/monitoring", "/api/monitoring", &STAFF),
        // Nobody may monitor a co-op they have no grant for.
        with(
            row("PUT", "/api/monitoring", "/api/monitoring", &[]),
            json!({"coop_id": "{elsewhere}", "online": true}),
        ),
        row(
            "GET",
            "/api/coops/{id}/status",
            "/api/coops/{elsewhere}/status",
            &[Sasha],
        ),
        row("GET", "/api/librarians", "/api/librarians", &STAFF),
        row(
            "GET",
            "/api/institutions/{id}/policy",
            "/api/institutions/{institution}/policy",
            RIVERSIDE_ADMINS,
        ),
        with(
            row(
                "PUT",
                "/api/institutions/{id}/policy",
                "/api/institutions/{institution}/policy",
                RIVERSIDE_ADMINS,
            ),
            policy,
        ),
        row(
            "GET",
            "/api/institutions/{id}/board",
            "/api/institutions/{institution}/board",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/coops/{id}/board",
            "/api/coops/{coop}/board",
            COOP_ADMINS,
        ),
        row(
            "GET",
            "/api/coops/{id}/reports/accounting",
            "/api/coops/{coop}/reports/accounting",
            COOP_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/transcripts",
            "/api/institutions/{institution}/transcripts",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/transcripts/{chat}",
            "/api/institutions/{institution}/transcripts/{ended}",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/transcripts/{chat}/export",
            "/api/institutions/{institution}/transcripts/{ended}/export",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/audit",
            "/api/institutions/{institution}/audit",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/reports/chats",
            "/api/institutions/{institution}/reports/chats",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/departments",
            "/api/institutions/{institution}/departments",
            RIVERSIDE_ADMINS,
        ),
        with(
            row(
                "POST",
                "/api/institutions/{id}/departments",
                "/api/institutions/{institution}/departments",
                RIVERSIDE_ADMINS,
            ),
            json!({"name": "Matrix"}),
        ),
        row(
            "DELETE",
            "/api/institutions/{id}/departments/{department_id}",
            "/api/institutions/{institution}/departments/{department}",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/widgets",
            "/api/institutions/{institution}/widgets",
            RIVERSIDE_ADMINS,
        ),
        with(
            row(
                "POST",
                "/api/institutions/{id}/widgets",
                "/api/institutions/{institution}/widgets",
                RIVERSIDE_ADMINS,
            ),
            widget.clone(),
        ),
        with(
            row(
                "PUT",
                "/api/institutions/{id}/widgets/{widget_id}",
                "/api/institutions/{institution}/widgets/{widget}",
                RIVERSIDE_ADMINS,
            ),
            widget,
        ),
        row(
            "GET",
            "/api/institutions/{id}/coops",
            "/api/institutions/{institution}/coops",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/staff",
            "/api/institutions/{institution}/staff",
            RIVERSIDE_ADMINS,
        ),
        with(
            row(
                "POST",
                "/api/institutions/{id}/staff",
                "/api/institutions/{institution}/staff",
                RIVERSIDE_ADMINS,
            ),
            json!({"email": "matrix@riverside.example", "name": "Matrix", "role": "operator", "password": "long enough pass"}),
        ),
        // A co-op's admin does not manage a member's staff.
        with(
            row(
                "PUT",
                "/api/institutions/{id}/staff/{user_id}/role",
                "/api/institutions/{institution}/staff/{bob}/role",
                RIVERSIDE_ADMINS,
            ),
            json!({"role": "operator"}),
        ),
        with(
            row(
                "PUT",
                "/api/institutions/{id}/staff/{user_id}/coops/{coop_id}",
                "/api/institutions/{institution}/staff/{bob}/coops/{coop}",
                RIVERSIDE_ADMINS,
            ),
            json!({"may_monitor": true}),
        ),
        row("GET", "/api/institutions", "/api/institutions", &[Sasha]),
        with(
            row("POST", "/api/institutions", "/api/institutions", &[Sasha]),
            json!({"name": "Matrix Library", "slug": "matrix"}),
        ),
        row("GET", "/api/coops", "/api/coops", &STAFF),
        with(
            row("POST", "/api/coops", "/api/coops", &[Sasha]),
            json!({"name": "Matrix Co-op"}),
        ),
        row(
            "GET",
            "/api/coops/{id}/members",
            "/api/coops/{coop}/members",
            COOP_ADMINS,
        ),
        with(
            row(
                "POST",
                "/api/coops/{id}/members",
                "/api/coops/{coop}/members",
                COOP_ADMINS,
            ),
            json!({"slug": "riverside"}),
        ),
        row(
            "DELETE",
            "/api/coops/{id}/members/{institution_id}",
            "/api/coops/{coop}/members/{institution}",
            COOP_ADMINS,
        ),
        with(
            row(
                "PUT",
                "/api/coops/{id}/members/{institution_id}/hours",
                "/api/coops/{coop}/members/{institution}/hours",
                COOP_ADMINS,
            ),
            json!({"weekly": [], "closed": []}),
        ),
        row(
            "GET",
            "/api/coops/{id}/monitors",
            "/api/coops/{coop}/monitors",
            COOP_ADMINS,
        ),
        with(
            row(
                "PUT",
                "/api/coops/{id}/monitors/{user_id}",
                "/api/coops/{coop}/monitors/{bob}",
                COOP_ADMINS,
            ),
            json!({"may_monitor": false}),
        ),
        row(
            "GET",
            "/api/widgets/{id}",
            "/api/widgets/{widget}",
            &EVERYONE,
        ),
        row("GET", "/healthz", "/healthz", &EVERYONE),
        // Files: sent by those who write in the chat, read by those who see it.
        row(
            "POST",
            "/api/chats/{id}/attachments",
            "/api/chats/{chat}/attachments?name=x.txt",
            // Rita sees the chat but holds it not: `not_assigned`, as for a typed message.
            &[Alice, Rita],
        ),
        row(
            "GET",
            "/api/attachments/{id}",
            "/api/attachments/{attachment}",
            &[Alice, Rita],
        ),
        // Mail: a transcript (patron of the chat or staff who see it), the outbox and the
        // templates (Riverside's admins), the gateway endpoint (off: no token configured).
        with(
            row(
                "POST",
                "/api/chats/{id}/transcript",
                "/api/chats/{chat}/transcript",
                &[Alice, Rita],
            ),
            json!({"email": "matrix@example.org"}),
        ),
        row(
            "GET",
            "/api/institutions/{id}/mails",
            "/api/institutions/{institution}/mails",
            RIVERSIDE_ADMINS,
        ),
        row(
            "POST",
            "/api/mails/{id}/retry",
            "/api/mails/{mail}/retry",
            RIVERSIDE_ADMINS,
        ),
        row(
            "GET",
            "/api/institutions/{id}/mail-templates/{kind}",
            "/api/institutions/{institution}/mail-templates/transcript",
            RIVERSIDE_ADMINS,
        ),
        with(
            row(
                "PUT",
                "/api/institutions/{id}/mail-templates/{kind}",
                "/api/institutions/{institution}/mail-templates/transcript",
                RIVERSIDE_ADMINS,
            ),
            json!({"subject": "s", "text": "t", "html": "h"}),
        ),
        row(
            "DELETE",
            "/api/institutions/{id}/mail-templates/{kind}",
            "/api/institutions/{institution}/mail-templates/transcript",
            RIVERSIDE_ADMINS,
        ),
        with(
            row("POST", "/api/mail/inbound", "/api/mail/inbound", &[]),
            json!({"from": "a@example.org", "text": "x"}),
        ),
        // Tickets: made from a chat by staff who see it, by anyone through the offline form;
        // Riverside's tickets seen by Riverside's staff and admins.
        row(
            "GET",
            "/api/chats/{id}/ticket-form",
            "/api/chats/{chat}/ticket-form",
            &[Alice, Rita],
        ),
        with(
            row(
                "POST",
                "/api/chats/{id}/tickets",
                "/api/chats/{chat}/tickets",
                &[Alice, Rita],
            ),
            json!({"patron_name": "M", "patron_email": "m@example.org"}),
        ),
        with(
            row(
                "POST",
                "/api/widgets/{id}/tickets",
                "/api/widgets/{widget}/tickets",
                &EVERYONE,
            ),
            json!({"name": "M", "email": "m@example.org", "question": "q"}),
        ),
        row(
            "GET",
            "/api/institutions/{id}/tickets",
            "/api/institutions/{institution}/tickets",
            RIVERSIDE_STAFF,
        ),
        row(
            "GET",
            "/api/tickets/{id}",
            "/api/tickets/{ticket}",
            RIVERSIDE_STAFF,
        ),
        with(
            row(
                "PATCH",
                "/api/tickets/{id}",
                "/api/tickets/{ticket}",
                RIVERSIDE_STAFF,
            ),
            json!({"status": "closed"}),
        ),
        with(
            row(
                "POST",
                "/api/tickets/{id}/notes",
                "/api/tickets/{ticket}/notes",
                RIVERSIDE_STAFF,
            ),
            json!({"body": "m"}),
        ),
        with(
            row(
                "POST",
                "/api/tickets/{id}/replies",
                "/api/tickets/{ticket}/replies",
                RIVERSIDE_STAFF,
            ),
            json!({"body": "m"}),
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_refuses_every_caller_it_must_and_leaks_nothing() {
    let w = World::new().await;
    let (_, doc) = w.app.get("/api/openapi.json", None, None).await;
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let rows = rows();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "endpoints without a matrix entry: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "matrix entries for no endpoint: {stale:?}"
    );

    let chat = w.fill("{chat}");
    let conversation = w.fill("{conversation}");
    let mut checked = 0;
    for r in &rows {
        for who in EVERYONE {
            let allowed = r.allowed.contains(&who);
            if allowed && r.method != "GET" {
                continue; // a change the caller may make: not made, the world stays as it is
            }
            let (status, body) = w.call(who, r.method, r.url, &r.body).await;
            let what = format!("{} {} as {who:?}", r.method, r.url);
            if allowed {
                assert_eq!(status, 200, "{what}: {body}");
                if r.path == "/api/chats" || r.path == "/api/conversations" {
                    let text = body.to_string();
                    let shows = text.contains(&chat) || text.contains(&conversation);
                    assert_eq!(shows, r.sees_riverside.contains(&who), "{what}: {body}");
                }
            } else {
                assert!(
                    [401, 403, 404].contains(&status),
                    "{what} must be refused: {status} {body}"
                );
                assert!(body["error"]["code"].is_string(), "{what}: {body}");
                assert!(!body.to_string().contains("1890 ledgers"), "{what}: {body}");
            }
            checked += 1;
        }
    }
    assert!(checked > 250, "{checked}");

    // Refusals that are the point, by allowed callers: an institution admin cannot give co-op
    // access to a co-op the library is not in, and nothing is granted.
    let (status, body) = w
        .call(
            Rita,
            "PUT",
            "/api/institutions/{institution}/staff/{bob}/coops/{elsewhere}",
            &json!({"may_monitor": true}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let bob: refdesk_core::UserId = w.fill("{bob}").parse::<uuid::Uuid>().unwrap().into();
    let elsewhere: refdesk_core::CoopId =
        w.fill("{elsewhere}").parse::<uuid::Uuid>().unwrap().into();
    let grants = w.app.state.store().grants_of(bob).await.unwrap();
    assert!(!grants.contains(&refdesk_core::Grant::MonitorCoop(elsewhere)));
    // A co-op admin cannot add a member to a co-op they do not administer.
    let (status, _) = w
        .call(
            Cora,
            "POST",
            "/api/coops/{elsewhere}/members",
            &json!({"slug": "riverside"}),
        )
        .await;
    assert_eq!(status, 404);
    // The world is as it was: Riverside's chat is still Alice's, its transfer still pending.
    let stored = w
        .app
        .state
        .store()
        .chat(chat.parse().unwrap())
        .await
        .unwrap();
    assert!(matches!(
        stored.state,
        refdesk_core::ChatState::Active { .. }
    ));
    let pending = w.app.state.store().pending_transfer_of(stored.id).await;
    assert_eq!(
        pending.unwrap().unwrap().id.to_string(),
        w.fill("{transfer}")
    );
}

/// The first frame of one of `kinds` (skipping who-is-monitoring news and the frames of
/// streams watched before).
async fn answer_of(ws: &mut crate::ws::Ws, kinds: &[&str]) -> Value {
    loop {
        let f = ws.next().await;
        if kinds.contains(&f["type"].as_str().unwrap_or("")) {
            return f;
        }
    }
}

#[tokio::test]
async fn every_socket_subscription_refuses_what_the_caller_may_not_see() {
    let w = World::new().await;
    let chat = w.fill("{chat}");
    let conversation = w.fill("{conversation}");
    for who in STAFF {
        let cookie = w.cookies.iter().find(|(x, _)| *x == who).unwrap().1.clone();
        let client = crate::app::StaffClient {
            cookie,
            id: String::new(),
        };
        let (mut ws, welcome) = w.app.staff_ws(&client).await;
        let sees_chat = [Alice, Rita].contains(&who);
        let queued = welcome["queue"].to_string().contains(&chat);
        assert_eq!(queued, sees_chat, "{who:?}'s queue: {welcome}");
        // Watching the chat, and the conversation of Alice and Bob.
        ws.send(json!({"type": "watch", "chat_id": chat, "after_seq": 0}))
            .await;
        let answer = answer_of(&mut ws, &["chat", "message", "error"]).await;
        if sees_chat {
            assert!(
                ["chat", "message"].contains(&answer["type"].as_str().unwrap()),
                "{who:?}: {answer}"
            );
        } else {
            assert_eq!(answer["code"], "not_found", "{who:?}: {answer}");
            assert!(!answer.to_string().contains("1890 ledgers"));
        }
        ws.send(json!({"type": "watch", "conversation_id": conversation, "after_seq": 0}))
            .await;
        let answer = answer_of(&mut ws, &["conversation", "error"]).await;
        if who == Alice {
            assert_eq!(answer["type"], "conversation", "{answer}");
        } else {
            assert_eq!(answer["code"], "not_found", "{who:?}: {answer}");
        }
        // Resuming them in a hello is refused the same way (a second socket).
        let mut again = crate::ws::Ws::connect(w.app.addr, Some(&client.cookie)).await;
        again
            .send(json!({"type": "hello", "resume": [{"chat_id": chat, "after_seq": 0}]}))
            .await;
        let first = again.next().await;
        if sees_chat {
            assert_eq!(first["type"], "welcome", "{who:?}: {first}");
        } else {
            assert!(
                first["type"] == "error" || !first.to_string().contains("1890 ledgers"),
                "{who:?}: {first}"
            );
        }
    }
    // A patron of another chat: neither watching it nor resuming it.
    let mut patron = w.app.patron_ws(&w.other_patron, &[]).await;
    patron
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 0}))
        .await;
    let answer = answer_of(&mut patron, &["chat_status", "message", "error"]).await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert!(!answer.to_string().contains("1890 ledgers"));
}
