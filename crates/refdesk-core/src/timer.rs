//! Timers, the pure part. A state machine that wants something to happen later ("abandon this
//! chat if the patron is still away at T", "requeue it if the operator has not come back") does
//! not sleep: its decision carries a [`TimerOp`], the store keeps the timer durably in the same
//! transaction as the change, and a server task feeds the timer back in as a command once it is
//! due. Each timer remembers the version of the state it was set against, so a timer that fires
//! after the state has moved on (even if it came back to the same status) changes nothing.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// What a timer is for. With its subject it names the timer: setting the same kind for the same
/// subject again replaces the earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    /// A waiting chat whose patron has no chat box connected: abandon it when due.
    PatronAway,
    /// An active chat whose operator has no dashboard connected: back to the queue when due.
    OperatorAway,
    /// A staff session reaches its expiry: its open sockets lose their rights when due.
    SessionExpiry,
    /// A waiting chat has waited at its routing step as long as the next step asks: look at
    /// where it goes now.
    RouteStep,
    /// A waiting chat has waited long enough for its step's monitors to be alerted again.
    Realert,
    /// A transfer nobody accepted in time: it expires and returns to its sender (the subject
    /// is the transfer).
    TransferExpiry,
}

impl TimerKind {
    pub const ALL: [TimerKind; 6] = [
        TimerKind::PatronAway,
        TimerKind::OperatorAway,
        TimerKind::SessionExpiry,
        TimerKind::RouteStep,
        TimerKind::Realert,
        TimerKind::TransferExpiry,
    ];
    /// The kinds whose subject is a chat.
    pub const OF_CHAT: [TimerKind; 4] = [
        TimerKind::PatronAway,
        TimerKind::OperatorAway,
        TimerKind::RouteStep,
        TimerKind::Realert,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            TimerKind::PatronAway => "patron_away",
            TimerKind::OperatorAway => "operator_away",
            TimerKind::SessionExpiry => "session_expiry",
            TimerKind::RouteStep => "route_step",
            TimerKind::Realert => "realert",
            TimerKind::TransferExpiry => "transfer_expiry",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The name of a timer: its kind and what it is about (a chat id, a session key, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimerKey {
    pub kind: TimerKind,
    pub subject: Uuid,
}

impl TimerKey {
    /// The timer of `kind` about one chat.
    pub fn of_chat(kind: TimerKind, chat: crate::ids::ChatId) -> TimerKey {
        TimerKey {
            kind,
            subject: chat.into(),
        }
    }
}

/// A timer that is due at `due_at`. `version` is the version of its subject's state when it was
/// set; the command it becomes carries it, and a compare-and-set on that version refuses it when
/// the state has changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub key: TimerKey,
    pub due_at: OffsetDateTime,
    pub version: u64,
}

/// What a decision does to the timers, applied in the transaction that stores the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerOp {
    /// Sets the timer, replacing one of the same key.
    Set(Timer),
    /// Removes the timer of this key, if there is one.
    Cancel(TimerKey),
    /// A timer of this key set against the subject's version `from`, if there is one, now
    /// belongs to version `to` (a change that does not touch what the timer waits for: a
    /// waiting chat moving to another routing step is still waiting for its patron).
    Carry { key: TimerKey, from: u64, to: u64 },
}

impl TimerOp {
    pub const fn key(&self) -> TimerKey {
        match self {
            TimerOp::Set(t) => t.key,
            TimerOp::Cancel(k) => *k,
            TimerOp::Carry { key, .. } => *key,
        }
    }
}
