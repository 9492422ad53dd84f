//! Staff conversations: the one direct conversation of a pair, the one room of a co-op or an
//! institution, rooms someone made with their members, and the reads. Their messages are
//! appended by [`crate::append`] like a chat's.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, hex_array, micros, seq, seq_column, unique_is};
use async_trait::async_trait;
use refdesk_core::{
    Conversation, ConversationId, ConversationKind, CoopId, InstitutionId, UserId,
    conversation::direct_pair,
};
use refdesk_store::{Conflict, ConversationStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

macro_rules! columns {
    () => {
        "id, created_at, last_seq, kind, scope_id, name, direct_a, direct_b"
    };
}

#[derive(sqlx::FromRow)]
struct ConversationRow {
    id: Uuid,
    created_at: i64,
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
        let bad = || StoreError::corrupt(format!("conversation {} of kind {}", self.id, self.kind));
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
            created_at: from_micros(self.created_at)?,
            last_seq: seq("conversations.last_seq", self.last_seq)?,
        })
    }
}

/// The stored members of a made room, in id order.
async fn members_of(conn: &mut SqliteConnection, id: Uuid) -> Result<Vec<UserId>> {
    let rows: Vec<(Uuid,)> = sqlx::query_as(
        "SELECT user_id FROM conversation_members WHERE conversation_id = $1 ORDER BY user_id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
    .map_err(db)?;
    Ok(rows.into_iter().map(|(u,)| u.into()).collect())
}

/// Decodes rows, reading each made room's members.
async fn decode_all(
    conn: &mut SqliteConnection,
    rows: Vec<ConversationRow>,
) -> Result<Vec<Conversation>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let members = match r.kind.as_str() {
            "room" => members_of(conn, r.id).await?,
            _ => Vec::new(),
        };
        out.push(r.decode(members)?);
    }
    Ok(out)
}

fn pair(c: &Conversation) -> Result<[UserId; 2]> {
    match c.members.as_slice() {
        [a, b] if a != b => Ok(direct_pair(*a, *b)),
        _ => Err(StoreError::corrupt("a direct conversation has two members")),
    }
}

/// Writes a conversation row and its stored members as given: an open (a taken pair or scope
/// changes nothing), or with `restore` a made or restored one (a taken id is `AlreadyExists`).
async fn insert(conn: &mut SqliteConnection, c: &Conversation, restore: bool) -> Result<()> {
    let (kind, scope, name) = refdesk_store::conversation_kind_parts(&c.kind);
    let (a, b) = match c.kind {
        ConversationKind::Direct => {
            let [a, b] = pair(c)?;
            (Some(Uuid::from(a)), Some(Uuid::from(b)))
        }
        _ => (None, None),
    };
    let sql = if restore {
        "INSERT INTO conversations (id, created_at, last_seq, kind, scope_id, name, direct_a, \
         direct_b) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    } else {
        "INSERT INTO conversations (id, created_at, last_seq, kind, scope_id, name, direct_a, \
         direct_b) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING"
    };
    sqlx::query(sql)
        .bind(Uuid::from(c.id))
        .bind(micros(c.created_at))
        .bind(seq_column(c.last_seq)?)
        .bind(kind)
        .bind(scope)
        .bind(name)
        .bind(a)
        .bind(b)
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if restore {
                unique_is(Conflict::AlreadyExists)(e)
            } else {
                unknown_reference(e)
            }
        })?;
    if matches!(c.kind, ConversationKind::Room { .. }) {
        for m in &c.members {
            sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(Uuid::from(c.id))
            .bind(Uuid::from(*m))
            .execute(&mut *conn)
            .await
            .map_err(unknown_reference)?;
        }
    }
    Ok(())
}

/// Stores `c` unless its pair has a conversation already; returns the pair's conversation.
pub(crate) async fn open_direct(
    conn: &mut SqliteConnection,
    c: &Conversation,
) -> Result<Conversation> {
    let [a, b] = pair(c)?;
    insert(conn, c, false).await?;
    let row: ConversationRow = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE direct_a = $1 AND direct_b = $2"
    ))
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    row.decode(Vec::new())
}

