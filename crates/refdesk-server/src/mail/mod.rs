//! Outgoing mail: turning an outbox [`Mail`] into a MIME message and handing it to the node's
//! transport, an SMTP relay (lettre) or, with none configured, the outbox folder of the data
//! directory (one `.eml` file per mail, so the demo works without a mail server). The outbox
//! itself is in the store; [`outbox`] is the task that works through it, and [`render`] the
//! templates mails are made from.

pub mod outbox;
pub mod render;

use crate::settings::Settings;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use refdesk_core::Mail;
use std::path::PathBuf;
use std::time::Duration;

/// How long one SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where this node's mail goes.
#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

/// The node's way out for mail, built once from the settings.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let to = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Folder(p) => p.display().to_string(),
        };
        f.debug_struct("Mailer").field("transport", &to).finish()
    }
}

impl Mailer {
    /// The mailer the settings describe; an error names the setting that is wrong.
    pub fn from_settings(s: &Settings) -> Result<Mailer, String> {
        let from: Mailbox = s
            .mail_from
            .parse()
            .map_err(|e| format!("mail_from is not an address: {e}"))?;
        let reply_to = match s.mail_reply_to.trim() {
            "" => None,
            r => Some(
                r.parse()
                    .map_err(|e| format!("mail_reply_to is not an address: {e}"))?,
            ),
        };
        let transport = if s.smtp_host.trim().is_empty() {
            Transport::Folder(s.data_dir.join("outbox"))
        } else {
            let host = s.smtp_host.trim();
            let builder = match s.smtp_tls.as_str() {
                "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                    .map_err(|e| format!("smtp_host: {e}"))?,
                "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                    .map_err(|e| format!("smtp_host: {e}"))?,
                other => return Err(format!("smtp_tls is starttls, tls or none, not {other:?}")),
            };
            let mut builder = builder.port(s.smtp_port).timeout(Some(SMTP_TIMEOUT));
            if !s.smtp_username.is_empty() {
                builder = builder.credentials(Credentials::new(
                    s.smtp_username.clone(),
                    s.smtp_password.clone(),
                ));
            }
            Transport::Smtp(builder.build())
        };
        Ok(Mailer {
            transport,
            from,
            reply_to,
        })
    }

    /// Whether mail goes to the outbox folder (no SMTP relay configured).
    pub fn outbox_folder(&self) -> Option<&PathBuf> {
        match &self.transport {
            Transport::Folder(p) => Some(p),
            Transport::Smtp(_) => None,
        }
    }

    /// Sends one mail; on success, where it went (`smtp` or the outbox file's name).
    pub async fn deliver(&self, mail: &Mail) -> Result<String, String> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|e| e.to_string())?;
                Ok("smtp".to_owned())
            }
            Transport::Folder(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let name = format!("{}.eml", mail.id);
                let part = dir.join(format!(".{name}.part"));
                tokio::fs::write(&part, message.formatted())
                    .await
                    .map_err(|e| format!("writing {}: {e}", part.display()))?;
                tokio::fs::rename(&part, dir.join(&name))
                    .await
                    .map_err(|e| format!("renaming {}: {e}", part.display()))?;
                Ok(format!("outbox/{name}"))
            }
        }
    }

    /// The MIME message of `mail`: plain text and HTML alternatives. A ticket's mail carries
    /// the ticket in its `Message-ID`, so a reply's `In-Reply-To` names it.
    fn message(&self, mail: &Mail) -> Result<Message, String> {
        let to: Mailbox = mail
            .to
            .as_str()
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        let domain = self.from.email.domain().to_owned();
        let id = match mail.ticket_id {
            Some(t) => format!("<{}.{}@{domain}>", thread_token(t), mail.id),
            None => format!("<{}@{domain}>", mail.id),
        };
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(id))
            .date(mail.created_at.into());
        // Only a ticket's mail is answered into refdesk (through the gateway); a transcript's
        // answers go to `mail_from`.
        if let (Some(r), Some(_)) = (&self.reply_to, mail.ticket_id) {
            b = b.reply_to(r.clone());
        }
        let mut message = b
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| e.to_string())?;
        // Auto-replies (out of office) should not answer a transcript.
        message.headers_mut().insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ));
        Ok(message)
    }
}

/// The token that threads mail to a ticket: `ticket-<id>`, in a mail's `Message-ID`.
pub fn thread_token(ticket: refdesk_core::TicketId) -> String {
    format!("ticket-{ticket}")
}

/// The ticket a reply threads back into: the first `ticket-<id>` in its `In-Reply-To`,
/// `References` or subject.
pub fn threaded_ticket(headers: &[&str]) -> Option<refdesk_core::TicketId> {
    headers.iter().find_map(|h| {
        h.match_indices("ticket-").find_map(|(i, _)| {
            let rest = &h[i + "ticket-".len()..];
            rest.get(..36).and_then(|id| id.parse().ok())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_thread_back_by_message_id() {
        let t: refdesk_core::TicketId = uuid::Uuid::now_v7().into();
        let id = format!("<{}.{}@lib.org>", thread_token(t), uuid::Uuid::now_v7());
        assert_eq!(threaded_ticket(&["", &id]), Some(t));
        assert_eq!(threaded_ticket(&["<other@x>", "Re: hello"]), None);
        assert_eq!(threaded_ticket(&["ticket-not-a-uuid"]), None);
    }
}
