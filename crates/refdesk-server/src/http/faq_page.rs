//! `/faq/{slug}`: an institution's public FAQs, grouped, with a search box; rendered on the
//! server from an autoescaping minijinja template (answers are sanitised HTML, see
//! [`crate::markdown`]). The page's only style and script are inline and allowed by their
//! hashes in its Content-Security-Policy; nothing else runs.

use super::{Path, Query};
use crate::error::{ApiError, ApiResult};
use crate::markdown;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use minijinja::{Environment, context};
use refdesk_core::faq::search_terms;
use refdesk_core::{Faq, FaqVisibility};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const TEMPLATE: &str = include_str!("../../templates/faq_page.html");
const CSS: &str = include_str!("../../templates/faq_page.css");
const JS: &str = include_str!("../../templates/faq_page.js");
/// The most FAQs the page lists.
const MAX_LISTED: u32 = 1000;

pub(super) fn sha256_source(s: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
    )
}

static PAGE: LazyLock<(Environment<'static>, String)> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_template("faq_page.html", TEMPLATE)
        .expect("the FAQ page template parses");
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'self'",
        sha256_source(CSS),
        sha256_source(JS)
    );
    (env, csp)
});

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub q: Option<String>,
}

#[derive(Serialize)]
struct PageFaq {
    id: String,
    question: String,
    answer_html: String,
    group: String,
    updated: String,
}

#[derive(Serialize)]
struct PageGroup {
    name: String,
    faqs: Vec<PageFaq>,
}

fn page_faq(f: &Faq) -> PageFaq {
    PageFaq {
        id: f.id.to_string(),
        question: f.question.clone(),
        answer_html: markdown::to_html(&f.answer),
        group: f.group.clone(),
        updated: f.updated_at.date().to_string(),
    }
}

/// The public FAQ page of the institution `slug`.
pub async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Response> {
    let institution = state.store().institution_by_slug(&slug).await?;
    let query: String = q.q.unwrap_or_default().trim().chars().take(200).collect();
    let public = Some(FaqVisibility::Public);
    let store = state.store();
    let (results, groups) = if query.is_empty() {
        let mut faqs = store.faqs_of(institution.id, public, 0, MAX_LISTED).await?;
        faqs.sort_by(|a, b| (&a.group, &a.question).cmp(&(&b.group, &b.question)));
        let mut groups: Vec<PageGroup> = Vec::new();
        for f in &faqs {
            match groups.last_mut() {
                Some(g) if g.name == f.group => g.faqs.push(page_faq(f)),
                _ => groups.push(PageGroup {
                    name: f.group.clone(),
                    faqs: vec![page_faq(f)],
                }),
            }
        }
        (Vec::new(), groups)
    } else {
        let hits = store
            .search_faqs(institution.id, public, &search_terms(&query), 20)
            .await?;
        (hits.iter().map(|h| page_faq(&h.faq)).collect(), Vec::new())
    };
    let (env, csp) = &*PAGE;
    let html = env
        .get_template("faq_page.html")
        .and_then(|t| {
            t.render(context! {
                institution => institution.name.to_string(),
                query => query,
                results => minijinja::value::Serde(&results),
                groups => minijinja::value::Serde(&groups),
                css => CSS,
                js => JS,
            })
        })
        .map_err(ApiError::internal)?;
    let mut resp = (StatusCode::OK, html).into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(csp).map_err(ApiError::internal)?,
    );
    Ok(resp)
}
