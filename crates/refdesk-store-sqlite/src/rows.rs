//! How domain values are laid out in SQLite, in one place: row types private to this crate and
//! their conversions, the microsecond timestamp encoding, and the mapping of database errors.
//!
//! A row that cannot be turned back into a domain value (an unknown enum, text that no longer
//! parses) is reported as corrupt rather than repaired.

use refdesk_core::{
    Chat, ChatState, ChatStatus, ClientMsgId, Department, DisplayName, Email, Guest, Institution,
    Message, MessageBody, MessageKind, Role, Sender, Seq, StreamId, TextError, User, Widget,
};
use refdesk_store::{Conflict, NewChat, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The columns of `chats`, in the order of [`ChatRow`]'s fields (a macro, so that it can be
/// spliced into `&'static str` queries with `concat!`).
macro_rules! chat_columns {
    () => {
        "id, institution_id, department_id, widget_id, guest_id, status, operator_id, \
         patron_name, patron_email, question, referrer, user_agent, created_at, claimed_at, \
         ended_at, last_seq, version, answered_by, last_patron_seq, step, coop_id, companions, \
         patron_ip"
    };
}
pub(crate) use chat_columns;

/// The columns of `messages`, in the order of [`MessageRow`]'s fields.
macro_rules! message_columns {
    () => {
        "stream_id, seq, id, kind, sender, body, client_msg_id, created_at, patron_seq"
    };
}
pub(crate) use message_columns;

/// Ids as the JSON array of hex strings that `SELECT unhex(value) FROM json_each($n)` reads:
/// how a query takes a list of ids.
pub(crate) fn hex_array<T: Into<Uuid> + Copy>(ids: &[T]) -> Result<String> {
    let ids: Vec<String> = ids
        .iter()
        .map(|i| (*i).into().simple().to_string())
        .collect();
    serde_json::to_string(&ids).map_err(StoreError::other)
}

// --- timestamps ---------------------------------------------------------------------------------

/// Microseconds since the Unix epoch, rounded down.
pub(crate) fn micros(t: OffsetDateTime) -> i64 {
    // An `OffsetDateTime` spans years ±9999, well inside i64 microseconds.
    t.unix_timestamp_nanos().div_euclid(1000) as i64
}

pub(crate) fn from_micros(us: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .map_err(|e| StoreError::corrupt(format!("timestamp {us} out of range: {e}")))
}

/// The instant as it will read back from the database: UTC, whole microseconds.
pub(crate) fn stored_instant(t: OffsetDateTime) -> OffsetDateTime {
    from_micros(micros(t)).unwrap_or(t)
}

fn opt_from_micros(us: Option<i64>) -> Result<Option<OffsetDateTime>> {
    us.map(from_micros).transpose()
}

// --- errors ---------------------------------------------------------------------------------------

pub(crate) fn db(e: sqlx::Error) -> StoreError {
    StoreError::other(e)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// Maps a unique violation to `conflict`, anything else to a storage failure.
pub(crate) fn unique_is(conflict: Conflict) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            conflict.into()
        } else {
            db(e)
        }
    }
}

/// Whether `e` is the violation of the unique index that keeps one open chat per guest.
pub(crate) fn is_second_open_chat(e: &sqlx::Error) -> bool {
    is_unique_violation(e)
        && e.as_database_error()
            .is_some_and(|d| d.message().contains("chats.guest_id"))
}

pub(crate) fn text<T>(
    column: &str,
    value: &str,
    parse: fn(&str) -> Result<T, TextError>,
) -> Result<T> {
    parse(value).map_err(|e| StoreError::corrupt(format!("{column}: {e}")))
}

fn opt_text<T>(
    column: &str,
    value: Option<String>,
    parse: fn(&str) -> Result<T, TextError>,
) -> Result<Option<T>> {
    value.map(|v| text(column, &v, parse)).transpose()
}

pub(crate) fn seq(column: &str, value: i64) -> Result<Seq> {
    u64::try_from(value)
        .map(Seq)
        .map_err(|_| StoreError::corrupt(format!("{column}: negative sequence number")))
}

