//! Private row types: what a query returns, column for column, and how it becomes a domain
//! value. Stored text was validated on the way in, so a value the domain types refuse here is
//! a corrupt row, reported as an error rather than hidden.

use crate::error::corrupt;
use refdesk_core::{
    Chat, ChatEvent, ChatHistoryEntry, ChatState, ChatStatus, ClientMsgId, Department, DisplayName,
    Email, Grant, Guest, Heads, Institution, Message, MessageBody, MessageKind, Role, Sender, Seq,
    StreamId, Timer, TimerKey, TimerKind, User, Widget,
};
use refdesk_store::sequencer::StreamHead;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

/// The columns of `chats` that make a [`ChatRow`], for `SELECT` and `RETURNING`.
macro_rules! chat_columns {
    () => {
        "id, institution_id, department_id, widget_id, guest_id, status, operator_id, \
         patron_name, patron_email, question, referrer, user_agent, created_at, claimed_at, \
         ended_at, last_seq, version, answered_by, last_patron_seq, step, coop_id, companions, \
         patron_ip"
    };
}

/// The columns of `messages` that make a [`MessageRow`].
macro_rules! message_columns {
    () => {
        "id, stream_id, seq, kind, sender, body, client_msg_id, created_at, patron_seq"
    };
}

/// Inserts message rows given as nine arrays `$1`–`$9`, bound by
/// [`bind_message_rows`](crate::messages::bind_message_rows).
macro_rules! insert_message_rows {
    () => {
        concat!(
            "INSERT INTO messages (",
            message_columns!(),
            ") SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::timestamptz[], $9::int8[])"
        )
    };
}

/// The columns of `chat_events` that make a [`HistoryRow`].
macro_rules! history_columns {
    () => {
        "chat_id, version, at, institution_id, department_id, event"
    };
}

/// The columns of `timers` that make a [`TimerRow`].
macro_rules! timer_columns {
    () => {
        "kind, subject, due_at, version"
    };
}

/// The columns of `users` that make a [`UserRow`].
macro_rules! user_columns {
    () => {
        "id, institution_id, email, name, role, password_hash"
    };
}

type Decoded<T> = Result<T, sqlx::Error>;

fn name(s: String) -> Decoded<DisplayName> {
    DisplayName::parse(&s).map_err(corrupt)
}

pub(crate) fn seq(n: i64) -> Decoded<Seq> {
    u64::try_from(n)
        .map(Seq)
        .map_err(|_| corrupt(format_args!("negative sequence number {n}")))
}

fn version(n: i64) -> Decoded<u64> {
    u64::try_from(n).map_err(|_| corrupt(format_args!("negative version {n}")))
}

pub(crate) fn status(s: &str) -> Decoded<ChatStatus> {
    ChatStatus::parse(s).ok_or_else(|| corrupt(format_args!("unknown chat status {s:?}")))
}

/// A sequence number as PostgreSQL's BIGINT.
pub(crate) fn seq_param(seq: Seq) -> i64 {
    i64::try_from(seq.0).unwrap_or(i64::MAX)
}

/// A version (of a chat, or the one a timer was set against) as PostgreSQL's BIGINT; refused
/// rather than clamped, since a clamped version would compare equal to another one.
pub(crate) fn version_param(v: u64) -> Result<i64, refdesk_store::StoreError> {
    i64::try_from(v).map_err(|_| refdesk_store::StoreError::corrupt("version beyond BIGINT"))
}

