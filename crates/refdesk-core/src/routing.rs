//! Routing: where a waiting chat is offered. A widget's plan is an ordered cascade of steps
//! after its own department (step 0): other departments of its institution, then co-ops it
//! belongs to. A chat moves on from its step when nobody is monitoring that step, or when it
//! has waited there for the next step's `after_seconds`; a co-op step counts only inside the
//! institution's contracted hours for that co-op. Moving on is a versioned change of the chat
//! like a claim, so a claim racing a step change has one winner.
//!
//! The decision here is pure: the caller says which steps are staffed now and which co-ops are
//! open now ([`CoopHours::is_open`]).

use crate::ids::{CoopId, DepartmentId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Where a step offers a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum StepTarget {
    Department(DepartmentId),
    Coop(CoopId),
}

impl StepTarget {
    pub const fn coop(&self) -> Option<CoopId> {
        match self {
            StepTarget::Coop(c) => Some(*c),
            StepTarget::Department(_) => None,
        }
    }
    pub const fn department(&self) -> Option<DepartmentId> {
        match self {
            StepTarget::Department(d) => Some(*d),
            StepTarget::Coop(_) => None,
        }
    }
}

/// One step after the widget's department: where, and how long the chat waits at the step
/// before it (unclaimed) until it is offered here too. `0` moves it on at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteStep {
    pub target: StepTarget,
    pub after_seconds: u32,
}

/// The cascade after the widget's department, and how often a waiting chat alerts the monitors
/// of its step again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingPlan {
    pub steps: Vec<RouteStep>,
    /// Seconds a chat waits at a step before its monitors are alerted again (and again after as
    /// long); `None` alerts once.
    pub realert_seconds: Option<u32>,
}

impl Default for RoutingPlan {
    fn default() -> Self {
        RoutingPlan {
            steps: Vec::new(),
            realert_seconds: Some(60),
        }
    }
}

/// The most steps a plan may have.
pub const MAX_STEPS: usize = 8;
/// The longest wait before a step, and between alerts: a day.
pub const MAX_WAIT_SECONDS: u32 = 86_400;

/// Why a plan or hours were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("a routing plan has at most 8 steps")]
    TooManySteps,
    #[error(
        "after_seconds and realert_seconds must be at most 86400 (realert_seconds at least 10)"
    )]
    BadWait,
    #[error("a step repeats an earlier step or the widget's own department")]
    Repeated,
    #[error("an opening must be HH:MM to HH:MM, from before to, within 00:00 to 24:00")]
    BadOpening,
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error("at most 64 openings and 366 closed dates")]
    TooManyHours,
}

impl RoutingPlan {
    /// Checks the plan's shape; whether each target belongs to the widget's institution is the
    /// caller's to check.
    pub fn check(&self, first: DepartmentId) -> Result<(), RoutingError> {
        if self.steps.len() > MAX_STEPS {
            return Err(RoutingError::TooManySteps);
        }
        if self
            .steps
            .iter()
            .any(|s| s.after_seconds > MAX_WAIT_SECONDS)
            || self
                .realert_seconds
                .is_some_and(|r| !(10..=MAX_WAIT_SECONDS).contains(&r))
        {
            return Err(RoutingError::BadWait);
        }
        let mut seen = vec![StepTarget::Department(first)];
        for s in &self.steps {
            if seen.contains(&s.target) {
                return Err(RoutingError::Repeated);
            }
            seen.push(s.target);
        }
        Ok(())
    }

    /// The target of step `step` (0 is the widget's department).
    pub fn target(&self, first: DepartmentId, step: u32) -> Option<StepTarget> {
        match step {
            0 => Some(StepTarget::Department(first)),
            n => self.steps.get(n as usize - 1).map(|s| s.target),
        }
    }

    /// Where a chat at `current` goes now, having waited there `waited_seconds`: the step it
    /// moves to and why, or `None` to stay. `staffed` says whether anyone monitors a target now;
    /// `open` whether a target may be offered now (a co-op outside its hours may not). Moving on
    /// skips steps that may not be offered and never goes back.
    pub fn next(
        &self,
        first: DepartmentId,
        current: u32,
        waited_seconds: u64,
        staffed: impl Fn(StepTarget) -> bool,
        open: impl Fn(StepTarget) -> bool,
    ) -> Option<(u32, RouteReason)> {
        let here = self.target(first, current)?;
        let (step, s) = self
            .steps
            .iter()
            .enumerate()
            .skip(current as usize)
            .find(|(_, s)| open(s.target))?;
        let step = step as u32 + 1;
        if !staffed(here) {
            Some((step, RouteReason::Unstaffed))
        } else if waited_seconds >= u64::from(s.after_seconds) {
            Some((step, RouteReason::Waited))
        } else {
            None
        }
    }

    /// Every step a chat at `current` moves through now, in order, with why: [`Self::next`]
    /// again from each step reached, where the chat has waited no time yet (`waited_seconds`
    /// counts for the first move only).
    pub fn moves(
        &self,
        first: DepartmentId,
        current: u32,
        waited_seconds: u64,
        staffed: impl Fn(StepTarget) -> bool,
        open: impl Fn(StepTarget) -> bool,
    ) -> Vec<(u32, StepTarget, RouteReason)> {
        let (mut step, mut waited) = (current, waited_seconds);
        let mut out = Vec::new();
        while let Some((next, reason)) = self.next(first, step, waited, &staffed, &open) {
            let Some(target) = self.target(first, next) else {
                break;
            };
            out.push((next, target, reason));
            step = next;
            waited = 0;
        }
        out
    }

