//! Reports: who reads which figures, the days asked for in the institution's time zone, the
//! facts from the store, narrowed by the filters, counted by core's `ChatReport`, and named
//! for the reader. A report holds no patron's identity: the facts carry none.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::report::{ChatFact, ChatReport};
use refdesk_core::{DepartmentId, InstitutionId, StaffPrincipal, Tag, UserId, WidgetId};
use refdesk_protocol::{BucketView, ChatReportView, buckets};
use refdesk_store::FactFilter;
use serde::Deserialize;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The longest range one report covers, in days.
pub const MAX_REPORT_DAYS: i64 = 731;
/// Days a report covers when no `from` is given: the last 30, today included.
const DEFAULT_DAYS: i64 = 30;

/// A report's query: its days and filters, and the file format.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day counted, `YYYY-MM-DD` in the institution's time zone (default: 29 days before
    /// `to`).
    pub from: Option<String>,
    /// Last day counted, included (default: today).
    pub to: Option<String>,
    /// Only chats of this department (queue).
    #[param(value_type = Option<String>, format = Uuid)]
    pub department: Option<DepartmentId>,
    /// Only chats of this chat box.
    #[param(value_type = Option<String>, format = Uuid)]
    pub widget: Option<WidgetId>,
    /// Only chats that reached this co-op's queue.
    #[param(value_type = Option<String>, format = Uuid)]
    pub coop: Option<refdesk_core::CoopId>,
    /// Only chats this librarian claimed first.
    #[param(value_type = Option<String>, format = Uuid)]
    pub operator: Option<UserId>,
    /// Only chats with this tag.
    pub tag: Option<String>,
    /// Only chats rated this many stars (1–5).
    pub rating: Option<u8>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// The days asked for, as the instants they start and end at in `zone`.
pub(crate) struct Range {
    pub from_day: jiff::civil::Date,
    pub to_day: jiff::civil::Date,
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

fn day(s: &str, what: &str) -> ApiResult<jiff::civil::Date> {
    s.parse()
        .map_err(|_| ApiError::invalid_query(format!("{what} is a date, YYYY-MM-DD")))
}

/// The start of `day` in `tz`, as an instant.
fn midnight(day: jiff::civil::Date, tz: &jiff::tz::TimeZone) -> ApiResult<OffsetDateTime> {
    let ts = day
        .to_zoned(tz.clone())
        .map_err(ApiError::internal)?
        .timestamp();
    OffsetDateTime::from_unix_timestamp(ts.as_second()).map_err(ApiError::internal)
}

pub(crate) fn range(q: &ReportQuery, zone: &str, now: OffsetDateTime) -> ApiResult<Range> {
    let tz = jiff::tz::TimeZone::get(zone).map_err(ApiError::internal)?;
    let today = jiff::Timestamp::from_second(now.unix_timestamp())
        .map_err(ApiError::internal)?
        .to_zoned(tz.clone())
        .date();
    let to_day = q.to.as_deref().map_or(Ok(today), |s| day(s, "to"))?;
    let from_day = match q.from.as_deref() {
        Some(s) => day(s, "from")?,
        None => to_day
            .checked_sub(jiff::Span::new().days(DEFAULT_DAYS - 1))
            .map_err(ApiError::internal)?,
    };
    let days = from_day
        .until(to_day)
        .map_err(ApiError::internal)?
        .get_days();
    if days < 0 {
        return Err(ApiError::invalid_query("from is after to"));
    }
    if i64::from(days) >= MAX_REPORT_DAYS {
        return Err(ApiError::invalid_query(format!(
            "a report covers at most {MAX_REPORT_DAYS} days"
        )));
    }
    let after = to_day.tomorrow().map_err(ApiError::internal)?;
    Ok(Range {
        from_day,
        to_day,
        from: midnight(from_day, &tz)?,
        to: midnight(after, &tz)?,
    })
}

impl ReportQuery {
    /// The tag filtered on, once the rating and the tag are checked: `invalid_query` for a
    /// rating other than 1 to 5 stars or a tag that is not one.
    pub(crate) fn checked_tag(&self) -> ApiResult<Option<Tag>> {
        if self.rating.is_some_and(|r| !(1..=5).contains(&r)) {
            return Err(ApiError::invalid_query("rating is 1 to 5 stars"));
        }
        self.tag
            .as_deref()
            .map(Tag::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_query(e.to_string()))
    }

