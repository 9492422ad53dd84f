//! The storage boundary of refdesk: the `Store` trait, in domain verbs, and `StoreError`.
//!
//! A backend (SQLite, PostgreSQL) implements the trait in its own crate with its own migrations,
//! and proves itself by running the conformance suite in [`conformance`] (feature
//! `conformance`). The store is the arbiter of every race: message sequence numbers, retried
//! sends, claims and other state changes are decided inside its transactions.
#![forbid(unsafe_code)]

mod error;
mod records;
pub mod sequencer;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use error::{Conflict, StoreError};
pub use records::{Appended, ChatFilter, Directory, NewChat, SessionRecord, TokenHash, UserRecord};

use async_trait::async_trait;
use refdesk_core::{
    Chat, ChatId, Department, DepartmentId, Email, Guest, GuestId, Institution, InstitutionId,
    Message, NewMessage, Seq, Transition, User, UserId, Widget, WidgetId,
};
use std::sync::Arc;
use time::OffsetDateTime;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A shared handle to whichever backend the configuration chose.
pub type DynStore = Arc<dyn Store>;

/// Everything refdesk keeps. Methods are named for what they mean, not for tables.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Checks that the database answers (for `/healthz`).
    async fn ping(&self) -> Result<()>;

    // --- directory -------------------------------------------------------------------------
    async fn create_institution(&self, institution: &Institution) -> Result<()>;
    async fn institution(&self, id: InstitutionId) -> Result<Institution>;
    async fn institution_by_slug(&self, slug: &str) -> Result<Institution>;
    async fn create_department(&self, department: &Department) -> Result<()>;
    async fn department(&self, id: DepartmentId) -> Result<Department>;
    async fn departments(&self, institution: InstitutionId) -> Result<Vec<Department>>;
    async fn create_widget(&self, widget: &Widget) -> Result<()>;
    async fn widget(&self, id: WidgetId) -> Result<Widget>;
    async fn widgets(&self, institution: InstitutionId) -> Result<Vec<Widget>>;
    /// Creates a staff account; `Conflict::AlreadyExists` when the email is taken.
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<()>;
    async fn user(&self, id: UserId) -> Result<User>;
    /// The account and its password hash, for sign-in.
    async fn user_by_email(&self, email: &Email) -> Result<UserRecord>;

    // --- sessions and guests ---------------------------------------------------------------
    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// The user of an unexpired session; `NotFound` for unknown or expired tokens.
    async fn session_user(&self, token: &TokenHash, now: OffsetDateTime) -> Result<User>;
    async fn delete_session(&self, token: &TokenHash) -> Result<()>;
    async fn create_guest(&self, guest: &Guest, token: &TokenHash) -> Result<()>;
    async fn guest_by_token(&self, token: &TokenHash) -> Result<Guest>;

    // --- chats -----------------------------------------------------------------------------
    /// Stores a new waiting chat (and its first message, the patron's question, as seq 1).
    /// `Conflict::OpenChatExists` when the guest already has an open chat: one at a time.
    async fn start_chat(&self, chat: &NewChat, question: Option<NewMessage>) -> Result<Chat>;
    async fn chat(&self, id: ChatId) -> Result<Chat>;
    /// The guest's open (waiting or active) chat, if any.
    async fn open_chat_of_guest(&self, guest: GuestId) -> Result<Option<Chat>>;
    async fn chats(&self, filter: &ChatFilter) -> Result<Vec<Chat>>;
    /// Applies a decided transition as a compare-and-set: only if the chat is still in
    /// `transition.from`. Records `note` (a system message) in the same transaction. Otherwise
    /// `Conflict::StateChanged`, and nothing changes.
    async fn transition_chat(
        &self,
        chat: ChatId,
        transition: &Transition,
        at: OffsetDateTime,
        note: NewMessage,
    ) -> Result<(Chat, Message)>;

    // --- messages --------------------------------------------------------------------------
    /// Durably stores a message with the chat's next sequence number, and only then returns.
    /// A retry (same sender and client message id, same content) returns the original message
    /// with `duplicate: true`; the same id with other content is `Conflict::ClientIdReused`.
    /// Patron and operator messages need an open chat (`Conflict::ChatEnded`).
    async fn append_message(&self, message: NewMessage) -> Result<Appended>;
    /// Messages with `seq > after`, in order, at most `limit`.
    async fn messages_after(&self, chat: ChatId, after: Seq, limit: u32) -> Result<Vec<Message>>;

    // --- moving everything to another store (`refdesk migrate-data`) -------------------------
    // Reading pages through a whole store, and writing what was read into another one exactly
    // as it was. Sessions are not part of it: staff sign in again on the new store.

    /// The whole directory: institutions, co-ops, departments, widgets and staff accounts with
    /// their password hashes.
    async fn directory_snapshot(&self) -> Result<Directory>;
    /// Guests (with their token hashes) whose id comes after `after` (all, for `None`), in id
    /// order, at most `limit`.
    async fn guests_page(
        &self,
        after: Option<GuestId>,
        limit: u32,
    ) -> Result<Vec<(Guest, TokenHash)>>;
    /// Chats in every state whose id comes after `after` (all, for `None`), in id order, at
    /// most `limit`. Their messages are read with [`Store::messages_after`].
    async fn chats_page(&self, after: Option<ChatId>, limit: u32) -> Result<Vec<Chat>>;
    /// Writes a directory read by [`Store::directory_snapshot`], in one transaction.
    ///
    /// Like every `restore_*` verb, this is only for migrating into an **empty** store: it
    /// writes ids, states, timestamps and sequence numbers as given, bypassing the rules the
    /// other verbs keep. Ids already present are `Conflict::AlreadyExists`.
    async fn restore_directory(&self, directory: &Directory) -> Result<()>;
    /// Writes guests read by [`Store::guests_page`], in one transaction. Only for migrating
    /// into an empty store (see [`Store::restore_directory`]).
    async fn restore_guests(&self, guests: &[(Guest, TokenHash)]) -> Result<()>;
    /// Writes a chat exactly as read: its state, operator, timestamps and `last_seq` (the head
    /// its next message is numbered from). Its guest and directory entries must be restored
    /// first. Only for migrating into an empty store (see [`Store::restore_directory`]).
    async fn restore_chat(&self, chat: &Chat) -> Result<()>;
    /// Writes messages exactly as read (ids, sequence numbers, kinds, senders, client message
    /// ids, timestamps), in one transaction, bypassing the sequencer: the chats' `last_seq`
    /// is not moved, since [`Store::restore_chat`] already wrote it. Their chats must be
    /// restored first. Only for migrating into an empty store (see
    /// [`Store::restore_directory`]).
    async fn restore_messages(&self, messages: &[Message]) -> Result<()>;
}
