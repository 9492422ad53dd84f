//! Who is asking, and what they may see. Every handler turns its caller into a `Principal` and
//! asks these functions; no other code decides visibility.
//!
//! Staff rights are [`Grant`]s, each scoped to an institution, a department or a co-op, rather
//! than one linear order of roles. The server evaluates a staff member's grants from the store
//! (when they sign in, and again whenever their grants or their monitoring change while a socket
//! is open) with [`StaffPrincipal::evaluate`]; what the grants let them see is computed once,
//! there. A co-op's chats (those its members' routing plans have offered to it) are seen only
//! while the co-op is monitored (a grant says one *may* monitor it; [`crate::monitoring`] says
//! one *does*); nothing else of its member institutions is.

use crate::chat::Chat;
use crate::directory::{Role, User};
use crate::ids::{CoopId, DepartmentId, GuestId, InstitutionId, UserId};
use crate::message::Audience;
use serde::{Deserialize, Serialize};

/// One right of a staff member, with its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "grant", content = "scope", rename_all = "snake_case")]
pub enum Grant {
    /// Sees and answers the chats of this institution.
    InstitutionStaff(InstitutionId),
    /// Manages this institution (its departments, widgets and staff); sees its chats.
    InstitutionAdmin(InstitutionId),
    /// Manages this co-op.
    CoopAdmin(CoopId),
    /// Monitors this department's queue: sees and answers its chats.
    MonitorDepartment(DepartmentId),
    /// Monitors the queues of every institution of this co-op.
    MonitorCoop(CoopId),
    /// Runs the installation.
    SystemAdmin,
}

impl Grant {
    pub const fn kind(&self) -> &'static str {
        match self {
            Grant::InstitutionStaff(_) => "institution_staff",
            Grant::InstitutionAdmin(_) => "institution_admin",
            Grant::CoopAdmin(_) => "coop_admin",
            Grant::MonitorDepartment(_) => "monitor_department",
            Grant::MonitorCoop(_) => "monitor_coop",
            Grant::SystemAdmin => "system_admin",
        }
    }
    /// The id of the scope (`None` for a system-wide grant).
    pub fn scope(&self) -> Option<uuid::Uuid> {
        match self {
            Grant::InstitutionStaff(i) | Grant::InstitutionAdmin(i) => Some((*i).into()),
            Grant::CoopAdmin(c) | Grant::MonitorCoop(c) => Some((*c).into()),
            Grant::MonitorDepartment(d) => Some((*d).into()),
            Grant::SystemAdmin => None,
        }
    }
    /// Rebuilds a grant from its stored kind and scope.
    pub fn from_parts(kind: &str, scope: Option<uuid::Uuid>) -> Option<Grant> {
        Some(match (kind, scope) {
            ("institution_staff", Some(s)) => Grant::InstitutionStaff(s.into()),
            ("institution_admin", Some(s)) => Grant::InstitutionAdmin(s.into()),
            ("coop_admin", Some(s)) => Grant::CoopAdmin(s.into()),
            ("monitor_department", Some(s)) => Grant::MonitorDepartment(s.into()),
            ("monitor_coop", Some(s)) => Grant::MonitorCoop(s.into()),
            ("system_admin", None) => Grant::SystemAdmin,
            _ => return None,
        })
    }

    /// The grants every account has by its own row: staff of its institution, and its role
    /// scoped to that institution (or the installation).
    pub fn of_account(user: &User) -> Vec<Grant> {
        let mut grants = vec![Grant::InstitutionStaff(user.institution_id)];
        match user.role {
            Role::Operator | Role::CoopAdmin => {}
            Role::InstitutionAdmin => grants.push(Grant::InstitutionAdmin(user.institution_id)),
            Role::SystemAdmin => grants.push(Grant::SystemAdmin),
        }
        grants
    }
}

