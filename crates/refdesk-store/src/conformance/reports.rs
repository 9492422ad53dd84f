//! What reports read: one fact per chat, with its outcome, first claim, rating and tags, for
//! the chats of a library's patrons, of its librarians' answers, or of a co-op, in a range.

use super::fixture::{Fixture, now};
use crate::{DynStore, FactFilter};
use refdesk_core::report::Outcome;
use refdesk_core::*;

pub async fn chat_facts_tell_each_chats_outcome_and_first_answer(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let started = now();
    // Answered by Alice, passed to Bob, closed; rated and tagged.
    let (answered, _) = f.chat().await;
    let claim = answered
        .decide(
            now(),
            ChatCommand::Claim {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let (held, _) = s.apply_decision(&claim, None).await.unwrap();
    let close = held
        .decide(
            now(),
            ChatCommand::Close {
                by: Sender::Staff(f.alice.id),
            },
        )
        .unwrap();
    let (closed, _) = s.apply_decision(&close, None).await.unwrap();
    s.rate_chat(&Rating::new(&closed, 4, Some("Thanks"), now()).unwrap())
        .await
        .unwrap();
    s.add_tag(&ChatTag {
        chat_id: closed.id,
        tag: Tag::parse("ILL").unwrap(),
        added_by: f.alice.id,
        added_at: now(),
    })
    .await
    .unwrap();
    // Tagged twice, one tag taken off again; a follow-up ticket made from it.
    let stray = Tag::parse("misc").unwrap();
    s.add_tag(&ChatTag {
        chat_id: closed.id,
        tag: stray.clone(),
        added_by: f.alice.id,
        added_at: now(),
    })
    .await
    .unwrap();
    assert!(s.remove_tag(closed.id, &stray).await.unwrap());
    let (ticket, entries) = super::mail::ticket_of(&f, Some(closed.id));
    s.create_ticket(&ticket, &entries).await.unwrap();
    // The patron leaves while waiting; another still waits.
    let (left, guest) = f.chat().await;
    let leave = left
        .decide(
            now(),
            ChatCommand::Close {
                by: Sender::Patron(guest.id),
            },
        )
        .unwrap();
    s.apply_decision(&leave, None).await.unwrap();
    let (waiting, _) = f.chat().await;

    let mine = FactFilter {
        institutions: vec![f.institution.id],
        ..FactFilter::default()
    };
    let facts = s.chat_facts(&mine).await.unwrap();
    let ids: Vec<ChatId> = facts.iter().map(|x| x.chat_id).collect();
    assert_eq!(
        ids,
        [answered.id, left.id, waiting.id],
        "in the order they started"
    );
    let a = &facts[0];
    assert_eq!(a.outcome, Outcome::Answered);
    assert_eq!(a.first_claimed_at, Some(claim.at));
    assert_eq!(a.ended_at, Some(close.at));
    assert_eq!(a.answered_by, Some(f.alice.id));
    assert_eq!(a.answered_by_institution, Some(f.institution.id));
    assert_eq!((a.stars, a.commented), (Some(4), true));
    assert_eq!(a.tags, ["ill"], "tags are kept in lower case");
    assert_eq!((a.tickets, a.transfers), (1, 0));
    assert_eq!(
        (a.department_id, a.widget_id),
        (f.department.id, f.widget.id)
    );
    assert_eq!(facts[1].outcome, Outcome::Abandoned);
    assert_eq!(facts[1].first_claimed_at, None);
    assert_eq!(facts[2].outcome, Outcome::Open);
    assert!(facts[2].tags.is_empty() && facts[2].stars.is_none());
    assert_eq!(facts[2].tickets, 0);

    // By who answered: only the answered chat; by a range: only what started in it.
    let answers = FactFilter {
        answered_by: vec![f.institution.id],
        ..FactFilter::default()
    };
    let ids: Vec<ChatId> = s
        .chat_facts(&answers)
        .await
        .unwrap()
        .iter()
        .map(|x| x.chat_id)
        .collect();
    assert_eq!(ids, [answered.id]);
    let later = FactFilter {
        from: Some(waiting.created_at),
        ..mine.clone()
    };
    assert_eq!(s.chat_facts(&later).await.unwrap().len(), 1);
    let before = FactFilter {
        to: Some(started),
        ..mine.clone()
    };
    assert!(s.chat_facts(&before).await.unwrap().is_empty());
    assert!(
        s.chat_facts(&FactFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

/// Every stretch a queue was switched on is kept: from the switch on to the switch off (or
/// the sign-out), open while it lasts, and read back by the window it overlaps.
pub async fn monitoring_sessions_keep_who_covered_when(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let dept = MonitorScope::Department(f.department.id);
    let t0 = now();
    let at = |secs: i64| t0 + time::Duration::seconds(secs);
    s.set_monitoring(f.alice.id, dept, true, at(0))
        .await
        .unwrap();
    s.set_monitoring(f.bob.id, dept, true, at(1)).await.unwrap();
    s.set_monitoring(f.alice.id, dept, true, at(5))
        .await
        .unwrap(); // already on: no new stretch
    s.set_monitoring(f.alice.id, dept, false, at(10))
        .await
        .unwrap();
    s.reset_monitoring(f.bob.id, &[], at(20)).await.unwrap(); // signs out
    s.set_monitoring(f.alice.id, dept, true, at(30))
        .await
        .unwrap();

    let hour = time::Duration::hours(1);
    let all = s
        .monitoring_sessions(&[dept], t0 - hour, t0 + hour)
        .await
        .unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|m| (m.user_id, m.started_at, m.ended_at))
        .collect();
    assert_eq!(
        seen,
        [
            (f.alice.id, at(0), Some(at(10))),
            (f.bob.id, at(1), Some(at(20))),
            (f.alice.id, at(30), None),
        ]
    );
    assert!(all.iter().all(|m| m.scope == dept));
    // The window: what ended by its start, or starts at its end, is not in it.
    let later = s
        .monitoring_sessions(&[dept], at(15), at(30))
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].user_id, f.bob.id);
    let other = MonitorScope::Department(uuid::Uuid::now_v7().into());
    assert!(
        s.monitoring_sessions(&[other], t0 - hour, t0 + hour)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.monitoring_sessions(&[], t0 - hour, t0 + hour)
            .await
            .unwrap()
            .is_empty()
    );

    // Signed in again at the very instant of a sign-out: the stretch goes on, once.
    s.reset_monitoring(f.bob.id, &[dept], at(50)).await.unwrap();
    s.reset_monitoring(f.bob.id, &[dept], at(50)).await.unwrap();
    let bob: Vec<_> = s
        .monitoring_sessions(&[dept], at(45), t0 + hour)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.user_id == f.bob.id)
        .map(|m| (m.started_at, m.ended_at))
        .collect();
    assert_eq!(bob, [(at(50), None)]);
}
