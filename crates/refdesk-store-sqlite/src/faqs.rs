//! FAQs, searched with FTS5 (the `faqs_fts` index, kept by triggers).

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros};
use async_trait::async_trait;
use refdesk_core::faq::matches_as_prefix;
use refdesk_core::{Faq, FaqHit, FaqId, FaqVisibility, InstitutionId};
use refdesk_store::{FaqStore, StoreError, keep_best, search_passes};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

macro_rules! faq_columns {
    () => {
        "f.id, f.institution_id, f.visibility, f.group_name, f.question, f.answer, \
         f.answer_text, f.topics, f.updated_at"
    };
}

type FaqRow = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

/// A search hit: its snippet, then the FAQ's row.
type HitRow = (
    String,
    Uuid,
    Uuid,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

fn decode_one(r: FaqRow) -> Result<Faq> {
    let (id, institution, visibility, group, question, answer, answer_text, topics, at) = r;
    Ok(Faq {
        id: id.into(),
        institution_id: institution.into(),
        visibility: FaqVisibility::parse(&visibility)
            .ok_or_else(|| StoreError::corrupt("faqs.visibility"))?,
        group,
        question,
        answer,
        answer_text,
        topics: serde_json::from_str(&topics).map_err(|_| StoreError::corrupt("faqs.topics"))?,
        updated_at: from_micros(at)?,
    })
}

fn decode(rows: Vec<FaqRow>) -> Result<Vec<Faq>> {
    rows.into_iter().map(decode_one).collect()
}

/// The rowids of an institution's FAQs (see the `faq_blocks` migration): block `b` holds its
/// internal FAQs at `b * 2^33 + [0, 2^32)`, its public ones at `b * 2^33 + 2^32 + [0, 2^32)`.
const BLOCK_SPAN: i64 = 1 << 33;
const VISIBILITY_SPAN: i64 = 1 << 32;

/// The first and last rowid of a block's FAQs of `visibility` (or of both).
fn rowid_range(block: i64, visibility: Option<FaqVisibility>) -> (i64, i64) {
    let base = block * BLOCK_SPAN;
    match visibility {
        Some(FaqVisibility::Internal) => (base, base + VISIBILITY_SPAN - 1),
        Some(FaqVisibility::Public) => (base + VISIBILITY_SPAN, base + BLOCK_SPAN - 1),
        None => (base, base + BLOCK_SPAN - 1),
    }
}

/// The institution's block of rowids, given it one when it has none yet.
async fn block_of(conn: &mut SqliteConnection, institution: InstitutionId) -> Result<i64> {
    sqlx::query(
        "INSERT INTO faq_blocks (institution_id, block) \
         VALUES ($1, (SELECT coalesce(max(block), 0) + 1 FROM faq_blocks)) \
         ON CONFLICT (institution_id) DO NOTHING",
    )
    .bind(Uuid::from(institution))
    .execute(&mut *conn)
    .await
    .map_err(unknown_reference)?;
    sqlx::query_scalar("SELECT block FROM faq_blocks WHERE institution_id = $1")
        .bind(Uuid::from(institution))
        .fetch_one(&mut *conn)
        .await
        .map_err(db)
}

/// A free rowid in the block's part for `visibility`: one past its highest.
async fn next_seq(
    conn: &mut SqliteConnection,
    block: i64,
    visibility: FaqVisibility,
) -> Result<i64> {
    let (first, last) = rowid_range(block, Some(visibility));
    let highest: Option<i64> =
        sqlx::query_scalar("SELECT max(seq) FROM faqs WHERE seq BETWEEN $1 AND $2")
            .bind(first)
            .bind(last)
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
    match highest {
        Some(h) if h >= last => Err(StoreError::corrupt(
            "faqs.seq: an institution's block is full",
        )),
        Some(h) => Ok(h + 1),
        None => Ok(first),
    }
}

/// The terms alone: all or any of them, each quoted, the last a prefix when long enough.
pub(crate) fn term_expression(terms: &[String], all: bool) -> String {
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let star = if matches_as_prefix(terms, i) { "*" } else { "" };
            format!("\"{}\"{star}", t.replace('"', ""))
        })
        .collect::<Vec<_>>()
        .join(if all { " AND " } else { " OR " })
}

