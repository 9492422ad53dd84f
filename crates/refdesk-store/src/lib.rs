//! The storage boundary of refdesk: the store traits, in domain verbs, and `StoreError`.
//!
//! The store is several traits, one per area, so that no one trait grows past what a reader
//! can hold: here [`DirectoryStore`], [`SessionStore`], [`ChatStore`], [`ConversationStore`],
//! [`MessageLog`], [`TimerStore`], [`AdminStore`] and [`MigrationStore`]; the later areas in
//! modules of their own ([`MonitoringStore`], [`TransferStore`], [`TagStore`],
//! [`CannedStore`], [`RatingStore`], [`FaqStore`], [`MailStore`],
//! [`TicketStore`], [`AttachmentStore`], [`ReportStore`]). [`Store`] is all of them, and every backend implements
//! each. A backend (SQLite, PostgreSQL) lives in its own crate with its own migrations, and
//! proves itself by running the conformance suite in [`conformance`] (feature `conformance`).
//! The store is the arbiter of every race: message sequence numbers, retried sends, claims and
//! other state changes (compare-and-set on a chat's version), and which node fires a due timer
//! are all decided inside its transactions.
#![forbid(unsafe_code)]

mod attachments;
mod canned;
mod conversation_parts;
mod error;
mod faqs;
mod mail;
mod monitoring;
mod privacy;
mod ratings;
mod records;
mod reports;
pub mod sequencer;
mod tags;
mod tickets;
mod transcripts;
mod transfer_parts;
mod transfer_store;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use attachments::AttachmentStore;
pub use canned::CannedStore;
pub use conversation_parts::{conversation_kind, conversation_kind_parts};
pub use error::{Conflict, StoreError};
pub use faqs::{FaqStore, keep_best, search_passes};
pub use mail::MailStore;
pub use monitoring::MonitoringStore;
pub use privacy::{Forgetting, PrivacyStore};
pub use ratings::RatingStore;
pub use records::{
    Appended, ChatCursor, ChatFilter, ClaimedTimer, Directory, NewChat, Outbound, Rows,
    SessionRecord, StartMove, Table, TokenHash, TotpState, TransferApplied, TransferChange,
    TransferOffer, UserRecord,
};
pub use reports::{FactFilter, ReportStore};
pub use tags::{TagStore, like_prefix};
pub use tickets::{TicketFilter, TicketStore, TicketUpdate};
pub use transcripts::TranscriptStore;
pub use transfer_parts::{
    transfer_state, transfer_state_parts, transfer_target, transfer_target_parts,
};
pub use transfer_store::TransferStore;

use async_trait::async_trait;
use refdesk_core::{
    Audience, Chat, ChatHistoryEntry, ChatId, Conversation, ConversationId, Coop, CoopHours,
    CoopId, Decision, Department, DepartmentId, Email, Grant, Guest, GuestId, Institution,
    InstitutionId, InstitutionPolicy, Message, NewMessage, Role, Seq, StreamId, TimerOp, User,
    UserId, Widget, WidgetId,
};
use std::sync::Arc;
use time::OffsetDateTime;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A shared handle to whichever backend the configuration chose.
pub type DynStore = Arc<dyn Store>;

/// Everything refdesk keeps: every area's trait. Implemented for any type that implements them
/// all.
pub trait Store:
    DirectoryStore
    + SessionStore
    + ChatStore
    + ConversationStore
    + MessageLog
    + TimerStore
    + MonitoringStore
    + MigrationStore
    + AdminStore
    + TagStore
    + TransferStore
    + CannedStore
    + RatingStore
    + ReportStore
    + FaqStore
    + MailStore
    + TicketStore
    + AttachmentStore
    + TranscriptStore
    + PrivacyStore
{
}

impl<T> Store for T where
    T: DirectoryStore
        + SessionStore
        + ChatStore
        + ConversationStore
        + MessageLog
        + TimerStore
        + MonitoringStore
        + MigrationStore
        + AdminStore
        + TagStore
        + TransferStore
        + CannedStore
        + RatingStore
        + ReportStore
        + FaqStore
        + MailStore
        + TicketStore
        + AttachmentStore
        + TranscriptStore
        + PrivacyStore
{
}

