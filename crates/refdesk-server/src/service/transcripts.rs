//! Transcript search for institution admins: their institution's past chats by days,
//! librarian, tag, rating and words; one transcript whole (internal notes marked), or as a
//! file. Every search, view and export is put in the audit log before anything is shown: if
//! it cannot be recorded, nothing is shown.

use crate::error::{ApiError, ApiResult};
use crate::service::reports::{ReportQuery, range};
use crate::state::AppState;
use refdesk_core::faq::{highlight_html, search_terms};
use refdesk_core::report::{ChatFact, Outcome};
use refdesk_core::{
    Audience, AuditAction, AuditRecord, Chat, ChatId, InstitutionId, Sender, StaffPrincipal, UserId,
};
use refdesk_protocol::{
    AuditEntryView, AuditLogView, MessageView, TranscriptList, TranscriptSummary, TranscriptView,
};
use refdesk_store::FactFilter;
use serde::Deserialize;
use std::collections::HashMap;

/// The most chats a search by words ranks; narrower words find the rest.
pub const MAX_WORD_MATCHES: u32 = 1000;
/// Results per page, at most (and by default).
const PAGE: u32 = 50;

/// A transcript search: its days and filters, and the page.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TranscriptQuery {
    /// First day, `YYYY-MM-DD` in the institution's time zone (default: 29 days before `to`).
    pub from: Option<String>,
    /// Last day, included (default: today).
    pub to: Option<String>,
    /// Only chats this librarian claimed first.
    #[param(value_type = Option<String>, format = Uuid)]
    pub operator: Option<UserId>,
    /// Only chats with this tag.
    pub tag: Option<String>,
    /// Only chats rated this many stars (1–5).
    pub rating: Option<u8>,
    /// Words of the conversation (its patron's, its librarians', its notes'), every one
    /// needed; the last also as a prefix.
    pub q: Option<String>,
    /// Results skipped (default 0).
    pub offset: Option<u32>,
    /// Results per page, 1 to 50 (default 50).
    pub limit: Option<u32>,
}

impl TranscriptQuery {
    fn as_report_query(&self) -> ReportQuery {
        ReportQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            operator: self.operator,
            tag: self.tag.clone(),
            rating: self.rating,
            ..ReportQuery::default()
        }
    }

    /// What was asked for, for the audit log.
    fn describe(&self, from: &str, to: &str) -> String {
        let mut parts = vec![format!("{from} to {to}")];
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            parts.push(format!("words \"{}\"", q.trim()));
        }
        if let Some(o) = self.operator {
            parts.push(format!("librarian {o}"));
        }
        if let Some(t) = &self.tag {
            parts.push(format!("tag {t}"));
        }
        if let Some(r) = self.rating {
            parts.push(format!("{r} stars"));
        }
        parts.join(", ")
    }
}

/// The file formats a transcript is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Text,
    Json,
}

impl ExportFormat {
    pub fn parse(s: Option<&str>) -> ApiResult<ExportFormat> {
        match s.unwrap_or("txt") {
            "txt" => Ok(ExportFormat::Text),
            "json" => Ok(ExportFormat::Json),
            _ => Err(ApiError::invalid_query("format is txt or json")),
        }
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Answered => "answered",
        Outcome::Unanswered => "unanswered",
        Outcome::Abandoned => "abandoned",
        Outcome::Open => "open",
    }
}

impl AppState {
    /// Records an access to `institution`'s patrons' words; the access fails if it cannot be.
    async fn audit(
        &self,
        staff: &StaffPrincipal,
        institution: InstitutionId,
        action: AuditAction,
        chat: Option<ChatId>,
        detail: &str,
    ) -> ApiResult<()> {
        let record = AuditRecord::new(institution, staff.id(), action, chat, detail, self.now());
        self.store().record_audit(&record).await?;
        tracing::info!(
            institution.id = %institution, user.id = %staff.id(), action = action.as_str(),
            "transcript access recorded"
        );
        Ok(())
    }

