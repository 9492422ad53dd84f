//! Follow-up tickets: who sees them, how they are made (from a chat by any librarian who can
//! see it, always in the chat's home institution; or by the chat box's offline form), and
//! replies that go to the patron by email. Only the home institution's staff (and its admins,
//! and system admins) see its tickets.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::ticket::{entry_body, patron_contact, subject_of};
use refdesk_core::{
    Audience, Chat, DepartmentId, EntryKind, Grant, InstitutionId, Sender, Seq, StaffPrincipal,
    Ticket, TicketEntry, TicketId, TicketStatus, UserId,
};
use refdesk_protocol::{
    AssigneeView, QueueView, TicketDetail, TicketEntryView, TicketFormView, TicketView,
};
use refdesk_store::{StoreError, TicketUpdate};

/// Whether `staff` works with `institution`'s tickets.
pub fn sees_tickets(staff: &StaffPrincipal, institution: InstitutionId) -> bool {
    staff.user.institution_id == institution
        || staff.has(Grant::InstitutionAdmin(institution))
        || staff.has(Grant::SystemAdmin)
}

/// A status from its wire name.
pub fn ticket_status(s: &str) -> ApiResult<TicketStatus> {
    TicketStatus::parse(s)
        .ok_or_else(|| ApiError::invalid_body("status is open, pending or closed"))
}

