//! FAQs: stored, replaced in place (never into another institution), listed most recent first,
//! deleted; searched with relevance ranking, stemming, prefixes and snippets, never outside the
//! institution and visibility asked for.

use super::fixture::{Fixture, name, now};
use crate::{DynStore, StoreError};
use refdesk_core::faq::{MARK_END, MARK_START, search_terms};
use refdesk_core::*;
use time::Duration;
use uuid::Uuid;

fn faq(
    institution: InstitutionId,
    visibility: FaqVisibility,
    question: &str,
    answer: &str,
    topics: &[&str],
) -> Faq {
    let draft = FaqDraft {
        question: question.into(),
        answer: answer.into(),
        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        group: String::new(),
    };
    Faq::new(
        Uuid::now_v7().into(),
        institution,
        visibility,
        &draft,
        answer.into(),
        now(),
    )
    .unwrap()
}

/// A small library's FAQs, as real ones read.
fn library_faqs(i: InstitutionId) -> Vec<Faq> {
    use FaqVisibility::{Internal, Public};
    vec![
        faq(
            i,
            Public,
            "How do I renew a book?",
            "Sign in to My Account and choose Renew next to each item. Items can be renewed twice unless someone has placed a hold.",
            &["renewals", "borrowing"],
        ),
        faq(
            i,
            Public,
            "Can I borrow a book from another library?",
            "Yes. Request it through interlibrary loan (ILL) with the request form; items usually arrive within two weeks.",
            &["interlibrary loan"],
        ),
        faq(
            i,
            Public,
            "How do I print from my laptop or phone?",
            "Use wireless printing: upload your document at print.riverside.example, then release it at any print station with your library card. Black and white pages cost 10 cents.",
            &["printing", "wifi"],
        ),
        faq(
            i,
            Public,
            "What are the opening hours?",
            "Monday to Thursday 9 am to 8 pm; Friday and Saturday 9 am to 5 pm; closed Sundays and public holidays.",
            &["hours"],
        ),
        faq(
            i,
            Public,
            "Which accessibility services do you offer?",
            "Wheelchair access at every entrance, screen readers on all public computers, large-print books and a home delivery service.",
            &["accessibility"],
        ),
        faq(
            i,
            Public,
            "Can visitors borrow books?",
            "Visitors from outside the county can get a visitor card for a small yearly fee and borrow up to five items.",
            &["borrowing", "cards"],
        ),
        faq(
            i,
            Internal,
            "Renewal limits for co-op staff",
            "Renewals over the limit need a Riverside librarian: create a follow-up ticket rather than promising a renewal.",
            &["renewals"],
        ),
        faq(
            i,
            Internal,
            "Printing problems at the Main branch",
            "The second floor print station jams often; send patrons to the first floor.",
            &["printing"],
        ),
    ]
}

async fn questions(
    s: &DynStore,
    i: InstitutionId,
    v: Option<FaqVisibility>,
    q: &str,
) -> Vec<String> {
    s.search_faqs(i, v, &search_terms(q), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.faq.question)
        .collect()
}