/// Administering the directory beyond creating things: lists by page, roles, taking an
/// institution out of a co-op and deleting a department, each refused while something still
/// refers to it (never a dangling reference).
#[async_trait]
pub trait AdminStore: Send + Sync + std::fmt::Debug + 'static {
    /// One page of the institutions, by slug, after the slug `after`.
    async fn institutions_page(&self, after: Option<&str>, limit: u32) -> Result<Vec<Institution>>;
    /// Every co-op, by name.
    async fn all_coops(&self) -> Result<Vec<Coop>>;
    /// One page of an institution's staff accounts, by email, after the email `after`.
    async fn users_page(
        &self,
        institution: InstitutionId,
        after: Option<&Email>,
        limit: u32,
    ) -> Result<Vec<User>>;
    /// Changes an account's role; `NotFound` for an unknown user.
    async fn set_user_role(&self, user: UserId, role: Role) -> Result<()>;
    /// Who holds a stored grant, by id.
    async fn holders_of(&self, grant: Grant) -> Result<Vec<UserId>>;
    /// Takes `institution` out of `coop`, with its staff's grants to monitor the co-op and
    /// their monitoring of it; false when it was not a member. `Conflict::InUse` while an open
    /// chat of the institution is offered to the co-op.
    async fn remove_coop_member(&self, coop: CoopId, institution: InstitutionId) -> Result<bool>;
    /// Deletes a department, with the grants and monitoring that name it. `Conflict::InUse`
    /// while a widget or a chat names it; `NotFound` for an unknown one.
    async fn delete_department(&self, id: DepartmentId) -> Result<()>;
}

/// Institutions, co-ops, departments, widgets, staff accounts and their grants.
#[async_trait]
pub trait DirectoryStore: Send + Sync + std::fmt::Debug + 'static {
    /// Checks that the database answers (for `/healthz`).
    async fn ping(&self) -> Result<()>;
    async fn create_institution(&self, institution: &Institution) -> Result<()>;
    async fn institution(&self, id: InstitutionId) -> Result<Institution>;
    async fn institution_by_slug(&self, slug: &str) -> Result<Institution>;
    /// The institution's policy (the defaults when none was stored). `NotFound` for an unknown
    /// institution.
    async fn institution_policy(&self, institution: InstitutionId) -> Result<InstitutionPolicy>;
    /// Stores the institution's policy, replacing the one before.
    async fn set_institution_policy(
        &self,
        institution: InstitutionId,
        policy: &InstitutionPolicy,
    ) -> Result<()>;
    async fn create_coop(&self, coop: &Coop) -> Result<()>;
    /// Adds an institution to a co-op (nothing when it is a member already).
    async fn add_coop_member(&self, coop: CoopId, institution: InstitutionId) -> Result<()>;
    /// The contracted hours of `institution` with `coop`; `NotFound` when it is not a member.
    async fn coop_hours(&self, coop: CoopId, institution: InstitutionId) -> Result<CoopHours>;
    /// Replaces the contracted hours of a member; `NotFound` when it is not a member.
    async fn set_coop_hours(
        &self,
        coop: CoopId,
        institution: InstitutionId,
        hours: &CoopHours,
    ) -> Result<()>;
    /// The members of the given co-ops, ordered by co-op, then institution.
    async fn coop_members(&self, coops: &[CoopId]) -> Result<Vec<(CoopId, InstitutionId)>>;
    /// The given co-ops that exist, by name.
    async fn coops(&self, ids: &[CoopId]) -> Result<Vec<Coop>>;
    /// The co-ops `institution` belongs to, by name.
    async fn coops_of_institution(&self, institution: InstitutionId) -> Result<Vec<Coop>>;
    async fn create_department(&self, department: &Department) -> Result<()>;
    async fn department(&self, id: DepartmentId) -> Result<Department>;
    async fn departments(&self, institution: InstitutionId) -> Result<Vec<Department>>;
    async fn create_widget(&self, widget: &Widget) -> Result<()>;
    async fn widget(&self, id: WidgetId) -> Result<Widget>;
    async fn widgets(&self, institution: InstitutionId) -> Result<Vec<Widget>>;
    /// Rewrites a widget's name, department, origins and settings; `NotFound` when no widget
    /// of that id belongs to its institution.
    async fn update_widget(&self, widget: &Widget) -> Result<()>;
    /// Creates a staff account; `Conflict::AlreadyExists` when the email is taken.
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<()>;
    async fn user(&self, id: UserId) -> Result<User>;
    /// The account and its password hash, for sign-in.
    async fn user_by_email(&self, email: &Email) -> Result<UserRecord>;
    /// The grants stored for a user, beyond those of their account row (`Grant::of_account`),
    /// in order.
    async fn grants_of(&self, user: UserId) -> Result<Vec<Grant>>;
    /// Gives a user a grant (nothing when they have it already). `NotFound` for unknown users.
    async fn add_grant(&self, user: UserId, grant: Grant) -> Result<()>;
    /// Takes a stored grant away; false when the user did not have it.
    async fn remove_grant(&self, user: UserId, grant: Grant) -> Result<bool>;
}

