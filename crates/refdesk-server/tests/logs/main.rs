//! Log lines, tested in a process of their own: the subscriber that captures them is the
//! global one, set before anything logs (a per-thread subscriber in the shared test binary
//! races with other tests over tracing's per-call-site interest cache).

#[allow(dead_code)]
#[path = "../it/app.rs"]
mod app;
#[allow(dead_code)]
#[path = "../it/ws.rs"]
mod ws;

use app::TestApp;

/// Everything the process logs.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn finding_6_responses_and_their_log_lines_carry_a_request_id() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let app = TestApp::spawn().await;
    let refused = app
        .http
        .get(format!("{}/api/me", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let id = refused.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let line = logs
        .text()
        .lines()
        .find(|l| l.contains("request refused"))
        .map(str::to_owned)
        .expect("the refusal is logged");
    assert!(line.contains(&format!("id={id}")), "{line}");
    // A proxy's id is kept, so one id follows the request through both logs.
    let proxied = app
        .http
        .get(format!("{}/api/nope", app.url))
        .header("x-request-id", "proxy-7f3a")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.headers()["x-request-id"], "proxy-7f3a");
    let other = app
        .http
        .get(format!("{}/healthz", app.url))
        .send()
        .await
        .unwrap();
    assert_ne!(
        other.headers()["x-request-id"].to_str().unwrap(),
        id,
        "one id per request"
    );
}
