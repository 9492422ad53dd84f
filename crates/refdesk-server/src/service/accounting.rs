//! A co-op's accounting, for its admins: per member, the answering balance, hours given and
//! owed, when they were given, and the chats that came outside contracted hours or while
//! nobody monitored (counted by core's `accounting::account`).

use super::reports::{ReportQuery, range};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use refdesk_core::accounting::{Member, account};
use refdesk_core::{CoopId, Grant, InstitutionId, MonitorScope, StaffPrincipal, UserId};
use refdesk_protocol::{CoopAccountingView, MemberAccountView, NamedRef};
use refdesk_store::FactFilter;
use std::collections::HashMap;

impl AppState {
    pub async fn coop_accounting(
        &self,
        staff: &StaffPrincipal,
        coop: CoopId,
        q: &ReportQuery,
    ) -> ApiResult<CoopAccountingView> {
        if !(staff.has(Grant::CoopAdmin(coop)) || staff.has(Grant::SystemAdmin)) {
            return Err(ApiError::not_found());
        }
        let Some(found) = self.store().coops(&[coop]).await?.into_iter().next() else {
            return Err(ApiError::not_found());
        };
        if q.department.is_some()
            || q.widget.is_some()
            || q.coop.is_some()
            || q.operator.is_some()
            || q.tag.is_some()
            || q.rating.is_some()
        {
            return Err(ApiError::invalid_query(
                "the accounting takes from, to and format only",
            ));
        }
        let store = self.store();
        let zone = self
            .policies()
            .get(store, staff.user.institution_id)
            .await?
            .time_zone;
        let r = range(q, &zone, self.now())?;
        let mut members = Vec::new();
        let mut scopes = vec![MonitorScope::Coop(coop)];
        let mut department_home: HashMap<MonitorScope, InstitutionId> = HashMap::new();
        for (_, i) in store.coop_members(&[coop]).await? {
            let policy = self.policies().get(store, i).await?;
            for d in store.departments(i).await? {
                let scope = MonitorScope::Department(d.id);
                scopes.push(scope);
                department_home.insert(scope, i);
            }
            members.push(Member {
                institution_id: i,
                zone: policy.time_zone,
                hours: store.coop_hours(coop, i).await?,
                owed_per_week: policy.coop_hours_owed_per_week,
            });
        }
        let facts = store
            .chat_facts(&FactFilter {
                from: Some(r.from),
                to: Some(r.to),
                coops: vec![coop],
                ..FactFilter::default()
            })
            .await?;
        let sessions = store.monitoring_sessions(&scopes, r.from, r.to).await?;
        let mut staff_home: HashMap<UserId, InstitutionId> = HashMap::new();
        for s in &sessions {
            if let std::collections::hash_map::Entry::Vacant(e) = staff_home.entry(s.user_id) {
                e.insert(store.user(s.user_id).await?.institution_id);
            }
        }
        let accounts = account(
            coop,
            &members,
            &facts,
            &sessions,
            |u| staff_home.get(&u).copied(),
            |s| department_home.get(&s).copied(),
            (r.from, r.to, self.now()),
            &zone,
        )
        .map_err(ApiError::internal)?;
        let mut out = Vec::with_capacity(accounts.len());
        for a in accounts {
            let Some(i) = a.institution_id else { continue };
            out.push(MemberAccountView {
                institution: NamedRef {
                    id: i.into(),
                    name: self.names().institution(store, i).await?,
                },
                generated: a.generated,
                answered: a.answered,
                balance: a.balance,
                hours_given: a.hours_given,
                hours_owed: a.hours_owed,
                given_by_hour: a.given_by_hour,
                given_by_weekday: a.given_by_weekday,
                outside_hours: a.outside_hours,
                unmonitored: a.unmonitored,
            });
        }
        out.sort_by(|a, b| a.institution.name.cmp(&b.institution.name));
        Ok(CoopAccountingView {
            coop: NamedRef {
                id: coop.into(),
                name: found.name.to_string(),
            },
            time_zone: zone,
            from: r.from_day.to_string(),
            to: r.to_day.to_string(),
            members: out,
        })
    }
}

/// The accounting as CSV: one row per member.
pub fn accounting_csv(a: &CoopAccountingView) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ApiError::internal(e);
    w.write_record([
        "institution",
        "generated",
        "answered",
        "balance",
        "hours_given",
        "hours_owed",
        "outside_hours",
        "unmonitored",
    ])
    .map_err(err)?;
    for m in &a.members {
        w.write_record([
            super::reports::inert(&m.institution.name),
            m.generated.to_string(),
            m.answered.to_string(),
            m.balance.to_string(),
            format!("{:.2}", m.hours_given),
            format!("{:.2}", m.hours_owed),
            m.outside_hours.to_string(),
            m.unmonitored.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(e.to_string()))
}
