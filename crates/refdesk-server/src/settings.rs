//! `Settings`: every option of a refdesk node in one struct. The binary layers defaults, then
//! the TOML file, then `REFDESK_*` environment variables, then command-line flags; the server
//! receives the result explicitly (there is no global configuration).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Folder for the SQLite database and other local files.
    pub data_dir: PathBuf,
    /// `sqlite:PATH` or `postgres://…`; empty means `sqlite:<data_dir>/refdesk.db`.
    pub database_url: String,
    /// Event bus between nodes: empty for one node (in-process), or `nats://host:port`.
    pub bus: String,
    /// SQLite durability: `full` (default; survives power loss) or `normal` (survives a crash of
    /// refdesk but not of the machine).
    pub sqlite_synchronous: String,
    /// Mark cookies `Secure` (turn on behind HTTPS).
    pub secure_cookies: bool,
    /// How long a staff session lasts, in hours.
    pub session_hours: u32,
    /// Minutes a staff session may go unused (no request, no open dashboard) before it is
    /// refused; 0 for no idle limit.
    pub session_idle_minutes: u32,
    /// How long a patron's guest token (kept by the chat box) is accepted, in hours from its
    /// first chat; then the chat box starts afresh.
    pub guest_token_hours: u32,
    /// Frames per second one WebSocket may send (burst twice that).
    pub ws_messages_per_second: u32,
    /// Extra origins allowed to open WebSockets and make cookie requests besides the server's
    /// own (e.g. a separately served dashboard in development).
    pub allowed_origins: Vec<String>,
    /// The address browsers reach refdesk at, e.g. `https://chat.library.org` (behind a proxy).
    /// When set, a browser request's `Origin` must be it (or one of `allowed_origins`); the
    /// request's `Host` header is not trusted. Empty: the `Origin` must match the `Host`.
    pub public_url: String,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// Seconds a waiting chat stays in the queue while no chat box of its patron is connected;
    /// then it is abandoned.
    pub patron_grace_seconds: u32,
    /// Seconds an active chat stays with an operator who has no dashboard connected; then it
    /// goes back to the queue.
    pub operator_grace_seconds: u32,
    /// Sign-in attempts one account may have per minute (a burst of that many).
    pub login_attempts_per_account_per_minute: u32,
    /// Sign-in attempts one client address may make per minute.
    pub login_attempts_per_address_per_minute: u32,
    /// Password checks (Argon2id, ~19 MiB each) running at once; further sign-ins wait.
    pub max_concurrent_password_checks: u32,
    /// Chats one client address may start per minute.
    pub chat_starts_per_address_per_minute: u32,
    /// Chats one chat box (widget) may start per minute, from all addresses together.
    pub chat_starts_per_widget_per_minute: u32,
    /// SMTP relay for outgoing mail (transcripts, ticket replies). Empty (the default): mails
    /// are written as `.eml` files to `<data_dir>/outbox` instead, and listed in the admin
    /// screens.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls` (default), `tls` (implicit TLS, usually port 465) or `none` (plain; only for
    /// a relay on the same machine or network).
    pub smtp_tls: String,
    /// SMTP credentials; empty for a relay that needs none.
    pub smtp_username: String,
    pub smtp_password: String,
    /// The `From` of every mail, e.g. `Ask a Librarian <ask@library.org>`.
    pub mail_from: String,
    /// Where patrons' replies to ticket mails go (`Reply-To`): the address your mail gateway
    /// receives and posts to `/api/mail/inbound`. Empty: replies go to `mail_from`.
    pub mail_reply_to: String,
    /// The bearer token a mail gateway presents to `POST /api/mail/inbound`. Empty (the
    /// default): the endpoint is off.
    pub mail_inbound_token: String,
    /// Where files sent in chats are kept, by their SHA-256: empty (the default) for
    /// `<data_dir>/attachments`, or another folder (e.g. one several nodes share).
    pub attachments_dir: PathBuf,
    /// An S3-compatible bucket to keep files in instead of a folder (what several nodes
    /// share). Empty (the default): the folder.
    pub attachments_s3_bucket: String,
    /// The bucket's service when it is not Amazon S3, e.g. `https://minio.library.org:9000`
    /// (`http://` only for one on the same machine or network). Empty: Amazon S3 (or
    /// `AWS_ENDPOINT`).
    pub attachments_s3_endpoint: String,
    /// The bucket's region. Empty: `AWS_REGION`, else `us-east-1`.
    pub attachments_s3_region: String,
    /// The bucket's credentials. Empty: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, else
    /// the machine's or container's role.
    pub attachments_s3_access_key_id: String,
    pub attachments_s3_secret_access_key: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./refdesk-data"),
            database_url: String::new(),
            bus: String::new(),
            sqlite_synchronous: "full".into(),
            secure_cookies: false,
            session_hours: 12,
            session_idle_minutes: 240,
            guest_token_hours: 24,
            ws_messages_per_second: 20,
            allowed_origins: vec![],
            public_url: String::new(),
            log_format: "text".into(),
            patron_grace_seconds: 120,
            operator_grace_seconds: 60,
            login_attempts_per_account_per_minute: 10,
            login_attempts_per_address_per_minute: 30,
            max_concurrent_password_checks: 2,
            chat_starts_per_address_per_minute: 10,
            chat_starts_per_widget_per_minute: 300,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            mail_from: "refdesk <refdesk@localhost>".into(),
            mail_reply_to: String::new(),
            mail_inbound_token: String::new(),
            attachments_dir: PathBuf::new(),
            attachments_s3_bucket: String::new(),
            attachments_s3_endpoint: String::new(),
            attachments_s3_region: String::new(),
            attachments_s3_access_key_id: String::new(),
            attachments_s3_secret_access_key: String::new(),
        }
    }
}

