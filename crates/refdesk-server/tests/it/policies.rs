//! Institution policies (issue 9, item 7, and the staffing settings of item 6): only an
//! institution's admins read and change them, bad values change nothing, and they take effect:
//! referrer queries, staff names shown to patrons, the chats-per-operator limit, co-op
//! monitoring at sign-in.

use crate::app::TestApp;
use serde_json::{Value, json};

async fn riverside_policy_path(app: &TestApp) -> String {
    let id = app
        .state
        .store()
        .institution_by_slug("riverside")
        .await
        .unwrap()
        .id;
    format!("/api/institutions/{id}/policy")
}

fn policy(tune: impl FnOnce(&mut Value)) -> Value {
    let mut p = json!({
        "transcript_retention_days": 365,
        "ip_addresses": "not_stored",
        "referrer_query": "stripped",
        "staff_names_shown_to_patrons": true,
        "operator_grace_seconds": 60,
        "max_chats_per_operator": null,
        "ask_still_monitoring_after_minutes": 60,
        "coop_monitoring_at_sign_in": false,
        "time_zone": "America/Toronto"
    });
    tune(&mut p);
    p
}

#[tokio::test]
async fn only_the_institutions_admins_manage_its_policy() {
    let app = TestApp::spawn().await;
    let path = riverside_policy_path(&app).await;
    let rita = app.login("rita@riverside").await;
    let (status, body) = app.get(&path, Some(&rita.cookie), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["ip_addresses"], "truncated", "the default: {body}");
    assert_eq!(body["referrer_query"], "stripped");
    // An operator of the same library, and the co-op's admin: not found.
    for who in ["alice@riverside", "cora@lakeside"] {
        let other = app.login(who).await;
        assert_eq!(
            app.get(&path, Some(&other.cookie), None).await.0,
            404,
            "{who}"
        );
        assert_eq!(
            app.put(&path, Some(&other.cookie), policy(|_| {})).await.0,
            404,
            "{who}"
        );
    }
    // Bad values are refused and change nothing.
    for bad in [
        policy(|p| p["operator_grace_seconds"] = json!(1)),
        policy(|p| p["time_zone"] = json!("Mars/Olympus")),
        policy(|p| p["ip_addresses"] = json!("sometimes")),
        policy(|p| p["extra"] = json!(true)),
        policy(|p| {
            p.as_object_mut()
                .unwrap()
                .remove("coop_monitoring_at_sign_in");
        }),
    ] {
        let (status, body) = app.put(&path, Some(&rita.cookie), bad).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_body")),
            "{body}"
        );
    }
    assert_eq!(
        app.get(&path, Some(&rita.cookie), None).await.1["ip_addresses"],
        "truncated"
    );
    let (status, body) = app.put(&path, Some(&rita.cookie), policy(|_| {})).await;
    assert_eq!((status, &body["ip_addresses"]), (200, &json!("not_stored")));
    assert_eq!(
        app.get(&path, Some(&rita.cookie), None).await.1["transcript_retention_days"],
        365
    );
}

#[tokio::test]
async fn policies_take_effect() {
    let app = TestApp::spawn().await;
    let path = riverside_policy_path(&app).await;
    let rita = app.login("rita@riverside").await;
    let tuned = policy(|p| {
        p["referrer_query"] = json!("kept");
        p["staff_names_shown_to_patrons"] = json!(false);
        p["max_chats_per_operator"] = json!(1);
        p["coop_monitoring_at_sign_in"] = json!(true);
    });
    assert_eq!(app.put(&path, Some(&rita.cookie), tuned).await.0, 200);

    // The referrer keeps its query; patrons see "Librarian", never a name.
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("first").await;
    let (_, view) = app
        .get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
        .await;
    assert_eq!(
        view["referrer"],
        "https://riverside.example/catalog?card=12345"
    );
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    let (status, _) = patron.until("chat_status").await;
    assert_eq!(status["chat"]["operator_name"], "Librarian", "{status}");
    let (_, history) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    assert!(!history.to_string().contains("Alice"), "{history}");

    // One chat at a time: the second claim is refused with a clear message.
    let (second, _) = app.start_chat("second").await;
    let (status, body) = app.claim(&alice, &second).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("too_many_chats")),
        "{body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("1"));
    // Claiming the one she holds again is still fine.
    assert_eq!(app.claim(&alice, &chat).await.0, 200);

    // Co-op monitoring starts Online at Riverside sign-ins, not at Hillcrest's.
    let (_, mine) = app.get("/api/monitoring", Some(&alice.cookie), None).await;
    assert_eq!(mine["coops"][0]["online"], true, "{mine}");
    let carol = app.login("carol@hillcrest").await;
    let (_, hers) = app.get("/api/monitoring", Some(&carol.cookie), None).await;
    assert_eq!(hers["coops"][0]["online"], false);
}
