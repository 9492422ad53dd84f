//! The outbox task and the verbs that fill the outbox. A mail is queued in the store (with the
//! change that caused it, where there is one), and this node's task is woken; every node's task
//! also looks at the store each few seconds, so mail queued by another node, or due for a retry,
//! goes too. A mail is claimed by one node with a lease: a node that dies mid-send leaves it to
//! be tried again when the lease runs out. Sending never holds up a chat: nothing waits for it.

use super::render::{self, Line, ReplyContext, TranscriptContext};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::{
    Audience, Chat, Email, InstitutionId, Mail, MailAttempt, MailKind, MailStatus, Rendered,
    Sender, Seq,
};
use serde::Serialize;
use std::time::Duration as StdDuration;
use time::Duration;

/// How long a node holds a claimed mail (well beyond the SMTP timeout).
const LEASE: Duration = Duration::minutes(5);
/// How many mails one round claims.
const BATCH: u32 = 20;
/// How often the task looks at the store when nothing woke it.
const POLL: StdDuration = StdDuration::from_secs(5);
/// The most messages a transcript mail holds.
const MAX_TRANSCRIPT_MESSAGES: u32 = 5000;

impl AppState {
    /// Renders a mail of `kind` for `institution`: from its own template when it has one, else
    /// refdesk's.
    pub async fn render_mail<C: Serialize>(
        &self,
        institution: InstitutionId,
        kind: MailKind,
        context: &C,
    ) -> ApiResult<Rendered> {
        let template = match self.store().mail_template(institution, kind).await? {
            Some(t) => t,
            None => render::default_template(kind),
        };
        render::render(&template, context).or_else(|e| {
            // A stored template that no longer renders (it was checked when saved) must not
            // stop the mail: the default takes over, and the logs say why.
            tracing::warn!(institution.id = %institution, kind = kind.as_str(), error = %e, "mail template failed; using the default");
            render::render(&render::default_template(kind), context)
                .map_err(|e| ApiError::internal(format!("default mail template: {e}")))
        })
    }

    /// Queues the transcript of `chat` to `to`: every message its patron saw, never internal
    /// notes (they are not in the patron's numbering at all).
    pub async fn queue_transcript(&self, chat: &Chat, to: Email) -> ApiResult<Mail> {
        let institution = self.store().institution(chat.institution_id).await?;
        let zone = self
            .policies()
            .get(self.store(), chat.institution_id)
            .await?
            .time_zone;
        let messages = self
            .store()
            .patron_messages_after(chat.id, Seq(0), MAX_TRANSCRIPT_MESSAGES)
            .await?;
        let mut lines = Vec::with_capacity(messages.len());
        for m in &messages {
            if let Some(v) = self
                .message_view(chat, m, Audience::Patron, Sender::System)
                .await?
            {
                lines.push(Line {
                    time: render::local_time(&zone, v.created_at).1,
                    who: v.sender_name.unwrap_or_default(),
                    // A sent file reads as its name.
                    text: match refdesk_core::attachment::marked(&v.body) {
                        Some((_, _, _, name)) => format!("[file: {name}]"),
                        None => v.body,
                    },
                });
            }
        }
        let context = TranscriptContext {
            library: institution.name.to_string(),
            patron_name: chat
                .patron_name
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            started: render::local_time(&zone, chat.created_at).0,
            messages: lines,
        };
        let rendered = self
            .render_mail(chat.institution_id, MailKind::Transcript, &context)
            .await?;
        let mail = Mail::queued(
            crate::service::new_id(),
            chat.institution_id,
            MailKind::Transcript,
            to,
            rendered,
            self.now(),
        );
        self.store().queue_mail(&mail).await?;
        self.mail_queued().notify_one();
        tracing::info!(chat.id = %chat.id, mail.id = %mail.id, "transcript queued");
        Ok(mail)
    }

    /// A ticket reply's mail, rendered, not yet queued (the reply and its mail are stored
    /// together).
    pub async fn ticket_reply_mail(
        &self,
        ticket: &refdesk_core::Ticket,
        reply: &str,
        librarian: &str,
    ) -> ApiResult<Mail> {
        let institution = self.store().institution(ticket.institution_id).await?;
        let context = ReplyContext {
            library: institution.name.to_string(),
            patron_name: ticket.patron_name.clone(),
            subject: ticket.subject.clone(),
            reply: reply.to_owned(),
            librarian: librarian.to_owned(),
        };
        let rendered = self
            .render_mail(ticket.institution_id, MailKind::TicketReply, &context)
            .await?;
        let mut mail = Mail::queued(
            crate::service::new_id(),
            ticket.institution_id,
            MailKind::TicketReply,
            ticket.patron_email.clone(),
            rendered,
            self.now(),
        );
        mail.ticket_id = Some(ticket.id);
        Ok(mail)
    }

    /// Sends every mail due now, once each; returns each mail as it is after its attempt.
    pub async fn send_due_mails(&self) -> ApiResult<Vec<Mail>> {
        let mut out = Vec::new();
        loop {
            let now = self.now();
            let claimed = self
                .store()
                .claim_due_mails(now, now + LEASE, BATCH)
                .await?;
            if claimed.is_empty() {
                return Ok(out);
            }
            for mut mail in claimed {
                let result = match self.mailer() {
                    Ok(m) => m.deliver(&mail).await,
                    Err(e) => Err(e.to_owned()),
                };
                let now = self.now();
                let attempt = match result {
                    Ok(delivered_to) => MailAttempt::Sent {
                        at: now,
                        delivered_to,
                    },
                    Err(error) => mail.after_failure(error, now),
                };
                self.store().record_mail_attempt(mail.id, &attempt).await?;
                mail.attempts += 1;
                match attempt {
                    MailAttempt::Sent { at, delivered_to } => {
                        mail.status = MailStatus::Sent;
                        mail.sent_at = Some(at);
                        mail.delivered_to = Some(delivered_to);
                        mail.last_error = None;
                    }
                    MailAttempt::Retry {
                        error,
                        next_attempt_at,
                    } => {
                        tracing::warn!(mail.id = %mail.id, attempts = mail.attempts, %error, "mail not sent; will retry");
                        mail.next_attempt_at = next_attempt_at;
                        mail.last_error = Some(error);
                    }
                    MailAttempt::Failed { error } => {
                        tracing::error!(mail.id = %mail.id, attempts = mail.attempts, %error, "mail failed for good");
                        mail.status = MailStatus::Failed;
                        mail.last_error = Some(error);
                    }
                }
                metrics::counter!("refdesk_mail_attempts_total", "status" => mail.status.as_str())
                    .increment(1);
                out.push(mail);
            }
        }
    }
}

/// Runs the outbox task until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = state.send_due_mails().await {
                tracing::warn!(code = e.code, error = %e.message, "sending mail failed");
            }
            let wait = match state.store().next_mail_due().await {
                Ok(Some(due)) => {
                    let secs = (due - state.now()).as_seconds_f64().max(0.0);
                    StdDuration::from_secs_f64(secs).min(POLL)
                }
                Ok(None) => POLL,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the next mail failed");
                    POLL
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = state.mail_queued().notified() => {}
            }
        }
    })
}
