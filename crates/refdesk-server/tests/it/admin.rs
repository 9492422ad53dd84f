//! Administration over REST (issue 9, item 1): an institution's admin manages its staff, their
//! roles and their co-op access, and deletes only what nothing uses; a co-op's admin manages
//! its members and who may monitor it, but not members' staff; system admins manage
//! institutions and co-ops. Lists page; every refusal changes nothing.

use crate::app::{StaffClient, TestApp};
use refdesk_core::{Grant, Role};
use serde_json::{Value, json};

async fn institution(app: &TestApp, slug: &str) -> String {
    app.state
        .store()
        .institution_by_slug(slug)
        .await
        .unwrap()
        .id
        .to_string()
}

/// Makes Rita a system admin too (the demo has none).
async fn system_admin(app: &TestApp) -> StaffClient {
    let rita = app.login("rita@riverside").await;
    app.state
        .store()
        .set_user_role(
            rita.id.parse::<uuid::Uuid>().unwrap().into(),
            Role::SystemAdmin,
        )
        .await
        .unwrap();
    app.login("rita@riverside").await
}

fn emails(list: &Value) -> Vec<String> {
    list["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_institutions_admin_manages_its_staff_roles_and_coop_access() {
    let app = TestApp::spawn().await;
    let riverside = institution(&app, "riverside").await;
    let staff = format!("/api/institutions/{riverside}/staff");
    let rita = app.login("rita@riverside").await;
    let coop = app.demo_coop().await;

    // A page at a time, by email.
    let (status, first) = app
        .get(&format!("{staff}?limit=2"), Some(&rita.cookie), None)
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        emails(&first),
        ["alice@riverside.example", "bob@riverside.example"]
    );
    let next = first["next"].as_str().unwrap();
    let (_, second) = app
        .get(
            &format!("{staff}?limit=2&after={next}"),
            Some(&rita.cookie),
            None,
        )
        .await;
    assert_eq!(emails(&second), ["rita@riverside.example"]);
    assert!(second["next"].is_null());
    assert_eq!(first["staff"][0]["coops"][0]["may_monitor"], true);
    for bad in ["?limit=0", "?limit=201", "?after=not-an-email"] {
        let (status, body) = app
            .get(&format!("{staff}{bad}"), Some(&rita.cookie), None)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_query")),
            "{bad}"
        );
    }

    // A new operator; the same email again is a conflict; a co-op admin role is not hers to give.
    let new = json!({"email": "nia@riverside.example", "name": "Nia Novak",
                     "role": "operator", "password": refdesk_server::demo::DEMO_PASSWORD});
    let (status, nia) = app.post(&staff, Some(&rita.cookie), new.clone()).await;
    assert_eq!(status, 201, "{nia}");
    assert_eq!(
        app.post(&staff, Some(&rita.cookie), new.clone()).await.0,
        409
    );
    let mut boss = new.clone();
    boss["email"] = json!("boss@riverside.example");
    boss["role"] = json!("system_admin");
    assert_eq!(app.post(&staff, Some(&rita.cookie), boss).await.0, 403);
    let mut short = new.clone();
    short["email"] = json!("short@riverside.example");
    short["password"] = json!("short");
    assert_eq!(app.post(&staff, Some(&rita.cookie), short).await.0, 400);
    let nia_id = nia["id"].as_str().unwrap();
    let signed_in = app.login("nia@riverside").await;
    assert_eq!(signed_in.id, nia_id, "the new account signs in");

    // Her role, and her co-op access.
    let (status, promoted) = app
        .put(
            &format!("{staff}/{nia_id}/role"),
            Some(&rita.cookie),
            json!({"role": "institution_admin"}),
        )
        .await;
    assert_eq!(
        (status, &promoted["role"]),
        (200, &json!("institution_admin")),
        "{promoted}"
    );
    let rita_id = rita.id.clone();
    assert_eq!(
        app.put(
            &format!("{staff}/{rita_id}/role"),
            Some(&rita.cookie),
            json!({"role": "operator"})
        )
        .await
        .0,
        400,
        "not her own"
    );
    let access = format!("{staff}/{nia_id}/coops/{coop}");
    let (status, granted) = app
        .put(&access, Some(&rita.cookie), json!({"may_monitor": true}))
        .await;
    assert_eq!(
        (status, &granted["coops"][0]["may_monitor"]),
        (200, &json!(true))
    );
    let (_, mine) = app
        .get("/api/monitoring", Some(&signed_in.cookie), None)
        .await;
    assert_eq!(
        mine["coops"][0]["name"], "Three Rivers Library Co-op",
        "{mine}"
    );
    // A co-op Riverside is not in: refused, nothing granted.
    let other = refdesk_server::admin::create_coop(
        app.state.store(),
        refdesk_core::DisplayName::parse("Elsewhere Co-op").unwrap(),
    )
    .await
    .unwrap();
    let (status, body) = app
        .put(
            &format!("{staff}/{nia_id}/coops/{}", other.id),
            Some(&rita.cookie),
            json!({"may_monitor": true}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let held = app
        .state
        .store()
        .grants_of(nia_id.parse::<uuid::Uuid>().unwrap().into())
        .await
        .unwrap();
    assert!(!held.contains(&Grant::MonitorCoop(other.id)));

    // Someone else's staff, through this institution: not found. Others: not found.
    let carol = app.login("carol@hillcrest").await;
    assert_eq!(
        app.put(
            &format!("{staff}/{}/role", carol.id),
            Some(&rita.cookie),
            json!({"role": "operator"})
        )
        .await
        .0,
        404
    );
    for who in ["alice@riverside", "cora@lakeside", "carol@hillcrest"] {
        let other = app.login(who).await;
        assert_eq!(
            app.get(&staff, Some(&other.cookie), None).await.0,
            404,
            "{who}"
        );
        assert_eq!(
            app.post(&staff, Some(&other.cookie), new.clone()).await.0,
            404,
            "{who}"
        );
        assert_eq!(
            app.put(&access, Some(&other.cookie), json!({"may_monitor": false}))
                .await
                .0,
            404,
            "{who}: a co-op admin does not manage a member's staff"
        );
    }
}

#[tokio::test]
async fn a_department_in_use_is_not_deleted_and_a_chat_box_is_disabled_instead() {
    let app = TestApp::spawn().await;
    let riverside = institution(&app, "riverside").await;
    let rita = app.login("rita@riverside").await;
    let departments = format!("/api/institutions/{riverside}/departments");
    // The department the demo chat box lands its chats in.
    let reference = app
        .state
        .store()
        .widget(app.widget_id.parse().unwrap())
        .await
        .unwrap()
        .department_id
        .to_string();
    let (status, body) = app
        .delete(&format!("{departments}/{reference}"), Some(&rita.cookie))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("in_use")),
        "{body}"
    );
    // The list pages: one at a time, then the rest; an unknown cursor is refused.
    let (_, one) = app
        .get(&format!("{departments}?limit=1"), Some(&rita.cookie), None)
        .await;
    assert_eq!(one["departments"].as_array().unwrap().len(), 1, "{one}");
    let next = one["next"].as_str().unwrap();
    let (_, rest) = app
        .get(
            &format!("{departments}?limit=50&after={next}"),
            Some(&rita.cookie),
            None,
        )
        .await;
    assert_eq!(rest["departments"].as_array().unwrap().len(), 1, "{rest}");
    assert!(rest["next"].is_null());
    let (status, _) = app
        .get(
            &format!("{departments}?after={}", uuid::Uuid::now_v7()),
            Some(&rita.cookie),
            None,
        )
        .await;
    assert_eq!(status, 400);
    let (_, spare) = app
        .post(&departments, Some(&rita.cookie), json!({"name": "Spare"}))
        .await;
    let spare = spare["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("{departments}/{spare}"), Some(&rita.cookie))
            .await
            .0,
        204
    );
    assert_eq!(
        app.delete(&format!("{departments}/{spare}"), Some(&rita.cookie))
            .await
            .0,
        404
    );
    let alice = app.login("alice@riverside").await;
    assert_eq!(
        app.delete(&format!("{departments}/{reference}"), Some(&alice.cookie))
            .await
            .0,
        404
    );

    // The chat box is disabled, not deleted: patrons are told it is not available.
    let widgets = format!("/api/institutions/{riverside}/widgets");
    let (_, boxes) = app.get(&widgets, Some(&rita.cookie), None).await;
    let mut body = boxes["widgets"][0].clone();
    let id = body["id"].as_str().unwrap().to_owned();
    body.as_object_mut().unwrap().remove("id");
    body["enabled"] = json!(false);
    let (status, saved) = app
        .put(&format!("{widgets}/{id}"), Some(&rita.cookie), body)
        .await;
    assert_eq!((status, &saved["enabled"]), (200, &json!(false)), "{saved}");
    assert_eq!(
        app.get(&format!("/api/widgets/{id}"), None, None).await.0,
        404
    );
    let (status, _) = app
        .post(
            "/api/chats",
            None,
            json!({"widget_id": id, "question": "Hello?"}),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_coop_admin_manages_members_and_monitors_and_system_admins_the_directory() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    let cora = app.login("cora@lakeside").await;
    let (_, mine) = app.get("/api/coops", Some(&cora.cookie), None).await;
    assert_eq!(mine["coops"][0]["name"], "Three Rivers Library Co-op");
    let alice = app.login("alice@riverside").await;
    let (_, none) = app.get("/api/coops", Some(&alice.cookie), None).await;
    assert_eq!(none["coops"], json!([]));

    // Riverside routes chats to the co-op (the demo plan): it cannot leave until that changes.
    let riverside = institution(&app, "riverside").await;
    app.route_riverside(vec![refdesk_core::RouteStep {
        target: refdesk_core::StepTarget::Coop(coop),
        after_seconds: 30,
    }])
    .await;
    let member = format!("/api/coops/{coop}/members/{riverside}");
    let (status, body) = app.delete(&member, Some(&cora.cookie)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("in_use")),
        "{body}"
    );
    app.route_riverside(vec![]).await;
    assert_eq!(
        app.delete(&member, Some(&alice.cookie)).await.0,
        404,
        "not hers"
    );
    assert_eq!(app.delete(&member, Some(&cora.cookie)).await.0, 204);
    let (_, monitoring) = app.get("/api/monitoring", Some(&alice.cookie), None).await;
    assert_eq!(
        monitoring["coops"],
        json!([]),
        "Riverside's staff lost the co-op: {monitoring}"
    );
    assert_eq!(app.delete(&member, Some(&cora.cookie)).await.0, 404);
    // Back in, by slug; an unknown slug is refused.
    let members = format!("/api/coops/{coop}/members");
    assert_eq!(
        app.post(&members, Some(&cora.cookie), json!({"slug": "nowhere"}))
            .await
            .0,
        400
    );
    let (status, back) = app
        .post(&members, Some(&cora.cookie), json!({"slug": "riverside"}))
        .await;
    assert_eq!(status, 201, "{back}");

    // Who may monitor: she gives Alice the co-op again.
    let monitors = format!("/api/coops/{coop}/monitors");
    let (_, before) = app.get(&monitors, Some(&cora.cookie), None).await;
    assert!(!before.to_string().contains("Alice Archer"), "{before}");
    let (status, after) = app
        .put(
            &format!("{monitors}/{}", alice.id),
            Some(&cora.cookie),
            json!({"may_monitor": true}),
        )
        .await;
    assert_eq!(status, 200, "{after}");
    assert!(after.to_string().contains("Alice Archer"));
    assert_eq!(app.get(&monitors, Some(&alice.cookie), None).await.0, 404);

    // System admins: institutions (paged by slug) and co-ops.
    assert_eq!(
        app.get("/api/institutions", Some(&cora.cookie), None)
            .await
            .0,
        404
    );
    let root = system_admin(&app).await;
    let (status, page) = app
        .get("/api/institutions?limit=2", Some(&root.cookie), None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["institutions"][0]["slug"], "hillcrest");
    assert_eq!(page["next"], "lakeside");
    let (status, made) = app
        .post(
            "/api/institutions",
            Some(&root.cookie),
            json!({"name": "Valley Library", "slug": "valley"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        app.post(
            "/api/institutions",
            Some(&root.cookie),
            json!({"name": "Again", "slug": "valley"})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        app.post(
            "/api/institutions",
            Some(&root.cookie),
            json!({"name": "Bad", "slug": "Bad Slug"})
        )
        .await
        .0,
        400
    );
    let (status, c) = app
        .post(
            "/api/coops",
            Some(&root.cookie),
            json!({"name": "Valley Co-op"}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        app.post("/api/coops", Some(&cora.cookie), json!({"name": "Mine"}))
            .await
            .0,
        404
    );
}
