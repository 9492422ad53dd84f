//! `refdesk backup` and `refdesk restore`: a SQLite installation copied while it runs, and put
//! back into a fresh data folder. A backup folder holds `refdesk.db` (a consistent snapshot,
//! see `refdesk_store_sqlite::backup::snapshot`), and `attachments/` and `outbox/` when those
//! are folders. Files are kept by their content's hash and written before the record that
//! names them, so copying them after the snapshot holds every file it refers to.

use anyhow::{Context, bail, ensure};
use refdesk_server::Settings;
use refdesk_store_sqlite::backup::{integrity_check, snapshot};
use std::path::{Path, PathBuf};

const DATABASE: &str = "refdesk.db";
const ATTACHMENTS: &str = "attachments";
const OUTBOX: &str = "outbox";

/// The SQLite database file `settings` name, or why there is none.
fn sqlite_file(settings: &Settings) -> anyhow::Result<PathBuf> {
    let url = settings.database_url();
    let Some(path) = refdesk_server::store::sqlite_file(&url) else {
        bail!(
            "{} is not a SQLite database: back PostgreSQL up with pg_dump and restore it with \
             pg_restore (docs/OPERATIONS.md, Backups)",
            refdesk_server::settings::redact_url(&url)
        );
    };
    Ok(path)
}

/// The folder files sent in chats are kept in, unless they are in a bucket.
fn attachments_folder(settings: &Settings) -> Option<PathBuf> {
    if !settings.attachments_s3_bucket.is_empty() {
        return None;
    }
    Some(if settings.attachments_dir.as_os_str().is_empty() {
        settings.data_dir.join(ATTACHMENTS)
    } else {
        settings.attachments_dir.clone()
    })
}

/// Copies the files under `from` into `to` (made if missing), keeping the layout and leaving
/// files already there alone; returns how many it copied. Half-written files of the object
/// store (`#` in their names) are not files yet and are skipped.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<u64> {
    if !from.exists() {
        return Ok(0);
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut copied = 0;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let target = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copied += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() && !name.to_string_lossy().contains('#') && !target.exists() {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
            copied += 1;
        }
    }
    Ok(copied)
}

#[cfg(unix)]
fn owner_only(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("making {} private", path.display()))
}

#[cfg(not(unix))]
fn owner_only(_: &Path, _: u32) -> anyhow::Result<()> {
    Ok(())
}

fn empty_or_missing(dir: &Path) -> anyhow::Result<bool> {
    Ok(!dir.exists() || std::fs::read_dir(dir)?.next().is_none())
}

pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<()> {
    let db = sqlite_file(settings)?;
    ensure!(db.exists(), "there is no database at {}", db.display());
    ensure!(
        empty_or_missing(to)?,
        "{} is not empty: a backup goes into a new folder",
        to.display()
    );
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    // A backup holds patrons' conversations: the owner's alone, as the data folder is.
    owner_only(to, 0o700)?;
    let copy = to.join(DATABASE);
    snapshot(&format!("sqlite:{}", db.display()), &copy)
        .await
        .context("copying the database")?;
    owner_only(&copy, 0o600)?;
    let check = integrity_check(&format!("sqlite:{}", copy.display())).await?;
    ensure!(
        check == "ok",
        "the copy failed its integrity check: {check}"
    );
    let bytes = std::fs::metadata(&copy)?.len();
    println!("database: {} ({bytes} bytes, integrity ok)", copy.display());
    match attachments_folder(settings) {
        Some(dir) => {
            let n = copy_tree(&dir, &to.join(ATTACHMENTS))?;
            println!("files: {n} copied from {}", dir.display());
        }
        None => println!(
            "files: kept in the bucket {}, not copied (keep the bucket's own versioning or \
             replication)",
            settings.attachments_s3_bucket
        ),
    }
    let n = copy_tree(&settings.data_dir.join(OUTBOX), &to.join(OUTBOX))?;
    println!("outbox: {n} mails copied");
    println!("backup written to {}", to.display());
    Ok(())
}

pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<()> {
    let source = from.join(DATABASE);
    ensure!(
        source.is_file(),
        "{} holds no {DATABASE}: is it a folder `refdesk backup` wrote?",
        from.display()
    );
    let check = integrity_check(&format!("sqlite:{}", source.display())).await?;
    ensure!(
        check == "ok",
        "the backup failed its integrity check: {check}"
    );
    let db = sqlite_file(settings)?;
    ensure!(
        !db.exists(),
        "{} already exists: restore only into a fresh data folder",
        db.display()
    );
    if let Some(parent) = db.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::copy(&source, &db).with_context(|| format!("copying to {}", db.display()))?;
    if let Some(dir) = attachments_folder(settings) {
        let n = copy_tree(&from.join(ATTACHMENTS), &dir)?;
        println!("files: {n} copied to {}", dir.display());
    }
    let n = copy_tree(&from.join(OUTBOX), &settings.data_dir.join(OUTBOX))?;
    println!("outbox: {n} mails copied");
    // Opening brings the schema up to date (a backup of an older version) and makes the
    // files private.
    let store = refdesk_server::store::open(settings)
        .await
        .context("opening the restored database")?;
    let dir = store.directory_snapshot().await?;
    println!(
        "restored {} ({} institutions, {} staff accounts); start refdesk on it",
        db.display(),
        dir.institutions.len(),
        dir.users.len()
    );
    Ok(())
}