pub async fn faq_search_ranks_real_questions_and_keeps_to_its_scope(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let home = f.institution.id;
    let other = Institution {
        id: Uuid::now_v7().into(),
        name: name("Lakeside Library"),
        slug: format!("lakeside-{}", Uuid::now_v7().simple()),
    };
    s.create_institution(&other).await.unwrap();
    s.put_faqs(&library_faqs(home)).await.unwrap();
    s.put_faqs(&library_faqs(other.id)).await.unwrap();
    let public = Some(FaqVisibility::Public);

    let first = |v: Vec<String>| v.into_iter().next().unwrap_or_default();
    assert_eq!(
        first(questions(s, home, public, "how do I renew a book").await),
        "How do I renew a book?"
    );
    assert_eq!(
        first(questions(s, home, public, "interlibrary loan").await),
        "Can I borrow a book from another library?"
    );
    assert_eq!(
        first(questions(s, home, public, "can I print from my laptop").await),
        "How do I print from my laptop or phone?"
    );
    // Stemming: "renewing" finds "renew", "renewed" and "renewals"; prefixes: "interlib".
    assert_eq!(
        first(questions(s, home, public, "renewing").await),
        "How do I renew a book?"
    );
    assert_eq!(
        first(questions(s, home, public, "interlib").await),
        "Can I borrow a book from another library?"
    );
    // Internal FAQs only when asked for; never another institution's.
    let internal = questions(s, home, Some(FaqVisibility::Internal), "renewing").await;
    assert_eq!(internal, ["Renewal limits for co-op staff"]);
    let both = questions(s, home, None, "printing").await;
    assert!(
        both[..2].contains(&"Printing problems at the Main branch".to_owned())
            && both[..2].contains(&"How do I print from my laptop or phone?".to_owned()),
        "{both:?}"
    );
    for v in [None, public, Some(FaqVisibility::Internal)] {
        for hit in s
            .search_faqs(home, v, &search_terms("renew print borrow hours"), 50)
            .await
            .unwrap()
        {
            assert_eq!(hit.faq.institution_id, home);
            if v == public {
                assert_eq!(hit.faq.visibility, FaqVisibility::Public);
            }
        }
    }
    assert!(
        questions(s, home, public, "astronomy telescope")
            .await
            .is_empty()
    );
    assert!(
        s.search_faqs(home, public, &[], 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The snippet quotes the answer with the matched words marked.
    let hits = s
        .search_faqs(home, public, &search_terms("wireless printing"), 1)
        .await
        .unwrap();
    let snippet = &hits[0].snippet;
    assert!(
        snippet.contains(&format!("{MARK_START}wireless{MARK_END}")),
        "{snippet:?}"
    );
    assert!(snippet.contains(&format!("{MARK_START}printing{MARK_END}")));
}

pub async fn faqs_are_kept_replaced_and_deleted(store: DynStore) {
    let f = Fixture::new(store).await;
    let s = &f.store;
    let i = f.institution.id;
    let mut older = faq(i, FaqVisibility::Internal, "Staff parking", "Level 2.", &[]);
    older.updated_at = now() - Duration::hours(1);
    let newer = faq(
        i,
        FaqVisibility::Public,
        "Lost cards",
        "Ask at the desk.",
        &["cards"],
    );
    s.put_faqs(&[older.clone(), newer.clone()]).await.unwrap();
    assert_eq!(s.faq(newer.id).await.unwrap(), newer);
    assert_eq!(s.count_faqs(i).await.unwrap(), 2);
    let listed = s.faqs_of(i, None, 0, 10).await.unwrap();
    assert_eq!(listed, [newer.clone(), older.clone()], "most recent first");
    let internal = s
        .faqs_of(i, Some(FaqVisibility::Internal), 0, 10)
        .await
        .unwrap();
    assert_eq!(internal, [older.clone()]);
    assert_eq!(s.faqs_of(i, None, 1, 10).await.unwrap(), [older.clone()]);

    // Replaced in place: the index follows the new words and forgets the old.
    let edited = Faq {
        question: "Replacement library cards".into(),
        answer: "A replacement costs two dollars.".into(),
        answer_text: "A replacement costs two dollars.".into(),
        updated_at: now(),
        ..newer.clone()
    };
    s.put_faqs(std::slice::from_ref(&edited)).await.unwrap();
    assert_eq!(s.faq(newer.id).await.unwrap(), edited);
    let terms = |q: &str| search_terms(q);
    assert!(
        s.search_faqs(i, None, &terms("lost desk"), 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.search_faqs(i, None, &terms("replacement"), 5)
            .await
            .unwrap()
            .len(),
        1
    );

    // Made internal: found among the internal FAQs only, listed and counted once.
    let internal_now = Faq {
        visibility: FaqVisibility::Internal,
        ..edited.clone()
    };
    s.put_faqs(std::slice::from_ref(&internal_now))
        .await
        .unwrap();
    let found = |v| async move {
        s.search_faqs(i, v, &search_terms("replacement"), 5)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.faq)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found(Some(FaqVisibility::Internal)).await,
        std::slice::from_ref(&internal_now)
    );
    assert!(found(Some(FaqVisibility::Public)).await.is_empty());
    assert_eq!(found(None).await, std::slice::from_ref(&internal_now));
    assert_eq!(s.count_faqs(i).await.unwrap(), 2);
    s.put_faqs(std::slice::from_ref(&edited)).await.unwrap();
    assert_eq!(
        found(Some(FaqVisibility::Public)).await,
        std::slice::from_ref(&edited)
    );
    assert!(found(Some(FaqVisibility::Internal)).await.is_empty());

    // Never moved to another institution; a batch with such a move stores nothing.
    let other = Institution {
        id: Uuid::now_v7().into(),
        name: name("Lakeside Library"),
        slug: format!("lakeside-{}", Uuid::now_v7().simple()),
    };
    s.create_institution(&other).await.unwrap();
    let moved = Faq {
        institution_id: other.id,
        ..edited.clone()
    };
    let fresh = faq(i, FaqVisibility::Public, "Fresh", "Fresh answer.", &[]);
    assert!(matches!(
        s.put_faqs(&[fresh.clone(), moved]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(s.faq(fresh.id).await, Err(StoreError::NotFound)));
    assert_eq!(s.faq(edited.id).await.unwrap().institution_id, i);
    // An unknown institution is refused.
    let stray = faq(Uuid::now_v7().into(), FaqVisibility::Public, "Q", "A", &[]);
    assert!(s.put_faqs(&[stray]).await.is_err());

    assert!(s.delete_faq(edited.id).await.unwrap());
    assert!(!s.delete_faq(edited.id).await.unwrap());
    assert!(matches!(s.faq(edited.id).await, Err(StoreError::NotFound)));
    assert!(
        s.search_faqs(i, None, &terms("replacement"), 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.count_faqs(i).await.unwrap(), 1);
}
