//! Canned messages on the wire: the ones I may insert (and which of them I may change), and
//! the body that writes one.

use refdesk_core::{CannedId, CannedMessage};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// Whose a canned message is: `personal` (mine, no id), `institution` or `coop` with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedScopeBody {
    /// `personal`, `institution` or `coop`.
    #[schema(example = "institution")]
    pub kind: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<uuid::Uuid>,
}

/// `POST /api/canned`, `PUT /api/canned/{id}` (whose scope cannot change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedBody {
    pub scope: CannedScopeBody,
    /// 1–80 characters.
    pub title: String,
    /// 1–4000 characters; `{patron}` and `{librarian}` are filled in when it is inserted.
    pub body: String,
}

/// A canned message as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CannedView {
    #[schema(value_type = String, format = Uuid)]
    pub id: CannedId,
    pub scope: CannedScopeBody,
    /// The scope's name: "Mine", the institution's or the co-op's.
    pub scope_name: String,
    pub title: String,
    pub body: String,
    /// Whether I may change or delete it.
    pub editable: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl CannedView {
    pub fn new(c: &CannedMessage, scope_name: String, editable: bool) -> CannedView {
        CannedView {
            id: c.id,
            scope: CannedScopeBody {
                kind: c.scope.kind().to_owned(),
                id: Some(c.scope.id()),
            },
            scope_name,
            title: c.title.clone(),
            body: c.body.clone(),
            editable,
            updated_at: c.updated_at,
        }
    }
}

/// The canned messages I may insert, by title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CannedList {
    pub canned: Vec<CannedView>,
}
