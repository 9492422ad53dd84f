//! Tags on the wire: a chat's tags (`/api/chats/{id}/tags`) and type-ahead (`/api/tags`).

use crate::views::NamedRef;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// One tag on a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChatTagView {
    pub tag: String,
    pub added_by: NamedRef,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChatTagList {
    pub chat_id: uuid::Uuid,
    /// In the order they were added.
    pub tags: Vec<ChatTagView>,
}

/// Puts a tag on a chat: 1–40 characters, no commas; stored trimmed and in lower case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    pub tag: String,
}

/// Tags in use, most used first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TagList {
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TagQuery {
    /// The first letters typed (default: all).
    pub prefix: Option<String>,
}
