//! The live board: who is monitoring what right now, the chats waiting and since when, and
//! each library's counts; for a library's admins (its own) and a co-op's (every member's).
//! Read afresh on each request: the dashboard asks again whenever a `monitors_changed` or a
//! `chat` frame says it may have moved.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::{ChatStatus, CoopId, Grant, InstitutionId, MonitorScope, StaffPrincipal};
use refdesk_protocol::{BoardLibraryView, BoardView, NamedRef, WaitingChatView};
use refdesk_store::ChatFilter;
use std::collections::HashMap;

/// The most waiting chats one board lists.
const MAX_WAITING: u32 = 500;

impl AppState {
    /// An institution's board, for its admins: its departments' and co-ops' monitors, its
    /// patrons' waiting chats.
    pub async fn institution_board(
        &self,
        staff: &StaffPrincipal,
        id: InstitutionId,
    ) -> ApiResult<BoardView> {
        crate::http::institutions::admin_of(staff, id)?;
        let coops: Vec<CoopId> = self
            .store()
            .coops_of_institution(id)
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        self.board(staff, &[id], &coops, &[]).await
    }

    /// A co-op's board, for its admins: every member's monitors (of the co-op and of the
    /// member's own departments) and waiting chats.
    pub async fn coop_board(&self, staff: &StaffPrincipal, coop: CoopId) -> ApiResult<BoardView> {
        if !(staff.has(Grant::CoopAdmin(coop)) || staff.has(Grant::SystemAdmin)) {
            return Err(ApiError::not_found());
        }
        if self.store().coops(&[coop]).await?.is_empty() {
            return Err(ApiError::not_found());
        }
        let members: Vec<InstitutionId> = self
            .store()
            .coop_members(&[coop])
            .await?
            .into_iter()
            .map(|(_, i)| i)
            .collect();
        self.board(staff, &members, &[coop], &[coop]).await
    }

    /// The board of `institutions`: their departments' monitors and `coops`' monitors, their
    /// waiting chats and, from `coop_queues`, the co-op's.
    async fn board(
        &self,
        staff: &StaffPrincipal,
        institutions: &[InstitutionId],
        coops: &[CoopId],
        coop_queues: &[CoopId],
    ) -> ApiResult<BoardView> {
        let mut names: HashMap<MonitorScope, String> = HashMap::new();
        for &i in institutions {
            for d in self.store().departments(i).await? {
                names.insert(MonitorScope::Department(d.id), d.name.to_string());
            }
        }
        for c in self.store().coops(coops).await? {
            names.insert(MonitorScope::Coop(c.id), c.name.to_string());
        }
        let scopes: Vec<MonitorScope> = names.keys().copied().collect();
        let found = self.store().monitors_of(&scopes).await?;
        let monitors = self.librarians_of(staff.id(), &found, &names).await?;
        let mut waiting_chats = self
            .store()
            .chats(&ChatFilter {
                institutions: institutions.to_vec(),
                departments: vec![],
                coops: coop_queues.to_vec(),
                statuses: vec![ChatStatus::Waiting],
                after: None,
                limit: MAX_WAITING,
            })
            .await?;
        waiting_chats.retain(|c| c.state.status() == ChatStatus::Waiting);
        let mut waiting = Vec::with_capacity(waiting_chats.len());
        for c in &waiting_chats {
            waiting.push(WaitingChatView {
                institution: NamedRef {
                    id: c.institution_id.into(),
                    name: self
                        .names()
                        .institution(self.store(), c.institution_id)
                        .await?,
                },
                department: NamedRef {
                    id: c.department_id.into(),
                    name: self
                        .names()
                        .department(self.store(), c.department_id)
                        .await?,
                },
                at_coop: c.coop_id.is_some(),
                since: c.created_at,
            });
        }
        let mut libraries = Vec::with_capacity(institutions.len());
        for &i in institutions {
            let theirs: Vec<&WaitingChatView> = waiting
                .iter()
                .filter(|w| w.institution.id == uuid::Uuid::from(i))
                .collect();
            libraries.push(BoardLibraryView {
                institution: NamedRef {
                    id: i.into(),
                    name: self.names().institution(self.store(), i).await?,
                },
                monitors: monitors
                    .iter()
                    .filter(|m| m.institution.id == uuid::Uuid::from(i))
                    .count() as u32,
                waiting: theirs.len() as u32,
                longest_waiting_since: theirs.iter().map(|w| w.since).min(),
            });
        }
        Ok(BoardView {
            libraries,
            monitors,
            waiting,
        })
    }
}
