//! Appending messages: sequence numbers, retries, and the chat's state.

use super::fixture::{Fixture, decision, now};
use crate::{Conflict, DynStore, StoreError};
use refdesk_core::*;
use std::sync::Arc;
use uuid::Uuid;

fn seqs(msgs: &[Message]) -> Vec<u64> {
    msgs.iter().map(|m| m.seq.0).collect()
}

pub async fn appends_get_gap_free_sequence_numbers(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    for i in 0..5 {
        let a = f
            .store
            .append_message(f.patron_message(&chat.id, &guest, Some(&format!("c{i}")), "hello"))
            .await
            .unwrap();
        assert!(!a.duplicate);
        assert_eq!(a.message.seq, Seq(i + 2));
    }
    let all = f
        .store
        .messages_after(chat.id.into(), Seq::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(seqs(&all), (1..=6).collect::<Vec<_>>());
    assert_eq!(f.store.chat(chat.id).await.unwrap().last_seq, Seq(6));
}

pub async fn concurrent_appends_stay_gap_free(store: DynStore) {
    let f = Arc::new(Fixture::new(store).await);
    let mut chats = vec![];
    for _ in 0..4 {
        chats.push(f.chat().await);
    }
    let mut tasks = vec![];
    for (chat, guest) in &chats {
        for i in 0..50 {
            let f = f.clone();
            let m = f.patron_message(
                &chat.id,
                guest,
                Some(&format!("m{i}")),
                &format!("message {i}"),
            );
            tasks.push(tokio::spawn(async move { f.store.append_message(m).await }));
        }
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    for (chat, _) in &chats {
        let all = f
            .store
            .messages_after(chat.id.into(), Seq::ZERO, 1000)
            .await
            .unwrap();
        assert_eq!(seqs(&all), (1..=51).collect::<Vec<_>>());
    }
}

pub async fn retried_send_is_stored_once(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let m = f.patron_message(
        &chat.id,
        &guest,
        Some("retry-1"),
        "Is the library open on Sunday?",
    );
    let first = f.store.append_message(m.clone()).await.unwrap();
    // A retry carries a fresh server-side id but the same client id and content.
    let retry = NewMessage {
        id: Uuid::now_v7().into(),
        created_at: now(),
        ..m
    };
    let second = f.store.append_message(retry).await.unwrap();
    assert!(second.duplicate);
    assert_eq!(second.message, first.message);
    assert_eq!(
        f.store
            .messages_after(chat.id.into(), Seq::ZERO, 100)
            .await
            .unwrap()
            .len(),
        2
    );
}

pub async fn reused_client_id_with_other_content_is_refused(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    f.store
        .append_message(f.patron_message(&chat.id, &guest, Some("x1"), "first"))
        .await
        .unwrap();
    let reused = f
        .store
        .append_message(f.patron_message(&chat.id, &guest, Some("x1"), "second"))
        .await;
    assert!(
        matches!(reused, Err(StoreError::Conflict(Conflict::ClientIdReused))),
        "{reused:?}"
    );
    assert_eq!(f.store.chat(chat.id).await.unwrap().last_seq, Seq(2));
}

pub async fn client_ids_are_per_sender(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let t = ChatState::Waiting
        .decide(ChatCommand::Claim {
            operator: f.alice.id,
        })
        .unwrap();
    f.store
        .apply_decision(
            &decision(&chat, &t),
            Some(f.system_note(&chat.id, "claimed")),
        )
        .await
        .unwrap();
    let p = f
        .store
        .append_message(f.patron_message(&chat.id, &guest, Some("1"), "hi"))
        .await
        .unwrap();
    let o = f
        .store
        .append_message(f.staff_message(
            &chat.id,
            &f.alice,
            MessageKind::Operator,
            Some("1"),
            "hello",
        ))
        .await
        .unwrap();
    assert!(!p.duplicate && !o.duplicate);
    assert_eq!((p.message.seq, o.message.seq), (Seq(3), Seq(4)));
}

pub async fn ended_chats_refuse_conversation_but_take_notes(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let t = ChatState::Waiting
        .decide(ChatCommand::Close {
            by: Sender::Patron(guest.id),
        })
        .unwrap();
    f.store
        .apply_decision(&decision(&chat, &t), Some(f.system_note(&chat.id, "left")))
        .await
        .unwrap();
    let late = f
        .store
        .append_message(f.patron_message(&chat.id, &guest, Some("late"), "wait"))
        .await;
    assert!(
        matches!(late, Err(StoreError::Conflict(Conflict::ChatEnded))),
        "{late:?}"
    );
    let note = f
        .store
        .append_message(f.staff_message(
            &chat.id,
            &f.alice,
            MessageKind::InternalNote,
            None,
            "spam",
        ))
        .await
        .unwrap();
    assert_eq!(note.message.seq, Seq(3));
}

pub async fn append_to_unknown_chat_is_not_found(store: DynStore) {
    let f = Fixture::new(store).await;
    let guest = f.guest().await;
    let m = f.patron_message(&Uuid::now_v7().into(), &guest, Some("1"), "hello?");
    assert!(matches!(
        f.store.append_message(m).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn messages_after_pages_in_order(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    for i in 0..20 {
        f.store
            .append_message(f.patron_message(&chat.id, &guest, None, &format!("n{i}")))
            .await
            .unwrap();
    }
    let page = f
        .store
        .messages_after(chat.id.into(), Seq(5), 10)
        .await
        .unwrap();
    assert_eq!(seqs(&page), (6..=15).collect::<Vec<_>>());
    assert_eq!(page[0].body.as_str(), "n4");
    assert!(
        f.store
            .messages_after(chat.id.into(), Seq(21), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        f.store
            .messages_after(ChatId::from(Uuid::now_v7()).into(), Seq::ZERO, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Internal notes take a sequence number but no patron sequence number; everything a patron sees
/// is numbered 1, 2, 3, … for them, through appends, a decision's note and a chat's question
/// alike, and read back in that numbering.
pub async fn patron_numbers_skip_internal_notes(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    assert_eq!(
        chat.heads().patron_seq,
        Seq(1),
        "the question is the patron's first"
    );
    let note =
        |text: &str| f.staff_message(&chat.id, &f.alice, MessageKind::InternalNote, None, text);
    f.store
        .append_message(note("before the claim"))
        .await
        .unwrap();
    let claim = ChatState::Waiting
        .decide(ChatCommand::Claim {
            operator: f.alice.id,
        })
        .unwrap();
    let (c, joined) = f
        .store
        .apply_decision(
            &decision(&chat, &claim),
            Some(f.system_note(&chat.id, "alice joined the chat.")),
        )
        .await
        .unwrap();
    let joined = joined.unwrap();
    assert_eq!((joined.seq, joined.patron_seq), (Seq(3), Some(Seq(2))));
    assert_eq!((c.last_seq, c.last_patron_seq), (Seq(3), Seq(2)));
    f.store.append_message(note("one")).await.unwrap();
    let stored_note = f.store.append_message(note("two")).await.unwrap().message;
    assert_eq!((stored_note.seq, stored_note.patron_seq), (Seq(5), None));
    let answer = f
        .store
        .append_message(f.staff_message(&chat.id, &f.alice, MessageKind::Operator, None, "hi"))
        .await
        .unwrap()
        .message;
    assert_eq!((answer.seq, answer.patron_seq), (Seq(6), Some(Seq(3))));
    f.store
        .append_message(f.patron_message(&chat.id, &guest, Some("p"), "thanks"))
        .await
        .unwrap();
    let read = f.store.chat(chat.id).await.unwrap();
    assert_eq!((read.last_seq, read.last_patron_seq), (Seq(7), Seq(4)));

    let seen = f
        .store
        .patron_messages_after(chat.id, Seq::ZERO, 100)
        .await
        .unwrap();
    let numbers: Vec<_> = seen.iter().map(|m| m.patron_seq.map(|s| s.0)).collect();
    assert_eq!(numbers, vec![Some(1), Some(2), Some(3), Some(4)]);
    assert!(seen.iter().all(|m| m.kind != MessageKind::InternalNote));
    let later = f
        .store
        .patron_messages_after(chat.id, Seq(2), 1)
        .await
        .unwrap();
    assert_eq!(later[0].body.as_str(), "hi");
    // Staff read everything, by sequence number; a patron reads nothing of another stream.
    let all = f
        .store
        .messages_seen_by(Audience::Staff, chat.id.into(), Seq::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(seqs(&all), (1..=7).collect::<Vec<_>>());
    assert!(
        f.store
            .patron_messages_after(Uuid::now_v7().into(), Seq::ZERO, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
