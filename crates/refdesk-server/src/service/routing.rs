//! Routing: moving waiting chats along their widget's plan (see `refdesk_core::routing`). Core
//! decides where a chat goes from the facts gathered here: which of the plan's queues someone
//! monitors with a dashboard connected, and which co-ops are within the institution's contracted
//! hours. Each move is a versioned change of the chat (`ChatCommand::Route`), so a claim that
//! lands first wins and the move is refused as stale. Durable timers look at a chat again when
//! the next step's wait is over (`RouteStep`) and alert its monitors again (`Realert`).

use super::ChatFailure;
use crate::error::ApiResult;
use crate::events::Event;
use crate::state::AppState;
use refdesk_core::{
    Chat, ChatCommand, ChatState, ChatStatus, InstitutionId, MonitorScope, StepTarget, Timer,
    TimerKind, TimerOp, Widget,
};
use refdesk_store::{ChatFilter, StoreError};
use time::Duration;

/// The least time between two looks at a chat that did not move (a step after it that is
/// closed now, with no wait of its own, would otherwise be looked at without pause).
const RECHECK: Duration = Duration::seconds(60);

/// What routing decides on, for one widget's plan at one instant.
struct Facts {
    staffed: Vec<StepTarget>,
    open: Vec<StepTarget>,
}

impl Facts {
    fn staffed(&self, t: StepTarget) -> bool {
        self.staffed.contains(&t)
    }
    fn open(&self, t: StepTarget) -> bool {
        self.open.contains(&t)
    }
}

fn scope_of(t: StepTarget) -> MonitorScope {
    match t {
        StepTarget::Department(d) => MonitorScope::Department(d),
        StepTarget::Coop(c) => MonitorScope::Coop(c),
    }
}

