//! The WebSocket frame sequences of the main flow, as each side receives them, snapshot-tested
//! (STYLE.md): a patron asks, a librarian claims, they talk (with an internal note between),
//! and the librarian closes. Ids become `[id-N]` in order of first appearance (so the same id
//! reads the same everywhere) and times `[time]`; any other drift fails here until reviewed.

use crate::app::TestApp;
use crate::ws::{Ws, send_frame};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Replaces ids and times in `v` with stable names.
fn stable(v: &mut Value, ids: &mut HashMap<String, String>) {
    match v {
        Value::String(s) => {
            if uuid::Uuid::parse_str(s).is_ok() {
                let n = ids.len() + 1;
                *s = ids
                    .entry(s.clone())
                    .or_insert_with(|| format!("[id-{n}]"))
                    .clone();
            } else if time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .is_ok()
            {
                *s = "[time]".into();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| stable(x, ids)),
        Value::Object(o) => o.values_mut().for_each(|x| stable(x, ids)),
        _ => {}
    }
}

/// Frames up to and including the first that `done` accepts.
async fn frames_until(ws: &mut Ws, done: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut out = vec![];
    loop {
        let f = ws.next().await;
        let last = done(&f);
        out.push(f);
        if last {
            return out;
        }
    }
}

fn message_seq(n: u64) -> impl Fn(&Value) -> bool {
    move |f| f["type"] == "message" && f["message"]["seq"] == n
}

#[tokio::test]
async fn the_main_flow_as_each_side_sees_it() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("Do you have the 1911 city directory?").await;
    let (mut staff, welcome) = app.staff_ws(&alice).await;
    let mut staff_frames = vec![welcome];
    let mut patron = Ws::connect(app.addr, None).await;
    patron
        .send(json!({"type": "hello", "guest_token": token,
                     "resume": [{"chat_id": chat, "after_seq": 0}]}))
        .await;
    let mut patron_frames = frames_until(&mut patron, message_seq(1)).await;

    // Alice claims it: the patron hears who joined.
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    staff_frames.extend(frames_until(&mut staff, |f| f["chat"]["status"] == "active").await);
    patron_frames.extend(frames_until(&mut patron, message_seq(2)).await);
    staff
        .send(json!({"type": "watch", "chat_id": chat, "after_seq": 0}))
        .await;
    staff_frames.extend(frames_until(&mut staff, message_seq(2)).await);

    // A reply, then an internal note (staff only), then the patron's answer.
    staff
        .send(send_frame(&chat, "o1", "Yes, on microfilm."))
        .await;
    staff_frames.extend(frames_until(&mut staff, message_seq(3)).await);
    staff
        .send(
            json!({"type": "send", "chat_id": chat, "client_msg_id": "n1",
                     "body": "Regular; likes maps.", "kind": "internal_note"}),
        )
        .await;
    staff_frames.extend(frames_until(&mut staff, message_seq(4)).await);
    patron_frames.extend(frames_until(&mut patron, message_seq(3)).await);
    // The patron numbers without the note: their answer is their 4, staff's 5.
    patron.send(send_frame(&chat, "p1", "Thank you!")).await;
    patron_frames.extend(frames_until(&mut patron, message_seq(4)).await);
    staff_frames.extend(frames_until(&mut staff, message_seq(5)).await);

    // Alice closes it.
    let (status, _) = app
        .post(
            &format!("/api/chats/{chat}/close"),
            Some(&alice.cookie),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    staff_frames.extend(frames_until(&mut staff, message_seq(6)).await);
    patron_frames.extend(frames_until(&mut patron, message_seq(5)).await);

    let mut seen = json!({"staff": staff_frames, "patron": patron_frames});
    stable(&mut seen, &mut HashMap::new());
    insta::assert_json_snapshot!("main_flow_frames", seen);
}
