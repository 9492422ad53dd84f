//! Transfers: one pending per chat, accepted once (with the chat's handover in the same
//! transaction), cancelled with the chat that leaves its sender, and listed for dashboards.

use super::fixture::{Fixture, now};
use crate::{Conflict, DynStore, StoreError, TransferChange, TransferOffer};
use refdesk_core::*;
use time::Duration;
use uuid::Uuid;

fn note(f: &Fixture, chat: &Chat, by: &User, text: &str) -> NewMessage {
    f.staff_message(&chat.id, by, MessageKind::InternalNote, None, text)
}

async fn claimed(f: &Fixture) -> Chat {
    let (chat, _) = f.chat().await;
    let d = chat
        .decide(
            now(),
            ChatCommand::Claim {
                operator: f.alice.id,
            },
        )
        .unwrap();
    f.store.apply_decision(&d, None).await.unwrap().0
}

async fn offer(f: &Fixture, chat: &Chat, target: TransferTarget) -> Result<Transfer, StoreError> {
    let t = Transfer::offer(
        Uuid::now_v7().into(),
        chat,
        f.alice.id,
        target,
        Some("Local history, over to you".into()),
        None,
        now(),
        Duration::seconds(60),
    )
    .unwrap();
    f.store
        .offer_transfer(&TransferOffer {
            transfer: t,
            chat_version: chat.version,
            note: note(f, chat, &f.alice, "offered"),
            timers: vec![],
        })
        .await
        .map(|(t, _)| t)
}

fn accept(f: &Fixture, chat: &Chat, t: &Transfer, by: UserId) -> TransferChange {
    let d = t
        .decide(chat, TransferCommand::Accept { by, eligible: true })
        .unwrap();
    let handover = chat.decide(now(), d.chat.unwrap()).unwrap();
    TransferChange {
        transfer: t.id,
        decision: d,
        at: now(),
        chat: Some((handover, Some(f.system_note(&chat.id, "{}")))),
        note: note(f, chat, &f.bob, "accepted"),
        timers: vec![],
    }
}

