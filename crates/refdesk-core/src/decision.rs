//! Decisions: what one command does to one chat at one instant. `Chat::decide` answers with
//! the next state, the history event and the timers to set or cancel; the store applies the
//! whole decision as one compare-and-set on the chat's version. The grace timers a chat's
//! participants leaving or returning set and cancel are decided here too.

use crate::chat::{Chat, ChatCommand, ChatEvent, ChatState, Rejection, Transition};
use crate::ids::{ChatId, DepartmentId, InstitutionId, UserId};
use crate::timer::{Timer, TimerKey, TimerKind, TimerOp};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How long the lifecycle's grace periods last (settings, passed in with every decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long a waiting chat stays in the queue with no chat box of its patron connected.
    pub patron_grace: Duration,
    /// How long an active chat stays with an operator who has no dashboard connected.
    pub operator_grace: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            patron_grace: Duration::minutes(2),
            operator_grace: Duration::seconds(60),
        }
    }
}

/// A decided change of one chat, to be stored as one compare-and-set on `from_version`: the new
/// state, the history event (stored as version `from_version + 1`), and the timers to set or
/// cancel, all in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub chat_id: ChatId,
    pub from_version: u64,
    pub transition: Transition,
    pub at: OffsetDateTime,
    pub timers: Vec<TimerOp>,
    /// Where the chat is offered from now on, when the decision moves it to another step.
    pub placement: Option<Placement>,
    /// The chat's companions from now on, when the decision changes them.
    pub companions: Option<Vec<UserId>>,
    /// Whether a pending transfer of the chat is cancelled with this change: the chat left the
    /// librarian holding it, who alone may have offered one (it ended, went back to the queue
    /// or changed hands).
    pub ends_transfer: bool,
}

/// Where a waiting chat is offered: its routing step, its department, and the co-op while its
/// step is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub step: u32,
    pub department_id: DepartmentId,
    pub coop_id: Option<crate::ids::CoopId>,
}

impl Decision {
    pub const fn event(&self) -> ChatEvent {
        self.transition.event
    }
    pub const fn to_version(&self) -> u64 {
        self.from_version + 1
    }
}

/// One stored row of a chat's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatHistoryEntry {
    pub chat_id: ChatId,
    /// The chat's version this event made (1 for `Started`).
    pub version: u64,
    pub at: OffsetDateTime,
    pub event: ChatEvent,
    pub institution_id: InstitutionId,
    pub department_id: DepartmentId,
}

impl Chat {
    /// Decides `command` at `now`: the next state, its history event and the timers it sets or
    /// cancels. The store applies the decision only if the chat is still at `self.version`.
    pub fn decide(&self, now: OffsetDateTime, command: ChatCommand) -> Result<Decision, Rejection> {
        if let ChatCommand::Timeout { version, .. } | ChatCommand::Route { version, .. } = command
            && version != self.version
        {
            return Err(Rejection::Stale);
        }
        if let ChatCommand::Leave { operator } = command
            && !self.companions.contains(&operator)
            && self.state.status().is_open()
        {
            return Err(Rejection::NotAssigned);
        }
        let transition = self.state.decide(command)?;
        let cancel = |kinds: &[TimerKind]| -> Vec<TimerOp> {
            kinds
                .iter()
                .map(|k| TimerOp::Cancel(self.timer_key(*k)))
                .collect()
        };
        let timers = match transition.to {
            // Claimed: nobody waits for the patron to come back, or routes the chat on, any more.
            ChatState::Active { .. } => cancel(&[
                TimerKind::PatronAway,
                TimerKind::RouteStep,
                TimerKind::Realert,
            ]),
            // Moved to another step, the chat still waits for its patron to come back.
            ChatState::Waiting if matches!(command, ChatCommand::Route { .. }) => {
                vec![TimerOp::Carry {
                    key: self.timer_key(TimerKind::PatronAway),
                    from: self.version,
                    to: self.version + 1,
                }]
            }
            ChatState::Waiting => cancel(&[TimerKind::OperatorAway]),
            ChatState::Closed | ChatState::Abandoned => cancel(&TimerKind::OF_CHAT),
        };
        let placement = match transition.event {
            ChatEvent::Routed { step, target, .. } => Some(Placement {
                step,
                department_id: target.department().unwrap_or(self.department_id),
                coop_id: target.coop(),
            }),
            _ => None,
        };
        Ok(Decision {
            chat_id: self.id,
            from_version: self.version,
            transition,
            at: now,
            timers,
            placement,
            companions: self.companions_after(&transition.event),
            ends_transfer: transition.from.operator().is_some()
                && transition.from.operator() != transition.to.operator(),
        })
    }

    /// The name of this chat's timer of `kind`.
    pub fn timer_key(&self, kind: TimerKind) -> TimerKey {
        TimerKey::of_chat(kind, self.id)
    }

    /// The patron's last chat box went away: a waiting chat is abandoned after the grace period
    /// unless they come back. Nothing for a chat that is not waiting.
    pub fn patron_left(&self, now: OffsetDateTime, timing: &Timing) -> Option<TimerOp> {
        (self.state == ChatState::Waiting).then(|| {
            TimerOp::Set(Timer {
                key: self.timer_key(TimerKind::PatronAway),
                due_at: now + timing.patron_grace,
                version: self.version,
            })
        })
    }

    /// The patron's chat box is connected again.
    pub fn patron_returned(&self) -> TimerOp {
        TimerOp::Cancel(self.timer_key(TimerKind::PatronAway))
    }

    /// `operator`'s last dashboard went away: if they hold this chat, it goes back to the queue
    /// after the grace period unless they come back.
    pub fn operator_left(
        &self,
        operator: UserId,
        now: OffsetDateTime,
        timing: &Timing,
    ) -> Option<TimerOp> {
        (self.state.operator() == Some(operator)).then(|| {
            TimerOp::Set(Timer {
                key: self.timer_key(TimerKind::OperatorAway),
                due_at: now + timing.operator_grace,
                version: self.version,
            })
        })
    }

    /// The operator's dashboard is connected again.
    pub fn operator_returned(&self) -> TimerOp {
        TimerOp::Cancel(self.timer_key(TimerKind::OperatorAway))
    }

    /// The command a due timer of this chat becomes.
    pub const fn timeout(timer: &Timer) -> ChatCommand {
        ChatCommand::Timeout {
            kind: timer.key.kind,
            version: timer.version,
        }
    }
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