    /// A page of `id`'s past chats that pass `q`'s filters, best match first when words are
    /// given, newest first otherwise.
    pub async fn search_transcripts(
        &self,
        staff: &StaffPrincipal,
        id: InstitutionId,
        q: &TranscriptQuery,
    ) -> ApiResult<TranscriptList> {
        crate::http::institutions::admin_of(staff, id)?;
        let filters = q.as_report_query();
        let tag = filters.checked_tag()?;
        let limit = match q.limit {
            None => PAGE,
            Some(n @ 1..=PAGE) => n,
            Some(n) => {
                return Err(ApiError::invalid_query(format!(
                    "limit is 1 to {PAGE}, not {n}"
                )));
            }
        };
        let offset = q.offset.unwrap_or(0);
        let words = q.q.as_deref().unwrap_or("");
        let terms = search_terms(words);
        if !words.trim().is_empty() && terms.is_empty() {
            return Err(ApiError::invalid_query(
                "q holds only words too common to search for",
            ));
        }
        let zone = self.policies().get(self.store(), id).await?.time_zone;
        let r = range(&filters, &zone, self.now())?;
        let facts = self
            .store()
            .chat_facts(&FactFilter {
                from: Some(r.from),
                to: Some(r.to),
                institutions: vec![id],
                ..FactFilter::default()
            })
            .await?;
        let mut kept: HashMap<ChatId, ChatFact> = facts
            .into_iter()
            .filter(|f| f.institution_id == id && f.ended_at.is_some())
            .filter(|f| filters.keeps(f, tag.as_ref()))
            .map(|f| (f.chat_id, f))
            .collect();
        let ordered: Vec<ChatFact> = if terms.is_empty() {
            let mut all: Vec<ChatFact> = kept.into_values().collect();
            all.sort_by(|a, b| {
                b.created_at
                    .cmp(&a.created_at)
                    .then(b.chat_id.cmp(&a.chat_id))
            });
            all
        } else {
            self.store()
                .search_transcripts(id, r.from, r.to, &terms, MAX_WORD_MATCHES)
                .await?
                .into_iter()
                .filter_map(|c| kept.remove(&c))
                .collect()
        };
        self.audit(
            staff,
            id,
            AuditAction::TranscriptsSearched,
            None,
            &q.describe(&r.from_day.to_string(), &r.to_day.to_string()),
        )
        .await?;
        let page: Vec<&ChatFact> = ordered
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        let ids: Vec<ChatId> = page.iter().map(|f| f.chat_id).collect();
        let snippets: HashMap<ChatId, String> = self
            .store()
            .transcript_snippets(&terms, &ids)
            .await?
            .into_iter()
            .collect();
        let mut chats = Vec::with_capacity(page.len());
        for f in page {
            let chat = self.store().chat(f.chat_id).await?;
            let mut s = self.transcript_summary(&chat, Some(f)).await?;
            s.snippet_html = snippets.get(&f.chat_id).map(|s| highlight_html(s));
            chats.push(s);
        }
        Ok(TranscriptList {
            total: u32::try_from(ordered.len()).unwrap_or(u32::MAX),
            offset,
            chats,
        })
    }

    /// One of `id`'s past chats, whole, internal notes and system lines included.
    pub async fn transcript(
        &self,
        staff: &StaffPrincipal,
        id: InstitutionId,
        chat: ChatId,
        action: AuditAction,
    ) -> ApiResult<TranscriptView> {
        crate::http::institutions::admin_of(staff, id)?;
        let chat = match self.store().chat(chat).await {
            Ok(c) if c.institution_id == id && !c.state.status().is_open() => c,
            Ok(_) | Err(refdesk_store::StoreError::NotFound) => {
                return Err(ApiError::not_found());
            }
            Err(e) => return Err(e.into()),
        };
        let fact = self
            .store()
            .chat_facts(&FactFilter {
                from: Some(chat.created_at),
                to: Some(chat.created_at + time::Duration::microseconds(1)),
                institutions: vec![id],
                ..FactFilter::default()
            })
            .await?
            .into_iter()
            .find(|f| f.chat_id == chat.id);
        self.audit(staff, id, action, Some(chat.id), "").await?;
        let mut messages: Vec<MessageView> = Vec::new();
        let mut after = refdesk_core::Seq::ZERO;
        loop {
            let stored = self
                .store()
                .messages_seen_by(Audience::Staff, chat.id.into(), after, 500)
                .await?;
            let Some(last) = stored.last() else { break };
            after = last.seq;
            for m in &stored {
                if let Some(v) = self
                    .message_view(&chat, m, Audience::Staff, Sender::Staff(staff.id()))
                    .await?
                {
                    messages.push(v);
                }
            }
        }
        let rating = self.store().rating_of(chat.id).await?;
        Ok(TranscriptView {
            summary: self.transcript_summary(&chat, fact.as_ref()).await?,
            patron_email: chat.patron_email.as_ref().map(ToString::to_string),
            rating_comment: rating.and_then(|r| r.comment),
            messages,
        })
    }

