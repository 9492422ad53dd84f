//! A patron's rating of their ended chat (when its chat box asks for one), and staff reading
//! it beside the transcript.

use super::{Json, Path};
use crate::auth::{Patron, Staff};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{ChatId, Principal, Rating, RatingError};
use refdesk_protocol::{ErrorBody, RatingBody, RatingView};
use refdesk_store::{Conflict, StoreError};

impl From<RatingError> for ApiError {
    fn from(e: RatingError) -> Self {
        match e {
            RatingError::NotEnded => {
                ApiError::new(StatusCode::CONFLICT, "chat_open", e.to_string())
            }
            RatingError::Stars | RatingError::Comment => ApiError::invalid_body(e.to_string()),
        }
    }
}

#[utoipa::path(post, path = "/api/chats/{id}/rating", tag = "patron", request_body = RatingBody,
    params(("id" = String, Path, description = "chat id")),
    responses((status = 201, body = RatingView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "not the patron's chat, or its chat box does not ask for ratings"),
              (status = 409, body = ErrorBody, description = "chat_open (rate it once it has ended) or already_rated")))]
pub async fn rate(
    State(state): State<AppState>,
    Patron(guest): Patron,
    Path(id): Path<ChatId>,
    Json(body): Json<RatingBody>,
) -> ApiResult<(StatusCode, Json<RatingView>)> {
    let principal = Principal::Patron { guest_id: guest.id };
    state.chat_for(&principal, id).await?;
    let chat = state.store().chat(id).await?;
    if !state
        .store()
        .widget(chat.widget_id)
        .await?
        .settings
        .ask_rating
    {
        return Err(ApiError::not_found());
    }
    let rating = Rating::new(&chat, body.stars, body.comment.as_deref(), state.now())?;
    match state.store().rate_chat(&rating).await {
        Ok(()) => {
            state
                .publish(crate::events::Event::ChatRated {
                    rating: rating.clone(),
                })
                .await;
            Ok((StatusCode::CREATED, Json(rating.into())))
        }
        Err(StoreError::Conflict(Conflict::AlreadyExists)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_rated",
            "this chat has been rated already",
        )),
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(get, path = "/api/chats/{id}/rating", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = Option<RatingView>, description = "the patron's rating, or null"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<Option<RatingView>>> {
    state.chat_for(&Principal::Staff(staff), id).await?;
    Ok(Json(state.store().rating_of(id).await?.map(Into::into)))
}
