//! Departments and chat boxes an institution's admins manage (issue 9, items 1 and 2): only
//! they may, bad bodies change nothing, and the chat box reads its fields and texts live (the
//! next `GET /api/widgets/{id}` and the next pre-chat form follow the change, no restart).

use crate::app::TestApp;
use serde_json::{Value, json};

async fn institution(app: &TestApp, slug: &str) -> String {
    let i = app.state.store().institution_by_slug(slug).await.unwrap();
    i.id.to_string()
}

fn widget_body(department: &str, tune: impl FnOnce(&mut Value)) -> Value {
    let mut w = json!({
        "name": "Law library",
        "department_id": department,
        "allowed_origins": ["https://law.riverside.example"],
        "fields": {"name": "required", "email": "hidden", "question": "optional"},
        "texts": {"title": "Ask the law librarians", "greeting": "We answer law questions.",
                  "offline": "We are closed; leave a question."}
    });
    tune(&mut w);
    w
}

#[tokio::test]
async fn an_admin_adds_a_department_and_a_chat_box_that_follows_its_settings() {
    let app = TestApp::spawn().await;
    let riverside = institution(&app, "riverside").await;
    let rita = app.login("rita@riverside").await;
    let (status, dep) = app
        .post(
            &format!("/api/institutions/{riverside}/departments"),
            Some(&rita.cookie),
            json!({"name": "Law"}),
        )
        .await;
    assert_eq!(status, 201, "{dep}");
    let dep_id = dep["id"].as_str().unwrap().to_owned();
    let (_, list) = app
        .get(
            &format!("/api/institutions/{riverside}/departments"),
            Some(&rita.cookie),
            None,
        )
        .await;
    assert!(
        list["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "Law"),
        "{list}"
    );

    let widgets = format!("/api/institutions/{riverside}/widgets");
    let (status, w) = app
        .post(&widgets, Some(&rita.cookie), widget_body(&dep_id, |_| {}))
        .await;
    assert_eq!(status, 201, "{w}");
    let wid = w["id"].as_str().unwrap().to_owned();

    // The chat box reads its configuration.
    let (_, config) = app.get(&format!("/api/widgets/{wid}"), None, None).await;
    assert_eq!(config["texts"]["title"], "Ask the law librarians");
    assert_eq!(config["fields"]["email"], "hidden");
    // Its form: the name is required, the email not asked, the question optional.
    for (bad, why) in [
        (json!({"widget_id": wid, "question": "Torts?"}), "no name"),
        (
            json!({"widget_id": wid, "name": "Pat", "email": "p@x.example"}),
            "an email it does not ask for",
        ),
    ] {
        let (status, body) = app.post("/api/chats", None, bad).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_body")),
            "{why}: {body}"
        );
    }
    let (status, started) = app
        .post("/api/chats", None, json!({"widget_id": wid, "name": "Pat"}))
        .await;
    assert_eq!(status, 201, "a chat without a question: {started}");
    // It lands in the new department's queue, for Riverside's operators.
    let alice = app.login("alice@riverside").await;
    let chat = started["chat"]["id"].as_str().unwrap();
    assert_eq!(app.claim(&alice, chat).await.0, 200);

    // A change takes effect at once: the question becomes required again.
    let (status, _) = app
        .put(
            &format!("{widgets}/{wid}"),
            Some(&rita.cookie),
            widget_body(&dep_id, |w| w["fields"]["question"] = json!("required")),
        )
        .await;
    assert_eq!(status, 200);
    let (_, config) = app.get(&format!("/api/widgets/{wid}"), None, None).await;
    assert_eq!(config["fields"]["question"], "required");
    let (status, _) = app
        .post("/api/chats", None, json!({"widget_id": wid, "name": "Sam"}))
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn only_the_institutions_admins_manage_its_chat_boxes_and_bad_bodies_change_nothing() {
    let app = TestApp::spawn().await;
    let riverside = institution(&app, "riverside").await;
    let hillcrest = institution(&app, "hillcrest").await;
    let rita = app.login("rita@riverside").await;
    let widgets = format!("/api/institutions/{riverside}/widgets");
    let (_, list) = app.get(&widgets, Some(&rita.cookie), None).await;
    let existing = list["widgets"][0].clone();
    let wid = existing["id"].as_str().unwrap().to_owned();
    let dep = existing["department_id"].as_str().unwrap().to_owned();

    for who in ["alice@riverside", "cora@lakeside", "carol@hillcrest"] {
        let other = app.login(who).await;
        for path in [
            &widgets,
            &format!("/api/institutions/{riverside}/departments"),
        ] {
            assert_eq!(
                app.get(path, Some(&other.cookie), None).await.0,
                404,
                "{who}"
            );
        }
        let (status, _) = app
            .post(&widgets, Some(&other.cookie), widget_body(&dep, |_| {}))
            .await;
        assert_eq!(status, 404, "{who}");
        let (status, _) = app
            .put(
                &format!("{widgets}/{wid}"),
                Some(&other.cookie),
                widget_body(&dep, |_| {}),
            )
            .await;
        assert_eq!(status, 404, "{who}");
    }

    // A department of another institution, a bad origin, a blank text, an unknown mode, an
    // unknown field: refused, and the widget is unchanged.
    let hillcrest_dep = app
        .state
        .store()
        .departments(hillcrest.parse().unwrap())
        .await
        .unwrap()[0]
        .id
        .to_string();
    let coop = app.demo_coop().await.to_string();
    for bad in [
        widget_body(&hillcrest_dep, |_| {}),
        widget_body(&dep, |w| {
            w["allowed_origins"] = json!(["https://x.example/path"])
        }),
        widget_body(&dep, |w| w["texts"]["title"] = json!("  ")),
        widget_body(&dep, |w| w["fields"]["name"] = json!("sometimes")),
        widget_body(&dep, |w| w["colour"] = json!("red")),
        // Routing: a department of another library, a co-op it is not in, an unknown kind,
        // a step repeating the chat box's department, a wait beyond a day.
        widget_body(&dep, |w| {
            w["routing"] = json!({"steps": [{"kind": "department", "id": hillcrest_dep,
                "after_seconds": 30}], "realert_seconds": 60})
        }),
        widget_body(&dep, |w| {
            w["routing"] = json!({"steps": [{"kind": "coop", "id": uuid::Uuid::now_v7(),
                "after_seconds": 30}], "realert_seconds": 60})
        }),
        widget_body(&dep, |w| {
            w["routing"] = json!({"steps": [{"kind": "branch", "id": dep,
                "after_seconds": 30}], "realert_seconds": 60})
        }),
        widget_body(&dep, |w| {
            w["routing"] = json!({"steps": [{"kind": "department", "id": dep,
                "after_seconds": 30}], "realert_seconds": 60})
        }),
        widget_body(&dep, |w| {
            w["routing"] = json!({"steps": [{"kind": "coop", "id": coop,
                "after_seconds": 86_401}], "realert_seconds": 60})
        }),
    ] {
        let (status, body) = app
            .put(&format!("{widgets}/{wid}"), Some(&rita.cookie), bad)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_body")),
            "{body}"
        );
    }
    let (_, after) = app.get(&widgets, Some(&rita.cookie), None).await;
    assert_eq!(after["widgets"][0], existing);
    // A good plan round-trips.
    let plan = json!({"steps": [{"kind": "coop", "id": coop, "after_seconds": 45}],
                      "realert_seconds": null});
    let (status, saved) = app
        .put(
            &format!("{widgets}/{wid}"),
            Some(&rita.cookie),
            widget_body(&dep, |w| w["routing"] = plan.clone()),
        )
        .await;
    assert_eq!((status, &saved["routing"]), (200, &plan), "{saved}");
    // A widget of another institution is not found through this one.
    let hillcrest_widget = app
        .state
        .store()
        .widgets(hillcrest.parse().unwrap())
        .await
        .unwrap()[0]
        .id;
    let (status, _) = app
        .put(
            &format!("{widgets}/{hillcrest_widget}"),
            Some(&rita.cookie),
            widget_body(&dep, |_| {}),
        )
        .await;
    assert_eq!(status, 404);
}
