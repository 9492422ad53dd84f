use super::*;
use crate::chat::tests::{guest, user};
use crate::message::{MessageKind, Sender, Seq};
use proptest::prelude::*;
use uuid::Uuid;

fn t0() -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
}

fn chat_held_by(operator: UserId) -> Chat {
    Chat {
        id: Uuid::from_u128(500).into(),
        institution_id: Uuid::from_u128(10).into(),
        department_id: Uuid::from_u128(20).into(),
        widget_id: Uuid::from_u128(30).into(),
        guest_id: guest(),
        state: ChatState::Active { operator },
        patron_name: None,
        patron_email: None,
        question: None,
        referrer: None,
        user_agent: None,
        patron_ip: None,
        created_at: t0(),
        claimed_at: Some(t0()),
        ended_at: None,
        last_seq: Seq(1),
        last_patron_seq: Seq(1),
        version: 2,
        answered_by: Some(operator),
        step: 0,
        coop_id: None,
        companions: Vec::new(),
    }
}

fn dept() -> TransferTarget {
    TransferTarget::Department(Uuid::from_u128(20).into())
}

/// Applies a chat command the way the store does.
fn apply(chat: &Chat, command: ChatCommand) -> Result<Chat, crate::Rejection> {
    let d = chat.decide(t0(), command)?;
    Ok(Chat {
        state: d.transition.to,
        version: d.to_version(),
        answered_by: d.transition.answered_by(chat.answered_by),
        companions: d
            .companions
            .clone()
            .unwrap_or_else(|| chat.companions.clone()),
        ..chat.clone()
    })
}

#[test]
fn an_offer_is_accepted_once_and_the_chat_changes_hands() {
    let (a, b, c) = (user(1), user(2), user(3));
    let chat = chat_held_by(a);
    let t = Transfer::offer(
        Uuid::from_u128(900).into(),
        &chat,
        a,
        dept(),
        Some("Local history question".into()),
        None,
        t0(),
        Duration::seconds(60),
    )
    .unwrap();
    assert_eq!(t.expires_at, t0() + Duration::seconds(60));
    // A second offer while one is pending, one to oneself, one by someone else: refused.
    assert_eq!(
        Transfer::offer(
            Uuid::from_u128(900).into(),
            &chat,
            a,
            dept(),
            None,
            Some(&t),
            t0(),
            Duration::seconds(60)
        ),
        Err(TransferRejection::AlreadyPending)
    );
    assert_eq!(
        Transfer::offer(
            Uuid::from_u128(900).into(),
            &chat,
            a,
            TransferTarget::Operator(a),
            None,
            None,
            t0(),
            Duration::seconds(60)
        ),
        Err(TransferRejection::ToSelf)
    );
    assert_eq!(
        Transfer::offer(
            Uuid::from_u128(900).into(),
            &chat,
            b,
            dept(),
            None,
            None,
            t0(),
            Duration::seconds(60)
        ),
        Err(TransferRejection::NotHolder)
    );
    // B and C race for it: both decide on version 1; the store applies one.
    let by_b = t
        .decide(
            &chat,
            TransferCommand::Accept {
                by: b,
                eligible: true,
            },
        )
        .unwrap();
    let by_c = t
        .decide(
            &chat,
            TransferCommand::Accept {
                by: c,
                eligible: true,
            },
        )
        .unwrap();
    assert_eq!(
        by_b.from_version, by_c.from_version,
        "one compare-and-set wins"
    );
    let accepted = t.after(&by_b);
    let held = apply(&chat, by_b.chat.unwrap()).unwrap();
    assert_eq!(held.state, ChatState::Active { operator: b });
    assert_eq!(
        accepted.decide(
            &held,
            TransferCommand::Accept {
                by: c,
                eligible: true
            }
        ),
        Err(TransferRejection::NotPending)
    );
    // Not a monitor of the department: not theirs to accept.
    assert_eq!(
        t.decide(
            &chat,
            TransferCommand::Accept {
                by: c,
                eligible: false
            }
        ),
        Err(TransferRejection::NotForYou)
    );
}

