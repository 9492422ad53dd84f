//! The demo libraries' FAQs: public ones a patron would find on the library's website, and the
//! internal 24/7 Staffing group co-op librarians read while answering that library's patrons.
//! Each library's differ where real libraries differ (hours, fees, branches).

use crate::markdown;
use refdesk_core::{Faq, FaqDraft, FaqVisibility, InstitutionId};
use refdesk_store::{DynStore, StoreError};
use time::OffsetDateTime;

struct Local {
    hours: &'static str,
    print_cost: &'static str,
    visitor_fee: &'static str,
    branch: &'static str,
    ill_days: &'static str,
}

fn local(slug: &str) -> Local {
    match slug {
        "riverside" => Local {
            hours: "Monday to Thursday 9 am – 8 pm, Friday and Saturday 9 am – 5 pm, Sunday 1 – 5 pm",
            print_cost: "15 cents a page in black and white, 50 cents in colour",
            visitor_fee: "$25 a year",
            branch: "the Main branch on Water Street",
            ill_days: "7 to 14 days",
        },
        "hillcrest" => Local {
            hours: "Monday to Friday 8 am – midnight, weekends 10 am – 10 pm during term",
            print_cost: "10 cents a page, charged to your campus card",
            visitor_fee: "$40 a year (alumni free)",
            branch: "the Main Library, level 2",
            ill_days: "5 to 10 days; articles usually within 48 hours",
        },
        _ => Local {
            hours: "Tuesday to Saturday 10 am – 6 pm; closed Sundays and Mondays",
            print_cost: "20 cents a page",
            visitor_fee: "$15 a year",
            branch: "the Lakeside Centre branch",
            ill_days: "10 to 21 days",
        },
    }
}

