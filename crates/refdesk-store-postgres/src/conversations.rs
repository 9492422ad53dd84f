//! Staff conversations: the one direct conversation of a pair, the one room of a co-op or an
//! institution, rooms someone made with their members, and the reads. Their messages are
//! appended by the batching writer like a chat's.

use crate::PgStore;
use crate::error::{corrupt, store_error};
use crate::rows::{seq, seq_param};
use async_trait::async_trait;
use refdesk_core::{
    Conversation, ConversationId, ConversationKind, CoopId, InstitutionId, UserId,
    conversation::direct_pair,
};
use refdesk_store::{ConversationStore, Result, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

macro_rules! columns {
    () => {
        "id, created_at, last_seq, kind, scope_id, name, direct_a, direct_b"
    };
}

#[derive(sqlx::FromRow)]
struct ConversationRow {
    id: Uuid,
    created_at: OffsetDateTime,
    last_seq: i64,
    kind: String,
    scope_id: Option<Uuid>,
    name: Option<String>,
    direct_a: Option<Uuid>,
    direct_b: Option<Uuid>,
}

impl ConversationRow {
    /// The conversation, with `members` for a made room (read separately).
    fn decode(self, members: Vec<UserId>) -> Result<Conversation> {
        let bad = || {
            store_error(corrupt(format_args!(
                "conversation {} of kind {}",
                self.id, self.kind
            )))
        };
        let (kind, members) = refdesk_store::conversation_kind(
            &self.kind,
            self.scope_id,
            self.name.as_deref(),
            (self.direct_a, self.direct_b),
            members,
        )
        .ok_or_else(bad)?;
        Ok(Conversation {
            id: self.id.into(),
            kind,
            members,
            created_at: self.created_at,
            last_seq: seq(self.last_seq).map_err(store_error)?,
        })
    }
}

async fn decode_all(pool: &PgPool, rows: Vec<ConversationRow>) -> Result<Vec<Conversation>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let members = match r.kind.as_str() {
            "room" => {
                let ids: Vec<(Uuid,)> = sqlx::query_as(
                    "SELECT user_id FROM conversation_members WHERE conversation_id = $1 \
                     ORDER BY user_id",
                )
                .bind(r.id)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
                ids.into_iter().map(|(u,)| u.into()).collect()
            }
            _ => Vec::new(),
        };
        out.push(r.decode(members)?);
    }
    Ok(out)
}

fn pair(c: &Conversation) -> Result<[UserId; 2]> {
    match c.members.as_slice() {
        [a, b] if a != b => Ok(direct_pair(*a, *b)),
        _ => Err(store_error(corrupt(
            "a direct conversation has two members",
        ))),
    }
}

/// The direct pair's columns of `c` (none for a room).
fn pair_columns(c: &Conversation) -> Result<(Option<Uuid>, Option<Uuid>)> {
    Ok(match c.kind {
        ConversationKind::Direct => {
            let [a, b] = pair(c)?;
            (Some(a.into()), Some(b.into()))
        }
        _ => (None, None),
    })
}

/// Stores `c` unless the conversation its key names (the pair's, or the scope's room) exists;
/// returns that conversation. The insert and the read are one statement; when a racing open
/// committed after that statement's snapshot was taken, it is read again.
async fn open_keyed(pool: &PgPool, c: &Conversation) -> Result<Conversation> {
    let (kind, scope, _) = refdesk_store::conversation_kind_parts(&c.kind);
    let (a, b) = pair_columns(c)?;
    let row: Option<ConversationRow> = sqlx::query_as(concat!(
        "WITH added AS (INSERT INTO conversations \
           (id, created_at, last_seq, kind, scope_id, direct_a, direct_b) \
         VALUES ($1, $2, 0, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING ",
        columns!(),
        ") SELECT ",
        columns!(),
        " FROM added UNION ALL SELECT ",
        columns!(),
        " FROM conversations WHERE kind = $3 \
           AND (($3 = 'direct' AND direct_a = $5 AND direct_b = $6) \
                OR ($3 <> 'direct' AND scope_id = $4)) LIMIT 1"
    ))
    .bind(c.id.as_uuid())
    .bind(c.created_at)
    .bind(kind)
    .bind(scope)
    .bind(a)
    .bind(b)
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    if let Some(row) = row {
        return row.decode(Vec::new());
    }
    let row: ConversationRow = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE kind = $1 \
           AND (($1 = 'direct' AND direct_a = $3 AND direct_b = $4) \
                OR ($1 <> 'direct' AND scope_id = $2))"
    ))
    .bind(kind)
    .bind(scope)
    .bind(a)
    .bind(b)
    .fetch_one(pool)
    .await
    .map_err(store_error)?;
    row.decode(Vec::new())
}

