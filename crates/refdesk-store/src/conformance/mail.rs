//! The outbox and follow-up tickets.

use super::fixture::{Fixture, now};
use crate::{DynStore, StoreError, TicketFilter, TicketUpdate};
use refdesk_core::*;
use time::Duration;
use uuid::Uuid;

/// A queued mail of the fixture's institution.
pub fn mail_to(f: &Fixture, to: &str) -> Mail {
    Mail::queued(
        Uuid::now_v7().into(),
        f.institution.id,
        MailKind::Transcript,
        Email::parse(to).unwrap(),
        Rendered {
            subject: "Your chat".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
        },
        now(),
    )
}

/// An open ticket in the fixture's department, made by Alice, with the patron's question and a
/// note.
pub fn ticket_of(f: &Fixture, chat: Option<ChatId>) -> (Ticket, Vec<TicketEntry>) {
    let at = now();
    let ticket = Ticket {
        id: Uuid::now_v7().into(),
        institution_id: f.institution.id,
        department_id: f.department.id,
        chat_id: chat,
        patron_name: "Pat Reader".into(),
        patron_email: Email::parse("pat@example.org").unwrap(),
        subject: "Maps of the county".into(),
        status: TicketStatus::Open,
        assignee: None,
        created_by: Some(f.alice.id),
        created_at: at,
        updated_at: at,
    };
    let entry = |kind, body: &str| TicketEntry {
        id: Uuid::now_v7(),
        ticket_id: ticket.id,
        kind,
        author: (kind == EntryKind::Note).then_some(f.alice.id),
        body: body.into(),
        at,
    };
    let entries = vec![
        entry(EntryKind::Question, "Do you have maps of the county?"),
        entry(EntryKind::Note, "Ask the map room."),
    ];
    (ticket, entries)
}

/// A file sent by the system in `chat`.
pub fn attachment_in(chat: ChatId) -> Attachment {
    Attachment {
        id: Uuid::now_v7().into(),
        chat_id: chat,
        sender: Sender::System,
        name: "map.png".into(),
        content_type: "image/png".into(),
        size: 1234,
        sha256: "ab".repeat(32),
        created_at: now(),
    }
}

