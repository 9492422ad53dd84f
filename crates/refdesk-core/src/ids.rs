//! Newtype ids. Every entity is named by a UUIDv7 wrapped in its own type, so a chat id can never
//! be passed where an institution id is expected. Fresh ids are made by the caller (core does not
//! read the clock) with `Uuid::now_v7()` and wrapped with `From`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }
        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A library (or library system) that owns departments, widgets, staff and its patrons' chats.
    InstitutionId
);
id_type!(
    /// A co-operative of institutions that staff each other's chats.
    CoopId
);
id_type!(
    /// A queue of one institution.
    DepartmentId
);
id_type!(
    /// An embeddable chat box, bound to an institution and a department.
    WidgetId
);
id_type!(
    /// A staff account: operator, institution admin, co-op admin or system admin.
    UserId
);
id_type!(
    /// An anonymous patron, known only by the guest token kept in the chat box.
    GuestId
);
id_type!(
    /// One conversation between a patron and the library.
    ChatId
);
id_type!(
    /// One stored message of a chat.
    MessageId
);
