//! Timers through the running server, on a controlled clock: a waiting chat whose patron has
//! no chat box connected is abandoned when the grace period has passed (with its history row),
//! and not while the chat box is there.

use crate::app::TestApp;
use refdesk_core::{ChatEvent, TimerKind};
use refdesk_store::{Rows, Table};
use time::Duration;

fn grace() -> Duration {
    Duration::seconds(121)
}

/// The patron-away timers among those fired (a waiting chat's re-alert fires too).
fn patron_away(
    fired: Vec<(refdesk_core::Timer, refdesk_server::timers::Fired)>,
) -> Vec<refdesk_server::timers::Fired> {
    fired
        .into_iter()
        .filter(|(t, _)| t.key.kind == TimerKind::PatronAway)
        .map(|(_, f)| f)
        .collect()
}

#[tokio::test]
async fn a_chat_whose_patron_left_is_abandoned_after_the_grace_period() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (mut staff, _) = app.staff_ws(&alice).await;
    let (chat, token) = app.start_chat("Anyone?").await;
    let patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    staff.until("chat").await;
    let id: refdesk_core::ChatId = chat.parse().unwrap();
    // The server follows the chat box and notices it close on its own tasks: wait for each
    // (not for time), bounded.
    let bound = std::time::Duration::from_secs(20);
    tokio::time::timeout(bound, async {
        while !app.state.hub().has_patron(id) {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the server saw the chat box");
    patron.close().await;
    let patron_timer = |rows: Rows| match rows {
        Rows::Timers(t) => t
            .iter()
            .any(|t| t.key.kind == TimerKind::PatronAway && t.key.subject == *id.as_uuid()),
        _ => false,
    };
    tokio::time::timeout(bound, async {
        while app.state.hub().has_patron(id)
            || !patron_timer(
                app.state
                    .store()
                    .rows_page(Table::Timers, 0, 100)
                    .await
                    .unwrap(),
            )
        {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the server saw the chat box go");
    // Before the grace period is over nothing happens.
    app.clock.advance(Duration::seconds(59));
    assert!(app.state.fire_due_timers().await.unwrap().is_empty());
    app.clock.advance(Duration::seconds(62));
    let fired = patron_away(app.state.fire_due_timers().await.unwrap());
    assert_eq!(fired.len(), 1, "{fired:?}");
    let (gone, _) = staff.until("chat").await;
    assert_eq!(gone["chat"]["status"], "abandoned", "{gone}");
    let history = app.state.store().chat_history(id).await.unwrap();
    assert_eq!(history.last().unwrap().event, ChatEvent::PatronGone);
}

#[tokio::test]
async fn a_chat_started_without_a_chat_box_is_abandoned_too() {
    let app = TestApp::spawn().await;
    let (chat, _) = app.start_chat("spam").await;
    app.clock.advance(grace());
    let fired = patron_away(app.state.fire_due_timers().await.unwrap());
    assert_eq!(fired.len(), 1);
    let stored = app.state.store().chat(chat.parse().unwrap()).await.unwrap();
    assert_eq!(stored.state, refdesk_core::ChatState::Abandoned);
}

#[tokio::test]
async fn a_connected_patron_keeps_the_chat_waiting() {
    let app = TestApp::spawn().await;
    let (chat, token) = app.start_chat("Still here").await;
    let mut patron = app.patron_ws(&token, &[(&chat, 0)]).await;
    patron.until("message").await;
    app.clock.advance(grace());
    // The chat box's watch cancelled the start's timer: nothing is due.
    for fired in patron_away(app.state.fire_due_timers().await.unwrap()) {
        assert_eq!(fired, refdesk_server::timers::Fired::Stale);
    }
    let stored = app.state.store().chat(chat.parse().unwrap()).await.unwrap();
    assert_eq!(stored.state, refdesk_core::ChatState::Waiting);
}
