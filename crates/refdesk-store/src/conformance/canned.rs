//! Canned messages: stored and replaced in place (never into another scope), listed by scope
//! and title, deleted.

use super::fixture::{Fixture, now};
use crate::{DynStore, StoreError};
use refdesk_core::*;
use uuid::Uuid;

pub async fn canned_messages_are_kept_by_scope(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let mine = CannedScope::Personal(f.alice.id);
    let library = CannedScope::Institution(f.institution.id);
    let make = |scope, title: &str| {
        CannedMessage::new(Uuid::now_v7().into(), scope, title, "Hi {patron}!", now()).unwrap()
    };
    let (a, b, c) = (
        make(library, "Welcome"),
        make(mine, "Closing"),
        make(library, "Hours"),
    );
    for m in [&a, &b, &c] {
        s.put_canned(m).await.unwrap();
    }
    let bob = CannedScope::Personal(f.bob.id);
    s.put_canned(&make(bob, "Bob's own")).await.unwrap();
    let titles = |v: Vec<CannedMessage>| v.into_iter().map(|m| m.title).collect::<Vec<_>>();
    assert_eq!(
        titles(s.canned_of(&[mine, library]).await.unwrap()),
        ["Closing", "Hours", "Welcome"]
    );
    assert_eq!(
        titles(s.canned_of(&[library]).await.unwrap()),
        ["Hours", "Welcome"]
    );
    assert!(s.canned_of(&[]).await.unwrap().is_empty());
    // Replaced in place; never moved to another scope.
    let renamed = CannedMessage {
        title: "Opening hours".into(),
        ..c.clone()
    };
    s.put_canned(&renamed).await.unwrap();
    assert_eq!(s.canned(c.id).await.unwrap(), renamed);
    let moved = CannedMessage {
        scope: mine,
        ..c.clone()
    };
    assert!(matches!(
        s.put_canned(&moved).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.canned(c.id).await.unwrap().scope, library);
    assert!(s.delete_canned(a.id).await.unwrap());
    assert!(!s.delete_canned(a.id).await.unwrap());
    assert!(matches!(s.canned(a.id).await, Err(StoreError::NotFound)));
}

/// A chat is rated once; the rating reads back; an unknown chat has none to take.
pub async fn a_chat_is_rated_once(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let close = chat
        .decide(
            now(),
            ChatCommand::Close {
                by: Sender::Patron(guest.id),
            },
        )
        .unwrap();
    let (ended, _) = f.store.apply_decision(&close, None).await.unwrap();
    assert_eq!(f.store.rating_of(ended.id).await.unwrap(), None);
    let rating = Rating::new(&ended, 4, Some("Quick and kind"), now()).unwrap();
    f.store.rate_chat(&rating).await.unwrap();
    assert_eq!(
        f.store.rating_of(ended.id).await.unwrap(),
        Some(rating.clone())
    );
    let again = Rating::new(&ended, 1, None, now()).unwrap();
    assert!(matches!(
        f.store.rate_chat(&again).await,
        Err(crate::StoreError::Conflict(crate::Conflict::AlreadyExists))
    ));
    assert_eq!(f.store.rating_of(ended.id).await.unwrap(), Some(rating));
    let unknown = Rating {
        chat_id: Uuid::now_v7().into(),
        ..again
    };
    assert!(matches!(
        f.store.rate_chat(&unknown).await,
        Err(StoreError::NotFound)
    ));
}
