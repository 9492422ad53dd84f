//! Canned messages (issue 11, item 2): personal ones for everyone, an institution's written by
//! its admins, a co-op's by the co-op's admins; each librarian lists those they may insert.

use crate::app::TestApp;
use serde_json::{Value, json};

/// The titles of a list, sorted by bytes (the stores order by their own collation).
fn titles(list: &Value) -> Vec<String> {
    let mut t: Vec<String> = list["canned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

#[tokio::test]
async fn canned_messages_follow_their_scope() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let rita = app.login("rita@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let cora = app.login("cora@lakeside").await;
    // What the demo ships (each library's replies, the co-op's welcome), to compare against.
    let demo = |who: &crate::app::StaffClient| {
        let cookie = who.cookie.clone();
        let app = &app;
        async move { titles(&app.get("/api/canned", Some(&cookie), None).await.1) }
    };
    let (alice_demo, carol_demo) = (demo(&alice).await, demo(&carol).await);
    let with = |base: &[String], added: &[&str]| {
        let mut all: Vec<String> = base.to_vec();
        all.extend(added.iter().map(|t| (*t).to_owned()));
        all.sort();
        all
    };
    let (_, me) = app.get("/api/me", Some(&rita.cookie), None).await;
    let riverside = me["user"]["institution_id"].clone();
    let coop = app.demo_coop().await.to_string();
    let body = |kind: &str, id: Option<&Value>, title: &str| json!({"scope": {"kind": kind, "id": id}, "title": title, "body": "Hi {patron}, this is {librarian}."});
    // Alice writes her own; only Rita (admin) writes Riverside's; only Cora the co-op's.
    let (status, own) = app
        .post(
            "/api/canned",
            Some(&alice.cookie),
            body("personal", None, "My sign-off"),
        )
        .await;
    assert_eq!(status, 201, "{own}");
    assert_eq!(
        (own["editable"].as_bool(), own["scope_name"].as_str()),
        (Some(true), Some("Mine"))
    );
    assert_eq!(
        app.post(
            "/api/canned",
            Some(&alice.cookie),
            body("institution", Some(&riverside), "x")
        )
        .await
        .0,
        404
    );
    let (status, lib) = app
        .post(
            "/api/canned",
            Some(&rita.cookie),
            body("institution", Some(&riverside), "Riverside hours"),
        )
        .await;
    assert_eq!(status, 201, "{lib}");
    let coop_id = json!(coop);
    assert_eq!(
        app.post(
            "/api/canned",
            Some(&rita.cookie),
            body("coop", Some(&coop_id), "x")
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.post(
            "/api/canned",
            Some(&cora.cookie),
            body("coop", Some(&coop_id), "Co-op greeting")
        )
        .await
        .0,
        201
    );

    // Each lists what they may insert.
    let (_, a) = app.get("/api/canned", Some(&alice.cookie), None).await;
    assert_eq!(
        titles(&a),
        with(
            &alice_demo,
            &["Co-op greeting", "My sign-off", "Riverside hours"]
        )
    );
    let library = a["canned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Riverside hours")
        .unwrap();
    assert_eq!(library["editable"], false, "Alice uses it, Rita manages it");
    let (_, c) = app.get("/api/canned", Some(&carol.cookie), None).await;
    assert_eq!(
        titles(&c),
        with(&carol_demo, &["Co-op greeting"]),
        "Carol sees neither Alice's nor Riverside's"
    );

    // Bad input changes nothing; another's is not found; a scope never moves.
    for bad in [
        body("personal", None, " "),
        json!({"scope": {"kind": "personal"}, "title": "t", "body": ""}),
        json!({"scope": {"kind": "team"}, "title": "t", "body": "b"}),
        json!({"scope": {"kind": "personal"}, "title": "t", "body": "b", "extra": 1}),
    ] {
        let (status, answer) = app
            .post("/api/canned", Some(&alice.cookie), bad.clone())
            .await;
        assert_eq!(status, 400, "{bad} → {answer}");
    }
    let path = format!("/api/canned/{}", own["id"].as_str().unwrap());
    assert_eq!(
        app.put(&path, Some(&rita.cookie), body("personal", None, "Stolen"))
            .await
            .0,
        404
    );
    assert_eq!(app.delete(&path, Some(&rita.cookie)).await.0, 404);
    assert_eq!(
        app.put(
            &path,
            Some(&alice.cookie),
            body("institution", Some(&riverside), "Moved")
        )
        .await
        .0,
        400
    );
    let (status, renamed) = app
        .put(
            &path,
            Some(&alice.cookie),
            body("personal", None, "Goodbye"),
        )
        .await;
    assert_eq!((status, renamed["title"].as_str()), (200, Some("Goodbye")));
    assert_eq!(app.delete(&path, Some(&alice.cookie)).await.0, 204);
    let (_, after) = app.get("/api/canned", Some(&alice.cookie), None).await;
    assert_eq!(
        titles(&after),
        with(&alice_demo, &["Co-op greeting", "Riverside hours"])
    );
}
