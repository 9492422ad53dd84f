//! Chats: starting, listing, and state changes decided by compare-and-set.

use super::fixture::{Fixture, decision};
use crate::{ChatFilter, Conflict, DynStore, StoreError};
use refdesk_core::*;
use std::sync::Arc;

pub async fn start_chat_stores_the_question_as_seq_1(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    assert_eq!(chat.state, ChatState::Waiting);
    assert_eq!(chat.last_seq, Seq(1));
    assert_eq!(chat.guest_id, guest.id);
    assert_eq!(f.store.chat(chat.id).await.unwrap(), chat);
    let msgs = f
        .store
        .messages_after(chat.id.into(), Seq::ZERO, 10)
        .await
        .unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].seq, Seq(1));
    assert_eq!(msgs[0].kind, MessageKind::Patron);
    assert_eq!(
        msgs[0].body.as_str(),
        "Do you have the 1911 city directory?"
    );
    assert_eq!(
        f.store.open_chat_of_guest(guest.id).await.unwrap(),
        Some(chat)
    );
}

pub async fn one_open_chat_per_guest(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let again = f.store.start_chat(&f.new_chat(&guest), None).await;
    assert!(
        matches!(again, Err(StoreError::Conflict(Conflict::OpenChatExists))),
        "{again:?}"
    );
    // Once the first has ended, the guest may start another.
    let t = ChatState::Waiting
        .decide(ChatCommand::Close {
            by: Sender::Patron(guest.id),
        })
        .unwrap();
    f.store
        .apply_decision(&decision(&chat, &t), Some(f.system_note(&chat.id, "left")))
        .await
        .unwrap();
    let second = f.store.start_chat(&f.new_chat(&guest), None).await.unwrap();
    assert_eq!(second.last_seq, Seq::ZERO);
}

pub async fn parallel_starts_for_one_guest_make_one_chat(store: DynStore) {
    let f = Arc::new(Fixture::new(store).await);
    let guest = f.guest().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (f, new) = (f.clone(), f.new_chat(&guest));
            tokio::spawn(async move { f.store.start_chat(&new, None).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(Conflict::OpenChatExists)) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok, 1);
}

pub async fn chats_are_listed_by_institution_and_status(store: DynStore) {
    let f = Fixture::new(store.clone()).await;
    let other = Fixture::new(store).await;
    let (waiting, _) = f.chat().await;
    let (active, _) = f.chat().await;
    let (_elsewhere, _) = other.chat().await;
    let t = ChatState::Waiting
        .decide(ChatCommand::Claim {
            operator: f.alice.id,
        })
        .unwrap();
    f.store
        .apply_decision(
            &decision(&active, &t),
            Some(f.system_note(&active.id, "claimed")),
        )
        .await
        .unwrap();
    let list = |statuses: Vec<ChatStatus>| ChatFilter {
        institutions: vec![f.institution.id],
        statuses,
        limit: 100,
        ..Default::default()
    };
    let ids = |v: Vec<Chat>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(f
            .store
            .chats(&list(vec![ChatStatus::Waiting]))
            .await
            .unwrap()),
        vec![waiting.id]
    );
    assert_eq!(
        ids(f
            .store
            .chats(&list(vec![ChatStatus::Active]))
            .await
            .unwrap()),
        vec![active.id]
    );
    assert_eq!(
        ids(f
            .store
            .chats(&list(vec![ChatStatus::Waiting, ChatStatus::Active]))
            .await
            .unwrap()),
        vec![waiting.id, active.id]
    );
    let none = ChatFilter {
        institutions: vec![],
        statuses: vec![ChatStatus::Waiting],
        limit: 100,
        ..Default::default()
    };
    assert!(f.store.chats(&none).await.unwrap().is_empty());
}

pub async fn claim_is_compare_and_set(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, _) = f.chat().await;
    let by_alice = ChatState::Waiting
        .decide(ChatCommand::Claim {
            operator: f.alice.id,
        })
        .unwrap();
    let by_bob = ChatState::Waiting
        .decide(ChatCommand::Claim { operator: f.bob.id })
        .unwrap();
    let (after, _) = f
        .store
        .apply_decision(
            &decision(&chat, &by_alice),
            Some(f.system_note(&chat.id, "a")),
        )
        .await
        .unwrap();
    assert_eq!(
        after.state,
        ChatState::Active {
            operator: f.alice.id
        }
    );
    assert!(after.claimed_at.is_some());
    let lost = f
        .store
        .apply_decision(
            &decision(&chat, &by_bob),
            Some(f.system_note(&chat.id, "b")),
        )
        .await;
    assert!(
        matches!(lost, Err(StoreError::Conflict(Conflict::StateChanged))),
        "{lost:?}"
    );
    let stored = f.store.chat(chat.id).await.unwrap();
    assert_eq!(
        stored.state,
        ChatState::Active {
            operator: f.alice.id
        }
    );
    // The loser's note was not recorded: seq 1 question, seq 2 alice's claim.
    assert_eq!(stored.last_seq, Seq(2));
}

