//! FAQs on the wire: for staff (the editor, the admin list, the 24/7 Staffing FAQs tab) and,
//! for patrons, only public FAQs with nothing internal.

use refdesk_core::{FaqId, InstitutionId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `POST /api/institutions/{id}/faqs`, `PUT /api/faqs/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqBody {
    /// `internal` (the 24/7 Staffing group, staff only) or `public`.
    #[schema(example = "public")]
    pub visibility: String,
    /// A public FAQ's group (at most 60 characters; empty or absent: "General"); ignored for
    /// internal FAQs.
    #[serde(default)]
    pub group: String,
    /// 1–300 characters.
    pub question: String,
    /// Markdown, 1–20,000 characters; rendered and sanitised when shown.
    pub answer: String,
    /// At most 10 topics of at most 40 characters.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// An FAQ as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FaqView {
    #[schema(value_type = String, format = Uuid)]
    pub id: FaqId,
    #[schema(value_type = String, format = Uuid)]
    pub institution_id: InstitutionId,
    /// `internal` or `public`.
    pub visibility: String,
    pub group: String,
    pub question: String,
    /// The answer's Markdown, as written.
    pub answer: String,
    /// The answer rendered and sanitised.
    pub answer_html: String,
    /// The answer as plain text (what is inserted into a reply).
    pub answer_text: String,
    pub topics: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// A public FAQ's address on the institution's FAQ page (null for internal ones).
    pub public_url: Option<String>,
    /// In search results: the answer around the matched words, escaped, each match in
    /// `<mark>`.
    pub snippet_html: Option<String>,
    /// Whether I may change or delete it.
    pub editable: bool,
}

/// FAQs of one institution: a page of the most recently updated, or search results by
/// relevance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FaqList {
    #[schema(value_type = String, format = Uuid)]
    pub institution_id: InstitutionId,
    pub institution_name: String,
    /// The institution's public FAQ page.
    pub public_page: String,
    /// How many FAQs the institution has in all (both kinds).
    pub total: u64,
    pub faqs: Vec<FaqView>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FaqImportResult {
    pub created: u32,
    pub updated: u32,
}

/// A public FAQ as a patron's chat box shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicFaq {
    #[schema(value_type = String, format = Uuid)]
    pub id: FaqId,
    pub question: String,
    /// Where it is on the institution's FAQ page.
    pub url: String,
}

/// Public FAQs that match what a patron typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicFaqList {
    pub faqs: Vec<PublicFaq>,
}
