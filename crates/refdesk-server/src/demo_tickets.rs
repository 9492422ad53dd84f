//! The demo's ticket queue: a few follow-up tickets in each library's first department, so
//! the Tickets view has something to open (one from the offline form, one a co-op librarian
//! handed over with a note), unless the library has tickets already.

use crate::service::{new_id, now};
use refdesk_core::{
    DepartmentId, Email, EntryKind, InstitutionId, Ticket, TicketEntry, TicketStatus,
};
use refdesk_store::{DynStore, StoreError, TicketFilter};

pub async fn seed_tickets(
    store: &DynStore,
    institution: InstitutionId,
    department: DepartmentId,
) -> Result<(), StoreError> {
    let filter = TicketFilter {
        institution,
        statuses: vec![],
        department: None,
        assignee: None,
        after: None,
        limit: 1,
    };
    if !store.tickets(&filter).await?.is_empty() {
        return Ok(());
    }
    let samples = [
        (
            "Jordan Lee",
            "jordan.lee@example.org",
            EntryKind::Question,
            "Can I get a library card if I live outside the county? I work in town but live \
             across the river.",
        ),
        (
            "Sam Ortiz",
            "sam.ortiz@example.org",
            EntryKind::Note,
            "From the co-op: the patron needs the 1890 county atlas for a family history \
             project. We could not tell whether it may be scanned; please follow up.",
        ),
    ];
    for (patron, email, kind, body) in samples {
        let at = now();
        let ticket = Ticket {
            id: new_id(),
            institution_id: institution,
            department_id: department,
            chat_id: None,
            patron_name: patron.to_owned(),
            patron_email: Email::parse(email).map_err(|e| StoreError::corrupt(e.to_string()))?,
            subject: refdesk_core::ticket::subject_of(if kind == EntryKind::Question {
                body
            } else {
                "Scanning pages of the 1890 county atlas"
            })
            .map_err(|e| StoreError::corrupt(e.to_string()))?,
            status: TicketStatus::Open,
            assignee: None,
            created_by: None,
            created_at: at,
            updated_at: at,
        };
        let entry = TicketEntry {
            id: uuid::Uuid::now_v7(),
            ticket_id: ticket.id,
            kind,
            author: None,
            body: body.to_owned(),
            at,
        };
        store.create_ticket(&ticket, &[entry]).await?;
    }
    Ok(())
}