/// Inserts or replaces an FAQ (never moving it to another institution; moving it to the
/// rowids of its new visibility when that changes).
pub(crate) async fn put(conn: &mut SqliteConnection, f: &Faq) -> Result<()> {
    let existing: Option<(i64, Uuid, String)> =
        sqlx::query_as("SELECT seq, institution_id, visibility FROM faqs WHERE id = $1")
            .bind(Uuid::from(f.id))
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    let seq = match existing {
        Some((_, institution, _)) if institution != Uuid::from(f.institution_id) => {
            return Err(StoreError::NotFound);
        }
        Some((seq, _, visibility)) if visibility == f.visibility.as_str() => seq,
        _ => {
            let block = block_of(conn, f.institution_id).await?;
            next_seq(conn, block, f.visibility).await?
        }
    };
    sqlx::query(
        "INSERT INTO faqs (seq, id, institution_id, visibility, group_name, question, answer, \
           answer_text, topics, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, visibility = excluded.visibility, \
           group_name = excluded.group_name, question = excluded.question, \
           answer = excluded.answer, answer_text = excluded.answer_text, \
           topics = excluded.topics, updated_at = excluded.updated_at",
    )
    .bind(seq)
    .bind(Uuid::from(f.id))
    .bind(Uuid::from(f.institution_id))
    .bind(f.visibility.as_str())
    .bind(&f.group)
    .bind(&f.question)
    .bind(&f.answer)
    .bind(&f.answer_text)
    .bind(serde_json::to_string(&f.topics).map_err(StoreError::other)?)
    .bind(micros(f.updated_at))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Faq>> {
    let rows: Vec<FaqRow> = sqlx::query_as(concat!(
        "SELECT ",
        faq_columns!(),
        " FROM faqs f ORDER BY f.id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

#[async_trait]
impl FaqStore for SqliteStore {
    async fn put_faqs(&self, faqs: &[Faq]) -> Result<()> {
        let faqs = faqs.to_vec();
        self.writer
            .exec(move |conn| {
                Box::pin(async move {
                    for f in &faqs {
                        put(conn, f).await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn faq(&self, id: FaqId) -> Result<Faq> {
        let row: Option<FaqRow> = sqlx::query_as(concat!(
            "SELECT ",
            faq_columns!(),
            " FROM faqs f WHERE f.id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_optional(&self.read)
        .await
        .map_err(db)?;
        decode_one(row.ok_or(StoreError::NotFound)?)
    }

    async fn delete_faq(&self, id: FaqId) -> Result<bool> {
        self.writer
            .exec(move |conn| {
                Box::pin(async move {
                    let n = sqlx::query("DELETE FROM faqs WHERE id = $1")
                        .bind(Uuid::from(id))
                        .execute(conn)
                        .await
                        .map_err(db)?
                        .rows_affected();
                    Ok(n > 0)
                })
            })
            .await
    }

    async fn faqs_of(
        &self,
        institution: InstitutionId,
        visibility: Option<FaqVisibility>,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<Faq>> {
        let rows: Vec<FaqRow> = sqlx::query_as(concat!(
            "SELECT ",
            faq_columns!(),
            " FROM faqs f WHERE f.institution_id = $1 AND ($2 IS NULL OR f.visibility = $2) \
             ORDER BY f.updated_at DESC, f.id LIMIT $3 OFFSET $4"
        ))
        .bind(Uuid::from(institution))
        .bind(visibility.map(FaqVisibility::as_str))
        .bind(i64::from(limit))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)
    }

    async fn count_faqs(&self, institution: InstitutionId) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM faqs WHERE institution_id = $1")
            .bind(Uuid::from(institution))
            .fetch_one(&self.read)
            .await
            .map_err(db)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn search_faqs(
        &self,
        institution: InstitutionId,
        visibility: Option<FaqVisibility>,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<FaqHit>> {
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // FAQs with every word first; only when those are too few, FAQs with any. Besides
        // ranking the best answers first, this keeps the rows to rank few: ranking is what a
        // search costs, per matching row.
        // One read transaction: the snippets read the same snapshot the ranking did, so an
        // FAQ deleted meanwhile is still there to quote.
        let mut conn = self.read.begin().await.map_err(db)?;
        let block: Option<i64> =
            sqlx::query_scalar("SELECT block FROM faq_blocks WHERE institution_id = $1")
                .bind(Uuid::from(institution))
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?;
        let Some(block) = block else {
            return Ok(Vec::new()); // no FAQ was ever kept for it
        };
        let (first, last) = rowid_range(block, visibility);
        let mut ranked: Vec<(i64,)> = Vec::new();
        for &all in search_passes(terms) {
            // The institution's (and visibility's) rowids: FTS5 seeks into that part of each
            // term's doclist, ranks its matches there itself (`rank`) and keeps the best;
            // snippets are made below for those only.
            let found: Vec<(i64,)> = sqlx::query_as(
                "SELECT rowid FROM faqs_fts WHERE faqs_fts MATCH $1 \
                   AND rowid BETWEEN $2 AND $3 \
                   AND rank MATCH 'bm25(10.0, 4.0, 1.0)' \
                 ORDER BY rank LIMIT $4",
            )
            .bind(term_expression(terms, all))
            .bind(first)
            .bind(last)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            if keep_best(&mut ranked, found, limit, |r| r.0) {
                break;
            }
        }
        // The snippet marks any of the words; the index finds the one row by its rowid at
        // once.
        let expression = term_expression(terms, false);
        let mut hits = Vec::with_capacity(ranked.len());
        for (seq,) in ranked {
            let (snippet, id, institution, visibility, group, question, answer, text, topics, at): HitRow =
                sqlx::query_as(concat!(
                    "SELECT snippet(faqs_fts, 2, char(1), char(2), '…', 24), ",
                    faq_columns!(),
                    " FROM faqs_fts CROSS JOIN faqs f ON f.seq = faqs_fts.rowid \
                     WHERE faqs_fts MATCH $1 AND faqs_fts.rowid = $2"
                ))
                .bind(&expression)
                .bind(seq)
                .fetch_one(&mut *conn)
                .await
                .map_err(db)?;
            let row = (
                id,
                institution,
                visibility,
                group,
                question,
                answer,
                text,
                topics,
                at,
            );
            hits.push(FaqHit {
                faq: decode_one(row)?,
                snippet,
            });
        }
        Ok(hits)
    }
}
