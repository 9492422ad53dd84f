use super::*;
use crate::report::Outcome;
use crate::routing::{Day, Opening};
use time::macros::datetime;
use uuid::Uuid;

fn id<T: From<Uuid>>(n: u128) -> T {
    Uuid::from_u128(n).into()
}

/// A chat of `patrons`' library that reached the co-op at `at`, answered by `by` of `by_lib`.
fn chat(patrons: u128, at: OffsetDateTime, by: Option<(u128, u128)>) -> ChatFact {
    ChatFact {
        chat_id: Uuid::now_v7().into(),
        institution_id: id(patrons),
        department_id: id(900 + patrons),
        widget_id: id(800),
        coop_id: Some(id(77)),
        created_at: at,
        first_claimed_at: by.map(|_| at + Duration::seconds(30)),
        ended_at: None,
        outcome: if by.is_some() {
            Outcome::Answered
        } else {
            Outcome::Abandoned
        },
        answered_by: by.map(|(u, _)| id(u)),
        answered_by_institution: by.map(|(_, i)| id(i)),
        transfers: 0,
        tickets: 0,
        stars: None,
        commented: false,
        tags: vec![],
    }
}

fn session(
    user: u128,
    scope: MonitorScope,
    from: OffsetDateTime,
    to: Option<OffsetDateTime>,
) -> MonitoringSession {
    MonitoringSession {
        user_id: id(user),
        scope,
        started_at: from,
        ended_at: to,
    }
}

#[test]
fn the_answering_balance_hours_and_coverage_come_out_as_worked_by_hand() {
    // Library 1 (Riverside) opens to the co-op on weekdays 09:00–17:00 and owes 2 hours a
    // week; library 2 (Hillcrest) around the clock, owing nothing. All in UTC.
    let coop: CoopId = id(77);
    let weekdays = CoopHours {
        weekly: [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri]
            .into_iter()
            .map(|day| Opening {
                day,
                from: "09:00".into(),
                to: "17:00".into(),
            })
            .collect(),
        closed: vec![],
    };
    let members = [
        Member {
            institution_id: id(1),
            zone: "UTC".into(),
            hours: weekdays,
            owed_per_week: 2,
        },
        Member {
            institution_id: id(2),
            zone: "UTC".into(),
            hours: CoopHours::default(),
            owed_per_week: 0,
        },
    ];
    // Monday 1 June 2026. Carol (user 20, Hillcrest) monitors the co-op 09:30–11:15; Alice
    // (user 10, Riverside) monitors it 10:00–10:30 and her own department all morning.
    let day = datetime!(2026-06-01 00:00 UTC);
    let at = |h: i64, m: i64| day + Duration::hours(h) + Duration::minutes(m);
    let sessions = [
        session(20, MonitorScope::Coop(coop), at(9, 30), Some(at(11, 15))),
        session(10, MonitorScope::Coop(coop), at(10, 0), Some(at(10, 30))),
        session(
            10,
            MonitorScope::Department(id(901)),
            at(8, 0),
            Some(at(12, 0)),
        ),
    ];
    let facts = [
        chat(1, at(9, 45), Some((20, 2))), // Riverside's, answered by Carol
        chat(1, at(10, 10), Some((20, 2))), // Riverside's, answered by Carol
        chat(1, at(13, 0), None),          // Riverside's, nobody on: left
        chat(1, at(20, 0), None),          // Riverside's, after its hours
        chat(2, at(10, 20), Some((10, 1))), // Hillcrest's, answered by Alice
    ];
    let staff_of = |u: UserId| match Uuid::from(u).as_u128() {
        10 => Some(id(1)),
        20 => Some(id(2)),
        _ => None,
    };
    let department_of = |s: MonitorScope| match s {
        MonitorScope::Department(d) if Uuid::from(d).as_u128() == 901 => Some(id(1)),
        _ => None,
    };
    let week = (day, day + Duration::days(7), day + Duration::days(7));
    let accounts = account(
        coop,
        &members,
        &facts,
        &sessions,
        staff_of,
        department_of,
        week,
        "UTC",
    )
    .unwrap();
    let (riverside, hillcrest) = (&accounts[0], &accounts[1]);
    assert_eq!(
        (riverside.generated, riverside.answered, riverside.balance),
        (4, 1, -3)
    );
    assert_eq!(
        (hillcrest.generated, hillcrest.answered, hillcrest.balance),
        (1, 2, 1)
    );
    assert_eq!(riverside.hours_given, 0.5);
    assert_eq!(hillcrest.hours_given, 1.75);
    assert_eq!(riverside.hours_owed, 2.0);
    assert_eq!(hillcrest.hours_owed, 0.0);
    // Carol's 1.75 h: half of 09:00–10:00, all of 10:00–11:00, a quarter of 11:00–12:00.
    assert_eq!(&hillcrest.given_by_hour[9..12], &[0.5, 1.0, 0.25]);
    assert_eq!(hillcrest.given_by_weekday[0], 1.75);
    // At 13:00 nobody covered Riverside (Alice's department ended at noon); 20:00 was outside
    // its hours and uncovered too.
    assert_eq!((riverside.outside_hours, riverside.unmonitored), (1, 2));
    assert_eq!((hillcrest.outside_hours, hillcrest.unmonitored), (0, 0));
}

