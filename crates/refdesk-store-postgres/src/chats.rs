//! Chats: starting, reading, listing, and state changes. A state change is one conditional
//! `UPDATE` (compare-and-set on the chat's version) that also takes the next sequence number
//! for its system note, so the chat row's lock orders it with concurrent appends, and two nodes
//! racing to claim the same chat get exactly one winner. Its history row and timer operations
//! are written in the same transaction, so none of them is ever stored without the others.

use crate::error::store_error;
use crate::history;
use crate::messages::insert_message;
use crate::rows::{ChatRow, version_param};
use refdesk_core::{
    Chat, ChatEvent, ChatHistoryEntry, ChatId, Decision, GuestId, Heads, Message, NewMessage,
};
use refdesk_store::{ChatFilter, Conflict, NewChat, Result, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) async fn start_chat(
    pool: &PgPool,
    new: &NewChat,
    question: Option<NewMessage>,
) -> Result<Chat> {
    if let Some(q) = &question
        && q.stream != new.id.into()
    {
        return Err(StoreError::corrupt(format!(
            "the question of chat {} names chat {}",
            new.id, q.stream
        )));
    }
    if new.moves.iter().any(|m| m.note.stream != new.id.into()) {
        return Err(StoreError::corrupt(format!(
            "a routing note of chat {} names another chat",
            new.id
        )));
    }
    let mut heads = Heads::default();
    let numbers = question.as_ref().map(|q| heads.number(q.kind));
    let notes: Vec<Message> = new
        .moves
        .iter()
        .map(|m| &m.note)
        .chain(new.outbound.iter().map(|o| &o.note))
        .map(|note| {
            let n = heads.number(note.kind);
            Message::stored(note.clone(), n)
        })
        .collect();
    let placed = new.placement();
    let mut tx = pool.begin().await.map_err(store_error)?;
    // A co-op step only while the institution is a member: the row is held (KEY SHARE) until
    // commit, so leaving the co-op waits for this chat or comes first and refuses it.
    for coop in new.moves.iter().filter_map(|m| m.placement.coop_id) {
        let member: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM coop_members WHERE coop_id = $1 AND institution_id = $2 FOR KEY SHARE",
        )
        .bind(coop.as_uuid())
        .bind(new.institution_id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        if member.is_none() {
            return Err(Conflict::StateChanged.into());
        }
    }
    if let Some(token) = &new.new_guest {
        sqlx::query(
            "INSERT INTO guests (id, token_hash, widget_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new.guest_id.as_uuid())
        .bind(&token.0[..])
        .bind(new.widget_id.as_uuid())
        .bind(new.created_at)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
    }
    let row: ChatRow = sqlx::query_as(concat!(
        "INSERT INTO chats (id, institution_id, department_id, widget_id, guest_id, status, \
         patron_name, patron_email, question, referrer, user_agent, created_at, last_seq, \
         last_patron_seq, version, step, coop_id, operator_id, answered_by, claimed_at, patron_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                 $18, $18, CASE WHEN $18 IS NULL THEN NULL ELSE $12 END, $19) \
         RETURNING ",
        chat_columns!()
    ))
    .bind(new.id.as_uuid())
    .bind(new.institution_id.as_uuid())
    .bind(placed.department_id.as_uuid())
    .bind(new.widget_id.as_uuid())
    .bind(new.guest_id.as_uuid())
    .bind(new.state().status().as_str())
    .bind(new.patron_name.as_ref().map(|n| n.as_str()))
    .bind(new.patron_email.as_ref().map(|e| e.as_str()))
    .bind(new.question.as_ref().map(|q| q.as_str()))
    .bind(new.referrer.as_deref())
    .bind(new.user_agent.as_deref())
    .bind(new.created_at)
    .bind(crate::rows::seq_param(heads.seq))
    .bind(crate::rows::seq_param(heads.patron_seq))
    .bind(version_param(new.version())?)
    .bind(i32::try_from(placed.step).map_err(|_| StoreError::corrupt("step beyond i32"))?)
    .bind(placed.coop_id.map(Uuid::from))
    .bind(new.state().operator().map(Uuid::from))
    .bind(new.patron_ip.as_deref())
    .fetch_one(&mut *tx)
    .await
    .map_err(store_error)?;
    let chat = row.decode().map_err(store_error)?;
    let started = ChatHistoryEntry {
        chat_id: chat.id,
        version: 1,
        at: chat.created_at,
        event: ChatEvent::Started,
        institution_id: chat.institution_id,
        department_id: new.department_id,
    };
    history::insert(&mut tx, &started).await?;
    for (i, m) in new.moves.iter().enumerate() {
        let routed = ChatHistoryEntry {
            chat_id: chat.id,
            version: 2 + i as u64,
            at: chat.created_at,
            event: m.event,
            institution_id: chat.institution_id,
            department_id: m.placement.department_id,
        };
        history::insert(&mut tx, &routed).await?;
    }
    if let Some(o) = &new.outbound {
        let claimed = ChatHistoryEntry {
            chat_id: chat.id,
            version: chat.version,
            at: chat.created_at,
            event: ChatEvent::Claimed {
                operator: o.operator,
            },
            institution_id: chat.institution_id,
            department_id: chat.department_id,
        };
        history::insert(&mut tx, &claimed).await?;
    }
    if let (Some(q), Some(numbers)) = (question, numbers) {
        insert_message(&mut tx, &Message::stored(q, numbers)).await?;
    }
    for m in &notes {
        insert_message(&mut tx, m).await?;
    }
    tx.commit().await.map_err(store_error)?;
    let appended = u64::from(numbers.is_some()) + notes.len() as u64;
    metrics::counter!("refdesk_store_messages_appended_total").increment(appended);
    Ok(chat)
}

pub(crate) async fn chat(pool: &PgPool, id: ChatId) -> Result<Chat> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    row.ok_or(StoreError::NotFound)?
        .decode()
        .map_err(store_error)
}

