use super::*;
use proptest::prelude::*;
use uuid::Uuid;

pub(crate) fn user(n: u128) -> UserId {
    Uuid::from_u128(n).into()
}
pub(crate) fn guest() -> GuestId {
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

pub(crate) fn sender() -> impl Strategy<Value = Sender> {
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
pub(crate) fn legal_edge(from: ChatStatus, to: ChatStatus) -> bool {
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

/// A waiting chat, for tests of other modules.
pub(crate) fn waiting_chat() -> Chat {
    Chat {
        id: uuid::Uuid::from_u128(700).into(),
        institution_id: uuid::Uuid::from_u128(10).into(),
        department_id: uuid::Uuid::from_u128(20).into(),
        widget_id: uuid::Uuid::from_u128(30).into(),
        guest_id: guest(),
        state: ChatState::Waiting,
        patron_name: None,
        patron_email: None,
        question: None,
        referrer: None,
        user_agent: None,
        patron_ip: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        claimed_at: None,
        ended_at: None,
        last_seq: Seq(0),
        last_patron_seq: Seq(0),
        version: 1,
        answered_by: None,
        step: 0,
        coop_id: None,
        companions: Vec::new(),
    }
}
