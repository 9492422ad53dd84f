//! The SQLite store against the conformance suite, plus what is particular to SQLite: a reopened
//! file carries on where it left off, and group commit keeps sequence numbers gap-free.

mod durability;
mod migrations;

use refdesk_store::DynStore;
use refdesk_store_sqlite::{SqliteOptions, SqliteStore};
use std::path::Path;
use std::sync::Arc;

/// The URL of a database file in `dir`.
pub fn url_in(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("refdesk.db").display())
}

/// A fresh store on a new file, in a directory that outlives the test (it is removed with the
/// system's temporary files).
async fn fresh_store() -> DynStore {
    let dir = tempfile::tempdir().unwrap().keep();
    let store = SqliteStore::open(&url_in(&dir), SqliteOptions::default())
        .await
        .unwrap();
    Arc::new(store)
}

/// Opens stores on one fresh database file, as often as a case asks.
async fn fresh_database() -> refdesk_store::conformance::Opener {
    let url = url_in(&tempfile::tempdir().unwrap().keep());
    Arc::new(move || {
        let url = url.clone();
        Box::pin(async move {
            let store = SqliteStore::open(&url, SqliteOptions::default())
                .await
                .unwrap();
            Arc::new(store) as DynStore
        })
    })
}

refdesk_store::conformance_suite!(fresh_store, fresh_database);