/// Staff sessions and patrons' guest identities, both known only by a token's hash.
#[async_trait]
pub trait SessionStore: Send + Sync + std::fmt::Debug + 'static {
    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// The user of a session that has not expired by `now` and was last used after
    /// `idle_since`; `NotFound` for unknown, expired and idle ones.
    async fn session_user(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
        idle_since: OffsetDateTime,
    ) -> Result<User>;
    /// A staff member's second factor: the secret once turned on, and the one offered while
    /// they set it up.
    async fn totp_of(&self, user: UserId) -> Result<TotpState>;
    /// Replaces both (`NotFound` for an unknown user); the last accepted step is forgotten.
    async fn set_totp(&self, user: UserId, state: &TotpState) -> Result<()>;
    /// Accepts a code's time step once: false when that step or a later one was used already.
    async fn use_totp_step(&self, user: UserId, step: u64) -> Result<bool>;
    /// Records that these sessions were used at `at` (a later use is never moved back).
    async fn touch_sessions(&self, tokens: &[TokenHash], at: OffsetDateTime) -> Result<()>;
    async fn delete_session(&self, token: &TokenHash) -> Result<()>;
    /// Replaces a staff member's password hash and ends every session of theirs, in one
    /// transaction; returns the ended sessions' token hashes (to close their sockets).
    async fn change_password(&self, user: UserId, password_hash: &str) -> Result<Vec<TokenHash>>;
    async fn create_guest(&self, guest: &Guest, token: &TokenHash) -> Result<()>;
    async fn guest_by_token(&self, token: &TokenHash) -> Result<Guest>;
}

/// Patron chats: their rows, state changes and typed history.
#[async_trait]
pub trait ChatStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores a new waiting chat at version 1, its `Started` history row and its first message
    /// (the patron's question) as seq 1. `Conflict::OpenChatExists` when the guest already has
    /// an open chat: one at a time.
    async fn start_chat(&self, chat: &NewChat, question: Option<NewMessage>) -> Result<Chat>;
    async fn chat(&self, id: ChatId) -> Result<Chat>;
    /// The guest's open (waiting or active) chat, if any.
    async fn open_chat_of_guest(&self, guest: GuestId) -> Result<Option<Chat>>;
    /// The guest's chats started at or after `since`, oldest first (at most 100).
    async fn chats_of_guest(&self, guest: GuestId, since: OffsetDateTime) -> Result<Vec<Chat>>;
    /// Chats matching the filter, oldest first, one page.
    async fn chats(&self, filter: &ChatFilter) -> Result<Vec<Chat>>;
    /// How many active chats each of `operators` holds (those holding none are left out).
    async fn chats_held(&self, operators: &[UserId]) -> Result<Vec<(UserId, u32)>>;
    /// The active chats `operator` holds, oldest first.
    async fn chats_of_operator(&self, operator: UserId) -> Result<Vec<Chat>>;
    /// Applies a decision as a compare-and-set: only if the chat is still at
    /// `decision.from_version`. In one transaction it moves the state, stores the history row
    /// (version `from_version + 1`), applies the decision's timer operations and appends `note`
    /// (the system message showing the event, if any); with `decision.ends_transfer`, it cancels
    /// the chat's pending transfer. Otherwise `Conflict::StateChanged`, and nothing changes.
    async fn apply_decision(
        &self,
        decision: &Decision,
        note: Option<NewMessage>,
    ) -> Result<(Chat, Option<Message>)>;
    /// The chat's history, oldest first.
    async fn chat_history(&self, chat: ChatId) -> Result<Vec<ChatHistoryEntry>>;
}

