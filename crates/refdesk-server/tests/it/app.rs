//! `TestApp`: one server with the demo world, and clients for it.

use crate::ws::Ws;
use refdesk_server::clock::ManualClock;
use refdesk_server::{AppState, Server, Settings, demo, router};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;

pub struct TestApp {
    /// The node's state, to drive what has no endpoint yet (grants) and its timers.
    pub state: AppState,
    /// The node's clock: it stands still until a test moves it on.
    pub clock: Arc<ManualClock>,
    pub url: String,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub widget_id: String,
    _dir: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A signed-in staff member.
pub struct StaffClient {
    pub cookie: String,
    pub id: String,
}

pub async fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("REFDESK_TEST_DATABASE_URL") {
        Ok(admin) => {
            let name = format!("refdesk_it_{}", uuid::Uuid::now_v7().simple());
            let (pool, _) = admin
                .rsplit_once('/')
                .expect("database URL has a database name");
            let client = tokio::process::Command::new("psql")
                .arg(&admin)
                .arg("-qc")
                .arg(format!("CREATE DATABASE {name}"))
                .status()
                .await
                .expect("psql runs");
            assert!(client.success(), "could not create the test database");
            format!("{pool}/{name}")
        }
        Err(_) => format!("sqlite:{}", dir.join("refdesk.db").display()),
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tune: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_owned(),
            database_url: database_url(dir.path()).await,
            ws_messages_per_second: 10_000,
            // Every test client is 127.0.0.1; the limits have their own tests.
            chat_starts_per_address_per_minute: 1_000_000,
            chat_starts_per_widget_per_minute: 1_000_000,
            login_attempts_per_address_per_minute: 1_000_000,
            login_attempts_per_account_per_minute: 1_000_000,
            ..Settings::default()
        };
        tune(&mut settings);
        let store = refdesk_server::store::open(&settings).await.unwrap();
        demo::seed(&store).await.unwrap();
        let widget = |slug: &'static str| {
            let store = store.clone();
            async move {
                let i = store.institution_by_slug(slug).await.unwrap();
                store.widgets(i.id).await.unwrap()[0].id.to_string()
            }
        };
        let widget_id = widget("riverside").await;
        // The demo's Riverside chat box offers its chats to the co-op when Riverside's staff
        // are offline; most tests are about one library's chats, so here it does not route
        // until a test gives it a plan (`TestApp::route_riverside`).
        let mut riverside = store.widget(widget_id.parse().unwrap()).await.unwrap();
        riverside.settings.routing.steps.clear();
        store.update_widget(&riverside).await.unwrap();
        let clock = Arc::new(ManualClock::default());
        let hub = Arc::new(refdesk_server::hub::Hub::default());
        let bus = Arc::new(refdesk_server::bus::InProcessBus::new(hub.clone()));
        let state = AppState::with_clock(settings.clone(), store.clone(), hub, bus, clock.clone());
        let server = Server::bind(settings.listen, router::demo_router(state.clone()))
            .await
            .unwrap();
        let addr = server.addr;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.serve(async move {
            let _ = rx.await;
        }));
        TestApp {
            state,
            clock,
            url: format!("http://{addr}"),
            addr,
            http: reqwest::Client::new(),
            widget_id,
            _dir: dir,
            _shutdown: tx,
        }
    }

    /// Gives Riverside's chat box the routing plan `steps` (as the demo's, with waits).
    pub async fn route_riverside(&self, steps: Vec<refdesk_core::RouteStep>) {
        let store = self.state.store();
        let mut w = store.widget(self.widget_id.parse().unwrap()).await.unwrap();
        w.settings.routing.steps = steps;
        store.update_widget(&w).await.unwrap();
    }

    /// Now, on the node's clock.
    pub fn clock_now(&self) -> time::OffsetDateTime {
        use refdesk_server::clock::Clock;
        self.clock.now()
    }

    /// The demo co-op's id.
    pub async fn demo_coop(&self) -> refdesk_core::CoopId {
        let store = self.state.store();
        let w = store.widget(self.widget_id.parse().unwrap()).await.unwrap();
        store.coops_of_institution(w.institution_id).await.unwrap()[0].id
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, body: Value) -> (u16, Value) {
        let req = self.http.post(format!("{}{path}", self.url)).json(&body);
        let (status, answer) = send(req, cookie).await;
        // Without a staff cookie, this is a patron's (or a stranger's) answer.
        if cookie.is_none() {
            crate::ws::assert_no_leak(&answer.to_string());
        }
        (status, answer)
    }

    pub async fn put(&self, path: &str, cookie: Option<&str>, body: Value) -> (u16, Value) {
        let req = self.http.put(format!("{}{path}", self.url)).json(&body);
        send(req, cookie).await
    }

    pub async fn delete(&self, path: &str, cookie: Option<&str>) -> (u16, Value) {
        let req = self.http.delete(format!("{}{path}", self.url));
        send(req, cookie).await
    }

    pub async fn get(
        &self,
        path: &str,
        cookie: Option<&str>,
        bearer: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.url));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if cookie.is_none() {
            crate::ws::assert_no_leak(&body.to_string());
        }
        (status, body)
    }

    pub async fn login(&self, who: &str) -> StaffClient {
        let resp = self
            .http
            .post(format!("{}/api/auth/login", self.url))
            .json(&json!({"email": format!("{who}.example"), "password": demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "login of {who}");
        let cookie = resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let body: Value = resp.json().await.unwrap();
        StaffClient {
            cookie,
            id: body["user"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// A patron starts a chat on Riverside's widget: (chat id, guest token).
    pub async fn start_chat(&self, question: &str) -> (String, String) {
        self.start_chat_on(&self.widget_id.clone(), question).await
    }

    pub async fn start_chat_on(&self, widget: &str, question: &str) -> (String, String) {
        let (status, body) = self
            .post(
                "/api/chats",
                None,
                json!({"widget_id": widget, "name": "Pat", "question": question,
                "referrer": "https://riverside.example/catalog?card=12345"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (
            body["chat"]["id"].as_str().unwrap().to_owned(),
            body["guest_token"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn claim(&self, staff: &StaffClient, chat: &str) -> (u16, Value) {
        self.post(
            &format!("/api/chats/{chat}/claim"),
            Some(&staff.cookie),
            json!({}),
        )
        .await
    }

    pub async fn patron_ws(&self, token: &str, resume: &[(&str, u64)]) -> Ws {
        let mut ws = Ws::connect(self.addr, None).await;
        let resume: Vec<Value> = resume
            .iter()
            .map(|(c, s)| json!({"chat_id": c, "after_seq": s}))
            .collect();
        ws.send(json!({"type": "hello", "guest_token": token, "resume": resume}))
            .await;
        let welcome = ws.next().await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        ws
    }

    pub async fn staff_ws(&self, staff: &StaffClient) -> (Ws, Value) {
        let mut ws = Ws::connect(self.addr, Some(&staff.cookie)).await;
        ws.send(json!({"type": "hello"})).await;
        let welcome = ws.next().await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        (ws, welcome)
    }
}

/// Sends a request, with the staff cookie when given: (status, JSON body or `null`).
async fn send(mut req: reqwest::RequestBuilder, cookie: Option<&str>) -> (u16, Value) {
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}
