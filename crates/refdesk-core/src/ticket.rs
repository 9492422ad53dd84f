//! Follow-up tickets: a patron's question handed to their home library to answer by email.
//! A ticket is made by a librarian from a chat (any co-op operator may make one, but it always
//! lands in the chat's home institution), or by the chat box's offline form. It sits in one of
//! the institution's queues (its departments), is open, pending or closed, may have an
//! assignee, and carries entries: the patron's question, internal notes, staff replies (each
//! emailed to the patron) and the patron's emailed answers.

use crate::ids::{ChatId, DepartmentId, InstitutionId, TicketId, UserId};
use crate::text::{Email, TextError, trimmed};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Waiting for the library.
    Open,
    /// Waiting for the patron (set when staff reply).
    Pending,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 3] = [
        TicketStatus::Open,
        TicketStatus::Pending,
        TicketStatus::Closed,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Pending => "pending",
            TicketStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    /// The patron's home institution: only its staff see the ticket.
    pub institution_id: InstitutionId,
    /// Its queue: one of the institution's departments.
    pub department_id: DepartmentId,
    /// The chat it follows up, whose transcript (without internal notes) it shows.
    pub chat_id: Option<ChatId>,
    pub patron_name: String,
    pub patron_email: Email,
    pub subject: String,
    pub status: TicketStatus,
    pub assignee: Option<UserId>,
    /// The librarian who made it; `None` for the offline form.
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The patron's question, from the offline form.
    Question,
    /// Staff only: never emailed, never shown to the patron.
    Note,
    /// A librarian's answer, emailed to the patron.
    Reply,
    /// The patron's emailed answer, threaded back in.
    PatronReply,
}

impl EntryKind {
    pub const ALL: [EntryKind; 4] = [
        EntryKind::Question,
        EntryKind::Note,
        EntryKind::Reply,
        EntryKind::PatronReply,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryKind::Question => "question",
            EntryKind::Note => "note",
            EntryKind::Reply => "reply",
            EntryKind::PatronReply => "patron_reply",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEntry {
    pub id: Uuid,
    pub ticket_id: TicketId,
    pub kind: EntryKind,
    /// The librarian who wrote it (notes and replies).
    pub author: Option<UserId>,
    pub body: String,
    pub at: OffsetDateTime,
}

/// The patron's contact on a ticket, checked: a name (1–100 characters) and an email address,
/// both required.
pub fn patron_contact(name: &str, email: &str) -> Result<(String, Email), TextError> {
    let name = trimmed("patron_name", name, MAX_NAME_CHARS)?;
    if name.contains('\n') {
        return Err(TextError::BadCharacters {
            field: "patron_name",
        });
    }
    let email = Email::parse(email).map_err(|e| match e {
        TextError::Empty { .. } => TextError::Empty {
            field: "patron_email",
        },
        _ => TextError::BadCharacters {
            field: "patron_email",
        },
    })?;
    Ok((name, email))
}

/// A ticket's subject: one line of at most 200 characters (a longer question is cut at a word
/// with `…`).
pub fn subject_of(question: &str) -> Result<String, TextError> {
    let line = question.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return Err(TextError::Empty { field: "subject" });
    }
    if line.chars().count() <= MAX_SUBJECT_CHARS {
        return Ok(line);
    }
    let cut: String = line.chars().take(MAX_SUBJECT_CHARS - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    Ok(format!("{cut}…"))
}

/// A note's or reply's text: 1 to 20,000 characters.
pub fn entry_body(raw: &str) -> Result<String, TextError> {
    trimmed("body", raw, MAX_BODY_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_name_and_email_are_required() {
        assert!(patron_contact("Ann", "ann@example.org").is_ok());
        assert_eq!(
            patron_contact(" ", "ann@example.org"),
            Err(TextError::Empty {
                field: "patron_name"
            })
        );
        assert_eq!(
            patron_contact("Ann", ""),
            Err(TextError::Empty {
                field: "patron_email"
            })
        );
        assert!(patron_contact("Ann", "not-an-address").is_err());
    }

    #[test]
    fn a_long_question_makes_a_short_subject() {
        assert_eq!(
            subject_of("  How do\n I renew? ").unwrap(),
            "How do I renew?"
        );
        let long = "word ".repeat(100);
        let s = subject_of(&long).unwrap();
        assert!(s.chars().count() <= MAX_SUBJECT_CHARS && s.ends_with("word…"));
        assert!(subject_of(" \n").is_err());
    }
}