/// Conversations in id order, for `migrate-data`.
pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Conversation>> {
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode_all(pool, rows).await
}

/// Writes a conversation exactly as read, head and members included (`migrate-data`, a made
/// room).
pub(crate) async fn restore(conn: &mut PgConnection, c: &Conversation) -> Result<()> {
    let (kind, scope, name) = refdesk_store::conversation_kind_parts(&c.kind);
    let (a, b) = pair_columns(c)?;
    sqlx::query(
        "INSERT INTO conversations \
           (id, created_at, last_seq, kind, scope_id, name, direct_a, direct_b) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id.as_uuid())
    .bind(c.created_at)
    .bind(seq_param(c.last_seq))
    .bind(kind)
    .bind(scope)
    .bind(name)
    .bind(a)
    .bind(b)
    .execute(&mut *conn)
    .await
    .map_err(store_error)?;
    if matches!(c.kind, ConversationKind::Room { .. }) {
        for m in &c.members {
            sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(c.id.as_uuid())
            .bind(m.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        }
    }
    Ok(())
}

#[async_trait]
impl ConversationStore for PgStore {
    async fn open_direct_conversation(&self, conversation: &Conversation) -> Result<Conversation> {
        pair(conversation)?;
        open_keyed(&self.pool, conversation).await
    }
    async fn open_scoped_room(&self, conversation: &Conversation) -> Result<Conversation> {
        if refdesk_store::conversation_kind_parts(&conversation.kind)
            .1
            .is_none()
        {
            return Err(StoreError::corrupt(
                "a co-op's or institution's room names its scope",
            ));
        }
        open_keyed(&self.pool, conversation).await
    }
    async fn create_room(&self, conversation: &Conversation) -> Result<()> {
        if !matches!(conversation.kind, ConversationKind::Room { .. }) {
            return Err(StoreError::corrupt("create_room takes a made room"));
        }
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        restore(&mut tx, conversation).await?;
        tx.commit().await.map_err(store_error)
    }
    async fn add_room_member(&self, room: ConversationId, user: UserId) -> Result<bool> {
        let kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM conversations WHERE id = $1")
                .bind(room.as_uuid())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        if kind.as_deref() != Some("room") {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query(
            "INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(room.as_uuid())
        .bind(user.as_uuid())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected() > 0)
    }
    async fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        let row: Option<ConversationRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM conversations WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let row = row.ok_or(StoreError::NotFound)?;
        Ok(decode_all(&self.pool, vec![row]).await?.remove(0))
    }
    async fn trim_staff_chat(
        &self,
        institution: InstitutionId,
        before: OffsetDateTime,
    ) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM messages WHERE kind = 'staff' AND created_at < $2 \
               AND stream_id IN ( \
                 SELECT id FROM conversations \
                 WHERE (kind = 'institution' AND scope_id = $1) \
                    OR (kind = 'coop' AND scope_id IN \
                        (SELECT coop_id FROM coop_members WHERE institution_id = $1)) \
                    OR direct_a IN (SELECT id FROM users WHERE institution_id = $1) \
                    OR direct_b IN (SELECT id FROM users WHERE institution_id = $1) \
                    OR id IN (SELECT m.conversation_id FROM conversation_members AS m \
                              JOIN users AS u ON u.id = m.user_id \
                              WHERE u.institution_id = $1))",
        )
        .bind(institution.as_uuid())
        .bind(before)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected())
    }
    async fn conversations_of(
        &self,
        user: UserId,
        institutions: &[InstitutionId],
        coops: &[CoopId],
    ) -> Result<Vec<Conversation>> {
        let institutions: Vec<Uuid> = institutions.iter().map(|i| *i.as_uuid()).collect();
        let coops: Vec<Uuid> = coops.iter().map(|c| *c.as_uuid()).collect();
        let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM conversations \
             WHERE direct_a = $1 OR direct_b = $1 \
                OR id IN (SELECT conversation_id FROM conversation_members WHERE user_id = $1) \
                OR (kind = 'institution' AND scope_id = ANY($2)) \
                OR (kind = 'coop' AND scope_id = ANY($3)) \
             ORDER BY id DESC"
        ))
        .bind(user.as_uuid())
        .bind(&institutions)
        .bind(&coops)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode_all(&self.pool, rows).await
    }
}
