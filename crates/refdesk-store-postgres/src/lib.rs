//! The PostgreSQL backend of the refdesk `Store`, for installations that run several server
//! nodes against one database.
//!
//! Every race is decided by the database, never by a node: claims and other state changes are
//! conditional updates (compare-and-set on the chat's version), one open chat per patron is a
//! partial unique index, message sequence numbers are taken under the chat row's lock, and a
//! due timer goes to the one node whose claim locked it (`FOR UPDATE SKIP LOCKED`). Sends are
//! group-committed by a few writer tasks (module `writer`), so many messages share one
//! transaction and one fsync.
#![forbid(unsafe_code)]

#[macro_use]
mod rows;
mod admin;
mod attachments;
mod canned;
mod chats;
mod commit;
mod conversations;
mod directory;
mod dump;
mod error;
mod faqs;
mod grants;
mod history;
mod mail;
mod messages;
mod monitoring;
mod policies;
mod privacy;
mod ratings;
mod reports;
mod tags;
mod tickets;
mod timers;
mod transcripts;
mod transfers;
mod writer;

use async_trait::async_trait;
use refdesk_core::{
    Chat, ChatHistoryEntry, ChatId, Coop, CoopHours, CoopId, Decision, Department, DepartmentId,
    Email, Grant, Guest, GuestId, Institution, InstitutionId, InstitutionPolicy, Message,
    NewMessage, Seq, StreamId, TimerOp, User, UserId, Widget, WidgetId,
};
use refdesk_store::{
    Appended, ChatFilter, ChatStore, ClaimedTimer, Directory, DirectoryStore, MessageLog,
    MigrationStore, NewChat, Result, Rows, SessionRecord, SessionStore, StoreError, Table,
    TimerStore, TokenHash, TotpState, UserRecord,
};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use time::OffsetDateTime;
use writer::Writer;

/// How many writer tasks group-commit sends, each on its own connection. Two keep both of a
/// small server's cores busy: one batch is being built while the other is committing.
const WRITERS: usize = 2;

/// Tuning of a [`PgStore`].
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Size of the connection pool, writer connections included.
    pub max_connections: u32,
    /// The most messages one group-commit transaction stores.
    pub max_batch: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            max_connections: 16,
            max_batch: 256,
        }
    }
}

