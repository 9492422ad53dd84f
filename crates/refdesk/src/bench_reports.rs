//! `refdesk bench-reports`: how long reports take over many chats. Fills a fresh database (a
//! temporary SQLite file, or `--database-url`) with the demo's libraries and co-op and
//! `--chats` ended chats spread over `--days` (each with its typed history: started, claimed,
//! closed; or left while waiting; or closed unanswered; one in five answered chats offered to
//! the co-op and answered by another member; a third of the answered rated), through the
//! store's restore verbs (what `migrate-data` uses), then times each report `--runs` times, as
//! its endpoint computes it (the facts from the store, counted by core), and prints p50 and
//! max. `--reuse` times a database it filled before again.

use crate::bench_common::Rng;
use anyhow::{Context, ensure};
use refdesk_core::accounting::{Member, account};
use refdesk_core::report::ChatReport;
use refdesk_core::{
    Chat, ChatEvent, ChatHistoryEntry, ChatState, Guest, InstitutionId, Rating, Seq, UserId,
};
use refdesk_store::{DynStore, FactFilter, Rows, TokenHash};
use std::time::{Duration as StdDuration, Instant};
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, clap::Args)]
pub struct BenchReportsArgs {
    /// How many chats in all.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
    pub chats: u32,
    /// Over how many days before now they started.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=730))]
    pub days: u32,
    /// How many times to time each report.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,
    /// An empty database to fill (default: a temporary SQLite file), e.g.
    /// postgres://postgres@127.0.0.1:5432/refdesk_bench.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Time the reports again over a database this command filled before (`--database-url`),
    /// rather than filling an empty one.
    #[arg(long)]
    pub reuse: bool,
}

/// How many chats (and history rows) go to the store at once.
const BATCH: usize = 2_000;

pub async fn run(args: BenchReportsArgs) -> anyhow::Result<()> {
    // The fill is not what is measured: no fsync per restored chat.
    let (_dir, store, url) =
        crate::bench_common::open(args.database_url.as_deref(), "normal").await?;
    let now = refdesk_server::service::now();
    let filled = !store.directory_snapshot().await?.institutions.is_empty();
    if filled {
        ensure!(
            args.reuse,
            "{url} is not empty: bench-reports fills an empty database (or, with --reuse, \
             times one it filled before)"
        );
        println!("{url}: timing the chats stored before");
    } else {
        refdesk_server::demo::seed(&store).await?;
        let started = Instant::now();
        fill(&store, &args, now).await?;
        let fill_time = started.elapsed();
        println!(
            "{url}: {} chats over {} days stored in {:.1} s ({:.0} chats/s)",
            args.chats,
            args.days,
            fill_time.as_secs_f64(),
            f64::from(args.chats) / fill_time.as_secs_f64()
        );
    }
    measure(&store, &args, now).await
}

