//! Co-op accounting: for each member library, the chats its patrons brought to the co-op
//! against those its librarians answered there (the answering balance), the hours its
//! librarians monitored the co-op against the hours it owes, when they did (librarian-hours by
//! local hour of day and weekday), and its patrons' co-op chats that came outside its contracted
//! hours or while nobody was monitoring.

use crate::ids::{CoopId, InstitutionId, UserId};
use crate::monitoring::MonitorScope;
use crate::report::{ChatFact, MonitoringSession};
use crate::routing::{CoopHours, RoutingError, Zone};
use time::{Duration, OffsetDateTime};

/// A member library as the accounting needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub institution_id: InstitutionId,
    /// Its time zone: its contracted hours are in it.
    pub zone: String,
    /// When its chats may go to the co-op.
    pub hours: CoopHours,
    /// Hours of co-op monitoring it owes per week (0: none).
    pub owed_per_week: u32,
}

/// One member's account over the range.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberAccount {
    pub institution_id: Option<InstitutionId>,
    /// Its patrons' chats that reached the co-op.
    pub generated: u32,
    /// Co-op chats its librarians claimed first.
    pub answered: u32,
    /// Answered less generated: above zero, it gave more than it took.
    pub balance: i64,
    /// Hours its librarians monitored the co-op (librarian-hours: two at once count twice).
    pub hours_given: f64,
    /// Its hours owed per week over the range's length.
    pub hours_owed: f64,
    /// Of `hours_given`, by the report zone's hour of day (24) and weekday (7, Monday first).
    pub given_by_hour: Vec<f64>,
    pub given_by_weekday: Vec<f64>,
    /// Its patrons' co-op chats that started outside its contracted hours.
    pub outside_hours: u32,
    /// Its patrons' co-op chats that started while nobody monitored the co-op or any of its
    /// departments.
    pub unmonitored: u32,
}

/// The stretches when at least one of `sessions` was on, merged and in order.
fn coverage(sessions: &[&MonitoringSession]) -> Vec<(OffsetDateTime, Option<OffsetDateTime>)> {
    let mut spans: Vec<_> = sessions
        .iter()
        .map(|s| (s.started_at, s.ended_at))
        .collect();
    spans.sort_by_key(|(start, _)| *start);
    let mut merged: Vec<(OffsetDateTime, Option<OffsetDateTime>)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            // Touches or overlaps the last stretch (an open end covers everything after).
            Some((_, last)) if last.is_none_or(|l| start <= l) => {
                *last = match (*last, end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Whether `at` falls in one of the merged stretches of [`coverage`].
fn covered(coverage: &[(OffsetDateTime, Option<OffsetDateTime>)], at: OffsetDateTime) -> bool {
    // The last stretch that started by `at` is the only one that can hold it.
    let started = coverage.partition_point(|(start, _)| *start <= at);
    started > 0 && coverage[started - 1].1.is_none_or(|end| end > at)
}

/// Adds the part of `[start, end)` to `hours`/`weekdays`, split at local hour boundaries.
fn spread_hours(
    start: OffsetDateTime,
    end: OffsetDateTime,
    zone: &Zone,
    hours: &mut [f64],
    weekdays: &mut [f64],
) -> Result<(), RoutingError> {
    let mut t = start;
    while t < end {
        let local = zone.local(t)?;
        let into_hour = i64::from(local.minute()) * 60 + i64::from(local.second());
        let next = (t + Duration::seconds(3600 - into_hour))
            .replace_nanosecond(0)
            .unwrap_or(t);
        let piece_end = if next > t { next.min(end) } else { end };
        let h = (piece_end - t).as_seconds_f64() / 3600.0;
        hours[usize::from(local.hour())] += h;
        weekdays[usize::from(local.weekday().number_days_from_monday())] += h;
        t = piece_end;
    }
    Ok(())
}

/// The co-op's accounts over `[from, to)` (`now` ends the sessions still going on), hours
/// spread in `zone`. `facts` are chats of the members; `sessions` the monitoring of the co-op
/// and of the members' departments; `staff_of` a librarian's library; `department_of` whose
/// department scope is (a member's, or none).
#[allow(clippy::too_many_arguments)]
pub fn account(
    coop: CoopId,
    members: &[Member],
    facts: &[ChatFact],
    sessions: &[MonitoringSession],
    staff_of: impl Fn(UserId) -> Option<InstitutionId>,
    department_of: impl Fn(MonitorScope) -> Option<InstitutionId>,
    (from, to, now): (OffsetDateTime, OffsetDateTime, OffsetDateTime),
    zone: &str,
) -> Result<Vec<MemberAccount>, RoutingError> {
    let weeks = (to - from).as_seconds_f64() / (7.0 * 86400.0);
    let zone = Zone::named(zone)?;
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let member_zone = Zone::named(&m.zone)?;
        let mut a = MemberAccount {
            institution_id: Some(m.institution_id),
            hours_owed: f64::from(m.owed_per_week) * weeks,
            given_by_hour: vec![0.0; 24],
            given_by_weekday: vec![0.0; 7],
            ..MemberAccount::default()
        };
        // Who could answer its patrons: the co-op's monitors and its own departments'.
        let answering: Vec<&MonitoringSession> = sessions
            .iter()
            .filter(|s| match s.scope {
                MonitorScope::Coop(c) => c == coop,
                d => department_of(d) == Some(m.institution_id),
            })
            .collect();
        let answering = coverage(&answering);
        for f in facts.iter().filter(|f| f.coop_id == Some(coop)) {
            if f.institution_id == m.institution_id {
                a.generated += 1;
                if !m.hours.is_open_in(f.created_at, &member_zone)? {
                    a.outside_hours += 1;
                }
                if !covered(&answering, f.created_at) {
                    a.unmonitored += 1;
                }
            }
            if f.answered_by.is_some() && f.answered_by_institution == Some(m.institution_id) {
                a.answered += 1;
            }
        }
        for s in sessions {
            if s.scope != MonitorScope::Coop(coop) || staff_of(s.user_id) != Some(m.institution_id)
            {
                continue;
            }
            let start = s.started_at.max(from);
            let end = s.ended_at.unwrap_or(now).min(to);
            if start < end {
                a.hours_given += (end - start).as_seconds_f64() / 3600.0;
                spread_hours(
                    start,
                    end,
                    &zone,
                    &mut a.given_by_hour,
                    &mut a.given_by_weekday,
                )?;
            }
        }
        a.balance = i64::from(a.answered) - i64::from(a.generated);
        out.push(a);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "accounting_tests.rs"]
mod tests;
