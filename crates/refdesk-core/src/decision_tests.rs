//! Decisions with a controlled clock: timers set, moved and cancelled, versions, and stale
//! timers after the chat moved on.

use super::*;
use crate::chat::tests::{guest, legal_edge, sender, user};
use crate::message::{Sender, Seq};
use proptest::prelude::*;
use uuid::Uuid;

fn chat_at(state: ChatState, version: u64) -> Chat {
    Chat {
        id: Uuid::from_u128(500).into(),
        institution_id: Uuid::from_u128(10).into(),
        department_id: Uuid::from_u128(20).into(),
        widget_id: Uuid::from_u128(30).into(),
        guest_id: guest(),
        state,
        patron_name: None,
        patron_email: None,
        question: None,
        referrer: None,
        user_agent: None,
        patron_ip: None,
        created_at: t0(),
        claimed_at: None,
        ended_at: None,
        last_seq: Seq(1),
        last_patron_seq: Seq(1),
        version,
        answered_by: None,
        step: 0,
        coop_id: None,
        companions: Vec::new(),
    }
}

fn t0() -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
}

/// Applies a decision the way a store does: new state, next version.
fn apply(chat: &Chat, d: &Decision) -> Chat {
    assert_eq!(d.from_version, chat.version);
    Chat {
        state: d.transition.to,
        version: d.to_version(),
        answered_by: d.transition.answered_by(chat.answered_by),
        ..chat.clone()
    }
}

#[test]
fn patron_away_sets_a_timer_that_abandons_a_waiting_chat() {
    let timing = Timing::default();
    let chat = chat_at(ChatState::Waiting, 1);
    let Some(TimerOp::Set(timer)) = chat.patron_left(t0(), &timing) else {
        panic!("a waiting chat sets the patron-away timer");
    };
    assert_eq!(timer.due_at, t0() + timing.patron_grace);
    assert_eq!(timer.version, 1);
    assert_eq!(timer.key, chat.timer_key(TimerKind::PatronAway));
    let d = chat.decide(timer.due_at, Chat::timeout(&timer)).unwrap();
    assert_eq!(d.transition.to, ChatState::Abandoned);
    assert_eq!(d.event(), ChatEvent::PatronGone);
    assert_eq!(d.at, timer.due_at);
    assert!(d.timers.contains(&TimerOp::Cancel(timer.key)));
    // Coming back cancels it; an active chat sets nothing.
    assert_eq!(chat.patron_returned(), TimerOp::Cancel(timer.key));
    let active = chat_at(ChatState::Active { operator: user(1) }, 2);
    assert_eq!(active.patron_left(t0(), &timing), None);
}

#[test]
fn claiming_cancels_the_patron_timer_and_the_old_timer_is_stale() {
    let timing = Timing::default();
    let chat = chat_at(ChatState::Waiting, 1);
    let Some(TimerOp::Set(timer)) = chat.patron_left(t0(), &timing) else {
        panic!()
    };
    let claim = chat
        .decide(t0(), ChatCommand::Claim { operator: user(1) })
        .unwrap();
    assert_eq!(
        claim.timers,
        [
            TimerKind::PatronAway,
            TimerKind::RouteStep,
            TimerKind::Realert
        ]
        .map(|k| TimerOp::Cancel(chat.timer_key(k)))
    );
    let claimed = apply(&chat, &claim);
    assert_eq!(claimed.version, 2);
    assert_eq!(
        claimed.decide(timer.due_at, Chat::timeout(&timer)),
        Err(Rejection::Stale)
    );
}

