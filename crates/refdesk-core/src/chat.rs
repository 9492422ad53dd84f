//! The chat lifecycle: waiting → active (claimed by one operator) → closed, or abandoned when the
//! patron leaves before anyone claims it. An active chat whose operator vanished goes back to
//! waiting. This module decides what is allowed; the store applies a decision as a
//! compare-and-set on the chat's version, so two operators can never both win a claim, and a
//! late timer or a stale request never applies to a chat that has moved on.

use crate::ids::{ChatId, CoopId, DepartmentId, GuestId, InstitutionId, UserId, WidgetId};
use crate::message::{Heads, MessageKind, Sender, Seq};
use crate::routing::{RouteReason, StepTarget};
use crate::text::{DisplayName, Email, MessageBody};
use crate::timer::TimerKind;

pub use crate::chat_event::ChatEvent;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The state column of a chat, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    Waiting,
    Active,
    Closed,
    Abandoned,
}

impl ChatStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ChatStatus::Waiting => "waiting",
            ChatStatus::Active => "active",
            ChatStatus::Closed => "closed",
            ChatStatus::Abandoned => "abandoned",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Waiting, Self::Active, Self::Closed, Self::Abandoned]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
    pub const fn is_open(self) -> bool {
        matches!(self, ChatStatus::Waiting | ChatStatus::Active)
    }
}

/// The state of a chat with the data that belongs to it: an active chat always has its operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChatState {
    Waiting,
    Active { operator: UserId },
    Closed,
    Abandoned,
}

impl ChatState {
    pub const fn status(&self) -> ChatStatus {
        match self {
            ChatState::Waiting => ChatStatus::Waiting,
            ChatState::Active { .. } => ChatStatus::Active,
            ChatState::Closed => ChatStatus::Closed,
            ChatState::Abandoned => ChatStatus::Abandoned,
        }
    }
    pub const fn operator(&self) -> Option<UserId> {
        match self {
            ChatState::Active { operator } => Some(*operator),
            _ => None,
        }
    }
    /// Rebuilds a state from its stored columns; `None` when they contradict each other.
    pub fn from_parts(status: ChatStatus, operator: Option<UserId>) -> Option<ChatState> {
        match (status, operator) {
            (ChatStatus::Waiting, None) => Some(ChatState::Waiting),
            (ChatStatus::Active, Some(operator)) => Some(ChatState::Active { operator }),
            (ChatStatus::Closed, None) => Some(ChatState::Closed),
            (ChatStatus::Abandoned, None) => Some(ChatState::Abandoned),
            _ => None,
        }
    }

    /// Decides a state-changing command. `Ok` carries the next state and what happened; the
    /// caller records the event in the chat's history in the same transaction as the change.
    pub fn decide(&self, command: ChatCommand) -> Result<Transition, Rejection> {
        use ChatState::*;
        let (next, event) = match (*self, command) {
            (Closed | Abandoned, _) => return Err(Rejection::ChatEnded),
            (Waiting, ChatCommand::Claim { operator }) => {
                (Active { operator }, ChatEvent::Claimed { operator })
            }
            (Active { operator: by }, ChatCommand::Claim { .. }) => {
                return Err(Rejection::AlreadyClaimed { by });
            }
            (
                Waiting,
                ChatCommand::Close {
                    by: Sender::Patron(_),
                },
            ) => (Abandoned, ChatEvent::Abandoned),
            (
                Active { .. },
                ChatCommand::Close {
                    by: Sender::Patron(_),
                },
            ) => (Closed, ChatEvent::ClosedByPatron),
            (
                Waiting,
                ChatCommand::Close {
                    by: Sender::Staff(operator),
                },
            ) => (Closed, ChatEvent::ClosedByStaff { operator }),
            (
                Active { operator },
                ChatCommand::Close {
                    by: Sender::Staff(by),
                },
            ) => {
                if operator != by {
                    return Err(Rejection::NotAssigned);
                }
                (Closed, ChatEvent::ClosedByStaff { operator })
            }
            (_, ChatCommand::Close { by: Sender::System }) => (Closed, ChatEvent::ClosedBySystem),
            (Active { operator }, ChatCommand::Requeue { operator: gone }) if operator == gone => {
                (Waiting, ChatEvent::Requeued { operator })
            }
            (_, ChatCommand::Requeue { .. }) => return Err(Rejection::NotAssigned),
            (
                Waiting,
                ChatCommand::Timeout {
                    kind: TimerKind::PatronAway,
                    ..
                },
            ) => (Abandoned, ChatEvent::PatronGone),
            (
                Active { operator },
                ChatCommand::Timeout {
                    kind: TimerKind::OperatorAway,
                    ..
                },
            ) => (Waiting, ChatEvent::Requeued { operator }),
            (_, ChatCommand::Timeout { .. }) => return Err(Rejection::Stale),
            (
                Waiting,
                ChatCommand::Route {
                    step,
                    target,
                    reason,
                    ..
                },
            ) => (
                Waiting,
                ChatEvent::Routed {
                    step,
                    target,
                    reason,
                },
            ),
            (Active { operator: by }, ChatCommand::Route { .. }) => {
                return Err(Rejection::AlreadyClaimed { by });
            }
            (Active { operator }, ChatCommand::Handover { from, to }) if operator == from => {
                (Active { operator: to }, ChatEvent::Transferred { from, to })
            }
            (_, ChatCommand::Handover { .. }) => return Err(Rejection::NotAssigned),
            // Whether they are in the chat is the chat's to say (`Chat::decide`).
            (Active { operator }, ChatCommand::Leave { operator: leaving })
                if operator != leaving =>
            {
                (Active { operator }, ChatEvent::Left { operator: leaving })
            }
            (_, ChatCommand::Leave { .. }) => return Err(Rejection::NotAssigned),
        };
        Ok(Transition {
            from: *self,
            to: next,
            event,
        })
    }

