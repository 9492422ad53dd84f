//! Several nodes: two `refdesk` processes sharing one PostgreSQL database and NATS. Any node
//! serves any client; claims are decided by the database; a node can die without losing
//! anything. Ignored unless REFDESK_TEST_DATABASE_URL and REFDESK_TEST_NATS_URL are set (CI sets
//! both, and these tests then fail rather than skip when a service is missing).

use crate::child::{self, Node, fresh_database};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Cluster {
    a: Node,
    b: Node,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    http: reqwest::Client,
    widget: String,
}

fn env_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set for the multi-node tests"))
}

impl Cluster {
    async fn start() -> Cluster {
        let db = fresh_database("refdesk_nodes_");
        let nats = env_var("REFDESK_TEST_NATS_URL");
        let env = [
            ("REFDESK_DATABASE_URL", db.as_str()),
            ("REFDESK_BUS", nats.as_str()),
            ("REFDESK_WS_MESSAGES_PER_SECOND", "10000"),
        ];
        let (da, db_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        // The first node seeds the demo world; the second finds it there.
        let a = Node::start("demo", da.path(), &env);
        let b = Node::start("demo", db_dir.path(), &env);
        let http = reqwest::Client::new();
        let widget = child::demo_widget(&http, &a.url).await;
        Cluster {
            a,
            b,
            _dirs: (da, db_dir),
            http,
            widget,
        }
    }

    async fn login(&self, node: &Node, who: &str) -> String {
        child::login(&self.http, &node.url, &format!("{who}.example")).await
    }

    async fn start_chat(&self, node: &Node) -> (String, String) {
        child::start_chat(&self.http, &node.url, &self.widget, "Where are the maps?").await
    }

    async fn claim(&self, node: &Node, cookie: &str, chat: &str) -> u16 {
        child::claim(&self.http, &node.url, cookie, chat).await
    }
}

async fn connect(node: &Node, cookie: Option<&str>, hello: Value) -> Ws {
    let mut req = format!("ws://{}/ws", node.addr)
        .into_client_request()
        .unwrap();
    if let Some(c) = cookie {
        req.headers_mut().insert("cookie", c.parse().unwrap());
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(Message::Text(hello.to_string().into()))
        .await
        .unwrap();
    assert_eq!(next(&mut ws).await["type"], "welcome");
    ws
}

async fn next(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next())
            .await
            .expect("a frame within the bound")
            .expect("open")
            .expect("ok");
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] != "typing" {
                return v;
            }
        }
    }
}

async fn next_message(ws: &mut Ws) -> Value {
    loop {
        let v = next(ws).await;
        match v["type"].as_str() {
            Some("message") => return v["message"].clone(),
            Some("ack" | "chat" | "chat_status") => continue,
            _ => panic!("unexpected {v}"),
        }
    }
}

/// The next message written by the other side (a sender also receives its own messages,
/// marked with their `client_msg_id`).
async fn next_from_other(ws: &mut Ws) -> Value {
    loop {
        let m = next_message(ws).await;
        if m["client_msg_id"].is_null() {
            return m;
        }
    }
}

