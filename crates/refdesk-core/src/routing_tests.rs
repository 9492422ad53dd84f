use super::*;
use time::macros::{date, datetime};
use uuid::Uuid;

fn dept(n: u128) -> DepartmentId {
    Uuid::from_u128(n).into()
}
fn coop(n: u128) -> CoopId {
    Uuid::from_u128(n).into()
}

/// Riverside's plan: Reference, then Law after 20 s, then the co-op after 30 s more.
fn plan() -> RoutingPlan {
    RoutingPlan {
        steps: vec![
            RouteStep {
                target: StepTarget::Department(dept(2)),
                after_seconds: 20,
            },
            RouteStep {
                target: StepTarget::Coop(coop(9)),
                after_seconds: 30,
            },
        ],
        realert_seconds: Some(60),
    }
}

#[test]
fn a_staffed_step_keeps_the_chat_until_the_next_steps_wait_is_over() {
    let p = plan();
    let all = |_| true;
    assert_eq!(p.next(dept(1), 0, 0, all, all), None);
    assert_eq!(p.next(dept(1), 0, 19, all, all), None);
    assert_eq!(
        p.next(dept(1), 0, 20, all, all),
        Some((1, RouteReason::Waited))
    );
    assert_eq!(p.next(dept(1), 1, 29, all, all), None);
    assert_eq!(
        p.next(dept(1), 1, 30, all, all),
        Some((2, RouteReason::Waited))
    );
    // The last step keeps it.
    assert_eq!(p.next(dept(1), 2, 10_000, all, all), None);
    assert_eq!(p.wait_after(0), Some(20));
    assert_eq!(p.wait_after(2), None);
}

#[test]
fn nobody_monitoring_moves_the_chat_on_at_once() {
    let p = plan();
    let only_coop = |t: StepTarget| t.coop().is_some();
    assert_eq!(
        p.next(dept(1), 0, 0, only_coop, |_| true),
        Some((1, RouteReason::Unstaffed))
    );
    assert_eq!(
        p.next(dept(1), 1, 0, only_coop, |_| true),
        Some((2, RouteReason::Unstaffed))
    );
}

#[test]
fn moves_chain_past_every_unstaffed_step_and_the_wait_counts_once() {
    let p = plan();
    let only_coop = |t: StepTarget| t.coop().is_some();
    assert_eq!(
        p.moves(dept(1), 0, 0, only_coop, |_| true),
        vec![
            (1, StepTarget::Department(dept(2)), RouteReason::Unstaffed),
            (2, StepTarget::Coop(coop(9)), RouteReason::Unstaffed),
        ]
    );
    // Everyone on duty, the first wait over: one step only (no time waited at the next).
    assert_eq!(
        p.moves(dept(1), 0, u64::MAX, |_| true, |_| true),
        vec![(1, StepTarget::Department(dept(2)), RouteReason::Waited)]
    );
    assert!(
        p.moves(dept(1), 2, u64::MAX, |_| false, |_| true)
            .is_empty()
    );
}

#[test]
fn a_closed_coop_is_not_offered() {
    let p = plan();
    let closed = |t: StepTarget| t.coop().is_none();
    assert_eq!(p.next(dept(1), 1, 10_000, |_| false, closed), None);
    // Skipping a closed step: straight past it to what follows.
    let mut q = plan();
    q.steps.push(RouteStep {
        target: StepTarget::Coop(coop(8)),
        after_seconds: 5,
    });
    let nine_closed = |t: StepTarget| t != StepTarget::Coop(coop(9));
    assert_eq!(
        q.next(dept(1), 1, 5, |_| true, nine_closed),
        Some((3, RouteReason::Waited))
    );
}