/// A signed-in staff member, with their grants and what those let them see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPrincipal {
    pub user: User,
    pub grants: Vec<Grant>,
    /// Institutions whose chats this person may see and claim (sorted, no repeats).
    pub institutions: Vec<InstitutionId>,
    /// Members of the co-ops they are monitoring now, whose staff they may write to (sorted,
    /// no repeats). Their chats are seen only once offered to the co-op.
    pub coop_institutions: Vec<InstitutionId>,
    /// Departments monitored on their own, beyond whole institutions (sorted, no repeats).
    pub departments: Vec<DepartmentId>,
    /// Co-ops this person may monitor (sorted, no repeats).
    pub coops: Vec<CoopId>,
    /// Of those, the co-ops they are monitoring now: the chats offered to them are seen
    /// (sorted, no repeats).
    pub monitored_coops: Vec<CoopId>,
}

impl StaffPrincipal {
    /// Evaluates `user`'s rights: the grants of their account row plus `stored` grants;
    /// `coop_members` lists the institutions of every co-op a grant names; `monitoring` is the
    /// co-ops they have switched Online (any they may not monitor are ignored).
    pub fn evaluate(
        user: User,
        stored: &[Grant],
        coop_members: &[(CoopId, InstitutionId)],
        monitoring: &[CoopId],
    ) -> Self {
        let mut grants = Grant::of_account(&user);
        grants.extend_from_slice(stored);
        grants.sort();
        grants.dedup();
        let mut institutions = Vec::new();
        let mut coop_institutions = Vec::new();
        let mut departments = Vec::new();
        let mut coops = Vec::new();
        let mut monitored_coops = Vec::new();
        for g in &grants {
            match *g {
                Grant::InstitutionStaff(i) | Grant::InstitutionAdmin(i) => institutions.push(i),
                Grant::MonitorCoop(c) => {
                    coops.push(c);
                    if !monitoring.contains(&c) {
                        continue;
                    }
                    monitored_coops.push(c);
                    coop_institutions.extend(
                        coop_members
                            .iter()
                            .filter(|(coop, _)| *coop == c)
                            .map(|(_, i)| *i),
                    );
                }
                Grant::MonitorDepartment(d) => departments.push(d),
                Grant::CoopAdmin(_) | Grant::SystemAdmin => {}
            }
        }
        institutions.sort();
        institutions.dedup();
        coop_institutions.sort();
        coop_institutions.dedup();
        departments.sort();
        departments.dedup();
        Self {
            user,
            grants,
            institutions,
            coop_institutions,
            departments,
            coops,
            monitored_coops,
        }
    }

    /// The rights of an account with no stored grants.
    pub fn new(user: User) -> Self {
        Self::evaluate(user, &[], &[], &[])
    }

    /// Whether this person may switch monitoring of `coop` on.
    pub fn may_monitor_coop(&self, coop: CoopId) -> bool {
        self.coops.binary_search(&coop).is_ok()
    }

    pub fn id(&self) -> UserId {
        self.user.id
    }
    pub fn has(&self, grant: Grant) -> bool {
        self.grants.contains(&grant)
    }
    /// Whether this person sees the queue of `department` of `institution`.
    pub fn sees_queue(&self, institution: InstitutionId, department: DepartmentId) -> bool {
        self.institutions.binary_search(&institution).is_ok()
            || self.departments.binary_search(&department).is_ok()
    }

    /// Whether this person sees `chat` in a queue: its institution's or department's, or,
    /// while it is open, the co-op's it is offered to while they monitor that co-op (a
    /// co-op's monitors do not read its members' past chats).
    pub fn sees_chat(&self, chat: &Chat) -> bool {
        self.sees_queue(chat.institution_id, chat.department_id)
            || (chat.state.status().is_open()
                && chat
                    .coop_id
                    .is_some_and(|c| self.monitored_coops.binary_search(&c).is_ok()))
    }
}

