//! The directory: who and what exists. Institutions own departments (queues), widgets (chat
//! boxes) and staff; co-ops group institutions that answer each other's patrons.

use crate::ids::{CoopId, DepartmentId, GuestId, InstitutionId, UserId, WidgetId};
use crate::text::{DisplayName, Email};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub id: InstitutionId,
    pub name: DisplayName,
    /// A short, URL-safe name, unique across the installation (e.g. `riverside`).
    pub slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coop {
    pub id: CoopId,
    pub name: DisplayName,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    pub institution_id: InstitutionId,
    pub name: DisplayName,
}

/// An embeddable chat box. A chat started through it belongs to its institution and lands in
/// its department's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Widget {
    pub id: WidgetId,
    pub institution_id: InstitutionId,
    pub department_id: DepartmentId,
    pub name: DisplayName,
    /// Origins (scheme://host[:port]) allowed to embed this widget; empty means "any".
    pub allowed_origins: Vec<String>,
}

impl Widget {
    /// Whether a page on `origin` may embed this widget. Matching is exact, never by substring.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.is_empty() || self.allowed_origins.iter().any(|o| o == origin)
    }
}

/// What a staff account may do. Every staff member is an operator; the other roles add rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    InstitutionAdmin,
    CoopAdmin,
    SystemAdmin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::InstitutionAdmin => "institution_admin",
            Role::CoopAdmin => "coop_admin",
            Role::SystemAdmin => "system_admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Role::Operator,
            Role::InstitutionAdmin,
            Role::CoopAdmin,
            Role::SystemAdmin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A staff account. The password hash is not part of it: it never leaves the store and auth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub institution_id: InstitutionId,
    pub email: Email,
    pub name: DisplayName,
    pub role: Role,
}

/// An anonymous patron. The guest token that identifies them is stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub id: GuestId,
    pub widget_id: WidgetId,
    pub created_at: OffsetDateTime,
}
