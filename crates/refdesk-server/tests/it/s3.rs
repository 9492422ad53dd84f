//! Files in an S3-compatible bucket (issue 11, item 5): a real S3 server (moto's, started by
//! `scripts/s3_server.py`), the node's files in it and none on its disk, and another node's
//! file store reading the same content: what lets several nodes share files.

use crate::app::TestApp;
use crate::attachments::{PNG, send, stored_files};
use crate::smtp::{free_port, start_script};
use refdesk_server::Settings;
use refdesk_server::files::{FileStore, sha256_hex};
use tokio::process::Child;

const BUCKET: &str = "refdesk-files";

/// moto's S3 server with an empty bucket; killed when dropped.
struct S3Server {
    port: u16,
    child: Child,
}

impl S3Server {
    async fn start() -> S3Server {
        let port = free_port();
        let child = start_script(
            "s3_server.py",
            &[BUCKET.to_owned(), port.to_string()],
            "'moto[server]'",
        )
        .await;
        S3Server { port, child }
    }

    /// Stops it (an outage): once this returns, its port refuses connections.
    async fn stop(mut self) {
        drop(self.child.stdin.take());
        self.child.wait().await.unwrap();
    }

    /// Settings that keep files in its bucket.
    fn settings(&self, s: &mut Settings) {
        s.attachments_s3_bucket = BUCKET.into();
        s.attachments_s3_endpoint = format!("http://127.0.0.1:{}", self.port);
        s.attachments_s3_region = "us-east-1".into();
        s.attachments_s3_access_key_id = "refdesk".into();
        s.attachments_s3_secret_access_key = "refdesk-secret".into();
    }
}

#[tokio::test]
async fn files_kept_in_an_s3_bucket_are_read_by_another_node() {
    let s3 = S3Server::start().await;
    let app = TestApp::spawn_with(|s| s3.settings(s)).await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("A photo of the label").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);

    let (status, sent) = send(&app, &chat, "label.png", PNG.to_vec(), Some(&token), None).await;
    assert_eq!(status, 201, "{sent}");
    // Nothing on the node's disk: the content went to the bucket.
    assert_eq!(stored_files(&app), 0);

    // The librarian reads it back through the node.
    let r = app
        .http
        .get(format!("{}{}", app.url, sent["url"].as_str().unwrap()))
        .header("cookie", &alice.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);

    // Another node, with its own data folder, finds the same content in the bucket.
    let other_dir = tempfile::tempdir().unwrap();
    let mut other = Settings {
        data_dir: other_dir.path().to_owned(),
        ..Settings::default()
    };
    s3.settings(&mut other);
    let store = FileStore::from_settings(&other).unwrap();
    assert_eq!(store.get(&sha256_hex(PNG)).await.unwrap(), PNG);
    assert!(store.get(&sha256_hex(b"never sent")).await.is_err());
}

#[tokio::test]
async fn a_file_the_bucket_cannot_take_is_refused_and_not_posted() {
    let s3 = S3Server::start().await;
    let app = TestApp::spawn_with(|s| s3.settings(s)).await;
    let (chat, token) = app.start_chat("A photo of the label").await;
    // The bucket goes away.
    s3.stop().await;
    let (status, body) = send(&app, &chat, "label.png", PNG.to_vec(), Some(&token), None).await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error"]["code"], "internal", "{body}");
    // No message points at a file that was never kept.
    let (_, hist) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    assert!(!hist.to_string().contains("file:"), "{hist}");
}