impl AppState {
    /// A ticket `staff` may see; `NotFound` otherwise, as for a ticket that does not exist.
    pub async fn ticket_for(&self, staff: &StaffPrincipal, id: TicketId) -> ApiResult<Ticket> {
        let ticket = self.store().ticket(id).await?;
        if sees_tickets(staff, ticket.institution_id) {
            Ok(ticket)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// A department of `institution` to file in: `queue`, or `fallback`.
    async fn queue_of(
        &self,
        institution: InstitutionId,
        queue: Option<DepartmentId>,
        fallback: DepartmentId,
    ) -> ApiResult<DepartmentId> {
        let id = queue.unwrap_or(fallback);
        let department = match self.store().department(id).await {
            Ok(d) => d,
            Err(StoreError::NotFound) => {
                return Err(ApiError::invalid_body(
                    "queue_id is not a queue of the patron's library",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if department.institution_id != institution {
            return Err(ApiError::invalid_body(
                "queue_id is not a queue of the patron's library",
            ));
        }
        Ok(id)
    }

    /// What "Create a follow-up ticket" shows for `chat`.
    pub async fn ticket_form(&self, chat: &Chat) -> ApiResult<TicketFormView> {
        let queues = self
            .store()
            .departments(chat.institution_id)
            .await?
            .into_iter()
            .map(|d| QueueView {
                id: d.id,
                name: d.name.to_string(),
            })
            .collect();
        Ok(TicketFormView {
            institution_id: chat.institution_id,
            institution_name: self
                .names()
                .institution(self.store(), chat.institution_id)
                .await?,
            queues,
            default_queue: chat.department_id,
            patron_name: chat.patron_name.as_ref().map(ToString::to_string),
            patron_email: chat.patron_email.as_ref().map(ToString::to_string),
        })
    }

    /// Makes a ticket from `chat` in its home institution, with an optional internal note.
    pub async fn create_ticket_from_chat(
        &self,
        staff: &StaffPrincipal,
        chat: &Chat,
        body: &refdesk_protocol::NewTicketBody,
    ) -> ApiResult<Ticket> {
        let (name, email) = patron_contact(&body.patron_name, &body.patron_email)?;
        let note = body
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(entry_body)
            .transpose()?;
        let department = self
            .queue_of(chat.institution_id, body.queue_id, chat.department_id)
            .await?;
        let question = self.question_of(chat).await?;
        let now = self.now();
        let ticket = Ticket {
            id: crate::service::new_id(),
            institution_id: chat.institution_id,
            department_id: department,
            chat_id: Some(chat.id),
            patron_name: name,
            patron_email: email,
            subject: subject_of(&question).unwrap_or_else(|_| "Follow-up to a chat".to_owned()),
            status: TicketStatus::Open,
            assignee: None,
            created_by: Some(staff.id()),
            created_at: now,
            updated_at: now,
        };
        let entries: Vec<TicketEntry> = note
            .into_iter()
            .map(|body| TicketEntry {
                id: uuid::Uuid::now_v7(),
                ticket_id: ticket.id,
                kind: EntryKind::Note,
                author: Some(staff.id()),
                body,
                at: now,
            })
            .collect();
        self.store().create_ticket(&ticket, &entries).await?;
        tracing::info!(user.id = %staff.id(), ticket.id = %ticket.id, chat.id = %chat.id, institution.id = %ticket.institution_id, "ticket created from a chat");
        Ok(ticket)
    }

    /// The chat's question: the patron's first message, else the pre-chat question.
    async fn question_of(&self, chat: &Chat) -> ApiResult<String> {
        if let Some(q) = &chat.question {
            return Ok(q.to_string());
        }
        let first = self
            .store()
            .patron_messages_after(chat.id, Seq(0), 20)
            .await?;
        Ok(first
            .into_iter()
            .find(|m| matches!(m.sender, Sender::Patron(_)))
            .map(|m| m.body.to_string())
            .unwrap_or_default())
    }

    /// Makes a ticket from the chat box's offline form, in the widget's institution and
    /// department.
    pub async fn create_ticket_offline(
        &self,
        widget: &refdesk_core::Widget,
        body: &refdesk_protocol::OfflineQuestionBody,
    ) -> ApiResult<Ticket> {
        let (name, email) = patron_contact(&body.name, &body.email)?;
        let question = entry_body(&body.question)?;
        let now = self.now();
        let ticket = Ticket {
            id: crate::service::new_id(),
            institution_id: widget.institution_id,
            department_id: widget.department_id,
            chat_id: None,
            patron_name: name,
            patron_email: email,
            subject: subject_of(&question)?,
            status: TicketStatus::Open,
            assignee: None,
            created_by: None,
            created_at: now,
            updated_at: now,
        };
        let entry = TicketEntry {
            id: uuid::Uuid::now_v7(),
            ticket_id: ticket.id,
            kind: EntryKind::Question,
            author: None,
            body: question,
            at: now,
        };
        self.store().create_ticket(&ticket, &[entry]).await?;
        tracing::info!(ticket.id = %ticket.id, widget.id = %widget.id, "ticket created by the offline form");
        Ok(ticket)
    }

    /// A note (staff only) or a reply (emailed to the patron, and the ticket goes to pending);
    /// the reply and its mail are stored together.
    pub async fn add_ticket_entry(
        &self,
        staff: &StaffPrincipal,
        ticket: &Ticket,
        kind: EntryKind,
        body: &str,
    ) -> ApiResult<Ticket> {
        let body = entry_body(body)?;
        let (mail, update) = if kind == EntryKind::Reply {
            let librarian = self.staff_name(staff.id(), Audience::Patron).await?;
            let mail = self.ticket_reply_mail(ticket, &body, &librarian).await?;
            let update = TicketUpdate {
                status: Some(TicketStatus::Pending),
                assignee: ticket.assignee.is_none().then_some(Some(staff.id())),
            };
            (Some(mail), update)
        } else {
            (None, TicketUpdate::default())
        };
        let entry = TicketEntry {
            id: uuid::Uuid::now_v7(),
            ticket_id: ticket.id,
            kind,
            author: Some(staff.id()),
            body,
            at: self.now(),
        };
        let t = self
            .store()
            .add_ticket_entry(&entry, &update, mail.as_ref())
            .await?;
        if mail.is_some() {
            self.mail_queued().notify_one();
        }
        tracing::info!(user.id = %staff.id(), ticket.id = %ticket.id, kind = kind.as_str(), "ticket entry added");
        Ok(t)
    }

    /// Changes status or assignee (who must be staff of the ticket's institution).
    pub async fn update_ticket(
        &self,
        ticket: &Ticket,
        status: Option<TicketStatus>,
        assignee: Option<Option<UserId>>,
    ) -> ApiResult<Ticket> {
        if let Some(Some(user)) = assignee {
            let ok = match self.store().user(user).await {
                Ok(u) => u.institution_id == ticket.institution_id,
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            };
            if !ok {
                return Err(ApiError::invalid_body(
                    "assignee_id is not a librarian of the ticket's library",
                ));
            }
        }
        let update = TicketUpdate { status, assignee };
        Ok(self
            .store()
            .update_ticket(ticket.id, &update, self.now())
            .await?)
    }

    pub async fn ticket_view(&self, t: &Ticket) -> ApiResult<TicketView> {
        let name = |id: Option<UserId>| async move {
            match id {
                Some(id) => self.staff_name(id, Audience::Staff).await.map(Some),
                None => Ok(None),
            }
        };
        Ok(TicketView {
            id: t.id,
            institution_id: t.institution_id,
            queue: QueueView {
                id: t.department_id,
                name: self
                    .names()
                    .department(self.store(), t.department_id)
                    .await?,
            },
            chat_id: t.chat_id,
            patron_name: t.patron_name.clone(),
            patron_email: t.patron_email.to_string(),
            subject: t.subject.clone(),
            status: t.status.as_str().to_owned(),
            assignee_id: t.assignee,
            assignee_name: name(t.assignee).await?,
            created_by_name: name(t.created_by)
                .await?
                .unwrap_or_else(|| "Offline form".to_owned()),
            created_at: t.created_at,
            updated_at: t.updated_at,
        })
    }

    /// The ticket with its entries, the chat's transcript as its patron saw it, and who it may
    /// be assigned to.
    pub async fn ticket_detail(&self, t: &Ticket) -> ApiResult<TicketDetail> {
        let mut entries = Vec::new();
        for e in self.store().ticket_entries(t.id).await? {
            let author_name = match (e.kind, e.author) {
                (_, Some(id)) => Some(self.staff_name(id, Audience::Staff).await?),
                (EntryKind::Question | EntryKind::PatronReply, None) => Some(t.patron_name.clone()),
                _ => None,
            };
            entries.push(TicketEntryView {
                id: e.id,
                kind: e.kind.as_str().to_owned(),
                author_name,
                body: e.body,
                at: e.at,
            });
        }
        let mut transcript = Vec::new();
        if let Some(chat_id) = t.chat_id {
            let chat = self.store().chat(chat_id).await?;
            for m in self
                .store()
                .patron_messages_after(chat_id, Seq(0), 5000)
                .await?
            {
                if let Some(v) = self
                    .message_view(&chat, &m, Audience::Patron, Sender::System)
                    .await?
                {
                    transcript.push(v);
                }
            }
        }
        let assignable = self
            .store()
            .users_page(t.institution_id, None, 500)
            .await?
            .into_iter()
            .map(|u| AssigneeView {
                id: u.id,
                name: u.name.to_string(),
            })
            .collect();
        Ok(TicketDetail {
            ticket: self.ticket_view(t).await?,
            entries,
            transcript,
            assignable,
        })
    }
}
