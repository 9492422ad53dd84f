//! Administration on the wire: institutions and co-ops (system admins), an institution's staff
//! and their roles and co-op access (its admins), a co-op's members and who may monitor it (its
//! admins). Lists page with `after` (the last item's key) and `limit`; `next` is set when there
//! may be more.

use crate::views::NamedRef;
use refdesk_core::{DisplayName, Email, Institution, Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InstitutionView {
    pub id: uuid::Uuid,
    pub name: String,
    pub slug: String,
}

impl From<Institution> for InstitutionView {
    fn from(i: Institution) -> Self {
        InstitutionView {
            id: i.id.into(),
            name: i.name.to_string(),
            slug: i.slug,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InstitutionList {
    pub institutions: Vec<InstitutionView>,
    /// The slug to pass as `after` for the next page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInstitutionBody {
    #[schema(value_type = String, max_length = 120)]
    pub name: DisplayName,
    /// 1–64 of `a-z`, `0-9`, `-`; unique.
    pub slug: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCoopBody {
    #[schema(value_type = String, max_length = 120)]
    pub name: DisplayName,
}

/// Adds an institution to a co-op, by its slug.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberBody {
    pub slug: String,
}

/// A co-op a staff member's library belongs to, and whether they may monitor it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoopAccess {
    pub id: uuid::Uuid,
    pub name: String,
    pub may_monitor: bool,
}

/// A staff account as its institution's admins see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffView {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub name: String,
    pub email: String,
    /// `operator`, `institution_admin`, `coop_admin` or `system_admin`.
    #[schema(value_type = String, example = "operator")]
    pub role: Role,
    pub coops: Vec<CoopAccess>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffList {
    pub staff: Vec<StaffView>,
    /// The email to pass as `after` for the next page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffBody {
    #[schema(value_type = String, format = "email")]
    pub email: Email,
    #[schema(value_type = String, max_length = 120)]
    pub name: DisplayName,
    /// `operator` or `institution_admin` (system admins may give any role).
    #[schema(value_type = String, example = "operator")]
    pub role: Role,
    /// At least 10 characters; stored only as an Argon2id hash.
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    #[schema(value_type = String, example = "institution_admin")]
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MayMonitorBody {
    pub may_monitor: bool,
}

/// Someone who may monitor a co-op.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoopMonitorView {
    pub id: uuid::Uuid,
    pub name: String,
    pub institution: NamedRef,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoopMonitorList {
    pub monitors: Vec<CoopMonitorView>,
}

/// Paging of the admin lists.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The key of the last item of the previous page (`next`).
    pub after: Option<String>,
    /// 1–200; default 50.
    pub limit: Option<u32>,
}

impl PageQuery {
    /// The page size asked for, or why it is not one.
    pub fn limit(&self) -> Result<u32, String> {
        match self.limit {
            None => Ok(50),
            Some(n @ 1..=200) => Ok(n),
            Some(_) => Err("limit must be between 1 and 200".to_owned()),
        }
    }
}