#[test]
fn a_message_from_the_sender_leaves_the_transfer_pending() {
    let (a, b) = (user(1), user(2));
    let chat = chat_held_by(a);
    let t = Transfer::offer(
        Uuid::from_u128(900).into(),
        &chat,
        a,
        TransferTarget::Operator(b),
        None,
        None,
        t0(),
        Duration::seconds(60),
    )
    .unwrap();
    // The sender may still write to the patron (LibraryH3lp re-claims the chat here)...
    assert!(
        chat.state
            .may_send(Sender::Staff(a), MessageKind::Operator)
            .is_ok()
    );
    // ...and the chat and the transfer are as they were: B may still accept.
    let d = t
        .decide(
            &chat,
            TransferCommand::Accept {
                by: b,
                eligible: false,
            },
        )
        .unwrap();
    assert_eq!(d.to, TransferState::Accepted { by: b });
}

#[test]
fn declines_expiries_and_cancels_are_the_right_persons() {
    let (a, b, c) = (user(1), user(2), user(3));
    let chat = chat_held_by(a);
    let to_b = Transfer::offer(
        Uuid::from_u128(900).into(),
        &chat,
        a,
        TransferTarget::Operator(b),
        None,
        None,
        t0(),
        Duration::seconds(60),
    )
    .unwrap();
    assert_eq!(
        to_b.decide(&chat, TransferCommand::Decline { by: c }),
        Err(TransferRejection::NotForYou)
    );
    assert_eq!(
        to_b.decide(&chat, TransferCommand::Decline { by: b })
            .unwrap()
            .to,
        TransferState::Declined { by: b }
    );
    assert_eq!(
        to_b.decide(&chat, TransferCommand::Cancel { by: b }),
        Err(TransferRejection::NotSender)
    );
    assert_eq!(
        to_b.decide(&chat, TransferCommand::Cancel { by: a })
            .unwrap()
            .to,
        TransferState::Cancelled
    );
    assert_eq!(
        to_b.decide(&chat, TransferCommand::Expire { version: 1 })
            .unwrap()
            .to,
        TransferState::Expired
    );
    let bumped = Transfer {
        version: 2,
        ..to_b.clone()
    };
    assert_eq!(
        bumped.decide(&chat, TransferCommand::Expire { version: 1 }),
        Err(TransferRejection::Stale)
    );
    // Offered to a queue, one monitor's decline does not end it.
    let to_queue = Transfer::offer(
        Uuid::from_u128(900).into(),
        &chat,
        a,
        dept(),
        None,
        None,
        t0(),
        Duration::seconds(60),
    )
    .unwrap();
    assert_eq!(
        to_queue.decide(&chat, TransferCommand::Decline { by: b }),
        Err(TransferRejection::NotForYou)
    );
}

#[derive(Debug, Clone)]
enum Step {
    Offer {
        from: u128,
        to: Option<u128>,
    },
    Accept {
        by: u128,
        eligible: bool,
    },
    Decline {
        by: u128,
    },
    Cancel {
        by: u128,
    },
    Expire {
        stale: bool,
    },
    SenderWrites,
    PatronWrites,
    /// The holder's connection is gone past the grace period.
    HolderGone,
    Claim {
        by: u128,
    },
    /// A librarian who handed the chat over leaves it.
    Leave {
        by: u128,
    },
    Close,
}

fn step() -> impl Strategy<Value = Step> {
    let who = 1u128..=4;
    prop_oneof![
        (who.clone(), proptest::option::of(1u128..=4))
            .prop_map(|(from, to)| Step::Offer { from, to }),
        (who.clone(), any::<bool>()).prop_map(|(by, eligible)| Step::Accept { by, eligible }),
        who.clone().prop_map(|by| Step::Decline { by }),
        who.clone().prop_map(|by| Step::Cancel { by }),
        any::<bool>().prop_map(|stale| Step::Expire { stale }),
        Just(Step::SenderWrites),
        Just(Step::PatronWrites),
        Just(Step::HolderGone),
        who.clone().prop_map(|by| Step::Claim { by }),
        who.prop_map(|by| Step::Leave { by }),
        Just(Step::Close),
    ]
}