    async fn transcript_summary(
        &self,
        chat: &Chat,
        fact: Option<&ChatFact>,
    ) -> ApiResult<TranscriptSummary> {
        let store = self.store();
        let operator_name = match fact.and_then(|f| f.answered_by) {
            Some(u) => Some(self.names().user(store, u).await?),
            None => None,
        };
        Ok(TranscriptSummary {
            chat_id: chat.id,
            created_at: chat.created_at,
            ended_at: chat.ended_at,
            outcome: fact
                .map_or("unanswered", |f| outcome_name(f.outcome))
                .to_owned(),
            patron_name: chat.patron_name.as_ref().map(ToString::to_string),
            question: chat.question.as_ref().map(ToString::to_string),
            operator_name,
            department_name: self.names().department(store, chat.department_id).await?,
            tags: fact.map(|f| f.tags.clone()).unwrap_or_default(),
            stars: fact.and_then(|f| f.stars),
            snippet_html: None,
        })
    }

    /// A page of `id`'s audit log, newest first.
    pub async fn audit_log(
        &self,
        staff: &StaffPrincipal,
        id: InstitutionId,
        before: Option<u64>,
        limit: Option<u32>,
    ) -> ApiResult<AuditLogView> {
        crate::http::institutions::admin_of(staff, id)?;
        let limit = match limit {
            None => 100,
            Some(n @ 1..=500) => n,
            Some(n) => {
                return Err(ApiError::invalid_query(format!(
                    "limit is 1 to 500, not {n}"
                )));
            }
        };
        let entries = self.store().audit_entries(id, before, limit).await?;
        let next_before = (entries.len() == limit as usize)
            .then(|| entries.last().map(|e| e.id))
            .flatten();
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let r = e.record;
            let actor_name = match self.names().user(self.store(), r.actor_id).await {
                Ok(n) => n,
                Err(refdesk_store::StoreError::NotFound) => "A removed account".to_owned(),
                Err(e) => return Err(e.into()),
            };
            out.push(AuditEntryView {
                id: e.id,
                at: r.at,
                actor_id: r.actor_id,
                actor_name,
                action: r.action.as_str().to_owned(),
                chat_id: r.chat_id,
                detail: r.detail,
            });
        }
        Ok(AuditLogView {
            entries: out,
            next_before,
        })
    }
}

/// A transcript as a file: plain text (a header, then one line per message, notes marked
/// `[internal note]`) or the JSON of its view.
pub fn transcript_file(t: &TranscriptView, format: ExportFormat) -> ApiResult<Vec<u8>> {
    if format == ExportFormat::Json {
        return serde_json::to_vec_pretty(t).map_err(ApiError::internal);
    }
    let s = &t.summary;
    let rfc = |at: time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let mut out = String::new();
    out.push_str(&format!("Chat {}\n", s.chat_id));
    out.push_str(&format!("Started: {}\n", rfc(s.created_at)));
    if let Some(e) = s.ended_at {
        out.push_str(&format!("Ended: {}\n", rfc(e)));
    }
    out.push_str(&format!("Outcome: {}\n", s.outcome));
    out.push_str(&format!("Queue: {}\n", s.department_name));
    if let Some(n) = &s.patron_name {
        out.push_str(&format!("Patron: {n}\n"));
    }
    if let Some(e) = &t.patron_email {
        out.push_str(&format!("Email: {e}\n"));
    }
    if let Some(o) = &s.operator_name {
        out.push_str(&format!("Answered by: {o}\n"));
    }
    if !s.tags.is_empty() {
        out.push_str(&format!("Tags: {}\n", s.tags.join(", ")));
    }
    if let Some(r) = s.stars {
        out.push_str(&format!("Rating: {r} of 5\n"));
    }
    if let Some(c) = &t.rating_comment {
        out.push_str(&format!("Comment: {c}\n"));
    }
    out.push('\n');
    for m in &t.messages {
        let who = m
            .sender_name
            .clone()
            .unwrap_or_else(|| "refdesk".to_owned());
        let mark = if m.kind == refdesk_core::MessageKind::InternalNote {
            " [internal note]"
        } else {
            ""
        };
        out.push_str(&format!(
            "[{}] {who}{mark}: {}\n",
            rfc(m.created_at),
            m.body
        ));
    }
    Ok(out.into_bytes())
}
