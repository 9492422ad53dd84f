//! A real SMTP server for the mail tests: `scripts/smtp_server.py` (Python's aiosmtpd), which
//! keeps what it accepts in a Maildir. Started on a port the test picks, so a test can stop it
//! and start it again on the same port (an outage).

use std::path::{Path, PathBuf};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    child: Child,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    /// Starts the server on `port`, keeping mail under `dir`; returns once it answers.
    pub async fn start(dir: &Path, port: u16) -> SmtpServer {
        let maildir = dir.join(format!("maildir-{}", uuid::Uuid::now_v7().simple()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&maildir)
            .arg(port.to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs (and aiosmtpd is installed: pip install aiosmtpd)");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).await.unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        SmtpServer {
            port,
            maildir,
            child,
        }
    }

    /// Every message it has accepted, raw.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let Ok(dir) = std::fs::read_dir(self.maildir.join("new")) else {
            return vec![];
        };
        dir.map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect()
    }

    /// Stops it (an outage): the port refuses connections from now on.
    pub async fn stop(mut self) {
        drop(self.child.stdin.take());
        self.child.wait().await.unwrap();
    }
}

/// The settings of a node that sends through `port` on 127.0.0.1, without TLS.
pub fn via(port: u16) -> impl FnOnce(&mut refdesk_server::Settings) {
    move |s| {
        s.smtp_host = "127.0.0.1".into();
        s.smtp_port = port;
        s.smtp_tls = "none".into();
        s.mail_from = "Ask a Librarian <ask@riverside.example>".into();
        s.mail_reply_to = "tickets@riverside.example".into();
        s.mail_inbound_token = "gateway-secret".into();
    }
}
