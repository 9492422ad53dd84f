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

/// Starts `scripts/<script>` (a Python test server) with `args`; returns once it prints
/// "ready". It stops when its standard input closes or when the returned child is dropped.
pub async fn start_script(script: &str, args: &[String], needs: &str) -> Child {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(script);
    let mut child = Command::new("python3")
        .arg(path)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("python3 runs {script} (pip install {needs}): {e}"));
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "{script} did not start (pip install {needs})"
    );
    child
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
        let child = start_script(
            "smtp_server.py",
            &[maildir.display().to_string(), port.to_string()],
            "aiosmtpd",
        )
        .await;
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
