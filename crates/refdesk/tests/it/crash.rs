//! Durability: SIGKILL the server while patrons are sending; after a restart, every
//! acknowledged message is in the history, once, with gap-free sequence numbers.

use crate::child::{Node, demo_widget, start_chat};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use tokio_tungstenite::tungstenite::Message;

const CHATS: usize = 8;
const KILL_AFTER_ACKS: usize = 400;

/// One patron sending as fast as acks come back (up to 16 in flight); returns the acks it got
/// (client id → (seq, body)) when the socket dies.
async fn patron(
    addr: String,
    chat: String,
    token: String,
    acked: tokio::sync::mpsc::UnboundedSender<()>,
) -> HashMap<String, (u64, String)> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    ws.send(Message::Text(
        json!({"type": "hello", "guest_token": token})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    let mut sent: HashMap<String, String> = HashMap::new();
    let mut got = HashMap::new();
    let mut next = 0u64;
    let mut in_flight = 0;
    loop {
        while in_flight < 16 {
            let id = format!("c{next}");
            let body = format!("{chat} message {next}");
            next += 1;
            if ws
                .send(Message::Text(
                    json!({"type": "send", "chat_id": chat, "client_msg_id": id, "body": body})
                        .to_string()
                        .into(),
                ))
                .await
                .is_err()
            {
                return got;
            }
            sent.insert(id, body);
            in_flight += 1;
        }
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "ack" {
                    let id = v["client_msg_id"].as_str().unwrap().to_owned();
                    let body = sent[&id].clone();
                    got.insert(id, (v["seq"].as_u64().unwrap(), body));
                    in_flight -= 1;
                    let _ = acked.send(());
                } else if v["type"] == "error" {
                    panic!("unexpected error frame {v}");
                }
            }
            Some(Ok(_)) => {}
            _ => return got,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("REFDESK_WS_MESSAGES_PER_SECOND", "100000")];
    let mut node = Node::start("demo", dir.path(), &env);
    let http = reqwest::Client::new();
    let widget = demo_widget(&http, &node.url).await;
    let mut chats = vec![];
    for i in 0..CHATS {
        chats.push(start_chat(&http, &node.url, &widget, &format!("question {i}")).await);
    }
    let (ack_tx, mut ack_rx) = tokio::sync::mpsc::unbounded_channel();
    let tasks: Vec<_> = chats
        .iter()
        .map(|(c, t)| {
            tokio::spawn(patron(
                node.addr.clone(),
                c.clone(),
                t.clone(),
                ack_tx.clone(),
            ))
        })
        .collect();
    drop(ack_tx);
    // Kill it mid-stream, once enough acks have come back.
    for _ in 0..KILL_AFTER_ACKS {
        ack_rx.recv().await.expect("patrons are sending");
    }
    node.kill9();
    let mut acked: Vec<HashMap<String, (u64, String)>> = vec![];
    for t in tasks {
        acked.push(t.await.unwrap());
    }
    let total: usize = acked.iter().map(HashMap::len).sum();
    assert!(total >= KILL_AFTER_ACKS);

    let node = Node::start("demo", dir.path(), &env);
    for ((chat, token), acks) in chats.iter().zip(&acked) {
        let hist: Value = http
            .get(format!("{}/api/chats/{chat}/messages?limit=500", node.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut messages: Vec<Value> = hist["messages"].as_array().unwrap().clone();
        let mut after = messages.last().map_or(0, |m| m["seq"].as_u64().unwrap());
        while after < hist["last_seq"].as_u64().unwrap() && messages.len().is_multiple_of(500) {
            let more: Value = http
                .get(format!(
                    "{}/api/chats/{chat}/messages?limit=500&after_seq={after}",
                    node.url
                ))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let page = more["messages"].as_array().unwrap().clone();
            if page.is_empty() {
                break;
            }
            after = page.last().unwrap()["seq"].as_u64().unwrap();
            messages.extend(page);
        }
        let seqs: Vec<u64> = messages
            .iter()
            .map(|m| m["seq"].as_u64().unwrap())
            .collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "gap-free and in order"
        );
        let by_client: HashMap<&str, &Value> = messages
            .iter()
            .filter_map(|m| m["client_msg_id"].as_str().map(|c| (c, m)))
            .collect();
        let patrons = messages.iter().filter(|m| m["kind"] == "patron").count();
        assert_eq!(
            by_client.len(),
            patrons - 1,
            "no client id stored twice (seq 1 is the question; the demo's routing adds its \
             system lines beside them)"
        );
        for (id, (seq, body)) in acks {
            let stored = by_client
                .get(id.as_str())
                .unwrap_or_else(|| panic!("acknowledged {id} lost in {chat}"));
            assert_eq!(
                stored["seq"].as_u64(),
                Some(*seq),
                "{id} kept its acknowledged seq"
            );
            assert_eq!(stored["body"].as_str(), Some(body.as_str()));
        }
    }
}

#[tokio::test]
async fn metrics_count_messages_connections_and_commits() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start("demo", dir.path(), &[]);
    let http = reqwest::Client::new();
    let widget = demo_widget(&http, &node.url).await;
    let (chat, token) = start_chat(&http, &node.url, &widget, "question 0").await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", node.addr))
        .await
        .unwrap();
    ws.send(Message::Text(
        json!({"type": "hello", "guest_token": token})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    ws.send(Message::Text(
        json!({"type": "send", "chat_id": chat, "client_msg_id": "m1", "body": "hi"})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    loop {
        let Some(Ok(Message::Text(t))) = ws.next().await else {
            panic!("socket ended")
        };
        if serde_json::from_str::<Value>(&t).unwrap()["type"] == "ack" {
            break;
        }
    }
    let text = http
        .get(format!("{}/metrics", node.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for metric in [
        "refdesk_messages_total{kind=\"patron\"} 1",
        "refdesk_ws_connections 1",
        "refdesk_store_commit_batch_size_bucket",
        "refdesk_store_commit_seconds_bucket",
        "refdesk_process_resident_memory_bytes",
        "refdesk_chats_started_total 1",
    ] {
        assert!(
            text.contains(metric),
            "{metric} missing from /metrics:\n{text}"
        );
    }
}