proptest! {
    /// Over random interleavings: one owner at a time, an owner changes only by a claim, an
    /// accepted transfer or a requeue; a pending transfer always belongs to the chat's holder,
    /// none is pending once the chat left them or ended, an accepted transfer hands the chat to
    /// exactly its accepter, and the patron can always write while the chat is open.
    #[test]
    fn transfers_keep_one_owner_and_never_dangle(steps in proptest::collection::vec(step(), 0..80)) {
        let mut chat = chat_held_by(user(1));
        let mut transfer: Option<Transfer> = None;
        for s in steps {
            let before = chat.state;
            match s {
                Step::Offer { from, to } => {
                    let target = to.map_or(dept(), |n| TransferTarget::Operator(user(n)));
                    if let Ok(t) = Transfer::offer(Uuid::from_u128(900).into(), &chat, user(from), target, None, transfer.as_ref(), t0(), Duration::seconds(60)) {
                        prop_assert_eq!(chat.state.operator(), Some(user(from)));
                        transfer = Some(t);
                    }
                }
                Step::Accept { by, eligible } => {
                    if let Some(t) = &transfer
                        && let Ok(d) = t.decide(&chat, TransferCommand::Accept { by: user(by), eligible })
                    {
                        // The handover the decision carries always applies: the chat is the sender's.
                        chat = apply(&chat, d.chat.unwrap()).expect("a handover on the sender's chat");
                        prop_assert_eq!(chat.state, ChatState::Active { operator: user(by) });
                        transfer = Some(t.after(&d));
                    }
                }
                Step::Decline { by } => {
                    if let Some(t) = &transfer && let Ok(d) = t.decide(&chat, TransferCommand::Decline { by: user(by) }) {
                        prop_assert!(d.chat.is_none());
                        transfer = Some(t.after(&d));
                    }
                }
                Step::Cancel { by } => {
                    if let Some(t) = &transfer && let Ok(d) = t.decide(&chat, TransferCommand::Cancel { by: user(by) }) {
                        transfer = Some(t.after(&d));
                    }
                }
                Step::Expire { stale } => {
                    if let Some(t) = &transfer {
                        let version = if stale { t.version + 1 } else { t.version };
                        if let Ok(d) = t.decide(&chat, TransferCommand::Expire { version }) {
                            prop_assert!(!stale);
                            transfer = Some(t.after(&d));
                        }
                    }
                }
                Step::SenderWrites => {
                    if let Some(op) = chat.state.operator() {
                        prop_assert!(chat.state.may_send(Sender::Staff(op), MessageKind::Operator).is_ok());
                    }
                }
                Step::PatronWrites => {}
                Step::HolderGone => {
                    if let Some(op) = chat.state.operator() {
                        chat = apply(&chat, ChatCommand::Requeue { operator: op }).unwrap();
                    }
                }
                Step::Claim { by } => {
                    if let Ok(c) = apply(&chat, ChatCommand::Claim { operator: user(by) }) {
                        chat = c;
                    }
                }
                Step::Leave { by } => {
                    let was_in = chat.companions.contains(&user(by));
                    match apply(&chat, ChatCommand::Leave { operator: user(by) }) {
                        Ok(c) => {
                            prop_assert!(was_in);
                            prop_assert_eq!(c.state, chat.state);
                            chat = c;
                        }
                        Err(_) => prop_assert!(!was_in || !chat.state.status().is_open()),
                    }
                }
                Step::Close => {
                    if let Ok(c) = apply(&chat, ChatCommand::Close { by: Sender::System }) {
                        chat = c;
                    }
                }
            }
            // The operator is never their own companion; every companion of an active chat
            // may write to its patron.
            if let Some(op) = chat.state.operator() {
                prop_assert!(!chat.companions.contains(&op));
                for c in &chat.companions {
                    prop_assert!(chat.may_send(Sender::Staff(*c), MessageKind::Operator).is_ok());
                }
            }
            // What the server does whenever the chat leaves the transfer's sender.
            if let Some(t) = &transfer
                && t.state.is_pending()
                && chat.state != (ChatState::Active { operator: t.from })
            {
                let d = t.decide(&chat, TransferCommand::ChatLeftSender).unwrap();
                prop_assert_eq!(d.to, TransferState::Cancelled);
                transfer = Some(t.after(&d));
            }
            // Invariants.
            if let Some(t) = &transfer && t.state.is_pending() {
                prop_assert_eq!(chat.state, ChatState::Active { operator: t.from });
            }
            if !chat.state.status().is_open() {
                prop_assert!(transfer.as_ref().is_none_or(|t| !t.state.is_pending()));
            } else {
                prop_assert!(chat.state.may_send(Sender::Patron(guest()), MessageKind::Patron).is_ok());
            }
            if let (ChatState::Active { operator: was }, ChatState::Active { operator: now }) = (before, chat.state)
                && was != now
            {
                let handed = matches!(
                    transfer.as_ref().map(|t| t.state),
                    Some(TransferState::Accepted { by }) if by == now
                );
                prop_assert!(handed, "the chat changed hands only by an accepted transfer");
            }
        }
    }
}