/// A row count or offset as PostgreSQL's BIGINT.
pub(crate) fn count_param(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[derive(sqlx::FromRow)]
pub(crate) struct InstitutionRow {
    id: Uuid,
    name: String,
    slug: String,
}

impl InstitutionRow {
    pub(crate) fn decode(self) -> Decoded<Institution> {
        Ok(Institution {
            id: self.id.into(),
            name: name(self.name)?,
            slug: self.slug,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DepartmentRow {
    id: Uuid,
    institution_id: Uuid,
    name: String,
}

impl DepartmentRow {
    pub(crate) fn decode(self) -> Decoded<Department> {
        Ok(Department {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            name: name(self.name)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WidgetRow {
    id: Uuid,
    institution_id: Uuid,
    department_id: Uuid,
    name: String,
    allowed_origins: Vec<String>,
    settings: String,
}

impl WidgetRow {
    pub(crate) fn decode(self) -> Decoded<Widget> {
        Ok(Widget {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            department_id: self.department_id.into(),
            name: name(self.name)?,
            allowed_origins: self.allowed_origins,
            settings: serde_json::from_str(&self.settings)
                .map_err(|e| sqlx::Error::Decode(format!("widgets.settings: {e}").into()))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: Uuid,
    institution_id: Uuid,
    email: String,
    name: String,
    role: String,
    pub(crate) password_hash: String,
}

impl UserRow {
    pub(crate) fn decode(&self) -> Decoded<User> {
        Ok(User {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            email: Email::parse(&self.email).map_err(corrupt)?,
            name: name(self.name.clone())?,
            role: Role::parse(&self.role)
                .ok_or_else(|| corrupt(format_args!("unknown role {:?}", self.role)))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct GuestRow {
    id: Uuid,
    widget_id: Uuid,
    created_at: OffsetDateTime,
}

impl GuestRow {
    pub(crate) fn decode(self) -> Guest {
        Guest {
            id: self.id.into(),
            widget_id: self.widget_id.into(),
            created_at: self.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ChatRow {
    id: Uuid,
    institution_id: Uuid,
    department_id: Uuid,
    widget_id: Uuid,
    guest_id: Uuid,
    status: String,
    operator_id: Option<Uuid>,
    patron_name: Option<String>,
    patron_email: Option<String>,
    question: Option<String>,
    referrer: Option<String>,
    user_agent: Option<String>,
    created_at: OffsetDateTime,
    claimed_at: Option<OffsetDateTime>,
    ended_at: Option<OffsetDateTime>,
    last_seq: i64,
    version: i64,
    answered_by: Option<Uuid>,
    last_patron_seq: i64,
    step: i32,
    coop_id: Option<Uuid>,
    companions: Vec<Uuid>,
    patron_ip: Option<String>,
}

impl ChatRow {
    pub(crate) fn decode(self) -> Decoded<Chat> {
        let status = status(&self.status)?;
        let state =
            ChatState::from_parts(status, self.operator_id.map(Into::into)).ok_or_else(|| {
                corrupt(format_args!(
                    "chat {} is {status:?} with operator {:?}",
                    self.id, self.operator_id
                ))
            })?;
        Ok(Chat {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            department_id: self.department_id.into(),
            widget_id: self.widget_id.into(),
            guest_id: self.guest_id.into(),
            state,
            patron_name: self.patron_name.map(name).transpose()?,
            patron_email: self
                .patron_email
                .map(|e| Email::parse(&e).map_err(corrupt))
                .transpose()?,
            question: self
                .question
                .map(|q| MessageBody::parse(&q).map_err(corrupt))
                .transpose()?,
            referrer: self.referrer,
            user_agent: self.user_agent,
            patron_ip: self.patron_ip,
            created_at: self.created_at,
            claimed_at: self.claimed_at,
            ended_at: self.ended_at,
            last_seq: seq(self.last_seq)?,
            version: version(self.version)?,
            answered_by: self.answered_by.map(Into::into),
            last_patron_seq: seq(self.last_patron_seq)?,
            step: u32::try_from(self.step).map_err(|_| corrupt("chats.step is negative"))?,
            coop_id: self.coop_id.map(Into::into),
            companions: self.companions.into_iter().map(Into::into).collect(),
        })
    }
}

/// What the append path reads of a chat or (with no status) a conversation, under its row
/// lock.
#[derive(sqlx::FromRow)]
pub(crate) struct HeadRow {
    pub(crate) id: Uuid,
    status: Option<String>,
    last_seq: i64,
    last_patron_seq: i64,
}

impl HeadRow {
    pub(crate) fn decode(&self) -> Decoded<StreamHead> {
        let heads = Heads {
            seq: seq(self.last_seq)?,
            patron_seq: seq(self.last_patron_seq)?,
        };
        Ok(match &self.status {
            Some(s) => StreamHead::of_chat(status(s)?, heads),
            None => StreamHead::of_conversation(heads.seq),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: Uuid,
    stream_id: Uuid,
    seq: i64,
    kind: String,
    sender: String,
    body: String,
    client_msg_id: Option<String>,
    created_at: OffsetDateTime,
    patron_seq: Option<i64>,
}

impl MessageRow {
    /// The uuid of the row's stream (the row alone does not say whether it is a chat's).
    pub(crate) fn stream_uuid(&self) -> Uuid {
        self.stream_id
    }

    /// The message, as one of `stream`, which the caller read it for.
    pub(crate) fn decode(self, stream: StreamId) -> Decoded<Message> {
        if self.stream_id != *stream.as_uuid() {
            return Err(corrupt("a message read for another stream"));
        }
        Ok(Message {
            id: self.id.into(),
            stream,
            seq: seq(self.seq)?,
            patron_seq: self.patron_seq.map(seq).transpose()?,
            kind: MessageKind::parse(&self.kind)
                .ok_or_else(|| corrupt(format_args!("unknown message kind {:?}", self.kind)))?,
            sender: Sender::parse_key(&self.sender)
                .ok_or_else(|| corrupt(format_args!("unknown sender {:?}", self.sender)))?,
            body: MessageBody::stored(&self.body).map_err(corrupt)?,
            client_msg_id: self
                .client_msg_id
                .map(|c| ClientMsgId::parse(&c).map_err(corrupt))
                .transpose()?,
            created_at: self.created_at,
        })
    }
}

/// A row of `chat_events`; see [`history_columns!`].
#[derive(sqlx::FromRow)]
pub(crate) struct HistoryRow {
    chat_id: Uuid,
    version: i64,
    at: OffsetDateTime,
    institution_id: Uuid,
    department_id: Uuid,
    event: Json<ChatEvent>,
}

impl HistoryRow {
    pub(crate) fn decode(self) -> Decoded<ChatHistoryEntry> {
        Ok(ChatHistoryEntry {
            chat_id: self.chat_id.into(),
            version: version(self.version)?,
            at: self.at,
            event: self.event.0,
            institution_id: self.institution_id.into(),
            department_id: self.department_id.into(),
        })
    }
}

/// A row of `timers`; see [`timer_columns!`].
#[derive(sqlx::FromRow)]
pub(crate) struct TimerRow {
    kind: String,
    subject: Uuid,
    due_at: OffsetDateTime,
    version: i64,
}

impl TimerRow {
    pub(crate) fn decode(self) -> Decoded<Timer> {
        Ok(Timer {
            key: TimerKey {
                kind: TimerKind::parse(&self.kind)
                    .ok_or_else(|| corrupt(format_args!("unknown timer kind {:?}", self.kind)))?,
                subject: self.subject,
            },
            due_at: self.due_at,
            version: version(self.version)?,
        })
    }
}

/// The scope column of a grant: the nil UUID for a system-wide one.
pub(crate) fn scope_param(g: &Grant) -> Uuid {
    g.scope().unwrap_or(Uuid::nil())
}

/// A grant from its `kind` and `scope` columns.
pub(crate) fn grant(kind: &str, scope: Uuid) -> Decoded<Grant> {
    let scope = (!scope.is_nil()).then_some(scope);
    Grant::from_parts(kind, scope)
        .ok_or_else(|| corrupt(format_args!("grant {kind:?} with scope {scope:?}")))
}
