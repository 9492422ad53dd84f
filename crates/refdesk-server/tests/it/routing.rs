//! Routing cascades (issue 9) through the running server, on a controlled clock: the steps in
//! order after their waits, a step nobody monitors skipped at once, co-op hours, one history
//! event per step, a claim racing a step change, re-alerts, and what co-op monitors see.

use crate::app::{StaffClient, TestApp};
use refdesk_core::chat::ChatEvent;
use refdesk_core::{
    ChatCommand, ChatId, ChatState, CoopHours, RouteReason, RouteStep, StepTarget, TimerKind,
    UserId,
};
use refdesk_store::{Conflict, StoreError};
use serde_json::{Value, json};
use time::Duration;

pub fn step(target: StepTarget, after_seconds: u32) -> RouteStep {
    RouteStep {
        target,
        after_seconds,
    }
}

/// The id of `staff`'s local department called `name`.
async fn department(app: &TestApp, staff: &StaffClient, name: &str) -> refdesk_core::DepartmentId {
    let (_, m) = app.get("/api/monitoring", Some(&staff.cookie), None).await;
    let d = m["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no department {name}: {m}"));
    d["id"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .unwrap()
        .into()
}

pub async fn monitor(app: &TestApp, staff: &StaffClient, body: Value) {
    let (status, b) = app.put("/api/monitoring", Some(&staff.cookie), body).await;
    assert_eq!(status, 200, "{b}");
}

/// The routing steps of a chat's history: (step, reason), in order.
async fn routed(app: &TestApp, chat: ChatId) -> Vec<(u32, RouteReason)> {
    app.state
        .store()
        .chat_history(chat)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.event {
            ChatEvent::Routed { step, reason, .. } => Some((step, reason)),
            _ => None,
        })
        .collect()
}

async fn stored(app: &TestApp, chat: ChatId) -> refdesk_core::Chat {
    app.state.store().chat(chat).await.unwrap()
}

/// Moves the clock on and fires what is due.
async fn after(app: &TestApp, secs: i64) {
    app.clock.advance(Duration::seconds(secs));
    app.state.fire_due_timers().await.unwrap();
}

fn user_of(staff: &StaffClient) -> UserId {
    staff.id.parse::<uuid::Uuid>().unwrap().into()
}

