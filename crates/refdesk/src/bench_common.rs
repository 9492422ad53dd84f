//! What the commands that fill a database to time it share (`bench-faqs`, `bench-reports`).

use anyhow::Context;
use refdesk_server::settings::Settings;
use refdesk_store::DynStore;

/// A small deterministic generator (xorshift64*): the same data every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The database a bench fills: `database_url`, or a SQLite file in a temporary folder (kept
/// while the returned folder is), with its URL as it may be printed.
pub async fn open(
    database_url: Option<&str>,
    sqlite_synchronous: &str,
) -> anyhow::Result<(tempfile::TempDir, DynStore, String)> {
    let dir = tempfile::tempdir()?;
    let settings = Settings {
        data_dir: dir.path().to_owned(),
        database_url: database_url.unwrap_or_default().to_owned(),
        sqlite_synchronous: sqlite_synchronous.to_owned(),
        ..Settings::default()
    };
    let store = refdesk_server::store::open(&settings)
        .await
        .context("opening the database")?;
    let url = refdesk_server::settings::redact_url(&settings.database_url());
    Ok((dir, store, url))
}