pub async fn concurrent_claims_have_one_winner(store: DynStore) {
    let f = Arc::new(Fixture::new(store).await);
    for _round in 0..10 {
        let (chat, _) = f.chat().await;
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let (f, chat) = (f.clone(), chat.clone());
                tokio::spawn(async move {
                    let op = if i % 2 == 0 { f.alice.id } else { f.bob.id };
                    let t = ChatState::Waiting
                        .decide(ChatCommand::Claim { operator: op })
                        .unwrap();
                    f.store
                        .apply_decision(
                            &decision(&chat, &t),
                            Some(f.system_note(&chat.id, "claimed")),
                        )
                        .await
                })
            })
            .collect();
        let mut winners = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => winners += 1,
                Err(StoreError::Conflict(Conflict::StateChanged)) => {}
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!(winners, 1);
        let msgs = f
            .store
            .messages_after(chat.id.into(), Seq::ZERO, 100)
            .await
            .unwrap();
        assert_eq!(
            msgs.iter()
                .filter(|m| m.kind == MessageKind::System)
                .count(),
            1
        );
    }
}

pub async fn transitions_record_a_system_message(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let claim = ChatState::Waiting
        .decide(ChatCommand::Claim {
            operator: f.alice.id,
        })
        .unwrap();
    let (c, note) = f
        .store
        .apply_decision(
            &decision(&chat, &claim),
            Some(f.system_note(&chat.id, "alice joined the chat.")),
        )
        .await
        .unwrap();
    assert_eq!(note.unwrap().seq, Seq(2));
    assert_eq!(c.last_seq, Seq(2));
    let close = c
        .state
        .decide(ChatCommand::Close {
            by: Sender::Patron(guest.id),
        })
        .unwrap();
    let (c, note) = f
        .store
        .apply_decision(
            &decision(&c, &close),
            Some(f.system_note(&chat.id, "ended")),
        )
        .await
        .unwrap();
    assert_eq!(c.state, ChatState::Closed);
    assert!(c.ended_at.is_some());
    assert_eq!(note.unwrap().seq, Seq(3));
    // Who answered it stays known after it ended, also when read back.
    assert_eq!(c.answered_by, Some(f.alice.id));
    assert_eq!(
        f.store.chat(chat.id).await.unwrap().answered_by,
        Some(f.alice.id)
    );
    assert_eq!(f.store.open_chat_of_guest(guest.id).await.unwrap(), None);
}

pub async fn chat_lists_page_and_cover_departments(store: DynStore) {
    let f = Fixture::new(store).await;
    let mut started = Vec::new();
    for _ in 0..5 {
        started.push(f.chat().await.0.id);
    }
    let mut seen = Vec::new();
    let mut filter = ChatFilter {
        departments: vec![f.department.id],
        statuses: vec![ChatStatus::Waiting],
        limit: 2,
        ..Default::default()
    };
    loop {
        let page = f.store.chats(&filter).await.unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        filter.after = Some(crate::ChatCursor::after(last));
        seen.extend(page.iter().map(|c| c.id));
    }
    assert_eq!(
        seen, started,
        "every chat once, oldest first, by department"
    );
    let other = ChatFilter {
        departments: vec![uuid::Uuid::now_v7().into()],
        statuses: vec![ChatStatus::Waiting],
        limit: 10,
        ..Default::default()
    };
    assert!(f.store.chats(&other).await.unwrap().is_empty());
}

