//! `refdesk bench-faqs`: FAQ search latency over many FAQs, at the store (what every FAQ
//! endpoint calls). Fills a fresh database (a temporary SQLite file, or `--database-url`) with
//! `--institutions` libraries sharing `--faqs` synthetic FAQs (one in ten a real library FAQ,
//! the rest questions and answers of everyday library words drawn with Zipf-like frequencies,
//! each answer padded with 30–60 rarer words, so term frequencies look like a real
//! collection), then runs `--queries` searches, one at a time, of real patron questions and
//! random words, each in one library, and prints the latency percentiles.

use crate::bench_common::Rng;
use anyhow::ensure;
use hdrhistogram::Histogram;
use refdesk_core::faq::search_terms;
use refdesk_core::{DisplayName, Faq, FaqDraft, FaqVisibility, Institution, InstitutionId};
use std::time::Instant;

mod data;
use data::{QUERIES, TOPICS, VOCABULARY};

#[derive(Debug, Clone, clap::Args)]
pub struct BenchFaqsArgs {
    /// How many FAQs in all.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub faqs: u32,
    /// How many libraries share them (each search is in one).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub institutions: u32,
    /// How many searches to time.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub queries: u32,
    /// An empty database to fill (default: a temporary SQLite file), e.g.
    /// postgres://postgres@127.0.0.1:5432/refdesk_bench.
    #[arg(long)]
    pub database_url: Option<String>,
}

impl Rng {
    /// An everyday word, the common ones more often.
    fn word(&mut self) -> &'static str {
        let u = self.unit();
        VOCABULARY[((VOCABULARY.len() as f64) * u * u) as usize]
    }
    /// A word of the long tail: a few common, most rare (about Zipf-like), spelled in
    /// syllables so that its prefixes are shared as in a real vocabulary ("bace", "bacedi").
    fn tail_word(&mut self) -> String {
        const SYLLABLES: [&str; 20] = [
            "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "ri", "so",
            "tu", "vy", "wa", "xe", "yo", "zu",
        ];
        let u = self.unit();
        let mut n = (20_000.0 * u * u * u) as usize;
        let mut word = String::new();
        for _ in 0..3 {
            word.push_str(SYLLABLES[n % 20]);
            n /= 20;
        }
        while n > 0 {
            word.push_str(SYLLABLES[n % 20]);
            n /= 20;
        }
        word
    }
}

/// One FAQ: one in ten is a real FAQ (with two rare words of its own); the rest ask about
/// everyday library words and answer with them and the long tail.
fn faq(rng: &mut Rng, institution: InstitutionId, n: u32) -> Faq {
    let (question, mut answer) = if n.is_multiple_of(10) {
        let (q, a) = TOPICS[rng.below(TOPICS.len())];
        (
            format!("{q} ({} {})", rng.tail_word(), rng.tail_word()),
            a.to_owned(),
        )
    } else {
        let mut q = String::from("How do I");
        for _ in 0..(3 + rng.below(4)) {
            q.push(' ');
            q.push_str(rng.word());
        }
        q.push('?');
        let mut a = String::new();
        for _ in 0..(10 + rng.below(10)) {
            a.push_str(rng.word());
            a.push(' ');
        }
        (q, a)
    };
    for _ in 0..(30 + rng.below(30)) {
        answer.push(' ');
        answer.push_str(&rng.tail_word());
    }
    let visibility = if n.is_multiple_of(4) {
        FaqVisibility::Internal
    } else {
        FaqVisibility::Public
    };
    let draft = FaqDraft {
        question,
        answer: answer.clone(),
        topics: vec![rng.tail_word()],
        group: String::new(),
    };
    Faq::new(
        uuid::Uuid::now_v7().into(),
        institution,
        visibility,
        &draft,
        answer,
        refdesk_server::service::now(),
    )
    .expect("generated FAQs are valid")
}

pub async fn run(args: BenchFaqsArgs) -> anyhow::Result<()> {
    let (_dir, store, url) =
        crate::bench_common::open(args.database_url.as_deref(), "full").await?;
    ensure!(
        store.directory_snapshot().await?.institutions.is_empty(),
        "{url} is not empty: bench-faqs fills an empty database"
    );
    let mut institutions = Vec::new();
    for i in 0..args.institutions {
        let inst = Institution {
            id: uuid::Uuid::now_v7().into(),
            name: DisplayName::parse(&format!("Bench library {i}"))?,
            slug: format!("bench-{i}"),
        };
        store.create_institution(&inst).await?;
        institutions.push(inst.id);
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(1000);
    for n in 0..args.faqs {
        // Every tenth FAQ is a real one: those go round the libraries by their own count, so
        // each library has its share of them (by `n` alone, with ten libraries, all would be
        // the first's).
        let library = if n.is_multiple_of(10) { n / 10 } else { n };
        batch.push(faq(
            &mut rng,
            institutions[library as usize % institutions.len()],
            n,
        ));
        if batch.len() == 1000 || n + 1 == args.faqs {
            store.put_faqs(&batch).await?;
            batch.clear();
        }
    }
    let load = started.elapsed();
    println!(
        "{url}: {} FAQs in {} libraries stored in {:.1} s ({:.0} FAQs/s)",
        args.faqs,
        args.institutions,
        load.as_secs_f64(),
        f64::from(args.faqs) / load.as_secs_f64()
    );
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut hits = 0usize;
    for q in 0..args.queries {
        let words = if q % 2 == 0 {
            QUERIES[rng.below(QUERIES.len())].to_owned()
        } else {
            format!("{} {}", rng.tail_word(), QUERIES[rng.below(QUERIES.len())])
        };
        let terms = search_terms(&words);
        let institution = institutions[rng.below(institutions.len())];
        let visibility = [
            None,
            Some(FaqVisibility::Public),
            Some(FaqVisibility::Internal),
        ][rng.below(3)];
        let t = Instant::now();
        let found = store
            .search_faqs(institution, visibility, &terms, 10)
            .await?;
        hist.record(
            u64::try_from(t.elapsed().as_micros())
                .unwrap_or(u64::MAX)
                .max(1),
        )?;
        hits += found.len();
    }
    let ms = |p: f64| hist.value_at_quantile(p) as f64 / 1000.0;
    println!(
        "{} searches (10 results each, {:.1} found on average): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        args.queries,
        hits as f64 / f64::from(args.queries),
        ms(0.5),
        ms(0.9),
        ms(0.99),
        hist.max() as f64 / 1000.0
    );
    Ok(())
}
