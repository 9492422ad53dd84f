//! Monitoring (issue 9): toggles that start local on and co-op off, co-op chats that appear and
//! go with co-op monitoring, Check status, the Librarians list and its live updates.

use crate::app::{StaffClient, TestApp};
use refdesk_core::{CoopId, Grant};
use serde_json::{Value, json};

async fn put(app: &TestApp, staff: &StaffClient, body: Value) -> (u16, Value) {
    app.put("/api/monitoring", Some(&staff.cookie), body).await
}

async fn monitoring(app: &TestApp, staff: &StaffClient) -> Value {
    let (status, body) = app.get("/api/monitoring", Some(&staff.cookie), None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The demo co-op's id, as Carol's toggles list it.
async fn coop_of(app: &TestApp, staff: &StaffClient) -> String {
    monitoring(app, staff).await["coops"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_sign_in_starts_with_local_monitoring_on_and_coop_monitoring_off() {
    let app = TestApp::spawn().await;
    let carol = app.login("carol@hillcrest").await;
    let mine = monitoring(&app, &carol).await;
    assert_eq!(mine["departments"][0]["name"], "Research Help");
    assert_eq!(mine["departments"][0]["online"], true);
    assert_eq!(mine["coops"][0]["name"], "Three Rivers Library Co-op");
    assert_eq!(mine["coops"][0]["online"], false);
    let coop = coop_of(&app, &carol).await;
    let (status, after) = put(&app, &carol, json!({"coop_id": coop, "online": true})).await;
    assert_eq!((status, &after["coops"][0]["online"]), (200, &json!(true)));
    // All local departments off at once, then a new sign-in: back to local on, co-op off.
    let (_, off) = put(&app, &carol, json!({"online": false})).await;
    assert_eq!(off["departments"][0]["online"], false);
    let again = app.login("carol@hillcrest").await;
    let fresh = monitoring(&app, &again).await;
    assert_eq!(fresh["departments"][0]["online"], true);
    assert_eq!(fresh["coops"][0]["online"], false);
}

#[tokio::test]
async fn coop_chats_are_seen_and_claimed_only_while_monitoring_the_coop() {
    let app = TestApp::spawn().await;
    // Riverside's chats go to the co-op at once while nobody at Riverside is monitoring.
    app.route_riverside(vec![refdesk_core::RouteStep {
        target: refdesk_core::StepTarget::Coop(app.demo_coop().await),
        after_seconds: 30,
    }])
    .await;
    let carol = app.login("carol@hillcrest").await;
    let coop = coop_of(&app, &carol).await;
    let (mut ws, _) = app.staff_ws(&carol).await;
    let (first, _) = app.start_chat("Riverside question").await;
    let (_, list) = app.get("/api/chats", Some(&carol.cookie), None).await;
    assert!(
        !ids(&list).contains(&first),
        "not monitoring the co-op: {list}"
    );
    let (status, _) = app
        .get(&format!("/api/chats/{first}"), Some(&carol.cookie), None)
        .await;
    assert_eq!(status, 404);

    // Co-op monitoring on: the co-op's waiting chat arrives on the open socket.
    assert_eq!(
        put(&app, &carol, json!({"coop_id": coop, "online": true}))
            .await
            .0,
        200
    );
    let (frame, _) = ws.until("chat").await;
    assert_eq!(frame["chat"]["id"], first.as_str());
    assert_eq!(
        frame["chat"]["institution"]["name"],
        "Riverside Public Library"
    );
    assert_eq!(
        frame["chat"]["coops"][0]["name"],
        "Three Rivers Library Co-op"
    );
    let (second, _) = app.start_chat("Another one").await;
    let (frame, _) = ws.until("chat").await;
    assert_eq!(
        frame["chat"]["id"],
        second.as_str(),
        "new co-op chats arrive live"
    );
    let (_, list) = app.get("/api/chats", Some(&carol.cookie), None).await;
    assert!(ids(&list).contains(&first) && ids(&list).contains(&second));
    assert_eq!(
        app.claim(&carol, &first).await.0,
        200,
        "a co-op chat is claimed like a local one"
    );

    // Off again: the chat she holds stays with her; the waiting one leaves her screen.
    assert_eq!(
        put(&app, &carol, json!({"coop_id": coop, "online": false}))
            .await
            .0,
        200
    );
    let (hidden, _) = ws.until("chat_hidden").await;
    assert_eq!(hidden["chat_id"], second.as_str());
    let (_, list) = app.get("/api/chats", Some(&carol.cookie), None).await;
    assert!(!ids(&list).contains(&second), "{list}");
    let (status, _) = app
        .get(&format!("/api/chats/{first}"), Some(&carol.cookie), None)
        .await;
    assert_eq!(status, 200, "the chat she answers stays hers");
}

#[tokio::test]
async fn check_status_and_the_librarians_list_follow_who_is_monitoring() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let dave = app.login("dave@lakeside").await;
    let coop = coop_of(&app, &carol).await;
    let (mut alice_ws, _) = app.staff_ws(&alice).await;
    let status_path = format!("/api/coops/{coop}/status");
    let (_, nobody) = app.get(&status_path, Some(&dave.cookie), None).await;
    assert_eq!(nobody["others"], 0);

    for who in [&alice, &carol] {
        assert_eq!(
            put(&app, who, json!({"coop_id": coop, "online": true}))
                .await
                .0,
            200
        );
    }
    // Alice hears that the co-op's monitors changed (Carol switched on).
    alice_ws.until("monitors_changed").await;
    let (_, status) = app.get(&status_path, Some(&dave.cookie), None).await;
    assert_eq!(status["others"], 2, "{status}");
    let (_, mine) = app.get(&status_path, Some(&carol.cookie), None).await;
    assert_eq!(mine["others"], 1);
    let me: Vec<_> = mine["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["me"].as_bool().unwrap()))
        .collect();
    assert_eq!(me, vec![("Alice Archer", false), ("Carol Catalog", true)]);

    // The Librarians list: chats held, and only the scopes Carol shares with each.
    let (chat, _) = app.start_chat("held by Alice").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let (_, list) = app.get("/api/librarians", Some(&carol.cookie), None).await;
    let alice_row = list["librarians"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Alice Archer")
        .unwrap()
        .clone();
    assert_eq!(alice_row["chats"], 1);
    assert_eq!(alice_row["institution"]["name"], "Riverside Public Library");
    let scopes: Vec<_> = alice_row["monitoring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        vec!["coop"],
        "Riverside's departments are not Carol's business"
    );

    // Signing out stops monitoring.
    app.post("/api/auth/logout", Some(&alice.cookie), json!({}))
        .await;
    let (_, status) = app.get(&status_path, Some(&dave.cookie), None).await;
    assert_eq!(status["others"], 1);
}

#[tokio::test]
async fn monitoring_refuses_what_one_may_not_monitor() {
    let app = TestApp::spawn().await;
    let carol = app.login("carol@hillcrest").await;
    let coop = coop_of(&app, &carol).await;
    let riverside = app
        .state
        .store()
        .institution_by_slug("riverside")
        .await
        .unwrap();
    let theirs = app.state.store().departments(riverside.id).await.unwrap()[0].id;
    let (status, body) = put(
        &app,
        &carol,
        json!({"department_id": theirs, "online": true}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = put(
        &app,
        &carol,
        json!({"department_id": theirs, "coop_id": coop, "online": true}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = put(&app, &carol, json!({"online": "yes"})).await;
    assert_eq!(status, 400);
    // Without the grant: refused, and Check status is not found.
    let coop_id: CoopId = coop.parse::<uuid::Uuid>().unwrap().into();
    let carol_id = carol.id.parse::<uuid::Uuid>().unwrap().into();
    app.state
        .revoke(carol_id, Grant::MonitorCoop(coop_id))
        .await
        .unwrap();
    let (status, body) = put(&app, &carol, json!({"coop_id": coop, "online": true})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, _) = app
        .get(
            &format!("/api/coops/{coop}/status"),
            Some(&carol.cookie),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert!(
        monitoring(&app, &carol).await["coops"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Nothing changed.
    let (_, status) = app
        .get(
            &format!("/api/coops/{coop}/status"),
            Some(&app.login("dave@lakeside").await.cookie),
            None,
        )
        .await;
    assert_eq!(status["others"], 0);
}
