//! Plain records that cross the store boundary but are not domain objects.

use refdesk_core::{
    Chat, ChatHistoryEntry, ChatId, ChatStatus, Conversation, Coop, CoopId, Decision, Department,
    DepartmentId, Grant, GuestId, Institution, InstitutionId, Message, MessageBody, NewMessage,
    Timer, TimerOp, Transfer, TransferDecision, TransferId, User, UserId, Widget, WidgetId,
};
use refdesk_core::{DisplayName, Email};
use time::OffsetDateTime;

/// SHA-256 of a bearer token. Tokens themselves are never stored.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    /// A short public name of the session or guest this token stands for (the first half of
    /// the hash): what timers and events use to name a session without holding its token.
    pub fn key(&self) -> uuid::Uuid {
        let mut first = [0u8; 16];
        first.copy_from_slice(&self.0[..16]);
        uuid::Uuid::from_bytes(first)
    }
}

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
    /// Stored grants, ordered by user, then grant.
    pub grants: Vec<(UserId, Grant)>,
}

/// A chat about to start: waiting, with no messages yet, or (an outbound chat) active with the
/// librarian who started it.
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
    pub patron_ip: Option<String>,
    pub created_at: OffsetDateTime,
    /// The guest is new: it is stored, with this token's hash, in the same transaction as the
    /// chat (one commit for a new patron's first chat).
    pub new_guest: Option<TokenHash>,
    /// Routing steps the chat takes at once as it starts (nobody monitors the queues before
    /// them), stored in the same transaction: each its history row (versions 2, 3, …) and its
    /// system message after the question; the chat is stored where the last one put it.
    pub moves: Vec<StartMove>,
    /// An outbound chat: a librarian starts it with a guest, and holds it from the start.
    pub outbound: Option<Outbound>,
}

/// Who starts an outbound chat, and its system line ("Alice joined the chat."), stored with its
/// `Claimed` history row in the chat's first transaction.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub operator: UserId,
    pub note: refdesk_core::NewMessage,
}

/// One routing step a chat takes as it starts.
#[derive(Debug, Clone)]
pub struct StartMove {
    /// A `ChatEvent::Routed`.
    pub event: refdesk_core::ChatEvent,
    pub placement: refdesk_core::Placement,
    /// Its system message (the event, rendered for each reader when shown).
    pub note: refdesk_core::NewMessage,
}

impl NewChat {
    /// Where the chat is stored: after its moves, or its widget's department.
    pub fn placement(&self) -> refdesk_core::Placement {
        self.moves
            .last()
            .map(|m| m.placement)
            .unwrap_or(refdesk_core::Placement {
                step: 0,
                department_id: self.department_id,
                coop_id: None,
            })
    }
    /// The chat's version once stored: 1, one more per move, and one more when outbound.
    pub fn version(&self) -> u64 {
        1 + self.moves.len() as u64 + u64::from(self.outbound.is_some())
    }
    /// The state it starts in: waiting, or active with the librarian of an outbound chat.
    pub fn state(&self) -> refdesk_core::ChatState {
        match &self.outbound {
            Some(o) => refdesk_core::ChatState::Active {
                operator: o.operator,
            },
            None => refdesk_core::ChatState::Waiting,
        }
    }
}

/// Which chats to list: those of some institutions (or departments), in some states, oldest
/// first, one page at a time.
#[derive(Debug, Clone, Default)]
pub struct ChatFilter {
    pub institutions: Vec<InstitutionId>,
    /// Departments listed on their own, beyond whole institutions (monitored queues).
    pub departments: Vec<DepartmentId>,
    /// Co-ops whose open chats at a co-op step are listed too (monitored co-ops; their
    /// members' ended chats are not theirs to list).
    pub coops: Vec<CoopId>,
    pub statuses: Vec<ChatStatus>,
    /// The page starts after this chat (in `(created_at, id)` order); the first page for `None`.
    pub after: Option<ChatCursor>,
    pub limit: u32,
}

/// A position in a list of chats: the last one of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatCursor {
    pub created_at: OffsetDateTime,
    pub id: ChatId,
}

impl ChatCursor {
    /// The position just after `chat`.
    pub fn after(chat: &Chat) -> Self {
        ChatCursor {
            created_at: chat.created_at,
            id: chat.id,
        }
    }
}

/// A due timer one node holds, with the proof of its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedTimer {
    pub timer: Timer,
    /// Whose claim this is; [`TimerStore::finish_timer`] removes the timer only for it.
    ///
    /// [`TimerStore::finish_timer`]: crate::TimerStore::finish_timer
    pub claim: uuid::Uuid,
}