pub(crate) fn seq_column(value: Seq) -> Result<i64> {
    i64::try_from(value.0).map_err(|_| StoreError::corrupt("sequence number beyond i64"))
}

// --- rows -----------------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
pub(crate) struct InstitutionRow {
    id: Uuid,
    name: String,
    slug: String,
}

impl TryFrom<InstitutionRow> for Institution {
    type Error = StoreError;
    fn try_from(r: InstitutionRow) -> Result<Self> {
        Ok(Institution {
            id: r.id.into(),
            name: text("institutions.name", &r.name, DisplayName::parse)?,
            slug: r.slug,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DepartmentRow {
    id: Uuid,
    institution_id: Uuid,
    name: String,
}

impl TryFrom<DepartmentRow> for Department {
    type Error = StoreError;
    fn try_from(r: DepartmentRow) -> Result<Self> {
        Ok(Department {
            id: r.id.into(),
            institution_id: r.institution_id.into(),
            name: text("departments.name", &r.name, DisplayName::parse)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WidgetRow {
    id: Uuid,
    institution_id: Uuid,
    department_id: Uuid,
    name: String,
    allowed_origins: String,
    settings: String,
}

impl TryFrom<WidgetRow> for Widget {
    type Error = StoreError;
    fn try_from(r: WidgetRow) -> Result<Self> {
        Ok(Widget {
            id: r.id.into(),
            institution_id: r.institution_id.into(),
            department_id: r.department_id.into(),
            name: text("widgets.name", &r.name, DisplayName::parse)?,
            allowed_origins: serde_json::from_str(&r.allowed_origins)
                .map_err(|e| StoreError::corrupt(format!("widgets.allowed_origins: {e}")))?,
            settings: serde_json::from_str(&r.settings)
                .map_err(|e| StoreError::corrupt(format!("widgets.settings: {e}")))?,
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
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: r.id.into(),
            institution_id: r.institution_id.into(),
            email: text("users.email", &r.email, Email::parse)?,
            name: text("users.name", &r.name, DisplayName::parse)?,
            role: Role::parse(&r.role)
                .ok_or_else(|| StoreError::corrupt(format!("users.role: {:?}", r.role)))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct GuestRow {
    id: Uuid,
    widget_id: Uuid,
    created_at: i64,
}

impl TryFrom<GuestRow> for Guest {
    type Error = StoreError;
    fn try_from(r: GuestRow) -> Result<Self> {
        Ok(Guest {
            id: r.id.into(),
            widget_id: r.widget_id.into(),
            created_at: from_micros(r.created_at)?,
        })
    }
}

/// A row of `chats`; see [`chat_columns!`].
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
    created_at: i64,
    claimed_at: Option<i64>,
    ended_at: Option<i64>,
    last_seq: i64,
    version: i64,
    answered_by: Option<Uuid>,
    last_patron_seq: i64,
    step: i64,
    coop_id: Option<Uuid>,
    companions: String,
    patron_ip: Option<String>,
}

impl TryFrom<ChatRow> for Chat {
    type Error = StoreError;
    fn try_from(r: ChatRow) -> Result<Self> {
        let status = ChatStatus::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt(format!("chats.status: {:?}", r.status)))?;
        let state = ChatState::from_parts(status, r.operator_id.map(Into::into))
            .ok_or_else(|| StoreError::corrupt("chats: status and operator disagree"))?;
        Ok(Chat {
            id: r.id.into(),
            institution_id: r.institution_id.into(),
            department_id: r.department_id.into(),
            widget_id: r.widget_id.into(),
            guest_id: r.guest_id.into(),
            state,
            patron_name: opt_text("chats.patron_name", r.patron_name, DisplayName::parse)?,
            patron_email: opt_text("chats.patron_email", r.patron_email, Email::parse)?,
            question: opt_text("chats.question", r.question, MessageBody::parse)?,
            referrer: r.referrer,
            user_agent: r.user_agent,
            patron_ip: r.patron_ip,
            created_at: from_micros(r.created_at)?,
            claimed_at: opt_from_micros(r.claimed_at)?,
            ended_at: opt_from_micros(r.ended_at)?,
            last_seq: seq("chats.last_seq", r.last_seq)?,
            version: u64::try_from(r.version)
                .map_err(|_| StoreError::corrupt("chats.version: negative"))?,
            answered_by: r.answered_by.map(Into::into),
            last_patron_seq: seq("chats.last_patron_seq", r.last_patron_seq)?,
            step: u32::try_from(r.step).map_err(|_| StoreError::corrupt("chats.step"))?,
            coop_id: r.coop_id.map(Into::into),
            companions: serde_json::from_str(&r.companions)
                .map_err(|_| StoreError::corrupt("chats.companions"))?,
        })
    }
}

/// The chat a `NewChat` becomes when it is stored: waiting (or active, when outbound), with no
/// messages yet, its times rounded as the database keeps them.
pub(crate) fn new_chat_row(new: &NewChat) -> Chat {
    Chat {
        id: new.id,
        institution_id: new.institution_id,
        department_id: new.department_id,
        widget_id: new.widget_id,
        guest_id: new.guest_id,
        state: new.state(),
        patron_name: new.patron_name.clone(),
        patron_email: new.patron_email.clone(),
        question: new.question.clone(),
        referrer: new.referrer.clone(),
        user_agent: new.user_agent.clone(),
        patron_ip: new.patron_ip.clone(),
        created_at: stored_instant(new.created_at),
        claimed_at: new
            .outbound
            .as_ref()
            .map(|_| stored_instant(new.created_at)),
        ended_at: None,
        last_seq: Seq::ZERO,
        last_patron_seq: Seq::ZERO,
        version: 1,
        answered_by: new.outbound.as_ref().map(|o| o.operator),
        step: 0,
        coop_id: None,
        companions: Vec::new(),
    }
}

/// A row of `messages`; see [`message_columns!`].
#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    stream_id: Uuid,
    seq: i64,
    id: Uuid,
    kind: String,
    sender: String,
    body: String,
    client_msg_id: Option<String>,
    created_at: i64,
    patron_seq: Option<i64>,
}

impl MessageRow {
    /// The uuid of the row's stream (the row alone does not say whether it is a chat's).
    pub(crate) fn stream_uuid(&self) -> Uuid {
        self.stream_id
    }

    /// The message, as one of `stream`, which the caller read it for.
    pub(crate) fn into_message(self, stream: StreamId) -> Result<Message> {
        let r = self;
        if r.stream_id != *stream.as_uuid() {
            return Err(StoreError::corrupt("a message read for another stream"));
        }
        Ok(Message {
            id: r.id.into(),
            stream,
            seq: seq("messages.seq", r.seq)?,
            patron_seq: r
                .patron_seq
                .map(|n| seq("messages.patron_seq", n))
                .transpose()?,
            kind: MessageKind::parse(&r.kind)
                .ok_or_else(|| StoreError::corrupt(format!("messages.kind: {:?}", r.kind)))?,
            sender: Sender::parse_key(&r.sender)
                .ok_or_else(|| StoreError::corrupt(format!("messages.sender: {:?}", r.sender)))?,
            body: text("messages.body", &r.body, MessageBody::stored)?,
            client_msg_id: opt_text(
                "messages.client_msg_id",
                r.client_msg_id,
                ClientMsgId::parse,
            )?,
            created_at: from_micros(r.created_at)?,
        })
    }
}

/// Converts every row, failing on the first that does not convert.
pub(crate) fn all<R, T>(rows: Vec<R>) -> Result<Vec<T>>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_at_microsecond_precision() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(micros(t), 1_700_000_000_123_456);
        assert_eq!(
            from_micros(micros(t)).unwrap(),
            OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_000).unwrap()
        );
        // Before the epoch, rounding is still downwards.
        let early = OffsetDateTime::from_unix_timestamp_nanos(-1_500).unwrap();
        assert_eq!(micros(early), -2);
    }
}
