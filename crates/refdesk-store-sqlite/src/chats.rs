//! Chats and their messages: starting a chat, state changes as compare-and-set, and the reads.
//!
//! The writes here run as jobs on the writer's connection and use [`crate::append`] for the
//! message they record, so a chat's question and a transition's note take their sequence
//! numbers exactly like any other message.

use crate::append;
use crate::rows::{
    ChatRow, MessageRow, Result, all, chat_columns, db, hex_array, is_second_open_chat,
    message_columns, micros, new_chat_row, seq_column, unique_is,
};
use refdesk_core::{
    Chat, ChatEvent, ChatHistoryEntry, ChatId, Decision, GuestId, Message, NewMessage, Seq,
    StreamId,
};
use refdesk_store::{ChatFilter, Conflict, NewChat, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

// --- writes (on the writer's connection) ---------------------------------------------------------

/// Stores a waiting chat, its question (as seq 1) and the routing steps it takes at once (their
/// history rows and system messages), or nothing.
pub(crate) async fn start(
    conn: &mut SqliteConnection,
    new: &NewChat,
    question: Option<NewMessage>,
) -> Result<Chat> {
    for coop in new.moves.iter().filter_map(|m| m.placement.coop_id) {
        let member: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM coop_members WHERE coop_id = $1 AND institution_id = $2",
        )
        .bind(Uuid::from(coop))
        .bind(Uuid::from(new.institution_id))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        if member.is_none() {
            return Err(Conflict::StateChanged.into());
        }
    }
    let mut chat = new_chat_row(new);
    let placed = new.placement();
    chat.department_id = placed.department_id;
    chat.step = placed.step;
    chat.coop_id = placed.coop_id;
    chat.version = new.version();
    if let Some(token) = &new.new_guest {
        let guest = refdesk_core::Guest {
            id: new.guest_id,
            widget_id: new.widget_id,
            created_at: new.created_at,
        };
        crate::directory::insert_guest(conn, &guest, token).await?;
    }
    sqlx::query(concat!(
        "INSERT INTO chats (",
        chat_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $7, 0, $18, $19, '[]', $20)"
    ))
    .bind(Uuid::from(chat.id))
    .bind(Uuid::from(chat.institution_id))
    .bind(Uuid::from(chat.department_id))
    .bind(Uuid::from(chat.widget_id))
    .bind(Uuid::from(chat.guest_id))
    .bind(chat.state.status().as_str())
    .bind(chat.state.operator().map(Uuid::from))
    .bind(chat.patron_name.as_ref().map(|n| n.as_str()))
    .bind(chat.patron_email.as_ref().map(|e| e.as_str()))
    .bind(chat.question.as_ref().map(|q| q.as_str()))
    .bind(chat.referrer.as_deref())
    .bind(chat.user_agent.as_deref())
    .bind(micros(chat.created_at))
    .bind(chat.claimed_at.map(micros))
    .bind(None::<i64>)
    .bind(seq_column(chat.last_seq)?)
    .bind(i64::try_from(chat.version).map_err(|_| StoreError::corrupt("version beyond i64"))?)
    .bind(i64::from(chat.step))
    .bind(chat.coop_id.map(Uuid::from))
    .bind(chat.patron_ip.as_deref())
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_second_open_chat(&e) {
            Conflict::OpenChatExists.into()
        } else {
            unique_is(Conflict::AlreadyExists)(e)
        }
    })?;
    crate::history::insert(
        conn,
        &ChatHistoryEntry {
            chat_id: chat.id,
            version: 1,
            at: chat.created_at,
            event: ChatEvent::Started,
            institution_id: chat.institution_id,
            department_id: new.department_id,
        },
    )
    .await?;
    for (i, m) in new.moves.iter().enumerate() {
        crate::history::insert(
            conn,
            &ChatHistoryEntry {
                chat_id: chat.id,
                version: 2 + i as u64,
                at: chat.created_at,
                event: m.event,
                institution_id: chat.institution_id,
                department_id: m.placement.department_id,
            },
        )
        .await?;
    }
    if let Some(o) = &new.outbound {
        crate::history::insert(
            conn,
            &ChatHistoryEntry {
                chat_id: chat.id,
                version: chat.version,
                at: chat.created_at,
                event: ChatEvent::Claimed {
                    operator: o.operator,
                },
                institution_id: chat.institution_id,
                department_id: chat.department_id,
            },
        )
        .await?;
    }
    let notes = new
        .moves
        .iter()
        .map(|m| m.note.clone())
        .chain(new.outbound.iter().map(|o| o.note.clone()));
    for q in question.into_iter().chain(notes) {
        if q.stream != chat.id.into() {
            return Err(StoreError::corrupt("a chat's messages must belong to it"));
        }
        let m = append::one(conn, q).await?;
        chat.last_seq = m.seq;
        chat.last_patron_seq = m.patron_seq.unwrap_or(chat.last_patron_seq);
    }
    Ok(chat)
}

