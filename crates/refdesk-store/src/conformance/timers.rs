//! Durable timers: set, replaced and cancelled; claimed when due by exactly one of several store
//! instances on one database; kept across reopening the store.

use super::Opener;
use super::fixture::{Fixture, now};
use crate::DynStore;
use refdesk_core::*;
use std::collections::HashSet;
use time::Duration;
use uuid::Uuid;

fn timer(due_at: time::OffsetDateTime) -> Timer {
    Timer {
        key: TimerKey {
            kind: TimerKind::PatronAway,
            subject: Uuid::now_v7(),
        },
        due_at,
        version: 1,
    }
}

fn later() -> time::OffsetDateTime {
    now() + Duration::minutes(10)
}

pub async fn due_timers_are_claimed_exactly_once_by_racing_stores(open: Opener) {
    let (a, b) = (open().await, open().await);
    let timers: Vec<Timer> = (0..40)
        .map(|i| timer(now() - Duration::seconds(i)))
        .collect();
    let ops: Vec<TimerOp> = timers.iter().map(|t| TimerOp::Set(*t)).collect();
    a.set_timers(&ops).await.unwrap();
    let claim_all = |store: DynStore| {
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store.claim_due_timers(now(), later(), 3).await.unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch);
            }
        })
    };
    let (from_a, from_b) = (claim_all(a.clone()), claim_all(b.clone()));
    let (from_a, from_b) = (from_a.await.unwrap(), from_b.await.unwrap());
    let mut seen = HashSet::new();
    for c in from_a.iter().chain(&from_b) {
        assert!(
            seen.insert(c.timer.key),
            "{:?} was claimed twice",
            c.timer.key
        );
    }
    assert_eq!(seen.len(), timers.len(), "every due timer was claimed");
    // Held timers are not due again while their lease lasts; finished ones are gone.
    assert!(
        a.claim_due_timers(now(), later(), 100)
            .await
            .unwrap()
            .is_empty()
    );
    for c in from_a.iter().chain(&from_b) {
        b.finish_timer(c).await.unwrap();
    }
    assert_eq!(a.next_timer_due().await.unwrap(), None);
}

pub async fn a_timer_survives_reopening_the_store(open: Opener) {
    let t = timer(now() + Duration::seconds(30));
    {
        let store = open().await;
        store.set_timers(&[TimerOp::Set(t)]).await.unwrap();
        assert!(
            store
                .claim_due_timers(now(), later(), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let store = open().await;
    assert_eq!(store.next_timer_due().await.unwrap(), Some(t.due_at));
    let claimed = store.claim_due_timers(t.due_at, later(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].timer, t);
}

pub async fn cancelled_and_superseded_timers_do_not_fire(store: DynStore) {
    let cancelled = timer(now() - Duration::seconds(5));
    store.set_timers(&[TimerOp::Set(cancelled)]).await.unwrap();
    store
        .set_timers(&[TimerOp::Cancel(cancelled.key)])
        .await
        .unwrap();
    let far = now() + Duration::days(1);
    assert!(
        store
            .claim_due_timers(far, far, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Claimed, then set again before the claimant finished: finishing the old claim leaves the
    // new timer, which fires at its new time only.
    let first = timer(now() - Duration::seconds(5));
    store.set_timers(&[TimerOp::Set(first)]).await.unwrap();
    let old = store.claim_due_timers(now(), later(), 10).await.unwrap();
    assert_eq!(old.len(), 1);
    let moved = Timer {
        due_at: now() + Duration::minutes(1),
        version: 2,
        ..first
    };
    store.set_timers(&[TimerOp::Set(moved)]).await.unwrap();
    store.finish_timer(&old[0]).await.unwrap();
    assert!(
        store
            .claim_due_timers(now(), later(), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let new = store
        .claim_due_timers(moved.due_at, later(), 10)
        .await
        .unwrap();
    assert_eq!(new.iter().map(|c| c.timer).collect::<Vec<_>>(), vec![moved]);
}

pub async fn a_lapsed_claim_is_taken_again(store: DynStore) {
    let t = timer(now() - Duration::seconds(1));
    store.set_timers(&[TimerOp::Set(t)]).await.unwrap();
    let lease = now() + Duration::seconds(30);
    let first = store.claim_due_timers(now(), lease, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store
            .claim_due_timers(now(), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.next_timer_due().await.unwrap(), Some(lease));
    // The claimant died: after its lease another claim takes the timer, and the dead claim's
    // finish no longer removes it.
    let second = store
        .claim_due_timers(lease, lease + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_ne!(second[0].claim, first[0].claim);
    store.finish_timer(&first[0]).await.unwrap();
    assert_eq!(
        store.next_timer_due().await.unwrap(),
        Some(lease + Duration::seconds(30))
    );
    store.finish_timer(&second[0]).await.unwrap();
    assert_eq!(store.next_timer_due().await.unwrap(), None);
}

pub async fn decisions_set_and_cancel_their_timers(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, _) = f.chat().await;
    let away = chat.patron_left(now(), &Timing::default()).unwrap();
    f.store.set_timers(&[away]).await.unwrap();
    let due = now() + Duration::days(1);
    // Claiming the chat cancels the patron-away timer in the same transaction.
    let claim = chat
        .decide(
            now(),
            ChatCommand::Claim {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let (claimed, _) = f.store.apply_decision(&claim, None).await.unwrap();
    assert!(
        f.store
            .claim_due_timers(due, due, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A decision that sets a timer stores it.
    let mut requeue = claimed
        .decide(
            now(),
            ChatCommand::Requeue {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let back = Timer {
        key: claimed.timer_key(TimerKind::PatronAway),
        due_at: now(),
        version: claimed.version + 1,
    };
    requeue.timers.push(TimerOp::Set(back));
    f.store.apply_decision(&requeue, None).await.unwrap();
    let fired = f.store.claim_due_timers(due, due, 10).await.unwrap();
    assert_eq!(
        fired.iter().map(|c| c.timer).collect::<Vec<_>>(),
        vec![back]
    );
}
