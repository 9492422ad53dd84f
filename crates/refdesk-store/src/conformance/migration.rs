//! Moving everything from one store to another (`refdesk migrate-data`): what one backend dumps,
//! an empty store of the same backend restores exactly, and then carries on from. The binary
//! copies between backends with the same verbs, so a backend that passes this and reads back what
//! it was given moves its data to any other.

use super::fixture::{Fixture, name, now, token};
use crate::{Directory, DynStore, Rows, Table, TokenHash};
use refdesk_core::*;
use uuid::Uuid;

/// A small page size, so that every loop below turns more than one page.
const PAGE: u32 = 2;

/// A waiting chat of a fresh guest whose token is known, with its question as seq 1.
async fn chat_of_new_guest(f: &Fixture, tokens: &mut Vec<(Guest, TokenHash)>) -> (Chat, Guest) {
    let guest = Guest {
        id: Uuid::now_v7().into(),
        widget_id: f.widget.id,
        created_at: now(),
    };
    let tok = token("migrating guest");
    f.store.create_guest(&guest, &tok).await.unwrap();
    tokens.push((guest.clone(), tok));
    let new = f.new_chat(&guest);
    let q = f.patron_message(&new.id, &guest, Some("q"), "Where are the 1911 maps?");
    (f.store.start_chat(&new, Some(q)).await.unwrap(), guest)
}

async fn apply(f: &Fixture, chat: &Chat, command: ChatCommand, note: &str) -> Chat {
    let current = f.store.chat(chat.id).await.unwrap();
    let d = current.decide(now(), command).unwrap();
    let note = f.system_note(&chat.id, note);
    f.store.apply_decision(&d, Some(note)).await.unwrap().0
}

/// Every row of `table` in `store`, page by page.
async fn all_rows(store: &DynStore, table: Table) -> Rows {
    let mut out = store.rows_page(table, 0, PAGE).await.unwrap();
    loop {
        let page = store
            .rows_page(table, out.len() as u64, PAGE)
            .await
            .unwrap();
        if page.is_empty() {
            return out;
        }
        match (&mut out, page) {
            (Rows::ChatHistory(a), Rows::ChatHistory(b)) => a.extend(b),
            (Rows::Timers(a), Rows::Timers(b)) => a.extend(b),
            (Rows::Conversations(a), Rows::Conversations(b)) => a.extend(b),
            (Rows::ChatTags(a), Rows::ChatTags(b)) => a.extend(b),
            (Rows::Transfers(a), Rows::Transfers(b)) => a.extend(b),
            (Rows::CannedMessages(a), Rows::CannedMessages(b)) => a.extend(b),
            (Rows::ChatRatings(a), Rows::ChatRatings(b)) => a.extend(b),
            (Rows::Faqs(a), Rows::Faqs(b)) => a.extend(b),
            (Rows::Mails(a), Rows::Mails(b)) => a.extend(b),
            (Rows::MailTemplates(a), Rows::MailTemplates(b)) => a.extend(b),
            (Rows::Tickets(a), Rows::Tickets(b)) => a.extend(b),
            (Rows::TicketEntries(a), Rows::TicketEntries(b)) => a.extend(b),
            (Rows::Attachments(a), Rows::Attachments(b)) => a.extend(b),
            (Rows::MonitoringSessions(a), Rows::MonitoringSessions(b)) => a.extend(b),
            (Rows::AuditLog(a), Rows::AuditLog(b)) => a.extend(b),
            _ => panic!("a page of another table"),
        }
    }
}