/// Applies `d` if the chat is still at `d.from_version`: the state, the history row, the timer
/// operations and the note, or nothing.
pub(crate) async fn apply_decision(
    conn: &mut SqliteConnection,
    d: &Decision,
    note: Option<NewMessage>,
) -> Result<(Chat, Option<Message>)> {
    if note.as_ref().is_some_and(|n| n.stream != d.chat_id.into()) {
        return Err(StoreError::corrupt(
            "a decision's note must belong to its chat",
        ));
    }
    // A co-op step only while the chat's institution is still a member (it may have left
    // since the move was decided).
    if let Some(coop) = d.placement.and_then(|p| p.coop_id) {
        let member: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM coop_members AS m JOIN chats AS c ON c.institution_id = m.institution_id \
             WHERE c.id = $1 AND m.coop_id = $2",
        )
        .bind(Uuid::from(d.chat_id))
        .bind(Uuid::from(coop))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        if member.is_none() {
            return Err(Conflict::StateChanged.into());
        }
    }
    let t = &d.transition;
    let to = t.to.status();
    let from_version =
        i64::try_from(d.from_version).map_err(|_| StoreError::corrupt("version beyond i64"))?;
    // The compare-and-set is on the version; the state is checked too, as a guard against a
    // decision made on another chat's data.
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "UPDATE chats SET status = $1, operator_id = $2, version = version + 1, \
           answered_by = COALESCE($2, answered_by), \
           claimed_at = CASE WHEN $1 = 'active' THEN $3 WHEN $1 = 'waiting' THEN NULL \
                        ELSE claimed_at END, \
           ended_at = CASE WHEN $1 IN ('closed', 'abandoned') THEN $3 ELSE ended_at END, \
           department_id = CASE WHEN $8 THEN $9 ELSE department_id END, \
           step = CASE WHEN $8 THEN $10 ELSE step END, \
           coop_id = CASE WHEN $8 THEN $11 ELSE coop_id END, \
           companions = COALESCE($12, companions) \
         WHERE id = $4 AND version = $5 AND status = $6 AND operator_id IS $7 \
         RETURNING ",
        chat_columns!()
    ))
    .bind(to.as_str())
    .bind(t.to.operator().map(Uuid::from))
    .bind(micros(d.at))
    .bind(Uuid::from(d.chat_id))
    .bind(from_version)
    .bind(t.from.status().as_str())
    .bind(t.from.operator().map(Uuid::from))
    .bind(d.placement.is_some())
    .bind(d.placement.map(|p| Uuid::from(p.department_id)))
    .bind(d.placement.map(|p| i64::from(p.step)))
    .bind(d.placement.and_then(|p| p.coop_id).map(Uuid::from))
    .bind(
        d.companions
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(StoreError::other)?,
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(row) = row else {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM chats WHERE id = $1")
            .bind(Uuid::from(d.chat_id))
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
        return Err(match exists {
            Some(_) => Conflict::StateChanged.into(),
            None => StoreError::NotFound,
        });
    };
    let mut chat = Chat::try_from(row)?;
    crate::history::insert(
        conn,
        &ChatHistoryEntry {
            chat_id: chat.id,
            version: chat.version,
            at: d.at,
            event: d.event(),
            institution_id: chat.institution_id,
            department_id: chat.department_id,
        },
    )
    .await?;
    crate::timers::apply(conn, &d.timers).await?;
    if d.ends_transfer {
        crate::transfers::cancel_pending(conn, chat.id, d.at).await?;
    }
    let note = match note {
        Some(n) => {
            let m = append::one(conn, n).await?;
            chat.last_seq = m.seq;
            chat.last_patron_seq = m.patron_seq.unwrap_or(chat.last_patron_seq);
            Some(m)
        }
        None => None,
    };
    if !to.is_open() {
        // It has ended: its words go to transcript search now, once.
        crate::transcripts::index(conn, chat.id).await?;
    }
    Ok((chat, note))
}

