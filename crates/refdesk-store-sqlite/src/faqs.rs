//! FAQs, searched with FTS5 (the `faqs_fts` index, kept by triggers).

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros};
use async_trait::async_trait;
use refdesk_core::faq::matches_as_prefix;
use refdesk_core::{Faq, FaqHit, FaqId, FaqVisibility, InstitutionId};
use refdesk_store::{FaqStore, StoreError};
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

/// The FTS5 query for search terms: each term, quoted (terms hold only letters and digits),
/// as a prefix when long enough, any of them.
fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| {
            let star = if matches_as_prefix(t) { "*" } else { "" };
            format!("\"{}\"{star}", t.replace('"', ""))
        })
        .collect::<Vec<_>>()
        .join(" OR ")
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
        let expression = match_expression(terms);
        // Two steps: rank every match of the institution (CROSS JOIN keeps the index first,
        // where bm25() works), then make snippets for the few kept, not for every match.
        let mut conn = self.read.acquire().await.map_err(db)?;
        let ranked: Vec<(i64,)> = sqlx::query_as(
            "SELECT f.seq FROM faqs_fts CROSS JOIN faqs f ON f.seq = faqs_fts.rowid \
             WHERE faqs_fts MATCH $1 AND f.institution_id = $2 \
               AND ($3 IS NULL OR f.visibility = $3) \
             ORDER BY bm25(faqs_fts, 10.0, 4.0, 1.0), f.updated_at DESC LIMIT $4",
        )
        .bind(&expression)
        .bind(Uuid::from(institution))
        .bind(visibility.map(FaqVisibility::as_str))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        let mut hits = Vec::with_capacity(ranked.len());
        for (seq,) in ranked {
            let (snippet, row): (String, FaqRow) = {
                let r: (
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
                ) = sqlx::query_as(concat!(
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
                (r.0, (r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9))
            };
            hits.push(FaqHit {
                faq: decode_one(row)?,
                snippet,
            });
        }
        Ok(hits)
    }
}
