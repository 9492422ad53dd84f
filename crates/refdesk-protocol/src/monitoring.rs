//! Monitoring on the wire: my toggles, switching one, a co-op's Check status and the Librarians
//! list.

use crate::views::NamedRef;
use refdesk_core::{CoopId, DepartmentId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// One toggle: a department (local monitoring) or a co-op, Online or Offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitorToggle {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
    pub online: bool,
    /// Since when, while Online.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<OffsetDateTime>,
}

/// What the signed-in staff member may monitor, and what they are monitoring now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitoringView {
    /// My institution's setting: after this many minutes without input, the dashboard asks
    /// "Are you still monitoring?" and goes Offline unless answered.
    pub ask_still_monitoring_after_minutes: u32,
    /// Local monitoring: the departments of my institution (and any granted on their own).
    pub departments: Vec<MonitorToggle>,
    /// Co-op monitoring: the co-ops I may monitor.
    pub coops: Vec<MonitorToggle>,
}

/// Switches one toggle. With `department_id`, that department; with `coop_id`, that co-op; with
/// neither, every department of local monitoring at once ("all").
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMonitoringRequest {
    #[schema(value_type = Option<String>, format = Uuid)]
    #[serde(default)]
    pub department_id: Option<DepartmentId>,
    #[schema(value_type = Option<String>, format = Uuid)]
    #[serde(default)]
    pub coop_id: Option<CoopId>,
    pub online: bool,
}

/// One queue someone monitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitoredScope {
    /// `department` or `coop`.
    pub kind: String,
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: OffsetDateTime,
}

/// A librarian monitoring queues I share with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LibrarianView {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    pub name: String,
    pub institution: NamedRef,
    /// What they monitor, of what I may monitor.
    pub monitoring: Vec<MonitoredScope>,
    /// How many chats they hold now.
    pub chats: u32,
    /// Whether this is me.
    pub me: bool,
}

/// Who is monitoring the departments and co-ops I may monitor, longest on duty first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LibrariansView {
    pub librarians: Vec<LibrarianView>,
}

/// A co-op's Check status: how many others are monitoring it right now, and who.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CoopStatusView {
    pub coop: NamedRef,
    /// Monitoring it now, not counting me.
    pub others: u32,
    /// Everyone monitoring it now (me included, marked), longest on duty first.
    pub monitors: Vec<LibrarianView>,
}