pub async fn attachments_are_recorded_with_their_chat(store: DynStore) {
    let f = Fixture::new(store).await;
    let (chat, guest) = f.chat().await;
    let mut a = attachment_in(chat.id);
    a.sender = Sender::Patron(guest.id);
    f.store.put_attachment(&a).await.unwrap();
    assert_eq!(f.store.attachment(a.id).await.unwrap(), a);
    let stray = attachment_in(Uuid::now_v7().into());
    assert!(matches!(
        f.store.put_attachment(&stray).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.attachment(stray.id).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn mails_are_claimed_once_retried_and_given_up(store: DynStore) {
    let f = Fixture::new(store).await;
    let mail = mail_to(&f, "pat@example.org");
    f.store.queue_mail(&mail).await.unwrap();
    assert_eq!(f.store.mail(mail.id).await.unwrap(), mail);
    assert_eq!(
        f.store.next_mail_due().await.unwrap(),
        Some(mail.next_attempt_at)
    );
    // Claimed once: the lease moves its next attempt on.
    let t = now() + Duration::seconds(1);
    let lease = t + Duration::seconds(60);
    let claimed = f.store.claim_due_mails(t, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].next_attempt_at, lease);
    assert!(
        f.store
            .claim_due_mails(t, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A failed attempt is due again later.
    let retry_at = t + Duration::seconds(30);
    let retry = MailAttempt::Retry {
        error: "connection refused".into(),
        next_attempt_at: retry_at,
    };
    f.store.record_mail_attempt(mail.id, &retry).await.unwrap();
    let m = f.store.mail(mail.id).await.unwrap();
    assert_eq!(
        (
            m.status,
            m.attempts,
            m.next_attempt_at,
            m.last_error.as_deref()
        ),
        (MailStatus::Queued, 1, retry_at, Some("connection refused"))
    );
    assert!(
        f.store
            .claim_due_mails(t, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let claimed = f.store.claim_due_mails(retry_at, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let failed = MailAttempt::Failed {
        error: "mailbox unavailable".into(),
    };
    f.store.record_mail_attempt(mail.id, &failed).await.unwrap();
    let m = f.store.mail(mail.id).await.unwrap();
    assert_eq!((m.status, m.attempts), (MailStatus::Failed, 2));
    assert_eq!(f.store.next_mail_due().await.unwrap(), None);
    assert!(
        f.store
            .claim_due_mails(lease, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // An admin queues it again; this time it goes.
    assert!(f.store.requeue_mail(mail.id, lease).await.unwrap());
    assert!(!f.store.requeue_mail(mail.id, lease).await.unwrap());
    let claimed = f.store.claim_due_mails(lease, lease, 10).await.unwrap();
    assert_eq!((claimed.len(), claimed[0].attempts), (1, 0));
    let sent = MailAttempt::Sent {
        at: lease,
        delivered_to: "smtp".into(),
    };
    f.store.record_mail_attempt(mail.id, &sent).await.unwrap();
    let m = f.store.mail(mail.id).await.unwrap();
    assert_eq!(
        (m.status, m.sent_at, m.delivered_to.as_deref(), m.last_error),
        (MailStatus::Sent, Some(lease), Some("smtp"), None)
    );
    assert!(matches!(
        f.store
            .record_mail_attempt(Uuid::now_v7().into(), &sent)
            .await,
        Err(StoreError::NotFound)
    ));
    // Listed newest first, by institution.
    let later = mail_to(&f, "ann@example.org");
    f.store.queue_mail(&later).await.unwrap();
    let listed = f.store.mails_of(f.institution.id, None, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id).collect::<Vec<_>>(),
        [later.id, mail.id]
    );
    let older = f
        .store
        .mails_of(f.institution.id, Some(later.created_at), 10)
        .await
        .unwrap();
    assert!(older.iter().all(|m| m.id != later.id));
    assert!(
        f.store
            .mails_of(Uuid::now_v7().into(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Templates: stored, replaced, dropped.
    assert_eq!(
        f.store
            .mail_template(f.institution.id, MailKind::Transcript)
            .await
            .unwrap(),
        None
    );
    let mut t = MailTemplate {
        subject: "Chat".into(),
        text: "{{ transcript }}".into(),
        html: "<p>x</p>".into(),
    };
    for _ in 0..2 {
        f.store
            .set_mail_template(f.institution.id, MailKind::Transcript, Some(&t))
            .await
            .unwrap();
        assert_eq!(
            f.store
                .mail_template(f.institution.id, MailKind::Transcript)
                .await
                .unwrap(),
            Some(t.clone())
        );
        t.subject = "Your chat".into();
    }
    f.store
        .set_mail_template(f.institution.id, MailKind::Transcript, None)
        .await
        .unwrap();
    assert_eq!(
        f.store
            .mail_template(f.institution.id, MailKind::Transcript)
            .await
            .unwrap(),
        None
    );
}

pub async fn tickets_keep_entries_and_queue_replies_in_one_step(store: DynStore) {
    let f = Fixture::new(store).await;
    let (ticket, entries) = ticket_of(&f, None);
    f.store.create_ticket(&ticket, &entries).await.unwrap();
    assert_eq!(f.store.ticket(ticket.id).await.unwrap(), ticket);
    assert_eq!(f.store.ticket_entries(ticket.id).await.unwrap(), entries);
    // An unknown department stores nothing.
    let (mut stray, stray_entries) = ticket_of(&f, None);
    stray.department_id = Uuid::now_v7().into();
    assert!(matches!(
        f.store.create_ticket(&stray, &stray_entries).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.ticket(stray.id).await,
        Err(StoreError::NotFound)
    ));

    // A reply: the entry, the status and the mail together.
    let at = now() + Duration::seconds(5);
    let reply = TicketEntry {
        id: Uuid::now_v7(),
        ticket_id: ticket.id,
        kind: EntryKind::Reply,
        author: Some(f.bob.id),
        body: "The map room has them.".into(),
        at,
    };
    let mut mail = mail_to(&f, "pat@example.org");
    mail.kind = MailKind::TicketReply;
    mail.ticket_id = Some(ticket.id);
    let update = TicketUpdate {
        status: Some(TicketStatus::Pending),
        assignee: Some(Some(f.bob.id)),
    };
    let t = f
        .store
        .add_ticket_entry(&reply, &update, Some(&mail))
        .await
        .unwrap();
    assert_eq!(
        (t.status, t.assignee, t.updated_at),
        (TicketStatus::Pending, Some(f.bob.id), at)
    );
    assert_eq!(f.store.mail(mail.id).await.unwrap(), mail);
    assert_eq!(f.store.ticket_entries(ticket.id).await.unwrap().len(), 3);
    // A reply to an unknown ticket changes nothing, its mail included.
    let lost = TicketEntry {
        id: Uuid::now_v7(),
        ticket_id: Uuid::now_v7().into(),
        ..reply.clone()
    };
    let lost_mail = mail_to(&f, "pat@example.org");
    assert!(matches!(
        f.store
            .add_ticket_entry(&lost, &TicketUpdate::default(), Some(&lost_mail))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        f.store.mail(lost_mail.id).await,
        Err(StoreError::NotFound)
    ));

    // Listed most recently updated first, with filters.
    let (second, second_entries) = ticket_of(&f, None);
    f.store
        .create_ticket(&second, &second_entries)
        .await
        .unwrap();
    let filter = |statuses: Vec<TicketStatus>, assignee: Option<UserId>| TicketFilter {
        institution: f.institution.id,
        statuses,
        department: Some(f.department.id),
        assignee,
        after: None,
        limit: 50,
    };
    let ids = |list: Vec<Ticket>| list.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(
        ids(f.store.tickets(&filter(vec![], None)).await.unwrap()),
        [ticket.id, second.id]
    );
    assert_eq!(
        ids(f
            .store
            .tickets(&filter(vec![TicketStatus::Open], None))
            .await
            .unwrap()),
        [second.id]
    );
    assert_eq!(
        ids(f
            .store
            .tickets(&filter(vec![], Some(f.bob.id)))
            .await
            .unwrap()),
        [ticket.id]
    );
    let page2 = TicketFilter {
        after: Some((t.updated_at, t.id)),
        ..filter(vec![], None)
    };
    assert_eq!(ids(f.store.tickets(&page2).await.unwrap()), [second.id]);
    // Closing and unassigning.
    let closed = f
        .store
        .update_ticket(
            ticket.id,
            &TicketUpdate {
                status: Some(TicketStatus::Closed),
                assignee: Some(None),
            },
            at + Duration::seconds(1),
        )
        .await
        .unwrap();
    assert_eq!(
        (closed.status, closed.assignee),
        (TicketStatus::Closed, None)
    );
    assert!(matches!(
        f.store
            .update_ticket(Uuid::now_v7().into(), &TicketUpdate::default(), at)
            .await,
        Err(StoreError::NotFound)
    ));
}
