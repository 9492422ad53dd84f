//! Who is asking, and what they may see. Every handler turns its caller into a `Principal` and
//! asks these functions; no other code decides visibility.

use crate::chat::Chat;
use crate::directory::{Role, User};
use crate::ids::{GuestId, InstitutionId, UserId};
use crate::message::Audience;

/// A signed-in staff member, with the institutions whose chats they may work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPrincipal {
    pub user: User,
    /// Institutions whose chats this person may see and claim: their own, plus (later) those of
    /// the co-ops they monitor.
    pub institutions: Vec<InstitutionId>,
}

impl StaffPrincipal {
    pub fn new(user: User) -> Self {
        let institutions = vec![user.institution_id];
        Self { user, institutions }
    }
    pub fn id(&self) -> UserId {
        self.user.id
    }
    pub fn has_role(&self, role: Role) -> bool {
        self.user.role >= role
    }
}

/// The caller of an API or the owner of a WebSocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Staff(StaffPrincipal),
    Patron { guest_id: GuestId },
}

impl Principal {
    pub const fn audience(&self) -> Audience {
        match self {
            Principal::Staff(_) => Audience::Staff,
            Principal::Patron { .. } => Audience::Patron,
        }
    }

    /// Whether this caller may see `chat` at all. A patron sees only their own chats; staff see
    /// the chats of the institutions they work for.
    pub fn may_view(&self, chat: &Chat) -> bool {
        match self {
            Principal::Patron { guest_id } => chat.guest_id == *guest_id,
            Principal::Staff(staff) => staff.institutions.contains(&chat.institution_id),
        }
    }
}
