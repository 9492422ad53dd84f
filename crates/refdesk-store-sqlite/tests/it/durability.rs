//! What is particular to SQLite: the file, reopened, carries on; group commit under load.

use crate::url_in;
use refdesk_core::*;
use refdesk_store::DynStore;
use refdesk_store::conformance::Fixture;
use refdesk_store_sqlite::{SqliteOptions, SqliteStore};
use std::sync::Arc;
use uuid::Uuid;

async fn open(url: &str) -> DynStore {
    Arc::new(
        SqliteStore::open(url, SqliteOptions::default())
            .await
            .unwrap(),
    )
}

fn seqs(msgs: &[Message]) -> Vec<u64> {
    msgs.iter().map(|m| m.seq.0).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_file_keeps_its_messages_and_numbers_on() {
    let dir = tempfile::tempdir().unwrap();
    let url = url_in(dir.path());
    let f = Fixture::new(open(&url).await).await;
    let (chat, guest) = f.chat().await;
    for i in 0..3 {
        f.store
            .append_message(f.patron_message(&chat.id, &guest, Some(&format!("a{i}")), "before"))
            .await
            .unwrap();
    }
    drop(f.store);

    let store = open(&url).await;
    let before = store
        .messages_after(chat.id.into(), Seq::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(seqs(&before), vec![1, 2, 3, 4]);
    assert_eq!(store.chat(chat.id).await.unwrap().last_seq, Seq(4));
    let next = NewMessage {
        id: Uuid::now_v7().into(),
        ..before[1].clone().into_new()
    };
    // A retry from before the restart is still recognised...
    let retry = store.append_message(next).await.unwrap();
    assert!(retry.duplicate);
    assert_eq!(retry.message.seq, Seq(2));
    // ...and new messages carry on from the last number.
    let after = store
        .append_message(NewMessage {
            id: Uuid::now_v7().into(),
            client_msg_id: Some(ClientMsgId::parse("b0").unwrap()),
            ..before[1].clone().into_new()
        })
        .await
        .unwrap();
    assert_eq!(after.message.seq, Seq(5));
    let all = store
        .messages_after(chat.id.into(), Seq::ZERO, 100)
        .await
        .unwrap();
    assert_eq!(seqs(&all), vec![1, 2, 3, 4, 5]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_concurrent_appends_commit_gap_free() {
    let dir = tempfile::tempdir().unwrap();
    let f = Arc::new(Fixture::new(open(&url_in(dir.path())).await).await);
    let mut chats = vec![];
    for _ in 0..20 {
        chats.push(f.chat().await);
    }
    let chats = Arc::new(chats);
    // 100 tasks, each sending 20 messages one after the other, to chats in turn.
    let tasks: Vec<_> = (0..100)
        .map(|t| {
            let (f, chats) = (f.clone(), chats.clone());
            tokio::spawn(async move {
                for i in 0..20 {
                    let (chat, guest) = &chats[(t + i) % chats.len()];
                    let client = format!("t{t}-{i}");
                    let m = f.patron_message(&chat.id, guest, Some(&client), "hello");
                    let a = f.store.append_message(m).await.unwrap();
                    assert!(!a.duplicate);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut total = 0;
    for (chat, _) in chats.iter() {
        let all = f
            .store
            .messages_after(chat.id.into(), Seq::ZERO, 10_000)
            .await
            .unwrap();
        let n = all.len() as u64;
        assert_eq!(seqs(&all), (1..=n).collect::<Vec<_>>());
        assert_eq!(f.store.chat(chat.id).await.unwrap().last_seq, Seq(n));
        total += n - 1;
    }
    assert_eq!(total, 2000);
}

trait IntoNew {
    fn into_new(self) -> NewMessage;
}

impl IntoNew for Message {
    fn into_new(self) -> NewMessage {
        NewMessage {
            id: self.id,
            stream: self.stream,
            kind: self.kind,
            sender: self.sender,
            body: self.body,
            client_msg_id: self.client_msg_id,
            created_at: self.created_at,
        }
    }
}