    /// Seconds until a chat that just reached `current` should be looked at again: the next
    /// step's wait, or `None` when there is no step after it.
    pub fn wait_after(&self, current: u32) -> Option<u32> {
        self.steps.get(current as usize).map(|s| s.after_seconds)
    }
}

/// Why a chat moved on to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteReason {
    /// Nobody was monitoring the step it was at.
    Unstaffed,
    /// It waited there unclaimed for the next step's `after_seconds`.
    Waited,
}

/// A day of the week, as a schedule names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn of(weekday: time::Weekday) -> Day {
        use time::Weekday::*;
        match weekday {
            Monday => Day::Mon,
            Tuesday => Day::Tue,
            Wednesday => Day::Wed,
            Thursday => Day::Thu,
            Friday => Day::Fri,
            Saturday => Day::Sat,
            Sunday => Day::Sun,
        }
    }
}

/// A span of one weekday, local time, `from` included and `to` not, as `HH:MM` (`to` may be
/// `24:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    pub day: Day,
    pub from: String,
    pub to: String,
}

fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// An institution's contracted hours with one co-op: a weekly schedule in the institution's
/// time zone and closed dates. No openings means around the clock; closed dates always apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoopHours {
    pub weekly: Vec<Opening>,
    /// Local dates (`YYYY-MM-DD`) on which the co-op is not offered.
    #[serde(with = "dates")]
    pub closed: Vec<Date>,
}

/// Dates as `YYYY-MM-DD`.
mod dates {
    use serde::{Deserialize, Deserializer, Serializer, de::Error, ser::SerializeSeq};
    use time::Date;
    use time::macros::format_description;

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]");

    pub fn serialize<S: Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(dates.len()))?;
        for d in dates {
            let text = d.format(FORMAT).map_err(serde::ser::Error::custom)?;
            seq.serialize_element(&text)?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|t| Date::parse(t, FORMAT).map_err(D::Error::custom))
            .collect()
    }
}

impl CoopHours {
    pub fn check(&self) -> Result<(), RoutingError> {
        if self.weekly.len() > 64 || self.closed.len() > 366 {
            return Err(RoutingError::TooManyHours);
        }
        for o in &self.weekly {
            match (minutes(&o.from), minutes(&o.to)) {
                (Some(f), Some(t)) if f < t => {}
                _ => return Err(RoutingError::BadOpening),
            }
        }
        Ok(())
    }

    /// Whether the co-op is contracted at `at` in `zone` (an IANA time zone name such as
    /// `America/Toronto`).
    pub fn is_open(&self, at: OffsetDateTime, zone: &str) -> Result<bool, RoutingError> {
        self.is_open_in(at, &Zone::named(zone)?)
    }

    /// [`CoopHours::is_open`] in a zone already looked up.
    pub fn is_open_in(&self, at: OffsetDateTime, zone: &Zone) -> Result<bool, RoutingError> {
        let local = zone.local(at)?;
        if self.closed.contains(&local.date()) {
            return Ok(false);
        }
        if self.weekly.is_empty() {
            return Ok(true);
        }
        let day = Day::of(local.weekday());
        let now = u32::from(local.hour()) * 60 + u32::from(local.minute());
        Ok(self.weekly.iter().any(|o| {
            o.day == day
                && minutes(&o.from).is_some_and(|f| f <= now)
                && minutes(&o.to).is_some_and(|t| now < t)
        }))
    }
}

/// Checks a time zone name.
pub fn check_time_zone(zone: &str) -> Result<(), RoutingError> {
    jiff::tz::TimeZone::get(zone)
        .map(|_| ())
        .map_err(|_| RoutingError::UnknownTimeZone(zone.to_owned()))
}

/// `at` as the wall-clock time of `zone`, daylight saving included.
pub fn local_time(at: OffsetDateTime, zone: &str) -> Result<time::PrimitiveDateTime, RoutingError> {
    Zone::named(zone)?.local(at)
}

/// A time zone looked up once, for turning many instants into its wall-clock times.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    /// The IANA zone `name`.
    pub fn named(name: &str) -> Result<Zone, RoutingError> {
        let tz = jiff::tz::TimeZone::get(name)
            .map_err(|_| RoutingError::UnknownTimeZone(name.to_owned()))?;
        Ok(Zone {
            name: name.to_owned(),
            tz,
        })
    }

    /// `at` as this zone's wall-clock time, daylight saving included.
    pub fn local(&self, at: OffsetDateTime) -> Result<time::PrimitiveDateTime, RoutingError> {
        let unknown = || RoutingError::UnknownTimeZone(self.name.clone());
        let ts = jiff::Timestamp::from_second(at.unix_timestamp()).map_err(|_| unknown())?;
        let offset = self.tz.to_offset(ts).seconds();
        let local =
            at.to_offset(time::UtcOffset::from_whole_seconds(offset).map_err(|_| unknown())?);
        Ok(time::PrimitiveDateTime::new(local.date(), local.time()))
    }
}

#[cfg(test)]
#[path = "routing_tests.rs"]
mod tests;