impl AppState {
    /// Which of `widget`'s plan's queues are staffed and may be offered chats now.
    async fn facts(&self, institution: InstitutionId, widget: &Widget) -> ApiResult<Facts> {
        let targets: Vec<StepTarget> =
            std::iter::once(StepTarget::Department(widget.department_id))
                .chain(widget.settings.routing.steps.iter().map(|s| s.target))
                .collect();
        let now = self.now();
        let zone = if targets.iter().any(|t| t.coop().is_some()) {
            self.policies()
                .get(self.store(), institution)
                .await?
                .time_zone
        } else {
            String::new()
        };
        let mut open = Vec::with_capacity(targets.len());
        for t in &targets {
            let Some(coop) = t.coop() else {
                open.push(*t);
                continue;
            };
            let hours = match self.store().coop_hours(coop, institution).await {
                Ok(h) => h,
                // No longer a member: the co-op is not offered.
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            match hours.is_open(now, &zone) {
                Ok(true) => open.push(*t),
                Ok(false) => {}
                Err(e) => tracing::warn!(%institution, error = %e, "reading co-op hours failed"),
            }
        }
        let scopes: Vec<MonitorScope> = targets.iter().map(|t| scope_of(*t)).collect();
        let staffed_scopes = self.store().staffed(&scopes, now).await?;
        let staffed = targets
            .into_iter()
            .filter(|t| staffed_scopes.contains(&scope_of(*t)))
            .collect();
        Ok(Facts { staffed, open })
    }

    /// Whether a chat started in `widget` now would reach someone: a step of its plan that may
    /// be offered chats is staffed.
    pub async fn widget_online(&self, widget: &Widget) -> ApiResult<bool> {
        let f = self.facts(widget.institution_id, widget).await?;
        Ok(f.staffed.iter().any(|t| f.open(*t)))
    }

    /// The routing steps a chat just started in `widget` takes at once (nobody monitors the
    /// queues before them), to be stored with it (`NewChat::moves`).
    pub(crate) async fn moves_at_start(
        &self,
        widget: &Widget,
        chat: refdesk_core::ChatId,
        at: time::OffsetDateTime,
    ) -> ApiResult<Vec<refdesk_store::StartMove>> {
        let plan = &widget.settings.routing;
        if plan.steps.is_empty() {
            return Ok(Vec::new());
        }
        let facts = self.facts(widget.institution_id, widget).await?;
        let mut department = widget.department_id;
        let mut moves = Vec::new();
        let steps = plan.moves(
            widget.department_id,
            0,
            0,
            |t| facts.staffed(t),
            |t| facts.open(t),
        );
        for (step, target, reason) in steps {
            department = target.department().unwrap_or(department);
            let event = refdesk_core::ChatEvent::Routed {
                step,
                target,
                reason,
            };
            moves.push(refdesk_store::StartMove {
                event,
                placement: refdesk_core::Placement {
                    step,
                    department_id: department,
                    coop_id: target.coop(),
                },
                note: super::chats::event_note(chat, &event, at)?,
            });
        }
        if !moves.is_empty() {
            metrics::counter!("refdesk_chats_routed_total").increment(moves.len() as u64);
        }
        Ok(moves)
    }

    /// Moves a waiting chat along its plan as far as it goes now. `waited`: it has waited at
    /// its step as long as the next step asks (a due `RouteStep` timer). `arm`: set the timers
    /// of the step it is at even if it did not move (it just arrived there). Returns the chat
    /// as it is afterwards.
    pub(crate) async fn route(&self, chat: Chat, waited: bool, arm: bool) -> ApiResult<Chat> {
        if chat.state != ChatState::Waiting {
            return Ok(chat);
        }
        let widget = self.store().widget(chat.widget_id).await?;
        let plan = &widget.settings.routing;
        let facts = self.facts(chat.institution_id, &widget).await?;
        let steps = plan.moves(
            widget.department_id,
            chat.step,
            if waited { u64::MAX } else { 0 },
            |t| facts.staffed(t),
            |t| facts.open(t),
        );
        let mut chat = chat;
        let moved = !steps.is_empty();
        for (step, target, reason) in steps {
            let (from, from_coop) = (chat.department_id, chat.coop_id);
            let command = ChatCommand::Route {
                step,
                target,
                reason,
                version: chat.version,
            };
            match self.decide_chat(chat.clone(), command).await {
                Ok(c) => {
                    tracing::info!(chat.id = %c.id, step, ?target, ?reason, "chat routed");
                    metrics::counter!("refdesk_chats_routed_total").increment(1);
                    if (c.department_id, c.coop_id) != (from, from_coop) {
                        self.publish(Event::ChatMoved {
                            chat: c.clone(),
                            from,
                            from_coop,
                        })
                        .await;
                    }
                    chat = c;
                }
                // Claimed, ended or changed first: that change wins, and its own path arms
                // whatever timers it needs.
                Err(ChatFailure::Rejected(_)) => return Ok(self.store().chat(chat.id).await?),
                Err(ChatFailure::Failed(e)) => return Err(e),
            }
        }
        if moved || arm {
            // A look that moved nothing waits a while before the next; a chat that just
            // arrived at its step waits the next step's wait.
            let floor = if waited && !moved {
                RECHECK
            } else {
                Duration::ZERO
            };
            self.arm_routing(&chat, &widget, floor).await?;
        }
        Ok(chat)
    }

    /// Sets the timers of a chat that waits at its step: a look when the next step's wait is
    /// over (at least `floor` from now), and the re-alert.
    pub(crate) async fn arm_routing(
        &self,
        chat: &Chat,
        widget: &Widget,
        floor: Duration,
    ) -> ApiResult<()> {
        self.arm_routing_with(chat, widget, floor, Vec::new()).await
    }

    /// As [`Self::arm_routing`], with more timer operations in the same write.
    pub(crate) async fn arm_routing_with(
        &self,
        chat: &Chat,
        widget: &Widget,
        floor: Duration,
        mut ops: Vec<TimerOp>,
    ) -> ApiResult<()> {
        let plan = &widget.settings.routing;
        let now = self.now();
        let timer = |kind, after: Duration| {
            TimerOp::Set(Timer {
                key: chat.timer_key(kind),
                due_at: now + after,
                version: chat.version,
            })
        };
        if let Some(wait) = plan.wait_after(chat.step) {
            ops.push(timer(
                TimerKind::RouteStep,
                Duration::seconds(i64::from(wait)).max(floor),
            ));
        }
        if let Some(r) = plan.realert_seconds {
            ops.push(timer(TimerKind::Realert, Duration::seconds(i64::from(r))));
        }
        if !ops.is_empty() {
            self.store().set_timers(&ops).await?;
            self.timers_changed().notify_one();
        }
        Ok(())
    }

    /// A due re-alert: the chat's monitors hear of it again, and again after as long, while it
    /// waits at the same version.
    pub(crate) async fn realert(&self, chat: &Chat) -> ApiResult<()> {
        self.publish(Event::Realert { chat: chat.clone() }).await;
        metrics::counter!("refdesk_chats_realerted_total").increment(1);
        let widget = self.store().widget(chat.widget_id).await?;
        if let Some(r) = widget.settings.routing.realert_seconds {
            let op = TimerOp::Set(Timer {
                key: chat.timer_key(TimerKind::Realert),
                due_at: self.now() + Duration::seconds(i64::from(r)),
                version: chat.version,
            });
            self.store().set_timers(&[op]).await?;
            self.timers_changed().notify_one();
        }
        Ok(())
    }

    /// Someone stopped monitoring `scopes`: the chats waiting there move on at once when
    /// nobody else is monitoring them.
    pub(crate) async fn reroute_unstaffed(&self, scopes: &[MonitorScope]) {
        let filter = ChatFilter {
            institutions: Vec::new(),
            departments: scopes
                .iter()
                .filter_map(|s| match s {
                    MonitorScope::Department(d) => Some(*d),
                    MonitorScope::Coop(_) => None,
                })
                .collect(),
            coops: scopes.iter().filter_map(|s| s.coop()).collect(),
            statuses: vec![ChatStatus::Waiting],
            after: None,
            limit: 500,
        };
        let waiting = match self.store().chats(&filter).await {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(error = %e, "reading chats to route on failed");
                return;
            }
        };
        for chat in waiting {
            let id = chat.id;
            if let Err(e) = self.route(chat, false, false).await {
                tracing::warn!(chat.id = %id, code = e.code, "routing a chat on failed");
            }
        }
    }
}
