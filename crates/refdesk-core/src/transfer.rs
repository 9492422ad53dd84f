//! Transfers: one librarian handing a chat to another. A transfer is offered by the operator
//! who holds the chat, to an operator, a department or a co-op; it is then accepted (the chat
//! changes hands), declined (by the operator it was offered to), left to expire (it returns to
//! the sender with an alert) or cancelled by the sender. Nothing else ends it: in particular a
//! message from the sender while it is pending changes nothing (LibraryH3lp re-claims the chat
//! then, and the receiver can no longer answer). When the chat itself ends or goes back to the
//! queue, a pending transfer is cancelled with it, so none is ever left pending on an ended
//! chat.
//!
//! Accepting is two compare-and-sets the store applies together: the transfer's own version
//! (so one receiver wins when the target is a queue) and the chat's (so the chat is still the
//! sender's when it changes hands, `ChatCommand::Handover`).

use crate::chat::{Chat, ChatCommand, ChatState};
use crate::ids::{ChatId, CoopId, DepartmentId, TransferId, UserId};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Whom a chat is offered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum TransferTarget {
    /// One librarian (of the patron's library, or elsewhere in its co-op).
    Operator(UserId),
    /// Any monitor of a department of the patron's library.
    Department(DepartmentId),
    /// Any monitor of a co-op the patron's library belongs to.
    Coop(CoopId),
}

/// Where a transfer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TransferState {
    Offered,
    Accepted {
        by: UserId,
    },
    Declined {
        by: UserId,
    },
    /// Nobody accepted in time: back to the sender, with an alert.
    Expired,
    /// The sender took it back, or the chat ended or went back to the queue.
    Cancelled,
}

impl TransferState {
    pub const fn is_pending(&self) -> bool {
        matches!(self, TransferState::Offered)
    }
    pub const fn as_str(&self) -> &'static str {
        match self {
            TransferState::Offered => "offered",
            TransferState::Accepted { .. } => "accepted",
            TransferState::Declined { .. } => "declined",
            TransferState::Expired => "expired",
            TransferState::Cancelled => "cancelled",
        }
    }
    /// Who accepted or declined it.
    pub const fn by(&self) -> Option<UserId> {
        match self {
            TransferState::Accepted { by } | TransferState::Declined { by } => Some(*by),
            _ => None,
        }
    }
}

/// A transfer of one chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub id: TransferId,
    pub chat_id: ChatId,
    pub from: UserId,
    pub target: TransferTarget,
    /// For the receiver, from the sender.
    pub note: Option<String>,
    pub state: TransferState,
    /// Counts the transfer's changes: 1 when offered.
    pub version: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub offered_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// What may happen to a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferCommand {
    /// `by` accepts. `eligible`: they are one of the target's receivers (the operator offered
    /// to, or a monitor of the department or co-op), as the caller's grants and monitoring say.
    Accept {
        by: UserId,
        eligible: bool,
    },
    Decline {
        by: UserId,
    },
    Cancel {
        by: UserId,
    },
    /// Its expiry timer is due; `version` is the transfer's version when it was set.
    Expire {
        version: u64,
    },
    /// The chat ended, or went back to the queue: a pending transfer goes with it.
    ChatLeftSender,
}

/// Why a transfer command was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransferRejection {
    #[error("only the librarian holding the chat may transfer it")]
    NotHolder,
    #[error("the chat already has a transfer pending")]
    AlreadyPending,
    #[error("a chat cannot be transferred to the librarian who holds it")]
    ToSelf,
    #[error("the transfer is no longer pending")]
    NotPending,
    #[error("this transfer is not offered to you")]
    NotForYou,
    #[error("only the librarian who offered the transfer may cancel it")]
    NotSender,
    #[error("the transfer has changed since this was decided")]
    Stale,
}

impl TransferRejection {
    pub const fn code(&self) -> &'static str {
        match self {
            TransferRejection::NotHolder => "not_assigned",
            TransferRejection::AlreadyPending => "transfer_pending",
            TransferRejection::ToSelf => "invalid_body",
            TransferRejection::NotPending => "transfer_ended",
            TransferRejection::NotForYou | TransferRejection::NotSender => "forbidden",
            TransferRejection::Stale => "stale",
        }
    }
}