/// A claims → the operator-away timer is set → A is requeued → A claims again: the first timer
/// belongs to a state that has moved on and come back, and does nothing.
#[test]
fn a_timer_set_before_an_aba_change_does_nothing() {
    let timing = Timing::default();
    let a = user(1);
    let waiting = chat_at(ChatState::Waiting, 1);
    let claimed = apply(
        &waiting,
        &waiting
            .decide(t0(), ChatCommand::Claim { operator: a })
            .unwrap(),
    );
    let Some(TimerOp::Set(old)) = claimed.operator_left(a, t0(), &timing) else {
        panic!("the holder leaving sets the operator-away timer")
    };
    assert_eq!(old.due_at, t0() + timing.operator_grace);
    let requeued = apply(
        &claimed,
        &claimed
            .decide(t0(), ChatCommand::Requeue { operator: a })
            .unwrap(),
    );
    let again = apply(
        &requeued,
        &requeued
            .decide(t0(), ChatCommand::Claim { operator: a })
            .unwrap(),
    );
    assert_eq!(again.state, claimed.state, "the same state as before…");
    assert_ne!(again.version, claimed.version, "…at a later version");
    assert_eq!(
        again.decide(old.due_at, Chat::timeout(&old)),
        Err(Rejection::Stale)
    );
    // A timer set in the new state still works.
    let Some(TimerOp::Set(fresh)) = again.operator_left(a, t0(), &timing) else {
        panic!()
    };
    let d = again.decide(fresh.due_at, Chat::timeout(&fresh)).unwrap();
    assert_eq!(d.transition.to, ChatState::Waiting);
    assert_eq!(d.event(), ChatEvent::Requeued { operator: a });
    // Someone else leaving sets nothing.
    assert_eq!(again.operator_left(user(2), t0(), &timing), None);
}

#[derive(Debug, Clone)]
enum TimedStep {
    Cmd(ChatCommand),
    PatronLeft,
    PatronBack,
    OperatorLeft(u128),
    OperatorBack,
    /// Time passes by this many seconds; due timers fire in due order.
    Advance(i64),
}

