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

/// Starts every scope token (see the migration): a private-use character, never in a term.
const SCOPE_MARK: char = '\u{E000}';

/// The FTS5 query for a search: the institution's (and visibility's) scope tokens, and all (or
/// any) of the terms (quoted: they hold only letters and digits; a prefix when long enough). A
/// term is not kept from the scope column by a column filter (that doubles what ranking
/// costs): no term can match a scope token, which starts with [`SCOPE_MARK`].
fn match_expression(
    institution: InstitutionId,
    visibility: Option<FaqVisibility>,
    terms: &[String],
    all: bool,
) -> String {
    let any = term_expression(terms, all);
    let mut scope = format!(
        "scope : \"{SCOPE_MARK}i{}\"",
        Uuid::from(institution).simple()
    );
    if let Some(v) = visibility {
        scope.push_str(&format!(" AND scope : \"{SCOPE_MARK}v{}\"", v.as_str()));
    }
    format!("{scope} AND ({any})")
}

/// The terms alone: all or any of them, each quoted, a prefix when long enough.
fn term_expression(terms: &[String], all: bool) -> String {
    terms
        .iter()
        .map(|t| {
            let star = if matches_as_prefix(t) { "*" } else { "" };
            format!("\"{}\"{star}", t.replace('"', ""))
        })
        .collect::<Vec<_>>()
        .join(if all { " AND " } else { " OR " })
}

/// Inserts or replaces an FAQ (never moving it to another institution).
pub(crate) async fn put(conn: &mut SqliteConnection, f: &Faq) -> Result<()> {
    let done = sqlx::query(
        "INSERT INTO faqs (id, institution_id, visibility, group_name, question, answer, \
           answer_text, topics, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (id) DO UPDATE SET visibility = excluded.visibility, \
           group_name = excluded.group_name, question = excluded.question, \
           answer = excluded.answer, answer_text = excluded.answer_text, \
           topics = excluded.topics, updated_at = excluded.updated_at \
         WHERE faqs.institution_id = excluded.institution_id",
    )
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
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
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
        let mut ranked: Vec<(i64,)> = Vec::new();
        for &all in search_passes(terms) {
            let expression = match_expression(institution, visibility, terms, all);
            // The index ranks its matches itself (`rank`, the scope column weighing nothing)
            // and keeps the best; snippets are made below for those only.
            let found: Vec<(i64,)> = sqlx::query_as(
                "SELECT rowid FROM faqs_fts WHERE faqs_fts MATCH $1 \
                   AND rank MATCH 'bm25(0.0, 10.0, 4.0, 1.0)' \
                 ORDER BY rank LIMIT $2",
            )
            .bind(&expression)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            if keep_best(&mut ranked, found, limit, |r| r.0) {
                break;
            }
        }
        // The snippet marks any of the words; without the scope and column filters the index
        // finds the one row by its rowid at once.
        let expression = term_expression(terms, false);
        let mut hits = Vec::with_capacity(ranked.len());
        for (seq,) in ranked {
            let (snippet, id, institution, visibility, group, question, answer, text, topics, at): HitRow =
                sqlx::query_as(concat!(
                    "SELECT snippet(faqs_fts, 3, char(1), char(2), '…', 24), ",
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