/// Every guest of `store`, page by page.
async fn all_guests(store: &DynStore) -> Vec<(Guest, TokenHash)> {
    let mut out: Vec<(Guest, TokenHash)> = Vec::new();
    loop {
        let after = out.last().map(|(g, _)| g.id);
        let page = store.guests_page(after, PAGE).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// Every chat of `store`, page by page.
async fn all_chats(store: &DynStore) -> Vec<Chat> {
    let mut out: Vec<Chat> = Vec::new();
    loop {
        let page = store
            .chats_page(out.last().map(|c| c.id), PAGE)
            .await
            .unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

async fn all_messages(store: &DynStore, stream: impl Into<StreamId>) -> Vec<Message> {
    store
        .messages_after(stream.into(), Seq::ZERO, 1000)
        .await
        .unwrap()
}

/// Copies a stream's messages page by page.
async fn copy_messages(source: &DynStore, target: &DynStore, stream: StreamId) {
    let mut after = Seq::ZERO;
    loop {
        let page = source.messages_after(stream, after, PAGE).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        target.restore_messages(&page).await.unwrap();
    }
}

pub async fn a_dump_restores_exactly_into_an_empty_store(source: DynStore, target: DynStore) {
    // The world: chats waiting, active (with a conversation and an internal note), closed (with
    // a note after the end) and abandoned, and a guest who never started one.
    let f = Fixture::new(source.clone()).await;
    let mut tokens = Vec::new();
    let (_waiting, _) = chat_of_new_guest(&f, &mut tokens).await;
    let (active, patron) = chat_of_new_guest(&f, &mut tokens).await;
    let claim = ChatCommand::Claim {
        operator: f.alice.id,
    };
    apply(&f, &active, claim, "Alice joined the chat.").await;
    // A tag travels with its chat.
    let tag = ChatTag {
        chat_id: active.id,
        tag: Tag::parse("local history").unwrap(),
        added_by: f.alice.id,
        added_at: now(),
    };
    assert!(f.store.add_tag(&tag).await.unwrap());
    for m in [
        f.patron_message(&active.id, &patron, Some("p1"), "Hello?"),
        f.staff_message(
            &active.id,
            &f.alice,
            MessageKind::Operator,
            Some("o1"),
            "Hi!",
        ),
        f.staff_message(
            &active.id,
            &f.bob,
            MessageKind::InternalNote,
            None,
            "Regular; likes maps.",
        ),
    ] {
        f.store.append_message(m).await.unwrap();
    }
    // So does a pending transfer, with its note.
    let held = f.store.chat(active.id).await.unwrap();
    let transfer = Transfer::offer(
        uuid::Uuid::now_v7().into(),
        &held,
        f.alice.id,
        TransferTarget::Operator(f.bob.id),
        Some("Maps question".into()),
        None,
        now(),
        time::Duration::seconds(60),
    )
    .unwrap();
    f.store
        .offer_transfer(&crate::TransferOffer {
            transfer,
            chat_version: held.version,
            note: f.staff_message(
                &active.id,
                &f.alice,
                MessageKind::InternalNote,
                None,
                "offered",
            ),
            timers: vec![],
        })
        .await
        .unwrap();
    let (closed, _) = chat_of_new_guest(&f, &mut tokens).await;
    let claim = ChatCommand::Claim { operator: f.bob.id };
    apply(&f, &closed, claim, "Bob joined the chat.").await;
    let close = ChatCommand::Close {
        by: Sender::Staff(f.bob.id),
    };
    apply(&f, &closed, close, "Bob closed the chat.").await;
    let note = f.staff_message(&closed.id, &f.bob, MessageKind::InternalNote, None, "done");
    f.store.append_message(note).await.unwrap();
    // Its patron rated it.
    let ended = f.store.chat(closed.id).await.unwrap();
    let rating = Rating::new(&ended, 5, Some("Thank you!"), now()).unwrap();
    f.store.rate_chat(&rating).await.unwrap();
    let (abandoned, leaver) = chat_of_new_guest(&f, &mut tokens).await;
    let leave = ChatCommand::Close {
        by: Sender::Patron(leaver.id),
    };
    apply(&f, &abandoned, leave, "The patron left.").await;
    let lone = Guest {
        id: Uuid::now_v7().into(),
        widget_id: f.widget.id,
        created_at: now(),
    };
    let lone_token = token("lone");
    f.store.create_guest(&lone, &lone_token).await.unwrap();
    tokens.push((lone, lone_token));
    // A timer due later, and a grant.
    let waiting = f.store.chat(_waiting.id).await.unwrap();
    let away = waiting.patron_left(now(), &Timing::default()).unwrap();
    f.store.set_timers(&[away]).await.unwrap();
    let monitor = Grant::MonitorDepartment(f.department.id);
    f.store.add_grant(f.bob.id, monitor).await.unwrap();
    // A staff conversation with three messages.
    let conversation = Conversation::direct(Uuid::now_v7().into(), f.alice.id, f.bob.id, now());
    let conversation = f
        .store
        .open_direct_conversation(&conversation.unwrap())
        .await
        .unwrap();
    for (i, who) in [&f.alice, &f.bob, &f.alice].into_iter().enumerate() {
        let m = NewMessage {
            id: Uuid::now_v7().into(),
            stream: conversation.id.into(),
            kind: MessageKind::Staff,
            sender: Sender::Staff(who.id),
            body: super::fixture::body("about the maps"),
            client_msg_id: Some(ClientMsgId::parse(&format!("s{i}")).unwrap()),
            created_at: now(),
        };
        f.store.append_message(m).await.unwrap();
    }

    // A room someone made travels with its members, and an institution's room too.
    let made = Conversation::room(
        Uuid::now_v7().into(),
        "Maps",
        f.alice.id,
        &[f.bob.id],
        now(),
    )
    .unwrap();
    f.store.create_room(&made).await.unwrap();
    let scoped = Conversation::scoped_room(
        Uuid::now_v7().into(),
        ConversationKind::Institution {
            institution: f.institution.id,
        },
        now(),
    );
    f.store.open_scoped_room(&scoped).await.unwrap();

    // A canned message travels too.
    let canned = CannedMessage::new(
        Uuid::now_v7().into(),
        CannedScope::Institution(f.institution.id),
        "Greeting",
        "Hi {patron}!",
        now(),
    )
    .unwrap();
    f.store.put_canned(&canned).await.unwrap();
    // So does an FAQ, with its search index (searched below in the copy).
    let faq = Faq::new(
        Uuid::now_v7().into(),
        f.institution.id,
        FaqVisibility::Public,
        &FaqDraft {
            question: "How do I renew a book?".into(),
            answer: "Sign in to **My account**.".into(),
            topics: vec!["renewals".into()],
            group: String::new(),
        },
        "Sign in to My account.".into(),
        now(),
    )
    .unwrap();
    f.store.put_faqs(std::slice::from_ref(&faq)).await.unwrap();
    // A ticket with its entries, a mail in the outbox and a template.
    let (ticket, entries) = super::mail::ticket_of(&f, Some(closed.id));
    f.store.create_ticket(&ticket, &entries).await.unwrap();
    let mail = super::mail::mail_to(&f, "patron@example.org");
    f.store.queue_mail(&mail).await.unwrap();
    let file = super::mail::attachment_in(closed.id);
    f.store.put_attachment(&file).await.unwrap();
    let template = MailTemplate {
        subject: "Your chat with {{ library }}".into(),
        text: "{{ transcript }}".into(),
        html: "<p>{{ library }}</p>".into(),
    };
    f.store
        .set_mail_template(f.institution.id, MailKind::Transcript, Some(&template))
        .await
        .unwrap();
    // Monitoring history: a stretch ended and one going on (the live rows are not dumped).
    let queue = MonitorScope::Department(f.department.id);
    let t = now();
    f.store
        .set_monitoring(f.alice.id, queue, true, t)
        .await
        .unwrap();
    let later = t + time::Duration::minutes(5);
    f.store
        .set_monitoring(f.alice.id, queue, false, later)
        .await
        .unwrap();
    f.store
        .set_monitoring(f.bob.id, queue, true, later)
        .await
        .unwrap();

    // Who read what.
    let audit = AuditRecord::new(
        f.institution.id,
        f.bob.id,
        AuditAction::TranscriptViewed,
        Some(closed.id),
        "",
        now(),
    );
    f.store.record_audit(&audit).await.unwrap();

    // The dump, as `refdesk migrate-data` does it. Nothing can make a co-op yet, so one is added
    // to the dumped directory to see that co-ops travel too.
    let mut directory = source.directory_snapshot().await.unwrap();
    let mut users = vec![f.alice.clone(), f.bob.clone()];
    users.sort_by_key(|u| u.id);
    let expected = Directory {
        institutions: vec![f.institution.clone()],
        coops: vec![],
        coop_members: vec![],
        departments: vec![f.department.clone()],
        widgets: vec![f.widget.clone()],
        users: users
            .into_iter()
            .map(|user| crate::UserRecord {
                user,
                password_hash: "$argon2id$fake".into(),
            })
            .collect(),
        grants: vec![(f.bob.id, monitor)],
    };
    assert_eq!(directory, expected);
    let coop = Coop {
        id: Uuid::now_v7().into(),
        name: name("River Valley Libraries"),
    };
    directory.coop_members.push((coop.id, f.institution.id));
    directory.coops.push(coop);
    target.restore_directory(&directory).await.unwrap();
    let guests = all_guests(&source).await;
    assert_eq!(guests.len(), tokens.len());
    assert!(guests.windows(2).all(|w| w[0].0.id < w[1].0.id), "by id");
    for page in guests.chunks(PAGE as usize) {
        target.restore_guests(page).await.unwrap();
    }
    let chats = all_chats(&source).await;
    assert_eq!(chats.len(), 4);
    assert!(chats.windows(2).all(|w| w[0].id < w[1].id), "by id");
    for chat in &chats {
        target.restore_chat(chat).await.unwrap();
        copy_messages(&source, &target, chat.id.into()).await;
    }

    for table in Table::ALL {
        let rows = all_rows(&source, table).await;
        target.restore_rows(&rows).await.unwrap();
        if let Rows::Conversations(conversations) = &rows {
            for c in conversations {
                copy_messages(&source, &target, c.id.into()).await;
            }
        }
    }

    // Everything reads back the same from the target.
    assert_eq!(target.directory_snapshot().await.unwrap(), directory);
    assert_eq!(all_guests(&target).await, guests);
    for (guest, tok) in &tokens {
        assert_eq!(&target.guest_by_token(tok).await.unwrap(), guest);
    }
    assert_eq!(all_chats(&target).await, chats);
    for chat in &chats {
        assert_eq!(&target.chat(chat.id).await.unwrap(), chat);
        let messages = all_messages(&target, chat.id).await;
        assert_eq!(messages, all_messages(&source, chat.id).await);
        assert_eq!(messages.last().map(|m| m.seq), Some(chat.last_seq));
    }
    for table in Table::ALL {
        let rows = all_rows(&target, table).await;
        assert_eq!(rows, all_rows(&source, table).await);
        assert!(!rows.is_empty(), "{table:?} travels");
    }
    let found = target
        .search_faqs(f.institution.id, None, &["renewing".into()], 5)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "the copy's FAQs are searchable");
    assert_eq!(found[0].faq, faq);
    let day = time::Duration::days(1);
    let words = target
        .search_transcripts(
            f.institution.id,
            now() - day,
            now() + day,
            &["done".into()],
            5,
        )
        .await
        .unwrap();
    assert_eq!(
        words,
        vec![closed.id],
        "the copy's transcripts are searchable"
    );
    target.record_audit(&audit).await.unwrap();
    let log = target
        .audit_entries(f.institution.id, None, 5)
        .await
        .unwrap();
    assert_eq!(
        log.len(),
        2,
        "the copy's log goes on after the copied entries"
    );
    assert!(log[0].id > log[1].id);
    let staff = all_messages(&target, conversation.id).await;
    assert_eq!(staff, all_messages(&source, conversation.id).await);
    assert_eq!(staff.len(), 3);
    assert_eq!(
        target.conversation(conversation.id).await.unwrap().last_seq,
        Seq(3)
    );
    let kinds: Vec<_> = all_messages(&target, active.id)
        .await
        .iter()
        .map(|m| m.kind)
        .collect();
    assert!(kinds.contains(&MessageKind::InternalNote), "{kinds:?}");
    let alice = target.user_by_email(&f.alice.email).await.unwrap();
    assert_eq!(alice.user, f.alice);
    assert_eq!(alice.password_hash, "$argon2id$fake");
    assert_eq!(
        target.open_chat_of_guest(patron.id).await.unwrap(),
        Some(target.chat(active.id).await.unwrap())
    );

    // The target carries on from the restored sequence heads and client ids.
    let active = target.chat(active.id).await.unwrap();
    let next = f.patron_message(&active.id, &patron, Some("p2"), "Still there?");
    let appended = target.append_message(next).await.unwrap();
    assert_eq!(appended.message.seq, active.last_seq.next());
    let retry = f.patron_message(&active.id, &patron, Some("p1"), "Hello?");
    let again = target.append_message(retry).await.unwrap();
    assert!(again.duplicate, "the restored client id is recognised");
    assert_eq!(again.message.seq, Seq(3));
    let closed = target.chat(closed.id).await.unwrap();
    let late = f.staff_message(&closed.id, &f.alice, MessageKind::InternalNote, None, "x");
    let appended = target.append_message(late).await.unwrap();
    assert_eq!(appended.message.seq, closed.last_seq.next());
    let in_conversation = NewMessage {
        id: Uuid::now_v7().into(),
        stream: conversation.id.into(),
        kind: MessageKind::Staff,
        sender: Sender::Staff(f.bob.id),
        body: super::fixture::body("thanks"),
        client_msg_id: Some(ClientMsgId::parse("s9").unwrap()),
        created_at: now(),
    };
    let appended = target.append_message(in_conversation).await.unwrap();
    assert_eq!(appended.message.seq, Seq(4));
}
