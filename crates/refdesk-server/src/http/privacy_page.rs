//! `/privacy/{slug}`: an institution's privacy notice for chat, written from its policy (what is
//! kept of a patron, for how long, who sees it, what the patron may do), so that it says what
//! the privacy engine does. The chat box links to it. Rendered on the server from an
//! autoescaping minijinja template, with the FAQ page's style; no script.

use super::Path;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::{Environment, context};
use refdesk_core::{InstitutionPolicy, IpAddresses, ReferrerQuery};
use std::sync::LazyLock;

const TEMPLATE: &str = include_str!("../../templates/privacy_page.html");
const CSS: &str = include_str!("../../templates/faq_page.css");

static PAGE: LazyLock<(Environment<'static>, String)> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_template("privacy_page.html", TEMPLATE)
        .expect("the privacy page template parses");
    let csp = format!(
        "default-src 'none'; style-src {}; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'self'",
        super::faq_page::sha256_source(CSS),
    );
    (env, csp)
});

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// What the notice says is kept, and for how long, as the policy has it.
fn notice(policy: &InstitutionPolicy) -> (Vec<String>, Vec<String>) {
    let mut kept = vec![
        "Your name and email address, if you give them.".to_owned(),
        "Your question and the conversation, with any files sent in it, and your rating if you \
         give one."
            .to_owned(),
    ];
    kept.push(
        match policy.ip_addresses {
            IpAddresses::Stored => "Your internet (IP) address.",
            IpAddresses::Truncated => {
                "Part of your internet (IP) address: its last part is removed before it is kept, \
                 so it points to a neighbourhood of addresses, not to you."
            }
            IpAddresses::NotStored => "Your internet (IP) address is not kept.",
        }
        .to_owned(),
    );
    kept.push(
        match policy.referrer_query {
            ReferrerQuery::Stripped => {
                "The address of the page you opened the chat box on, without anything after its \
                 \"?\" or \"#\" (which may hold searches or account details)."
            }
            ReferrerQuery::Kept => "The full address of the page you opened the chat box on.",
        }
        .to_owned(),
    );
    kept.push("The kind of browser you use.".to_owned());
    let mut how_long = Vec::new();
    how_long.push(match policy.patron_identity_retention_days {
        Some(n) => format!(
            "Your name, email address, internet address and browser, and any email addresses \
             and phone numbers in the conversation, are removed {} after the chat ends.",
            days(n)
        ),
        None => "Your name, email address, internet address and browser are kept with the \
                 conversation."
            .to_owned(),
    });
    how_long.push(match policy.transcript_retention_days {
        Some(n) => format!(
            "The conversation, its files and your rating's comment are deleted {} after the chat \
             ends.",
            days(n)
        ),
        None => "The conversation is kept until the library deletes it.".to_owned(),
    });
    how_long.push(
        "A count of each chat (when it happened, how long it waited and lasted, who answered) \
         is kept for the library's statistics, without your details or the conversation."
            .to_owned(),
    );
    (kept, how_long)
}

/// The privacy notice of the institution `slug`.
pub async fn page(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Response> {
    let institution = state.store().institution_by_slug(&slug).await?;
    let policy = state.policies().get(state.store(), institution.id).await?;
    let coops = state.store().coops_of_institution(institution.id).await?;
    let name = institution.name.to_string();
    let who = if coops.is_empty() {
        format!("{name}'s librarians, who answer the chat, and its administrators.")
    } else {
        let names: Vec<String> = coops.iter().map(|c| c.name.to_string()).collect();
        format!(
            "{name}'s librarians and administrators, and the librarians of the other libraries \
             of {} who answer chats for {name} when its own librarians are busy.",
            names.join(", ")
        )
    };
    let (kept, how_long) = notice(&policy);
    let (env, csp) = &*PAGE;
    let html = env
        .get_template("privacy_page.html")
        .and_then(|t| {
            t.render(context! {
                institution => name,
                kept => kept,
                how_long => how_long,
                who => who,
                css => CSS,
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
