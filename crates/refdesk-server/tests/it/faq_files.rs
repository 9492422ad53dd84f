//! FAQ import and export (issue 11, item 1): CSV and JSON round trips, all-or-nothing imports
//! that name their first bad FAQ, and another library's FAQ ids never reused.

use crate::app::TestApp;
use serde_json::{Value, json};

async fn institution_of(app: &TestApp, slug: &str) -> String {
    let store = app.state.store();
    store
        .institution_by_slug(slug)
        .await
        .unwrap()
        .id
        .to_string()
}

async fn raw(
    app: &TestApp,
    cookie: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String, String) {
    let url = format!("{}{path}", app.url);
    let req = match method {
        "GET" => app.http.get(url),
        _ => app.http.post(url).body(body.to_owned()),
    };
    let resp = req.header("cookie", cookie).send().await.unwrap();
    let status = resp.status().as_u16();
    let kind = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, resp.text().await.unwrap())
}

#[tokio::test]
async fn faqs_import_and_export_as_csv_and_json() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let sasha = app.login("sasha@lakeside").await;
    let riverside = institution_of(&app, "riverside").await;
    let hillcrest = institution_of(&app, "hillcrest").await;
    let base = format!("/api/institutions/{riverside}/faqs");
    let count = || async {
        app.get(&base, Some(&rita.cookie), None).await.1["total"]
            .as_u64()
            .unwrap()
    };
    let total = count().await;

    let (status, kind, csv) = raw(
        &app,
        &rita.cookie,
        "GET",
        &format!("{base}/export?format=csv"),
        "",
    )
    .await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    assert!(csv.starts_with("id,visibility,group,question,answer,topics,updated_at"));
    let (_, _, json_export) = raw(&app, &rita.cookie, "GET", &format!("{base}/export"), "").await;
    let exported: Vec<Value> = serde_json::from_str(&json_export).unwrap();
    assert_eq!(exported.len() as u64, total);

    // Re-importing an export replaces in place: nothing new.
    let (status, _, done) = raw(
        &app,
        &rita.cookie,
        "POST",
        &format!("{base}/import?format=csv"),
        &csv,
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let done: Value = serde_json::from_str(&done).unwrap();
    assert_eq!(
        (done["created"].as_u64(), done["updated"].as_u64()),
        (Some(0), Some(total))
    );
    assert_eq!(count().await, total);
    let (status, _, done) = raw(
        &app,
        &rita.cookie,
        "POST",
        &format!("{base}/import"),
        &json_export,
    )
    .await;
    assert_eq!(status, 200, "a JSON export imports back: {done}");
    assert_eq!(
        serde_json::from_str::<Value>(&done).unwrap()["updated"].as_u64(),
        Some(total)
    );

    // New FAQs from CSV, topics split on ';'.
    let csv_new = "visibility,group,question,answer,topics\n\
                   public,Services,Can I borrow a telescope?,\"Yes, for **one week**.\",astronomy; loans\n";
    let (status, _, done) = raw(
        &app,
        &rita.cookie,
        "POST",
        &format!("{base}/import?format=csv"),
        csv_new,
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(count().await, total + 1);
    let (_, found) = app
        .get(&format!("{base}?q=telescopes"), Some(&rita.cookie), None)
        .await;
    assert_eq!(found["faqs"][0]["topics"], json!(["astronomy", "loans"]));

    // A bad row names itself and stores nothing, not even the good rows before it.
    let bad = json!([
        {"visibility": "public", "question": "Fine one", "answer": "ok"},
        {"visibility": "public", "question": "Broken one", "answer": ""}
    ]);
    let (status, _, err) = raw(
        &app,
        &rita.cookie,
        "POST",
        &format!("{base}/import"),
        &bad.to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(err.contains("FAQ 2"), "{err}");
    assert_eq!(count().await, total + 1);
    // Another library's FAQ id is refused.
    let (_, other) = app
        .post(
            &format!("/api/institutions/{hillcrest}/faqs"),
            Some(&sasha.cookie),
            json!({"visibility": "public", "question": "Hillcrest's", "answer": "theirs"}),
        )
        .await;
    let steal =
        json!([{"id": other["id"], "visibility": "public", "question": "Mine now", "answer": "x"}]);
    let (status, _, err) = raw(
        &app,
        &rita.cookie,
        "POST",
        &format!("{base}/import"),
        &steal.to_string(),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(
        app.get(
            &format!("/api/faqs/{}", other["id"].as_str().unwrap()),
            Some(&sasha.cookie),
            None
        )
        .await
        .1["question"],
        "Hillcrest's"
    );
    let (status, _, _) = raw(
        &app,
        &rita.cookie,
        "POST",
        &format!("{base}/import?format=xml"),
        "[]",
    )
    .await;
    assert_eq!(status, 400);
}