#[test]
fn plans_are_bounded_and_do_not_repeat_a_target() {
    assert!(plan().check(dept(1)).is_ok());
    assert_eq!(plan().check(dept(2)), Err(RoutingError::Repeated));
    let mut p = plan();
    p.steps[0].after_seconds = MAX_WAIT_SECONDS + 1;
    assert_eq!(p.check(dept(1)), Err(RoutingError::BadWait));
    let mut p = plan();
    p.realert_seconds = Some(1);
    assert_eq!(p.check(dept(1)), Err(RoutingError::BadWait));
    let p = RoutingPlan {
        steps: (0..9)
            .map(|n| RouteStep {
                target: StepTarget::Coop(coop(n)),
                after_seconds: 0,
            })
            .collect(),
        realert_seconds: None,
    };
    assert_eq!(p.check(dept(1)), Err(RoutingError::TooManySteps));
    let old: RoutingPlan = serde_json::from_str("{}").unwrap();
    assert_eq!(old, RoutingPlan::default());
}

fn weekdays_nine_to_five() -> CoopHours {
    CoopHours {
        weekly: [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri]
            .into_iter()
            .map(|day| Opening {
                day,
                from: "09:00".into(),
                to: "17:00".into(),
            })
            .collect(),
        closed: vec![date!(2026 - 12 - 25)],
    }
}

#[test]
fn hours_are_read_in_the_institutions_time_zone_across_daylight_saving() {
    let h = weekdays_nine_to_five();
    let zone = "America/Toronto";
    // Friday 6 March 2026, 13:30 UTC is 08:30 EST: closed.
    assert!(!h.is_open(datetime!(2026-03-06 13:30 UTC), zone).unwrap());
    // Monday 9 March 2026 (daylight saving began on the 8th), 13:30 UTC is 09:30 EDT: open.
    assert!(h.is_open(datetime!(2026-03-09 13:30 UTC), zone).unwrap());
    // 21:30 UTC is 17:30 EDT: closed; 20:59 UTC is 16:59: open.
    assert!(!h.is_open(datetime!(2026-03-09 21:30 UTC), zone).unwrap());
    assert!(h.is_open(datetime!(2026-03-09 20:59 UTC), zone).unwrap());
    // Saturday: closed.
    assert!(!h.is_open(datetime!(2026-03-07 15:00 UTC), zone).unwrap());
    // A closed date, on a Friday in working hours.
    assert!(!h.is_open(datetime!(2026-12-25 15:00 UTC), zone).unwrap());
    assert!(h.is_open(datetime!(2026-12-24 15:00 UTC), zone).unwrap());
    // The same instant is another local day elsewhere: Christmas has begun in Tokyo.
    assert!(
        !h.is_open(datetime!(2026-12-24 15:00 UTC), "Asia/Tokyo")
            .unwrap()
    );
    assert!(matches!(
        h.is_open(datetime!(2026-12-25 02:00 UTC), "Mars/Olympus"),
        Err(RoutingError::UnknownTimeZone(_))
    ));
}

#[test]
fn no_openings_is_around_the_clock_but_closed_dates_still_close() {
    let h = CoopHours {
        weekly: vec![],
        closed: vec![date!(2026 - 01 - 01)],
    };
    assert!(h.is_open(datetime!(2026-01-02 03:00 UTC), "UTC").unwrap());
    assert!(!h.is_open(datetime!(2026-01-01 12:00 UTC), "UTC").unwrap());
}

#[test]
fn openings_are_checked() {
    assert!(weekdays_nine_to_five().check().is_ok());
    for (from, to) in [
        ("17:00", "09:00"),
        ("9:00", "17:00"),
        ("09:00", "24:01"),
        ("x", "y"),
    ] {
        let h = CoopHours {
            weekly: vec![Opening {
                day: Day::Sun,
                from: from.into(),
                to: to.into(),
            }],
            closed: vec![],
        };
        assert_eq!(h.check(), Err(RoutingError::BadOpening), "{from}-{to}");
    }
    let all_day = CoopHours {
        weekly: vec![Opening {
            day: Day::Sun,
            from: "00:00".into(),
            to: "24:00".into(),
        }],
        closed: vec![],
    };
    assert!(all_day.check().is_ok());
    assert!(
        all_day
            .is_open(datetime!(2026-03-08 23:59 UTC), "UTC")
            .unwrap()
    );
    assert!(check_time_zone("Europe/Paris").is_ok());
    assert!(check_time_zone("Nowhere/Else").is_err());
}
