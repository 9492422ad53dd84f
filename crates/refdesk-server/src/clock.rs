//! The node's clock. Everything that decides by time (session expiry, timers, the instants
//! stamped on chats and messages) reads it from here, so tests can run a node on a
//! [`ManualClock`] and move time on instead of waiting for it.

use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// Now, to the microsecond (what the stores keep).
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate(OffsetDateTime::now_utc())
    }
}

/// A clock that only moves when told to: starts at the system's time, then stands still.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            now: Mutex::new(SystemClock.now()),
        }
    }
}

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().expect("clock lock");
        *now = truncate(*now + by);
    }

    /// Jumps to `at` (a test about a particular date, such as a daylight-saving change).
    pub fn set(&self, at: OffsetDateTime) {
        *self.now.lock().expect("clock lock") = truncate(at);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().expect("clock lock")
    }
}

fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .expect("valid nanosecond")
}
