//! Tags on chats over REST, for staff who may see the chat: list, add, remove; and type-ahead
//! from the tags in use at the caller's library and its co-op partners. Patrons never see tags.

use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::extract::State;
use refdesk_core::{ChatId, ChatTag, Principal, Tag};
use refdesk_protocol::{ChatTagList, ChatTagView, ErrorBody, NamedRef, TagBody, TagList, TagQuery};

impl AppState {
    /// A chat's tags, as staff see them.
    pub async fn tag_list(&self, chat: ChatId) -> ApiResult<ChatTagList> {
        let mut tags = Vec::new();
        for t in self.store().tags_of(chat).await? {
            tags.push(ChatTagView {
                tag: t.tag.to_string(),
                added_by: NamedRef {
                    id: t.added_by.into(),
                    name: self.names().user(self.store(), t.added_by).await?,
                },
                added_at: t.added_at,
            });
        }
        Ok(ChatTagList {
            chat_id: chat.into(),
            tags,
        })
    }
}

fn tag_of(text: &str) -> ApiResult<Tag> {
    Tag::parse(text).map_err(|e| ApiError::invalid_body(e.to_string()))
}

#[utoipa::path(get, path = "/api/chats/{id}/tags", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = ChatTagList), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<ChatTagList>> {
    state.chat_for(&Principal::Staff(staff), id).await?;
    Ok(Json(state.tag_list(id).await?))
}

#[utoipa::path(post, path = "/api/chats/{id}/tags", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    request_body = TagBody,
    responses((status = 200, body = ChatTagList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
    Json(body): Json<TagBody>,
) -> ApiResult<Json<ChatTagList>> {
    let tag = tag_of(&body.tag)?;
    let by = staff.id();
    state.chat_for(&Principal::Staff(staff), id).await?;
    let added = ChatTag {
        chat_id: id,
        tag,
        added_by: by,
        added_at: state.now(),
    };
    if state.store().add_tag(&added).await? {
        state.publish(Event::ChatTags { chat_id: id }).await;
    }
    Ok(Json(state.tag_list(id).await?))
}

#[utoipa::path(delete, path = "/api/chats/{id}/tags/{tag}", tag = "staff",
    params(("id" = String, Path, description = "chat id"),
           ("tag" = String, Path, description = "the tag, URL-encoded")),
    responses((status = 200, body = ChatTagList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, tag)): Path<(ChatId, String)>,
) -> ApiResult<Json<ChatTagList>> {
    let tag = tag_of(&tag)?;
    state.chat_for(&Principal::Staff(staff), id).await?;
    if state.store().remove_tag(id, &tag).await? {
        state.publish(Event::ChatTags { chat_id: id }).await;
    }
    Ok(Json(state.tag_list(id).await?))
}

#[utoipa::path(get, path = "/api/tags", tag = "staff", params(TagQuery),
    responses((status = 200, body = TagList), (status = 401, body = ErrorBody)))]
pub async fn suggest(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Query(q): Query<TagQuery>,
) -> ApiResult<Json<TagList>> {
    let mut institutions = staff.institutions.clone();
    institutions.extend(&staff.coop_institutions);
    institutions.sort();
    institutions.dedup();
    let prefix = q.prefix.unwrap_or_default();
    let tags = state
        .store()
        .tags_in(&institutions, prefix.trim(), 20)
        .await?;
    Ok(Json(TagList {
        tags: tags.into_iter().map(|t| t.to_string()).collect(),
    }))
}