pub(crate) async fn chats_of_guest(
    pool: &PgPool,
    guest: GuestId,
    since: OffsetDateTime,
) -> Result<Vec<Chat>> {
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE guest_id = $1 AND created_at >= $2 ORDER BY created_at, id LIMIT 100"
    ))
    .bind(guest.as_uuid())
    .bind(since)
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

pub(crate) async fn open_chat_of_guest(pool: &PgPool, guest: GuestId) -> Result<Option<Chat>> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE guest_id = $1 AND status IN ('waiting', 'active')"
    ))
    .bind(guest.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    row.map(|r| r.decode().map_err(store_error)).transpose()
}

/// The cursor of a first page: before every chat.
fn before_all() -> (OffsetDateTime, Uuid) {
    let start = OffsetDateTime::UNIX_EPOCH;
    (start.replace_year(1).unwrap_or(start), Uuid::nil())
}

/// One page of the chats of the filter's institutions and departments in its states, oldest
/// first.
pub(crate) async fn chats(pool: &PgPool, filter: &ChatFilter) -> Result<Vec<Chat>> {
    if (filter.institutions.is_empty() && filter.departments.is_empty() && filter.coops.is_empty())
        || filter.statuses.is_empty()
        || filter.limit == 0
    {
        return Ok(Vec::new());
    }
    let institutions: Vec<Uuid> = filter.institutions.iter().map(|i| *i.as_uuid()).collect();
    let departments: Vec<Uuid> = filter.departments.iter().map(|d| *d.as_uuid()).collect();
    let coops: Vec<Uuid> = filter.coops.iter().map(|c| *c.as_uuid()).collect();
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    let (after_at, after_id) = match filter.after {
        Some(c) => (c.created_at, Uuid::from(c.id)),
        None => before_all(),
    };
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats \
         WHERE (institution_id = ANY($1) OR department_id = ANY($2) \
                OR (coop_id = ANY($7) AND status IN ('waiting', 'active'))) \
           AND status = ANY($3) AND (created_at, id) > ($4, $5) \
         ORDER BY created_at, id LIMIT $6"
    ))
    .bind(&institutions)
    .bind(&departments)
    .bind(&statuses)
    .bind(after_at)
    .bind(after_id)
    .bind(i64::from(filter.limit))
    .bind(&coops)
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

/// Applies `d` if the chat is still at `d.from_version`: the state, the history row, the timer
/// operations and the note, in one transaction, or nothing.
pub(crate) async fn apply_decision(
    pool: &PgPool,
    d: &Decision,
    note: Option<NewMessage>,
) -> Result<(Chat, Option<Message>)> {
    let mut tx = pool.begin().await.map_err(store_error)?;
    let applied = apply_decision_in(&mut tx, d, note).await?;
    tx.commit().await.map_err(store_error)?;
    if applied.1.is_some() {
        metrics::counter!("refdesk_store_messages_appended_total").increment(1);
    }
    Ok(applied)
}