#[tokio::test]
async fn the_cascade_steps_in_order_after_each_wait_and_coop_monitors_see_only_the_coop_step() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let history = department(&app, &alice, "Local History").await;
    app.route_riverside(vec![
        step(StepTarget::Department(history), 20),
        step(StepTarget::Coop(coop), 30),
    ])
    .await;
    let (_alice_ws, _) = app.staff_ws(&alice).await;
    monitor(&app, &carol, json!({"coop_id": coop, "online": true})).await;
    let (mut carol_ws, _) = app.staff_ws(&carol).await;
    let (chat, _) = app.start_chat("Where are the 1890 maps?").await;
    let id: ChatId = chat.parse().unwrap();
    let chat_path = format!("/api/chats/{chat}");
    assert_eq!(stored(&app, id).await.step, 0);

    after(&app, 19).await;
    assert_eq!(
        stored(&app, id).await.step,
        0,
        "not before the wait is over"
    );
    after(&app, 1).await;
    let at_history = stored(&app, id).await;
    assert_eq!((at_history.step, at_history.department_id), (1, history));
    assert_eq!(at_history.coop_id, None);
    assert_eq!(
        app.get(&chat_path, Some(&carol.cookie), None).await.0,
        404,
        "a co-op monitor does not see a chat before it reaches the co-op"
    );

    after(&app, 29).await;
    assert_eq!(stored(&app, id).await.step, 1);
    after(&app, 1).await;
    let at_coop = stored(&app, id).await;
    assert_eq!((at_coop.step, at_coop.coop_id), (2, Some(coop)));
    let (frame, _) = carol_ws.until("chat").await;
    assert_eq!(
        frame["chat"]["id"],
        chat.as_str(),
        "it arrives live: {frame}"
    );
    assert_eq!(
        frame["chat"]["offered_to"]["name"],
        "Three Rivers Library Co-op"
    );
    assert_eq!(frame["chat"]["step"], 2);
    assert_eq!(app.get(&chat_path, Some(&carol.cookie), None).await.0, 200);
    // Each step is one event in the history.
    assert_eq!(
        routed(&app, id).await,
        vec![(1, RouteReason::Waited), (2, RouteReason::Waited)]
    );

    // Carol claims it, then loses her connection past the grace period: it goes back to the
    // queue at the co-op step it came from.
    assert_eq!(app.claim(&carol, &chat).await.0, 200);
    carol_ws.close().await;
    let bound = std::time::Duration::from_secs(20);
    let operator_timer = async || match app
        .state
        .store()
        .rows_page(refdesk_store::Table::Timers, 0, 100)
        .await
        .unwrap()
    {
        refdesk_store::Rows::Timers(t) => t
            .iter()
            .any(|t| t.key.kind == TimerKind::OperatorAway && t.key.subject == *id.as_uuid()),
        _ => false,
    };
    tokio::time::timeout(bound, async {
        while !operator_timer().await {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the server saw Carol's socket close");
    after(&app, 61).await;
    let back = stored(&app, id).await;
    assert_eq!(back.state, ChatState::Waiting);
    assert_eq!((back.step, back.coop_id), (2, Some(coop)));
}

#[tokio::test]
async fn a_step_nobody_monitors_is_skipped_at_once() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    let alice = app.login("alice@riverside").await;
    let reference = department(&app, &alice, "Reference").await;
    let history = department(&app, &alice, "Local History").await;
    app.route_riverside(vec![
        step(StepTarget::Department(history), 20),
        step(StepTarget::Coop(coop), 30),
    ])
    .await;
    let (_ws, _) = app.staff_ws(&alice).await;
    monitor(
        &app,
        &alice,
        json!({"department_id": reference, "online": false}),
    )
    .await;
    let (chat, _) = app.start_chat("Is anyone there?").await;
    let id: ChatId = chat.parse().unwrap();
    assert_eq!(stored(&app, id).await.step, 1);
    assert_eq!(routed(&app, id).await, vec![(1, RouteReason::Unstaffed)]);
    // The patron is told, in words that promise nothing that is not so.
    let (_, view) = app
        .get(
            &format!("/api/chats/{chat}/messages"),
            Some(&alice.cookie),
            None,
        )
        .await;
    assert!(
        view.to_string().contains("offered to Local History"),
        "{view}"
    );

    // Alice stops monitoring Local History too: on to the co-op at once, while she waits.
    monitor(
        &app,
        &alice,
        json!({"department_id": history, "online": false}),
    )
    .await;
    let moved = stored(&app, id).await;
    assert_eq!((moved.step, moved.coop_id), (2, Some(coop)));
    assert_eq!(
        routed(&app, id).await,
        vec![(1, RouteReason::Unstaffed), (2, RouteReason::Unstaffed)]
    );
    // Her own library's chat stays on her screen: local staff always see their chats.
    assert_eq!(
        app.get(&format!("/api/chats/{chat}"), Some(&alice.cookie), None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn outside_coop_hours_the_coop_is_not_offered_and_the_chat_box_is_offline() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    app.route_riverside(vec![step(StepTarget::Coop(coop), 30)])
        .await;
    let config = format!("/api/widgets/{}", app.widget_id);
    assert_eq!(
        app.get(&config, None, None).await.1["online"],
        false,
        "nobody is monitoring"
    );
    let carol = app.login("carol@hillcrest").await;
    monitor(&app, &carol, json!({"coop_id": coop, "online": true})).await;
    let (_carol_ws, _) = app.staff_ws(&carol).await;
    assert_eq!(app.get(&config, None, None).await.1["online"], true);

    // Riverside's contract says the co-op is closed today (in Riverside's time zone).
    let riverside = app
        .state
        .store()
        .widget(app.widget_id.parse().unwrap())
        .await
        .unwrap()
        .institution_id;
    let today = refdesk_core::routing::local_time(app.clock_now(), "America/Toronto")
        .unwrap()
        .date();
    let closed = CoopHours {
        weekly: vec![],
        closed: vec![today],
    };
    app.state
        .store()
        .set_coop_hours(coop, riverside, &closed)
        .await
        .unwrap();
    assert_eq!(app.get(&config, None, None).await.1["online"], false);
    let (chat, _) = app.start_chat("Closed today?").await;
    let id: ChatId = chat.parse().unwrap();
    after(&app, 31).await;
    assert_eq!(stored(&app, id).await.step, 0, "the co-op is not offered");
    assert!(routed(&app, id).await.is_empty());
    assert_eq!(
        app.get(&format!("/api/chats/{chat}"), Some(&carol.cookie), None)
            .await
            .0,
        404
    );

    // Open again: the next look (at most a minute later) offers it.
    app.state
        .store()
        .set_coop_hours(coop, riverside, &CoopHours::default())
        .await
        .unwrap();
    after(&app, 61).await;
    assert_eq!(stored(&app, id).await.coop_id, Some(coop));
    assert_eq!(routed(&app, id).await, vec![(1, RouteReason::Unstaffed)]);
}

#[tokio::test]
async fn a_claim_racing_a_step_change_has_one_winner() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    app.route_riverside(vec![step(StepTarget::Coop(coop), 30)])
        .await;
    let alice = app.login("alice@riverside").await;
    let (_ws, _) = app.staff_ws(&alice).await;
    let operator = user_of(&alice);

    // The same version decided both ways, applied at once: exactly one lands.
    for round in 0..10 {
        let (chat, _) = app.start_chat(&format!("Race {round}")).await;
        let chat = stored(&app, chat.parse().unwrap()).await;
        let now = app.clock_now();
        let claim = chat.decide(now, ChatCommand::Claim { operator }).unwrap();
        let route = chat
            .decide(
                now,
                ChatCommand::Route {
                    step: 1,
                    target: StepTarget::Coop(coop),
                    reason: RouteReason::Waited,
                    version: chat.version,
                },
            )
            .unwrap();
        let store = app.state.store();
        let (a, b) = tokio::join!(
            store.apply_decision(&claim, None),
            store.apply_decision(&route, None)
        );
        let lost = |r: &Result<_, StoreError>| {
            matches!(r, Err(StoreError::Conflict(Conflict::StateChanged)))
        };
        assert!(
            (a.is_ok() && lost(&b)) || (lost(&a) && b.is_ok()),
            "round {round}: one winner, {:?} / {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        );
    }

    // Through the server: a claim and a due step change at once. Whatever the order, the chat
    // ends with Alice, each version of its history is one event, and it is never routed after
    // it was claimed.
    for round in 0..10 {
        let (chat, _) = app.start_chat(&format!("Server race {round}")).await;
        let id: ChatId = chat.parse().unwrap();
        app.clock.advance(Duration::seconds(31));
        let (claimed, fired) = tokio::join!(app.claim(&alice, &chat), app.state.fire_due_timers());
        assert_eq!(claimed.0, 200, "{}", claimed.1);
        fired.unwrap();
        let history = app.state.store().chat_history(id).await.unwrap();
        let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
        assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
        let claimed_at = history
            .iter()
            .position(|e| matches!(e.event, ChatEvent::Claimed { .. }))
            .expect("claimed");
        assert!(
            !history[claimed_at..]
                .iter()
                .any(|e| matches!(e.event, ChatEvent::Routed { .. })),
            "round {round}: {history:?}"
        );
        assert_eq!(stored(&app, id).await.state, ChatState::Active { operator });
        assert_eq!(
            app.post(
                &format!("/api/chats/{chat}/close"),
                Some(&alice.cookie),
                json!({})
            )
            .await
            .0,
            200
        );
    }
}

#[tokio::test]
async fn a_chat_waiting_past_the_realert_time_alerts_its_monitors_again_until_claimed() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (mut ws, _) = app.staff_ws(&alice).await;
    let (chat, token) = app.start_chat("Hello?").await;
    // The patron's chat box stays open (a chat without one is abandoned after two minutes).
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.until("message").await;
    ws.until("chat").await;
    after(&app, 59).await;
    after(&app, 2).await;
    let (alert, _) = ws.until("chat_realert").await;
    assert_eq!(alert["chat_id"], chat.as_str());
    // Again after as long.
    after(&app, 61).await;
    let (again, _) = ws.until("chat_realert").await;
    assert_eq!(again["chat_id"], chat.as_str());
    // Claimed: no more.
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    app.clock.advance(Duration::seconds(61));
    let fired = app.state.fire_due_timers().await.unwrap();
    assert!(
        !fired.iter().any(|(t, _)| t.key.kind == TimerKind::Realert),
        "{fired:?}"
    );
}

#[tokio::test]
async fn a_chat_moved_on_is_still_abandoned_when_its_patron_is_gone() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    app.route_riverside(vec![step(StepTarget::Coop(coop), 30)])
        .await;
    let alice = app.login("alice@riverside").await;
    let (_ws, _) = app.staff_ws(&alice).await;
    // No chat box ever connects: the patron-away timer runs from the start.
    let (chat, _) = app.start_chat("Anyone?").await;
    let id: ChatId = chat.parse().unwrap();
    after(&app, 31).await;
    assert_eq!(stored(&app, id).await.coop_id, Some(coop), "moved on");
    after(&app, 90).await;
    assert_eq!(
        stored(&app, id).await.state,
        ChatState::Abandoned,
        "the move kept the patron-away timer"
    );
}

#[tokio::test]
async fn coop_hours_follow_the_institutions_clock_across_daylight_saving() {
    use time::macros::datetime;
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    app.route_riverside(vec![step(StepTarget::Coop(coop), 30)])
        .await;
    let riverside = app
        .state
        .store()
        .widget(app.widget_id.parse().unwrap())
        .await
        .unwrap()
        .institution_id;
    // Riverside (America/Toronto) contracts the co-op on weekdays 09:00-17:00 local time.
    let weekdays = CoopHours {
        weekly: [
            refdesk_core::routing::Day::Mon,
            refdesk_core::routing::Day::Fri,
        ]
        .into_iter()
        .map(|day| refdesk_core::routing::Opening {
            day,
            from: "09:00".into(),
            to: "17:00".into(),
        })
        .collect(),
        closed: vec![],
    };
    app.state
        .store()
        .set_coop_hours(coop, riverside, &weekdays)
        .await
        .unwrap();
    // Nobody at Riverside monitors; Carol monitors the co-op, from each instant's sign-in.
    let ask = async |at: time::OffsetDateTime, question: &str| {
        app.clock.set(at);
        let carol = app.login("carol@hillcrest").await;
        monitor(&app, &carol, json!({"coop_id": coop, "online": true})).await;
        let (ws, _) = app.staff_ws(&carol).await;
        let (chat, _) = app.start_chat(question).await;
        let placed = stored(&app, chat.parse().unwrap()).await;
        ws.close().await;
        placed
    };
    // Friday 6 March 2026, 13:30 UTC: 08:30 EST, before the co-op's hours.
    let early = ask(datetime!(2026-03-06 13:30 UTC), "Before nine?").await;
    assert_eq!(
        (early.step, early.coop_id),
        (0, None),
        "not offered before 09:00"
    );
    // Monday 9 March, the day after clocks went forward: 13:30 UTC is 09:30 EDT.
    let after_dst = ask(datetime!(2026-03-09 13:30 UTC), "After the change?").await;
    assert_eq!(
        after_dst.coop_id,
        Some(coop),
        "offered at 09:30 daylight time"
    );
    // The same instant in winter time would have been 08:30: a UTC schedule would be wrong.
    let late = ask(datetime!(2026-03-09 21:30 UTC), "After five?").await;
    assert_eq!(late.coop_id, None, "17:30 EDT is after the co-op's hours");
}

#[tokio::test]
async fn coop_monitors_see_a_members_chat_while_it_is_open_and_its_answerer_after() {
    let app = TestApp::spawn().await;
    let coop = app.demo_coop().await;
    app.route_riverside(vec![step(StepTarget::Coop(coop), 30)])
        .await;
    let carol = app.login("carol@hillcrest").await;
    let dave = app.login("dave@lakeside").await;
    for who in [&carol, &dave] {
        monitor(&app, who, json!({"coop_id": coop, "online": true})).await;
    }
    // Nobody at Riverside: offered to the co-op at once.
    let (chat, _) = app.start_chat("Borrowing a telescope?").await;
    let path = format!("/api/chats/{chat}");
    assert_eq!(app.get(&path, Some(&dave.cookie), None).await.0, 200);
    assert_eq!(app.claim(&carol, &chat).await.0, 200);
    assert_eq!(
        app.get(&path, Some(&dave.cookie), None).await.0,
        200,
        "an active co-op chat is on every monitor's list"
    );
    let (status, _) = app
        .post(&format!("{path}/close"), Some(&carol.cookie), json!({}))
        .await;
    assert_eq!(status, 200);
    // Ended: the co-op's monitors no longer read it; the librarian who answered still does,
    // and so does the patron's own library.
    assert_eq!(app.get(&path, Some(&dave.cookie), None).await.0, 404);
    assert_eq!(app.get(&path, Some(&carol.cookie), None).await.0, 200);
    let alice = app.login("alice@riverside").await;
    assert_eq!(app.get(&path, Some(&alice.cookie), None).await.0, 200);
    let (_, list) = app
        .get("/api/chats?status=closed", Some(&dave.cookie), None)
        .await;
    assert!(!list.to_string().contains(&chat), "{list}");
}
