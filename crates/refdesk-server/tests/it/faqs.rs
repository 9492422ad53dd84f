//! FAQs (issue 11, item 1): written by a library's admins, read by its staff and its co-ops'
//! librarians, searched with ranking and stemming in the patron's home library only; public
//! ones on the library's FAQ page and suggested by its chat box, internal ones never to
//! patrons; answers sanitised; import and export as CSV and JSON.

use crate::app::TestApp;
use crate::ws::STAFF_ONLY;
use serde_json::{Value, json};

fn questions(list: &Value) -> Vec<String> {
    list["faqs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["question"].as_str().unwrap().to_owned())
        .collect()
}

/// An institution's id, by its slug.
pub async fn institution_of(app: &TestApp, slug: &str) -> String {
    let store = app.state.store();
    store
        .institution_by_slug(slug)
        .await
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn faqs_are_written_by_admins_and_searched_only_where_they_belong() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let rita = app.login("rita@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let sasha = app.login("sasha@lakeside").await;
    let riverside = institution_of(&app, "riverside").await;
    let hillcrest = institution_of(&app, "hillcrest").await;
    let faqs = format!("/api/institutions/{riverside}/faqs");
    let (_, before) = app.get(&faqs, Some(&alice.cookie), None).await;
    let total = before["total"].as_u64().unwrap();
    assert!(total >= 10, "the demo ships FAQs: {before}");

    // Rita (Riverside's admin) writes an internal FAQ; Alice may not; bad input changes nothing.
    let internal = json!({"visibility": "internal", "question": "Where do co-op staff send parking questions?",
        "answer": format!("To the **facilities** desk. {STAFF_ONLY}"), "topics": ["Parking"]});
    assert_eq!(
        app.post(&faqs, Some(&alice.cookie), internal.clone())
            .await
            .0,
        404
    );
    let (status, made) = app.post(&faqs, Some(&rita.cookie), internal).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["group"], "24/7 Staffing");
    assert_eq!(made["topics"], json!(["parking"]));
    assert!(
        made["answer_html"]
            .as_str()
            .unwrap()
            .contains("<strong>facilities</strong>")
    );
    assert_eq!(made["public_url"], Value::Null);
    for bad in [
        json!({"visibility": "internal", "question": " ", "answer": "a"}),
        json!({"visibility": "secret", "question": "q", "answer": "a"}),
        json!({"visibility": "public", "question": "q", "answer": ""}),
        json!({"visibility": "public", "question": "q", "answer": "a", "topics": (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
        json!({"visibility": "public", "question": "q", "answer": "a", "extra": 1}),
    ] {
        let (status, body) = app.post(&faqs, Some(&rita.cookie), bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert!(body["error"]["message"].is_string());
    }
    let (_, after) = app.get(&faqs, Some(&alice.cookie), None).await;
    assert_eq!(after["total"].as_u64().unwrap(), total + 1);
    let id = made["id"].as_str().unwrap();
    let one = format!("/api/faqs/{id}");
    let edit = json!({"visibility": "internal", "question": "Parking for co-op staff", "answer": "Level 2."});
    assert_eq!(
        app.put(&one, Some(&alice.cookie), edit.clone()).await.0,
        403
    );
    let (status, edited) = app.put(&one, Some(&rita.cookie), edit).await;
    assert_eq!(
        (status, edited["question"].as_str()),
        (200, Some("Parking for co-op staff"))
    );

    // Search: the demo's real questions rank first; stems and prefixes match; snippets mark.
    let search = |q: &str| format!("{faqs}?visibility=public&q={}", q.replace(' ', "%20"));
    for (q, first) in [
        ("how do I renew a book", "How do I renew a book?"),
        (
            "interlibrary loan",
            "Can I borrow a book the library does not own?",
        ),
        (
            "can I print from my laptop",
            "How do I print from my laptop or phone?",
        ),
        ("renewing", "How do I renew a book?"),
    ] {
        let (status, found) = app.get(&search(q), Some(&alice.cookie), None).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(
            questions(&found).first().map(String::as_str),
            Some(first),
            "{q}: {found}"
        );
    }
    let (_, found) = app
        .get(&search("wireless printing"), Some(&alice.cookie), None)
        .await;
    let snippet = found["faqs"][0]["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("<mark>wireless</mark>"), "{snippet}");
    // Public search never finds the internal FAQ; an internal search does.
    assert!(
        questions(
            &app.get(&search("parking"), Some(&alice.cookie), None)
                .await
                .1
        )
        .is_empty()
    );
    let (_, internal) = app
        .get(
            &format!("{faqs}?visibility=internal&q=parking"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(questions(&internal), ["Parking for co-op staff"]);
    // Never another library's: Sasha writes one for Hillcrest; Riverside's search does not see it.
    let (status, _) = app
        .post(
            &format!("/api/institutions/{hillcrest}/faqs"),
            Some(&sasha.cookie),
            json!({"visibility": "public", "question": "Quokka sightings?", "answer": "Quokkas live on the roof."}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(
        questions(
            &app.get(&format!("{faqs}?q=quokka"), Some(&alice.cookie), None)
                .await
                .1
        )
        .is_empty()
    );
    // A co-op librarian (Carol, Hillcrest) reads Riverside's FAQs, internal ones too.
    let (status, coop_view) = app
        .get(
            &format!("{faqs}?visibility=internal"),
            Some(&carol.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        questions(&coop_view)[0],
        "Parking for co-op staff",
        "most recent first"
    );

    // The chat box suggests public FAQs only; nothing internal ever reaches a patron.
    let suggest = |q: &str| {
        format!(
            "/api/widgets/{}/faqs?q={}",
            app.widget_id,
            q.replace(' ', "%20")
        )
    };
    let (status, suggested) = app.get(&suggest("renewing my books"), None, None).await;
    assert_eq!(status, 200);
    let s = &suggested["faqs"][0];
    assert_eq!(s["question"], "How do I renew a book?");
    assert!(
        s["url"]
            .as_str()
            .unwrap()
            .starts_with("/faq/riverside#faq-")
    );
    assert!(s.get("answer").is_none());
    let (_, parking) = app.get(&suggest("parking for staff"), None, None).await;
    assert!(!questions(&parking).contains(&"Parking for co-op staff".to_owned()));
    assert!(questions(&app.get(&suggest("quokka"), None, None).await.1).is_empty());
    assert_eq!(app.get(&format!("/api/faqs/{id}"), None, None).await.0, 401);

    // Deleting takes it out of search.
    assert_eq!(app.delete(&one, Some(&alice.cookie)).await.0, 403);
    assert_eq!(app.delete(&one, Some(&rita.cookie)).await.0, 204);
    assert_eq!(app.get(&one, Some(&rita.cookie), None).await.0, 404);
    assert!(
        questions(
            &app.get(&format!("{faqs}?q=parking"), Some(&alice.cookie), None)
                .await
                .1
        )
        .is_empty()
    );
}

#[tokio::test]
async fn a_chats_faqs_are_its_home_librarys_for_whoever_sees_the_chat() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let dave = app.login("dave@lakeside").await;
    let (chat, _) = app.start_chat("Can I renew my books?").await;
    app.claim(&alice, &chat).await;
    let (status, list) = app
        .get(
            &format!("/api/chats/{chat}/faqs"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["institution_name"], "Riverside Public Library");
    for f in list["faqs"].as_array().unwrap() {
        assert_eq!(f["visibility"], "internal", "internal by default: {f}");
    }
    let (_, public) = app
        .get(
            &format!("/api/chats/{chat}/faqs?visibility=public&q=renew"),
            Some(&alice.cookie),
            None,
        )
        .await;
    let first = &public["faqs"][0];
    assert_eq!(first["question"], "How do I renew a book?");
    assert!(
        first["public_url"]
            .as_str()
            .unwrap()
            .starts_with("/faq/riverside#faq-")
    );
    // Dave (Lakeside, not monitoring the co-op) does not see the chat, so not its FAQs either.
    assert_eq!(
        app.get(&format!("/api/chats/{chat}/faqs"), Some(&dave.cookie), None)
            .await
            .0,
        404
    );
    assert_eq!(
        app.get(
            &format!("/api/chats/{chat}/faqs?limit=500"),
            Some(&alice.cookie),
            None
        )
        .await
        .0,
        400
    );
}

#[tokio::test]
async fn answers_are_sanitised_and_the_public_page_escapes() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let riverside = institution_of(&app, "riverside").await;
    let (status, made) = app
        .post(
            &format!("/api/institutions/{riverside}/faqs"),
            Some(&rita.cookie),
            json!({"visibility": "public", "group": "<i>Tricks</i>", "question": "<script>alert('q')</script> Tricky?",
                   "answer": "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) <a href=\"https://ok.example\" onclick=\"alert(4)\">ok</a>"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let html = made["answer_html"].as_str().unwrap();
    for bad in [
        "<script",
        "onerror",
        "href=\"javascript:",
        "onclick",
        "<img",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    let resp = app
        .http
        .get(format!("{}/faq/riverside", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-"),
        "{csp}"
    );
    let page = resp.text().await.unwrap();
    assert!(page.contains("How do I renew a book?"));
    assert!(
        page.contains("&lt;script&gt;alert("),
        "the question is escaped"
    );
    assert!(page.contains("&lt;i&gt;Tricks"), "the group is escaped");
    assert!(!page.contains("<script>alert"), "no injected script");
    assert!(!page.contains("onerror") && !page.contains("href=\"javascript:"));
    assert!(
        !page.contains("24/7 Staffing"),
        "internal FAQs are not published"
    );
    let found = app
        .http
        .get(format!("{}/faq/riverside?q=renewing", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("How do I renew a book?"));
    assert!(!found.contains("Can I book a study room?"));
    let missing = app
        .http
        .get(format!("{}/faq/nowhere", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
