//! A chat's typed history and its version: every change writes one row in its own transaction,
//! and every change is a compare-and-set on the version.

use super::fixture::{Fixture, now};
use crate::DynStore;
use crate::{Conflict, Rows, StoreError};
use refdesk_core::*;

pub async fn every_transition_writes_its_history_row(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    assert_eq!(chat.version, 1);
    let claim = chat
        .decide(
            now(),
            ChatCommand::Claim {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let (claimed, note) = f
        .store
        .apply_decision(&claim, Some(f.system_note(&chat.id, "{}")))
        .await
        .unwrap();
    assert_eq!(claimed.version, 2);
    assert_eq!(note.unwrap().seq, Seq(2));
    let close = claimed
        .decide(
            now(),
            ChatCommand::Close {
                by: Sender::Patron(guest.id),
            },
        )
        .unwrap();
    let (closed, none) = f.store.apply_decision(&close, None).await.unwrap();
    assert_eq!(
        (closed.version, closed.last_seq),
        (3, Seq(2)),
        "no note, no seq"
    );
    assert!(none.is_none());
    let history = f.store.chat_history(chat.id).await.unwrap();
    let events: Vec<(u64, ChatEvent)> = history.iter().map(|e| (e.version, e.event)).collect();
    assert_eq!(
        events,
        vec![
            (1, ChatEvent::Started),
            (
                2,
                ChatEvent::Claimed {
                    operator: f.alice.id
                }
            ),
            (3, ChatEvent::ClosedByPatron),
        ]
    );
    for e in &history {
        assert_eq!(e.chat_id, chat.id);
        assert_eq!(e.institution_id, f.institution.id);
        assert_eq!(e.department_id, f.department.id);
    }
    assert_eq!(history[0].at, chat.created_at);
    assert_eq!(history[1].at, claim.at);
}

/// A claims → requeued → A claims again: the chat is back in the same state, and a decision made
/// on the first claim's version (a late timer, a stale request) is refused.
pub async fn a_stale_version_is_refused_even_in_the_same_state(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, _) = f.chat().await;
    let a = f.alice.id;
    let (first, _) = f
        .store
        .apply_decision(
            &chat
                .decide(now(), ChatCommand::Claim { operator: a })
                .unwrap(),
            None,
        )
        .await
        .unwrap();
    let late = first
        .decide(
            now(),
            ChatCommand::Timeout {
                kind: TimerKind::OperatorAway,
                version: first.version,
            },
        )
        .unwrap();
    let (requeued, _) = f
        .store
        .apply_decision(
            &first
                .decide(now(), ChatCommand::Requeue { operator: a })
                .unwrap(),
            None,
        )
        .await
        .unwrap();
    let (again, _) = f
        .store
        .apply_decision(
            &requeued
                .decide(now(), ChatCommand::Claim { operator: a })
                .unwrap(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(again.state, first.state);
    let refused = f.store.apply_decision(&late, None).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(Conflict::StateChanged))),
        "{refused:?}"
    );
    let stored = f.store.chat(chat.id).await.unwrap();
    assert_eq!(stored, again);
    assert_eq!(stored.version, 4);
    assert_eq!(f.store.chat_history(chat.id).await.unwrap().len(), 4);
}

/// A transition that fails inside its transaction leaves no history row, no state change and no
/// change to timers.
pub async fn a_rolled_back_transition_leaves_nothing(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, _) = f.chat().await;
    let away = chat.patron_left(now(), &Timing::default()).unwrap();
    f.store.set_timers(&[away]).await.unwrap();
    // Plant the history row the claim would write, so that its insert fails after the update.
    let planted = ChatHistoryEntry {
        chat_id: chat.id,
        version: 2,
        at: now(),
        event: ChatEvent::ClosedBySystem,
        institution_id: f.institution.id,
        department_id: f.department.id,
    };
    f.store
        .restore_rows(&Rows::ChatHistory(vec![planted.clone()]))
        .await
        .unwrap();
    let claim = chat
        .decide(
            now(),
            ChatCommand::Claim {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let failed = f
        .store
        .apply_decision(&claim, Some(f.system_note(&chat.id, "{}")))
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        f.store.chat(chat.id).await.unwrap(),
        chat,
        "state unchanged"
    );
    let history = f.store.chat_history(chat.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1], planted, "no row of the failed claim");
    let msgs = f
        .store
        .messages_after(chat.id.into(), Seq::ZERO, 10)
        .await
        .unwrap();
    assert_eq!(msgs.len(), 1, "no note of the failed claim");
    let due = now() + time::Duration::days(1);
    let timers = f.store.claim_due_timers(due, due, 10).await.unwrap();
    assert_eq!(timers.len(), 1, "the cancel was rolled back too");
}

