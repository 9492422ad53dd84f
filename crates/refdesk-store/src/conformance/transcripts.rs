//! Transcript search: an ended chat is found by the words of its patron, its librarians and
//! its notes (stemmed, the last word as a prefix), within its library and its days; an open
//! chat and system lines are not; a note added after the end is found too. And the audit
//! log: appended, read newest first by page, per institution.

use super::fixture::{Fixture, now};
use crate::DynStore;
use refdesk_core::faq::{MARK_END, MARK_START};
use refdesk_core::*;
use time::Duration;

pub async fn transcripts_are_found_by_their_words_once_ended(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let (chat, guest) = f.chat().await;
    let claim = chat
        .decide(
            now(),
            ChatCommand::Claim {
                operator: f.alice.id,
            },
        )
        .unwrap();
    let (held, _) = s.apply_decision(&claim, None).await.unwrap();
    for m in [
        f.patron_message(
            &chat.id,
            &guest,
            None,
            "Can I borrow theses through interlibrary loans?",
        ),
        f.staff_message(
            &chat.id,
            &f.alice,
            MessageKind::Operator,
            None,
            "Yes: renewing them is free.",
        ),
        f.staff_message(
            &chat.id,
            &f.alice,
            MessageKind::InternalNote,
            None,
            "Patron is a visiting scholar.",
        ),
        f.system_note(&chat.id, "zeppelin"),
    ] {
        s.append_message(m).await.unwrap();
    }
    let (open, open_guest) = f.chat().await;
    s.append_message(f.patron_message(&open.id, &open_guest, None, "interlibrary loans please"))
        .await
        .unwrap();

    let day = |d: i64| now() + Duration::days(d);
    let terms = |q: &str| refdesk_core::faq::search_terms(q);
    let find = |q: &'static str, institution: InstitutionId, from, to| {
        let t = terms(q);
        async move {
            s.search_transcripts(institution, from, to, &t, 10)
                .await
                .unwrap()
        }
    };
    let i = f.institution.id;
    assert!(
        find("interlibrary", i, day(-1), day(1)).await.is_empty(),
        "no chat is searchable before it ends"
    );

    let close = held
        .decide(
            now(),
            ChatCommand::Close {
                by: Sender::Staff(f.alice.id),
            },
        )
        .unwrap();
    s.apply_decision(&close, None).await.unwrap();
    assert_eq!(
        find("interlibrary loan", i, day(-1), day(1)).await,
        vec![chat.id]
    );
    assert_eq!(
        find("renew", i, day(-1), day(1)).await,
        vec![chat.id],
        "stemmed"
    );
    assert_eq!(
        find("visiting schol", i, day(-1), day(1)).await,
        vec![chat.id],
        "a note, a prefix"
    );
    assert!(
        find("zeppelin", i, day(-1), day(1)).await.is_empty(),
        "system lines are not words"
    );
    assert!(
        find("interlibrary tuba", i, day(-1), day(1))
            .await
            .is_empty(),
        "every word"
    );
    assert!(
        find("interlibrary", i, day(1), day(2)).await.is_empty(),
        "its days only"
    );
    let elsewhere: InstitutionId = uuid::Uuid::now_v7().into();
    assert!(
        find("interlibrary", elsewhere, day(-1), day(1))
            .await
            .is_empty(),
        "its library only"
    );

    // A note after the end is found too.
    s.append_message(f.staff_message(
        &chat.id,
        &f.bob,
        MessageKind::InternalNote,
        None,
        "Followed up by phone.",
    ))
    .await
    .unwrap();
    assert_eq!(find("phone", i, day(-1), day(1)).await, vec![chat.id]);

    let snippets = s
        .transcript_snippets(&terms("interlibrary"), &[chat.id, open.id])
        .await
        .unwrap();
    assert_eq!(snippets.len(), 1);
    assert_eq!(snippets[0].0, chat.id);
    assert!(
        snippets[0]
            .1
            .contains(&format!("{MARK_START}interlibrary{MARK_END}")),
        "{:?}",
        snippets[0].1
    );
}

pub async fn the_audit_log_is_kept_per_institution_newest_first(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let (chat, _) = f.chat().await;
    let actions = [
        AuditAction::TranscriptsSearched,
        AuditAction::TranscriptViewed,
        AuditAction::TranscriptExported,
    ];
    for (n, action) in actions.into_iter().enumerate() {
        let chat_id = (action != AuditAction::TranscriptsSearched).then_some(chat.id);
        s.record_audit(&AuditRecord::new(
            f.institution.id,
            f.alice.id,
            action,
            chat_id,
            &format!("entry {n}"),
            now(),
        ))
        .await
        .unwrap();
    }
    let all = s.audit_entries(f.institution.id, None, 10).await.unwrap();
    let details: Vec<&str> = all.iter().map(|e| e.record.detail.as_str()).collect();
    assert_eq!(details, ["entry 2", "entry 1", "entry 0"]);
    assert_eq!(all[0].record.action, AuditAction::TranscriptExported);
    assert_eq!(all[0].record.chat_id, Some(chat.id));
    assert_eq!(all[2].record.chat_id, None);
    assert_eq!(all[0].record.actor_id, f.alice.id);
    assert!(all[0].id > all[1].id && all[1].id > all[2].id);

    let first = s.audit_entries(f.institution.id, None, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let rest = s
        .audit_entries(f.institution.id, Some(first[1].id), 2)
        .await
        .unwrap();
    assert_eq!(rest, vec![all[2].clone()]);

    let elsewhere: InstitutionId = uuid::Uuid::now_v7().into();
    assert!(
        s.audit_entries(elsewhere, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let unknown = AuditRecord::new(
        elsewhere,
        f.alice.id,
        AuditAction::TranscriptsSearched,
        None,
        "",
        now(),
    );
    assert!(matches!(
        s.record_audit(&unknown).await,
        Err(crate::StoreError::NotFound)
    ));
}