/// A new patron's guest is stored with their first chat, in its transaction: both or neither.
pub async fn a_new_guest_is_stored_with_its_chat(store: DynStore) {
    let f = Fixture::new(store).await;
    let guest = Guest {
        id: uuid::Uuid::now_v7().into(),
        widget_id: f.widget.id,
        created_at: super::fixture::now(),
    };
    let mut new = f.new_chat(&guest);
    let token = super::fixture::token("new patron");
    new.new_guest = Some(token);
    let chat = f.store.start_chat(&new, None).await.unwrap();
    let found = f.store.guest_by_token(&token).await.unwrap();
    assert_eq!((found.id, found.widget_id), (chat.guest_id, f.widget.id));
    // A start that fails (the chat id is taken) stores no guest either.
    let mut again = f.new_chat(&Guest {
        id: uuid::Uuid::now_v7().into(),
        ..guest
    });
    again.id = chat.id;
    let second = super::fixture::token("second patron");
    again.new_guest = Some(second);
    assert!(f.store.start_chat(&again, None).await.is_err());
    assert!(matches!(
        f.store.guest_by_token(&second).await,
        Err(StoreError::NotFound)
    ));
}

/// A chat that rolls over as it starts is stored where its moves put it, with their history
/// rows and system messages after the question, in one transaction.
pub async fn routing_steps_taken_at_start_are_stored_with_the_chat(store: DynStore) {
    let f = Fixture::new(store).await;
    let guest = f.guest().await;
    let mut new = f.new_chat(&guest);
    let coop: CoopId = uuid::Uuid::now_v7().into();
    let other = Department {
        id: uuid::Uuid::now_v7().into(),
        institution_id: f.institution.id,
        name: super::fixture::name("Archives"),
    };
    f.store.create_department(&other).await.unwrap();
    let coop_row = Coop {
        id: coop,
        name: super::fixture::name("Valley Libraries"),
    };
    f.store.create_coop(&coop_row).await.unwrap();
    let mv = |step, target: StepTarget, department| {
        let event = ChatEvent::Routed {
            step,
            target,
            reason: RouteReason::Unstaffed,
        };
        crate::StartMove {
            event,
            placement: Placement {
                step,
                department_id: department,
                coop_id: target.coop(),
            },
            note: f.system_note(&new.id, &format!("routed to step {step}")),
        }
    };
    new.moves = vec![
        mv(1, StepTarget::Department(other.id), other.id),
        mv(2, StepTarget::Coop(coop), other.id),
    ];
    // Not a member of the co-op: a start that would offer it there is refused.
    assert!(matches!(
        f.store.start_chat(&new, None).await,
        Err(StoreError::Conflict(Conflict::StateChanged))
    ));
    f.store
        .add_coop_member(coop, f.institution.id)
        .await
        .unwrap();
    let q = f.patron_message(&new.id, &guest, None, "Who has the 1911 directory?");
    let chat = f.store.start_chat(&new, Some(q)).await.unwrap();
    assert_eq!((chat.version, chat.step, chat.coop_id), (3, 2, Some(coop)));
    assert_eq!(chat.department_id, other.id);
    assert_eq!(f.store.chat(chat.id).await.unwrap(), chat);
    let history = f.store.chat_history(chat.id).await.unwrap();
    let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(
        history[0].department_id, f.department.id,
        "started in its own"
    );
    assert!(matches!(
        history[2].event,
        ChatEvent::Routed { step: 2, .. }
    ));
    let messages = f
        .store
        .messages_after(chat.id.into(), Seq::ZERO, 10)
        .await
        .unwrap();
    let kinds: Vec<_> = messages.iter().map(|m| (m.seq.0, m.kind)).collect();
    assert_eq!(
        kinds,
        [
            (1, MessageKind::Patron),
            (2, MessageKind::System),
            (3, MessageKind::System)
        ]
    );
    assert_eq!(chat.last_seq, Seq(3));
}