pub async fn a_transfer_is_pending_once_and_accepted_once(store: DynStore) {
    let f = Fixture::new(store).await;
    let chat = claimed(&f).await;
    let dept = TransferTarget::Department(f.department.id);
    // An offer decided on an older version of the chat is refused.
    let mut stale = chat.clone();
    stale.version -= 1;
    assert!(matches!(
        offer(&f, &stale, dept).await,
        Err(StoreError::Conflict(Conflict::StateChanged))
    ));
    let t = offer(&f, &chat, dept).await.unwrap();
    assert_eq!(f.store.transfer(t.id).await.unwrap(), t);
    assert_eq!(
        f.store.pending_transfer_of(chat.id).await.unwrap(),
        Some(t.clone())
    );
    // One pending transfer per chat.
    assert!(matches!(
        offer(&f, &chat, dept).await,
        Err(StoreError::Conflict(Conflict::TransferPending))
    ));
    // The note was stored in the chat, staff-only.
    let chat = f.store.chat(chat.id).await.unwrap();
    let stored = f
        .store
        .messages_after(chat.id.into(), Seq::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(stored.last().unwrap().kind, MessageKind::InternalNote);
    assert_eq!(chat.last_patron_seq, Seq(1), "notes take no patron number");
    // Two receivers decide on the same version: one wins, the other changes nothing.
    let by_bob = accept(&f, &chat, &t, f.bob.id);
    let carol: UserId = Uuid::now_v7().into();
    let mut by_carol = accept(&f, &chat, &t, f.bob.id);
    by_carol.decision.to = TransferState::Accepted { by: carol };
    let won = f.store.apply_transfer(&by_bob).await.unwrap();
    assert_eq!(won.transfer.state, TransferState::Accepted { by: f.bob.id });
    assert_eq!(won.transfer.version, 2);
    let handed = won.chat.unwrap();
    assert_eq!(handed.state, ChatState::Active { operator: f.bob.id });
    assert_eq!(
        handed.companions,
        vec![f.alice.id],
        "the sender stays in the chat"
    );
    assert_eq!(won.messages.len(), 2);
    assert!(matches!(
        f.store.apply_transfer(&by_carol).await,
        Err(StoreError::Conflict(Conflict::StateChanged))
    ));
    let after = f.store.chat(chat.id).await.unwrap();
    assert_eq!(after, handed, "the loser changed nothing");
    assert_eq!(f.store.pending_transfer_of(chat.id).await.unwrap(), None);
    // The sender leaves.
    let leave = after
        .decide(
            now(),
            ChatCommand::Leave {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let (left, _) = f.store.apply_decision(&leave, None).await.unwrap();
    assert!(left.companions.is_empty());
    assert_eq!(left.state, ChatState::Active { operator: f.bob.id });
}

pub async fn a_transfer_fails_whole_when_its_chat_moved_on(store: DynStore) {
    let f = Fixture::new(store).await;
    let chat = claimed(&f).await;
    let t = offer(&f, &chat, TransferTarget::Operator(f.bob.id))
        .await
        .unwrap();
    let change = accept(&f, &chat, &t, f.bob.id);
    // The chat changes (a patron closes it) between the decision and its application: the
    // chat's close cancels the transfer, and the accept then changes nothing.
    let close = chat
        .decide(now(), ChatCommand::Close { by: Sender::System })
        .unwrap();
    assert!(close.ends_transfer);
    f.store.apply_decision(&close, None).await.unwrap();
    let cancelled = f.store.transfer(t.id).await.unwrap();
    assert_eq!(cancelled.state, TransferState::Cancelled);
    assert!(matches!(
        f.store.apply_transfer(&change).await,
        Err(StoreError::Conflict(Conflict::StateChanged))
    ));
    assert_eq!(
        f.store.chat(chat.id).await.unwrap().state,
        ChatState::Closed
    );
    assert!(
        f.store
            .pending_transfer_of(chat.id)
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn pending_transfers_are_listed_for_those_concerned(store: DynStore) {
    let f = Fixture::new(store).await;
    let first = claimed(&f).await;
    let second = claimed(&f).await;
    let coop = Coop {
        id: Uuid::now_v7().into(),
        name: DisplayName::parse("Three Rivers").unwrap(),
    };
    f.store.create_coop(&coop).await.unwrap();
    let to_bob = offer(&f, &first, TransferTarget::Operator(f.bob.id))
        .await
        .unwrap();
    let to_coop = offer(&f, &second, TransferTarget::Coop(coop.id))
        .await
        .unwrap();
    let stranger: UserId = Uuid::now_v7().into();
    let ids = |v: Vec<Transfer>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
    let s = &f.store;
    assert_eq!(
        ids(s.pending_transfers(f.bob.id, &[], &[]).await.unwrap()),
        vec![to_bob.id]
    );
    assert_eq!(
        ids(s.pending_transfers(f.alice.id, &[], &[]).await.unwrap()),
        vec![to_bob.id, to_coop.id]
    );
    assert_eq!(
        ids(s
            .pending_transfers(stranger, &[], &[coop.id])
            .await
            .unwrap()),
        vec![to_coop.id]
    );
    assert_eq!(
        ids(s
            .pending_transfers(stranger, &[f.institution.id], &[])
            .await
            .unwrap()),
        vec![to_bob.id, to_coop.id]
    );
    assert!(
        s.pending_transfers(stranger, &[], &[])
            .await
            .unwrap()
            .is_empty()
    );
    // Cancelled, it is listed no more.
    let d = to_bob
        .decide(&first, TransferCommand::Cancel { by: f.alice.id })
        .unwrap();
    s.apply_transfer(&TransferChange {
        transfer: to_bob.id,
        decision: d,
        at: now(),
        chat: None,
        note: note(&f, &first, &f.alice, "cancelled"),
        timers: vec![],
    })
    .await
    .unwrap();
    assert!(
        s.pending_transfers(f.bob.id, &[], &[])
            .await
            .unwrap()
            .is_empty()
    );
}
