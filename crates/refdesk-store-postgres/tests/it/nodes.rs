//! Several nodes on one database: two `PgStore`s on the same database behave as two server
//! processes would, each with its own pool and its own writers. Only the database can keep
//! them consistent.

use crate::support::{fresh_database, open};
use refdesk_core::*;
use refdesk_store::conformance::Fixture;
use refdesk_store::{Conflict, DynStore, StoreError};
use std::sync::Arc;
use time::OffsetDateTime;

fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
}

/// Two nodes on one fresh database, opened at the same time (so their migrations race too),
/// and a fixture made through the first.
async fn two_nodes() -> (Arc<Fixture>, [DynStore; 2]) {
    let url = fresh_database().await;
    let (a, b) = tokio::join!(open(&url), open(&url));
    let (a, b): (DynStore, DynStore) = (Arc::new(a), Arc::new(b));
    let f = Arc::new(Fixture::new(a.clone()).await);
    (f, [a, b])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL"]
async fn two_nodes_appending_to_the_same_chats_stay_gap_free() {
    let (f, nodes) = two_nodes().await;
    let mut chats = vec![];
    for _ in 0..4 {
        chats.push(f.chat().await);
    }
    let mut tasks = vec![];
    for (chat, guest) in &chats {
        for i in 0..60 {
            // Each message is sent to both nodes, as a client retrying against another node
            // would: exactly one of them stores it.
            for node in &nodes {
                let node = node.clone();
                let m = f.patron_message(&chat.id, guest, Some(&format!("m{i}")), "hello");
                tasks.push(tokio::spawn(async move { node.append_message(m).await }));
            }
        }
    }
    let mut fresh = 0;
    for t in tasks {
        let appended = t.await.unwrap().unwrap();
        if !appended.duplicate {
            fresh += 1;
        }
    }
    assert_eq!(fresh, 4 * 60);
    for (chat, _) in &chats {
        for node in &nodes {
            let all = node
                .messages_after(chat.id.into(), Seq::ZERO, 1000)
                .await
                .unwrap();
            let seqs: Vec<u64> = all.iter().map(|m| m.seq.0).collect();
            assert_eq!(seqs, (1..=61).collect::<Vec<_>>());
            assert_eq!(node.chat(chat.id).await.unwrap().last_seq, Seq(61));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL"]
async fn two_nodes_racing_claims_have_one_winner() {
    let (f, nodes) = two_nodes().await;
    for _round in 0..10 {
        let (chat, guest) = f.chat().await;
        let (mut tasks, mut sends) = (vec![], vec![]);
        for i in 0..8 {
            let node = nodes[i % 2].clone();
            let operator = if i % 4 < 2 { f.alice.id } else { f.bob.id };
            let claim = chat.decide(now(), ChatCommand::Claim { operator }).unwrap();
            let note = f.system_note(&chat.id, "claimed");
            tasks.push(tokio::spawn(async move {
                node.apply_decision(&claim, Some(note)).await
            }));
            // Patron messages race with the claims; they must interleave without gaps.
            let node = nodes[(i + 1) % 2].clone();
            let m = f.patron_message(&chat.id, &guest, Some(&format!("p{i}")), "anyone?");
            sends.push(tokio::spawn(async move { node.append_message(m).await }));
        }
        let mut winners = vec![];
        for t in tasks {
            match t.await.unwrap() {
                Ok((chat, _)) => winners.push(chat.state),
                Err(StoreError::Conflict(Conflict::StateChanged)) => {}
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!(winners.len(), 1, "{winners:?}");
        for s in sends {
            assert!(!s.await.unwrap().unwrap().duplicate);
        }
        for node in &nodes {
            let stored = node.chat(chat.id).await.unwrap();
            assert_eq!(stored.state, winners[0]);
            assert_eq!(stored.version, 2);
            let history = node.chat_history(chat.id).await.unwrap();
            let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
            assert_eq!(versions, vec![1, 2]);
        }
        let msgs = nodes[1]
            .messages_after(chat.id.into(), Seq::ZERO, 100)
            .await
            .unwrap();
        let notes = msgs.iter().filter(|m| m.kind == MessageKind::System);
        assert_eq!(notes.count(), 1);
        // The question, eight patron messages and one note, numbered without gaps.
        let seqs: Vec<u64> = msgs.iter().map(|m| m.seq.0).collect();
        assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL"]
async fn two_nodes_starting_chats_for_one_guest_make_one() {
    let (f, nodes) = two_nodes().await;
    let guest = f.guest().await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (node, new) = (nodes[i % 2].clone(), f.new_chat(&guest));
            tokio::spawn(async move { node.start_chat(&new, None).await })
        })
        .collect();
    let mut started = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => started += 1,
            Err(StoreError::Conflict(Conflict::OpenChatExists)) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(started, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL"]
async fn two_nodes_claiming_due_timers_take_each_once() {
    let (_f, nodes) = two_nodes().await;
    let due = now() - time::Duration::seconds(1);
    let subjects: Vec<uuid::Uuid> = (1..=200).map(uuid::Uuid::from_u128).collect();
    let ops: Vec<TimerOp> = subjects
        .iter()
        .map(|&subject| {
            TimerOp::Set(Timer {
                key: TimerKey {
                    kind: TimerKind::SessionExpiry,
                    subject,
                },
                due_at: due,
                version: 0,
            })
        })
        .collect();
    nodes[0].set_timers(&ops).await.unwrap();
    let lease = now() + time::Duration::minutes(5);
    // Claimers on both nodes at once, each until it finds nothing left to claim: a timer is
    // either claimed and committed, or held by a claimer that will come back for more.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let node = nodes[i % 2].clone();
            tokio::spawn(async move {
                let mut mine = vec![];
                loop {
                    let got = node.claim_due_timers(now(), lease, 10).await.unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    mine.extend(got);
                }
            })
        })
        .collect();
    let mut claimed = vec![];
    for t in tasks {
        claimed.extend(t.await.unwrap());
    }
    let mut seen: Vec<uuid::Uuid> = claimed.iter().map(|c| c.timer.key.subject).collect();
    seen.sort();
    assert_eq!(seen, subjects, "every due timer claimed exactly once");
    // Held by their leases: nothing is due again before they run out.
    assert!(
        nodes[1]
            .claim_due_timers(now(), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(nodes[1].next_timer_due().await.unwrap(), Some(lease));
    for (i, c) in claimed.iter().enumerate() {
        nodes[i % 2].finish_timer(c).await.unwrap();
    }
    assert_eq!(nodes[0].next_timer_due().await.unwrap(), None);
}
