//! What one socket may see, and what it is subscribed to. Both can change while the socket is
//! open: when its staff member's grants change, the writer evaluates them again from the store
//! and narrows (or widens) the subscriptions at once; when its session ends, it closes.

use crate::auth::staff_principal;
use crate::events::Topic;
use crate::hub::{ConnId, Subscriber};
use crate::state::AppState;
use refdesk_core::{Principal, StaffPrincipal};
use std::sync::{Arc, Mutex, RwLock};

#[derive(Debug)]
pub struct SocketAccess {
    state: AppState,
    conn: ConnId,
    sub: Subscriber,
    /// Shared, so that reading it for every frame is a reference count, not a copy.
    principal: RwLock<Arc<Principal>>,
    /// The staff session the socket was opened with (its token's key), if any.
    pub session: Option<uuid::Uuid>,
    topics: Mutex<Vec<Topic>>,
}

impl SocketAccess {
    pub fn new(
        state: AppState,
        sub: Subscriber,
        principal: Principal,
        session: Option<uuid::Uuid>,
    ) -> Self {
        SocketAccess {
            conn: state.hub().new_conn_id(),
            state,
            sub,
            principal: RwLock::new(Arc::new(principal)),
            session,
            topics: Mutex::new(Vec::new()),
        }
    }

    /// Who the socket acts for, as of now.
    pub fn principal(&self) -> Arc<Principal> {
        self.principal.read().expect("access lock").clone()
    }

    pub fn subscribe(&self, topic: Topic) {
        let mut topics = self.topics.lock().expect("access lock");
        if !topics.contains(&topic) {
            self.state.hub().subscribe(topic, self.conn, &self.sub);
            topics.push(topic);
        }
    }

    pub fn unsubscribe(&self, topic: Topic) {
        let mut topics = self.topics.lock().expect("access lock");
        topics.retain(|t| *t != topic);
        self.state.hub().unsubscribe(topic, self.conn);
    }

    pub fn unsubscribe_all(&self) {
        let topics = std::mem::take(&mut *self.topics.lock().expect("access lock"));
        for t in topics {
            self.state.hub().unsubscribe(t, self.conn);
        }
    }

    /// Subscribes to the queues `staff` may see, to their session's end and to changes of
    /// their rights; drops queue subscriptions they may no longer see.
    pub fn follow_staff(&self, staff: &StaffPrincipal) {
        let wanted: Vec<Topic> = staff
            .institutions
            .iter()
            .map(|i| Topic::Institution(*i))
            .chain(staff.departments.iter().map(|d| Topic::Department(*d)))
            .chain(staff.coops.iter().map(|c| Topic::Coop(*c)))
            .chain(std::iter::once(Topic::User(staff.id())))
            .chain(self.session.map(Topic::Session))
            .collect();
        let stale: Vec<Topic> = self
            .topics
            .lock()
            .expect("access lock")
            .iter()
            .filter(|t| {
                matches!(
                    t,
                    Topic::Institution(_) | Topic::Department(_) | Topic::Coop(_)
                )
            })
            .filter(|t| !wanted.contains(t))
            .copied()
            .collect();
        for t in stale {
            self.unsubscribe(t);
        }
        for t in wanted {
            self.subscribe(t);
        }
    }

    /// Evaluates the staff member's grants again from the store and adopts them. `None` when the
    /// account no longer exists (the socket must close).
    pub async fn reevaluate(&self) -> Option<StaffPrincipal> {
        let Principal::Staff(old) = &*self.principal() else {
            return None;
        };
        let user = self.state.store().user(old.id()).await.ok()?;
        let fresh = staff_principal(&self.state, user).await.ok()?;
        self.follow_staff(&fresh);
        *self.principal.write().expect("access lock") = Arc::new(Principal::Staff(fresh.clone()));
        Some(fresh)
    }
}
