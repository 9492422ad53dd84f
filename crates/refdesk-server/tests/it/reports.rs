//! Reports (issue 12): an institution's chat report counts what happened exactly as worked out
//! by hand, in the institution's time zone (across a daylight-saving change), filters, comes
//! as CSV too, holds no patron's identity, and is its admins' alone.

use crate::app::TestApp;
use serde_json::{Value, json};
use time::macros::datetime;

/// The patron's question and name: neither may appear in any report.
const QUESTION: &str = "Where are the 1890 ledgers of the Quarry Street mill?";

async fn end_as_patron(app: &TestApp, chat: &str, token: &str) {
    let r = app
        .http
        .post(format!("{}/api/chats/{chat}/end", app.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

fn secs(d: i64) -> time::Duration {
    time::Duration::seconds(d)
}

#[tokio::test]
async fn a_chat_report_counts_by_hand_in_the_librarys_time_zone() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let alice = app.login("alice@riverside").await;
    let riverside = crate::faqs::institution_of(&app, "riverside").await;
    let policy = format!("/api/institutions/{riverside}/policy");
    let (_, mut p) = app.get(&policy, Some(&rita.cookie), None).await;
    p["time_zone"] = json!("America/New_York");
    assert_eq!(app.put(&policy, Some(&rita.cookie), p).await.0, 200);

    // 23:30 in New York on the day the clocks went forward: already 9 March in UTC.
    app.clock.set(datetime!(2026-03-09 03:30 UTC));
    // A: waits 60 s, lasts 300 s, rated 5 with a comment.
    let (a, a_token) = app.start_chat(QUESTION).await;
    app.clock.advance(secs(60));
    assert_eq!(app.claim(&alice, &a).await.0, 200);
    app.clock.advance(secs(300));
    let close = |chat: String| {
        let cookie = alice.cookie.clone();
        let app = &app;
        async move {
            let path = format!("/api/chats/{chat}/close");
            assert_eq!(app.post(&path, Some(&cookie), json!({})).await.0, 200);
        }
    };
    close(a.clone()).await;
    let rated = app
        .http
        .post(format!("{}/api/chats/{a}/rating", app.url))
        .bearer_auth(&a_token)
        .json(&json!({"stars": 5, "comment": "Pat was delighted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 201);
    // B: waits 120 s, lasts 600 s.
    app.clock.advance(secs(10));
    let (b, _) = app.start_chat(QUESTION).await;
    app.clock.advance(secs(120));
    assert_eq!(app.claim(&alice, &b).await.0, 200);
    app.clock.advance(secs(600));
    close(b.clone()).await;
    // C: the patron leaves while waiting; D still waits.
    let (c, c_token) = app.start_chat(QUESTION).await;
    end_as_patron(&app, &c, &c_token).await;
    app.start_chat(QUESTION).await;

    let base = format!("/api/institutions/{riverside}/reports/chats");
    let report = |query: &str| {
        let path = format!("{base}?{query}");
        let cookie = rita.cookie.clone();
        let app = &app;
        async move {
            let (status, body) = app.get(&path, Some(&cookie), None).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };
    let r = report("from=2026-03-08&to=2026-03-09").await;
    assert_eq!(r["time_zone"], "America/New_York");
    let t = &r["total"];
    assert_eq!(
        [
            &t["chats"],
            &t["answered"],
            &t["unanswered"],
            &t["abandoned"],
            &t["open"]
        ],
        [&json!(4), &json!(2), &json!(0), &json!(1), &json!(1)]
    );
    assert_eq!(t["wait"]["mean_seconds"], json!(90.0));
    assert_eq!(t["wait"]["median_seconds"], json!(90.0)); // (60 + 120) / 2
    assert_eq!(t["wait"]["p90_seconds"], json!(120.0)); // the 2nd of 2
    assert_eq!(t["duration"]["median_seconds"], json!(450.0));
    // All four at 23:xx on Sunday 8 March, New York time.
    assert_eq!(r["by_hour"][23]["figures"]["chats"], 4);
    assert_eq!(r["by_hour"][23]["label"], "23:00");
    assert_eq!(r["by_weekday"][6]["key"], "sun");
    assert_eq!(r["by_weekday"][6]["figures"]["chats"], 4);
    let days: Vec<&str> = r["by_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2026-03-08"]);
    let ops = r["by_operator"].as_array().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0]["key"], json!(alice.id));
    assert_eq!(ops[0]["figures"]["answered"], 2);
    assert!(ops[0]["label"].as_str().unwrap().starts_with("Alice"));
    assert_eq!(r["ratings"]["by_stars"], json!([0, 0, 0, 0, 1]));
    assert_eq!(r["ratings"]["comments"], 1);
    // The day before, in New York, had none of them.
    assert_eq!(
        report("from=2026-03-07&to=2026-03-07").await["total"]["chats"],
        0
    );

    // Filters: Alice's chats, five-star chats.
    let mine = report(&format!(
        "from=2026-03-08&to=2026-03-08&operator={}",
        alice.id
    ))
    .await;
    assert_eq!(mine["total"]["chats"], 2);
    assert_eq!(
        report("from=2026-03-08&to=2026-03-08&rating=5").await["total"]["chats"],
        1
    );
    // None of them reached the co-op.
    let coop = app.demo_coop().await;
    let via_coop = report(&format!("from=2026-03-08&to=2026-03-08&coop={coop}")).await;
    assert_eq!(via_coop["total"]["chats"], 0);

    // No patron's identity, in JSON or CSV.
    let body = r.to_string();
    for secret in ["1890 ledgers", "Pat", "delighted", "card=12345"] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
    let resp = app
        .http
        .get(format!(
            "{}{base}?from=2026-03-08&to=2026-03-08&format=csv",
            app.url
        ))
        .header("cookie", &rita.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    for secret in ["1890 ledgers", "Pat", "delighted", "card=12345"] {
        assert!(!csv.contains(secret), "{secret} in {csv}");
    }
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let row = |section: &str, key: &str| {
        rows.iter()
            .find(|r| &r[0] == section && &r[1] == key)
            .unwrap_or_else(|| panic!("no {section} {key} row in {csv}"))
            .clone()
    };
    assert_eq!(&row("total", "all")[3], "4");
    assert_eq!(&row("total", "all")[9], "90.0"); // wait median
    assert_eq!(&row("hour", "23")[3], "4");
    assert_eq!(&row("rating", "5")[3], "1");
}

#[tokio::test]
async fn a_chat_report_refuses_bad_queries_and_other_readers() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let riverside = crate::faqs::institution_of(&app, "riverside").await;
    let base = format!("/api/institutions/{riverside}/reports/chats");
    for query in [
        "from=2026-13-01",
        "to=yesterday",
        "from=2026-03-09&to=2026-03-08",
        "from=2020-01-01&to=2026-01-01",
        "rating=9",
        "tag=%20",
        "format=xml",
        "colour=red",
    ] {
        let (status, body): (u16, Value) = app
            .get(&format!("{base}?{query}"), Some(&rita.cookie), None)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_query")),
            "{query}: {body}"
        );
    }
    // Its own librarian, another library's, and the co-op's admin find nothing; a system
    // admin reads it.
    for who in ["alice@riverside", "carol@hillcrest", "cora@lakeside"] {
        let staff = app.login(who).await;
        assert_eq!(
            app.get(&base, Some(&staff.cookie), None).await.0,
            404,
            "{who}"
        );
    }
    let sasha = app.login("sasha@lakeside").await;
    assert_eq!(app.get(&base, Some(&sasha.cookie), None).await.0, 200);
    assert_eq!(app.get(&base, None, None).await.0, 401);
}

#[tokio::test]
async fn the_live_boards_show_who_monitors_and_what_waits() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let cora = app.login("cora@lakeside").await;
    let riverside = crate::faqs::institution_of(&app, "riverside").await;
    let coop = app.demo_coop().await;
    let board = format!("/api/institutions/{riverside}/board");
    let coop_board = format!("/api/coops/{coop}/board");

    app.start_chat(QUESTION).await;
    let (status, b) = app.get(&board, Some(&rita.cookie), None).await;
    assert_eq!(status, 200, "{b}");
    // Riverside's librarians monitor its departments from sign-in; its chat waits.
    let monitors: Vec<&str> = b["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(monitors.contains(&alice.id.as_str()), "{b}");
    assert!(
        !monitors.contains(&carol.id.as_str()),
        "Carol monitors nothing of Riverside's"
    );
    assert_eq!(b["waiting"].as_array().unwrap().len(), 1);
    assert_eq!(b["waiting"][0]["institution"]["id"], json!(riverside));
    assert_eq!(b["waiting"][0]["at_coop"], false);
    assert_eq!(b["libraries"][0]["waiting"], 1);
    assert!(b["libraries"][0]["longest_waiting_since"].is_string());
    let body = b.to_string();
    assert!(
        !body.contains("1890 ledgers") && !body.contains("Pat"),
        "{body}"
    );

    // Carol switches co-op monitoring on: the co-op's board shows her, with every member.
    let (_, cb) = app.get(&coop_board, Some(&cora.cookie), None).await;
    assert_eq!(cb["libraries"].as_array().unwrap().len(), 3);
    let on = json!({"coop_id": coop, "online": true});
    assert_eq!(
        app.put("/api/monitoring", Some(&carol.cookie), on).await.0,
        200
    );
    let (_, cb) = app.get(&coop_board, Some(&cora.cookie), None).await;
    let carol_there = cb["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(carol.id))
        .cloned()
        .unwrap_or_else(|| panic!("Carol on {cb}"));
    assert!(
        carol_there["monitoring"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "coop")
    );
    let hillcrest = cb["libraries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["institution"]["name"] == "Hillcrest University Library")
        .cloned()
        .unwrap();
    assert!(hillcrest["monitors"].as_u64().unwrap() >= 1);

    // Each board is its admins' alone.
    assert_eq!(app.get(&board, Some(&alice.cookie), None).await.0, 404);
    assert_eq!(app.get(&board, Some(&cora.cookie), None).await.0, 404);
    assert_eq!(app.get(&coop_board, Some(&rita.cookie), None).await.0, 404);
    assert_eq!(app.get(&coop_board, Some(&carol.cookie), None).await.0, 404);
}

#[tokio::test]
async fn the_coop_accounting_balances_answers_and_hours_by_hand() {
    use refdesk_core::StepTarget;
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    let riverside: refdesk_core::InstitutionId = crate::faqs::institution_of(&app, "riverside")
        .await
        .parse::<uuid::Uuid>()
        .unwrap()
        .into();
    // Riverside owes 3 hours a week and opens to the co-op around the clock; its chats go to
    // the co-op after 30 s.
    let rita = app.login("rita@riverside").await;
    let policy = format!("/api/institutions/{riverside}/policy");
    let (_, mut p) = app.get(&policy, Some(&rita.cookie), None).await;
    p["coop_hours_owed_per_week"] = json!(3);
    assert_eq!(app.put(&policy, Some(&rita.cookie), p).await.0, 200);
    let store = app.state.store();
    store
        .set_coop_hours(coop, riverside, &refdesk_core::CoopHours::default())
        .await
        .unwrap();
    app.route_riverside(vec![crate::routing::step(StepTarget::Coop(coop), 30)])
        .await;
    let after = |n: i64| {
        let app = &app;
        async move {
            app.clock.advance(secs(n));
            app.state.fire_due_timers().await.unwrap();
        }
    };

    // Monday 1 June 2026, 09:00 in Vancouver (Cora's library, the report's zone).
    app.clock.set(datetime!(2026-06-01 16:00 UTC));
    let carol = app.login("carol@hillcrest").await;
    let cora = app.login("cora@lakeside").await;
    let on = json!({"coop_id": coop, "online": true});
    assert_eq!(
        app.put("/api/monitoring", Some(&carol.cookie), on).await.0,
        200
    );
    // Two Riverside chats reach the co-op; Carol answers one, the other's patron leaves.
    let (first, _) = app.start_chat(QUESTION).await;
    let (second, second_token) = app.start_chat(QUESTION).await;
    after(30).await;
    assert_eq!(app.claim(&carol, &first).await.0, 200);
    end_as_patron(&app, &second, &second_token).await;
    // Carol stops at 10:30.
    app.clock.set(datetime!(2026-06-01 17:30 UTC));
    let off = json!({"coop_id": coop, "online": false});
    assert_eq!(
        app.put("/api/monitoring", Some(&carol.cookie), off).await.0,
        200
    );

    let path = format!("/api/coops/{coop}/reports/accounting?from=2026-06-01&to=2026-06-07");
    let (status, a) = app.get(&path, Some(&cora.cookie), None).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["time_zone"], "America/Vancouver");
    let member = |name: &str| {
        a["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["institution"]["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {a}"))
    };
    let r = member("Riverside Public Library");
    let h = member("Hillcrest University Library");
    assert_eq!(
        (&r["generated"], &r["answered"], &r["balance"]),
        (&json!(2), &json!(0), &json!(-2))
    );
    assert_eq!(
        (&h["generated"], &h["answered"], &h["balance"]),
        (&json!(0), &json!(1), &json!(1))
    );
    assert_eq!(h["hours_given"], json!(1.5));
    assert_eq!(h["given_by_hour"][9], json!(1.0));
    assert_eq!(h["given_by_hour"][10], json!(0.5));
    assert_eq!(h["given_by_weekday"][0], json!(1.5));
    assert_eq!(r["hours_owed"], json!(3.0)); // 3 a week, over one week
    assert_eq!(
        (&r["outside_hours"], &r["unmonitored"]),
        (&json!(0), &json!(0))
    );
    assert!(!a.to_string().contains("1890 ledgers"));

    // CSV, and who may read it.
    let csv = app
        .http
        .get(format!("{}{path}&format=csv", app.url))
        .header("cookie", &cora.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("institution,generated,answered,balance,hours_given"));
    assert!(
        csv.contains("Hillcrest University Library,0,1,1,1.50,0.00,0,0"),
        "{csv}"
    );
    assert_eq!(app.get(&path, Some(&rita.cookie), None).await.0, 404);
    assert_eq!(app.get(&path, Some(&carol.cookie), None).await.0, 404);
    let filtered = format!("{path}&rating=5");
    assert_eq!(app.get(&filtered, Some(&cora.cookie), None).await.0, 400);
}
