//! The privacy engine (issue 13, item 5): a patron's address kept as the policy says; old
//! chats' patrons forgotten and then their transcripts deleted as the policy says, on the
//! node's clock (moved on by the test); a patron deleting their own ended chat; the privacy
//! notice written from the policy, linked from the chat box's configuration.

use crate::app::{StaffClient, TestApp};
use crate::ws::send_frame;
use serde_json::{Value, json};
use time::Duration;

async fn set_policy(app: &TestApp, rita: &StaffClient, tune: impl FnOnce(&mut Value)) {
    let id = crate::faqs::institution_of(app, "riverside").await;
    let path = format!("/api/institutions/{id}/policy");
    let (status, mut p) = app.get(&path, Some(&rita.cookie), None).await;
    assert_eq!(status, 200, "{p}");
    tune(&mut p);
    let (status, saved) = app.put(&path, Some(&rita.cookie), p).await;
    assert_eq!(status, 200, "{saved}");
}

async fn preview(app: &TestApp, staff: &StaffClient, chat: &str) -> Value {
    let (status, view) = app
        .get(&format!("/api/chats/{chat}"), Some(&staff.cookie), None)
        .await;
    assert_eq!(status, 200, "{view}");
    view
}

async fn bodies(app: &TestApp, staff: &StaffClient, chat: &str) -> Vec<String> {
    let (status, h) = app
        .get(
            &format!("/api/chats/{chat}/messages"),
            Some(&staff.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{h}");
    h["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] != "system")
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn patron_delete(app: &TestApp, chat: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = app.http.delete(format!("{}/api/chats/{chat}", app.url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_patrons_address_is_kept_as_the_policy_says() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let alice = app.login("alice@riverside").await;
    for (mode, kept) in [
        ("not_stored", Value::Null),
        ("truncated", json!("127.0.0.0")),
        ("stored", json!("127.0.0.1")),
    ] {
        set_policy(&app, &rita, |p| p["ip_addresses"] = json!(mode)).await;
        let (chat, _) = app.start_chat("Where are the atlases?").await;
        assert_eq!(
            preview(&app, &alice, &chat).await["patron_ip"],
            kept,
            "{mode}"
        );
    }
}

#[tokio::test]
async fn old_chats_lose_their_patron_then_their_transcript() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let alice = app.login("alice@riverside").await;
    set_policy(&app, &rita, |p| {
        p["patron_identity_retention_days"] = json!(30);
        p["transcript_retention_days"] = json!(365);
        p["ip_addresses"] = json!("stored");
    })
    .await;
    let (status, started) = app
        .post(
            "/api/chats",
            None,
            json!({"widget_id": app.widget_id, "name": "Quinn Doe",
                   "email": "quinn@mail.example",
                   "question": "Call me at 555-123-4567 about my thesis",
                   "referrer": "https://riverside.example/catalog?card=12345"}),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    let chat = started["chat"]["id"].as_str().unwrap().to_owned();
    let token = started["guest_token"].as_str().unwrap().to_owned();
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let (mut ws, _) = app.staff_ws(&alice).await;
    ws.send(send_frame(
        &chat,
        "m1",
        "I will write to quinn@mail.example today.",
    ))
    .await;
    ws.next_answer().await;
    let close = format!("/api/chats/{chat}/close");
    assert_eq!(
        app.post(&close, Some(&alice.cookie), json!({})).await.0,
        200
    );
    let rated = app
        .http
        .post(format!("{}/api/chats/{chat}/rating", app.url))
        .bearer_auth(&token)
        .json(&json!({"stars": 4, "comment": "Text me on 555-987-6543"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 201);
    // Hillcrest keeps everything (no policy): its chat of the same day is untouched.
    let hillcrest = crate::faqs::institution_of(&app, "hillcrest").await;
    let widgets = app
        .state
        .store()
        .widgets(hillcrest.parse().unwrap())
        .await
        .unwrap();
    let (theirs, _) = app
        .start_chat_on(&widgets[0].id.to_string(), "Call 555-222-3333")
        .await;
    let carol = app.login("carol@hillcrest").await;
    assert_eq!(app.claim(&carol, &theirs).await.0, 200);
    let close_theirs = format!("/api/chats/{theirs}/close");
    assert_eq!(
        app.post(&close_theirs, Some(&carol.cookie), json!({}))
            .await
            .0,
        200
    );

    let swept = |forgotten, deleted| refdesk_server::service::privacy::Swept { forgotten, deleted };
    assert_eq!(app.state.sweep_patron_data().await.unwrap(), swept(0, 0));
    app.clock.advance(Duration::days(29));
    assert_eq!(
        app.state.sweep_patron_data().await.unwrap(),
        swept(0, 0),
        "29 days"
    );
    app.clock.advance(Duration::days(2));
    assert_eq!(
        app.state.sweep_patron_data().await.unwrap(),
        swept(1, 0),
        "31 days"
    );
    assert_eq!(
        app.state.sweep_patron_data().await.unwrap(),
        swept(0, 0),
        "once"
    );

    let alice = app.login("alice@riverside").await;
    let view = preview(&app, &alice, &chat).await;
    for field in ["patron_name", "patron_email", "patron_ip", "user_agent"] {
        assert_eq!(view[field], Value::Null, "{field}: {view}");
    }
    assert_eq!(view["referrer"], "https://riverside.example/catalog");
    assert_eq!(
        view["question"],
        "Call me at [phone removed] about my thesis"
    );
    let said = bodies(&app, &alice, &chat).await;
    assert_eq!(
        said,
        [
            "Call me at [phone removed] about my thesis",
            "I will write to [email removed] today."
        ]
    );
    let (_, rating) = app
        .get(
            &format!("/api/chats/{chat}/rating"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(rating["comment"], "Text me on [phone removed]");
    let carol = app.login("carol@hillcrest").await;
    assert_eq!(
        bodies(&app, &carol, &theirs).await,
        ["Call 555-222-3333"],
        "another library's policy"
    );

    app.clock.advance(Duration::days(335));
    assert_eq!(
        app.state.sweep_patron_data().await.unwrap(),
        swept(0, 1),
        "366 days"
    );
    let rita = app.login("rita@riverside").await;
    let alice = app.login("alice@riverside").await;
    assert!(bodies(&app, &alice, &chat).await.is_empty());
    let view = preview(&app, &alice, &chat).await;
    assert_eq!(
        (&view["question"], &view["referrer"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(view["status"], "closed", "the chat itself stays");
    // It still counts in the reports, with its stars.
    let riverside = crate::faqs::institution_of(&app, "riverside").await;
    let day = (app.clock_now() - Duration::days(366)).date();
    let (status, report) = app
        .get(
            &format!(
                "/api/institutions/{riverside}/reports/chats?from={}&to={}",
                day - Duration::days(1),
                day + Duration::days(1)
            ),
            Some(&rita.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["total"]["chats"], 1, "{report}");
    assert_eq!(report["ratings"]["by_stars"], json!([0, 0, 0, 1, 0]));
}

#[tokio::test]
async fn a_patron_deletes_their_own_ended_chat() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("My card number is 12345").await;
    let (other, other_token) = app.start_chat("Another patron's question").await;
    let (status, body) = patron_delete(&app, &chat, Some(&token)).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("chat_open")),
        "{body}"
    );
    assert_eq!(patron_delete(&app, &chat, None).await.0, 401);
    assert_eq!(patron_delete(&app, &chat, Some(&other_token)).await.0, 404);
    // A librarian's session is not the patron's token.
    let resp = app
        .http
        .delete(format!("{}/api/chats/{chat}", app.url))
        .header("cookie", &alice.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        bodies(&app, &alice, &chat).await,
        ["My card number is 12345"]
    );

    let end = app
        .http
        .post(format!("{}/api/chats/{chat}/end", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(end.status(), 200);
    assert_eq!(patron_delete(&app, &chat, Some(&token)).await.0, 204);
    assert_eq!(
        patron_delete(&app, &chat, Some(&token)).await.0,
        204,
        "again"
    );
    let (status, history) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    assert_eq!(
        (status, &history["messages"]),
        (200, &json!([])),
        "{history}"
    );
    let view = preview(&app, &alice, &chat).await;
    assert_eq!(
        (&view["patron_name"], &view["question"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        bodies(&app, &alice, &other).await,
        ["Another patron's question"],
        "another chat is untouched"
    );
}

#[tokio::test]
async fn the_privacy_notice_says_what_the_policy_keeps() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    set_policy(&app, &rita, |p| {
        p["patron_identity_retention_days"] = json!(30);
        p["transcript_retention_days"] = json!(1);
        p["ip_addresses"] = json!("not_stored");
    })
    .await;
    let resp = app
        .http
        .get(format!("{}/privacy/riverside", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "no script: {csp}");
    let page = resp.text().await.unwrap();
    for said in [
        "Riverside",
        "removed 30 days after the chat ends",
        "deleted 1 day after the chat ends",
        "Your internet (IP) address is not kept.",
        "loads nothing from any other site",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    assert!(
        page.contains("co-op") || page.contains("Co-op"),
        "who answers for it: {page}"
    );
    let missing = app
        .http
        .get(format!("{}/privacy/nowhere", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let (status, config) = app
        .get(&format!("/api/widgets/{}", app.widget_id), None, None)
        .await;
    assert_eq!(
        (status, &config["privacy_url"]),
        (200, &json!("/privacy/riverside"))
    );
}
