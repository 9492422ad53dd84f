use super::*;
use time::macros::datetime;

fn fact(created: OffsetDateTime, outcome: Outcome) -> ChatFact {
    ChatFact {
        chat_id: uuid::Uuid::now_v7().into(),
        institution_id: uuid::Uuid::from_u128(1).into(),
        department_id: uuid::Uuid::from_u128(2).into(),
        widget_id: uuid::Uuid::from_u128(3).into(),
        coop_id: None,
        created_at: created,
        first_claimed_at: None,
        ended_at: None,
        outcome,
        answered_by: None,
        answered_by_institution: None,
        transfers: 0,
        tickets: 0,
        stars: None,
        commented: false,
        tags: vec![],
    }
}

/// Answered `wait` seconds after it started, ended `length` seconds after the claim.
fn answered(created: OffsetDateTime, wait: i64, length: i64, by: u128) -> ChatFact {
    let claimed = created + time::Duration::seconds(wait);
    ChatFact {
        first_claimed_at: Some(claimed),
        ended_at: Some(claimed + time::Duration::seconds(length)),
        answered_by: Some(uuid::Uuid::from_u128(by).into()),
        ..fact(created, Outcome::Answered)
    }
}

fn by_id(f: &ChatFact) -> Option<String> {
    f.answered_by
        .map(|u| uuid::Uuid::from(u).as_u128().to_string())
}

#[test]
fn spreads_are_the_mean_the_middle_and_the_nearest_rank() {
    let s = Spread::of(vec![40.0, 10.0, 30.0, 20.0]);
    assert_eq!(s.count, 4);
    assert_eq!(s.mean, Some(25.0));
    assert_eq!(s.median, Some(25.0));
    assert_eq!(s.p90, Some(40.0)); // ⌈3.6⌉ = 4th
    let s = Spread::of((1..=10).map(f64::from).collect());
    assert_eq!(s.median, Some(5.5));
    assert_eq!(s.p90, Some(9.0)); // ⌈9⌉ = 9th
    assert_eq!(Spread::of(vec![7.0]).p90, Some(7.0));
    assert_eq!(Spread::of(vec![]), Spread::default());
}

#[test]
fn a_days_chats_add_up_by_outcome_wait_and_librarian() {
    let day = datetime!(2026-06-10 14:00 UTC);
    let mut rated = answered(day, 60, 300, 7);
    rated.stars = Some(5);
    rated.commented = true;
    rated.transfers = 1;
    let mut low = answered(day + time::Duration::hours(1), 120, 600, 7);
    low.stars = Some(2);
    low.tickets = 1;
    let facts = vec![
        rated,
        low,
        answered(day + time::Duration::hours(1), 30, 900, 8),
        fact(day, Outcome::Abandoned),
        fact(day, Outcome::Unanswered),
        fact(day, Outcome::Open),
    ];
    let r = ChatReport::build(&facts, "UTC", by_id).unwrap();
    let t = &r.total;
    assert_eq!(
        (t.chats, t.answered, t.unanswered, t.abandoned, t.open),
        (6, 3, 1, 1, 1)
    );
    assert_eq!(t.wait.mean, Some(70.0));
    assert_eq!(t.wait.median, Some(60.0));
    assert_eq!(t.wait.p90, Some(120.0));
    assert_eq!(t.duration.median, Some(600.0));
    assert_eq!((t.transfers, t.tickets), (1, 1));
    assert_eq!(r.by_hour[14].1.chats, 4);
    assert_eq!(r.by_hour[15].1.chats, 2);
    assert_eq!(r.by_weekday[2], ("wed".to_owned(), r.total.clone()));
    assert_eq!(r.by_day.len(), 1);
    assert_eq!(r.by_month[0].0, "2026-06");
    let ops: Vec<_> = r
        .by_operator
        .iter()
        .map(|(k, f)| (k.as_str(), f.answered, f.wait.mean))
        .collect();
    assert_eq!(ops, [("7", 2, Some(90.0)), ("8", 1, Some(30.0))]);
    assert_eq!(r.ratings.rated, 2);
    assert_eq!(r.ratings.by_stars, [0, 1, 0, 0, 1]);
    assert_eq!(r.ratings.mean_stars, Some(3.5));
    assert_eq!(r.ratings.comments, 1);
}

#[test]
fn chats_fall_in_the_local_hour_and_day_across_daylight_saving() {
    // 23:30 in New York on the day clocks went forward (EDT, UTC−4) and on the day they went
    // back (EST, UTC−5): both the next day in UTC, both 23:00 on a Sunday locally.
    let spring = datetime!(2026-03-09 03:30 UTC);
    let autumn = datetime!(2026-11-02 04:30 UTC);
    let facts = vec![
        fact(spring, Outcome::Abandoned),
        fact(autumn, Outcome::Abandoned),
    ];
    let r = ChatReport::build(&facts, "America/New_York", by_id).unwrap();
    assert_eq!(r.by_hour[23].1.chats, 2);
    assert_eq!(r.by_weekday[6].1.chats, 2, "both on a Sunday");
    let days: Vec<_> = r.by_day.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(days, ["2026-03-08", "2026-11-01"]);
    // In UTC they are Monday mornings.
    let utc = ChatReport::build(&facts, "UTC", by_id).unwrap();
    assert_eq!(utc.by_weekday[0].1.chats, 2);
    assert!(ChatReport::build(&facts, "Mars/Olympus", by_id).is_err());
}