async fn fill(
    store: &DynStore,
    args: &BenchReportsArgs,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let dir = store.directory_snapshot().await?;
    let coop = dir.coops.first().context("the demo has a co-op")?.id;
    let staff_of = |i: InstitutionId| -> Vec<UserId> {
        dir.users
            .iter()
            .filter(|u| u.user.institution_id == i)
            .map(|u| u.user.id)
            .collect()
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // A thousand patrons per chat box.
    let mut guests = Vec::new();
    for w in &dir.widgets {
        let batch: Vec<(Guest, TokenHash)> = (0..1000)
            .map(|_| {
                let mut t = [0u8; 32];
                t.iter_mut().for_each(|b| *b = rng.next() as u8);
                let g = Guest {
                    id: refdesk_server::service::new_id(),
                    widget_id: w.id,
                    created_at: now - Duration::days(i64::from(args.days) + 1),
                };
                (g, TokenHash(t))
            })
            .collect();
        store.restore_guests(&batch).await?;
        guests.push(batch.into_iter().map(|(g, _)| g).collect::<Vec<_>>());
    }
    let span = i64::from(args.days) * 86_400;
    let mut chats = Vec::with_capacity(BATCH);
    let mut history = Vec::with_capacity(BATCH * 3);
    let mut ratings = Vec::new();
    for n in 0..args.chats as usize {
        let w = rng.below(dir.widgets.len());
        let widget = &dir.widgets[w];
        let guest = &guests[w][rng.below(1000)];
        let created = now - Duration::seconds(1 + (rng.next() % span as u64) as i64);
        let roll = rng.below(100);
        let mut chat = Chat {
            id: refdesk_server::service::new_id(),
            institution_id: widget.institution_id,
            department_id: widget.department_id,
            widget_id: widget.id,
            guest_id: guest.id,
            state: ChatState::Closed,
            patron_name: None,
            patron_email: None,
            question: None,
            referrer: None,
            user_agent: None,
            patron_ip: None,
            created_at: created,
            claimed_at: None,
            ended_at: None,
            last_seq: Seq(0),
            last_patron_seq: Seq(0),
            version: 1,
            answered_by: None,
            step: 0,
            coop_id: None,
            companions: vec![],
        };
        let entry =
            |version: u64, at: OffsetDateTime, event: ChatEvent, c: &Chat| ChatHistoryEntry {
                chat_id: c.id,
                version,
                at,
                event,
                institution_id: c.institution_id,
                department_id: c.department_id,
            };
        history.push(entry(1, created, ChatEvent::Started, &chat));
        if roll < 75 {
            // Answered: by its own library, or (one in five) at the co-op by another's.
            let via_coop = rng.below(5) == 0;
            let libraries: Vec<InstitutionId> = if via_coop {
                dir.coop_members
                    .iter()
                    .map(|(_, i)| *i)
                    .filter(|i| *i != chat.institution_id)
                    .collect()
            } else {
                vec![chat.institution_id]
            };
            let staff = staff_of(libraries[rng.below(libraries.len())]);
            let operator = staff[rng.below(staff.len())];
            let claimed = created + Duration::seconds(5 + rng.below(300) as i64);
            let ended = claimed + Duration::seconds(60 + rng.below(1200) as i64);
            if via_coop {
                chat.step = 1;
                chat.coop_id = Some(coop);
            }
            chat.claimed_at = Some(claimed);
            chat.ended_at = Some(ended);
            chat.answered_by = Some(operator);
            chat.version = 3;
            history.push(entry(2, claimed, ChatEvent::Claimed { operator }, &chat));
            history.push(entry(
                3,
                ended,
                ChatEvent::ClosedByStaff { operator },
                &chat,
            ));
            if rng.below(3) == 0 {
                ratings.push(Rating::new(&chat, 1 + rng.below(5) as u8, None, ended)?);
            }
        } else {
            let ended = created + Duration::seconds(30 + rng.below(600) as i64);
            chat.ended_at = Some(ended);
            chat.version = 2;
            let event = if roll < 90 {
                chat.state = ChatState::Abandoned;
                ChatEvent::Abandoned
            } else {
                ChatEvent::ClosedBySystem
            };
            history.push(entry(2, ended, event, &chat));
        }
        chats.push(chat);
        if chats.len() >= BATCH || n + 1 == args.chats as usize {
            // At once, so that the store writes many in one transaction.
            futures::future::try_join_all(chats.iter().map(|c| store.restore_chat(c))).await?;
            chats.clear();
            store
                .restore_rows(&Rows::ChatHistory(std::mem::take(&mut history)))
                .await?;
            store
                .restore_rows(&Rows::ChatRatings(std::mem::take(&mut ratings)))
                .await?;
        }
    }
    Ok(())
}

/// Times `report` `runs` times; prints its p50 and max.
async fn time<F, Fut>(name: &str, runs: u32, mut report: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut took: Vec<StdDuration> = Vec::new();
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        rows = report().await?;
        took.push(t.elapsed());
    }
    took.sort();
    let ms = |d: StdDuration| d.as_secs_f64() * 1000.0;
    println!(
        "  {name:<56} {rows:>8} chats   p50 {:>8.1} ms   max {:>8.1} ms",
        ms(took[took.len() / 2]),
        ms(*took.last().expect("at least one run"))
    );
    Ok(())
}

async fn measure(
    store: &DynStore,
    args: &BenchReportsArgs,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let dir = store.directory_snapshot().await?;
    let riverside = dir.institutions[0].id;
    let coop = dir.coops[0].id;
    let zone = store.institution_policy(riverside).await?.time_zone;
    println!(
        "reports ({} runs each), as their endpoints compute them:",
        args.runs
    );
    for days in [30i64, 365] {
        let from = now - Duration::days(days);
        // Its patrons' chats and those its librarians answered, as its report reads them.
        let theirs = FactFilter {
            from: Some(from),
            to: Some(now),
            institutions: vec![riverside],
            answered_by: vec![riverside],
            coops: vec![],
        };
        time(
            &format!("{} chat report, last {days} days", dir.institutions[0].name),
            args.runs,
            || async {
                let facts = store.chat_facts(&theirs).await?;
                let own: Vec<_> = facts
                    .into_iter()
                    .filter(|f| f.institution_id == riverside)
                    .collect();
                ChatReport::build(&own, &zone, |f| {
                    f.answered_by.map(|u| uuid::Uuid::from(u).to_string())
                })?;
                Ok(own.len())
            },
        )
        .await?;
        time(
            &format!("  of which reading the facts, last {days} days"),
            args.runs,
            || async {
                let facts = store.chat_facts(&theirs).await?;
                Ok(facts.len())
            },
        )
        .await?;
        time(
            &format!("co-op accounting, last {days} days"),
            args.runs,
            || async {
                let facts = store
                    .chat_facts(&FactFilter {
                        from: Some(from),
                        to: Some(now),
                        coops: vec![coop],
                        ..FactFilter::default()
                    })
                    .await?;
                let members: Vec<Member> = dir
                    .coop_members
                    .iter()
                    .map(|(_, i)| Member {
                        institution_id: *i,
                        zone: zone.clone(),
                        hours: refdesk_core::CoopHours::default(),
                        owed_per_week: 0,
                    })
                    .collect();
                account(
                    coop,
                    &members,
                    &facts,
                    &[],
                    |_| None,
                    |_| None,
                    (from, now, now),
                    &zone,
                )?;
                Ok(facts.len())
            },
        )
        .await?;
    }
    Ok(())
}