pub async fn grants_and_coops_round_trip(store: DynStore) {
    let f = Fixture::new(store).await;
    let coop = Coop {
        id: uuid::Uuid::now_v7().into(),
        name: super::fixture::name("River Valley Libraries"),
    };
    f.store.create_coop(&coop).await.unwrap();
    f.store
        .add_coop_member(coop.id, f.institution.id)
        .await
        .unwrap();
    f.store
        .add_coop_member(coop.id, f.institution.id)
        .await
        .unwrap();
    assert_eq!(
        f.store.coop_members(&[coop.id]).await.unwrap(),
        vec![(coop.id, f.institution.id)]
    );
    assert!(f.store.coop_members(&[]).await.unwrap().is_empty());
    let unknown = CoopId::from(uuid::Uuid::now_v7());
    assert_eq!(
        f.store.coops(&[coop.id, unknown]).await.unwrap(),
        vec![coop.clone()]
    );
    assert_eq!(
        f.store
            .coops_of_institution(f.institution.id)
            .await
            .unwrap(),
        vec![coop.clone()]
    );
    assert!(f.store.coops(&[]).await.unwrap().is_empty());
    let monitor = Grant::MonitorCoop(coop.id);
    let admin = Grant::SystemAdmin;
    f.store.add_grant(f.bob.id, monitor).await.unwrap();
    f.store.add_grant(f.bob.id, monitor).await.unwrap();
    f.store.add_grant(f.bob.id, admin).await.unwrap();
    let mut want = vec![monitor, admin];
    want.sort();
    assert_eq!(f.store.grants_of(f.bob.id).await.unwrap(), want);
    assert!(f.store.grants_of(f.alice.id).await.unwrap().is_empty());
    assert!(f.store.remove_grant(f.bob.id, admin).await.unwrap());
    assert!(!f.store.remove_grant(f.bob.id, admin).await.unwrap());
    assert_eq!(f.store.grants_of(f.bob.id).await.unwrap(), vec![monitor]);
    let nobody = UserId::from(uuid::Uuid::now_v7());
    assert!(matches!(
        f.store.add_grant(nobody, monitor).await,
        Err(StoreError::NotFound)
    ));
}

/// A member's contracted hours are stored per co-op; a route moves a waiting chat to its step
/// (another department, or a co-op, through which it is listed), with its history row.
pub async fn coop_hours_and_routed_chats_round_trip(store: DynStore) {
    let f = Fixture::new(store).await;
    let coop = Coop {
        id: uuid::Uuid::now_v7().into(),
        name: super::fixture::name("River Valley Libraries"),
    };
    f.store.create_coop(&coop).await.unwrap();
    assert!(matches!(
        f.store.coop_hours(coop.id, f.institution.id).await,
        Err(StoreError::NotFound)
    ));
    f.store
        .add_coop_member(coop.id, f.institution.id)
        .await
        .unwrap();
    assert_eq!(
        f.store.coop_hours(coop.id, f.institution.id).await.unwrap(),
        CoopHours::default(),
        "a new member is contracted around the clock"
    );
    let hours = CoopHours {
        weekly: vec![refdesk_core::routing::Opening {
            day: refdesk_core::routing::Day::Sat,
            from: "10:00".into(),
            to: "14:30".into(),
        }],
        closed: vec![time::macros::date!(2026 - 12 - 26)],
    };
    f.store
        .set_coop_hours(coop.id, f.institution.id, &hours)
        .await
        .unwrap();
    assert_eq!(
        f.store.coop_hours(coop.id, f.institution.id).await.unwrap(),
        hours
    );
    let stranger = InstitutionId::from(uuid::Uuid::now_v7());
    assert!(matches!(
        f.store.set_coop_hours(coop.id, stranger, &hours).await,
        Err(StoreError::NotFound)
    ));

    let (chat, _) = f.chat().await;
    // The patron is away: the move keeps their timer, now against the new version.
    let away = chat
        .patron_left(super::fixture::now(), &Timing::default())
        .unwrap();
    f.store.set_timers(&[away]).await.unwrap();
    let route = chat
        .decide(
            super::fixture::now(),
            ChatCommand::Route {
                step: 1,
                target: StepTarget::Coop(coop.id),
                reason: RouteReason::Unstaffed,
                version: chat.version,
            },
        )
        .unwrap();
    let (routed, _) = f.store.apply_decision(&route, None).await.unwrap();
    assert_eq!((routed.step, routed.coop_id), (1, Some(coop.id)));
    let Rows::Timers(timers) = f
        .store
        .rows_page(crate::Table::Timers, 0, 100)
        .await
        .unwrap()
    else {
        panic!("timers")
    };
    let kept = timers
        .iter()
        .find(|t| t.key == chat.timer_key(TimerKind::PatronAway))
        .expect("the patron-away timer is kept");
    assert_eq!(kept.version, routed.version);
    assert_eq!(routed.department_id, chat.department_id);
    assert_eq!(f.store.chat(chat.id).await.unwrap(), routed);
    let history = f.store.chat_history(chat.id).await.unwrap();
    assert!(matches!(
        history.last().unwrap().event,
        ChatEvent::Routed { step: 1, .. }
    ));
    let by_coop = |coops: Vec<CoopId>| crate::ChatFilter {
        institutions: vec![],
        departments: vec![],
        coops,
        statuses: vec![ChatStatus::Waiting],
        after: None,
        limit: 10,
    };
    let listed = f.store.chats(&by_coop(vec![coop.id])).await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![chat.id]
    );
    let other = CoopId::from(uuid::Uuid::now_v7());
    assert!(
        f.store
            .chats(&by_coop(vec![other]))
            .await
            .unwrap()
            .is_empty()
    );
}
