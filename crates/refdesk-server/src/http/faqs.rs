//! FAQs over REST: an institution's list and search, one FAQ, writing, changing and deleting
//! (its admins), import and export, the 24/7 Staffing FAQs of a chat's institution, and the
//! public FAQs a chat box suggests to a patron.

use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::service::faq_files::{self, FaqFormat};
use crate::service::faqs::{faq_from_body, faq_view, manages_faqs, public_faq};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use refdesk_core::faq::search_terms;
use refdesk_core::{
    ChatId, Faq, FaqId, FaqVisibility, InstitutionId, Principal, StaffPrincipal, WidgetId,
};
use refdesk_protocol::{ErrorBody, FaqBody, FaqImportResult, FaqList, FaqView, PublicFaqList};
use refdesk_store::StoreError;
use serde::Deserialize;

/// Search results or recent FAQs per request, at most.
const MAX_RESULTS: u32 = 50;
/// Suggestions a chat box shows.
const SUGGESTIONS: u32 = 3;
/// The largest import file, in bytes.
const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FaqQuery {
    /// `internal` or `public` (default: both; for a chat: `internal`).
    pub visibility: Option<String>,
    /// Words to search for; none: the most recently updated first.
    pub q: Option<String>,
    /// Skip this many of the most recent (without `q`).
    pub offset: Option<u64>,
    /// 1 to 50 (default 20).
    pub limit: Option<u32>,
}

fn visibility_of(q: &FaqQuery) -> ApiResult<Option<FaqVisibility>> {
    q.visibility
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(|v| {
            FaqVisibility::parse(v)
                .ok_or_else(|| ApiError::invalid_query("visibility is internal or public"))
        })
        .transpose()
}

fn limit_of(q: &FaqQuery) -> ApiResult<u32> {
    match q.limit {
        None => Ok(20),
        Some(n @ 1..=MAX_RESULTS) => Ok(n),
        Some(_) => Err(ApiError::invalid_query("limit is 1 to 50")),
    }
}

/// An institution's FAQs for `staff`: search results, or the most recent.
async fn list_for(
    state: &AppState,
    staff: &StaffPrincipal,
    institution: InstitutionId,
    visibility: Option<FaqVisibility>,
    q: &FaqQuery,
) -> ApiResult<FaqList> {
    let limit = limit_of(q)?;
    let store = state.store();
    let words = q.q.as_deref().unwrap_or("").trim();
    let slug = state.faq_page_slug(institution).await?;
    let faqs = if words.is_empty() {
        store
            .faqs_of(institution, visibility, q.offset.unwrap_or(0), limit)
            .await?
            .iter()
            .map(|f| faq_view(staff, &slug, f, None))
            .collect()
    } else {
        store
            .search_faqs(institution, visibility, &search_terms(words), limit)
            .await?
            .iter()
            .map(|h| faq_view(staff, &slug, &h.faq, Some(&h.snippet)))
            .collect()
    };
    Ok(FaqList {
        institution_id: institution,
        institution_name: state.names().institution(store, institution).await?,
        public_page: format!("/faq/{slug}"),
        total: store.count_faqs(institution).await?,
        faqs,
    })
}

