use super::*;
use crate::timer::{Timer, TimerKey, TimerKind, TimerOp};
use proptest::prelude::*;
use time::Duration;
use uuid::Uuid;

fn user(n: u128) -> UserId {
    Uuid::from_u128(n).into()
}
fn guest() -> GuestId {
    Uuid::from_u128(99).into()
}

#[test]
fn decision_table() {
    let (a, b) = (user(1), user(2));
    let active_a = ChatState::Active { operator: a };
    let patron = Sender::Patron(guest());
    use ChatCommand::*;
    use ChatState::*;
    let cases: &[(ChatState, ChatCommand, Result<ChatState, Rejection>)] = &[
        (Waiting, Claim { operator: a }, Ok(active_a)),
        (
            active_a,
            Claim { operator: b },
            Err(Rejection::AlreadyClaimed { by: a }),
        ),
        (
            active_a,
            Claim { operator: a },
            Err(Rejection::AlreadyClaimed { by: a }),
        ),
        (Closed, Claim { operator: a }, Err(Rejection::ChatEnded)),
        (Abandoned, Claim { operator: a }, Err(Rejection::ChatEnded)),
        (Waiting, Close { by: patron }, Ok(Abandoned)),
        (active_a, Close { by: patron }, Ok(Closed)),
        (
            active_a,
            Close {
                by: Sender::Staff(a),
            },
            Ok(Closed),
        ),
        (
            active_a,
            Close {
                by: Sender::Staff(b),
            },
            Err(Rejection::NotAssigned),
        ),
        (
            Waiting,
            Close {
                by: Sender::Staff(b),
            },
            Ok(Closed),
        ),
        (Closed, Close { by: patron }, Err(Rejection::ChatEnded)),
        (active_a, Requeue { operator: a }, Ok(Waiting)),
        (
            active_a,
            Requeue { operator: b },
            Err(Rejection::NotAssigned),
        ),
        (
            Waiting,
            Requeue { operator: a },
            Err(Rejection::NotAssigned),
        ),
    ];
    for (state, cmd, want) in cases {
        let got = state.decide(*cmd).map(|t| t.to);
        assert_eq!(&got, want, "{state:?} + {cmd:?}");
    }
}

#[test]
fn send_table() {
    let (a, b) = (user(1), user(2));
    let active_a = ChatState::Active { operator: a };
    let p = Sender::Patron(guest());
    use MessageKind::*;
    let ok = Ok(());
    let cases: &[(ChatState, Sender, MessageKind, Result<(), Rejection>)] = &[
        (ChatState::Waiting, p, Patron, ok),
        (active_a, p, Patron, ok),
        (ChatState::Closed, p, Patron, Err(Rejection::ChatEnded)),
        (ChatState::Abandoned, p, Patron, Err(Rejection::ChatEnded)),
        (active_a, Sender::Staff(a), Operator, ok),
        (
            active_a,
            Sender::Staff(b),
            Operator,
            Err(Rejection::NotAssigned),
        ),
        (
            ChatState::Waiting,
            Sender::Staff(a),
            Operator,
            Err(Rejection::NotAssigned),
        ),
        (
            ChatState::Closed,
            Sender::Staff(a),
            Operator,
            Err(Rejection::ChatEnded),
        ),
        (ChatState::Closed, Sender::Staff(b), InternalNote, ok),
        (active_a, p, Operator, Err(Rejection::WrongSender)),
        (active_a, p, InternalNote, Err(Rejection::WrongSender)),
        (
            active_a,
            Sender::Staff(a),
            Patron,
            Err(Rejection::WrongSender),
        ),
        (
            active_a,
            Sender::System,
            System,
            Err(Rejection::WrongSender),
        ),
    ];
    for (state, sender, kind, want) in cases {
        assert_eq!(
            &state.may_send(*sender, *kind),
            want,
            "{state:?} {sender:?} {kind:?}"
        );
    }
}

#[test]
fn parts_round_trip_and_contradictions_are_refused() {
    for s in [
        ChatState::Waiting,
        ChatState::Active { operator: user(1) },
        ChatState::Closed,
        ChatState::Abandoned,
    ] {
        assert_eq!(ChatState::from_parts(s.status(), s.operator()), Some(s));
    }
    assert_eq!(ChatState::from_parts(ChatStatus::Active, None), None);
    assert_eq!(
        ChatState::from_parts(ChatStatus::Waiting, Some(user(1))),
        None
    );
}

