//! A patron's emailed answer to a ticket mail, as a mail gateway posts it: threaded into the
//! ticket its headers name, when its sender is the ticket's patron, without the quoted mail
//! below it; the ticket opens again.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::ticket::entry_body;
use refdesk_core::{EntryKind, Ticket, TicketEntry, TicketStatus};
use refdesk_store::{StoreError, TicketUpdate};

impl AppState {
    /// Threads a patron's emailed answer into the ticket its headers name, if the sender is
    /// the ticket's patron; the ticket opens again.
    pub async fn thread_inbound(&self, mail: &refdesk_protocol::InboundMail) -> ApiResult<Ticket> {
        let headers = [
            mail.in_reply_to.as_deref().unwrap_or(""),
            mail.references.as_deref().unwrap_or(""),
            mail.subject.as_str(),
        ];
        let Some(id) = crate::mail::threaded_ticket(&headers) else {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "no_ticket",
                "the message does not answer a ticket mail",
            ));
        };
        let ticket = match self.store().ticket(id).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "no_ticket",
                    "the message does not answer a ticket mail",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let from = address_of(&mail.from);
        if !from.eq_ignore_ascii_case(ticket.patron_email.as_str()) {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "not_the_patron",
                "the sender is not the ticket's patron",
            ));
        }
        let entry = TicketEntry {
            id: uuid::Uuid::now_v7(),
            ticket_id: ticket.id,
            kind: EntryKind::PatronReply,
            author: None,
            body: entry_body(&strip_quoted(&mail.text))?,
            at: self.now(),
        };
        let update = TicketUpdate {
            status: Some(TicketStatus::Open),
            assignee: None,
        };
        let t = self.store().add_ticket_entry(&entry, &update, None).await?;
        tracing::info!(ticket.id = %t.id, "patron's email threaded into the ticket");
        Ok(t)
    }
}

/// The bare address of `Name <a@b>` or `a@b`.
fn address_of(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim(),
        _ => from.trim(),
    }
}

/// The new part of an emailed answer: the lines before the quoted earlier mail (`>` lines and
/// the "On … wrote:" line before them); the whole text when nothing is left.
fn strip_quoted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines
        .iter()
        .position(|l| l.trim_start().starts_with('>'))
        .unwrap_or(lines.len());
    while end > 0
        && (lines[end - 1].trim().is_empty() || lines[end - 1].trim_end().ends_with("wrote:"))
    {
        end -= 1;
    }
    let kept = lines[..end].join("\n").trim().to_owned();
    if kept.is_empty() {
        text.trim().to_owned()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_keeps_its_new_words() {
        assert_eq!(address_of("Pat <PAT@example.org>"), "PAT@example.org");
        assert_eq!(address_of(" pat@example.org "), "pat@example.org");
        let text = "Thanks, that helps!\n\nOn Tue, Alice wrote:\n> The map room has them.\n";
        assert_eq!(strip_quoted(text), "Thanks, that helps!");
        assert_eq!(strip_quoted("> only quoted"), "> only quoted");
    }
}
