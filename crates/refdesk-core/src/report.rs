//! Reports: figures over chats, computed from one [`ChatFact`] per chat (which holds no patron
//! identity: no name, email, address or text) and bucketed in a time zone. Both store backends
//! give the same facts; everything counted is counted here, once.

use crate::ids::{ChatId, CoopId, DepartmentId, InstitutionId, UserId, WidgetId};
use crate::routing::{RoutingError, Zone};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How a chat ended, as reports count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Someone claimed it (whatever happened after).
    Answered,
    /// It ended without anyone claiming it, by staff or the system.
    Unanswered,
    /// The patron left (or their chat box went away) while it waited.
    Abandoned,
    /// Still waiting or active.
    Open,
}

impl Outcome {
    /// A chat's outcome from its status and whether anyone ever claimed it.
    pub fn of(status: crate::ChatStatus, ever_claimed: bool) -> Outcome {
        use crate::ChatStatus::*;
        match status {
            Waiting | Active => Outcome::Open,
            Abandoned => Outcome::Abandoned,
            Closed if ever_claimed => Outcome::Answered,
            Closed => Outcome::Unanswered,
        }
    }
}

/// One chat as reports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatFact {
    pub chat_id: ChatId,
    /// The patron's library (the chat box's).
    pub institution_id: InstitutionId,
    pub department_id: DepartmentId,
    pub widget_id: WidgetId,
    /// The co-op whose queue it reached, if any.
    pub coop_id: Option<CoopId>,
    pub created_at: OffsetDateTime,
    /// When it was first claimed: its wait ends there.
    pub first_claimed_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub outcome: Outcome,
    /// Who claimed it first: the chat is theirs in the figures per librarian.
    pub answered_by: Option<UserId>,
    /// That librarian's library.
    pub answered_by_institution: Option<InstitutionId>,
    pub transfers: u32,
    pub tickets: u32,
    pub stars: Option<u8>,
    pub commented: bool,
    pub tags: Vec<String>,
}

/// A stretch a librarian had a queue switched on (its end `None` while it lasts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitoringSession {
    pub user_id: UserId,
    pub scope: crate::MonitorScope,
    pub started_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
}

/// Durations in seconds: how many, their mean, median and 90th percentile.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    pub count: u32,
    pub mean: Option<f64>,
    /// The middle value (the mean of the two middle ones for an even count).
    pub median: Option<f64>,
    /// The nearest-rank 90th percentile: the ⌈0.9·n⌉th smallest.
    pub p90: Option<f64>,
}

impl Spread {
    pub fn of(mut seconds: Vec<f64>) -> Spread {
        if seconds.is_empty() {
            return Spread::default();
        }
        seconds.sort_by(f64::total_cmp);
        let n = seconds.len();
        let median = if n % 2 == 1 {
            seconds[n / 2]
        } else {
            (seconds[n / 2 - 1] + seconds[n / 2]) / 2.0
        };
        let rank = (n * 9).div_ceil(10).max(1);
        Spread {
            count: u32::try_from(n).unwrap_or(u32::MAX),
            mean: Some(seconds.iter().sum::<f64>() / n as f64),
            median: Some(median),
            p90: Some(seconds[rank - 1]),
        }
    }
}

/// The figures of a set of chats.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub chats: u32,
    pub answered: u32,
    pub unanswered: u32,
    pub abandoned: u32,
    pub open: u32,
    /// From start to first claim, for the answered.
    pub wait: Spread,
    /// From first claim to end, for the answered that ended.
    pub duration: Spread,
    pub transfers: u32,
    pub tickets: u32,
}

/// Ratings given by patrons.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RatingFigures {
    pub rated: u32,
    pub mean_stars: Option<f64>,
    /// How many gave one star, two, … five.
    pub by_stars: [u32; 5],
    pub comments: u32,
}

/// A report over chats: the whole, and the same figures by hour of day, weekday, day and month
/// (local to the report's time zone) and by librarian, department and chat box.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatReport {
    pub total: Figures,
    /// 24 buckets, `0` to `23`.
    pub by_hour: Vec<(String, Figures)>,
    /// 7 buckets, `mon` to `sun`.
    pub by_weekday: Vec<(String, Figures)>,
    /// `YYYY-MM-DD`, only days with chats, in order.
    pub by_day: Vec<(String, Figures)>,
    /// `YYYY-MM`, only months with chats, in order.
    pub by_month: Vec<(String, Figures)>,
    /// Keys as the caller's `operator_key` gives them; answered chats only.
    pub by_operator: Vec<(String, Figures)>,
    pub by_department: Vec<(String, Figures)>,
    pub by_widget: Vec<(String, Figures)>,
    pub ratings: RatingFigures,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Collects facts into figures.
