//! Monitoring: switching local and co-op monitoring Online/Offline, a co-op's Check status and
//! the Librarians list. The state is in the store, so every node agrees on who is monitoring;
//! a change wakes the staff sockets that share the queue (`Event::MonitorsChanged`) and, for a
//! co-op, the switcher's own sockets, whose view of the co-op's chats opens or closes
//! (`Event::AccessChanged`).

use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::{Coop, CoopId, Department, Monitor, MonitorScope, StaffPrincipal, UserId};
use refdesk_protocol::{
    CoopStatusView, LibrarianView, MonitorToggle, MonitoredScope, MonitoringView, NamedRef,
    SetMonitoringRequest,
};
use std::collections::HashMap;

impl AppState {
    /// The departments `staff` monitors locally: those of their institution, and any granted
    /// on their own.
    pub async fn local_departments(&self, staff: &StaffPrincipal) -> ApiResult<Vec<Department>> {
        let mut all = self.store().departments(staff.user.institution_id).await?;
        for d in &staff.departments {
            if !all.iter().any(|a| a.id == *d) {
                all.push(self.store().department(*d).await?);
            }
        }
        Ok(all)
    }

    /// The co-ops `staff` may monitor, by name.
    async fn monitorable_coops(&self, staff: &StaffPrincipal) -> ApiResult<Vec<Coop>> {
        Ok(self.store().coops(&staff.coops).await?)
    }

    /// A new sign-in starts with local monitoring on (every local department) and co-op
    /// monitoring off.
    pub async fn start_monitoring(&self, staff: &StaffPrincipal) -> ApiResult<()> {
        let mut local: Vec<MonitorScope> = self
            .local_departments(staff)
            .await?
            .iter()
            .map(|d| MonitorScope::Department(d.id))
            .collect();
        let policy = self
            .policies()
            .get(self.store(), staff.user.institution_id)
            .await?;
        if policy.coop_monitoring_at_sign_in {
            local.extend(staff.coops.iter().map(|c| MonitorScope::Coop(*c)));
        }
        self.store()
            .reset_monitoring(staff.id(), &local, self.now())
            .await?;
        self.monitors_changed(staff, None).await;
        // The co-ops monitored before this sign-in, and those it switches on.
        let mut changed = staff.monitored_coops.clone();
        if policy.coop_monitoring_at_sign_in {
            changed.extend(&staff.coops);
            changed.sort();
            changed.dedup();
        }
        self.coops_switched(staff, &changed).await;
        Ok(())
    }

    /// A signed-out staff member monitors nothing.
    pub async fn stop_monitoring(&self, staff: &StaffPrincipal) -> ApiResult<()> {
        let was: Vec<MonitorScope> = self
            .store()
            .monitoring_of(staff.id())
            .await?
            .iter()
            .map(|m| m.scope)
            .collect();
        self.store()
            .reset_monitoring(staff.id(), &[], self.now())
            .await?;
        self.monitors_changed(staff, None).await;
        self.coops_switched(staff, &staff.monitored_coops).await;
        self.reroute_unstaffed(&was).await;
        Ok(())
    }

    /// After a reset: the co-ops whose monitoring by `staff` changed hear of it, and so do the
    /// person's other sockets (other sessions), which start or stop showing their chats.
    async fn coops_switched(&self, staff: &StaffPrincipal, coops: &[CoopId]) {
        for c in coops {
            self.publish(Event::MonitorsChanged {
                institution: None,
                coop: Some(*c),
            })
            .await;
        }
        if !coops.is_empty() {
            self.publish(Event::AccessChanged { user: staff.id() })
                .await;
        }
    }

    async fn monitors_changed(&self, staff: &StaffPrincipal, coop: Option<CoopId>) {
        self.publish(Event::MonitorsChanged {
            institution: Some(staff.user.institution_id),
            coop,
        })
        .await;
    }

    pub async fn monitoring_view(&self, staff: &StaffPrincipal) -> ApiResult<MonitoringView> {
        let on: HashMap<MonitorScope, Monitor> = self
            .store()
            .monitoring_of(staff.id())
            .await?
            .into_iter()
            .map(|m| (m.scope, m))
            .collect();
        let toggle = |scope: MonitorScope, name: String| MonitorToggle {
            id: scope.id(),
            name,
            online: on.contains_key(&scope),
            since: on.get(&scope).map(|m| m.since),
        };
        let policy = self
            .policies()
            .get(self.store(), staff.user.institution_id)
            .await?;
        Ok(MonitoringView {
            ask_still_monitoring_after_minutes: policy.ask_still_monitoring_after_minutes,
            departments: self
                .local_departments(staff)
                .await?
                .into_iter()
                .map(|d| toggle(MonitorScope::Department(d.id), d.name.to_string()))
                .collect(),
            coops: self
                .monitorable_coops(staff)
                .await?
                .into_iter()
                .map(|c| toggle(MonitorScope::Coop(c.id), c.name.to_string()))
                .collect(),
        })
    }

