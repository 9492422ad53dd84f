//! Access that changes while a socket is open: signing out closes the session's sockets in
//! every tab, an expired session's sockets close when its timer fires, and a socket whose grants
//! shrink stops receiving what it may no longer see.

use crate::app::TestApp;
use refdesk_core::{DepartmentId, Grant, UserId};
use serde_json::json;

async fn hillcrest(app: &TestApp) -> (String, DepartmentId) {
    let store = app.state.store();
    let i = store.institution_by_slug("hillcrest").await.unwrap();
    let w = &store.widgets(i.id).await.unwrap()[0];
    (w.id.to_string(), w.department_id)
}

#[tokio::test]
async fn signing_out_closes_the_sessions_sockets_in_every_tab() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (mut first_tab, _) = app.staff_ws(&alice).await;
    let (mut second_tab, _) = app.staff_ws(&alice).await;
    let other_session = app.login("alice@riverside").await;
    let (mut other, _) = app.staff_ws(&other_session).await;
    let (status, _) = app
        .post("/api/auth/logout", Some(&alice.cookie), json!({}))
        .await;
    assert_eq!(status, 204);
    for tab in [&mut first_tab, &mut second_tab] {
        let (frames, code) = tab.closed().await;
        assert_eq!(code, Some(1008), "policy close");
        assert!(
            frames.iter().any(|f| f["code"] == "session_ended"),
            "{frames:?}"
        );
    }
    // The same person's other session is untouched: it still hears new chats.
    app.start_chat("Still there?").await;
    let (chat, _) = other.until("chat").await;
    assert_eq!(chat["chat"]["status"], "waiting");
    // And the signed-out cookie no longer opens a staff socket.
    let mut again = crate::ws::Ws::connect(app.addr, Some(&alice.cookie)).await;
    again.send(json!({"type": "hello"})).await;
    let refused = again.next().await;
    assert_eq!(refused["code"], "unauthenticated", "{refused}");
}

#[tokio::test]
async fn an_expired_sessions_sockets_close_when_its_timer_fires() {
    let app = TestApp::spawn_with(|s| s.session_hours = 1).await;
    let bob = app.login("bob@riverside").await;
    let (mut ws, _) = app.staff_ws(&bob).await;
    assert!(app.state.fire_due_timers().await.unwrap().is_empty());
    app.clock.advance(time::Duration::minutes(61));
    let fired = app.state.fire_due_timers().await.unwrap();
    assert_eq!(fired.len(), 1, "{fired:?}");
    let (frames, code) = ws.closed().await;
    assert_eq!(code, Some(1008));
    assert!(frames.iter().any(|f| f["code"] == "session_ended"));
    let (status, _) = app.get("/api/me", Some(&bob.cookie), None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_socket_whose_grants_shrink_stops_receiving_what_it_may_not_see() {
    let app = TestApp::spawn().await;
    let (hill_widget, hill_dept) = hillcrest(&app).await;
    let bob = app.login("bob@riverside").await;
    let bob_id: UserId = bob.id.parse().unwrap();
    let monitor = Grant::MonitorDepartment(hill_dept);
    app.state.grant(bob_id, monitor).await.unwrap();

    // With the grant, Bob's open socket sees Hillcrest's queue and may follow its chats.
    let (mut ws, _) = app.staff_ws(&bob).await;
    let (hill_chat, _) = app.start_chat_on(&hill_widget, "Hillcrest question").await;
    let (arrived, _) = ws.until("chat").await;
    assert_eq!(arrived["chat"]["id"], hill_chat.as_str());
    ws.send(json!({"type": "watch", "chat_id": hill_chat, "after_seq": 0}))
        .await;
    let q = ws.next_message().await;
    assert_eq!(q["body"], "Hillcrest question");

    // The grant is taken away while the socket is open.
    assert!(app.state.revoke(bob_id, monitor).await.unwrap());
    let (hidden, _) = ws.until("chat_hidden").await;
    assert_eq!(hidden["chat_id"], hill_chat.as_str());

    // A new Hillcrest chat, then a Riverside one: Bob hears only the Riverside one, and
    // nothing of the Hillcrest chat he was following.
    let (hill_token_chat, hill_token) = app.start_chat_on(&hill_widget, "Second").await;
    let mut hill_patron = app.patron_ws(&hill_token, &[(&hill_token_chat, 0)]).await;
    hill_patron.until("message").await;
    let (river_chat, _) = app.start_chat("Riverside question").await;
    let (next, before) = ws.until("chat").await;
    let mut seen = before;
    seen.push(next.clone());
    for f in &seen {
        let text = f.to_string();
        assert!(!text.contains(&hill_chat), "leaked {f}");
        assert!(!text.contains(&hill_token_chat), "leaked {f}");
    }
    assert_eq!(next["chat"]["id"], river_chat.as_str());
    let (status, _) = app
        .get(&format!("/api/chats/{hill_chat}"), Some(&bob.cookie), None)
        .await;
    assert_eq!(status, 404, "REST agrees at once");
}

#[tokio::test]
async fn an_unused_session_is_refused_after_the_idle_limit_but_an_open_dashboard_keeps_its_own() {
    use time::Duration;
    let app = TestApp::spawn_with(|s| s.session_idle_minutes = 30).await;
    let alice = app.login("alice@riverside").await; // uses the REST API now and then
    let bob = app.login("bob@riverside").await; // signed in, then never again
    let rita = app.login("rita@riverside").await; // her dashboard stays open
    let (_dashboard, _) = app.staff_ws(&rita).await;
    let me = |cookie: &str| {
        let (app, cookie) = (&app, cookie.to_owned());
        async move { app.get("/api/me", Some(&cookie), None).await.0 }
    };

    app.clock.advance(Duration::minutes(20));
    assert_eq!(me(&alice.cookie).await, 200);
    // The timer task's presence round: the open dashboard's session is in use.
    app.state.open_sessions_used().await;
    app.clock.advance(Duration::minutes(20));
    assert_eq!(me(&bob.cookie).await, 401, "40 minutes unused");
    assert_eq!(me(&alice.cookie).await, 200, "used 20 minutes ago");
    app.clock.advance(Duration::minutes(20));
    app.state.open_sessions_used().await;
    app.clock.advance(Duration::minutes(15));
    assert_eq!(me(&alice.cookie).await, 401, "35 minutes unused");
    assert_eq!(me(&rita.cookie).await, 200, "kept by her open dashboard");
    // Signing in again starts afresh.
    let again = app.login("bob@riverside").await;
    assert_eq!(me(&again.cookie).await, 200);
}