/// A decided change of a transfer, applied as a compare-and-set on `from_version`, with the
/// chat command to apply with it (a handover on accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferDecision {
    pub from_version: u64,
    pub to: TransferState,
    pub chat: Option<ChatCommand>,
}

impl Transfer {
    /// Offers `chat` to `target`. Only its operator may, only while no other transfer of it is
    /// pending (`pending`), and not to themselves.
    #[allow(clippy::too_many_arguments)]
    pub fn offer(
        id: TransferId,
        chat: &Chat,
        from: UserId,
        target: TransferTarget,
        note: Option<String>,
        pending: Option<&Transfer>,
        now: OffsetDateTime,
        timeout: Duration,
    ) -> Result<Transfer, TransferRejection> {
        if chat.state != (ChatState::Active { operator: from }) {
            return Err(TransferRejection::NotHolder);
        }
        if pending.is_some_and(|t| t.state.is_pending()) {
            return Err(TransferRejection::AlreadyPending);
        }
        if target == TransferTarget::Operator(from) {
            return Err(TransferRejection::ToSelf);
        }
        Ok(Transfer {
            id,
            chat_id: chat.id,
            from,
            target,
            note,
            state: TransferState::Offered,
            version: 1,
            offered_at: now,
            expires_at: now + timeout,
        })
    }

    /// Decides `command` on this transfer of `chat`.
    pub fn decide(
        &self,
        chat: &Chat,
        command: TransferCommand,
    ) -> Result<TransferDecision, TransferRejection> {
        if !self.state.is_pending() {
            return Err(TransferRejection::NotPending);
        }
        let (to, chat_command) = match command {
            TransferCommand::Accept { by, eligible } => {
                let offered_to_them = match self.target {
                    TransferTarget::Operator(u) => u == by,
                    TransferTarget::Department(_) | TransferTarget::Coop(_) => eligible,
                };
                if !offered_to_them || by == self.from {
                    return Err(TransferRejection::NotForYou);
                }
                if chat.state
                    != (ChatState::Active {
                        operator: self.from,
                    })
                {
                    // The chat left the sender (ended, requeued) and the transfer with it.
                    return Err(TransferRejection::Stale);
                }
                (
                    TransferState::Accepted { by },
                    Some(ChatCommand::Handover {
                        from: self.from,
                        to: by,
                    }),
                )
            }
            TransferCommand::Decline { by } => match self.target {
                TransferTarget::Operator(u) if u == by => (TransferState::Declined { by }, None),
                // Offered to a queue, it stays offered to the others.
                _ => return Err(TransferRejection::NotForYou),
            },
            TransferCommand::Cancel { by } if by == self.from => (TransferState::Cancelled, None),
            TransferCommand::Cancel { .. } => return Err(TransferRejection::NotSender),
            TransferCommand::Expire { version } if version == self.version => {
                (TransferState::Expired, None)
            }
            TransferCommand::Expire { .. } => return Err(TransferRejection::Stale),
            TransferCommand::ChatLeftSender => (TransferState::Cancelled, None),
        };
        Ok(TransferDecision {
            from_version: self.version,
            to,
            chat: chat_command,
        })
    }

    /// Whether `staff` is one of the receivers of this transfer of a chat of `institution`: the
    /// operator it is offered to, a librarian who sees the department's queue, or a monitor
    /// of the co-op (now). The sender never is.
    pub fn is_offered_to(
        &self,
        staff: &crate::access::StaffPrincipal,
        institution: crate::ids::InstitutionId,
    ) -> bool {
        staff.id() != self.from
            && match self.target {
                TransferTarget::Operator(u) => u == staff.id(),
                TransferTarget::Department(d) => staff.sees_queue(institution, d),
                TransferTarget::Coop(c) => staff.monitored_coops.binary_search(&c).is_ok(),
            }
    }

    /// The transfer after `decision` (as the store applies it).
    pub fn after(&self, decision: &TransferDecision) -> Transfer {
        Transfer {
            state: decision.to,
            version: self.version + 1,
            ..self.clone()
        }
    }
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