/// The store on a PostgreSQL database. Cheap to share behind an `Arc`; its writer tasks stop
/// when it is dropped.
#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    writer: Writer,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`), brings the schema up to date, and starts the writer
    /// tasks on the current Tokio runtime. Several nodes may open the same database at once:
    /// migrations run under PostgreSQL's advisory lock.
    pub async fn open(url: &str, options: PgOptions) -> Result<PgStore, StoreError> {
        let writers = WRITERS.min(options.max_connections.saturating_sub(1).max(1) as usize);
        // An ack means the commit is durable: say so on every connection rather than trust
        // the server's default.
        let connect = url
            .parse::<sqlx::postgres::PgConnectOptions>()
            .map_err(StoreError::other)?
            .options([("synchronous_commit", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .connect_with(connect)
            .await
            .map_err(StoreError::other)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(StoreError::other)?;
        let writer = Writer::start(pool.clone(), writers, options.max_batch);
        Ok(PgStore { pool, writer })
    }
}

#[async_trait]
impl DirectoryStore for PgStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::other)?;
        Ok(())
    }

    async fn create_institution(&self, institution: &Institution) -> Result<()> {
        directory::create_institution(&self.pool, institution).await
    }
    async fn institution(&self, id: InstitutionId) -> Result<Institution> {
        directory::institution(&self.pool, id).await
    }
    async fn institution_by_slug(&self, slug: &str) -> Result<Institution> {
        directory::institution_by_slug(&self.pool, slug).await
    }
    async fn institution_policy(&self, institution: InstitutionId) -> Result<InstitutionPolicy> {
        policies::policy(&self.pool, institution).await
    }
    async fn set_institution_policy(
        &self,
        institution: InstitutionId,
        policy: &InstitutionPolicy,
    ) -> Result<()> {
        policies::set_policy(&self.pool, institution, policy).await
    }
    async fn create_coop(&self, coop: &Coop) -> Result<()> {
        grants::create_coop(&self.pool, coop).await
    }
    async fn coops(&self, ids: &[CoopId]) -> Result<Vec<Coop>> {
        grants::coops(&self.pool, ids).await
    }
    async fn coops_of_institution(&self, institution: InstitutionId) -> Result<Vec<Coop>> {
        grants::coops_of_institution(&self.pool, institution).await
    }
    async fn add_coop_member(&self, coop: CoopId, institution: InstitutionId) -> Result<()> {
        grants::add_coop_member(&self.pool, coop, institution).await
    }
    async fn coop_members(&self, coops: &[CoopId]) -> Result<Vec<(CoopId, InstitutionId)>> {
        grants::coop_members(&self.pool, coops).await
    }
    async fn coop_hours(&self, coop: CoopId, institution: InstitutionId) -> Result<CoopHours> {
        grants::coop_hours(&self.pool, coop, institution).await
    }
    async fn set_coop_hours(
        &self,
        coop: CoopId,
        institution: InstitutionId,
        hours: &CoopHours,
    ) -> Result<()> {
        grants::set_coop_hours(&self.pool, coop, institution, hours).await
    }
    async fn create_department(&self, department: &Department) -> Result<()> {
        directory::create_department(&self.pool, department).await
    }
    async fn department(&self, id: DepartmentId) -> Result<Department> {
        directory::department(&self.pool, id).await
    }
    async fn departments(&self, institution: InstitutionId) -> Result<Vec<Department>> {
        directory::departments(&self.pool, institution).await
    }
    async fn create_widget(&self, widget: &Widget) -> Result<()> {
        directory::create_widget(&self.pool, widget).await
    }
    async fn widget(&self, id: WidgetId) -> Result<Widget> {
        directory::widget(&self.pool, id).await
    }
    async fn widgets(&self, institution: InstitutionId) -> Result<Vec<Widget>> {
        directory::widgets(&self.pool, institution).await
    }
    async fn update_widget(&self, widget: &Widget) -> Result<()> {
        directory::update_widget(&self.pool, widget).await
    }
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<()> {
        directory::create_user(&self.pool, user, password_hash).await
    }
    async fn user(&self, id: UserId) -> Result<User> {
        directory::user(&self.pool, id).await
    }
    async fn user_by_email(&self, email: &Email) -> Result<UserRecord> {
        directory::user_by_email(&self.pool, email).await
    }
    async fn grants_of(&self, user: UserId) -> Result<Vec<Grant>> {
        grants::grants_of(&self.pool, user).await
    }
    async fn add_grant(&self, user: UserId, grant: Grant) -> Result<()> {
        grants::add_grant(&self.pool, user, grant).await
    }
    async fn remove_grant(&self, user: UserId, grant: Grant) -> Result<bool> {
        grants::remove_grant(&self.pool, user, grant).await
    }
}

#[async_trait]
impl SessionStore for PgStore {
    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        directory::create_session(&self.pool, session).await
    }
    async fn session_user(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
        idle_since: OffsetDateTime,
    ) -> Result<User> {
        directory::session_user(&self.pool, token, now, idle_since).await
    }
    async fn totp_of(&self, user: UserId) -> Result<TotpState> {
        directory::totp_of(&self.pool, user).await
    }
    async fn set_totp(&self, user: UserId, state: &TotpState) -> Result<()> {
        directory::set_totp(&self.pool, user, state).await
    }
    async fn use_totp_step(&self, user: UserId, step: u64) -> Result<bool> {
        directory::use_totp_step(&self.pool, user, step).await
    }
    async fn touch_sessions(&self, tokens: &[TokenHash], at: OffsetDateTime) -> Result<()> {
        directory::touch_sessions(&self.pool, tokens, at).await
    }
    async fn delete_session(&self, token: &TokenHash) -> Result<()> {
        directory::delete_session(&self.pool, token).await
    }
    async fn change_password(&self, user: UserId, password_hash: &str) -> Result<Vec<TokenHash>> {
        directory::change_password(&self.pool, user, password_hash).await
    }
    async fn create_guest(&self, guest: &Guest, token: &TokenHash) -> Result<()> {
        directory::create_guest(&self.pool, guest, token).await
    }
    async fn guest_by_token(&self, token: &TokenHash) -> Result<Guest> {
        directory::guest_by_token(&self.pool, token).await
    }
}

