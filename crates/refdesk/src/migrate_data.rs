//! `refdesk migrate-data --from URL --to URL`: copies a whole installation from one store to
//! another, empty one, typically when moving from SQLite to PostgreSQL to run several nodes.
//!
//! It goes through the `Store` trait only (directory, then guests, then each chat with its
//! messages, then the tables without verbs of their own: chat history, timers, and staff
//! conversations with their messages, page by page), so it works between any two backends.
//! Staff sessions are not copied. At the end it checks every stream's message count and
//! `last_seq` in the target against what it read from the source, and fails when one differs.

use anyhow::{Context, bail, ensure};
use refdesk_core::{Seq, StreamId};
use refdesk_server::Settings;
use refdesk_server::settings::redact_url;
use refdesk_store::{DynStore, Rows, Table};
use std::time::{Duration, Instant};

/// What was read of one stream (a chat or a staff conversation) in the source, to check the
/// target against.
struct Copied {
    id: StreamId,
    last_seq: Seq,
    messages: u64,
}

pub async fn run(from: &str, to: &str, batch: u32) -> anyhow::Result<()> {
    let source = open(from, "source").await?;
    let target = open(to, "target").await?;
    let (from, to) = (redact_url(from), redact_url(to));

    let directory = source.directory_snapshot().await?;
    ensure!(
        !directory.institutions.is_empty(),
        "the source {from} has no institutions: there is nothing to copy"
    );
    let existing = target.directory_snapshot().await?.institutions.len();
    if existing > 0 {
        bail!(
            "the target {to} already holds {existing} institution(s); migrate-data copies only \
             into an empty database (create a new one, or drop and recreate this one)"
        );
    }
    println!("copying {from} to {to}");
    target
        .restore_directory(&directory)
        .await
        .context("copying the directory")?;
    println!(
        "directory: {} institutions, {} co-ops, {} departments, {} widgets, {} staff accounts",
        directory.institutions.len(),
        directory.coops.len(),
        directory.departments.len(),
        directory.widgets.len(),
        directory.users.len()
    );
    // Each institution's policy and each member's contracted hours with its co-ops.
    for i in &directory.institutions {
        let policy = source.institution_policy(i.id).await?;
        target.set_institution_policy(i.id, &policy).await?;
    }
    for (coop, institution) in &directory.coop_members {
        let hours = source.coop_hours(*coop, *institution).await?;
        target.set_coop_hours(*coop, *institution, &hours).await?;
    }
    println!(
        "settings: {} institution policies, {} co-op memberships' hours",
        directory.institutions.len(),
        directory.coop_members.len()
    );

    let guests = copy_guests(&source, &target, batch).await?;
    let (mut streams, mut messages) = copy_chats(&source, &target, batch).await?;
    let chats = streams.len();
    let (conversations, staff_messages) = copy_tables(&source, &target, batch).await?;
    let conversation_count = conversations.len();
    streams.extend(conversations);
    messages += staff_messages;
    verify(&target, &streams, batch).await?;

    println!(
        "done: {} institutions, {} users, {guests} guests, {chats} chats, \
         {conversation_count} staff conversations, {messages} messages; every stream's message \
         count and last sequence number match",
        directory.institutions.len(),
        directory.users.len(),
    );
    println!("staff sessions were not copied: staff sign in again on the new database");
    Ok(())
}

/// Opens a store by URL, as `refdesk serve --database-url URL` would (bringing its schema up to
/// date). A SQLite source must exist: opening would otherwise create an empty one.
async fn open(url: &str, role: &str) -> anyhow::Result<DynStore> {
    ensure!(!url.is_empty(), "the {role} database URL is empty");
    if role == "source"
        && let Some(path) = refdesk_server::store::sqlite_file(url)
    {
        ensure!(
            path.exists(),
            "there is no SQLite database at {}",
            path.display()
        );
    }
    let settings = Settings {
        database_url: url.to_owned(),
        ..Settings::default()
    };
    refdesk_server::store::open(&settings)
        .await
        .with_context(|| format!("opening the {role} database {}", redact_url(url)))
}

/// Prints a progress line at most once a second, and always for the last one.
struct Progress {
    what: &'static str,
    last: Instant,
}

impl Progress {
    fn new(what: &'static str) -> Progress {
        Progress {
            what,
            last: Instant::now(),
        }
    }
    fn tick(&mut self, count: u64, extra: &str) {
        if self.last.elapsed() >= Duration::from_secs(1) {
            self.last = Instant::now();
            self.done(count, extra);
        }
    }
    fn done(&self, count: u64, extra: &str) {
        println!("{}: {count} copied{extra}", self.what);
    }
}