    /// Whether `sender` may add a message of `kind` to a chat in this state.
    pub fn may_send(&self, sender: Sender, kind: MessageKind) -> Result<(), Rejection> {
        match (sender, kind) {
            (Sender::Patron(_), MessageKind::Patron) => {
                if self.status().is_open() {
                    Ok(())
                } else {
                    Err(Rejection::ChatEnded)
                }
            }
            (Sender::Staff(user), MessageKind::Operator) => match self {
                ChatState::Active { operator } if *operator == user => Ok(()),
                ChatState::Active { .. } | ChatState::Waiting => Err(Rejection::NotAssigned),
                ChatState::Closed | ChatState::Abandoned => Err(Rejection::ChatEnded),
            },
            // Staff may annotate a chat in any state: notes are how handoffs are explained.
            (Sender::Staff(_), MessageKind::InternalNote) => Ok(()),
            _ => Err(Rejection::WrongSender),
        }
    }
}

/// A request to change a chat's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatCommand {
    /// An operator takes a waiting chat.
    Claim { operator: UserId },
    /// The patron ends the chat, or staff close it.
    Close { by: Sender },
    /// The assigned operator vanished past the grace period: the chat goes back to the queue.
    Requeue { operator: UserId },
    /// A timer of this chat is due. `version` is the chat's version when it was set: if the chat
    /// has changed since, the timer is stale and changes nothing.
    Timeout { kind: TimerKind, version: u64 },
    /// A waiting chat moves on to `step` of its widget's routing plan. `version` is the chat's
    /// version this was decided on: a claim that came first wins.
    Route {
        step: u32,
        target: StepTarget,
        reason: RouteReason,
        version: u64,
    },
    /// An accepted transfer: the chat passes from the operator holding it to `to`; `from`
    /// stays in it beside them until they leave.
    Handover { from: UserId, to: UserId },
    /// A librarian who handed the chat over (a companion) leaves it.
    Leave { operator: UserId },
}

/// An allowed state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: ChatState,
    pub to: ChatState,
    pub event: ChatEvent,
}

impl Transition {
    /// Who answered the chat after this change, given who had before: the operator it goes
    /// to, or else the one it had (ending or requeueing a chat keeps who answered it). Stores
    /// keep `Chat::answered_by` by this rule.
    pub fn answered_by(&self, before: Option<UserId>) -> Option<UserId> {
        self.to.operator().or(before)
    }
}

/// Why a chat command was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the chat was already claimed")]
    AlreadyClaimed { by: UserId },
    #[error("the chat has ended")]
    ChatEnded,
    #[error("the chat is not assigned to you")]
    NotAssigned,
    #[error("this sender may not write this kind of message")]
    WrongSender,
    #[error("the chat has changed since this was decided")]
    Stale,
}

impl Rejection {
    /// The stable error code of the API.
    pub const fn code(&self) -> &'static str {
        match self {
            Rejection::AlreadyClaimed { .. } => "already_claimed",
            Rejection::ChatEnded => "chat_ended",
            Rejection::NotAssigned => "not_assigned",
            Rejection::WrongSender => "forbidden",
            Rejection::Stale => "stale",
        }
    }
}

