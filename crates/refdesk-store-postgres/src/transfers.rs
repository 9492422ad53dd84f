//! Transfers: offering a chat, and applying a transfer's change (with the handover it may
//! carry) in one transaction. The transfer row's version is its compare-and-set; the partial
//! unique index `transfers_one_pending` keeps one pending transfer per chat; a note takes its
//! sequence number under the chat row's lock, like every other message of the chat.

use crate::PgStore;
use crate::error::store_error;
use crate::messages::insert_message;
use crate::rows::version_param;
use async_trait::async_trait;
use refdesk_core::{
    ChatId, CoopId, InstitutionId, Message, NewMessage, Seq, Transfer, TransferId, UserId,
};
use refdesk_store::{
    Conflict, Result, StoreError, TransferApplied, TransferChange, TransferOffer, TransferStore,
};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// The columns of `transfers`, in the order of [`TransferRow`]'s fields.
macro_rules! columns {
    () => {
        "id, chat_id, from_user, target_kind, target_id, note, state, decided_by, version, \
         offered_at, expires_at, ended_at"
    };
}
/// The same, of the table named `t`.
macro_rules! t_columns {
    () => {
        "t.id, t.chat_id, t.from_user, t.target_kind, t.target_id, t.note, t.state, \
         t.decided_by, t.version, t.offered_at, t.expires_at, t.ended_at"
    };
}
const ONE_PENDING: &str = "transfers_one_pending";

#[derive(sqlx::FromRow)]
struct TransferRow {
    id: Uuid,
    chat_id: Uuid,
    from_user: Uuid,
    target_kind: String,
    target_id: Uuid,
    note: Option<String>,
    state: String,
    decided_by: Option<Uuid>,
    version: i64,
    offered_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    ended_at: Option<OffsetDateTime>,
}

impl TransferRow {
    fn decode(self) -> Result<(Transfer, Option<OffsetDateTime>)> {
        let target = refdesk_store::transfer_target(&self.target_kind, self.target_id)
            .ok_or_else(|| StoreError::corrupt("transfers.target_kind"))?;
        let state = refdesk_store::transfer_state(&self.state, self.decided_by.map(UserId::from))
            .ok_or_else(|| StoreError::corrupt("transfers.state"))?;
        Ok((
            Transfer {
                id: self.id.into(),
                chat_id: self.chat_id.into(),
                from: self.from_user.into(),
                target,
                note: self.note,
                state,
                version: u64::try_from(self.version)
                    .map_err(|_| StoreError::corrupt("transfers.version"))?,
                offered_at: self.offered_at,
                expires_at: self.expires_at,
            },
            self.ended_at,
        ))
    }
}

