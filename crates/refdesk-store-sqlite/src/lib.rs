//! The SQLite backend of refdesk: the embedded default, one file next to the binary.
//!
//! Every write goes through one writer task that commits in groups ([`writer`]), so many senders
//! share one fsync while each is answered only once its change is durable. Reads run on a small
//! pool of read-only connections, which WAL lets proceed while the writer writes. The schema is
//! in `migrations/`, applied when the store is opened.
#![forbid(unsafe_code)]

mod admin;
mod append;
mod attachments;
pub mod backup;
mod canned;
mod chats;
mod conversations;
mod directory;
mod dump;
mod faqs;
mod grants;
mod history;
mod mail;
mod monitoring;
mod policies;
mod privacy;
mod ratings;
mod reports;
mod rows;
mod tags;
#[cfg(test)]
mod tests;
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
    Appended, ChatFilter, ChatStore, ClaimedTimer, DirectoryStore, MessageLog, NewChat, Result,
    SessionRecord, SessionStore, StoreError, TimerStore, TokenHash, TotpState, UserRecord,
};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, SqliteConnection};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;
use writer::Writer;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Page cache of the writer's connection, in KiB (negative, as SQLite takes it): the pages of
/// busy chats stay in memory between batches.
const WRITER_CACHE: &str = "-32768";

/// How much of the database file each reader may map into memory, in bytes (SQLite maps what
/// it reads, up to this).
const READER_MMAP: &str = "1073741824";

/// How hard a commit waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Every commit is fsynced before it is acknowledged: nothing acknowledged is lost, even on
    /// power failure.
    #[default]
    Full,
    /// Commits survive a crash of the process, but the last ones may be lost on power failure.
    Normal,
}

/// Tuning of the SQLite store; the defaults suit a single server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    pub synchronous: Synchronous,
    /// The most requests committed in one transaction.
    pub max_batch: usize,
    /// Connections of the read pool.
    pub read_connections: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::Full,
            max_batch: 512,
            read_connections: 4,
        }
    }
}

/// The store on one SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    writer: Writer,
}

