//! Where a chat may be transferred right now: the librarians of the patron's library with a
//! dashboard open, the librarians monitoring its co-ops, and its departments and co-ops someone
//! monitors, with how busy each is. Offering checks its target against this same list.

use crate::error::ApiResult;
use crate::state::AppState;
use refdesk_core::{ChatId, MonitorScope, Principal, StaffPrincipal, UserId};
use refdesk_protocol::{NamedRef, OperatorTarget, QueueTarget, TransferTargets};
use std::collections::HashMap;

impl AppState {
    /// Where `staff` may transfer the chat they hold right now: the librarians of the patron's
    /// library with a dashboard open, the librarians monitoring its co-ops, and its departments
    /// and co-ops someone monitors; with how busy each is. Never themselves.
    pub async fn transfer_targets(
        &self,
        staff: &StaffPrincipal,
        chat_id: ChatId,
    ) -> ApiResult<TransferTargets> {
        let chat = self
            .chat_for(&Principal::Staff(staff.clone()), chat_id)
            .await?;
        if chat.state.operator() != Some(staff.id()) {
            return Err(refdesk_core::TransferRejection::NotHolder.into());
        }
        let (store, me) = (self.store(), staff.id());
        let institution = chat.institution_id;
        let mut people: Vec<UserId> = store
            .users_page(institution, None, 500)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let departments = store.departments(institution).await?;
        let coops = store.coops_of_institution(institution).await?;
        let scopes: Vec<MonitorScope> = departments
            .iter()
            .map(|d| MonitorScope::Department(d.id))
            .chain(coops.iter().map(|c| MonitorScope::Coop(c.id)))
            .collect();
        let monitors = store.monitors_of(&scopes).await?;
        people.extend(monitors.iter().map(|m| m.user_id));
        people.sort();
        people.dedup();
        let mut online: HashMap<UserId, bool> = HashMap::new();
        for p in people.iter().copied().filter(|p| *p != me) {
            online.insert(p, self.staff_connected(p).await);
        }
        let is_online = |u: &UserId| online.get(u).copied().unwrap_or(false);
        let held: HashMap<UserId, u32> = store.chats_held(&people).await?.into_iter().collect();
        let mut operators = Vec::new();
        for p in people.iter().filter(|p| is_online(p)) {
            let (name, at) = self.names().user_at(store, *p).await?;
            operators.push(OperatorTarget {
                id: (*p).into(),
                name,
                institution: NamedRef {
                    id: at.into(),
                    name: self.names().institution(store, at).await?,
                },
                chats: held.get(p).copied().unwrap_or(0),
            });
        }
        operators.sort_by(|a, b| (a.chats, &a.name).cmp(&(b.chats, &b.name)));
        let count = |scope: MonitorScope| {
            monitors
                .iter()
                .filter(|m| m.scope == scope && is_online(&m.user_id))
                .count() as u32
        };
        let departments = departments
            .iter()
            .map(|d| QueueTarget {
                id: d.id.into(),
                name: d.name.to_string(),
                monitors: count(MonitorScope::Department(d.id)),
            })
            .filter(|q| q.monitors > 0)
            .collect();
        let coops = coops
            .iter()
            .map(|c| QueueTarget {
                id: c.id.into(),
                name: c.name.to_string(),
                monitors: count(MonitorScope::Coop(c.id)),
            })
            .filter(|q| q.monitors > 0)
            .collect();
        Ok(TransferTargets {
            operators,
            departments,
            coops,
        })
    }
}
