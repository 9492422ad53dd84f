//! FAQs, searched with PostgreSQL's English text search (the generated `search` column).

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::faq::matches_as_prefix;
use refdesk_core::{Faq, FaqHit, FaqId, FaqVisibility, InstitutionId};
use refdesk_store::{FaqStore, Result, StoreError, keep_best, search_passes};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

macro_rules! faq_columns {
    () => {
        "f.id, f.institution_id, f.visibility, f.group_name, f.question, f.answer, \
         f.answer_text, f.topics, f.updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct FaqRow {
    id: Uuid,
    institution_id: Uuid,
    visibility: String,
    group_name: String,
    question: String,
    answer: String,
    answer_text: String,
    topics: String,
    updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    faq: FaqRow,
    snippet: String,
}

impl FaqRow {
    fn decode(self) -> Result<Faq> {
        Ok(Faq {
            id: self.id.into(),
            institution_id: self.institution_id.into(),
            visibility: FaqVisibility::parse(&self.visibility)
                .ok_or_else(|| StoreError::corrupt("faqs.visibility"))?,
            group: self.group_name,
            question: self.question,
            answer: self.answer,
            answer_text: self.answer_text,
            topics: serde_json::from_str(&self.topics)
                .map_err(|_| StoreError::corrupt("faqs.topics"))?,
            updated_at: self.updated_at,
        })
    }
}

/// The `to_tsquery('english', …)` text for search terms: each term (only letters and digits),
/// the last as a prefix when long enough, all (or any) of them.
pub(crate) fn tsquery(terms: &[String], all: bool) -> String {
    terms
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let word: String = t.chars().filter(|c| c.is_alphanumeric()).collect();
            let star = if matches_as_prefix(terms, i) {
                ":*"
            } else {
                ""
            };
            (!word.is_empty()).then(|| format!("{word}{star}"))
        })
        .collect::<Vec<_>>()
        .join(if all { " & " } else { " | " })
}

/// Inserts or replaces an FAQ (never moving it to another institution).
pub(crate) async fn put(conn: &mut PgConnection, f: &Faq) -> Result<()> {
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
    .bind(f.id.as_uuid())
    .bind(f.institution_id.as_uuid())
    .bind(f.visibility.as_str())
    .bind(&f.group)
    .bind(&f.question)
    .bind(&f.answer)
    .bind(&f.answer_text)
    .bind(serde_json::to_string(&f.topics).map_err(StoreError::other)?)
    .bind(f.updated_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Faq>> {
    let rows: Vec<FaqRow> = sqlx::query_as(concat!(
        "SELECT ",
        faq_columns!(),
        " FROM faqs f ORDER BY f.id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter().map(FaqRow::decode).collect()
}

impl PgStore {
    /// One search: the institution's FAQs matching `query` (a tsquery text), best first, with
    /// snippets.
    async fn search_once(
        &self,
        institution: InstitutionId,
        visibility: Option<FaqVisibility>,
        query: &str,
        limit: u32,
    ) -> Result<Vec<HitRow>> {
        // Rank every match of the institution, then make snippets (ts_headline is costly) for
        // the few kept. chr(1) and chr(2) mark the matched words; `<` and `>` pass through
        // ts_headline as chr(3) and chr(4), or it would drop what looks like markup.
        let rows: Vec<HitRow> = sqlx::query_as(concat!(
            "WITH q AS (SELECT to_tsquery('english', $1) AS q), \
             hits AS (SELECT f.id, ts_rank(f.search, q.q) AS rank FROM faqs f, q \
               WHERE f.institution_id = $2 AND ($3::text IS NULL OR f.visibility = $3) \
                 AND f.search @@ q.q \
               ORDER BY rank DESC, f.updated_at DESC, f.id LIMIT $4) \
             SELECT ",
            faq_columns!(),
            ", translate(ts_headline('english', \
                 translate(f.answer_text, '<>', chr(3) || chr(4)), q.q, \
                 'StartSel=\"' || chr(1) || '\", StopSel=\"' || chr(2) || \
                 '\", MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, \
                  FragmentDelimiter=\" … \"'), chr(3) || chr(4), '<>') AS snippet \
             FROM hits JOIN faqs f ON f.id = hits.id, q \
             ORDER BY hits.rank DESC, f.updated_at DESC, f.id"
        ))
        .bind(query)
        .bind(institution.as_uuid())
        .bind(visibility.map(FaqVisibility::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(rows)
    }
}

#[async_trait]
impl FaqStore for PgStore {
    async fn put_faqs(&self, faqs: &[Faq]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for f in faqs {
            put(&mut tx, f).await?;
        }
        tx.commit().await.map_err(store_error)
    }

    async fn faq(&self, id: FaqId) -> Result<Faq> {
        let row: Option<FaqRow> = sqlx::query_as(concat!(
            "SELECT ",
            faq_columns!(),
            " FROM faqs f WHERE f.id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.ok_or(StoreError::NotFound)?.decode()
    }

    async fn delete_faq(&self, id: FaqId) -> Result<bool> {
        let n = sqlx::query("DELETE FROM faqs WHERE id = $1")
            .bind(id.as_uuid())
            .execute(&self.pool)
            .await
            .map_err(store_error)?
            .rows_affected();
        Ok(n > 0)
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
            " FROM faqs f WHERE f.institution_id = $1 \
               AND ($2::text IS NULL OR f.visibility = $2) \
             ORDER BY f.updated_at DESC, f.id LIMIT $3 OFFSET $4"
        ))
        .bind(institution.as_uuid())
        .bind(visibility.map(FaqVisibility::as_str))
        .bind(i64::from(limit))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(FaqRow::decode).collect()
    }

    async fn count_faqs(&self, institution: InstitutionId) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM faqs WHERE institution_id = $1")
            .bind(institution.as_uuid())
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn search_faqs(
        &self,
        institution: InstitutionId,
        visibility: Option<FaqVisibility>,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<FaqHit>> {
        if tsquery(terms, false).is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // FAQs with every word first; only when those are too few, FAQs with any (as the
        // SQLite backend does).
        let mut rows: Vec<HitRow> = Vec::new();
        for &all in search_passes(terms) {
            let found = self
                .search_once(institution, visibility, &tsquery(terms, all), limit)
                .await?;
            if keep_best(&mut rows, found, limit, |r| r.faq.id) {
                break;
            }
        }
        rows.into_iter()
            .map(|r| {
                Ok(FaqHit {
                    faq: r.faq.decode()?,
                    snippet: r.snippet,
                })
            })
            .collect()
    }
}
