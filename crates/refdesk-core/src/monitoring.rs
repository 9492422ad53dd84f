//! Monitoring: who is on duty for which queue right now. Grants say what a staff member *may*
//! monitor (their institution's departments, a co-op); monitoring says what they *are*
//! monitoring, toggled Online/Offline from the dashboard and kept in the store, so every node
//! agrees on who is watching a queue. A co-op's chats reach an operator only while they monitor
//! it; their own institution's chats they always see.

use crate::ids::{CoopId, DepartmentId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A queue one monitors: a department (local monitoring) or a whole co-op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum MonitorScope {
    Department(DepartmentId),
    Coop(CoopId),
}

impl MonitorScope {
    pub const fn kind(&self) -> &'static str {
        match self {
            MonitorScope::Department(_) => "department",
            MonitorScope::Coop(_) => "coop",
        }
    }
    pub fn id(&self) -> uuid::Uuid {
        match self {
            MonitorScope::Department(d) => (*d).into(),
            MonitorScope::Coop(c) => (*c).into(),
        }
    }
    /// Rebuilds a scope from its stored kind and id.
    pub fn from_parts(kind: &str, id: uuid::Uuid) -> Option<MonitorScope> {
        match kind {
            "department" => Some(MonitorScope::Department(id.into())),
            "coop" => Some(MonitorScope::Coop(id.into())),
            _ => None,
        }
    }
    pub const fn coop(&self) -> Option<CoopId> {
        match self {
            MonitorScope::Coop(c) => Some(*c),
            MonitorScope::Department(_) => None,
        }
    }
}

/// One staff member monitoring one queue, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    pub user_id: UserId,
    pub scope: MonitorScope,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn scopes_round_trip() {
        for s in [
            MonitorScope::Department(Uuid::from_u128(1).into()),
            MonitorScope::Coop(Uuid::from_u128(2).into()),
        ] {
            assert_eq!(MonitorScope::from_parts(s.kind(), s.id()), Some(s));
        }
        assert_eq!(MonitorScope::from_parts("room", Uuid::nil()), None);
    }
}