/// [`apply_decision`] inside the caller's transaction (which it must roll back on an error).
pub(crate) async fn apply_decision_in(
    tx: &mut PgConnection,
    d: &Decision,
    note: Option<NewMessage>,
) -> Result<(Chat, Option<Message>)> {
    if let Some(n) = &note
        && n.stream != d.chat_id.into()
    {
        return Err(StoreError::corrupt(format!(
            "the note of a decision on chat {} names chat {}",
            d.chat_id, n.stream
        )));
    }
    let t = &d.transition;
    let from_version = version_param(d.from_version)?;
    // A co-op step only while the chat's institution is still a member (held until commit).
    if let Some(coop) = d.placement.and_then(|p| p.coop_id) {
        let member: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM coop_members AS m JOIN chats AS c ON c.institution_id = m.institution_id \
             WHERE c.id = $1 AND m.coop_id = $2 FOR KEY SHARE OF m",
        )
        .bind(d.chat_id.as_uuid())
        .bind(coop.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        if member.is_none() {
            return Err(Conflict::StateChanged.into());
        }
    }
    let companions: Option<Vec<Uuid>> = d
        .companions
        .as_ref()
        .map(|c| c.iter().map(|u| Uuid::from(*u)).collect());
    // The compare-and-set is on the version; the state is checked too, as a guard against a
    // decision made on another chat's data. Claiming stamps `claimed_at`, going back to the
    // queue clears it, ending stamps `ended_at`. With a note, the row also takes its sequence
    // number, under the row lock that orders it with concurrent appends.
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "UPDATE chats SET status = $4, operator_id = $5, version = version + 1, \
         answered_by = COALESCE($5, answered_by), \
         claimed_at = CASE $4 WHEN 'active' THEN $6 WHEN 'waiting' THEN NULL \
                      ELSE claimed_at END, \
         ended_at = CASE WHEN $4 IN ('closed', 'abandoned') THEN $6 ELSE ended_at END, \
         last_seq = CASE WHEN $8 THEN last_seq + 1 ELSE last_seq END, \
         last_patron_seq = CASE WHEN $9 THEN last_patron_seq + 1 ELSE last_patron_seq END, \
         department_id = CASE WHEN $10 THEN $11 ELSE department_id END, \
         step = CASE WHEN $10 THEN $12 ELSE step END, \
         coop_id = CASE WHEN $10 THEN $13 ELSE coop_id END, \
         companions = COALESCE($14, companions) \
         WHERE id = $1 AND version = $7 AND status = $2 \
           AND operator_id IS NOT DISTINCT FROM $3 \
         RETURNING ",
        chat_columns!()
    ))
    .bind(d.chat_id.as_uuid())
    .bind(t.from.status().as_str())
    .bind(t.from.operator().map(Uuid::from))
    .bind(t.to.status().as_str())
    .bind(t.to.operator().map(Uuid::from))
    .bind(d.at)
    .bind(from_version)
    .bind(note.is_some())
    .bind(note.as_ref().is_some_and(|n| n.kind.is_patron_numbered()))
    .bind(d.placement.is_some())
    .bind(d.placement.map(|p| Uuid::from(p.department_id)))
    .bind(
        d.placement
            .map(|p| i32::try_from(p.step).unwrap_or(i32::MAX)),
    )
    .bind(d.placement.and_then(|p| p.coop_id).map(Uuid::from))
    .bind(companions)
    .fetch_optional(&mut *tx)
    .await
    .map_err(store_error)?;
    let Some(row) = row else {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM chats WHERE id = $1")
            .bind(d.chat_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(store_error)?;
        return Err(match exists {
            Some(_) => Conflict::StateChanged.into(),
            None => StoreError::NotFound,
        });
    };
    let chat = row.decode().map_err(store_error)?;
    let entry = ChatHistoryEntry {
        chat_id: chat.id,
        version: chat.version,
        at: d.at,
        event: d.event(),
        institution_id: chat.institution_id,
        department_id: chat.department_id,
    };
    history::insert(&mut *tx, &entry).await?;
    crate::timers::apply(&mut *tx, &d.timers).await?;
    if d.ends_transfer {
        crate::transfers::cancel_pending(&mut *tx, chat.id, d.at).await?;
    }
    let note = match note {
        Some(n) => {
            let patron_seq = n.kind.is_patron_numbered().then_some(chat.last_patron_seq);
            let m = Message::stored(n, (chat.last_seq, patron_seq));
            insert_message(&mut *tx, &m).await?;
            Some(m)
        }
        None => None,
    };
    if !t.to.status().is_open() {
        // It has ended: its words go to transcript search now, once.
        crate::transcripts::index(&mut *tx, chat.id).await?;
    }
    Ok((chat, note))
}