/// The caller of an API or the owner of a WebSocket.
// One per request or socket, matched on everywhere: boxing the staff side would cost every
// match an indirection to save a few hundred bytes per connection.
#[allow(clippy::large_enum_variant)]
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
    /// the chats of the queues their grants cover, the chat they are assigned to, and one they
    /// handed over and have not left.
    pub fn may_view(&self, chat: &Chat) -> bool {
        match self {
            Principal::Patron { guest_id } => chat.guest_id == *guest_id,
            // The operator holding it, and who answered it last (their own transcript).
            Principal::Staff(staff) => {
                staff.sees_chat(chat)
                    || chat.state.operator() == Some(staff.id())
                    || chat.answered_by == Some(staff.id())
                    || chat.companions.contains(&staff.id())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{DisplayName, Email};
    use uuid::Uuid;

    fn user(role: Role) -> User {
        User {
            id: Uuid::from_u128(1).into(),
            institution_id: Uuid::from_u128(10).into(),
            email: Email::parse("a@b.example").unwrap(),
            name: DisplayName::parse("Alice Smith").unwrap(),
            role,
        }
    }

    #[test]
    fn grants_are_scoped_and_evaluated() {
        let coop = CoopId::from(Uuid::from_u128(50));
        let other = InstitutionId::from(Uuid::from_u128(11));
        let dept = DepartmentId::from(Uuid::from_u128(70));
        let grants = [Grant::MonitorCoop(coop), Grant::MonitorDepartment(dept)];
        let members = [(coop, other), (coop, Uuid::from_u128(10).into())];
        // May monitor the co-op, but is not monitoring it: its members' chats stay out of view.
        let off = StaffPrincipal::evaluate(user(Role::Operator), &grants, &members, &[]);
        assert_eq!(off.institutions, vec![Uuid::from_u128(10).into()]);
        assert!(off.may_monitor_coop(coop) && off.monitored_coops.is_empty());
        assert!(off.coop_institutions.is_empty());
        let p = StaffPrincipal::evaluate(user(Role::Operator), &grants, &members, &[coop]);
        // Monitoring it: the other member's staff may be written to, but its queues are not
        // seen (only chats offered to the co-op are).
        assert_eq!(p.institutions, vec![Uuid::from_u128(10).into()]);
        assert_eq!(p.coop_institutions, vec![Uuid::from_u128(10).into(), other]);
        assert_eq!(p.monitored_coops, vec![coop]);
        // Monitoring a co-op one has no grant for changes nothing.
        let stray = CoopId::from(Uuid::from_u128(51));
        let q = StaffPrincipal::evaluate(user(Role::Operator), &[], &members, &[coop, stray]);
        assert_eq!(q.institutions, vec![Uuid::from_u128(10).into()]);
        assert!(q.monitored_coops.is_empty());
        assert!(p.sees_queue(Uuid::from_u128(99).into(), dept));
        assert!(!p.has(Grant::InstitutionAdmin(Uuid::from_u128(10).into())));
        let admin = StaffPrincipal::new(user(Role::InstitutionAdmin));
        assert!(admin.has(Grant::InstitutionAdmin(Uuid::from_u128(10).into())));
        assert!(!admin.has(Grant::SystemAdmin));
    }

    #[test]
    fn grant_parts_round_trip() {
        for g in [
            Grant::InstitutionStaff(Uuid::from_u128(1).into()),
            Grant::InstitutionAdmin(Uuid::from_u128(1).into()),
            Grant::CoopAdmin(Uuid::from_u128(1).into()),
            Grant::MonitorDepartment(Uuid::from_u128(1).into()),
            Grant::MonitorCoop(Uuid::from_u128(1).into()),
            Grant::SystemAdmin,
        ] {
            assert_eq!(Grant::from_parts(g.kind(), g.scope()), Some(g));
        }
        assert_eq!(Grant::from_parts("system_admin", Some(Uuid::nil())), None);
    }
}
