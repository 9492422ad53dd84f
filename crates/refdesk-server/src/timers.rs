//! The timer task: claims the store's due timers and feeds each back in as a command. Several
//! nodes may run it against one database; the store hands every due timer to exactly one of
//! them, and a timer whose subject has moved on since it was set does nothing (the chat's
//! version no longer matches).

use crate::error::ApiResult;
use crate::events::Event;
use crate::service::ChatFailure;
use crate::state::AppState;
use refdesk_core::{Chat, Timer, TimerKind};
use refdesk_store::StoreError;
use std::time::Duration as StdDuration;
use time::Duration;

/// How long a node holds a claimed timer before another node may take it over.
const LEASE: Duration = Duration::seconds(30);
/// How many timers one round claims.
const BATCH: u32 = 100;
/// How often the task looks at the store even when nothing woke it (timers set by other nodes).
const POLL: StdDuration = StdDuration::from_secs(1);
/// How often this node stops the patron-away timers of chats whose patron is connected here
/// (well inside the shortest sensible grace period).
const PRESENCE: StdDuration = StdDuration::from_secs(20);
/// How often staff chat is trimmed, and patrons forgotten and transcripts deleted, per the
/// institutions' retention policies.
const RETENTION: StdDuration = StdDuration::from_secs(3600);

/// What firing one timer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fired {
    /// The timer's command was applied.
    Applied,
    /// The state had moved on since the timer was set: nothing changed.
    Stale,
}

impl AppState {
    /// Claims every timer due now and fires it; returns what each did, in due order.
    pub async fn fire_due_timers(&self) -> ApiResult<Vec<(Timer, Fired)>> {
        let mut out = Vec::new();
        loop {
            let now = self.now();
            let claimed = self
                .store()
                .claim_due_timers(now, now + LEASE, BATCH)
                .await?;
            if claimed.is_empty() {
                return Ok(out);
            }
            for c in claimed {
                let fired = self.fire(&c.timer).await?;
                self.store().finish_timer(&c).await?;
                metrics::counter!("refdesk_timers_fired_total", "kind" => c.timer.key.kind.as_str())
                    .increment(1);
                out.push((c.timer, fired));
            }
        }
    }

    async fn fire(&self, timer: &Timer) -> ApiResult<Fired> {
        match timer.key.kind {
            TimerKind::PatronAway | TimerKind::OperatorAway => {
                let chat = match self.store().chat(timer.key.subject.into()).await {
                    Ok(c) => c,
                    Err(StoreError::NotFound) => return Ok(Fired::Stale),
                    Err(e) => return Err(e.into()),
                };
                if timer.key.kind == TimerKind::PatronAway && self.hub().has_patron(chat.id) {
                    // The patron is still here (another tab of theirs closed): start again.
                    self.start_patron_timer(&chat).await;
                    return Ok(Fired::Stale);
                }
                if timer.key.kind == TimerKind::OperatorAway
                    && let Some(op) = chat.state.operator()
                    && self.staff_connected(op).await
                {
                    // Back on some node (their socket moved): they keep their chats.
                    return Ok(Fired::Stale);
                }
                let requeued_from = (timer.key.kind == TimerKind::OperatorAway)
                    .then(|| chat.state.operator())
                    .flatten();
                match self.decide_chat(chat, Chat::timeout(timer)).await {
                    Ok(c) => {
                        if let Some(op) = requeued_from {
                            self.note_requeue(&c, op).await?;
                            // Back at the step it was at: offered on from there.
                            self.route(c, false, true).await?;
                        }
                        Ok(Fired::Applied)
                    }
                    Err(ChatFailure::Rejected(r)) => {
                        tracing::debug!(timer = ?timer.key, code = r.code(), "stale timer");
                        Ok(Fired::Stale)
                    }
                    // The chat is gone or kept changing: nothing to do for this timer either.
                    Err(ChatFailure::Failed(e)) if e.status.is_client_error() => {
                        tracing::debug!(timer = ?timer.key, code = e.code, "stale timer");
                        Ok(Fired::Stale)
                    }
                    Err(ChatFailure::Failed(e)) => Err(e),
                }
            }
            TimerKind::RouteStep | TimerKind::Realert => {
                let chat = match self.store().chat(timer.key.subject.into()).await {
                    Ok(c) => c,
                    Err(StoreError::NotFound) => return Ok(Fired::Stale),
                    Err(e) => return Err(e.into()),
                };
                if chat.version != timer.version || chat.state != refdesk_core::ChatState::Waiting {
                    return Ok(Fired::Stale);
                }
                if timer.key.kind == TimerKind::Realert {
                    self.realert(&chat).await?;
                } else {
                    self.route(chat, true, true).await?;
                }
                Ok(Fired::Applied)
            }
            TimerKind::TransferExpiry => self.expire_transfer(timer).await,
            TimerKind::SessionExpiry => {
                self.publish(Event::SessionEnded {
                    session: timer.key.subject,
                })
                .await;
                Ok(Fired::Applied)
            }
        }
    }
}

/// Runs the timer task until the process ends: fires what is due, then sleeps until the next
/// timer is due, this node sets one, or the poll interval passes.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut presence_refreshed = std::time::Instant::now();
        let mut trimmed_at: Option<std::time::Instant> = None;
        loop {
            if trimmed_at.is_none_or(|t| t.elapsed() >= RETENTION) {
                if let Err(e) = state.trim_staff_chats().await {
                    tracing::warn!(code = e.code, error = %e.message, "trimming staff chat failed");
                }
                if let Err(e) = state.sweep_patron_data().await {
                    tracing::warn!(code = e.code, error = %e.message, "removing patron data failed");
                }
                trimmed_at = Some(std::time::Instant::now());
            }
            if presence_refreshed.elapsed() >= PRESENCE {
                state.refresh_patron_presence().await;
                state.refresh_staff_presence().await;
                state.open_sessions_used().await;
                presence_refreshed = std::time::Instant::now();
            }
            if let Err(e) = state.fire_due_timers().await {
                tracing::warn!(code = e.code, error = %e.message, "firing due timers failed");
            }
            let wait = match state.store().next_timer_due().await {
                Ok(Some(due)) => {
                    let secs = (due - state.now()).as_seconds_f64().max(0.0);
                    StdDuration::from_secs_f64(secs).min(POLL)
                }
                Ok(None) => POLL,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the next timer failed");
                    POLL
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = state.timers_changed().notified() => {}
            }
        }
    })
}
