//! Command-line interface. Flags override the config file and `REFDESK_*` variables.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "refdesk",
    version,
    about = "Virtual reference chat for libraries and library co-ops"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by the commands that open the database or listen.
#[derive(Debug, Clone, Args)]
pub struct NodeArgs {
    /// TOML config file (options as in docs/OPERATIONS.md).
    #[arg(long, short = 'c', env = "REFDESK_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
    #[arg(long, global = true)]
    pub listen: Option<SocketAddr>,
    /// Folder for the SQLite database and local files.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://…
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a refdesk node.
    Serve(NodeArgs),
    /// Run refdesk with three demo libraries and a demo library website.
    Demo(NodeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(NodeArgs),
    /// Manage institutions, departments, widgets and staff accounts.
    Admin {
        #[command(flatten)]
        node: NodeArgs,
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Copy a SQLite installation (its database, and its files and outbox when they are in
    /// folders) into a new folder while it keeps running: a consistent snapshot, checked. For
    /// PostgreSQL, use pg_dump (docs/OPERATIONS.md, Backups).
    Backup {
        #[command(flatten)]
        node: NodeArgs,
        /// The folder to write the backup into (new, or empty).
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup made by `refdesk backup` into a fresh data folder (or the database file
    /// --database-url names, which must not exist yet), check it and bring its schema up to
    /// date.
    Restore {
        #[command(flatten)]
        node: NodeArgs,
        /// The folder `refdesk backup --to` wrote.
        #[arg(long)]
        from: PathBuf,
    },
    /// Copy everything from one database into another, empty one (e.g. from SQLite to
    /// PostgreSQL), then check the copy. Staff sessions are not copied: staff sign in again.
    MigrateData {
        /// The database to copy from, e.g. sqlite:/var/lib/refdesk/refdesk.db (stop refdesk
        /// first).
        #[arg(long)]
        from: String,
        /// The empty database to copy into, e.g. postgres://refdesk:secret@db/refdesk.
        #[arg(long)]
        to: String,
        /// How many guests, chats or messages to copy per transaction.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch: u32,
    },
    /// Load generator: patrons and operators over real WebSockets; prints figures.
    Bench(crate::bench::BenchArgs),
    /// FAQ search latency over many FAQs (default 100,000) in a fresh database; prints figures.
    BenchFaqs(crate::bench_faqs::BenchFaqsArgs),
    /// Report latency over many chats (default 1,000,000) in a fresh database; prints figures.
    BenchReports(crate::bench_reports::BenchReportsArgs),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an institution (library).
    CreateInstitution {
        #[arg(long)]
        name: String,
        /// Short unique name used in URLs, e.g. riverside.
        #[arg(long)]
        slug: String,
    },
    /// Create a department (queue) of an institution, with a chat box (widget) for it.
    CreateDepartment {
        #[arg(long)]
        institution: String,
        #[arg(long)]
        name: String,
        /// Origins allowed to embed the department's chat box (repeatable; none: any).
        #[arg(long = "allowed-origin")]
        allowed_origins: Vec<String>,
    },
    /// Create a staff account. The password is read from REFDESK_PASSWORD or generated and
    /// printed once.
    CreateOperator {
        #[arg(long)]
        institution: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// operator, institution_admin, coop_admin or system_admin.
        #[arg(long, default_value = "operator")]
        role: String,
    },
    /// Delete a department nothing refers to (no chat box, routing step or chat history).
    DeleteDepartment {
        #[arg(long)]
        institution: String,
        #[arg(long)]
        name: String,
    },
    /// List an institution's chat boxes with their departments and routing plans.
    ListWidgets {
        #[arg(long)]
        institution: String,
    },
    /// Set a chat box's routing plan: the steps after its department, in order.
    SetRouting {
        /// The chat box's id.
        #[arg(long)]
        widget: String,
        /// A step: department:NAME:SECONDS or coop:NAME:SECONDS (repeatable; none: stay in
        /// its department).
        #[arg(long = "step")]
        steps: Vec<String>,
    },
    /// Offer a chat box to patrons, or switch it off (its past chats are kept).
    SetWidgetEnabled {
        #[arg(long)]
        widget: String,
        #[arg(long, action = clap::ArgAction::Set)]
        enabled: bool,
    },
    /// Set an institution's time zone (its co-op hours are read in it).
    SetTimeZone {
        #[arg(long)]
        institution: String,
        /// An IANA name, e.g. America/Toronto.
        #[arg(long)]
        zone: String,
    },
    /// List an institution's staff accounts with their roles.
    ListStaff {
        #[arg(long)]
        institution: String,
    },
    /// Change a staff account's role.
    SetRole {
        #[arg(long)]
        email: String,
        /// operator, institution_admin, coop_admin or system_admin.
        #[arg(long)]
        role: String,
    },
    /// Create a co-op.
    CreateCoop {
        #[arg(long)]
        name: String,
    },
    /// List the co-ops with their members.
    ListCoops,
    /// Add an institution to a co-op (contracted around the clock until its hours are set).
    AddCoopMember {
        /// The co-op's id or exact name.
        #[arg(long)]
        coop: String,
        /// The institution's slug.
        #[arg(long)]
        institution: String,
    },
    /// Take an institution out of a co-op (refused while its chat boxes route chats there).
    RemoveCoopMember {
        #[arg(long)]
        coop: String,
        #[arg(long)]
        institution: String,
    },
    /// Set a member's contracted hours with a co-op, in the member's time zone.
    SetCoopHours {
        #[arg(long)]
        coop: String,
        #[arg(long)]
        institution: String,
        /// An opening such as "mon 09:00-17:00" (repeatable; none: around the clock).
        #[arg(long = "open")]
        openings: Vec<String>,
        /// A closed date, YYYY-MM-DD (repeatable).
        #[arg(long = "closed")]
        closed: Vec<String>,
    },
    /// Let a staff member monitor a co-op their library belongs to.
    GrantCoopMonitoring {
        #[arg(long)]
        coop: String,
        #[arg(long)]
        email: String,
    },
    /// Take that right away.
    RevokeCoopMonitoring {
        #[arg(long)]
        coop: String,
        #[arg(long)]
        email: String,
    },
}