/// The options of every connection, from a `sqlite:PATH` or `sqlite://PATH` URL.
fn connect_options(url: &str, synchronous: Synchronous) -> Result<SqliteConnectOptions> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() || path.contains(":memory:") || path.contains("mode=memory") {
        return Err(StoreError::other(sqlx::Error::Configuration(
            format!("{url:?}: the SQLite store needs a database file, not an in-memory database")
                .into(),
        )));
    }
    let options = SqliteConnectOptions::from_str(url).map_err(StoreError::other)?;
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match synchronous {
            Synchronous::Full => SqliteSynchronous::Full,
            Synchronous::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_millis(5000))
        // Statement journals (kept while a multi-row statement runs inside the batch
        // transaction) stay in memory instead of spilling to temporary files.
        .pragma("temp_store", "memory")
        // Checkpoint less often than every 1,000 pages: the pages a busy chat keeps rewriting
        // are copied back once per checkpoint, whatever the number of commits in between.
        .pragma("wal_autocheckpoint", "10000"))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite:PATH` or `sqlite://PATH`),
    /// brings its schema up to date, and starts the writer.
    pub async fn open(url: &str, options: SqliteOptions) -> Result<SqliteStore> {
        let connect = connect_options(url, options.synchronous)?;
        let mut conn: SqliteConnection = connect
            .clone()
            .pragma("cache_size", WRITER_CACHE)
            .connect()
            .await
            .map_err(StoreError::other)?;
        MIGRATOR.run(&mut conn).await.map_err(|e| {
            tracing::error!(error = %e, "migrating the SQLite database failed");
            StoreError::other(e)
        })?;
        let read = SqlitePoolOptions::new()
            .max_connections(options.read_connections.max(1))
            .connect_with(
                connect
                    .read_only(true)
                    // Long reads (a year of reports) map the file rather than copying each
                    // page through a small cache, and take their rows in large batches.
                    .pragma("mmap_size", READER_MMAP)
                    .row_buffer_size(1024),
            )
            .await
            .map_err(StoreError::other)?;
        Ok(SqliteStore {
            read,
            writer: Writer::start(conn, options.max_batch),
        })
    }
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(StoreError::other)?;
        Ok(())
    }

    async fn create_institution(&self, institution: &Institution) -> Result<()> {
        let i = institution.clone();
        self.writer
            .exec(move |c| Box::pin(async move { directory::insert_institution(c, &i).await }))
            .await
    }
    async fn institution(&self, id: InstitutionId) -> Result<Institution> {
        directory::institution(&self.read, id).await
    }
    async fn institution_by_slug(&self, slug: &str) -> Result<Institution> {
        directory::institution_by_slug(&self.read, slug).await
    }
    async fn institution_policy(&self, institution: InstitutionId) -> Result<InstitutionPolicy> {
        policies::policy(&self.read, institution).await
    }
    async fn set_institution_policy(
        &self,
        institution: InstitutionId,
        policy: &InstitutionPolicy,
    ) -> Result<()> {
        let p = policy.clone();
        self.writer
            .exec(move |c| Box::pin(async move { policies::set_policy(c, institution, &p).await }))
            .await
    }
    async fn create_department(&self, department: &Department) -> Result<()> {
        let d = department.clone();
        self.writer
            .exec(move |c| Box::pin(async move { directory::insert_department(c, &d).await }))
            .await
    }
    async fn department(&self, id: DepartmentId) -> Result<Department> {
        directory::department(&self.read, id).await
    }
    async fn departments(&self, institution: InstitutionId) -> Result<Vec<Department>> {
        directory::departments(&self.read, institution).await
    }
    async fn create_widget(&self, widget: &Widget) -> Result<()> {
        let w = widget.clone();
        self.writer
            .exec(move |c| Box::pin(async move { directory::insert_widget(c, &w).await }))
            .await
    }
    async fn widget(&self, id: WidgetId) -> Result<Widget> {
        directory::widget(&self.read, id).await
    }
    async fn widgets(&self, institution: InstitutionId) -> Result<Vec<Widget>> {
        directory::widgets(&self.read, institution).await
    }
    async fn update_widget(&self, widget: &Widget) -> Result<()> {
        let w = widget.clone();
        self.writer
            .exec(move |c| Box::pin(async move { directory::update_widget(c, &w).await }))
            .await
    }
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<()> {
        let (u, hash) = (user.clone(), password_hash.to_owned());
        self.writer
            .exec(move |c| Box::pin(async move { directory::insert_user(c, &u, &hash).await }))
            .await
    }
    async fn user(&self, id: UserId) -> Result<User> {
        directory::user(&self.read, id).await
    }
    async fn user_by_email(&self, email: &Email) -> Result<UserRecord> {
        directory::user_by_email(&self.read, email).await
    }
    async fn create_coop(&self, coop: &Coop) -> Result<()> {
        let c = coop.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { grants::insert_coop(conn, &c).await }))
            .await
    }
    async fn add_coop_member(&self, coop: CoopId, institution: InstitutionId) -> Result<()> {
        self.writer
            .exec(move |c| {
                Box::pin(async move { grants::add_coop_member(c, coop, institution).await })
            })
            .await
    }
    async fn coop_members(&self, coops: &[CoopId]) -> Result<Vec<(CoopId, InstitutionId)>> {
        grants::coop_members(&self.read, coops).await
    }
    async fn coop_hours(&self, coop: CoopId, institution: InstitutionId) -> Result<CoopHours> {
        grants::coop_hours(&self.read, coop, institution).await
    }
    async fn set_coop_hours(
        &self,
        coop: CoopId,
        institution: InstitutionId,
        hours: &CoopHours,
    ) -> Result<()> {
        let json = serde_json::to_string(hours).map_err(StoreError::other)?;
        self.writer
            .exec(move |c| {
                Box::pin(async move { grants::set_coop_hours(c, coop, institution, json).await })
            })
            .await
    }
    async fn coops(&self, ids: &[CoopId]) -> Result<Vec<Coop>> {
        grants::coops(&self.read, ids).await
    }
    async fn coops_of_institution(&self, institution: InstitutionId) -> Result<Vec<Coop>> {
        grants::coops_of_institution(&self.read, institution).await
    }
    async fn grants_of(&self, user: UserId) -> Result<Vec<Grant>> {
        grants::grants_of(&self.read, user).await
    }
    async fn add_grant(&self, user: UserId, grant: Grant) -> Result<()> {
        self.writer
            .exec(move |c| Box::pin(async move { grants::insert_grant(c, user, grant).await }))
            .await
    }
    async fn remove_grant(&self, user: UserId, grant: Grant) -> Result<bool> {
        self.writer
            .exec(move |c| Box::pin(async move { grants::delete_grant(c, user, grant).await }))
            .await
    }
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        let s = session.clone();
        self.writer
            .exec(move |c| Box::pin(async move { directory::insert_session(c, &s).await }))
            .await
    }
    async fn session_user(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
        idle_since: OffsetDateTime,
    ) -> Result<User> {
        directory::session_user(&self.read, token, now, idle_since).await
    }
    async fn totp_of(&self, user: UserId) -> Result<TotpState> {
        directory::totp_of(&self.read, user).await
    }
    async fn set_totp(&self, user: UserId, state: &TotpState) -> Result<()> {
        let state = state.clone();
        self.writer
            .exec(move |c| Box::pin(async move { directory::set_totp(c, user, &state).await }))
            .await
    }
    async fn use_totp_step(&self, user: UserId, step: u64) -> Result<bool> {
        self.writer
            .exec(move |c| Box::pin(async move { directory::use_totp_step(c, user, step).await }))
            .await
    }
    async fn touch_sessions(&self, tokens: &[TokenHash], at: OffsetDateTime) -> Result<()> {
        let tokens = tokens.to_vec();
        self.writer
            .exec(move |c| Box::pin(async move { directory::touch_sessions(c, &tokens, at).await }))
            .await
    }
    async fn delete_session(&self, token: &TokenHash) -> Result<()> {
        let t = *token;
        self.writer
            .exec(move |c| Box::pin(async move { directory::delete_session(c, &t).await }))
            .await
    }
    async fn change_password(&self, user: UserId, password_hash: &str) -> Result<Vec<TokenHash>> {
        let hash = password_hash.to_owned();
        self.writer
            .exec(move |c| {
                Box::pin(async move { directory::change_password(c, user, &hash).await })
            })
            .await
    }
    async fn create_guest(&self, guest: &Guest, token: &TokenHash) -> Result<()> {
        let (g, t) = (guest.clone(), *token);
        self.writer
            .exec(move |c| Box::pin(async move { directory::insert_guest(c, &g, &t).await }))
            .await
    }
    async fn guest_by_token(&self, token: &TokenHash) -> Result<Guest> {
        directory::guest_by_token(&self.read, token).await
    }
}

