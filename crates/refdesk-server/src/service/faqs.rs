//! FAQs: who may read and manage an institution's, drafts made into FAQs (the Markdown
//! rendered to plain text for search), and the views staff and patrons get.
//!
//! Staff read the FAQs, internal and public, of their own institutions and of the members of
//! the co-ops they may monitor or administer (the 24/7 Staffing group is for them); while a chat is open to
//! them, also those of its institution. An institution's admins (and system admins) write
//! them. Patrons only ever get public FAQs.

use crate::error::{ApiError, ApiResult};
use crate::markdown;
use crate::state::AppState;
use refdesk_core::faq::highlight_html;
use refdesk_core::{
    Faq, FaqDraft, FaqError, FaqId, FaqVisibility, Grant, InstitutionId, StaffPrincipal,
};
use refdesk_protocol::{FaqBody, FaqView, PublicFaq};

impl From<FaqError> for ApiError {
    fn from(e: FaqError) -> Self {
        ApiError::invalid_body(e.to_string())
    }
}

/// Whether `staff` administers `institution`'s FAQs.
pub fn manages_faqs(staff: &StaffPrincipal, institution: InstitutionId) -> bool {
    staff.has(Grant::InstitutionAdmin(institution)) || staff.has(Grant::SystemAdmin)
}

/// A visibility from its wire name.
pub fn visibility(s: &str) -> ApiResult<FaqVisibility> {
    FaqVisibility::parse(s)
        .ok_or_else(|| ApiError::invalid_body("visibility is internal or public"))
}

/// An FAQ from its wire body.
pub fn faq_from_body(
    id: FaqId,
    institution: InstitutionId,
    body: &FaqBody,
    now: time::OffsetDateTime,
) -> ApiResult<Faq> {
    let draft = FaqDraft {
        question: body.question.clone(),
        answer: body.answer.clone(),
        topics: body.topics.clone(),
        group: body.group.clone(),
    };
    let v = visibility(&body.visibility)?;
    Ok(Faq::new(
        id,
        institution,
        v,
        &draft,
        markdown::to_text(&body.answer),
        now,
    )?)
}

impl AppState {
    /// Whether `staff` may read `institution`'s FAQs (see the module's rules; not counting an
    /// open chat).
    pub async fn reads_faqs(
        &self,
        staff: &StaffPrincipal,
        institution: InstitutionId,
    ) -> ApiResult<bool> {
        if staff.institutions.binary_search(&institution).is_ok()
            || staff.coop_institutions.binary_search(&institution).is_ok()
            || manages_faqs(staff, institution)
        {
            return Ok(true);
        }
        // The co-ops they may monitor or administer.
        let mut coops = staff.coops.clone();
        coops.extend(staff.grants.iter().filter_map(|g| match g {
            Grant::CoopAdmin(c) => Some(*c),
            _ => None,
        }));
        if coops.is_empty() {
            return Ok(false);
        }
        let members = self.store().coop_members(&coops).await?;
        Ok(members.iter().any(|(_, i)| *i == institution))
    }

    /// `Ok` when `staff` may read `institution`'s FAQs; else the institution is not found.
    pub async fn faq_reader(
        &self,
        staff: &StaffPrincipal,
        institution: InstitutionId,
    ) -> ApiResult<()> {
        if self.reads_faqs(staff, institution).await? {
            Ok(())
        } else {
            Err(ApiError::not_found())
        }
    }

    /// The slug of an institution's FAQ page (`/faq/{slug}`), read once per answer: every FAQ
    /// of a list is the same institution's.
    pub async fn faq_page_slug(&self, institution: InstitutionId) -> ApiResult<String> {
        Ok(self.store().institution(institution).await?.slug)
    }
}

/// Where a public FAQ is on its institution's FAQ page (`slug` from `faq_page_slug`).
pub fn public_faq_url(slug: &str, faq: &Faq) -> String {
    format!("/faq/{slug}#faq-{}", faq.id)
}

/// An FAQ as `staff` sees it, with the snippet of a search hit; `slug` is its institution's.
pub fn faq_view(staff: &StaffPrincipal, slug: &str, faq: &Faq, snippet: Option<&str>) -> FaqView {
    FaqView {
        id: faq.id,
        institution_id: faq.institution_id,
        visibility: faq.visibility.as_str().to_owned(),
        group: faq.group.clone(),
        question: faq.question.clone(),
        answer: faq.answer.clone(),
        answer_html: markdown::to_html(&faq.answer),
        answer_text: faq.answer_text.clone(),
        topics: faq.topics.clone(),
        updated_at: faq.updated_at,
        public_url: (faq.visibility == FaqVisibility::Public).then(|| public_faq_url(slug, faq)),
        snippet_html: snippet.map(highlight_html),
        editable: manages_faqs(staff, faq.institution_id),
    }
}

/// A public FAQ for a patron.
pub fn public_faq(slug: &str, faq: &Faq) -> PublicFaq {
    debug_assert_eq!(faq.visibility, FaqVisibility::Public);
    PublicFaq {
        id: faq.id,
        question: faq.question.clone(),
        url: public_faq_url(slug, faq),
    }
}