#[test]
fn a_session_still_on_counts_until_now_and_hours_split_at_local_hours() {
    let coop: CoopId = id(77);
    let members = [Member {
        institution_id: id(1),
        zone: "America/New_York".into(),
        hours: CoopHours::default(),
        owed_per_week: 0,
    }];
    // 13:40 to 15:10 UTC is 09:40 to 11:10 in New York (EDT) on 1 June.
    let start = datetime!(2026-06-01 13:40 UTC);
    let sessions = [session(10, MonitorScope::Coop(coop), start, None)];
    let range = (
        datetime!(2026-06-01 04:00 UTC),
        datetime!(2026-06-02 04:00 UTC),
        datetime!(2026-06-01 15:10 UTC),
    );
    let a = &account(
        coop,
        &members,
        &[],
        &sessions,
        |_| Some(id(1)),
        |_| None,
        range,
        "America/New_York",
    )
    .unwrap()[0];
    assert!((a.hours_given - 1.5).abs() < 1e-9);
    let by_hour: Vec<f64> = a.given_by_hour[9..12]
        .iter()
        .map(|h| (h * 60.0).round())
        .collect();
    assert_eq!(by_hour, [20.0, 60.0, 10.0]);
}

#[test]
fn coverage_merges_overlapping_touching_and_open_stretches() {
    let t = datetime!(2026-03-02 09:00 UTC);
    let at = |m: i64| t + Duration::minutes(m);
    let s = |from: i64, to: Option<i64>| MonitoringSession {
        user_id: id(1),
        scope: MonitorScope::Coop(id(77)),
        started_at: at(from),
        ended_at: to.map(at),
    };
    // Out of order: 0–10 and 5–20 overlap, 20–30 touches them, 40–40 is empty, 50– is open.
    let sessions = [
        s(20, Some(30)),
        s(0, Some(10)),
        s(50, None),
        s(5, Some(20)),
        s(40, Some(40)),
        s(60, Some(70)),
    ];
    let refs: Vec<&MonitoringSession> = sessions.iter().collect();
    let c = coverage(&refs);
    assert_eq!(c[0], (at(0), Some(at(30))));
    assert_eq!(
        c.last(),
        Some(&(at(50), None)),
        "an open stretch swallows what follows"
    );
    for (minute, on) in [
        (-1, false),
        (0, true),
        (20, true),
        (29, true),
        (30, false),
        (40, false),
        (49, false),
        (50, true),
        (65, true),
        (10_000, true),
    ] {
        assert_eq!(covered(&c, at(minute)), on, "minute {minute}");
        // The same answer as asking each stretch.
        let any = sessions
            .iter()
            .any(|x| x.started_at <= at(minute) && x.ended_at.is_none_or(|e| e > at(minute)));
        assert_eq!(any, on, "minute {minute}, one by one");
    }
    assert!(coverage(&[]).is_empty() && !covered(&[], t));
}
