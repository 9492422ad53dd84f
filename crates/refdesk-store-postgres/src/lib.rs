//! The PostgreSQL backend of the refdesk `Store`, for installations that run several server
//! nodes against one database.
//!
//! Every race is decided by the database, never by a node: claims and other state changes are
//! conditional updates, one open chat per patron is a partial unique index, and message
//! sequence numbers are taken under the chat row's lock. Sends are group-committed by a few
//! writer tasks (module `writer`), so many messages share one transaction and one fsync.
#![forbid(unsafe_code)]

#[macro_use]
mod rows;
mod chats;
mod commit;
mod directory;
mod dump;
mod error;
mod messages;
mod writer;

use async_trait::async_trait;
use refdesk_core::{
    Chat, ChatId, Department, DepartmentId, Email, Guest, GuestId, Institution, InstitutionId,
    Message, NewMessage, Seq, Transition, User, UserId, Widget, WidgetId,
};
use refdesk_store::{
    Appended, ChatFilter, Directory, NewChat, Result, SessionRecord, Store, StoreError, TokenHash,
    UserRecord,
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
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .connect(url)
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
impl Store for PgStore {
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
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<()> {
        directory::create_user(&self.pool, user, password_hash).await
    }
    async fn user(&self, id: UserId) -> Result<User> {
        directory::user(&self.pool, id).await
    }
    async fn user_by_email(&self, email: &Email) -> Result<UserRecord> {
        directory::user_by_email(&self.pool, email).await
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        directory::create_session(&self.pool, session).await
    }
    async fn session_user(&self, token: &TokenHash, now: OffsetDateTime) -> Result<User> {
        directory::session_user(&self.pool, token, now).await
    }
    async fn delete_session(&self, token: &TokenHash) -> Result<()> {
        directory::delete_session(&self.pool, token).await
    }
    async fn create_guest(&self, guest: &Guest, token: &TokenHash) -> Result<()> {
        directory::create_guest(&self.pool, guest, token).await
    }
    async fn guest_by_token(&self, token: &TokenHash) -> Result<Guest> {
        directory::guest_by_token(&self.pool, token).await
    }

    async fn start_chat(&self, chat: &NewChat, question: Option<NewMessage>) -> Result<Chat> {
        chats::start_chat(&self.pool, chat, question).await
    }
    async fn chat(&self, id: ChatId) -> Result<Chat> {
        chats::chat(&self.pool, id).await
    }
    async fn open_chat_of_guest(&self, guest: GuestId) -> Result<Option<Chat>> {
        chats::open_chat_of_guest(&self.pool, guest).await
    }
    async fn chats(&self, filter: &ChatFilter) -> Result<Vec<Chat>> {
        chats::chats(&self.pool, filter).await
    }
    async fn transition_chat(
        &self,
        chat: ChatId,
        transition: &Transition,
        at: OffsetDateTime,
        note: NewMessage,
    ) -> Result<(Chat, Message)> {
        chats::transition_chat(&self.pool, chat, transition, at, note).await
    }

    async fn append_message(&self, message: NewMessage) -> Result<Appended> {
        self.writer.append(message).await
    }
    async fn messages_after(&self, chat: ChatId, after: Seq, limit: u32) -> Result<Vec<Message>> {
        messages::messages_after(&self.pool, chat, after, limit).await
    }

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
}
