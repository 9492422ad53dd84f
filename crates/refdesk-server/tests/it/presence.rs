//! Operator presence on a controlled clock (issue 9, item 6): an operator whose sockets are all
//! gone gets their chats sent back to the queue after the grace period (with an internal note,
//! and the patron told), not before; coming back within it keeps them; and a socket that moves
//! from one node to another keeps them too.

use crate::app::{StaffClient, TestApp};
use crate::ws::Ws;
use refdesk_core::{ChatEvent, ChatId, ChatState, TimerKind, UserId};
use refdesk_server::{AppState, Server, router};
use refdesk_store::{Rows, Table};
use std::sync::Arc;
use time::Duration;

const BOUND: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits (bounded) until `check` holds: the server notices sockets on its own tasks.
async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    tokio::time::timeout(BOUND, async {
        while !check().await {
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

async fn operator_timer_set(app: &TestApp, chat: ChatId) -> bool {
    match app
        .state
        .store()
        .rows_page(Table::Timers, 0, 100)
        .await
        .unwrap()
    {
        Rows::Timers(t) => t
            .iter()
            .any(|t| t.key.kind == TimerKind::OperatorAway && t.key.subject == *chat.as_uuid()),
        _ => false,
    }
}

fn user(staff: &StaffClient) -> UserId {
    staff.id.parse::<uuid::Uuid>().unwrap().into()
}

/// Alice holds a chat whose patron is connected: (alice, her socket, chat, patron socket).
async fn alice_holds_a_chat(app: &TestApp) -> (StaffClient, Ws, ChatId, Ws) {
    let alice = app.login("alice@riverside").await;
    let (ws, _) = app.staff_ws(&alice).await;
    let (chat, token) = app.start_chat("Where is the map room?").await;
    let patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let id: ChatId = chat.parse().unwrap();
    let hub = app.state.hub();
    until("the server to see both sockets", async || {
        hub.has_staff(user(&alice)) && hub.has_patron(id)
    })
    .await;
    (alice, ws, id, patron)
}

#[tokio::test]
async fn an_operators_chats_go_back_to_the_queue_after_the_grace_period() {
    let app = TestApp::spawn().await;
    let (alice, ws, chat, mut patron) = alice_holds_a_chat(&app).await;
    ws.close().await;
    until("the operator-away timer", async || {
        !app.state.hub().has_staff(user(&alice)) && operator_timer_set(&app, chat).await
    })
    .await;
    app.clock.advance(Duration::seconds(59));
    assert!(
        app.state.fire_due_timers().await.unwrap().is_empty(),
        "not before"
    );
    app.clock.advance(Duration::seconds(2));
    assert_eq!(app.state.fire_due_timers().await.unwrap().len(), 1);
    let stored = app.state.store().chat(chat).await.unwrap();
    assert_eq!(stored.state, ChatState::Waiting);
    let history = app.state.store().chat_history(chat).await.unwrap();
    assert_eq!(
        history.last().unwrap().event,
        ChatEvent::Requeued {
            operator: user(&alice)
        }
    );
    // The patron is told, by first name, that a librarian will be with them shortly.
    let told = loop {
        let m = patron.next_message().await;
        if m["kind"] == "system" && m["seq"].as_u64() > Some(2) {
            break m;
        }
    };
    assert_eq!(
        told["body"],
        "Alice was disconnected. A librarian will be with you shortly."
    );
    // Staff find an internal note saying so.
    let bob = app.login("bob@riverside").await;
    let (_, history) = app
        .get(
            &format!("/api/chats/{chat}/messages"),
            Some(&bob.cookie),
            None,
        )
        .await;
    assert!(
        history["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "internal_note"
                && m["body"]
                    .as_str()
                    .unwrap()
                    .contains("Alice Archer was disconnected")),
        "{history}"
    );
}

#[tokio::test]
async fn coming_back_within_the_grace_period_keeps_the_chats() {
    let app = TestApp::spawn().await;
    let (alice, ws, chat, _patron) = alice_holds_a_chat(&app).await;
    ws.close().await;
    until("the operator-away timer", async || {
        operator_timer_set(&app, chat).await
    })
    .await;
    let (_again, _) = app.staff_ws(&alice).await;
    until("the timer to be cancelled", async || {
        !operator_timer_set(&app, chat).await
    })
    .await;
    app.clock.advance(Duration::seconds(61));
    app.state.fire_due_timers().await.unwrap();
    let stored = app.state.store().chat(chat).await.unwrap();
    assert_eq!(stored.state.operator(), Some(user(&alice)));
}

/// A second node sharing the first one's store and clock, with a hub of its own.
async fn second_node(app: &TestApp) -> (AppState, std::net::SocketAddr) {
    let hub = Arc::new(refdesk_server::hub::Hub::default());
    let bus = Arc::new(refdesk_server::bus::InProcessBus::new(hub.clone()));
    let state = AppState::with_clock(
        app.state.settings().clone(),
        app.state.store().clone(),
        hub,
        bus,
        app.clock.clone(),
    );
    let server = Server::bind(
        "127.0.0.1:0".parse().unwrap(),
        router::demo_router(state.clone()),
    )
    .await
    .unwrap();
    let addr = server.addr;
    tokio::spawn(server.serve(std::future::pending()));
    (state, addr)
}

#[tokio::test]
async fn a_socket_moving_to_another_node_keeps_the_chats() {
    let app = TestApp::spawn().await;
    let (alice, ws, chat, _patron) = alice_holds_a_chat(&app).await;
    let (b, b_addr) = second_node(&app).await;
    let mut on_b = Ws::connect(b_addr, Some(&alice.cookie)).await;
    on_b.send(serde_json::json!({"type": "hello"})).await;
    assert_eq!(on_b.next().await["type"], "welcome");
    until("node B to see her", async || {
        b.hub().has_staff(user(&alice))
    })
    .await;
    ws.close().await;
    until("node A to see her go", async || {
        !app.state.hub().has_staff(user(&alice))
    })
    .await;
    assert!(
        !operator_timer_set(&app, chat).await,
        "node B holds her socket"
    );
    app.clock.advance(Duration::seconds(120));
    app.state.fire_due_timers().await.unwrap();
    b.fire_due_timers().await.unwrap();
    let stored = app.state.store().chat(chat).await.unwrap();
    assert_eq!(stored.state.operator(), Some(user(&alice)));
    // And when she leaves node B too, the grace period starts.
    on_b.close().await;
    until("the operator-away timer", async || {
        operator_timer_set(&app, chat).await
    })
    .await;
}