/// Staff conversations: their membership and heads. Their messages go through the
/// [`MessageLog`] like a chat's.
#[async_trait]
pub trait ConversationStore: Send + Sync + std::fmt::Debug + 'static {
    /// The direct conversation of the two members of `conversation`, stored now if they have
    /// none (then it is `conversation` itself); of two racing opens of one pair, both get the
    /// same conversation. `NotFound` when a member is not a user.
    async fn open_direct_conversation(&self, conversation: &Conversation) -> Result<Conversation>;
    /// The room of a co-op or an institution (`conversation`'s kind names which), stored now
    /// if it has none; of two racing opens, both get the same room.
    async fn open_scoped_room(&self, conversation: &Conversation) -> Result<Conversation>;
    /// Stores a room someone made, with its members. `NotFound` when a member is not a user.
    async fn create_room(&self, conversation: &Conversation) -> Result<()>;
    /// Adds `user` to a made room; false when they were a member. `NotFound` for an unknown
    /// room or user.
    async fn add_room_member(&self, room: ConversationId, user: UserId) -> Result<bool>;
    async fn conversation(&self, id: ConversationId) -> Result<Conversation>;
    /// Deletes the staff messages written before `before` in the conversations `institution`
    /// takes part in: its room, the rooms of its co-ops, and the direct conversations and made
    /// rooms of its staff. Returns how many were deleted. Heads stay: later messages keep their
    /// numbers, and a resume from before the cut gets what is left.
    async fn trim_staff_chat(
        &self,
        institution: InstitutionId,
        before: OffsetDateTime,
    ) -> Result<u64>;
    /// The conversations `user` takes part in: their direct ones and the made rooms they are
    /// in, and the rooms of `institutions` and `coops`; newest first.
    async fn conversations_of(
        &self,
        user: UserId,
        institutions: &[InstitutionId],
        coops: &[CoopId],
    ) -> Result<Vec<Conversation>>;
}