fn public(l: &Local, name: &str) -> Vec<(&'static str, String, String, &'static [&'static str])> {
    vec![
        ("Borrowing", "How do I renew a book?".into(), format!(
            "You can renew most items up to **two times**, unless another patron has placed a hold.\n\n\
             1. Sign in to **My Account** on the {name} website with your library card number and PIN.\n\
             2. Choose **Checked out**, tick the items and select **Renew**.\n\n\
             You can also renew by phone or at any service desk. Items that are already overdue can still be renewed."),
            &["renewals", "borrowing", "my account"]),
        ("Borrowing", "How many items can I borrow, and for how long?".into(),
            "Up to 50 items at a time. Books and audiobooks are lent for three weeks, DVDs for one week, \
             and laptops for four hours (in the building only).".into(),
            &["borrowing", "loan periods"]),
        ("Borrowing", "Can visitors or non-residents borrow books?".into(), format!(
            "Yes. If you live outside our service area you can get a **visitor card** for {}. \
             Bring photo ID and proof of address; visitor cards borrow up to five items at a time.", l.visitor_fee),
            &["visitors", "library cards", "borrowing"]),
        ("Borrowing", "Can I borrow a book the library does not own?".into(), format!(
            "Yes, through **interlibrary loan (ILL)**. Fill in the interlibrary loan request form with the title, \
             author and where you saw it cited. Books usually arrive in {}; we email you when yours is ready to pick up. \
             There is no charge for most requests.", l.ill_days),
            &["interlibrary loan", "ill", "requests"]),
        ("Services", "How do I print from my laptop or phone?".into(), format!(
            "Use **wireless printing**: connect to the library Wi-Fi, upload your document at the print portal, \
             then release it at any print station with your library card. Printing costs {}.", l.print_cost),
            &["printing", "wifi", "laptops"]),
        ("Services", "Do you have Wi-Fi?".into(),
            "Yes, free Wi-Fi throughout the building. Join the network *Library-Public*; no password is needed. \
             Sessions last eight hours.".into(),
            &["wifi", "internet"]),
        ("Visiting", "What are the opening hours?".into(), format!(
            "{} is open {}. We close on public holidays; the website's home page lists any changes.", l.branch, l.hours),
            &["hours", "holidays"]),
        ("Visiting", "Which accessibility services do you offer?".into(),
            "- Step-free access at every entrance and accessible washrooms on every floor\n\
             - Screen readers (NVDA, JAWS) and magnifiers on all public computers\n\
             - Large-print books, audiobooks and DAISY readers\n\
             - **Home delivery** for patrons who cannot visit\n\n\
             Ask at any desk, or in this chat, and we will arrange what you need.".into(),
            &["accessibility", "home delivery"]),
        ("Visiting", "Can I book a study room?".into(),
            "Study rooms for one to six people can be booked up to two weeks ahead, for up to three hours a day, \
             from the room booking page. Bring your library card to check in.".into(),
            &["study rooms", "bookings"]),
        ("Accounts", "I forgot my PIN. What do I do?".into(),
            "Select **Forgot PIN?** on the sign-in page and we will email a reset link to the address on your account. \
             If your email has changed, bring photo ID to any desk.".into(),
            &["pin", "my account", "library cards"]),
        ("Accounts", "How do I pay a fine or replace a lost card?".into(),
            "Pay fines in **My Account** by card, or at any desk. A replacement library card costs $2.".into(),
            &["fines", "library cards"]),
    ]
}

fn internal(l: &Local, name: &str) -> Vec<(String, String, &'static [&'static str])> {
    vec![
        (format!("Renewals beyond the limit at {name}"), format!(
            "Co-op staff cannot override the renewal limit. Tell the patron a {name} librarian will follow up, \
             then **create a follow-up ticket** in the Renewals queue. Do not promise a due date."),
            &["renewals", "tickets"]),
        ("Interlibrary loan: what co-op staff can tell patrons".into(), format!(
            "Requests are placed by the patron with the online form; staff cannot place them for the patron. \
             Typical wait: {}. Lost ILL items are billed by the lending library.", l.ill_days),
            &["interlibrary loan"]),
        ("Printing problems and refunds".into(), format!(
            "Refunds for failed print jobs are only given in person at {}. \
             If the print portal is down, suggest emailing the document to the desk's print address.", l.branch),
            &["printing", "refunds"]),
        ("Who to contact after hours".into(),
            "For building emergencies patrons should call 911. Account problems, lost items and complaints: \
             create a follow-up ticket; the library answers tickets within one working day.".into(),
            &["escalation", "tickets"]),
        ("Local history collection".into(),
            "The local history room holds city directories, newspapers on microfilm since 1870 and the photo archive. \
             It is open by appointment only; book through a follow-up ticket to the Local History queue.".into(),
            &["collections", "local history"]),
    ]
}

/// Seeds the FAQs of one demo library, unless it has some already.
pub async fn seed_faqs(
    store: &DynStore,
    institution: InstitutionId,
    slug: &str,
    name: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if store.count_faqs(institution).await? > 0 {
        return Ok(());
    }
    let l = local(slug);
    let mut faqs = Vec::new();
    let make = |visibility, group: &str, question: String, answer: String, topics: &[&str], age| {
        let draft = FaqDraft {
            question,
            answer: answer.clone(),
            topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            group: group.to_owned(),
        };
        Faq::new(
            uuid::Uuid::now_v7().into(),
            institution,
            visibility,
            &draft,
            markdown::to_text(&answer),
            now - time::Duration::days(age),
        )
        .expect("demo FAQs are valid")
    };
    for (n, (group, q, a, topics)) in public(&l, name).into_iter().enumerate() {
        faqs.push(make(
            FaqVisibility::Public,
            group,
            q,
            a,
            topics,
            3 + n as i64,
        ));
    }
    for (n, (q, a, topics)) in internal(&l, name).into_iter().enumerate() {
        faqs.push(make(
            FaqVisibility::Internal,
            "",
            q,
            a,
            topics,
            1 + 2 * n as i64,
        ));
    }
    store.put_faqs(&faqs).await
}