#[derive(Default)]
struct Tally {
    chats: u32,
    answered: u32,
    unanswered: u32,
    abandoned: u32,
    open: u32,
    wait: Vec<f64>,
    duration: Vec<f64>,
    transfers: u32,
    tickets: u32,
}

fn seconds(d: time::Duration) -> f64 {
    d.as_seconds_f64().max(0.0)
}

impl Tally {
    fn add(&mut self, f: &ChatFact) {
        self.chats += 1;
        match f.outcome {
            Outcome::Answered => self.answered += 1,
            Outcome::Unanswered => self.unanswered += 1,
            Outcome::Abandoned => self.abandoned += 1,
            Outcome::Open => self.open += 1,
        }
        if let (Outcome::Answered, Some(claimed)) = (f.outcome, f.first_claimed_at) {
            self.wait.push(seconds(claimed - f.created_at));
            if let Some(ended) = f.ended_at {
                self.duration.push(seconds(ended - claimed));
            }
        }
        self.transfers += f.transfers;
        self.tickets += f.tickets;
    }

    fn figures(self) -> Figures {
        Figures {
            chats: self.chats,
            answered: self.answered,
            unanswered: self.unanswered,
            abandoned: self.abandoned,
            open: self.open,
            wait: Spread::of(self.wait),
            duration: Spread::of(self.duration),
            transfers: self.transfers,
            tickets: self.tickets,
        }
    }
}

/// Buckets in their keys' order, each key written out once.
fn finish<K: Ord>(
    buckets: BTreeMap<K, Tally>,
    name: impl Fn(K) -> String,
) -> Vec<(String, Figures)> {
    buckets
        .into_iter()
        .map(|(k, t)| (name(k), t.figures()))
        .collect()
}

impl ChatReport {
    /// The report of `facts` in `zone` (IANA). `operator_key` names the bucket of an answered
    /// chat's librarian (e.g. their id, or their library's when the reader may not see them
    /// one by one).
    pub fn build(
        facts: &[ChatFact],
        zone: &str,
        operator_key: impl Fn(&ChatFact) -> Option<String>,
    ) -> Result<ChatReport, RoutingError> {
        let zone = Zone::named(zone)?;
        let mut total = Tally::default();
        let mut hours: Vec<Tally> = (0..24).map(|_| Tally::default()).collect();
        let mut weekdays: Vec<Tally> = (0..7).map(|_| Tally::default()).collect();
        // Keyed by what sorts as the written key does; written out once per bucket.
        let mut days = BTreeMap::<(i32, u8, u8), Tally>::new();
        let mut months = BTreeMap::<(i32, u8), Tally>::new();
        let mut operators = BTreeMap::<String, Tally>::new();
        // An id sorts as its written form does (fixed-width lower-case hex).
        let mut departments = BTreeMap::<DepartmentId, Tally>::new();
        let mut widgets = BTreeMap::<WidgetId, Tally>::new();
        let mut ratings = RatingFigures::default();
        let mut stars_sum = 0u32;
        for f in facts {
            let local = zone.local(f.created_at)?;
            total.add(f);
            hours[usize::from(local.hour())].add(f);
            weekdays[usize::from(local.weekday().number_days_from_monday())].add(f);
            let (y, m, d) = (local.year(), u8::from(local.month()), local.day());
            days.entry((y, m, d)).or_default().add(f);
            months.entry((y, m)).or_default().add(f);
            if f.outcome == Outcome::Answered
                && let Some(key) = operator_key(f)
            {
                operators.entry(key).or_default().add(f);
            }
            departments.entry(f.department_id).or_default().add(f);
            widgets.entry(f.widget_id).or_default().add(f);
            if let Some(s) = f.stars.filter(|s| (1..=5).contains(s)) {
                ratings.rated += 1;
                ratings.by_stars[usize::from(s - 1)] += 1;
                stars_sum += u32::from(s);
            }
            if f.commented {
                ratings.comments += 1;
            }
        }
        if ratings.rated > 0 {
            ratings.mean_stars = Some(f64::from(stars_sum) / f64::from(ratings.rated));
        }
        Ok(ChatReport {
            total: total.figures(),
            by_hour: hours
                .into_iter()
                .enumerate()
                .map(|(h, t)| (h.to_string(), t.figures()))
                .collect(),
            by_weekday: weekdays
                .into_iter()
                .zip(WEEKDAYS)
                .map(|(t, d)| (d.to_owned(), t.figures()))
                .collect(),
            by_day: finish(days, |(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            by_month: finish(months, |(y, m)| format!("{y:04}-{m:02}")),
            by_operator: finish(operators, |k| k),
            by_department: finish(departments, |d| uuid::Uuid::from(d).to_string()),
            by_widget: finish(widgets, |w| uuid::Uuid::from(w).to_string()),
            ratings,
        })
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