#[async_trait]
impl ChatStore for SqliteStore {
    async fn start_chat(&self, chat: &NewChat, question: Option<NewMessage>) -> Result<Chat> {
        let new = chat.clone();
        self.writer
            .exec(move |c| Box::pin(async move { chats::start(c, &new, question).await }))
            .await
    }
    async fn chat(&self, id: ChatId) -> Result<Chat> {
        chats::chat(&self.read, id).await
    }
    async fn chats_of_guest(&self, guest: GuestId, since: OffsetDateTime) -> Result<Vec<Chat>> {
        chats::chats_of_guest(&self.read, guest, since).await
    }
    async fn open_chat_of_guest(&self, guest: GuestId) -> Result<Option<Chat>> {
        chats::open_chat_of_guest(&self.read, guest).await
    }
    async fn chats_held(&self, operators: &[UserId]) -> Result<Vec<(UserId, u32)>> {
        monitoring::chats_held(&self.read, operators).await
    }
    async fn chats_of_operator(&self, operator: UserId) -> Result<Vec<Chat>> {
        monitoring::chats_of_operator(&self.read, operator).await
    }
    async fn chats(&self, filter: &ChatFilter) -> Result<Vec<Chat>> {
        chats::chats(&self.read, filter).await
    }
    async fn apply_decision(
        &self,
        decision: &Decision,
        note: Option<NewMessage>,
    ) -> Result<(Chat, Option<Message>)> {
        let d = decision.clone();
        self.writer
            .exec(move |c| Box::pin(async move { chats::apply_decision(c, &d, note).await }))
            .await
    }
    async fn chat_history(&self, chat: ChatId) -> Result<Vec<ChatHistoryEntry>> {
        history::of_chat(&self.read, chat).await
    }
}

#[async_trait]
impl MessageLog for SqliteStore {
    async fn append_message(&self, message: NewMessage) -> Result<Appended> {
        self.writer.append(message).await
    }
    async fn messages_after(
        &self,
        stream: StreamId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>> {
        chats::messages_after(&self.read, stream, after, limit).await
    }
    async fn patron_messages_after(
        &self,
        chat: ChatId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>> {
        chats::patron_messages_after(&self.read, chat, after, limit).await
    }
}

#[async_trait]
impl TimerStore for SqliteStore {
    async fn set_timers(&self, ops: &[TimerOp]) -> Result<()> {
        let ops = ops.to_vec();
        self.writer
            .exec(move |c| Box::pin(async move { timers::apply(c, &ops).await }))
            .await
    }
    async fn claim_due_timers(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedTimer>> {
        self.writer
            .exec(move |c| {
                Box::pin(async move { timers::claim_due(c, now, lease_until, limit).await })
            })
            .await
    }
    async fn finish_timer(&self, claimed: &ClaimedTimer) -> Result<()> {
        let claimed = *claimed;
        self.writer
            .exec(move |c| Box::pin(async move { timers::finish(c, &claimed).await }))
            .await
    }
    async fn next_timer_due(&self) -> Result<Option<OffsetDateTime>> {
        timers::next_due(&self.read).await
    }
}