#[async_trait]
impl ChatStore for PgStore {
    async fn start_chat(&self, chat: &NewChat, question: Option<NewMessage>) -> Result<Chat> {
        chats::start_chat(&self.pool, chat, question).await
    }
    async fn chat(&self, id: ChatId) -> Result<Chat> {
        chats::chat(&self.pool, id).await
    }
    async fn chats_of_guest(&self, guest: GuestId, since: OffsetDateTime) -> Result<Vec<Chat>> {
        chats::chats_of_guest(&self.pool, guest, since).await
    }
    async fn open_chat_of_guest(&self, guest: GuestId) -> Result<Option<Chat>> {
        chats::open_chat_of_guest(&self.pool, guest).await
    }
    async fn chats_held(&self, operators: &[UserId]) -> Result<Vec<(UserId, u32)>> {
        monitoring::chats_held(&self.pool, operators).await
    }
    async fn chats_of_operator(&self, operator: UserId) -> Result<Vec<Chat>> {
        monitoring::chats_of_operator(&self.pool, operator).await
    }
    async fn chats(&self, filter: &ChatFilter) -> Result<Vec<Chat>> {
        chats::chats(&self.pool, filter).await
    }
    async fn apply_decision(
        &self,
        decision: &Decision,
        note: Option<NewMessage>,
    ) -> Result<(Chat, Option<Message>)> {
        chats::apply_decision(&self.pool, decision, note).await
    }
    async fn chat_history(&self, chat: ChatId) -> Result<Vec<ChatHistoryEntry>> {
        history::of_chat(&self.pool, chat).await
    }
}

#[async_trait]
impl MessageLog for PgStore {
    async fn append_message(&self, message: NewMessage) -> Result<Appended> {
        self.writer.append(message).await
    }
    async fn messages_after(
        &self,
        stream: StreamId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>> {
        messages::messages_after(&self.pool, stream, after, limit).await
    }
    async fn patron_messages_after(
        &self,
        chat: ChatId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>> {
        messages::patron_messages_after(&self.pool, chat, after, limit).await
    }
}

#[async_trait]
impl TimerStore for PgStore {
    async fn set_timers(&self, ops: &[TimerOp]) -> Result<()> {
        timers::set_timers(&self.pool, ops).await
    }
    async fn claim_due_timers(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedTimer>> {
        timers::claim_due(&self.pool, now, lease_until, limit).await
    }
    async fn finish_timer(&self, claimed: &ClaimedTimer) -> Result<()> {
        timers::finish(&self.pool, claimed).await
    }
    async fn next_timer_due(&self) -> Result<Option<OffsetDateTime>> {
        timers::next_due(&self.pool).await
    }
}

#[async_trait]
impl MigrationStore for PgStore {
    async fn directory_snapshot(&self) -> Result<Directory> {
        dump::directory_snapshot(&self.pool).await
    }
    async fn guests_page(
        &self,
        after: Option<GuestId>,
        limit: u32,
    ) -> Result<Vec<(Guest, TokenHash)>> {
        dump::guests_page(&self.pool, after, limit).await
    }
    async fn chats_page(&self, after: Option<ChatId>, limit: u32) -> Result<Vec<Chat>> {
        dump::chats_page(&self.pool, after, limit).await
    }
    async fn rows_page(&self, table: Table, offset: u64, limit: u32) -> Result<Rows> {
        dump::rows_page(&self.pool, table, offset, limit).await
    }
    async fn restore_directory(&self, directory: &Directory) -> Result<()> {
        dump::restore_directory(&self.pool, directory).await
    }
    async fn restore_guests(&self, guests: &[(Guest, TokenHash)]) -> Result<()> {
        dump::restore_guests(&self.pool, guests).await
    }
    async fn restore_chat(&self, chat: &Chat) -> Result<()> {
        dump::restore_chat(&self.pool, chat).await
    }
    async fn restore_messages(&self, messages: &[Message]) -> Result<()> {
        dump::restore_messages(&self.pool, messages).await
    }
    async fn restore_rows(&self, rows: &Rows) -> Result<()> {
        dump::restore_rows(&self.pool, rows).await
    }
}
