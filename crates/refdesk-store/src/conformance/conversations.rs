//! Staff conversations: one per pair, and their messages through the same log as a chat's, with
//! the same guarantees (gap-free numbers under concurrency, retries stored once, paging).

use super::fixture::{Fixture, body, now};
use crate::{Conflict, DynStore, StoreError};
use refdesk_core::*;
use std::sync::Arc;
use uuid::Uuid;

fn direct(a: &User, b: &User) -> Conversation {
    Conversation::direct(Uuid::now_v7().into(), a.id, b.id, now()).unwrap()
}

fn staff_message(
    conversation: ConversationId,
    from: &User,
    client: &str,
    text: &str,
) -> NewMessage {
    NewMessage {
        id: Uuid::now_v7().into(),
        stream: conversation.into(),
        kind: MessageKind::Staff,
        sender: Sender::Staff(from.id),
        body: body(text),
        client_msg_id: Some(ClientMsgId::parse(client).unwrap()),
        created_at: now(),
    }
}

pub async fn direct_conversations_are_one_per_pair(store: DynStore) {
    let f = Fixture::new(store).await;
    let first = direct(&f.alice, &f.bob);
    let opened = f.store.open_direct_conversation(&first).await.unwrap();
    assert_eq!(opened, first);
    // Bob opening it from his side gets the same one, not a second.
    let again = f
        .store
        .open_direct_conversation(&direct(&f.bob, &f.alice))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(f.store.conversation(first.id).await.unwrap(), first);
    assert_eq!(
        f.store
            .conversations_of(f.alice.id, &[], &[])
            .await
            .unwrap(),
        vec![first.clone()]
    );
    assert_eq!(
        f.store.conversations_of(f.bob.id, &[], &[]).await.unwrap(),
        vec![first.clone()]
    );
    assert!(matches!(
        f.store.conversation(Uuid::now_v7().into()).await,
        Err(StoreError::NotFound)
    ));
    let stranger = User {
        id: Uuid::now_v7().into(),
        ..f.bob.clone()
    };
    assert!(matches!(
        f.store
            .open_direct_conversation(&direct(&f.alice, &stranger))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        f.store
            .conversations_of(f.alice.id, &[], &[])
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn racing_opens_of_one_pair_make_one_conversation(store: DynStore) {
    let f = Arc::new(Fixture::new(store).await);
    let mut tasks = vec![];
    for i in 0..8 {
        let f = f.clone();
        let c = if i % 2 == 0 {
            direct(&f.alice, &f.bob)
        } else {
            direct(&f.bob, &f.alice)
        };
        tasks.push(tokio::spawn(async move {
            f.store.open_direct_conversation(&c).await
        }));
    }
    let mut ids = vec![];
    for t in tasks {
        ids.push(t.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every open got the one conversation");
}

pub async fn conversation_messages_are_gap_free_beside_chats(store: DynStore) {
    let f = Arc::new(Fixture::new(store).await);
    let conversation = f
        .store
        .open_direct_conversation(&direct(&f.alice, &f.bob))
        .await
        .unwrap();
    let (chat, guest) = f.chat().await;
    let mut tasks = vec![];
    for i in 0..40 {
        let f = f.clone();
        let from = if i % 2 == 0 { &f.alice } else { &f.bob };
        let m = staff_message(
            conversation.id,
            from,
            &format!("s{i}"),
            &format!("note {i}"),
        );
        let p = f.patron_message(&chat.id, &guest, Some(&format!("p{i}")), "and?");
        tasks.push(tokio::spawn(async move {
            let (a, b) = futures::join!(f.store.append_message(m), f.store.append_message(p));
            (a.unwrap(), b.unwrap())
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = f
        .store
        .messages_after(conversation.id.into(), Seq::ZERO, 1000)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|m| m.seq.0).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<_>>()
    );
    assert!(
        all.iter()
            .all(|m| m.stream == StreamId::from(conversation.id))
    );
    assert_eq!(
        f.store
            .conversation(conversation.id)
            .await
            .unwrap()
            .last_seq,
        Seq(40)
    );
    // The chat kept its own numbering: its question, then the 40 patron messages.
    assert_eq!(f.store.chat(chat.id).await.unwrap().last_seq, Seq(41));
    let page = f
        .store
        .messages_after(conversation.id.into(), Seq(35), 3)
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|m| m.seq.0).collect::<Vec<_>>(),
        vec![36, 37, 38]
    );
}

pub async fn conversation_retries_are_stored_once(store: DynStore) {
    let f = Fixture::new(store).await;
    let conversation = f
        .store
        .open_direct_conversation(&direct(&f.alice, &f.bob))
        .await
        .unwrap();
    let m = staff_message(
        conversation.id,
        &f.alice,
        "c1",
        "can you take the genealogy one?",
    );
    let first = f.store.append_message(m.clone()).await.unwrap();
    assert!(!first.duplicate);
    let retry = f
        .store
        .append_message(NewMessage {
            id: Uuid::now_v7().into(),
            ..m.clone()
        })
        .await
        .unwrap();
    assert!(retry.duplicate);
    assert_eq!(retry.message, first.message);
    // The same client id from the other member is their own message.
    let bobs = f
        .store
        .append_message(staff_message(conversation.id, &f.bob, "c1", "sure"))
        .await
        .unwrap();
    assert_eq!(bobs.message.seq, Seq(2));
    assert!(matches!(
        f.store
            .append_message(staff_message(conversation.id, &f.alice, "c1", "other text"))
            .await,
        Err(StoreError::Conflict(Conflict::ClientIdReused))
    ));
    assert_eq!(
        f.store
            .conversation(conversation.id)
            .await
            .unwrap()
            .last_seq,
        Seq(2)
    );
}

pub async fn streams_take_only_their_own_kinds(store: DynStore) {
    let f = Fixture::new(store).await;
    let conversation = f
        .store
        .open_direct_conversation(&direct(&f.alice, &f.bob))
        .await
        .unwrap();
    let (chat, _) = f.chat().await;
    // A staff message sent into a patron chat, an operator message into a conversation.
    let mut into_chat = staff_message(conversation.id, &f.alice, "x1", "psst");
    into_chat.stream = chat.id.into();
    let mut into_conversation = f.staff_message(
        &chat.id,
        &f.alice,
        MessageKind::Operator,
        Some("x2"),
        "hello",
    );
    into_conversation.stream = conversation.id.into();
    for m in [into_chat, into_conversation] {
        assert!(matches!(
            f.store.append_message(m).await,
            Err(StoreError::Conflict(Conflict::WrongStream))
        ));
    }
    // A chat's id named as a conversation (and the reverse) is not found.
    let posing = staff_message(
        ConversationId::from(*chat.id.as_uuid()),
        &f.alice,
        "x3",
        "hi",
    );
    assert!(matches!(
        f.store.append_message(posing).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        f.store
            .messages_after(
                StreamId::Chat(ChatId::from(*conversation.id.as_uuid())),
                Seq::ZERO,
                10
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(f.store.chat(chat.id).await.unwrap().last_seq, Seq(1));
    assert_eq!(
        f.store
            .conversation(conversation.id)
            .await
            .unwrap()
            .last_seq,
        Seq::ZERO
    );
}

/// A co-op's and an institution's room: one each, whoever opens it first (racing opens get the
/// same one), listed for those whose grants cover it; a made room with its invited members.
pub async fn rooms_are_one_per_scope_and_made_rooms_keep_their_members(store: DynStore) {
    let f = Fixture::new(store).await;
    let kind = ConversationKind::Institution {
        institution: f.institution.id,
    };
    let opens = (0..4).map(|_| {
        let store = f.store.clone();
        let c = Conversation::scoped_room(Uuid::now_v7().into(), kind.clone(), now());
        async move { store.open_scoped_room(&c).await.unwrap() }
    });
    let rooms = futures::future::join_all(opens).await;
    assert!(rooms.iter().all(|r| r == &rooms[0]), "{rooms:?}");
    let room = rooms[0].clone();
    assert_eq!((room.kind.clone(), room.members.len()), (kind, 0));
    assert_eq!(f.store.conversation(room.id).await.unwrap(), room);
    let coop = Coop {
        id: Uuid::now_v7().into(),
        name: DisplayName::parse("Three Rivers").unwrap(),
    };
    f.store.create_coop(&coop).await.unwrap();
    let coop_room = f
        .store
        .open_scoped_room(&Conversation::scoped_room(
            Uuid::now_v7().into(),
            ConversationKind::Coop { coop: coop.id },
            now(),
        ))
        .await
        .unwrap();
    assert_ne!(coop_room.id, room.id);
    // A made room: Alice invites Bob later.
    let made =
        Conversation::room(Uuid::now_v7().into(), "Maps team", f.alice.id, &[], now()).unwrap();
    f.store.create_room(&made).await.unwrap();
    assert!(matches!(
        f.store.create_room(&made).await,
        Err(StoreError::Conflict(Conflict::AlreadyExists))
    ));
    let ids = |v: Vec<Conversation>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let s = &f.store;
    assert_eq!(
        ids(s.conversations_of(f.bob.id, &[], &[]).await.unwrap()),
        vec![]
    );
    assert!(s.add_room_member(made.id, f.bob.id).await.unwrap());
    assert!(!s.add_room_member(made.id, f.bob.id).await.unwrap(), "once");
    assert!(matches!(
        s.add_room_member(room.id, f.bob.id).await,
        Err(StoreError::NotFound)
    ));
    let stored = s.conversation(made.id).await.unwrap();
    let mut both = vec![f.alice.id, f.bob.id];
    both.sort();
    assert_eq!(stored.members, both);
    assert_eq!(
        ids(s.conversations_of(f.bob.id, &[], &[]).await.unwrap()),
        vec![made.id]
    );
    // Newest first: the made room, then the co-op's, then the institution's.
    assert_eq!(
        ids(s
            .conversations_of(f.bob.id, &[f.institution.id], &[coop.id])
            .await
            .unwrap()),
        vec![made.id, coop_room.id, room.id]
    );
    // Their messages go through the same log.
    let m = staff_message(made.id, &f.bob, "r1", "Who has the 1911 sheets?");
    assert_eq!(s.append_message(m).await.unwrap().message.seq, Seq(1));
}

/// Trimming staff chat for an institution deletes its old staff messages (its room, its staff's
/// direct conversations and made rooms, its co-ops' rooms) and nothing else: not newer ones,
/// not other institutions' conversations, not a chat's notes.
pub async fn staff_chat_is_trimmed_for_an_institution(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let other = Institution {
        id: Uuid::now_v7().into(),
        name: DisplayName::parse("Hillcrest").unwrap(),
        slug: format!("hillcrest-{}", Uuid::now_v7().simple()),
    };
    s.create_institution(&other).await.unwrap();
    let carol = User {
        id: Uuid::now_v7().into(),
        institution_id: other.id,
        email: Email::parse(&format!(
            "carol.{}@hillcrest.example",
            Uuid::now_v7().simple()
        ))
        .unwrap(),
        ..f.bob.clone()
    };
    s.create_user(&carol, "$argon2id$fake").await.unwrap();
    let dave = User {
        id: Uuid::now_v7().into(),
        email: Email::parse(&format!(
            "dave.{}@hillcrest.example",
            Uuid::now_v7().simple()
        ))
        .unwrap(),
        ..carol.clone()
    };
    s.create_user(&dave, "$argon2id$fake").await.unwrap();
    let ours = s
        .open_direct_conversation(&direct(&f.alice, &carol))
        .await
        .unwrap();
    let theirs = s
        .open_direct_conversation(&direct(&carol, &dave))
        .await
        .unwrap();
    let old = now() - time::Duration::days(40);
    let say = |c: ConversationId, who: &User, id: &str, at| NewMessage {
        created_at: at,
        ..staff_message(c, who, id, "about the maps")
    };
    for (c, who) in [(ours.id, &f.alice), (theirs.id, &carol)] {
        s.append_message(say(c, who, "old", old)).await.unwrap();
        s.append_message(say(c, who, "new", now())).await.unwrap();
    }
    let (chat, _) = f.chat().await;
    let note = NewMessage {
        created_at: old,
        ..f.staff_message(
            &chat.id,
            &f.alice,
            MessageKind::InternalNote,
            None,
            "old note",
        )
    };
    s.append_message(note).await.unwrap();
    let cut = now() - time::Duration::days(30);
    assert_eq!(s.trim_staff_chat(f.institution.id, cut).await.unwrap(), 1);
    let left = s
        .messages_after(ours.id.into(), Seq::ZERO, 10)
        .await
        .unwrap();
    assert_eq!(
        left.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![Seq(2)],
        "the head stays"
    );
    assert_eq!(
        s.messages_after(theirs.id.into(), Seq::ZERO, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.messages_after(chat.id.into(), Seq::ZERO, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    // The next message still takes the next number.
    let next = s
        .append_message(say(ours.id, &carol, "next", now()))
        .await
        .unwrap();
    assert_eq!(next.message.seq, Seq(3));
    assert_eq!(
        s.trim_staff_chat(f.institution.id, cut).await.unwrap(),
        0,
        "once"
    );
}