#[test]
fn referrer_loses_query_and_fragment() {
    assert_eq!(
        strip_referrer("https://lib.org/a/b?card=123#x").unwrap(),
        "https://lib.org/a/b"
    );
    assert_eq!(
        strip_referrer("https://lib.org/a#frag").unwrap(),
        "https://lib.org/a"
    );
}

#[test]
fn referrer_must_be_a_web_url_within_the_limit() {
    for bad in [
        "javascript:alert(1)",
        "lib.org/a",
        "https://",
        "https://a b",
        "ftp://x",
    ] {
        assert_eq!(strip_referrer(bad), Err(ReferrerError::NotHttp), "{bad}");
    }
    let long = format!("https://lib.org/{}", "a".repeat(MAX_REFERRER_CHARS));
    assert_eq!(strip_referrer(&long), Err(ReferrerError::TooLong));
}

#[derive(Debug, Clone)]
enum Step {
    Cmd(ChatCommand),
    Send(Sender, MessageKind),
}

fn sender() -> impl Strategy<Value = Sender> {
    prop_oneof![
        Just(Sender::Patron(guest())),
        (1u128..4).prop_map(|n| Sender::Staff(user(n))),
        Just(Sender::System),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let kind = prop_oneof![
        Just(MessageKind::Patron),
        Just(MessageKind::Operator),
        Just(MessageKind::InternalNote),
        Just(MessageKind::System)
    ];
    prop_oneof![
        (1u128..4).prop_map(|n| Step::Cmd(ChatCommand::Claim { operator: user(n) })),
        sender().prop_map(|by| Step::Cmd(ChatCommand::Close { by })),
        (1u128..4).prop_map(|n| Step::Cmd(ChatCommand::Requeue { operator: user(n) })),
        (sender(), kind).prop_map(|(s, k)| Step::Send(s, k)),
    ]
}

/// The only edges of the lifecycle graph.
fn legal_edge(from: ChatStatus, to: ChatStatus) -> bool {
    use ChatStatus::*;
    matches!(
        (from, to),
        (Waiting, Active)
            | (Waiting, Closed)
            | (Waiting, Abandoned)
            | (Active, Closed)
            | (Active, Waiting)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// No sequence of commands, from anyone, reaches an illegal state or takes an illegal edge.
    #[test]
    fn random_sequences_stay_legal(steps in proptest::collection::vec(step(), 0..40)) {
        let mut state = ChatState::Waiting;
        for s in steps {
            match s {
                Step::Cmd(cmd) => {
                    if let Ok(t) = state.decide(cmd) {
                        prop_assert_eq!(t.from, state);
                        prop_assert!(legal_edge(t.from.status(), t.to.status()), "illegal edge {:?} to {:?}", t.from, t.to);
                        if let ChatCommand::Claim { operator } = cmd {
                            prop_assert_eq!(t.to, ChatState::Active { operator });
                        }
                        state = t.to;
                    }
                }
                Step::Send(sender, kind) => {
                    if state.may_send(sender, kind).is_ok() {
                        prop_assert!(kind != MessageKind::System);
                        if kind.is_conversation() {
                            prop_assert!(state.status().is_open());
                        }
                        if kind == MessageKind::Operator {
                            prop_assert_eq!(Some(sender), state.operator().map(Sender::Staff));
                        }
                    }
                }
            }
            // The stored form always rebuilds the same state.
            prop_assert_eq!(ChatState::from_parts(state.status(), state.operator()), Some(state));
            if !state.status().is_open() {
                // Terminal: nothing moves it again.
                let claim = ChatCommand::Claim { operator: user(1) };
                prop_assert!(state.decide(claim).is_err());
            }
        }
    }

    /// Of many operators claiming one waiting chat in any order, exactly the first wins.
    #[test]
    fn exactly_one_claim_wins(order in proptest::collection::vec(1u128..50, 1..20)) {
        let mut state = ChatState::Waiting;
        let mut winners = vec![];
        for n in &order {
            if let Ok(t) = state.decide(ChatCommand::Claim { operator: user(*n) }) {
                winners.push(*n);
                state = t.to;
            }
        }
        prop_assert_eq!(winners, vec![order[0]]);
    }
}

// --- time, versions and timers ---------------------------------------------------------------

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
        created_at: t0(),
        claimed_at: None,
        ended_at: None,
        last_seq: Seq(1),
        version,
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
        vec![TimerOp::Cancel(chat.timer_key(TimerKind::PatronAway))]
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
