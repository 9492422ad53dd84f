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
    /// The pre-chat form's fields and the chat box's texts.
    #[serde(default)]
    pub settings: crate::WidgetSettings,
}

impl Widget {
    /// Checks that `origin` is a bare origin, `scheme://host[:port]`, fit for the
    /// `frame-ancestors` policy: no path, no spaces or separators.
    pub fn check_origin(origin: &str) -> Result<(), crate::text::TextError> {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        });
        if ok {
            Ok(())
        } else {
            Err(crate::text::TextError::BadCharacters {
                field: "allowed origin",
            })
        }
    }

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

impl User {
    /// The name patrons see: the first word of the account's name (staff full names, which
    /// patrons do not need, stay among staff).
    pub fn public_name(&self) -> String {
        public_name(self.name.as_str())
    }
}

/// The first word of a person's name.
pub fn public_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_owned()
}

/// An anonymous patron. The guest token that identifies them is stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub id: GuestId,
    pub widget_id: WidgetId,
    pub created_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::Widget;

    #[test]
    fn origins_are_bare() {
        for ok in [
            "https://lib.example",
            "http://127.0.0.1:8080",
            "https://a-b.example:443",
        ] {
            assert!(Widget::check_origin(ok).is_ok(), "{ok}");
        }
        for bad in [
            "lib.example",
            "https://",
            "https://lib.example/",
            "https://a b",
            "https://x;y",
            "ftp://x",
        ] {
            assert!(Widget::check_origin(bad).is_err(), "{bad}");
        }
    }
}
