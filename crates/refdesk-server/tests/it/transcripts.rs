//! Transcript search (issue 12): an institution admin finds past chats of their library by
//! words (the patron's, the librarians', the notes'), librarian, tag and rating; opens one
//! with its internal notes marked, exports it; every access is in the audit log, which only
//! that library's admins read. Bad input is refused and records nothing.

use crate::app::TestApp;
use crate::ws::send_frame;
use serde_json::{Value, json};

async fn audit(app: &TestApp, cookie: &str, riverside: &str) -> Vec<Value> {
    let (status, log) = app
        .get(
            &format!("/api/institutions/{riverside}/audit"),
            Some(cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{log}");
    log["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn admins_find_read_and_export_past_chats_and_every_access_is_audited() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let riverside = crate::faqs::institution_of(&app, "riverside").await;

    // Alice answers an interlibrary-loan question, leaves a note, tags and closes it; the
    // patron rates it 4. The question holds markup, which must come back escaped.
    let (ill, ill_token) = app
        .start_chat("Can I get an interlibrary loan for my <b>thesis</b>?")
        .await;
    assert_eq!(app.claim(&alice, &ill).await.0, 200);
    let (mut ws, _) = app.staff_ws(&alice).await;
    ws.send(send_frame(&ill, "m1", "Yes: fill in the request form."))
        .await;
    ws.next_answer().await;
    ws.send(
        json!({"type": "send", "chat_id": ill, "client_msg_id": "n1",
        "body": "Patron is visiting faculty.", "kind": "internal_note"}),
    )
    .await;
    ws.next_answer().await;
    let tags = format!("/api/chats/{ill}/tags");
    assert_eq!(
        app.post(&tags, Some(&alice.cookie), json!({"tag": "ILL"}))
            .await
            .0,
        200
    );
    let close = format!("/api/chats/{ill}/close");
    assert_eq!(
        app.post(&close, Some(&alice.cookie), json!({})).await.0,
        200
    );
    let rated = app
        .http
        .post(format!("{}/api/chats/{ill}/rating", app.url))
        .bearer_auth(&ill_token)
        .json(&json!({"stars": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 201);
    // Another ended chat about printing; an open one about loans too (not searchable yet).
    let (print, _) = app.start_chat("Where is the printer?").await;
    assert_eq!(app.claim(&alice, &print).await.0, 200);
    let close_print = format!("/api/chats/{print}/close");
    assert_eq!(
        app.post(&close_print, Some(&alice.cookie), json!({}))
            .await
            .0,
        200
    );
    app.start_chat("An interlibrary loan, please").await;

    let base = format!("/api/institutions/{riverside}/transcripts");
    let search = |query: String| {
        let cookie = rita.cookie.clone();
        let path = format!("{base}?{query}");
        let app = &app;
        async move {
            let (status, body) = app.get(&path, Some(&cookie), None).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };
    let ids = |list: &Value| -> Vec<String> {
        list["chats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["chat_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = search(String::new()).await;
    assert_eq!(all["total"], 2, "ended chats only: {all}");
    assert_eq!(ids(&all), [print.clone(), ill.clone()], "newest first");
    let found = search("q=interlibrary%20loans".into()).await;
    assert_eq!(ids(&found), std::slice::from_ref(&ill));
    let hit = &found["chats"][0];
    let snippet = hit["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("<mark>interlibrary</mark>"), "{snippet}");
    assert!(
        snippet.contains("&lt;b&gt;thesis&lt;/b&gt;"),
        "escaped: {snippet}"
    );
    assert_eq!(hit["operator_name"], "Alice Archer");
    assert_eq!(hit["tags"], json!(["ill"]));
    assert_eq!(hit["stars"], 4);
    assert_eq!(hit["outcome"], "answered");
    assert_eq!(
        ids(&search("q=faculty".into()).await),
        std::slice::from_ref(&ill),
        "notes too"
    );
    assert_eq!(
        ids(&search("q=request%20form".into()).await),
        std::slice::from_ref(&ill)
    );
    assert!(ids(&search("q=interlibrary%20printer".into()).await).is_empty());
    assert_eq!(
        ids(&search("tag=ILL".into()).await),
        std::slice::from_ref(&ill)
    );
    assert_eq!(
        ids(&search("rating=4".into()).await),
        std::slice::from_ref(&ill)
    );
    assert!(ids(&search("rating=5&q=interlibrary".into()).await).is_empty());
    let by_alice = search(format!("operator={}", alice.id)).await;
    assert_eq!(by_alice["total"], 2);
    assert_eq!(
        search("limit=1&offset=1".into()).await["chats"][0]["chat_id"],
        json!(ill)
    );

    // The transcript, whole, notes marked; then as a file.
    let one = format!("{base}/{ill}");
    let (status, t) = app.get(&one, Some(&rita.cookie), None).await;
    assert_eq!(status, 200, "{t}");
    let kinds: Vec<&str> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"internal_note"), "{kinds:?}");
    assert!(
        kinds.contains(&"patron") && kinds.contains(&"operator"),
        "{kinds:?}"
    );
    assert_eq!(
        t["summary"]["patron_name"], "Pat",
        "their own library's transcript"
    );
    let file = app
        .http
        .get(format!("{}{one}/export", app.url))
        .header("cookie", &rita.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = file.text().await.unwrap();
    assert!(
        text.contains("Alice Archer [internal note]: Patron is visiting faculty."),
        "{text}"
    );
    assert!(text.contains("Yes: fill in the request form."), "{text}");
    assert!(text.contains("Rating: 4 of 5"), "{text}");

    // A note after the end is found too.
    ws.send(
        json!({"type": "send", "chat_id": ill, "client_msg_id": "n2",
        "body": "Followed up by telephone.", "kind": "internal_note"}),
    )
    .await;
    ws.next_answer().await;
    assert_eq!(
        ids(&search("q=telephone".into()).await),
        std::slice::from_ref(&ill)
    );

    // The log: newest first, who and what.
    let log = audit(&app, &rita.cookie, &riverside).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        &actions[..3],
        [
            "transcripts_searched",
            "transcript_exported",
            "transcript_viewed"
        ]
    );
    assert_eq!(actions.len(), 13, "{actions:?}");
    assert_eq!(log[1]["chat_id"], json!(ill));
    assert_eq!(log[1]["actor_name"], "Rita Rivers");
    assert!(
        log[0]["detail"]
            .as_str()
            .unwrap()
            .contains("words \"telephone\"")
    );

    // Bad input: refused, and nothing recorded.
    for bad in [
        "rating=9",
        "limit=0",
        "limit=51",
        "from=yesterday",
        "from=2026-01-02&to=2026-01-01",
        "q=the%20a",
        "tag=%20",
        "colour=red",
    ] {
        let (status, body) = app
            .get(&format!("{base}?{bad}"), Some(&rita.cookie), None)
            .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query", "{bad}: {body}");
    }
    let (status, _) = app
        .get(
            &format!("{one}/export?format=pdf"),
            Some(&rita.cookie),
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(audit(&app, &rita.cookie, &riverside).await.len(), 13);

    // Not theirs: a librarian, another library's staff; an open chat; another library's id.
    for cookie in [&alice.cookie, &carol.cookie] {
        assert_eq!(app.get(&base, Some(cookie), None).await.0, 404);
        assert_eq!(app.get(&one, Some(cookie), None).await.0, 404);
        let log = format!("/api/institutions/{riverside}/audit");
        assert_eq!(app.get(&log, Some(cookie), None).await.0, 404);
    }
    let (open, _) = app.start_chat("Still waiting").await;
    assert_eq!(
        app.get(&format!("{base}/{open}"), Some(&rita.cookie), None)
            .await
            .0,
        404
    );
    let hillcrest = crate::faqs::institution_of(&app, "hillcrest").await;
    let theirs = format!("/api/institutions/{hillcrest}/transcripts/{ill}");
    assert_eq!(app.get(&theirs, Some(&carol.cookie), None).await.0, 404);
    assert_eq!(audit(&app, &rita.cookie, &riverside).await.len(), 13);
}