/// Tags on a chat: put on once, taken off, listed in order; type-ahead by prefix across an
/// institution's chats, most used first, with LIKE's wildcards taken literally.
pub async fn tags_are_kept_with_chats_and_offered_by_prefix(store: DynStore) {
    let f = Fixture::new(store).await;
    let (a, _) = f.chat().await;
    let (b, _) = f.chat().await;
    let tag = |chat: &Chat, t: &str, s: i64| ChatTag {
        chat_id: chat.id,
        tag: Tag::parse(t).unwrap(),
        added_by: f.alice.id,
        added_at: super::fixture::now() + time::Duration::seconds(s),
    };
    assert!(f.store.add_tag(&tag(&a, "Citation help", 0)).await.unwrap());
    assert!(
        !f.store.add_tag(&tag(&a, "citation help", 1)).await.unwrap(),
        "once"
    );
    assert!(f.store.add_tag(&tag(&a, "ILL", 2)).await.unwrap());
    assert!(f.store.add_tag(&tag(&b, "citation help", 3)).await.unwrap());
    assert!(f.store.add_tag(&tag(&b, "ci_x", 4)).await.unwrap());
    let names = |v: Vec<ChatTag>| v.into_iter().map(|t| t.tag.to_string()).collect::<Vec<_>>();
    assert_eq!(
        names(f.store.tags_of(a.id).await.unwrap()),
        ["citation help", "ill"]
    );
    let offered = f
        .store
        .tags_in(&[f.institution.id], "ci", 10)
        .await
        .unwrap();
    let offered: Vec<String> = offered.iter().map(ToString::to_string).collect();
    assert_eq!(offered, ["citation help", "ci_x"], "most used first");
    let literal = f
        .store
        .tags_in(&[f.institution.id], "ci_", 10)
        .await
        .unwrap();
    assert_eq!(literal.len(), 1, "the underscore is not a wildcard");
    assert!(f.store.tags_in(&[], "", 10).await.unwrap().is_empty());
    assert!(
        f.store
            .remove_tag(a.id, &Tag::parse("ill").unwrap())
            .await
            .unwrap()
    );
    assert!(
        !f.store
            .remove_tag(a.id, &Tag::parse("ill").unwrap())
            .await
            .unwrap()
    );
    assert_eq!(
        names(f.store.tags_of(a.id).await.unwrap()),
        ["citation help"]
    );
    let unknown = ChatTag {
        chat_id: uuid::Uuid::now_v7().into(),
        ..tag(&a, "x", 0)
    };
    assert!(matches!(
        f.store.add_tag(&unknown).await,
        Err(StoreError::NotFound)
    ));
}

/// "Today's chats with this guest": a guest's chats since an instant, oldest first.
pub async fn a_guests_chats_are_listed_since_an_instant(store: DynStore) {
    let f = Fixture::new(store).await;
    let (first, guest) = f.chat().await;
    let t = first
        .state
        .decide(ChatCommand::Close { by: Sender::System })
        .unwrap();
    f.store
        .apply_decision(&decision(&first, &t), None)
        .await
        .unwrap();
    let second = f.store.start_chat(&f.new_chat(&guest), None).await.unwrap();
    let (_other, _) = f.chat().await;
    let since = super::fixture::now() - time::Duration::hours(1);
    let ids: Vec<ChatId> = f
        .store
        .chats_of_guest(guest.id, since)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, [first.id, second.id]);
    let later = super::fixture::now() + time::Duration::hours(1);
    assert!(
        f.store
            .chats_of_guest(guest.id, later)
            .await
            .unwrap()
            .is_empty()
    );
}

/// An outbound chat starts active with the librarian who started it, in one transaction: its
/// `Started` and `Claimed` history rows and its system line; one open chat per guest still
/// holds.
pub async fn an_outbound_chat_starts_held_by_its_librarian(store: DynStore) {
    let f = Fixture::new(store).await;
    let guest = f.guest().await;
    let mut new = f.new_chat(&guest);
    new.question = None;
    new.outbound = Some(crate::Outbound {
        operator: f.alice.id,
        note: f.system_note(&new.id, "{}"),
    });
    let chat = f.store.start_chat(&new, None).await.unwrap();
    assert_eq!(
        chat.state,
        ChatState::Active {
            operator: f.alice.id
        }
    );
    assert_eq!((chat.version, chat.answered_by), (2, Some(f.alice.id)));
    assert!(chat.claimed_at.is_some());
    assert_eq!(f.store.chat(chat.id).await.unwrap(), chat);
    let events: Vec<_> = f
        .store
        .chat_history(chat.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events,
        vec![
            ChatEvent::Started,
            ChatEvent::Claimed {
                operator: f.alice.id
            }
        ]
    );
    let messages = f
        .store
        .messages_after(chat.id.into(), Seq::ZERO, 10)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (messages[0].seq, messages[0].kind),
        (Seq(1), MessageKind::System)
    );
    assert_eq!(
        f.store.chats_held(&[f.alice.id]).await.unwrap(),
        vec![(f.alice.id, 1)]
    );
    let mut second = f.new_chat(&guest);
    second.outbound = new.outbound.clone();
    assert!(matches!(
        f.store.start_chat(&second, None).await,
        Err(StoreError::Conflict(Conflict::OpenChatExists))
    ));
}