/// The sequenced, acknowledged log of every stream: patron chats and staff conversations.
#[async_trait]
pub trait MessageLog: Send + Sync + std::fmt::Debug + 'static {
    /// Durably stores a message with its stream's next sequence number, and only then returns.
    /// A retry (same sender and client message id, same content) returns the original message
    /// with `duplicate: true`; the same id with other content is `Conflict::ClientIdReused`.
    /// Patron and operator messages need an open chat (`Conflict::ChatEnded`); a kind that does
    /// not belong in the stream is `Conflict::WrongStream`; an unknown stream is `NotFound`.
    async fn append_message(&self, message: NewMessage) -> Result<Appended>;
    /// Messages of the stream with `seq > after`, in order, at most `limit`.
    async fn messages_after(
        &self,
        stream: StreamId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>>;
    /// The messages of `chat` its patron sees, with `patron_seq > after`, in that order, at
    /// most `limit` (a patron's resume and history go by patron sequence numbers).
    async fn patron_messages_after(
        &self,
        chat: ChatId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>>;
    /// What `audience` reads of `stream` after `after`, in that audience's numbering: staff
    /// read every message by sequence number, a patron their chat's visible messages by patron
    /// sequence number (and nothing of a staff conversation).
    async fn messages_seen_by(
        &self,
        audience: Audience,
        stream: StreamId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>> {
        match (audience, stream) {
            (Audience::Staff, stream) => self.messages_after(stream, after, limit).await,
            (Audience::Patron, StreamId::Chat(chat)) => {
                self.patron_messages_after(chat, after, limit).await
            }
            (Audience::Patron, StreamId::Conversation(_)) => Ok(Vec::new()),
        }
    }
}

/// Durable timers: set and cancelled with the decisions that want them, claimed by one node when
/// due.
#[async_trait]
pub trait TimerStore: Send + Sync + std::fmt::Debug + 'static {
    /// Applies timer operations outside a decision (a patron's chat box leaving, a session
    /// starting), in one transaction. Setting a timer replaces one of the same key, and drops
    /// any claim on it.
    async fn set_timers(&self, ops: &[TimerOp]) -> Result<()>;
    /// Claims up to `limit` timers due at `now` that nobody holds (or whose holder's lease ran
    /// out), holding them until `lease_until`. Of several nodes claiming at once, each due timer
    /// goes to exactly one.
    async fn claim_due_timers(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedTimer>>;
    /// Removes a fired timer, unless it was set again since it was claimed (then the new one
    /// stays).
    async fn finish_timer(&self, claimed: &ClaimedTimer) -> Result<()>;
    /// When the next timer is due, if any.
    async fn next_timer_due(&self) -> Result<Option<OffsetDateTime>>;
}

/// Moving everything to another store (`refdesk migrate-data`): reading pages through a whole
/// store, and writing what was read into another one exactly as it was. Sessions are not part of
/// it: staff sign in again on the new store.
#[async_trait]
pub trait MigrationStore: Send + Sync + std::fmt::Debug + 'static {
    /// The whole directory: institutions, co-ops, departments, widgets, staff accounts with
    /// their password hashes, and stored grants.
    async fn directory_snapshot(&self) -> Result<Directory>;
    /// Guests (with their token hashes) whose id comes after `after` (all, for `None`), in id
    /// order, at most `limit`.
    async fn guests_page(
        &self,
        after: Option<GuestId>,
        limit: u32,
    ) -> Result<Vec<(Guest, TokenHash)>>;
    /// Chats in every state whose id comes after `after` (all, for `None`), in id order, at
    /// most `limit`. Their messages are read with [`MessageLog::messages_after`].
    async fn chats_page(&self, after: Option<ChatId>, limit: u32) -> Result<Vec<Chat>>;
    /// Rows of one of the tables without a verb of their own (history, timers, staff
    /// conversations), in key order, skipping the first `offset`, at most `limit`. The
    /// messages of conversations are read with [`MessageLog::messages_after`].
    async fn rows_page(&self, table: Table, offset: u64, limit: u32) -> Result<Rows>;
    /// Writes a directory read by [`MigrationStore::directory_snapshot`], in one transaction.
    ///
    /// Like every `restore_*` verb, this is only for migrating into an **empty** store: it
    /// writes ids, states, timestamps and sequence numbers as given, bypassing the rules the
    /// other verbs keep. Ids already present are `Conflict::AlreadyExists`.
    async fn restore_directory(&self, directory: &Directory) -> Result<()>;
    /// Writes guests read by [`MigrationStore::guests_page`], in one transaction.
    async fn restore_guests(&self, guests: &[(Guest, TokenHash)]) -> Result<()>;
    /// Writes a chat exactly as read: its state, operator, timestamps, `last_seq` (the head
    /// its next message is numbered from) and version. Its guest and directory entries must be
    /// restored first.
    async fn restore_chat(&self, chat: &Chat) -> Result<()>;
    /// Writes messages exactly as read (ids, sequence numbers, kinds, senders, client message
    /// ids, timestamps), in one transaction, bypassing the sequencer: the chats' `last_seq`
    /// is not moved, since [`MigrationStore::restore_chat`] already wrote it.
    async fn restore_messages(&self, messages: &[Message]) -> Result<()>;
    /// Writes rows read by [`MigrationStore::rows_page`], in one transaction.
    async fn restore_rows(&self, rows: &Rows) -> Result<()>;
}