/// A chat with what the patron told us and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    pub id: ChatId,
    pub institution_id: InstitutionId,
    pub department_id: DepartmentId,
    pub widget_id: WidgetId,
    pub guest_id: GuestId,
    pub state: ChatState,
    pub patron_name: Option<DisplayName>,
    pub patron_email: Option<Email>,
    pub question: Option<MessageBody>,
    /// The page the chat box was opened on, with its query string stripped.
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    /// The patron's address as the institution's policy keeps it (see
    /// [`crate::privacy::stored_ip`]).
    #[serde(default)]
    pub patron_ip: Option<String>,
    pub created_at: OffsetDateTime,
    pub claimed_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub last_seq: Seq,
    /// The last patron sequence number (see [`crate::message`]): what the patron has seen.
    #[serde(default)]
    pub last_patron_seq: Seq,
    /// Counts the chat's state changes: 1 when it starts, one more per transition. Every change
    /// is a compare-and-set on it.
    pub version: u64,
    /// The last operator who held the chat, kept after it ends (who answered it), set by the
    /// store with each transition to an operator.
    #[serde(default)]
    pub answered_by: Option<UserId>,
    /// The step of its widget's routing plan the chat has reached (0: the widget's department).
    #[serde(default)]
    pub step: u32,
    /// The co-op it is offered to, while its step is a co-op.
    #[serde(default)]
    pub coop_id: Option<CoopId>,
    /// Librarians who handed the chat over and have not left it yet: they still see and write
    /// in it beside its operator (sorted, no repeats).
    #[serde(default)]
    pub companions: Vec<UserId>,
}

impl Chat {
    /// Whether `user` is in this active chat: its operator, or a companion.
    pub fn is_in(&self, user: UserId) -> bool {
        self.state.operator() == Some(user)
            || (self.state.status() == ChatStatus::Active && self.companions.contains(&user))
    }

    /// Whether `sender` may add a message of `kind` to this chat: as [`ChatState::may_send`],
    /// but a companion may write to the patron too while the chat is active, and while it is
    /// active only the staff in it (its operator and companions) write notes in it.
    pub fn may_send(&self, sender: Sender, kind: MessageKind) -> Result<(), Rejection> {
        match (self.state.may_send(sender, kind), sender, kind) {
            (Err(Rejection::NotAssigned), Sender::Staff(u), MessageKind::Operator)
                if self.is_in(u) =>
            {
                Ok(())
            }
            (Ok(()), Sender::Staff(u), MessageKind::InternalNote)
                if self.state.status() == ChatStatus::Active && !self.is_in(u) =>
            {
                Err(Rejection::NotAssigned)
            }
            (result, _, _) => result,
        }
    }

    /// The companions after `event`: a handover adds the librarian who handed over (and drops
    /// the receiver), leaving drops one, and a chat back in the queue has none.
    pub fn companions_after(&self, event: &ChatEvent) -> Option<Vec<UserId>> {
        let mut next = self.companions.clone();
        match *event {
            ChatEvent::Transferred { from, to } => {
                next.retain(|u| *u != to);
                next.push(from);
                next.sort();
                next.dedup();
            }
            ChatEvent::Left { operator } => next.retain(|u| *u != operator),
            ChatEvent::Requeued { .. } => next.clear(),
            _ => return None,
        }
        (next != self.companions).then_some(next)
    }

    /// The chat's stream heads.
    pub const fn heads(&self) -> Heads {
        Heads {
            seq: self.last_seq,
            patron_seq: self.last_patron_seq,
        }
    }
}

/// The longest referring URL a chat accepts, in characters (before its query is stripped).
pub const MAX_REFERRER_CHARS: usize = 2000;

/// Why a referring URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferrerError {
    #[error("referrer must be an http or https URL")]
    NotHttp,
    #[error("referrer is longer than 2000 characters")]
    TooLong,
}

/// Checks a referring URL as [`strip_referrer`] does, and keeps its query string and fragment
/// only when the institution's policy says so.
pub fn referrer_for(
    url: &str,
    query: crate::policy::ReferrerQuery,
) -> Result<String, ReferrerError> {
    let stripped = strip_referrer(url)?;
    Ok(match query {
        crate::policy::ReferrerQuery::Stripped => stripped,
        crate::policy::ReferrerQuery::Kept => url.to_owned(),
    })
}

/// Checks a referring URL (an `http(s)://` URL of at most [`MAX_REFERRER_CHARS`], no control
/// characters) and strips its query string and fragment (they may carry patron identifiers).
pub fn strip_referrer(url: &str) -> Result<String, ReferrerError> {
    if url.chars().count() > MAX_REFERRER_CHARS {
        return Err(ReferrerError::TooLong);
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(ReferrerError::NotHttp)?;
    if rest.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ReferrerError::NotHttp);
    }
    let end = url.find(['?', '#']).unwrap_or(url.len());
    Ok(url[..end].to_owned())
}

#[cfg(test)]
#[path = "chat_tests.rs"]
pub(crate) mod tests;
