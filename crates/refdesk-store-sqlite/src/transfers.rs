//! Transfers: offering a chat, and applying a transfer's change (with the handover it may
//! carry) in one job on the writer, so that a transfer and its chat never disagree.

use crate::SqliteStore;
use crate::append;
use crate::rows::{Result, db, from_micros, hex_array, micros, unique_is};
use async_trait::async_trait;
use refdesk_core::{ChatId, CoopId, InstitutionId, Message, Transfer, TransferId, UserId};
use refdesk_store::{
    Conflict, StoreError, TransferApplied, TransferChange, TransferOffer, TransferStore,
};
use sqlx::{SqliteConnection, SqlitePool};
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
    offered_at: i64,
    expires_at: i64,
    ended_at: Option<i64>,
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
                offered_at: from_micros(self.offered_at)?,
                expires_at: from_micros(self.expires_at)?,
            },
            self.ended_at.map(from_micros).transpose()?,
        ))
    }
}

fn version(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::corrupt("version beyond i64"))
}

/// Writes a transfer row as given (an offer, or a restored row).
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
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
    .bind(Uuid::from(t.id))
    .bind(Uuid::from(t.chat_id))
    .bind(Uuid::from(t.from))
    .bind(kind)
    .bind(target)
    .bind(t.note.as_deref())
    .bind(state)
    .bind(by.map(Uuid::from))
    .bind(version(t.version)?)
    .bind(micros(t.offered_at))
    .bind(micros(t.expires_at))
    .bind(ended_at.map(micros))
    .execute(conn)
    .await
    .map_err(
        |e| match e.as_database_error().map(|d| d.message().to_owned()) {
            Some(m) if m.contains("transfers.chat_id") => Conflict::TransferPending.into(),
            _ => unique_is(Conflict::AlreadyExists)(e),
        },
    )?;
    Ok(())
}

async fn offer(conn: &mut SqliteConnection, o: &TransferOffer) -> Result<(Transfer, Message)> {
    if o.note.stream != o.transfer.chat_id.into() {
        return Err(StoreError::corrupt(
            "a transfer's note must belong to its chat",
        ));
    }
    let at: Option<i64> = sqlx::query_scalar("SELECT version FROM chats WHERE id = $1")
        .bind(Uuid::from(o.transfer.chat_id))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    match at {
        None => return Err(StoreError::NotFound),
        Some(v) if v != version(o.chat_version)? => return Err(Conflict::StateChanged.into()),
        Some(_) => {}
    }
    insert(conn, &o.transfer, None).await?;
    crate::timers::apply(conn, &o.timers).await?;
    let note = append::one(conn, o.note.clone()).await?;
    Ok((o.transfer.clone(), note))
}

async fn apply(conn: &mut SqliteConnection, c: &TransferChange) -> Result<TransferApplied> {
    let (state, by) = refdesk_store::transfer_state_parts(c.decision.to);
    let ended = (!c.decision.to.is_pending()).then_some(micros(c.at));
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
    .bind(Uuid::from(c.transfer))
    .bind(version(c.decision.from_version)?)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(row) = row else {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM transfers WHERE id = $1")
            .bind(Uuid::from(c.transfer))
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
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
            let (chat, line) = crate::chats::apply_decision(conn, decision, line.clone()).await?;
            messages.extend(line);
            Some(chat)
        }
        None => None,
    };
    crate::timers::apply(conn, &c.timers).await?;
    if c.note.stream != transfer.chat_id.into() {
        return Err(StoreError::corrupt(
            "a transfer's note must belong to its chat",
        ));
    }
    let m = append::one(conn, c.note.clone()).await?;
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

/// Cancels the chat's pending transfer (its chat left the librarian who offered it).
pub(crate) async fn cancel_pending(
    conn: &mut SqliteConnection,
    chat: ChatId,
    at: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE transfers SET state = 'cancelled', version = version + 1, ended_at = $1 \
         WHERE chat_id = $2 AND state = 'offered'",
    )
    .bind(micros(at))
    .bind(Uuid::from(chat))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn page(
    pool: &SqlitePool,
    offset: u64,
    limit: u32,
) -> Result<Vec<(Transfer, Option<OffsetDateTime>)>> {
    let rows: Vec<TransferRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM transfers ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(TransferRow::decode).collect()
}

#[async_trait]
impl TransferStore for SqliteStore {
    async fn offer_transfer(&self, o: &TransferOffer) -> Result<(Transfer, Message)> {
        let o = o.clone();
        self.writer
            .exec(move |c| Box::pin(async move { offer(c, &o).await }))
            .await
    }

    async fn transfer(&self, id: TransferId) -> Result<Transfer> {
        let row: Option<TransferRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM transfers WHERE id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_optional(&self.read)
        .await
        .map_err(db)?;
        Ok(row.ok_or(StoreError::NotFound)?.decode()?.0)
    }

    async fn pending_transfer_of(&self, chat: ChatId) -> Result<Option<Transfer>> {
        let row: Option<TransferRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM transfers WHERE chat_id = $1 AND state = 'offered'"
        ))
        .bind(Uuid::from(chat))
        .fetch_optional(&self.read)
        .await
        .map_err(db)?;
        row.map(|r| r.decode().map(|(t, _)| t)).transpose()
    }

    async fn pending_transfers(
        &self,
        user: UserId,
        institutions: &[InstitutionId],
        coops: &[CoopId],
    ) -> Result<Vec<Transfer>> {
        let rows: Vec<TransferRow> = sqlx::query_as(concat!(
            "SELECT ",
            t_columns!(),
            " FROM transfers AS t JOIN chats AS c ON c.id = t.chat_id \
             WHERE t.state = 'offered' \
               AND (t.from_user = $1 OR t.target_id = $1 \
                    OR c.institution_id IN (SELECT unhex(value) FROM json_each($2)) \
                    OR (t.target_kind = 'coop' \
                        AND t.target_id IN (SELECT unhex(value) FROM json_each($3)))) \
             ORDER BY t.offered_at, t.id LIMIT 200"
        ))
        .bind(Uuid::from(user))
        .bind(hex_array(institutions)?)
        .bind(hex_array(coops)?)
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|r| r.decode().map(|(t, _)| t))
            .collect()
    }

    async fn apply_transfer(&self, change: &TransferChange) -> Result<TransferApplied> {
        let c = change.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { apply(conn, &c).await }))
            .await
    }
}