// --- reads (on the pool) ----------------------------------------------------------------------------

pub(crate) async fn chat(pool: &SqlitePool, id: ChatId) -> Result<Chat> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE id = $1"
    ))
    .bind(Uuid::from(id))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.ok_or(StoreError::NotFound).and_then(Chat::try_from)
}

pub(crate) async fn chats_of_guest(
    pool: &SqlitePool,
    guest: GuestId,
    since: time::OffsetDateTime,
) -> Result<Vec<Chat>> {
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE guest_id = $1 AND created_at >= $2 ORDER BY created_at, id LIMIT 100"
    ))
    .bind(Uuid::from(guest))
    .bind(micros(since))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    all(rows)
}

pub(crate) async fn open_chat_of_guest(pool: &SqlitePool, guest: GuestId) -> Result<Option<Chat>> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE guest_id = $1 AND status IN ('waiting', 'active')"
    ))
    .bind(Uuid::from(guest))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(Chat::try_from).transpose()
}

/// One page of the chats of the filter's institutions and departments in its states, oldest
/// first.
pub(crate) async fn chats(pool: &SqlitePool, filter: &ChatFilter) -> Result<Vec<Chat>> {
    if (filter.institutions.is_empty() && filter.departments.is_empty() && filter.coops.is_empty())
        || filter.statuses.is_empty()
        || filter.limit == 0
    {
        return Ok(Vec::new());
    }
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    let (after_at, after_id) = match filter.after {
        Some(c) => (micros(c.created_at), Uuid::from(c.id)),
        None => (i64::MIN, Uuid::nil()),
    };
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats \
         WHERE (institution_id IN (SELECT unhex(value) FROM json_each($1)) \
                OR department_id IN (SELECT unhex(value) FROM json_each($2)) \
                OR (coop_id IN (SELECT unhex(value) FROM json_each($7)) \
                    AND status IN ('waiting', 'active'))) \
           AND status IN (SELECT value FROM json_each($3)) \
           AND (created_at, id) > ($4, $5) \
         ORDER BY created_at, id LIMIT $6"
    ))
    .bind(hex_array(&filter.institutions)?)
    .bind(hex_array(&filter.departments)?)
    .bind(serde_json::to_string(&statuses).map_err(StoreError::other)?)
    .bind(after_at)
    .bind(after_id)
    .bind(i64::from(filter.limit))
    .bind(hex_array(&filter.coops)?)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    all(rows)
}

pub(crate) async fn messages_after(
    pool: &SqlitePool,
    stream: StreamId,
    after: Seq,
    limit: u32,
) -> Result<Vec<Message>> {
    // A chat's id asked for as a conversation (or the reverse) names nothing.
    let query = match stream {
        StreamId::Chat(_) => concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE stream_id = $1 AND seq > $2 \
              AND EXISTS (SELECT 1 FROM chats WHERE id = $1) ORDER BY seq LIMIT $3"
        ),
        StreamId::Conversation(_) => concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE stream_id = $1 AND seq > $2 \
              AND EXISTS (SELECT 1 FROM conversations WHERE id = $1) ORDER BY seq LIMIT $3"
        ),
    };
    let rows: Vec<MessageRow> = sqlx::query_as(query)
        .bind(*stream.as_uuid())
        .bind(seq_column(after)?)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db)?;
    rows.into_iter().map(|r| r.into_message(stream)).collect()
}

pub(crate) async fn patron_messages_after(
    pool: &SqlitePool,
    chat: ChatId,
    after: Seq,
    limit: u32,
) -> Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE stream_id = $1 AND patron_seq > $2 \
          AND EXISTS (SELECT 1 FROM chats WHERE id = $1) ORDER BY patron_seq LIMIT $3"
    ))
    .bind(Uuid::from(chat))
    .bind(seq_column(after)?)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|r| r.into_message(chat.into()))
        .collect()
}