/// Writes a transfer row as given (an offer, or a restored row).
pub(crate) async fn insert(
    conn: &mut PgConnection,
    t: &Transfer,
    ended_at: Option<OffsetDateTime>,
) -> Result<()> {
    let (kind, target) = refdesk_store::transfer_target_parts(t.target);
    let (state, by) = refdesk_store::transfer_state_parts(t.state);
    sqlx::query(concat!(
        "INSERT INTO transfers (",
        columns!(),
        ") \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(t.id.as_uuid())
    .bind(t.chat_id.as_uuid())
    .bind(t.from.as_uuid())
    .bind(kind)
    .bind(target)
    .bind(t.note.as_deref())
    .bind(state)
    .bind(by.map(Uuid::from))
    .bind(version_param(t.version)?)
    .bind(t.offered_at)
    .bind(t.expires_at)
    .bind(ended_at)
    .execute(conn)
    .await
    .map_err(
        |e| match e.as_database_error().and_then(|d| d.constraint()) {
            Some(ONE_PENDING) => Conflict::TransferPending.into(),
            _ => store_error(e),
        },
    )?;
    Ok(())
}

/// Appends a staff note to its chat inside the caller's transaction, numbered under the chat
/// row's lock; with `version`, only while the chat is still at that version.
async fn note(conn: &mut PgConnection, n: NewMessage, version: Option<u64>) -> Result<Message> {
    let chat = n
        .stream
        .chat()
        .ok_or_else(|| StoreError::corrupt("a transfer's note must go to its chat"))?;
    let numbered = n.kind.is_patron_numbered();
    let heads: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE chats SET last_seq = last_seq + 1, \
           last_patron_seq = CASE WHEN $2 THEN last_patron_seq + 1 ELSE last_patron_seq END \
         WHERE id = $1 AND ($3::BIGINT IS NULL OR version = $3) \
         RETURNING last_seq, last_patron_seq",
    )
    .bind(chat.as_uuid())
    .bind(numbered)
    .bind(version.map(version_param).transpose()?)
    .fetch_optional(&mut *conn)
    .await
    .map_err(store_error)?;
    let Some((seq, patron_seq)) = heads else {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM chats WHERE id = $1")
            .bind(chat.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
        return Err(match exists {
            Some(_) => Conflict::StateChanged.into(),
            None => StoreError::NotFound,
        });
    };
    let as_seq = |v: i64| {
        u64::try_from(v)
            .map(Seq)
            .map_err(|_| StoreError::corrupt("chats.last_seq is negative"))
    };
    let patron_seq = if numbered {
        Some(as_seq(patron_seq)?)
    } else {
        None
    };
    let m = Message::stored(n, (as_seq(seq)?, patron_seq));
    insert_message(conn, &m).await?;
    Ok(m)
}

/// Cancels the chat's pending transfer (its chat left the librarian who offered it).
pub(crate) async fn cancel_pending(
    conn: &mut PgConnection,
    chat: ChatId,
    at: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE transfers SET state = 'cancelled', version = version + 1, ended_at = $1 \
         WHERE chat_id = $2 AND state = 'offered'",
    )
    .bind(at)
    .bind(chat.as_uuid())
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn page(
    pool: &sqlx::PgPool,
    offset: u64,
    limit: u32,
) -> Result<Vec<(Transfer, Option<OffsetDateTime>)>> {
    let rows: Vec<TransferRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM transfers ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter().map(TransferRow::decode).collect()
}

async fn apply(conn: &mut PgConnection, c: &TransferChange) -> Result<TransferApplied> {
    // The chat's row first, then the transfer's: the order a chat change takes them in (its
    // own row, then `cancel_pending`), so the two never deadlock.
    sqlx::query(
        "SELECT 1 FROM chats WHERE id = (SELECT chat_id FROM transfers WHERE id = $1) FOR UPDATE",
    )
    .bind(c.transfer.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(store_error)?;
    let (state, by) = refdesk_store::transfer_state_parts(c.decision.to);
    let ended = (!c.decision.to.is_pending()).then_some(c.at);
    let row: Option<TransferRow> = sqlx::query_as(concat!(
        "UPDATE transfers SET state = $1, decided_by = $2, version = version + 1, \
           ended_at = COALESCE($3, ended_at) \
         WHERE id = $4 AND version = $5 AND state = 'offered' RETURNING ",
        columns!(),
        ""
    ))
    .bind(state)
    .bind(by.map(Uuid::from))
    .bind(ended)
    .bind(c.transfer.as_uuid())
    .bind(version_param(c.decision.from_version)?)
    .fetch_optional(&mut *conn)
    .await
    .map_err(store_error)?;
    let Some(row) = row else {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM transfers WHERE id = $1")
            .bind(c.transfer.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
        return Err(match exists {
            Some(_) => Conflict::StateChanged.into(),
            None => StoreError::NotFound,
        });
    };
    let (transfer, _) = row.decode()?;
    let mut messages = Vec::new();
    let mut chat = match &c.chat {
        Some((decision, line)) => {
            if decision.chat_id != transfer.chat_id {
                return Err(StoreError::corrupt(
                    "a transfer's decision must be on its chat",
                ));
            }
            let (chat, line) =
                crate::chats::apply_decision_in(&mut *conn, decision, line.clone()).await?;
            messages.extend(line);
            Some(chat)
        }
        None => None,
    };
    crate::timers::apply(&mut *conn, &c.timers).await?;
    if c.note.stream != transfer.chat_id.into() {
        return Err(StoreError::corrupt(
            "a transfer's note must belong to its chat",
        ));
    }
    let m = note(&mut *conn, c.note.clone(), None).await?;
    if let Some(chat) = &mut chat {
        chat.last_seq = m.seq;
        chat.last_patron_seq = m.patron_seq.unwrap_or(chat.last_patron_seq);
    }
    messages.push(m);
    Ok(TransferApplied {
        transfer,
        chat,
        messages,
    })
}

#[async_trait]
impl TransferStore for PgStore {
    async fn offer_transfer(&self, o: &TransferOffer) -> Result<(Transfer, Message)> {
        if o.note.stream != o.transfer.chat_id.into() {
            return Err(StoreError::corrupt(
                "a transfer's note must belong to its chat",
            ));
        }
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // The note first: it locks the chat row and checks its version.
        let m = note(&mut tx, o.note.clone(), Some(o.chat_version)).await?;
        insert(&mut tx, &o.transfer, None).await?;
        crate::timers::apply(&mut tx, &o.timers).await?;
        tx.commit().await.map_err(store_error)?;
        Ok((o.transfer.clone(), m))
    }

    async fn transfer(&self, id: TransferId) -> Result<Transfer> {
        let row: Option<TransferRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM transfers WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(row.ok_or(StoreError::NotFound)?.decode()?.0)
    }

    async fn pending_transfer_of(&self, chat: ChatId) -> Result<Option<Transfer>> {
        let row: Option<TransferRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM transfers WHERE chat_id = $1 AND state = 'offered'"
        ))
        .bind(chat.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(|r| r.decode().map(|(t, _)| t)).transpose()
    }

    async fn pending_transfers(
        &self,
        user: UserId,
        institutions: &[InstitutionId],
        coops: &[CoopId],
    ) -> Result<Vec<Transfer>> {
        let institutions: Vec<Uuid> = institutions.iter().map(|i| *i.as_uuid()).collect();
        let coops: Vec<Uuid> = coops.iter().map(|c| *c.as_uuid()).collect();
        let rows: Vec<TransferRow> = sqlx::query_as(concat!(
            "SELECT ",
            t_columns!(),
            " FROM transfers AS t JOIN chats AS c ON c.id = t.chat_id \
             WHERE t.state = 'offered' \
               AND (t.from_user = $1 OR t.target_id = $1 OR c.institution_id = ANY($2) \
                    OR (t.target_kind = 'coop' AND t.target_id = ANY($3))) \
             ORDER BY t.offered_at, t.id LIMIT 200"
        ))
        .bind(user.as_uuid())
        .bind(&institutions)
        .bind(&coops)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|r| r.decode().map(|(t, _)| t))
            .collect()
    }

    async fn apply_transfer(&self, change: &TransferChange) -> Result<TransferApplied> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let applied = apply(&mut tx, change).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(applied)
    }
}