impl Settings {
    /// The lifecycle's grace periods, as core takes them.
    pub fn timing(&self) -> refdesk_core::Timing {
        refdesk_core::Timing {
            patron_grace: time::Duration::seconds(i64::from(self.patron_grace_seconds)),
            operator_grace: time::Duration::seconds(i64::from(self.operator_grace_seconds)),
        }
    }

    /// The database URL, with the default SQLite file filled in.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite:{}", self.data_dir.join("refdesk.db").display())
        } else {
            self.database_url.clone()
        }
    }
}

/// A secret as logs show it: whether it is set, never what it is.
fn hidden(secret: &str) -> &'static str {
    if secret.is_empty() { "" } else { "***" }
}

/// Hides the password of a URL like `postgres://user:secret@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("bus", &redact_url(&self.bus))
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_hours", &self.session_hours)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("guest_token_hours", &self.guest_token_hours)
            .field("ws_messages_per_second", &self.ws_messages_per_second)
            .field("allowed_origins", &self.allowed_origins)
            .field("public_url", &self.public_url)
            .field("log_format", &self.log_format)
            .field("patron_grace_seconds", &self.patron_grace_seconds)
            .field("operator_grace_seconds", &self.operator_grace_seconds)
            .field(
                "login_attempts_per_account_per_minute",
                &self.login_attempts_per_account_per_minute,
            )
            .field(
                "login_attempts_per_address_per_minute",
                &self.login_attempts_per_address_per_minute,
            )
            .field(
                "max_concurrent_password_checks",
                &self.max_concurrent_password_checks,
            )
            .field(
                "chat_starts_per_address_per_minute",
                &self.chat_starts_per_address_per_minute,
            )
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &hidden(&self.smtp_password))
            .field("mail_from", &self.mail_from)
            .field("mail_reply_to", &self.mail_reply_to)
            .field("mail_inbound_token", &hidden(&self.mail_inbound_token))
            .field("attachments_dir", &self.attachments_dir)
            .field("attachments_s3_bucket", &self.attachments_s3_bucket)
            .field("attachments_s3_endpoint", &self.attachments_s3_endpoint)
            .field("attachments_s3_region", &self.attachments_s3_region)
            .field(
                "attachments_s3_access_key_id",
                &self.attachments_s3_access_key_id,
            )
            .field(
                "attachments_s3_secret_access_key",
                &hidden(&self.attachments_s3_secret_access_key),
            )
            .field(
                "chat_starts_per_widget_per_minute",
                &self.chat_starts_per_widget_per_minute,
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("sqlite:./x.db"), "sqlite:./x.db");
        let s = Settings {
            database_url: "postgres://u:hunter2@h/db".into(),
            smtp_password: "hunter2".into(),
            mail_inbound_token: "hunter2".into(),
            attachments_s3_secret_access_key: "hunter2".into(),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