/// The tables that are moved between stores by [`MigrationStore::rows_page`] rather than by a
/// verb of their own.
///
/// [`MigrationStore::rows_page`]: crate::MigrationStore::rows_page
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    ChatHistory,
    Timers,
    /// Staff conversations with their members and heads (`last_seq`).
    Conversations,
    ChatTags,
    /// Transfers, pending and past, with when each ended.
    Transfers,
    CannedMessages,
    ChatRatings,
    Faqs,
    Mails,
    MailTemplates,
    Tickets,
    TicketEntries,
    Attachments,
    /// Who had which queue switched on, when (the history; `monitoring` itself is live state).
    MonitoringSessions,
    /// Who read which patrons' conversations (see [`refdesk_core::audit`]).
    AuditLog,
}

impl Table {
    pub const ALL: [Table; 15] = [
        Table::ChatHistory,
        Table::Timers,
        Table::Conversations,
        Table::ChatTags,
        Table::Transfers,
        Table::CannedMessages,
        Table::ChatRatings,
        Table::Faqs,
        Table::Mails,
        Table::MailTemplates,
        Table::Tickets,
        Table::TicketEntries,
        Table::Attachments,
        Table::MonitoringSessions,
        Table::AuditLog,
    ];
}

/// A page of rows of one [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    ChatHistory(Vec<ChatHistoryEntry>),
    Timers(Vec<Timer>),
    Conversations(Vec<Conversation>),
    ChatTags(Vec<refdesk_core::ChatTag>),
    Transfers(Vec<(Transfer, Option<OffsetDateTime>)>),
    CannedMessages(Vec<refdesk_core::CannedMessage>),
    ChatRatings(Vec<refdesk_core::Rating>),
    Faqs(Vec<refdesk_core::Faq>),
    Mails(Vec<refdesk_core::Mail>),
    MailTemplates(
        Vec<(
            InstitutionId,
            refdesk_core::MailKind,
            refdesk_core::MailTemplate,
        )>,
    ),
    Tickets(Vec<refdesk_core::Ticket>),
    TicketEntries(Vec<refdesk_core::TicketEntry>),
    Attachments(Vec<refdesk_core::Attachment>),
    MonitoringSessions(Vec<refdesk_core::report::MonitoringSession>),
    AuditLog(Vec<refdesk_core::AuditEntry>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::ChatHistory(r) => r.len(),
            Rows::Timers(r) => r.len(),
            Rows::Conversations(r) => r.len(),
            Rows::ChatTags(r) => r.len(),
            Rows::Transfers(r) => r.len(),
            Rows::CannedMessages(r) => r.len(),
            Rows::ChatRatings(r) => r.len(),
            Rows::Faqs(r) => r.len(),
            Rows::Mails(r) => r.len(),
            Rows::MailTemplates(r) => r.len(),
            Rows::Tickets(r) => r.len(),
            Rows::TicketEntries(r) => r.len(),
            Rows::Attachments(r) => r.len(),
            Rows::MonitoringSessions(r) => r.len(),
            Rows::AuditLog(r) => r.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The outcome of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub message: Message,
    /// True when this was a retry of a message already stored.
    pub duplicate: bool,
}

/// A transfer to store as offered: it, the version of its chat it was decided on, the internal
/// note recording it in the chat, and its expiry timer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferOffer {
    pub transfer: Transfer,
    pub chat_version: u64,
    pub note: NewMessage,
    pub timers: Vec<TimerOp>,
}

/// A decided change of a transfer, applied as one transaction: the transfer's compare-and-set
/// on `decision.from_version`, the chat's decision it carries (a handover, with its system
/// line), the internal note recording the step, and timer operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferChange {
    pub transfer: TransferId,
    pub decision: TransferDecision,
    pub at: OffsetDateTime,
    pub chat: Option<(Decision, Option<NewMessage>)>,
    pub note: NewMessage,
    pub timers: Vec<TimerOp>,
}

/// What a [`TransferChange`] made: the transfer, the chat when it changed hands, and the
/// messages stored (in sequence order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferApplied {
    pub transfer: Transfer,
    pub chat: Option<Chat>,
    pub messages: Vec<Message>,
}

/// A staff member's second factor at sign-in (base32 TOTP secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TotpState {
    /// The secret in use: sign-in asks for a code when it is set.
    pub secret: Option<String>,
    /// The secret offered while it is being set up, until a code from it is confirmed.
    pub pending: Option<String>,
}

impl std::fmt::Debug for TotpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpState")
            .field("secret", &self.secret.as_ref().map(|_| "…"))
            .field("pending", &self.pending.as_ref().map(|_| "…"))
            .finish()
    }
}
