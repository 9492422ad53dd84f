//! A small WebSocket client for the tests. `next` waits for the next frame with a generous
//! bound (a hung server fails the test instead of hanging it; no test relies on timing).

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Ws {
    pub stream: Stream,
    /// A staff socket (opened with a session cookie); the others are patrons'.
    staff: bool,
}

/// Carried by every internal note and staff-conversation message the suite sends (a staff
/// socket adds it), and looked for in every frame a patron socket receives and every patron
/// REST answer (`TestApp::get`): none may ever hold it (issue 10's leak test).
pub const STAFF_ONLY: &str = "⟦staff-only⟧";

/// Fails the test when `text`, received by a patron, holds the staff-only marker.
pub fn assert_no_leak(text: &str) {
    assert!(
        !text.contains(STAFF_ONLY),
        "a patron received staff-only text: {text}"
    );
}

const BOUND: Duration = Duration::from_secs(20);

impl Ws {
    pub async fn connect(addr: SocketAddr, cookie: Option<&str>) -> Ws {
        let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
        if let Some(c) = cookie {
            req.headers_mut().insert("cookie", c.parse().unwrap());
        }
        let (stream, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        Ws {
            stream,
            staff: cookie.is_some(),
        }
    }

    pub async fn send(&mut self, mut v: Value) {
        let staff_only = v["type"] == "send"
            && (v["kind"] == "internal_note" || v.get("conversation_id").is_some());
        if self.staff
            && staff_only
            && let Some(body) = v["body"].as_str()
            && !body.contains(STAFF_ONLY)
        {
            v["body"] = Value::String(format!("{body} {STAFF_ONLY}"));
        }
        self.stream
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    pub async fn send_raw(&mut self, text: String) {
        self.stream.send(Message::Text(text.into())).await.unwrap();
    }

    /// The next JSON frame, skipping typing indicators.
    pub async fn next(&mut self) -> Value {
        loop {
            let v = self.next_any().await;
            if v["type"] != "typing" {
                return v;
            }
        }
    }

    pub async fn next_any(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(BOUND, self.stream.next())
                .await
                .expect("a frame within the bound")
                .expect("socket open")
                .expect("socket ok");
            match msg {
                Message::Text(t) => {
                    if !self.staff {
                        assert_no_leak(&t);
                    }
                    return serde_json::from_str(&t).unwrap();
                }
                Message::Close(_) => panic!("socket closed"),
                _ => continue,
            }
        }
    }

    /// Frames until one of `type` arrives (others are returned too, in order).
    pub async fn until(&mut self, kind: &str) -> (Value, Vec<Value>) {
        let mut before = vec![];
        loop {
            let v = self.next().await;
            if v["type"] == kind {
                return (v, before);
            }
            before.push(v);
        }
    }

    /// The next `message` frame (skipping chat state frames).
    pub async fn next_message(&mut self) -> Value {
        loop {
            let v = self.next().await;
            match v["type"].as_str() {
                Some("message") => return v["message"].clone(),
                Some("chat" | "chat_status" | "librarian_chats" | "monitors_changed") => continue,
                _ => panic!("expected a message, got {v}"),
            }
        }
    }

    /// The next `ack` or `error` answering a send (skipping messages and chat frames).
    pub async fn next_answer(&mut self) -> Value {
        loop {
            let v = self.next().await;
            if v["type"] == "ack" || v["type"] == "error" {
                return v;
            }
        }
    }

    /// Reads until the server closes the socket: the frames before, and the close code.
    pub async fn closed(&mut self) -> (Vec<Value>, Option<u16>) {
        let mut before = vec![];
        loop {
            let msg = tokio::time::timeout(BOUND, self.stream.next())
                .await
                .expect("the socket closes within the bound");
            match msg {
                Some(Ok(Message::Text(t))) => before.push(serde_json::from_str(&t).unwrap()),
                Some(Ok(Message::Close(frame))) => {
                    return (before, frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return (before, None),
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

pub fn send_frame(chat: &str, client_msg_id: &str, body: &str) -> Value {
    serde_json::json!({"type": "send", "chat_id": chat, "client_msg_id": client_msg_id, "body": body})
}

#[test]
#[should_panic(expected = "a patron received staff-only text")]
fn the_leak_check_fails_on_the_marker() {
    assert_no_leak(&format!("{{\"body\":\"note {STAFF_ONLY}\"}}"));
}
