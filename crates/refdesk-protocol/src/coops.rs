//! Co-ops on the wire: an institution's co-ops, a co-op's members and each member's contracted
//! hours (`/api/institutions/{id}/coops`, `/api/coops/{id}/members`).

use crate::views::NamedRef;
use refdesk_core::CoopHours;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoopList {
    pub coops: Vec<NamedRef>,
}

/// One span of a weekday in the member's time zone: `from` included, `to` not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningBody {
    /// `mon` … `sun`.
    #[schema(example = "mon")]
    pub day: String,
    /// `HH:MM`.
    #[schema(example = "09:00")]
    pub from: String,
    /// `HH:MM`, up to `24:00`.
    #[schema(example = "17:00")]
    pub to: String,
}

/// A member's contracted hours with the co-op: when its chats may be offered to the co-op. No
/// openings means around the clock; closed dates (`YYYY-MM-DD`, local) always apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoopHoursBody {
    pub weekly: Vec<OpeningBody>,
    pub closed: Vec<String>,
}

impl CoopHoursBody {
    /// The hours, or why they are not hours (an unknown day, a date that is not one).
    pub fn hours(&self) -> Result<CoopHours, String> {
        let json = serde_json::to_value(self).map_err(|e| e.to_string())?;
        serde_json::from_value(json).map_err(|e| format!("hours: {e}"))
    }
}

impl From<CoopHours> for CoopHoursBody {
    fn from(h: CoopHours) -> Self {
        let json = serde_json::to_value(&h).expect("hours serialise");
        serde_json::from_value(json).expect("hours are a CoopHoursBody")
    }
}

/// A member of a co-op, as the co-op's admins see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoopMemberView {
    pub institution: NamedRef,
    /// The member's time zone, in which its hours are read.
    pub time_zone: String,
    pub hours: CoopHoursBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoopMemberList {
    pub coop: NamedRef,
    pub members: Vec<CoopMemberView>,
    /// The institution id to pass as `after` for the next page.
    pub next: Option<String>,
}