    /// Switches one toggle (or, with neither id, every local department).
    pub async fn set_monitoring(
        &self,
        staff: &StaffPrincipal,
        req: &SetMonitoringRequest,
    ) -> ApiResult<MonitoringView> {
        let local = self.local_departments(staff).await?;
        let scopes: Vec<MonitorScope> = match (req.department_id, req.coop_id) {
            (Some(_), Some(_)) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    "give department_id or coop_id, not both",
                ));
            }
            (Some(d), None) if local.iter().any(|l| l.id == d) => {
                vec![MonitorScope::Department(d)]
            }
            (Some(_), None) => return Err(ApiError::not_found()),
            (None, Some(c)) if staff.may_monitor_coop(c) => vec![MonitorScope::Coop(c)],
            (None, Some(_)) => {
                return Err(ApiError::forbidden("you may not monitor this co-op"));
            }
            (None, None) => local
                .iter()
                .map(|d| MonitorScope::Department(d.id))
                .collect(),
        };
        let at = self.now();
        for scope in &scopes {
            self.store()
                .set_monitoring(staff.id(), *scope, req.online, at)
                .await?;
        }
        tracing::info!(user.id = %staff.id(), ?scopes, online = req.online, "monitoring switched");
        if !req.online {
            self.reroute_unstaffed(&scopes).await;
        }
        let coop = req.coop_id;
        self.monitors_changed(staff, coop).await;
        if coop.is_some() {
            // The co-op's chats appear on (or leave) this person's sockets, on every node.
            self.publish(Event::AccessChanged { user: staff.id() })
                .await;
        }
        self.monitoring_view(staff).await
    }

    /// Check status: who is monitoring `coop` now. For those who may monitor it and its admins;
    /// `404` for anyone else.
    pub async fn coop_status(
        &self,
        staff: &StaffPrincipal,
        coop: CoopId,
    ) -> ApiResult<CoopStatusView> {
        let allowed = staff.may_monitor_coop(coop)
            || staff.has(refdesk_core::Grant::CoopAdmin(coop))
            || staff.has(refdesk_core::Grant::SystemAdmin);
        if !allowed {
            return Err(ApiError::not_found());
        }
        let Some(found) = self.store().coops(&[coop]).await?.into_iter().next() else {
            return Err(ApiError::not_found());
        };
        let scope = MonitorScope::Coop(coop);
        let monitors = self.store().monitors_of(&[scope]).await?;
        let names = HashMap::from([(scope, found.name.to_string())]);
        let listed = self.librarians_of(staff.id(), &monitors, &names).await?;
        Ok(CoopStatusView {
            coop: NamedRef {
                id: coop.into(),
                name: found.name.to_string(),
            },
            others: listed.iter().filter(|l| !l.me).count() as u32,
            monitors: listed,
        })
    }

    /// The Librarians list: who monitors the departments and co-ops `staff` may monitor.
    pub async fn librarians(&self, staff: &StaffPrincipal) -> ApiResult<Vec<LibrarianView>> {
        let mut names: HashMap<MonitorScope, String> = HashMap::new();
        for d in self.local_departments(staff).await? {
            names.insert(MonitorScope::Department(d.id), d.name.to_string());
        }
        for c in self.monitorable_coops(staff).await? {
            names.insert(MonitorScope::Coop(c.id), c.name.to_string());
        }
        let scopes: Vec<MonitorScope> = names.keys().copied().collect();
        let monitors = self.store().monitors_of(&scopes).await?;
        self.librarians_of(staff.id(), &monitors, &names).await
    }

    /// Groups monitors by person, with their names, institutions and chats held; longest on
    /// duty first.
    pub(super) async fn librarians_of(
        &self,
        me: UserId,
        monitors: &[Monitor],
        scope_names: &HashMap<MonitorScope, String>,
    ) -> ApiResult<Vec<LibrarianView>> {
        let mut people: Vec<UserId> = Vec::new();
        let mut scopes: HashMap<UserId, Vec<MonitoredScope>> = HashMap::new();
        for m in monitors {
            if !people.contains(&m.user_id) {
                people.push(m.user_id);
            }
            scopes.entry(m.user_id).or_default().push(MonitoredScope {
                kind: m.scope.kind().to_owned(),
                id: m.scope.id(),
                name: scope_names.get(&m.scope).cloned().unwrap_or_default(),
                since: m.since,
            });
        }
        let held: HashMap<UserId, u32> = self
            .store()
            .chats_held(&people)
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::with_capacity(people.len());
        for id in people {
            let user = self.store().user(id).await?;
            let mut monitoring = scopes.remove(&id).unwrap_or_default();
            monitoring.sort_by_key(|s| s.since);
            out.push(LibrarianView {
                id: id.into(),
                name: user.name.to_string(),
                institution: NamedRef {
                    id: user.institution_id.into(),
                    name: self
                        .names()
                        .institution(self.store(), user.institution_id)
                        .await?,
                },
                monitoring,
                chats: held.get(&id).copied().unwrap_or(0),
                me: id == me,
            });
        }
        out.sort_by_key(|l| l.monitoring.first().map(|s| s.since));
        Ok(out)
    }
}
