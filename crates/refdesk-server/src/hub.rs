//! The hub: in-process fan-out of committed events to the sockets that subscribed to their
//! topics. Each socket has a bounded queue; when it is full the hub never blocks and never drops
//! silently: it marks the socket as lagging, and the socket's writer catches up from the store.

use crate::cache::ChatCache;
use crate::events::{Event, Topic};
use refdesk_core::{ChatId, UserId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{Notify, mpsc};

pub type ConnId = u64;

/// The receiving side of one socket.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub tx: mpsc::Sender<Arc<Event>>,
    pub lag: Arc<Lag>,
}

/// Set when events could not be queued for a socket; its writer then reloads from the store.
#[derive(Debug, Default)]
pub struct Lag {
    flag: AtomicBool,
    pub notify: Notify,
}

impl Lag {
    pub fn mark(&self) {
        self.flag.store(true, Ordering::Release);
        self.notify.notify_one();
    }
    pub fn take(&self) -> bool {
        self.flag.swap(false, Ordering::AcqRel)
    }
}

#[derive(Debug, Default)]
pub struct Hub {
    topics: RwLock<HashMap<Topic, HashMap<ConnId, Subscriber>>>,
    next_conn: AtomicU64,
    /// The node's view of open chats, refreshed by every chat event that reaches this node.
    pub chats: ChatCache,
    /// How many patron sockets of this node follow each chat.
    patrons: Mutex<HashMap<ChatId, u32>>,
    /// How many staff sockets of this node each staff member has.
    staff: Mutex<HashMap<UserId, u32>>,
}

impl Hub {
    pub fn new_conn_id(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    pub fn subscribe(&self, topic: Topic, conn: ConnId, sub: &Subscriber) {
        let mut topics = self.topics.write().expect("hub lock");
        topics.entry(topic).or_default().insert(conn, sub.clone());
    }

    pub fn unsubscribe(&self, topic: Topic, conn: ConnId) {
        let mut topics = self.topics.write().expect("hub lock");
        if let Some(subs) = topics.get_mut(&topic) {
            subs.remove(&conn);
            if subs.is_empty() {
                topics.remove(&topic);
            }
        }
    }

    /// Delivers an event to every subscriber of its topics, once per socket.
    pub fn dispatch(&self, event: Arc<Event>) {
        if let Event::ChatChanged { chat, .. } = &*event {
            self.chats.put(chat);
        }
        let topics = self.topics.read().expect("hub lock");
        // A socket subscribed to several of the event's topics gets it once. Most events reach
        // one topic with subscribers, which needs no bookkeeping.
        let reached = event.topics().filter(|t| topics.contains_key(t)).count();
        let mut seen = (reached > 1).then(std::collections::HashSet::<ConnId>::new);
        for topic in event.topics() {
            let Some(subs) = topics.get(&topic) else {
                continue;
            };
            for (conn, sub) in subs {
                if let Some(seen) = seen.as_mut()
                    && !seen.insert(*conn)
                {
                    continue;
                }
                if sub.tx.try_send(event.clone()).is_err() {
                    metrics::counter!("refdesk_ws_lagged_total").increment(1);
                    sub.lag.mark();
                }
            }
        }
    }

    /// Marks every socket as lagging (after the bus may have lost events, e.g. a reconnect).
    pub fn mark_all_lagged(&self) {
        let topics = self.topics.read().expect("hub lock");
        for subs in topics.values() {
            for sub in subs.values() {
                sub.lag.mark();
            }
        }
    }

    /// A patron socket of this node follows `chat`.
    pub fn patron_arrived(&self, chat: ChatId) {
        *self
            .patrons
            .lock()
            .expect("hub lock")
            .entry(chat)
            .or_default() += 1;
    }

    /// A patron socket of this node stopped following `chat`; true when it was the last one.
    pub fn patron_left(&self, chat: ChatId) -> bool {
        let mut patrons = self.patrons.lock().expect("hub lock");
        match patrons.get_mut(&chat) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            _ => {
                patrons.remove(&chat);
                true
            }
        }
    }

    /// Whether a patron socket of this node follows `chat`.
    pub fn has_patron(&self, chat: ChatId) -> bool {
        self.patrons.lock().expect("hub lock").contains_key(&chat)
    }

    /// The chats a patron socket of this node follows.
    pub fn chats_with_patrons(&self) -> Vec<ChatId> {
        self.patrons
            .lock()
            .expect("hub lock")
            .keys()
            .copied()
            .collect()
    }

    /// A staff socket of `user` opened on this node.
    pub fn staff_arrived(&self, user: UserId) {
        *self
            .staff
            .lock()
            .expect("hub lock")
            .entry(user)
            .or_default() += 1;
    }

    /// A staff socket of `user` closed on this node; true when it was their last one here.
    pub fn staff_left(&self, user: UserId) -> bool {
        let mut staff = self.staff.lock().expect("hub lock");
        match staff.get_mut(&user) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            _ => {
                staff.remove(&user);
                true
            }
        }
    }

    /// Whether `user` has a staff socket on this node.
    pub fn has_staff(&self, user: UserId) -> bool {
        self.staff.lock().expect("hub lock").contains_key(&user)
    }

    /// The staff members with a socket on this node.
    pub fn staff_here(&self) -> Vec<UserId> {
        self.staff
            .lock()
            .expect("hub lock")
            .keys()
            .copied()
            .collect()
    }

    pub fn topic_count(&self) -> usize {
        self.topics.read().expect("hub lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn typing(chat: ChatId) -> Arc<Event> {
        Arc::new(Event::Typing {
            chat_id: chat,
            from_staff: false,
            name: None,
            active: true,
        })
    }

    #[test]
    fn full_queues_mark_the_subscriber_instead_of_blocking() {
        let hub = Hub::default();
        let chat = ChatId::from(Uuid::now_v7());
        let (tx, mut rx) = mpsc::channel(1);
        let sub = Subscriber {
            tx,
            lag: Arc::default(),
        };
        hub.subscribe(Topic::Stream(chat.into()), 1, &sub);
        hub.dispatch(typing(chat));
        assert!(!sub.lag.take());
        hub.dispatch(typing(chat));
        assert!(
            sub.lag.take(),
            "second event did not fit and must mark the lag"
        );
        assert!(rx.try_recv().is_ok());
        hub.unsubscribe(Topic::Stream(chat.into()), 1);
        hub.dispatch(typing(chat));
        assert!(rx.try_recv().is_err());
        assert_eq!(hub.topic_count(), 0);
    }
}
