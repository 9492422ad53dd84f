//! Widgets and departments on the wire: the chat box's public configuration's fields and texts,
//! and what an institution's admins read and write (`/api/institutions/{id}/widgets`,
//! `/api/institutions/{id}/departments`).

use refdesk_core::{
    Department, DepartmentId, DisplayName, FieldMode, PrechatFields, RouteStep, RoutingPlan,
    StepTarget, Widget, WidgetId, WidgetSettings, WidgetTexts,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Each pre-chat field: `hidden`, `optional` or `required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrechatFieldsBody {
    #[schema(value_type = String, example = "optional")]
    pub name: FieldMode,
    #[schema(value_type = String, example = "optional")]
    pub email: FieldMode,
    #[schema(value_type = String, example = "required")]
    pub question: FieldMode,
}

/// The chat box's texts; `null` shows the built-in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetTextsBody {
    /// The heading (1–120 characters; default: the institution's name).
    pub title: Option<String>,
    /// The line above the pre-chat form (1–1000 characters).
    pub greeting: Option<String>,
    /// What the chat box says when nobody is monitoring (1–1000 characters).
    pub offline: Option<String>,
}

impl From<PrechatFields> for PrechatFieldsBody {
    fn from(f: PrechatFields) -> Self {
        PrechatFieldsBody {
            name: f.name,
            email: f.email,
            question: f.question,
        }
    }
}

impl From<WidgetTexts> for WidgetTextsBody {
    fn from(t: WidgetTexts) -> Self {
        WidgetTextsBody {
            title: t.title,
            greeting: t.greeting,
            offline: t.offline,
        }
    }
}

/// One step of a routing plan: a department of the widget's institution or a co-op it belongs
/// to, offered the chat once it has waited `after_seconds` at the step before (0: at once), or
/// as soon as nobody monitors the step before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteStepBody {
    /// `department` or `coop`.
    pub kind: String,
    pub id: uuid::Uuid,
    /// 0–86400.
    pub after_seconds: u32,
}

/// Where a chat box's chats go after its department, and how often a waiting chat alerts its
/// step's monitors again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingPlanBody {
    /// At most 8 steps, none repeating the widget's department or another step.
    pub steps: Vec<RouteStepBody>,
    /// Seconds between alerts of a chat still waiting (10–86400); `null` alerts once.
    pub realert_seconds: Option<u32>,
}

impl From<RoutingPlan> for RoutingPlanBody {
    fn from(p: RoutingPlan) -> Self {
        RoutingPlanBody {
            steps: p
                .steps
                .iter()
                .map(|s| {
                    let (kind, id) = match s.target {
                        StepTarget::Department(d) => ("department", d.into()),
                        StepTarget::Coop(c) => ("coop", c.into()),
                    };
                    RouteStepBody {
                        kind: kind.to_owned(),
                        id,
                        after_seconds: s.after_seconds,
                    }
                })
                .collect(),
            realert_seconds: p.realert_seconds,
        }
    }
}

impl RoutingPlanBody {
    /// The plan, or the first step whose kind is neither `department` nor `coop`.
    pub fn plan(&self) -> Result<RoutingPlan, String> {
        let steps = self
            .steps
            .iter()
            .map(|s| {
                let target = match s.kind.as_str() {
                    "department" => StepTarget::Department(s.id.into()),
                    "coop" => StepTarget::Coop(s.id.into()),
                    other => return Err(format!("unknown step kind {other:?}")),
                };
                Ok(RouteStep {
                    target,
                    after_seconds: s.after_seconds,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(RoutingPlan {
            steps,
            realert_seconds: self.realert_seconds,
        })
    }
}

/// A chat box as its institution's admins see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WidgetView {
    #[schema(value_type = String, format = Uuid)]
    pub id: WidgetId,
    pub name: String,
    #[schema(value_type = String, format = Uuid)]
    pub department_id: DepartmentId,
    pub allowed_origins: Vec<String>,
    pub fields: PrechatFieldsBody,
    pub texts: WidgetTextsBody,
    pub routing: RoutingPlanBody,
    /// A disabled chat box is not offered to patrons.
    pub enabled: bool,
    /// Whether the patron is asked to rate the chat when it ends.
    pub ask_rating: bool,
}

impl From<Widget> for WidgetView {
    fn from(w: Widget) -> Self {
        WidgetView {
            id: w.id,
            name: w.name.to_string(),
            department_id: w.department_id,
            allowed_origins: w.allowed_origins,
            fields: w.settings.fields.into(),
            texts: w.settings.texts.into(),
            routing: w.settings.routing.into(),
            enabled: w.settings.enabled,
            ask_rating: w.settings.ask_rating,
        }
    }
}

/// Creates a chat box, or (with `PUT`) rewrites one: every field is given.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetBody {
    #[schema(value_type = String, max_length = 120)]
    pub name: DisplayName,
    /// A department of the same institution: the queue its chats land in.
    #[schema(value_type = String, format = Uuid)]
    pub department_id: DepartmentId,
    /// Origins (`https://host[:port]`) allowed to embed it; empty allows any.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub fields: PrechatFieldsBody,
    pub texts: WidgetTextsBody,
    /// Where its chats go after its department; left out, they stay there.
    #[serde(default = "no_steps")]
    pub routing: RoutingPlanBody,
    /// `false` disables the chat box (patrons are told it is not available); default `true`.
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// Whether the patron is asked to rate the chat when it ends; default `true`.
    #[serde(default = "enabled")]
    pub ask_rating: bool,
}

fn enabled() -> bool {
    true
}

fn no_steps() -> RoutingPlanBody {
    RoutingPlan::default().into()
}

impl WidgetBody {
    /// The settings, or why the routing plan is not one.
    pub fn settings(&self) -> Result<WidgetSettings, String> {
        Ok(WidgetSettings {
            fields: PrechatFields {
                name: self.fields.name,
                email: self.fields.email,
                question: self.fields.question,
            },
            texts: WidgetTexts {
                title: self.texts.title.clone(),
                greeting: self.texts.greeting.clone(),
                offline: self.texts.offline.clone(),
            },
            routing: self.routing.plan()?,
            enabled: self.enabled,
            ask_rating: self.ask_rating,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WidgetList {
    pub widgets: Vec<WidgetView>,
    /// The id to pass as `after` for the next page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DepartmentView {
    #[schema(value_type = String, format = Uuid)]
    pub id: DepartmentId,
    pub name: String,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        DepartmentView {
            id: d.id,
            name: d.name.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DepartmentList {
    pub departments: Vec<DepartmentView>,
    /// The id to pass as `after` for the next page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentBody {
    #[schema(value_type = String, max_length = 120)]
    pub name: DisplayName,
}
