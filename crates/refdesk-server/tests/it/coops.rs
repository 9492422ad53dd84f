//! Co-op admin over REST (issue 9): a co-op's admin reads its members and sets each member's
//! contracted hours; an institution's admin lists the co-ops it belongs to; nobody else sees
//! either, and bad hours change nothing.

use crate::app::TestApp;
use serde_json::{Value, json};

async fn riverside_id(app: &TestApp) -> String {
    let w = app
        .state
        .store()
        .widget(app.widget_id.parse().unwrap())
        .await
        .unwrap();
    w.institution_id.to_string()
}

#[tokio::test]
async fn a_coop_admin_sets_a_members_hours_and_nobody_else_may() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    let riverside = riverside_id(&app).await;
    let members = format!("/api/coops/{coop}/members");
    let cora = app.login("cora@lakeside").await;
    let (status, list) = app.get(&members, Some(&cora.cookie), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["coop"]["name"], "Three Rivers Library Co-op");
    let names: Vec<&str> = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["institution"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Hillcrest University Library",
            "Lakeside County Library",
            "Riverside Public Library"
        ]
    );
    let riverside_row = &list["members"][2];
    assert_eq!(riverside_row["time_zone"], "America/Toronto");
    assert_eq!(
        riverside_row["hours"]["weekly"].as_array().unwrap().len(),
        7,
        "the demo co-op is staffed around the clock"
    );

    let hours_path = format!("{members}/{riverside}/hours");
    let weekdays = json!({
        "weekly": [{"day": "mon", "from": "09:00", "to": "17:00"},
                   {"day": "fri", "from": "09:00", "to": "24:00"}],
        "closed": ["2026-12-25"]
    });
    let (status, saved) = app
        .put(&hours_path, Some(&cora.cookie), weekdays.clone())
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["hours"], weekdays);

    // Bad hours: 400, and nothing changes.
    for bad in [
        json!({"weekly": [{"day": "funday", "from": "09:00", "to": "17:00"}], "closed": []}),
        json!({"weekly": [{"day": "mon", "from": "17:00", "to": "09:00"}], "closed": []}),
        json!({"weekly": [], "closed": ["2026-13-01"]}),
        json!({"weekly": [], "closed": [], "holidays": []}),
    ] {
        let (status, body) = app.put(&hours_path, Some(&cora.cookie), bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert_eq!(body["error"]["code"], "invalid_body", "{body}");
    }
    let (_, again) = app.get(&members, Some(&cora.cookie), None).await;
    assert_eq!(again["members"][2]["hours"], weekdays);

    // Not a member: not found. Another role: not found, for reading and for writing.
    let stranger = uuid::Uuid::now_v7();
    assert_eq!(
        app.put(
            &format!("{members}/{stranger}/hours"),
            Some(&cora.cookie),
            weekdays.clone()
        )
        .await
        .0,
        404
    );
    for who in ["rita@riverside", "alice@riverside", "carol@hillcrest"] {
        let other = app.login(who).await;
        assert_eq!(
            app.get(&members, Some(&other.cookie), None).await.0,
            404,
            "{who}"
        );
        assert_eq!(
            app.put(
                &hours_path,
                Some(&other.cookie),
                json!({"weekly": [], "closed": []})
            )
            .await
            .0,
            404,
            "{who}"
        );
    }
    let (_, after): (u16, Value) = app.get(&members, Some(&cora.cookie), None).await;
    assert_eq!(after["members"][2]["hours"], weekdays);
}

#[tokio::test]
async fn an_institutions_admin_lists_the_coops_it_belongs_to() {
    let app = TestApp::spawn().await;
    let path = format!("/api/institutions/{}/coops", riverside_id(&app).await);
    let rita = app.login("rita@riverside").await;
    let (status, list) = app.get(&path, Some(&rita.cookie), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["coops"][0]["name"], "Three Rivers Library Co-op");
    for who in ["alice@riverside", "cora@lakeside"] {
        let other = app.login(who).await;
        assert_eq!(
            app.get(&path, Some(&other.cookie), None).await.0,
            404,
            "{who}"
        );
    }
}
