//! What happened to a chat: the typed events of its history (one per state change, stored with
//! it), and the words each reader sees for one, rendered when it is shown.

use crate::ids::UserId;
use crate::routing::{RouteReason, StepTarget};
use serde::{Deserialize, Serialize};

/// What happened to a chat: one typed row of its history per state change, stored with the
/// change. The words people read are rendered from it when it is shown ([`ChatEvent::describe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ChatEvent {
    /// The patron started the chat; it waits in its department's queue.
    Started,
    Claimed {
        operator: UserId,
    },
    ClosedByPatron,
    ClosedByStaff {
        operator: UserId,
    },
    ClosedBySystem,
    /// The patron ended the chat before anyone answered.
    Abandoned,
    /// The patron's chat box was away past the grace period before anyone answered.
    PatronGone,
    Requeued {
        operator: UserId,
    },
    /// The chat moved on to a step of its routing plan.
    Routed {
        step: u32,
        target: StepTarget,
        reason: RouteReason,
    },
    /// A transfer was accepted: `to` holds the chat now.
    Transferred {
        from: UserId,
        to: UserId,
    },
    /// A librarian who had handed the chat over left it.
    Left {
        operator: UserId,
    },
}

impl ChatEvent {
    pub const fn kind(&self) -> &'static str {
        match self {
            ChatEvent::Started => "started",
            ChatEvent::Claimed { .. } => "claimed",
            ChatEvent::ClosedByPatron => "closed_by_patron",
            ChatEvent::ClosedByStaff { .. } => "closed_by_staff",
            ChatEvent::ClosedBySystem => "closed_by_system",
            ChatEvent::Abandoned => "abandoned",
            ChatEvent::PatronGone => "patron_gone",
            ChatEvent::Requeued { .. } => "requeued",
            ChatEvent::Routed { .. } => "routed",
            ChatEvent::Transferred { .. } => "transferred",
            ChatEvent::Left { .. } => "left",
        }
    }

    /// Whether the event appears in the conversation as a system line (a start does not: the
    /// patron's question opens the conversation).
    pub const fn shown_in_conversation(&self) -> bool {
        !matches!(self, ChatEvent::Started)
    }

    /// The system line shown in the conversation; `name` is the operator's name as this reader
    /// may see it (for a routing step, the name of where the chat went), `audience` who reads
    /// it.
    pub fn describe(&self, name: &str, audience: crate::message::Audience) -> String {
        match self {
            ChatEvent::Started => "The patron started the chat.".to_owned(),
            ChatEvent::Claimed { .. } => format!("{name} joined the chat."),
            ChatEvent::ClosedByPatron => "The patron ended the chat.".to_owned(),
            ChatEvent::ClosedByStaff { .. } => format!("{name} closed the chat."),
            ChatEvent::ClosedBySystem => "The chat was closed.".to_owned(),
            ChatEvent::Abandoned => "The patron left before the chat was answered.".to_owned(),
            ChatEvent::PatronGone => {
                "The chat box was closed before the chat was answered.".to_owned()
            }
            ChatEvent::Requeued { .. } => match audience {
                crate::message::Audience::Staff => {
                    format!("{name} lost their connection; the chat went back to the queue.")
                }
                crate::message::Audience::Patron => {
                    format!("{name} was disconnected. A librarian will be with you shortly.")
                }
            },
            ChatEvent::Routed { reason, .. } => match audience {
                crate::message::Audience::Staff => match reason {
                    RouteReason::Unstaffed => {
                        format!("Nobody was monitoring; the chat was offered to {name}.")
                    }
                    RouteReason::Waited => {
                        format!("The chat waited unanswered; it was offered to {name}.")
                    }
                },
                crate::message::Audience::Patron => {
                    "Your question has been passed on to more librarians; the first one free \
                     will answer you."
                        .to_owned()
                }
            },
            ChatEvent::Transferred { .. } => format!("{name} joined the chat."),
            ChatEvent::Left { .. } => format!("{name} left the chat."),
        }
    }
    pub const fn operator(&self) -> Option<UserId> {
        match self {
            ChatEvent::Claimed { operator }
            | ChatEvent::ClosedByStaff { operator }
            | ChatEvent::Requeued { operator }
            | ChatEvent::Transferred { to: operator, .. }
            | ChatEvent::Left { operator } => Some(*operator),
            _ => None,
        }
    }
}
