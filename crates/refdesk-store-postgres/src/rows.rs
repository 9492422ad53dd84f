//! Private row types: what a query returns, column for column, and how it becomes a domain
//! value. Stored text was validated on the way in, so a value the domain types refuse here is
//! a corrupt row, reported as an error rather than hidden.

use crate::error::corrupt;
use refdesk_core::{
    Chat, ChatState, ChatStatus, ClientMsgId, Department, DisplayName, Email, Guest, Institution,
    Message, MessageBody, MessageKind, Role, Sender, Seq, User, Widget,
};
use refdesk_store::sequencer::ChatHead;
use time::OffsetDateTime;
use uuid::Uuid;

/// The columns of `chats` that make a [`ChatRow`], for `SELECT` and `RETURNING`.
macro_rules! chat_columns {
    () => {
        "id, institution_id, department_id, widget_id, guest_id, status, operator_id, \
         patron_name, patron_email, question, referrer, user_agent, created_at, claimed_at, \
         ended_at, last_seq"
    };
}

/// The columns of `messages` that make a [`MessageRow`].
macro_rules! message_columns {
    () => {
        "id, chat_id, seq, kind, sender, body, client_msg_id, created_at"
    };
}

/// Inserts message rows given as eight arrays `$1`–`$8`, bound by
/// [`bind_message_rows`](crate::messages::bind_message_rows).
macro_rules! insert_message_rows {
    () => {
        concat!(
            "INSERT INTO messages (",
            message_columns!(),
            ") SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::text[], $5::text[], \
             $6::text[], $7::text[], $8::timestamptz[])"
        )
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

fn seq(n: i64) -> Decoded<Seq> {
    u64::try_from(n)
        .map(Seq)
        .map_err(|_| corrupt(format_args!("negative sequence number {n}")))
}

pub(crate) fn status(s: &str) -> Decoded<ChatStatus> {
    ChatStatus::parse(s).ok_or_else(|| corrupt(format_args!("unknown chat status {s:?}")))
}

/// A sequence number as PostgreSQL's BIGINT.
pub(crate) fn seq_param(seq: Seq) -> i64 {
    i64::try_from(seq.0).unwrap_or(i64::MAX)
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
}

impl WidgetRow {
    pub(crate) fn decode(self) -> Decoded<Widget> {
        Ok(Widget {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            department_id: self.department_id.into(),
            name: name(self.name)?,
            allowed_origins: self.allowed_origins,
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
            created_at: self.created_at,
            claimed_at: self.claimed_at,
            ended_at: self.ended_at,
            last_seq: seq(self.last_seq)?,
        })
    }
}

/// What the append path reads of a chat, under its row lock.
#[derive(sqlx::FromRow)]
pub(crate) struct HeadRow {
    pub(crate) id: Uuid,
    status: String,
    last_seq: i64,
}

impl HeadRow {
    pub(crate) fn decode(&self) -> Decoded<ChatHead> {
        Ok(ChatHead {
            status: status(&self.status)?,
            last_seq: seq(self.last_seq)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: Uuid,
    chat_id: Uuid,
    seq: i64,
    kind: String,
    sender: String,
    body: String,
    client_msg_id: Option<String>,
    created_at: OffsetDateTime,
}

impl MessageRow {
    pub(crate) fn decode(self) -> Decoded<Message> {
        Ok(Message {
            id: self.id.into(),
            chat_id: self.chat_id.into(),
            seq: seq(self.seq)?,
            kind: MessageKind::parse(&self.kind)
                .ok_or_else(|| corrupt(format_args!("unknown message kind {:?}", self.kind)))?,
            sender: Sender::parse_key(&self.sender)
                .ok_or_else(|| corrupt(format_args!("unknown sender {:?}", self.sender)))?,
            body: MessageBody::parse(&self.body).map_err(corrupt)?,
            client_msg_id: self
                .client_msg_id
                .map(|c| ClientMsgId::parse(&c).map_err(corrupt))
                .transpose()?,
            created_at: self.created_at,
        })
    }
}
