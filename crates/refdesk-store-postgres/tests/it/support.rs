//! Fresh databases for tests: every test gets its own, created on the server named by
//! `REFDESK_TEST_DATABASE_URL`, so tests run in parallel without seeing each other's rows.

use futures::future::LocalBoxFuture;
use refdesk_store::DynStore;
use refdesk_store::conformance::Opener;
use refdesk_store_postgres::{PgOptions, PgStore};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use std::sync::Arc;
use tokio::sync::OnceCell;
use uuid::Uuid;

pub const URL_VAR: &str = "REFDESK_TEST_DATABASE_URL";
const PREFIX: &str = "refdesk_t_";

/// The server to create test databases on.
pub fn admin_url() -> String {
    std::env::var(URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{URL_VAR} is not set: these tests need a PostgreSQL server, e.g. \
             {URL_VAR}=postgres://postgres@127.0.0.1:5432/test"
        )
    })
}

/// `url` with its database name replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Creates an empty database and returns its URL.
pub async fn fresh_database() -> String {
    let admin = admin_url();
    let mut conn = PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {URL_VAR}: {e}"));
    static SWEPT: OnceCell<()> = OnceCell::const_new();
    SWEPT.get_or_init(|| drop_stale(&admin)).await;
    let name = format!("{PREFIX}{}", Uuid::now_v7().simple());
    conn.execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    conn.close().await.ok();
    with_database(&admin, &name)
}

/// An opened, migrated store on a database of its own.
pub async fn fresh_store() -> DynStore {
    let url = fresh_database().await;
    Arc::new(open(&url).await)
}

/// Opens stores on one fresh database as often as a case asks, as other nodes or a restarted
/// process would.
pub async fn fresh_opener() -> Opener {
    let url = fresh_database().await;
    Arc::new(move || -> LocalBoxFuture<'static, DynStore> {
        let url = url.clone();
        Box::pin(async move { Arc::new(open(&url).await) as DynStore })
    })
}

pub async fn open(url: &str) -> PgStore {
    let options = PgOptions {
        max_connections: 8,
        ..PgOptions::default()
    };
    PgStore::open(url, options)
        .await
        .unwrap_or_else(|e| panic!("cannot open the store: {e}"))
}

/// Drops test databases left behind more than a day ago (their names carry a UUIDv7, which
/// carries its creation time). Younger ones may belong to a run in progress.
async fn drop_stale(admin: &str) {
    let Ok(mut conn) = PgConnection::connect(admin).await else {
        return;
    };
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'refdesk\\_t\\_%'")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    for name in names {
        let Ok(id) = Uuid::parse_str(&name[PREFIX.len()..]) else {
            continue;
        };
        let Some((secs, _)) = id.get_timestamp().map(|t| t.to_unix()) else {
            continue;
        };
        if now.saturating_sub(secs) > 24 * 3600 {
            let _ = conn
                .execute(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await;
        }
    }
    conn.close().await.ok();
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "x"),
        "postgres://h:5432/x"
    );
}
