//! Plain records that cross the store boundary but are not domain objects.

use refdesk_core::{
    ChatId, ChatStatus, Coop, CoopId, Department, DepartmentId, GuestId, Institution,
    InstitutionId, Message, MessageBody, User, UserId, Widget, WidgetId,
};
use refdesk_core::{DisplayName, Email};
use time::OffsetDateTime;

/// SHA-256 of a bearer token. Tokens themselves are never stored.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub token: TokenHash,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A staff account with its password hash, only for sign-in and for moving the directory
/// between stores.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: String,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// The whole directory of an installation: everything that is not a patron, a chat or a
/// session, as [`Store::directory_snapshot`] reads it and [`Store::restore_directory`] writes it.
/// Every list is ordered by id, so two snapshots of the same directory compare equal whichever
/// backend they come from.
///
/// [`Store::directory_snapshot`]: crate::Store::directory_snapshot
/// [`Store::restore_directory`]: crate::Store::restore_directory
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Directory {
    pub institutions: Vec<Institution>,
    pub coops: Vec<Coop>,
    /// Which institutions belong to which co-op, ordered by co-op, then institution.
    pub coop_members: Vec<(CoopId, InstitutionId)>,
    pub departments: Vec<Department>,
    pub widgets: Vec<Widget>,
    /// Staff accounts with their password hashes (redacted in `Debug`).
    pub users: Vec<UserRecord>,
}

/// A chat about to start: always waiting, with no messages yet.
#[derive(Debug, Clone)]
pub struct NewChat {
    pub id: ChatId,
    pub institution_id: InstitutionId,
    pub department_id: DepartmentId,
    pub widget_id: WidgetId,
    pub guest_id: GuestId,
    pub patron_name: Option<DisplayName>,
    pub patron_email: Option<Email>,
    pub question: Option<MessageBody>,
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Which chats to list: those of some institutions, in some states, newest last.
#[derive(Debug, Clone)]
pub struct ChatFilter {
    pub institutions: Vec<InstitutionId>,
    pub statuses: Vec<ChatStatus>,
    pub limit: u32,
}

/// The outcome of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub message: Message,
    /// True when this was a retry of a message already stored.
    pub duplicate: bool,
}
