//! Running `refdesk` as a child process and waiting for its "listening" line (no sleeping), and
//! making the empty PostgreSQL databases such children are pointed at.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use tokio_tungstenite::tungstenite::Message;

pub struct Node {
    pub child: Child,
    pub url: String,
    pub addr: String,
}

impl Node {
    /// Starts `refdesk <command> --listen 127.0.0.1:0 --data-dir DIR` and waits for its first
    /// stdout line, which says where it listens.
    pub fn start(command: &str, data_dir: &Path, env: &[(&str, &str)]) -> Node {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_refdesk"));
        cmd.args([command, "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env("RUST_LOG", "warn")
            // Every test client is 127.0.0.1; the limits have their own tests.
            .env("REFDESK_CHAT_STARTS_PER_ADDRESS_PER_MINUTE", "1000000")
            .env("REFDESK_CHAT_STARTS_PER_WIDGET_PER_MINUTE", "1000000")
            .env("REFDESK_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "1000000")
            .env("REFDESK_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", "1000000");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("refdesk starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("a first line").expect("readable");
        let url = first
            .strip_prefix("refdesk listening on ")
            .unwrap_or_else(|| panic!("unexpected: {first}"))
            .to_owned();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        let addr = url.trim_start_matches("http://").to_owned();
        Node { child, url, addr }
    }

    pub fn kill9(&mut self) {
        // SIGKILL: no shutdown, no flush, no goodbye.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty database named `<prefix><uuid>` on the server of `REFDESK_TEST_DATABASE_URL`,
/// created with psql; returns its URL.
pub fn fresh_database(prefix: &str) -> String {
    let admin = std::env::var("REFDESK_TEST_DATABASE_URL")
        .expect("REFDESK_TEST_DATABASE_URL must be set for the PostgreSQL tests");
    let name = format!("{prefix}{}", uuid::Uuid::now_v7().simple());
    let ok = Command::new("psql")
        .arg(&admin)
        .arg("-qc")
        .arg(format!("CREATE DATABASE {name}"))
        .status()
        .unwrap();
    assert!(ok.success(), "cannot create a database on {admin}");
    let (server, _) = admin.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Riverside's chat box id, read from the demo library page the way a browser finds it.
pub async fn demo_widget(http: &reqwest::Client, url: &str) -> String {
    let page = http
        .get(format!("{url}/demo/riverside"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page
        .find("data-widget=\"")
        .expect("the demo page embeds the chat box")
        + 13;
    page[at..at + 36].to_owned()
}

/// A patron starts a chat: (chat id, guest token).
pub async fn start_chat(
    http: &reqwest::Client,
    url: &str,
    widget: &str,
    question: &str,
) -> (String, String) {
    let body: serde_json::Value = http
        .post(format!("{url}/api/chats"))
        .json(&serde_json::json!({"widget_id": widget, "question": question, "name": "Pat"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let field = |k: &str| body[k].as_str().map(str::to_owned);
    (
        body["chat"]["id"].as_str().unwrap().to_owned(),
        field("guest_token").unwrap(),
    )
}

/// Signs a demo operator in and returns the session cookie (`name=value`).
pub async fn login(http: &reqwest::Client, url: &str, email: &str) -> String {
    let resp = http
        .post(format!("{url}/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": "refdesk-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "sign-in of {email}");
    resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Claims a chat; the HTTP status.
pub async fn claim(http: &reqwest::Client, url: &str, cookie: &str, chat: &str) -> u16 {
    let resp = http
        .post(format!("{url}/api/chats/{chat}/claim"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    resp.status().as_u16()
}

/// Sends one message as the patron over the WebSocket and returns its sequence number.
pub async fn patron_says(node: &Node, token: &str, chat: &str, client_id: &str, body: &str) -> u64 {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", node.addr))
        .await
        .unwrap();
    let frames = [
        json!({"type": "hello", "guest_token": token}),
        json!({"type": "send", "chat_id": chat, "client_msg_id": client_id, "body": body}),
    ];
    for frame in frames {
        ws.send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
    }
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next())
            .await
            .expect("an ack within the bound")
            .expect("open")
            .expect("ok");
        let Message::Text(text) = frame else { continue };
        let v: Value = serde_json::from_str(&text).unwrap();
        match v["type"].as_str() {
            Some("ack") if v["client_msg_id"] == client_id => return v["seq"].as_u64().unwrap(),
            Some("error") => panic!("send refused: {v}"),
            _ => {}
        }
    }
}

/// `GET url` as the staff member of `cookie`, as JSON.
pub async fn get_json(http: &reqwest::Client, url: &str, cookie: &str) -> Value {
    http.get(url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
