//! Rate limits of the anonymous and unauthenticated doors: sign-in (per account and per client
//! address, with a bound on concurrent password checks, since each Argon2id check holds ~19 MiB
//! for its duration) and starting chats (per client address and per chat box). A refused
//! request is a `429 rate_limited` with `Retry-After`.

use crate::error::ApiError;
use crate::settings::Settings;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

#[derive(Debug)]
pub struct Limits {
    login_account: DefaultKeyedRateLimiter<String>,
    login_address: DefaultKeyedRateLimiter<IpAddr>,
    chat_address: DefaultKeyedRateLimiter<IpAddr>,
    chat_widget: DefaultKeyedRateLimiter<uuid::Uuid>,
    /// Password checks, on `max_concurrent_password_checks` threads; the others wait their turn.
    pub password_checks: crate::passwords::PasswordChecks,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("non-zero"))
}

impl Limits {
    pub fn new(s: &Settings) -> Self {
        Limits {
            login_account: RateLimiter::keyed(per_minute(s.login_attempts_per_account_per_minute)),
            login_address: RateLimiter::keyed(per_minute(s.login_attempts_per_address_per_minute)),
            chat_address: RateLimiter::keyed(per_minute(s.chat_starts_per_address_per_minute)),
            chat_widget: RateLimiter::keyed(per_minute(s.chat_starts_per_widget_per_minute)),
            password_checks: crate::passwords::PasswordChecks::start(
                s.max_concurrent_password_checks,
            ),
        }
    }

    /// A sign-in attempt for `email` from `address`.
    pub fn login(&self, email: &str, address: IpAddr) -> Result<(), Limited> {
        check(&self.login_address, &address)?;
        check(&self.login_account, &email.trim().to_lowercase())
    }

    /// A chat start on `widget` from `address`.
    pub fn chat_start(&self, widget: uuid::Uuid, address: IpAddr) -> Result<(), Limited> {
        check(&self.chat_address, &address)?;
        check(&self.chat_widget, &widget)
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), Limited> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        metrics::counter!("refdesk_rate_limited_total").increment(1);
        Limited {
            retry_after: wait.as_secs().max(1),
        }
    })
}

/// A refused request: answered `429 rate_limited` with `Retry-After` (seconds).
#[derive(Debug, Clone, Copy)]
pub struct Limited {
    pub retry_after: u64,
}

impl From<Limited> for ApiError {
    fn from(l: Limited) -> Self {
        ApiError::rate_limited(l.retry_after)
    }
}
