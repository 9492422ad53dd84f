//! The privacy engine's writes: an ended chat is listed for forgetting and deleting once it
//! ended before the given instant, and not again after; forgetting rewrites what it is given
//! and removes the patron's name, email, address and browser; deleting removes the messages,
//! words and files and leaves the chat (and its facts) for reports; open and unknown chats are
//! refused.

use super::fixture::{Fixture, now};
use crate::{Conflict, DynStore, Forgetting, StoreError};
use refdesk_core::*;
use time::Duration;

pub async fn patrons_are_forgotten_and_transcripts_deleted_once_ended(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let i = f.institution.id;
    let (chat, guest) = f.chat().await;
    let said = s
        .append_message(f.patron_message(&chat.id, &guest, None, "Call me at 555-123-4567"))
        .await
        .unwrap();
    let later = now() + Duration::days(1);
    assert!(matches!(
        s.delete_transcript(chat.id, later).await,
        Err(StoreError::Conflict(Conflict::ChatOpen))
    ));
    assert!(
        s.chats_to_forget(i, later, 10).await.unwrap().is_empty(),
        "open"
    );
    let close = chat
        .decide(
            now(),
            ChatCommand::Close {
                by: Sender::Patron(guest.id),
            },
        )
        .unwrap();
    let (ended, _) = s.apply_decision(&close, None).await.unwrap();
    s.rate_chat(&Rating::new(&ended, 5, Some("mail me: q@x.example"), now()).unwrap())
        .await
        .unwrap();
    assert!(
        s.chats_to_forget(i, ended.ended_at.unwrap(), 10)
            .await
            .unwrap()
            .is_empty(),
        "it ended at, not before, that instant"
    );
    assert_eq!(
        s.chats_to_forget(i, later, 10).await.unwrap(),
        vec![chat.id]
    );
    assert_eq!(
        s.transcripts_to_delete(i, later, 10).await.unwrap(),
        vec![chat.id]
    );
    let other = InstitutionId::from(uuid::Uuid::now_v7());
    assert!(
        s.chats_to_forget(other, later, 10)
            .await
            .unwrap()
            .is_empty()
    );

    s.forget_patron(&Forgetting {
        chat: chat.id,
        at: later,
        question: Some("Where is [phone removed]?".into()),
        referrer: Some("https://lib.example/".into()),
        messages: vec![(said.message.seq, "Call me at [phone removed]".into())],
        rating_comment: Some("mail me: [email removed]".into()),
    })
    .await
    .unwrap();
    let forgotten = s.chat(chat.id).await.unwrap();
    assert_eq!(
        (
            &forgotten.patron_name,
            &forgotten.patron_email,
            &forgotten.patron_ip,
            &forgotten.user_agent
        ),
        (&None, &None, &None, &None)
    );
    assert_eq!(
        forgotten.question.as_ref().map(|q| q.as_str()),
        Some("Where is [phone removed]?")
    );
    assert_eq!(forgotten.referrer.as_deref(), Some("https://lib.example/"));
    assert_eq!(forgotten.state, ended.state, "its state is unchanged");
    let kept = s
        .messages_after(chat.id.into(), Seq::ZERO, 10)
        .await
        .unwrap();
    let bodies: Vec<&str> = kept.iter().map(|m| m.body.as_str()).collect();
    assert!(bodies.contains(&"Call me at [phone removed]"), "{bodies:?}");
    assert!(!bodies.iter().any(|b| b.contains("555")), "{bodies:?}");
    let rating = s.rating_of(chat.id).await.unwrap().unwrap();
    assert_eq!(rating.comment.as_deref(), Some("mail me: [email removed]"));
    assert_eq!(rating.stars, 5);
    let words = refdesk_core::faq::search_terms("555");
    assert!(
        s.search_transcripts(i, now() - Duration::days(1), later, &words, 10)
            .await
            .unwrap()
            .is_empty(),
        "the old words are no longer found"
    );
    assert!(
        s.chats_to_forget(i, later, 10).await.unwrap().is_empty(),
        "once"
    );

    s.delete_transcript(chat.id, later).await.unwrap();
    assert!(
        s.messages_after(chat.id.into(), Seq::ZERO, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let rating = s.rating_of(chat.id).await.unwrap().unwrap();
    assert_eq!(
        (rating.stars, rating.comment),
        (5, None),
        "the stars still count"
    );
    let words = refdesk_core::faq::search_terms("call");
    assert!(
        s.search_transcripts(i, now() - Duration::days(1), later, &words, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let deleted = s.chat(chat.id).await.unwrap();
    assert_eq!((deleted.question, deleted.referrer), (None, None));
    assert_eq!(
        deleted.ended_at, ended.ended_at,
        "the chat stays for reports"
    );
    assert!(
        s.transcripts_to_delete(i, later, 10)
            .await
            .unwrap()
            .is_empty(),
        "once"
    );
    s.delete_transcript(chat.id, later).await.unwrap();
    assert!(matches!(
        s.delete_transcript(ChatId::from(uuid::Uuid::now_v7()), later)
            .await,
        Err(StoreError::NotFound)
    ));
}
