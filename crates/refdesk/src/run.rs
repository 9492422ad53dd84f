//! What each command does.

use crate::cli::{Cli, Command};
use crate::{admin, bench, config, migrate_data};
use anyhow::Context;
use refdesk_server::{AppState, Server, Settings, demo, router};
use std::time::Instant;

pub async fn main(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let settings = config::load(&args, Settings::default())?;
            init_tracing(&settings);
            serve(settings, Mode::Serve).await
        }
        Command::Demo(args) => {
            let defaults = Settings {
                data_dir: "./refdesk-demo".into(),
                ..Settings::default()
            };
            let settings = config::load(&args, defaults)?;
            init_tracing(&settings);
            serve(settings, Mode::Demo).await
        }
        Command::Migrate(args) => {
            let settings = config::load(&args, Settings::default())?;
            init_tracing(&settings);
            refdesk_server::store::open(&settings).await?;
            println!(
                "database is up to date: {}",
                refdesk_server::settings::redact_url(&settings.database_url())
            );
            Ok(())
        }
        Command::Admin { node, command } => {
            let settings = config::load(&node, Settings::default())?;
            init_tracing(&settings);
            let store = refdesk_server::store::open(&settings).await?;
            admin::run(&store, command).await
        }
        Command::Backup { node, to } => {
            let settings = config::load(&node, Settings::default())?;
            init_tracing(&settings);
            crate::backup::backup(&settings, &to).await
        }
        Command::Restore { node, from } => {
            let settings = config::load(&node, Settings::default())?;
            init_tracing(&settings);
            crate::backup::restore(&settings, &from).await
        }
        Command::MigrateData { from, to, batch } => {
            init_tracing(&Settings::default());
            migrate_data::run(&from, &to, batch).await
        }
        Command::Bench(args) => bench::run(args).await,
        Command::BenchFaqs(args) => crate::bench_faqs::run(args).await,
        Command::BenchReports(args) => crate::bench_reports::run(args).await,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Mode {
    Serve,
    Demo,
}

async fn serve(settings: Settings, mode: Mode) -> anyhow::Result<()> {
    let started = Instant::now();
    let _ = refdesk_server::state::metrics_handle();
    let store = refdesk_server::store::open(&settings)
        .await
        .context("opening the database")?;
    let accounts = if mode == Mode::Demo {
        Some(demo::seed(&store).await?)
    } else {
        None
    };
    let state = AppState::connect(settings.clone(), store)
        .await
        .map_err(anyhow::Error::msg)?;
    // Due timers (abandoned chats, expired sessions) fire from here, on every node.
    refdesk_server::timers::spawn(state.clone());
    // Outgoing mail (transcripts, ticket replies) leaves from here, on every node.
    state
        .mailer()
        .map_err(|e| anyhow::anyhow!("mail settings: {e}"))?;
    refdesk_server::mail::outbox::spawn(state.clone());
    let app = match mode {
        Mode::Serve => router::router(state),
        Mode::Demo => router::demo_router(state),
    };
    let server = Server::bind(settings.listen, app)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let url = format!("http://{}", server.addr);
    // The first line is stable: scripts and tests wait for it.
    println!("refdesk listening on {url}");
    tracing::info!(ready_ms = started.elapsed().as_secs_f64() * 1000.0, addr = %server.addr, "ready");
    if let Some(accounts) = accounts {
        print_demo(&url, &accounts);
    }
    server.serve(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

fn print_demo(url: &str, accounts: &[demo::DemoAccount]) {
    println!();
    println!("refdesk demo is ready. Open these in two browser windows:");
    println!("  Library websites (play the patron):     {url}/demo/");
    println!("  Staff dashboard (play the librarian):   {url}/dashboard/");
    println!();
    println!("Accounts (password for all: {}):", demo::DEMO_PASSWORD);
    for a in accounts {
        let role = a.role.map(|r| format!(" ({r})")).unwrap_or_default();
        println!("  {:<28} {:<18} {}{role}", a.email, a.name, a.library);
    }
    println!();
    println!(
        "The three libraries form the {}: every librarian may switch co-op monitoring on.",
        demo::COOP_NAME
    );
    println!();
    println!("Press Ctrl-C to stop.");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn init_tracing(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_format == "json" {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}