#[utoipa::path(get, path = "/api/institutions/{id}/faqs", tag = "staff", params(("id" = String, Path, description = "institution id"), FaqQuery),
    responses((status = 200, body = FaqList, description = "search results by relevance, or the most recently updated"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not one whose FAQs I may read")))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<FaqQuery>,
) -> ApiResult<Json<FaqList>> {
    state.faq_reader(&staff, id).await?;
    let visibility = visibility_of(&q)?;
    Ok(Json(list_for(&state, &staff, id, visibility, &q).await?))
}

#[utoipa::path(get, path = "/api/chats/{id}/faqs", tag = "staff", params(("id" = String, Path, description = "chat id"), FaqQuery),
    responses((status = 200, body = FaqList, description = "the FAQs of the patron's home institution: internal (the 24/7 Staffing group) unless visibility=public"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn of_chat(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
    Query(q): Query<FaqQuery>,
) -> ApiResult<Json<FaqList>> {
    let chat = state.chat_for(&Principal::Staff(staff.clone()), id).await?;
    let visibility = visibility_of(&q)?.unwrap_or(FaqVisibility::Internal);
    Ok(Json(
        list_for(&state, &staff, chat.institution_id, Some(visibility), &q).await?,
    ))
}

#[utoipa::path(post, path = "/api/institutions/{id}/faqs", tag = "admin", request_body = FaqBody,
    params(("id" = String, Path, description = "institution id")),
    responses((status = 201, body = FaqView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn create(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Json(body): Json<FaqBody>,
) -> ApiResult<(StatusCode, Json<FaqView>)> {
    if !manages_faqs(&staff, id) {
        return Err(ApiError::not_found());
    }
    let faq = faq_from_body(uuid::Uuid::now_v7().into(), id, &body, state.now())?;
    state.store().put_faqs(std::slice::from_ref(&faq)).await?;
    tracing::info!(user.id = %staff.id(), faq.id = %faq.id, institution.id = %id, "FAQ written");
    Ok((
        StatusCode::CREATED,
        Json(faq_view(
            &staff,
            &state.faq_page_slug(id).await?,
            &faq,
            None,
        )),
    ))
}

/// The FAQ, if `staff` may read it.
async fn readable(state: &AppState, staff: &StaffPrincipal, id: FaqId) -> ApiResult<Faq> {
    let faq = state.store().faq(id).await?;
    if faq.visibility == FaqVisibility::Public
        || state.reads_faqs(staff, faq.institution_id).await?
    {
        Ok(faq)
    } else {
        Err(ApiError::not_found())
    }
}

#[utoipa::path(get, path = "/api/faqs/{id}", tag = "staff",
    params(("id" = String, Path, description = "FAQ id")),
    responses((status = 200, body = FaqView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<FaqId>,
) -> ApiResult<Json<FaqView>> {
    let faq = readable(&state, &staff, id).await?;
    let slug = state.faq_page_slug(faq.institution_id).await?;
    Ok(Json(faq_view(&staff, &slug, &faq, None)))
}

#[utoipa::path(put, path = "/api/faqs/{id}", tag = "admin", request_body = FaqBody,
    params(("id" = String, Path, description = "FAQ id")),
    responses((status = 200, body = FaqView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "I may read it but not change it"),
              (status = 404, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<FaqId>,
    Json(body): Json<FaqBody>,
) -> ApiResult<Json<FaqView>> {
    let old = readable(&state, &staff, id).await?;
    if !manages_faqs(&staff, old.institution_id) {
        return Err(ApiError::forbidden(
            "only the library's admins change its FAQs",
        ));
    }
    let faq = faq_from_body(id, old.institution_id, &body, state.now())?;
    state.store().put_faqs(std::slice::from_ref(&faq)).await?;
    tracing::info!(user.id = %staff.id(), faq.id = %id, "FAQ changed");
    let slug = state.faq_page_slug(faq.institution_id).await?;
    Ok(Json(faq_view(&staff, &slug, &faq, None)))
}

#[utoipa::path(delete, path = "/api/faqs/{id}", tag = "admin",
    params(("id" = String, Path, description = "FAQ id")),
    responses((status = 204), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "I may read it but not delete it"),
              (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<FaqId>,
) -> ApiResult<StatusCode> {
    let old = readable(&state, &staff, id).await?;
    if !manages_faqs(&staff, old.institution_id) {
        return Err(ApiError::forbidden(
            "only the library's admins delete its FAQs",
        ));
    }
    state.store().delete_faq(id).await?;
    tracing::info!(user.id = %staff.id(), faq.id = %id, "FAQ deleted");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// `csv` or `json` (default).
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/institutions/{id}/faqs/export", tag = "admin",
    params(("id" = String, Path, description = "institution id"), FormatQuery),
    responses((status = 200, description = "every FAQ of the institution as a CSV or JSON file"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn export(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<FormatQuery>,
) -> ApiResult<Response> {
    if !manages_faqs(&staff, id) {
        return Err(ApiError::not_found());
    }
    let format = FaqFormat::parse(q.format.as_deref())?;
    // One read, so an edit during the export cannot move an FAQ between pages.
    let all = state.store().faqs_of(id, None, 0, u32::MAX).await?;
    let bytes = faq_files::export(&all, format)?;
    let slug = state.faq_page_slug(id).await?;
    super::download(
        bytes,
        format.content_type(),
        &format!("faqs-{slug}.{}", format.extension()),
    )
}

#[utoipa::path(post, path = "/api/institutions/{id}/faqs/import", tag = "admin",
    params(("id" = String, Path, description = "institution id"), FormatQuery),
    request_body(content = String, description = "a CSV or JSON file as written by export (at most 4 MiB, 5,000 FAQs)"),
    responses((status = 200, body = FaqImportResult, description = "every FAQ stored; an FAQ with the id of one of this institution's replaces it"),
              (status = 400, body = ErrorBody, description = "the first bad FAQ, by its number; nothing is stored"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn import(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<FormatQuery>,
    request: Request,
) -> ApiResult<Json<FaqImportResult>> {
    if !manages_faqs(&staff, id) {
        return Err(ApiError::not_found());
    }
    let format = FaqFormat::parse(q.format.as_deref())?;
    let bytes = axum::body::to_bytes(request.into_body(), MAX_IMPORT_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "an import file is at most 4 MiB",
            )
        })?;
    let records = faq_files::parse(&bytes, format)?;
    let now = state.now();
    let (mut created, mut updated) = (0, 0);
    let mut faqs = Vec::with_capacity(records.len());
    for (n, r) in records.iter().enumerate() {
        let row = |e: ApiError| {
            ApiError::invalid_body(format!("FAQ {}: {}", n + 1, e.body().error.message))
        };
        let faq_id: FaqId = match r.id {
            None => uuid::Uuid::now_v7().into(),
            Some(u) => {
                match state.store().faq(u.into()).await {
                    Ok(old) if old.institution_id == id => updated += 1,
                    Ok(_) => {
                        return Err(row(ApiError::invalid_body(
                            "this id is another library's FAQ",
                        )));
                    }
                    Err(StoreError::NotFound) => created += 1,
                    Err(e) => return Err(e.into()),
                }
                u.into()
            }
        };
        if r.id.is_none() {
            created += 1;
        }
        let body = FaqBody {
            visibility: r.visibility.clone(),
            group: r.group.clone(),
            question: r.question.clone(),
            answer: r.answer.clone(),
            topics: r.topics.clone(),
        };
        faqs.push(faq_from_body(faq_id, id, &body, now).map_err(row)?);
    }
    state.store().put_faqs(&faqs).await?;
    tracing::info!(user.id = %staff.id(), institution.id = %id, created, updated, "FAQs imported");
    Ok(Json(FaqImportResult { created, updated }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SuggestQuery {
    /// What the patron typed.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/widgets/{id}/faqs", tag = "patron",
    params(("id" = String, Path, description = "widget id"), SuggestQuery),
    responses((status = 200, body = PublicFaqList, description = "up to three public FAQs of the chat box's library that match, most relevant first"),
              (status = 404, body = ErrorBody, description = "no such chat box, or switched off")))]
pub async fn suggest(
    State(state): State<AppState>,
    Path(id): Path<WidgetId>,
    Query(q): Query<SuggestQuery>,
) -> ApiResult<Json<PublicFaqList>> {
    let widget = state.store().widget(id).await?;
    if !widget.settings.enabled {
        return Err(ApiError::not_found());
    }
    let terms = search_terms(q.q.as_deref().unwrap_or(""));
    let hits = state
        .store()
        .search_faqs(
            widget.institution_id,
            Some(FaqVisibility::Public),
            &terms,
            SUGGESTIONS,
        )
        .await?;
    let slug = state.faq_page_slug(widget.institution_id).await?;
    let faqs = hits.iter().map(|h| public_faq(&slug, &h.faq)).collect();
    Ok(Json(PublicFaqList { faqs }))
}