async fn send(ws: &mut Ws, chat: &str, id: &str, body: &str) -> u64 {
    let frame = json!({"type": "send", "chat_id": chat, "client_msg_id": id, "body": body});
    ws.send(Message::Text(frame.to_string().into()))
        .await
        .unwrap();
    loop {
        let v = next(ws).await;
        match v["type"].as_str() {
            Some("ack") if v["client_msg_id"] == id => return v["seq"].as_u64().unwrap(),
            Some("error") => panic!("send refused: {v}"),
            _ => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL and REFDESK_TEST_NATS_URL"]
async fn patron_on_one_node_and_operator_on_another_chat_both_ways() {
    let c = Cluster::start().await;
    let alice = c.login(&c.b, "alice@riverside").await;
    let mut staff = connect(&c.b, Some(&alice), json!({"type": "hello"})).await;
    let (chat, token) = c.start_chat(&c.a).await;
    // The chat started on node A arrives on node B's dashboard.
    let arrived = loop {
        let v = next(&mut staff).await;
        if v["type"] == "chat" && v["chat"]["id"] == chat.as_str() {
            break v;
        }
    };
    assert_eq!(arrived["chat"]["status"], "waiting");
    assert_eq!(c.claim(&c.b, &alice, &chat).await, 200);
    let mut patron = connect(&c.a, None, json!({"type": "hello", "guest_token": token, "resume": [{"chat_id": chat, "after_seq": 0}]})).await;
    assert_eq!(next_message(&mut patron).await["seq"], 1);
    assert_eq!(next_message(&mut patron).await["kind"], "system");
    staff
        .send(Message::Text(
            json!({"type": "watch", "chat_id": chat, "after_seq": 2})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    for i in 0..10 {
        let seq = send(&mut staff, &chat, &format!("o{i}"), &format!("from B {i}")).await;
        let got = next_from_other(&mut patron).await;
        assert_eq!(
            (got["seq"].as_u64(), got["body"].as_str()),
            (Some(seq), Some(format!("from B {i}").as_str()))
        );
        let seq = send(&mut patron, &chat, &format!("p{i}"), &format!("from A {i}")).await;
        let got = next_from_other(&mut staff).await;
        assert_eq!(
            (got["seq"].as_u64(), got["body"].as_str()),
            (Some(seq), Some(format!("from A {i}").as_str()))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL and REFDESK_TEST_NATS_URL"]
async fn operators_on_both_nodes_race_and_exactly_one_wins() {
    let c = Cluster::start().await;
    let alice = c.login(&c.a, "alice@riverside").await;
    let bob = c.login(&c.b, "bob@riverside").await;
    for _ in 0..20 {
        let (chat, _) = c.start_chat(&c.a).await;
        let (x, y) = tokio::join!(c.claim(&c.a, &alice, &chat), c.claim(&c.b, &bob, &chat));
        let mut got = [x, y];
        got.sort();
        assert_eq!(got, [200, 409]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL and REFDESK_TEST_NATS_URL"]
async fn a_node_dies_and_the_patron_resumes_on_the_other() {
    let mut c = Cluster::start().await;
    let alice = c.login(&c.b, "alice@riverside").await;
    let (chat, token) = c.start_chat(&c.a).await;
    assert_eq!(c.claim(&c.b, &alice, &chat).await, 200);
    let mut staff = connect(
        &c.b,
        Some(&alice),
        json!({"type": "hello", "resume": [{"chat_id": chat, "after_seq": 2}]}),
    )
    .await;
    let mut patron = connect(&c.a, None, json!({"type": "hello", "guest_token": token, "resume": [{"chat_id": chat, "after_seq": 0}]})).await;
    // The question, the demo's routing line (nobody at Riverside was monitoring) and the
    // claim's: up to Alice joining.
    let mut last;
    loop {
        let m = next_message(&mut patron).await;
        last = m["seq"].as_u64().unwrap();
        if m["kind"] == "system" && m["body"].as_str().unwrap().contains("joined") {
            break;
        }
    }
    for i in 0..5 {
        send(&mut staff, &chat, &format!("a{i}"), &format!("before {i}")).await;
        last = next_from_other(&mut patron).await["seq"].as_u64().unwrap();
    }
    c.a.kill9();
    for i in 0..5 {
        send(&mut staff, &chat, &format!("b{i}"), &format!("after {i}")).await;
    }
    // The patron reconnects to node B with its last sequence number.
    let mut again = connect(&c.b, None, json!({"type": "hello", "guest_token": token, "resume": [{"chat_id": chat, "after_seq": last}]})).await;
    let mut got = vec![];
    for _ in 0..5 {
        let m = next_from_other(&mut again).await;
        got.push((
            m["seq"].as_u64().unwrap(),
            m["body"].as_str().unwrap().to_owned(),
        ));
    }
    let want: Vec<_> = (0..5)
        .map(|i| (last + 1 + i as u64, format!("after {i}")))
        .collect();
    assert_eq!(got, want, "exactly the missed messages, in order");
    // And the conversation goes on through B.
    let seq = send(&mut again, &chat, "p-after", "still there?").await;
    assert_eq!(seq, last + 6);
    let m = next_from_other(&mut staff).await;
    assert_eq!(m["body"], "still there?");
}

/// The next `transfer` frame on a staff socket.
async fn next_transfer(ws: &mut Ws) -> Value {
    loop {
        let v = next(ws).await;
        if v["type"] == "transfer" {
            return v["transfer"].clone();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs REFDESK_TEST_DATABASE_URL and REFDESK_TEST_NATS_URL"]
async fn a_department_transfer_accepted_on_both_nodes_at_once_has_one_winner() {
    let c = Cluster::start().await;
    let alice = c.login(&c.a, "alice@riverside").await;
    let bob = c.login(&c.b, "bob@riverside").await;
    let rita = c.login(&c.a, "rita@riverside").await;
    // Bob's dashboard is on node B, Rita's on node A: both monitor Reference.
    let mut bob_ws = connect(&c.b, Some(&bob), json!({"type": "hello"})).await;
    let mut rita_ws = connect(&c.a, Some(&rita), json!({"type": "hello"})).await;
    let post = |node: &Node, cookie: &str, path: String, body: Value| {
        let req = c
            .http
            .post(format!("{}{path}", node.url))
            .header("cookie", cookie)
            .json(&body);
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for round in 0..5 {
        let (chat, _) = c.start_chat(&c.a).await;
        assert_eq!(c.claim(&c.a, &alice, &chat).await, 200);
        let targets: Value = c
            .http
            .get(format!("{}/api/chats/{chat}/transfer-targets", c.a.url))
            .header("cookie", &alice)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let reference = targets["departments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "Reference")
            .unwrap_or_else(|| panic!("Reference is staffed: {targets}"))["id"]
            .clone();
        let (status, t) = post(
            &c.a,
            &alice,
            format!("/api/chats/{chat}/transfers"),
            json!({"target": {"kind": "department", "id": reference}}),
        )
        .await;
        assert_eq!(status, 201, "{t}");
        let id = t["id"].as_str().unwrap().to_owned();
        // The offer made on node A reaches Bob's dashboard on node B.
        assert_eq!(next_transfer(&mut bob_ws).await["id"], id.as_str());
        assert_eq!(next_transfer(&mut rita_ws).await["id"], id.as_str());
        let accept = format!("/api/transfers/{id}/accept");
        let (x, y) = tokio::join!(
            post(&c.b, &bob, accept.clone(), json!({})),
            post(&c.a, &rita, accept, json!({}))
        );
        let mut got = [x.0, y.0];
        got.sort();
        assert_eq!(got, [200, 409], "round {round}: {x:?} {y:?}");
        // Both hear who won, on their own node.
        for ws in [&mut bob_ws, &mut rita_ws] {
            let f = next_transfer(ws).await;
            assert_eq!(
                (f["id"].as_str(), f["state"].as_str()),
                (Some(id.as_str()), Some("accepted"))
            );
        }
    }
}
