//! When staff sessions were last used, for the idle timeout (`session_idle_minutes`): a
//! request with a session records its use at most once a minute per node, and every session
//! with a dashboard socket open on this node is recorded as used each time the timer task
//! renews this node's staff presence (every 20 s), so an open dashboard keeps its session.

use refdesk_store::TokenHash;
use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

/// How often one node records the use of one session by its requests.
const EVERY: Duration = Duration::minutes(1);
/// The most sessions whose last recording one node remembers.
const REMEMBERED: usize = 10_000;

#[derive(Default)]
pub struct SessionUse {
    /// When each session's use was last recorded by this node.
    recorded: Mutex<HashMap<TokenHash, OffsetDateTime>>,
    /// The sessions with a socket open on this node, and how many.
    open: Mutex<HashMap<TokenHash, usize>>,
}

impl std::fmt::Debug for SessionUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUse").finish_non_exhaustive()
    }
}

impl SessionUse {
    /// Whether a use of `session` at `now` should be written (and, if so, notes it as written).
    pub fn due(&self, session: TokenHash, now: OffsetDateTime) -> bool {
        let mut recorded = self.recorded.lock().expect("session use lock");
        if recorded.get(&session).is_some_and(|at| now - *at < EVERY) {
            return false;
        }
        if recorded.len() >= REMEMBERED {
            recorded.clear();
        }
        recorded.insert(session, now);
        true
    }

    /// A socket of `session` opened on this node.
    pub fn opened(&self, session: TokenHash) {
        *self
            .open
            .lock()
            .expect("session use lock")
            .entry(session)
            .or_default() += 1;
    }

    /// A socket of `session` closed on this node.
    pub fn closed(&self, session: TokenHash) {
        let mut open = self.open.lock().expect("session use lock");
        if let Some(n) = open.get_mut(&session) {
            *n -= 1;
            if *n == 0 {
                open.remove(&session);
            }
        }
    }

    /// The sessions with a socket open on this node.
    pub fn open_sessions(&self) -> Vec<TokenHash> {
        self.open
            .lock()
            .expect("session use lock")
            .keys()
            .copied()
            .collect()
    }
}