/// Stores the room of `c`'s co-op or institution unless it has one; returns that room.
async fn open_scoped(conn: &mut SqliteConnection, c: &Conversation) -> Result<Conversation> {
    let (kind, Some(scope), _) = refdesk_store::conversation_kind_parts(&c.kind) else {
        return Err(StoreError::corrupt(
            "a co-op's or institution's room names its scope",
        ));
    };
    insert(conn, c, false).await?;
    let row: ConversationRow = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE kind = $1 AND scope_id = $2"
    ))
    .bind(kind)
    .bind(scope)
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    row.decode(Vec::new())
}

/// Conversations in id order, for `migrate-data`.
pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Conversation>> {
    let offset = i64::try_from(offset).map_err(|_| StoreError::corrupt("offset beyond i64"))?;
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut conn = pool.acquire().await.map_err(db)?;
    decode_all(&mut conn, rows).await
}

/// Writes a conversation exactly as read, head and members included (`migrate-data`).
pub(crate) async fn restore(conn: &mut SqliteConnection, c: &Conversation) -> Result<()> {
    insert(conn, c, true).await
}

#[async_trait]
impl ConversationStore for SqliteStore {
    async fn open_direct_conversation(&self, conversation: &Conversation) -> Result<Conversation> {
        let c = conversation.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { open_direct(conn, &c).await }))
            .await
    }
    async fn open_scoped_room(&self, conversation: &Conversation) -> Result<Conversation> {
        let c = conversation.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { open_scoped(conn, &c).await }))
            .await
    }
    async fn create_room(&self, conversation: &Conversation) -> Result<()> {
        if !matches!(conversation.kind, ConversationKind::Room { .. }) {
            return Err(StoreError::corrupt("create_room takes a made room"));
        }
        let c = conversation.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { insert(conn, &c, true).await }))
            .await
    }
    async fn add_room_member(&self, room: ConversationId, user: UserId) -> Result<bool> {
        self.writer
            .exec(move |conn| {
                Box::pin(async move {
                    let kind: Option<String> =
                        sqlx::query_scalar("SELECT kind FROM conversations WHERE id = $1")
                            .bind(Uuid::from(room))
                            .fetch_optional(&mut *conn)
                            .await
                            .map_err(db)?;
                    if kind.as_deref() != Some("room") {
                        return Err(StoreError::NotFound);
                    }
                    let done = sqlx::query(
                        "INSERT INTO conversation_members (conversation_id, user_id) \
                         VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(Uuid::from(room))
                    .bind(Uuid::from(user))
                    .execute(&mut *conn)
                    .await
                    .map_err(unknown_reference)?;
                    Ok(done.rows_affected() > 0)
                })
            })
            .await
    }
    async fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        let row: Option<ConversationRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM conversations WHERE id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_optional(&self.read)
        .await
        .map_err(db)?;
        let row = row.ok_or(StoreError::NotFound)?;
        let mut conn = self.read.acquire().await.map_err(db)?;
        Ok(decode_all(&mut conn, vec![row]).await?.remove(0))
    }
    async fn trim_staff_chat(
        &self,
        institution: InstitutionId,
        before: time::OffsetDateTime,
    ) -> Result<u64> {
        self.writer
            .exec(move |conn| {
                Box::pin(async move {
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
                    .bind(Uuid::from(institution))
                    .bind(micros(before))
                    .execute(conn)
                    .await
                    .map_err(db)?;
                    Ok(done.rows_affected())
                })
            })
            .await
    }
    async fn conversations_of(
        &self,
        user: UserId,
        institutions: &[InstitutionId],
        coops: &[CoopId],
    ) -> Result<Vec<Conversation>> {
        let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM conversations \
             WHERE direct_a = $1 OR direct_b = $1 \
                OR id IN (SELECT conversation_id FROM conversation_members WHERE user_id = $1) \
                OR (kind = 'institution' AND scope_id IN (SELECT unhex(value) FROM json_each($2))) \
                OR (kind = 'coop' AND scope_id IN (SELECT unhex(value) FROM json_each($3))) \
             ORDER BY id DESC"
        ))
        .bind(Uuid::from(user))
        .bind(hex_array(institutions)?)
        .bind(hex_array(coops)?)
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        let mut conn = self.read.acquire().await.map_err(db)?;
        decode_all(&mut conn, rows).await
    }
}
