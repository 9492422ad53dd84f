//! The `refdesk` command: run a node (`serve`), try it out (`demo`), prepare the database
//! (`migrate`), manage accounts (`admin …`), move to another database (`migrate-data`) and
//! measure it (`bench`, `bench-faqs`).
#![forbid(unsafe_code)]

mod admin;
mod backup;
mod bench;
mod bench_common;
mod bench_faqs;
mod bench_reports;
mod cli;
mod config;
mod migrate_data;
mod run;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run::main(cli))
}
