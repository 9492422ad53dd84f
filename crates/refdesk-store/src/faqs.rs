//! FAQs and their full-text search (see [`refdesk_core::faq`]).

use crate::Result;
use async_trait::async_trait;
use refdesk_core::{Faq, FaqHit, FaqId, FaqVisibility, InstitutionId};

/// FAQs of institutions, with full-text search: relevance ranking, stemming and prefix
/// matching (SQLite FTS5, PostgreSQL text search). Both backends pass the same conformance
/// cases.
#[async_trait]
pub trait FaqStore: Send + Sync + std::fmt::Debug + 'static {
    /// Stores FAQs in one transaction, each new or replacing the one of the same id (an FAQ
    /// never moves to another institution: `NotFound` and nothing is stored when one would).
    async fn put_faqs(&self, faqs: &[Faq]) -> Result<()>;
    async fn faq(&self, id: FaqId) -> Result<Faq>;
    /// Deletes one; false when there was none.
    async fn delete_faq(&self, id: FaqId) -> Result<bool>;
    /// An institution's FAQs (of one visibility, or all), most recently updated first.
    async fn faqs_of(
        &self,
        institution: InstitutionId,
        visibility: Option<FaqVisibility>,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<Faq>>;
    /// How many FAQs an institution has.
    async fn count_faqs(&self, institution: InstitutionId) -> Result<u64>;
    /// The institution's FAQs (of one visibility, or all) matching any of `terms` (from
    /// [`refdesk_core::faq::search_terms`]; each matched by its stem and as a prefix), most
    /// relevant first (a match in the question counts most, then topics, then the answer), at
    /// most `limit`, each with a snippet of its answer around the matches. No terms: none.
    async fn search_faqs(
        &self,
        institution: InstitutionId,
        visibility: Option<FaqVisibility>,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<FaqHit>>;
}

/// The passes of an FAQ search, as both backends make them: every term first (`true`), then,
/// for more than one term, any term (`false`).
pub fn search_passes(terms: &[String]) -> &'static [bool] {
    if terms.len() > 1 {
        &[true, false]
    } else {
        &[true]
    }
}

/// Adds a pass's hits after those kept (none twice, by `key`), up to `limit`; whether the
/// limit is reached, so no further pass is needed. Hits of every term so stay first.
pub fn keep_best<T, K: PartialEq>(
    kept: &mut Vec<T>,
    found: Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> K,
) -> bool {
    let limit = limit as usize;
    for hit in found {
        if kept.len() < limit && !kept.iter().any(|k| key(k) == key(&hit)) {
            kept.push(hit);
        }
    }
    kept.len() >= limit
}
