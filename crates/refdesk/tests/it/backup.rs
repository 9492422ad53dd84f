//! Backups as an admin makes them: `refdesk backup` while the node keeps serving, then
//! `refdesk restore` into a fresh data folder, a node started on it, and every message read
//! back, gap-free, with nothing written after the backup.

use crate::child::{Node, claim, demo_widget, get_json, login, patron_says, start_chat};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs `refdesk <args…>`; returns whether it succeeded, its stdout and its stderr.
fn refdesk(args: &[&str], paths: &[&Path]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_refdesk"))
        .args(args)
        .args(paths)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn backup(data: &Path, to: &Path) -> (bool, String, String) {
    refdesk(
        &["backup", "--data-dir", &data.display().to_string(), "--to"],
        &[to],
    )
}

fn restore(data: &Path, from: &Path) -> (bool, String, String) {
    refdesk(
        &[
            "restore",
            "--data-dir",
            &data.display().to_string(),
            "--from",
        ],
        &[from],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_into_a_fresh_folder_with_every_message() {
    let http = reqwest::Client::new();
    let data = tempfile::tempdir().unwrap();
    let node = Node::start("demo", data.path(), &[]);
    let widget = demo_widget(&http, &node.url).await;
    let (chat, token) = start_chat(&http, &node.url, &widget, "Where are the 1911 maps?").await;
    let alice = login(&http, &node.url, "alice@riverside.example").await;
    assert_eq!(claim(&http, &node.url, &alice, &chat).await, 200);
    // The question (1), offered to the co-op (2), claimed (3), then the patron's messages.
    let mut sent = Vec::new();
    for n in 0..25 {
        let body = format!("message {n} <b>&</b>");
        let seq = patron_says(&node, &token, &chat, &format!("p{n}"), &body).await;
        assert_eq!(seq, 4 + n);
        sent.push((seq, body));
    }
    // A file Alice sends (seq 29) is kept in the attachments folder, and goes with the backup.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0x42; 64]);
    let file: Value = http
        .post(format!(
            "{}/api/chats/{chat}/attachments?name=map.png",
            node.url
        ))
        .header("cookie", &alice)
        .header("content-type", "application/octet-stream")
        .body(png.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(file["seq"], 29, "{file}");
    let file_url = file["url"].as_str().unwrap().to_owned();

    // The node keeps serving throughout.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup");
    let (ok, out, err) = backup(data.path(), &copy);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("integrity ok"), "{out}");
    assert!(out.contains("files: 1 copied"), "{out}");
    assert!(out.contains("backup written to"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&copy), 0o700, "the backup is its owner's alone");
        assert_eq!(mode(&copy.join("refdesk.db")), 0o600);
    }
    let after = patron_says(&node, &token, &chat, "late", "after the backup").await;
    assert_eq!(after, 30);
    // A backup never writes over another.
    let (ok, _, err) = backup(data.path(), &copy);
    assert!(!ok && err.contains("is not empty"), "{err}");

    // Into a fresh folder; never over an installation.
    let fresh = dir.path().join("restored");
    let (ok, out, err) = restore(&fresh, &copy);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("3 institutions"), "{out}");
    let (ok, _, err) = restore(&fresh, &copy);
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = restore(data.path(), &copy);
    assert!(!ok && err.contains("already exists"), "{err}");

    let restored = Node::start("serve", &fresh, &[]);
    // The same password signs in (login asserts the 200).
    let alice = login(&http, &restored.url, "alice@riverside.example").await;
    let history = get_json(
        &http,
        &format!("{}/api/chats/{chat}/messages", restored.url),
        &alice,
    )
    .await;
    let messages = history["messages"].as_array().unwrap();
    let seqs: Vec<u64> = messages
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=29).collect::<Vec<_>>(),
        "gap-free, and nothing after the backup"
    );
    assert_eq!(messages[0]["body"], "Where are the 1911 maps?");
    for (seq, body) in &sent {
        let m = &messages[usize::try_from(*seq).unwrap() - 1];
        assert_eq!(m["body"], body.as_str(), "{m}");
    }
    let got = http
        .get(format!("{}{file_url}", restored.url))
        .header("cookie", &alice)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.bytes().await.unwrap().to_vec(),
        png,
        "the file came back whole"
    );
    // The patron's token still works there, and the chat carries on from the backup's last
    // number.
    assert_eq!(
        patron_says(&restored, &token, &chat, "again", "Hello?").await,
        30
    );
}

#[test]
fn postgres_is_backed_up_with_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = refdesk(
        &[
            "backup",
            "--database-url",
            "postgres://refdesk:secret@127.0.0.1:1/refdesk",
            "--to",
        ],
        &[&dir.path().join("b")],
    );
    assert!(!ok);
    assert!(err.contains("pg_dump"), "{err}");
    assert!(!err.contains("secret"), "the password is not shown: {err}");
    let (ok, _, err) = refdesk(
        &["restore", "--data-dir"],
        &[dir.path(), Path::new("--from"), dir.path()],
    );
    assert!(!ok && err.contains("holds no refdesk.db"), "{err}");
}