    /// Whether a chat passes the filters.
    pub(crate) fn keeps(&self, f: &ChatFact, tag: Option<&Tag>) -> bool {
        self.department.is_none_or(|d| d == f.department_id)
            && self.widget.is_none_or(|w| w == f.widget_id)
            && self.coop.is_none_or(|c| Some(c) == f.coop_id)
            && self.operator.is_none_or(|o| Some(o) == f.answered_by)
            && self.rating.is_none_or(|r| Some(r) == f.stars)
            && tag.is_none_or(|t| f.tags.iter().any(|x| x == t.as_str()))
    }
}

const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl AppState {
    /// An institution's chat report, for its admins (and system admins): its patrons' chats,
    /// and a count of the chats its librarians answered for other libraries' patrons.
    pub async fn institution_chat_report(
        &self,
        staff: &StaffPrincipal,
        id: InstitutionId,
        q: &ReportQuery,
    ) -> ApiResult<ChatReportView> {
        crate::http::institutions::admin_of(staff, id)?;
        let tag = q.checked_tag()?;
        let zone = self.policies().get(self.store(), id).await?.time_zone;
        let r = range(q, &zone, self.now())?;
        let facts = self
            .store()
            .chat_facts(&FactFilter {
                from: Some(r.from),
                to: Some(r.to),
                institutions: vec![id],
                answered_by: vec![id],
                coops: vec![],
            })
            .await?;
        let (own, others): (Vec<ChatFact>, Vec<ChatFact>) =
            facts.into_iter().partition(|f| f.institution_id == id);
        let own: Vec<ChatFact> = own
            .into_iter()
            .filter(|f| q.keeps(f, tag.as_ref()))
            .collect();
        // Another library's librarians are theirs to report one by one: here they count
        // together, under their library.
        let report = ChatReport::build(&own, &zone, |f| {
            let by = f.answered_by?;
            Some(match f.answered_by_institution {
                Some(i) if i == id => uuid::Uuid::from(by).to_string(),
                Some(i) => format!("institution:{}", uuid::Uuid::from(i)),
                None => "institution:unknown".to_owned(),
            })
        })
        .map_err(ApiError::internal)?;
        let names = self.report_names(&report).await?;
        let name = |k: &str| names.get(k).cloned().unwrap_or_else(|| k.to_owned());
        Ok(ChatReportView {
            institution: id,
            time_zone: zone,
            from: r.from_day.to_string(),
            to: r.to_day.to_string(),
            total: report.total.into(),
            by_hour: buckets(report.by_hour, |h| format!("{h:0>2}:00")),
            by_weekday: buckets(report.by_weekday, |d| {
                let i = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .position(|x| *x == d)
                    .unwrap_or(0);
                WEEKDAY_NAMES[i].to_owned()
            }),
            by_day: buckets(report.by_day, str::to_owned),
            by_month: buckets(report.by_month, str::to_owned),
            by_operator: buckets(report.by_operator, name),
            by_department: buckets(report.by_department, name),
            by_widget: buckets(report.by_widget, name),
            ratings: report.ratings.into(),
            answered_for_others: u32::try_from(others.len()).unwrap_or(u32::MAX),
        })
    }

    /// The names of the librarians, libraries, departments and chat boxes a report's
    /// breakdowns are keyed by.
    async fn report_names(&self, r: &ChatReport) -> ApiResult<HashMap<String, String>> {
        let mut names = HashMap::new();
        let store = self.store();
        for (key, _) in &r.by_operator {
            let name = if let Some(i) = key.strip_prefix("institution:") {
                match i.parse::<uuid::Uuid>() {
                    Ok(i) => format!(
                        "{} (co-op)",
                        self.names().institution(store, i.into()).await?
                    ),
                    Err(_) => "Another library (co-op)".to_owned(),
                }
            } else {
                let id: uuid::Uuid = key.parse().map_err(ApiError::internal)?;
                self.names().user(store, id.into()).await?
            };
            names.insert(key.clone(), name);
        }
        for (key, _) in &r.by_department {
            let id: uuid::Uuid = key.parse().map_err(ApiError::internal)?;
            names.insert(
                key.clone(),
                self.names().department(store, id.into()).await?,
            );
        }
        for (key, _) in &r.by_widget {
            let id: uuid::Uuid = key.parse().map_err(ApiError::internal)?;
            names.insert(key.clone(), store.widget(id.into()).await?.name.to_string());
        }
        Ok(names)
    }
}

/// A cell a spreadsheet will not run as a formula: one starting with `=`, `+`, `-`, `@` or a
/// control character gets a leading `'` (a librarian's or a chat box's name is free text).
pub(crate) fn inert(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A report as CSV: one row per bucket of every breakdown (`section` says which: `total`,
/// `hour`, `weekday`, `day`, `month`, `operator`, `department`, `widget`), then one per star
/// count (`rating`, its `chats` the chats rated so).
pub fn report_csv(r: &ChatReportView) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ApiError::internal(e);
    w.write_record([
        "section",
        "key",
        "label",
        "chats",
        "answered",
        "unanswered",
        "abandoned",
        "open",
        "wait_mean_s",
        "wait_median_s",
        "wait_p90_s",
        "duration_mean_s",
        "duration_median_s",
        "duration_p90_s",
        "transfers",
        "tickets",
    ])
    .map_err(err)?;
    let total = BucketView {
        key: "all".into(),
        label: format!("{} to {}", r.from, r.to),
        figures: r.total.clone(),
    };
    let sections: [(&str, &[BucketView]); 8] = [
        ("total", std::slice::from_ref(&total)),
        ("hour", &r.by_hour),
        ("weekday", &r.by_weekday),
        ("day", &r.by_day),
        ("month", &r.by_month),
        ("operator", &r.by_operator),
        ("department", &r.by_department),
        ("widget", &r.by_widget),
    ];
    let secs = |v: Option<f64>| v.map(|s| format!("{s:.1}")).unwrap_or_default();
    for (section, rows) in sections {
        for b in rows {
            let f = &b.figures;
            w.write_record([
                section.to_owned(),
                b.key.clone(),
                inert(&b.label),
                f.chats.to_string(),
                f.answered.to_string(),
                f.unanswered.to_string(),
                f.abandoned.to_string(),
                f.open.to_string(),
                secs(f.wait.mean_seconds),
                secs(f.wait.median_seconds),
                secs(f.wait.p90_seconds),
                secs(f.duration.mean_seconds),
                secs(f.duration.median_seconds),
                secs(f.duration.p90_seconds),
                f.transfers.to_string(),
                f.tickets.to_string(),
            ])
            .map_err(err)?;
        }
    }
    for (i, n) in r.ratings.by_stars.iter().enumerate() {
        let stars = (i + 1).to_string();
        let mut row = vec![
            "rating".to_owned(),
            stars.clone(),
            format!("{stars} stars"),
            n.to_string(),
        ];
        row.resize(16, String::new());
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(e.to_string()))
}
