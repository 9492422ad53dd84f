//! Canned messages: ready-made replies a librarian inserts into the composer. Each is someone's
//! own (personal), their institution's, or their co-op's; who may use and who may manage one
//! follows from its scope and the person's grants. A body may hold `{patron}` and `{librarian}`,
//! filled in with the patron's name and the librarian's public name when inserted.

use crate::access::{Grant, StaffPrincipal};
use crate::ids::{CannedId, CoopId, InstitutionId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;
/// The longest body, in characters.
pub const MAX_BODY_CHARS: usize = 4000;

/// Whose a canned message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum CannedScope {
    /// One librarian's own.
    Personal(UserId),
    /// Every librarian of an institution's.
    Institution(InstitutionId),
    /// Everyone who may monitor a co-op's.
    Coop(CoopId),
}

impl CannedScope {
    pub const fn kind(&self) -> &'static str {
        match self {
            CannedScope::Personal(_) => "personal",
            CannedScope::Institution(_) => "institution",
            CannedScope::Coop(_) => "coop",
        }
    }
    pub fn id(&self) -> uuid::Uuid {
        match self {
            CannedScope::Personal(u) => (*u).into(),
            CannedScope::Institution(i) => (*i).into(),
            CannedScope::Coop(c) => (*c).into(),
        }
    }
    /// Rebuilds a scope from its kind and id.
    pub fn from_parts(kind: &str, id: uuid::Uuid) -> Option<CannedScope> {
        Some(match kind {
            "personal" => CannedScope::Personal(id.into()),
            "institution" => CannedScope::Institution(id.into()),
            "coop" => CannedScope::Coop(id.into()),
            _ => return None,
        })
    }
    /// Whether `staff` may insert the canned messages of this scope.
    pub fn usable_by(&self, staff: &StaffPrincipal) -> bool {
        match *self {
            CannedScope::Personal(u) => u == staff.id(),
            CannedScope::Institution(i) => staff.institutions.binary_search(&i).is_ok(),
            CannedScope::Coop(c) => staff.may_monitor_coop(c) || staff.has(Grant::CoopAdmin(c)),
        }
    }
    /// Whether `staff` may write, change and delete the canned messages of this scope: their
    /// own; an institution's admins theirs; a co-op's admins theirs; system admins all shared
    /// ones.
    pub fn managed_by(&self, staff: &StaffPrincipal) -> bool {
        match *self {
            CannedScope::Personal(u) => u == staff.id(),
            CannedScope::Institution(i) => {
                staff.has(Grant::InstitutionAdmin(i)) || staff.has(Grant::SystemAdmin)
            }
            CannedScope::Coop(c) => staff.has(Grant::CoopAdmin(c)) || staff.has(Grant::SystemAdmin),
        }
    }
}

/// A canned message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedMessage {
    pub id: CannedId,
    pub scope: CannedScope,
    pub title: String,
    pub body: String,
    pub updated_at: OffsetDateTime,
}

/// Why a canned message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CannedError {
    #[error("a title is 1 to 80 characters")]
    Title,
    #[error("a body is 1 to 4000 characters")]
    Body,
}

impl CannedMessage {
    /// A canned message with its title and body checked (trimmed; neither empty nor too long).
    pub fn new(
        id: CannedId,
        scope: CannedScope,
        title: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<CannedMessage, CannedError> {
        let title = title.trim();
        if title.is_empty()
            || title.chars().count() > MAX_TITLE_CHARS
            || title.chars().any(char::is_control)
        {
            return Err(CannedError::Title);
        }
        let body = body.trim();
        if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
            return Err(CannedError::Body);
        }
        Ok(CannedMessage {
            id,
            scope,
            title: title.to_owned(),
            body: body.to_owned(),
            updated_at: now,
        })
    }

    /// The body with its placeholders filled in: `{patron}` with the patron's name (or
    /// "there", as in "Hi there"), `{librarian}` with the librarian's public name.
    pub fn render(&self, patron: Option<&str>, librarian: &str) -> String {
        self.body
            .replace("{patron}", patron.unwrap_or("there"))
            .replace("{librarian}", librarian)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Role, User};
    use crate::text::{DisplayName, Email};
    use uuid::Uuid;

    fn staff(role: Role, grants: &[Grant]) -> StaffPrincipal {
        let user = User {
            id: Uuid::from_u128(1).into(),
            institution_id: Uuid::from_u128(10).into(),
            email: Email::parse("a@b.example").unwrap(),
            name: DisplayName::parse("Alice Archer").unwrap(),
            role,
        };
        StaffPrincipal::evaluate(user, grants, &[], &[])
    }

    #[test]
    fn scopes_decide_who_uses_and_who_manages() {
        let me = staff(
            Role::Operator,
            &[Grant::MonitorCoop(Uuid::from_u128(50).into())],
        );
        let own = CannedScope::Personal(me.id());
        let other = CannedScope::Personal(Uuid::from_u128(2).into());
        let library = CannedScope::Institution(Uuid::from_u128(10).into());
        let elsewhere = CannedScope::Institution(Uuid::from_u128(11).into());
        let coop = CannedScope::Coop(Uuid::from_u128(50).into());
        assert!(own.usable_by(&me) && own.managed_by(&me));
        assert!(!other.usable_by(&me) && !other.managed_by(&me));
        assert!(library.usable_by(&me) && !library.managed_by(&me));
        assert!(!elsewhere.usable_by(&me));
        assert!(coop.usable_by(&me) && !coop.managed_by(&me));
        let admin = staff(Role::InstitutionAdmin, &[]);
        assert!(library.managed_by(&admin) && !elsewhere.managed_by(&admin));
        let coop_admin = staff(
            Role::CoopAdmin,
            &[Grant::CoopAdmin(Uuid::from_u128(50).into())],
        );
        assert!(coop.managed_by(&coop_admin) && coop.usable_by(&coop_admin));
        for s in [own, library, coop] {
            assert_eq!(CannedScope::from_parts(s.kind(), s.id()), Some(s));
        }
    }

    #[test]
    fn titles_and_bodies_are_checked_and_placeholders_filled() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let scope = CannedScope::Institution(Uuid::from_u128(10).into());
        let id = CannedId::from(Uuid::from_u128(3));
        let c = CannedMessage::new(
            id,
            scope,
            " Greeting ",
            "Hi {patron}, {librarian} here.",
            at,
        )
        .unwrap();
        assert_eq!(c.title, "Greeting");
        assert_eq!(c.render(Some("Pat"), "Alice"), "Hi Pat, Alice here.");
        assert_eq!(c.render(None, "Alice"), "Hi there, Alice here.");
        assert_eq!(
            CannedMessage::new(id, scope, " ", "x", at),
            Err(CannedError::Title)
        );
        assert_eq!(
            CannedMessage::new(id, scope, &"t".repeat(81), "x", at),
            Err(CannedError::Title)
        );
        assert_eq!(
            CannedMessage::new(id, scope, "a\u{7}b", "x", at),
            Err(CannedError::Title)
        );
        assert_eq!(
            CannedMessage::new(id, scope, "t", "  ", at),
            Err(CannedError::Body)
        );
        assert_eq!(
            CannedMessage::new(id, scope, "t", &"b".repeat(4001), at),
            Err(CannedError::Body)
        );
    }
}