fn timed_step() -> impl Strategy<Value = TimedStep> {
    prop_oneof![
        (1u128..4).prop_map(|n| TimedStep::Cmd(ChatCommand::Claim { operator: user(n) })),
        sender().prop_map(|by| TimedStep::Cmd(ChatCommand::Close { by })),
        (1u128..4).prop_map(|n| TimedStep::Cmd(ChatCommand::Requeue { operator: user(n) })),
        Just(TimedStep::PatronLeft),
        Just(TimedStep::PatronBack),
        (1u128..4).prop_map(TimedStep::OperatorLeft),
        Just(TimedStep::OperatorBack),
        (0i64..400).prop_map(TimedStep::Advance),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// With time advancing, timers set, moved and cancelled at random: every accepted decision
    /// moves the version by one and takes a legal edge; a timer fires only against the version
    /// it was set at; an ended chat keeps no timers; nothing fires before it is due.
    #[test]
    fn timed_sequences_keep_versions_and_timers_honest(
        steps in proptest::collection::vec(timed_step(), 0..60)
    ) {
        let timing = Timing::default();
        let mut now = t0();
        let mut chat = chat_at(ChatState::Waiting, 1);
        let mut timers: std::collections::BTreeMap<TimerKey, Timer> = Default::default();
        let apply_ops = |timers: &mut std::collections::BTreeMap<TimerKey, Timer>, ops: &[TimerOp]| {
            for op in ops {
                match op {
                    TimerOp::Set(t) => { timers.insert(t.key, *t); }
                    TimerOp::Cancel(k) => { timers.remove(k); }
                    TimerOp::Carry { key, from, to } => {
                        if let Some(t) = timers.get_mut(key).filter(|t| t.version == *from) {
                            t.version = *to;
                        }
                    }
                }
            }
        };
        for s in steps {
            let mut ops = Vec::new();
            let mut decision = None;
            match s {
                TimedStep::Cmd(cmd) => decision = chat.decide(now, cmd).ok(),
                TimedStep::PatronLeft => ops.extend(chat.patron_left(now, &timing)),
                TimedStep::PatronBack => ops.push(chat.patron_returned()),
                TimedStep::OperatorLeft(n) => ops.extend(chat.operator_left(user(n), now, &timing)),
                TimedStep::OperatorBack => ops.push(chat.operator_returned()),
                TimedStep::Advance(secs) => {
                    now += Duration::seconds(secs);
                    let due: Vec<Timer> = timers.values().filter(|t| t.due_at <= now).copied().collect();
                    for t in due {
                        timers.remove(&t.key);
                        match chat.decide(now, Chat::timeout(&t)) {
                            Ok(d) => {
                                prop_assert_eq!(t.version, chat.version, "only a current timer applies");
                                prop_assert!(t.due_at <= d.at);
                                apply_ops(&mut timers, &d.timers);
                                chat = apply(&chat, &d);
                            }
                            Err(r) => prop_assert!(matches!(r, Rejection::Stale | Rejection::ChatEnded)),
                        }
                    }
                }
            }
            if let Some(d) = decision {
                prop_assert!(legal_edge(d.transition.from.status(), d.transition.to.status()));
                prop_assert_eq!(d.to_version(), chat.version + 1);
                apply_ops(&mut timers, &d.timers);
                chat = apply(&chat, &d);
            }
            apply_ops(&mut timers, &ops);
            if !chat.state.status().is_open() {
                prop_assert!(timers.is_empty(), "an ended chat keeps no timers: {:?}", timers);
            }
            for t in timers.values() {
                prop_assert!(t.version <= chat.version);
            }
        }
    }
}

#[test]
fn who_answered_a_chat_is_kept_after_it_ends() {
    let alice = user(1);
    let chat = chat_at(ChatState::Waiting, 1);
    let claimed = apply(
        &chat,
        &chat
            .decide(t0(), ChatCommand::Claim { operator: alice })
            .unwrap(),
    );
    assert_eq!(claimed.answered_by, Some(alice));
    let close = ChatCommand::Close {
        by: Sender::Staff(alice),
    };
    let closed = apply(&claimed, &claimed.decide(t0(), close).unwrap());
    assert_eq!(closed.state, ChatState::Closed);
    assert_eq!(closed.state.operator(), None, "nobody holds it now");
    assert_eq!(closed.answered_by, Some(alice), "but Alice answered it");
    // A chat closed while it waited was answered by nobody.
    let unanswered = apply(&chat, &chat.decide(t0(), close).unwrap());
    assert_eq!(unanswered.answered_by, None);
}

#[test]
fn a_route_moves_a_waiting_chat_to_its_step_and_loses_to_an_earlier_claim() {
    use crate::routing::{RouteReason, StepTarget};
    let chat = chat_at(ChatState::Waiting, 3);
    let coop: crate::CoopId = Uuid::from_u128(90).into();
    let route = ChatCommand::Route {
        step: 2,
        target: StepTarget::Coop(coop),
        reason: RouteReason::Waited,
        version: 3,
    };
    let d = chat.decide(t0(), route).unwrap();
    assert_eq!(d.transition.to, ChatState::Waiting);
    let p = d.placement.unwrap();
    assert_eq!((p.step, p.coop_id), (2, Some(coop)));
    // The department stays where it was while the chat is offered to a co-op.
    assert_eq!(p.department_id, chat.department_id);
    assert!(matches!(d.event(), ChatEvent::Routed { step: 2, .. }));
    // Decided on an older version: a claim came first.
    let stale = ChatCommand::Route {
        step: 2,
        target: StepTarget::Coop(coop),
        reason: RouteReason::Waited,
        version: 2,
    };
    assert_eq!(chat.decide(t0(), stale), Err(Rejection::Stale));
    let claimed = chat_at(
        ChatState::Active {
            operator: Uuid::from_u128(7).into(),
        },
        3,
    );
    assert!(matches!(
        claimed.decide(t0(), route),
        Err(Rejection::AlreadyClaimed { .. })
    ));
    // A claim cancels the routing and re-alert timers.
    let claim = chat
        .decide(
            t0(),
            ChatCommand::Claim {
                operator: Uuid::from_u128(7).into(),
            },
        )
        .unwrap();
    for kind in [crate::TimerKind::RouteStep, crate::TimerKind::Realert] {
        assert!(
            claim
                .timers
                .contains(&TimerOp::Cancel(chat.timer_key(kind)))
        );
    }
}