async fn copy_guests(source: &DynStore, target: &DynStore, batch: u32) -> anyhow::Result<u64> {
    let mut progress = Progress::new("guests");
    let (mut after, mut count) = (None, 0u64);
    loop {
        let page = source.guests_page(after, batch).await?;
        let Some((last, _)) = page.last() else { break };
        after = Some(last.id);
        target
            .restore_guests(&page)
            .await
            .context("copying guests")?;
        count += page.len() as u64;
        progress.tick(count, "");
    }
    progress.done(count, "");
    Ok(count)
}

async fn copy_chats(
    source: &DynStore,
    target: &DynStore,
    batch: u32,
) -> anyhow::Result<(Vec<Copied>, u64)> {
    let mut progress = Progress::new("chats");
    let mut copied: Vec<Copied> = Vec::new();
    let mut total = 0u64;
    loop {
        let page = source
            .chats_page(copied.last().and_then(|c| c.id.chat()), batch)
            .await?;
        if page.is_empty() {
            break;
        }
        for chat in page {
            target
                .restore_chat(&chat)
                .await
                .with_context(|| format!("copying chat {}", chat.id))?;
            let messages = copy_messages(source, target, chat.id.into(), batch).await?;
            total += messages;
            copied.push(Copied {
                id: chat.id.into(),
                last_seq: chat.last_seq,
                messages,
            });
        }
        progress.tick(copied.len() as u64, &format!(" ({total} messages)"));
    }
    progress.done(copied.len() as u64, &format!(" ({total} messages)"));
    Ok((copied, total))
}

/// Copies one stream's messages, page by page; returns how many.
async fn copy_messages(
    source: &DynStore,
    target: &DynStore,
    stream: StreamId,
    batch: u32,
) -> anyhow::Result<u64> {
    let (mut after, mut messages) = (Seq::ZERO, 0u64);
    loop {
        let page = source.messages_after(stream, after, batch).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        target
            .restore_messages(&page)
            .await
            .with_context(|| format!("copying the messages of {stream:?}"))?;
        messages += page.len() as u64;
    }
    Ok(messages)
}

/// Copies every table without a verb of its own (chat history, timers, staff conversations),
/// page by page, and each conversation's messages. Returns the conversations copied and their
/// message count.
async fn copy_tables(
    source: &DynStore,
    target: &DynStore,
    batch: u32,
) -> anyhow::Result<(Vec<Copied>, u64)> {
    let mut conversations = Vec::new();
    let mut total = 0u64;
    for table in Table::ALL {
        let mut offset = 0u64;
        loop {
            let rows = source.rows_page(table, offset, batch).await?;
            if rows.is_empty() {
                break;
            }
            offset += rows.len() as u64;
            target
                .restore_rows(&rows)
                .await
                .with_context(|| format!("copying {table:?} rows"))?;
            if let Rows::Conversations(page) = &rows {
                for c in page {
                    let messages = copy_messages(source, target, c.id.into(), batch).await?;
                    total += messages;
                    conversations.push(Copied {
                        id: c.id.into(),
                        last_seq: c.last_seq,
                        messages,
                    });
                }
            }
        }
        println!("{table:?}: {offset} rows copied");
    }
    Ok((conversations, total))
}

/// Reads every copied stream back from the target and compares it with the source.
async fn verify(target: &DynStore, streams: &[Copied], batch: u32) -> anyhow::Result<()> {
    let mut wrong = 0usize;
    for c in streams {
        let last_seq = match c.id {
            StreamId::Chat(id) => target.chat(id).await?.last_seq,
            StreamId::Conversation(id) => target.conversation(id).await?.last_seq,
        };
        let (mut after, mut messages) = (Seq::ZERO, 0u64);
        loop {
            let page = target.messages_after(c.id, after, batch).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            messages += page.len() as u64;
        }
        if (last_seq, messages) != (c.last_seq, c.messages) {
            wrong += 1;
            if wrong <= 10 {
                eprintln!(
                    "{:?}: source has {} messages up to seq {}, target {} up to seq {}",
                    c.id, c.messages, c.last_seq.0, messages, last_seq.0
                );
            }
        }
    }
    ensure!(
        wrong == 0,
        "verification failed: {wrong} of {} streams differ between source and target",
        streams.len()
    );
    Ok(())
}
