//! The bus carries committed events to every node's hub. With one node it is a direct call; with
//! several it is NATS. The bus only wakes: a node that misses an event still delivers everything
//! because sockets fill gaps from the store by sequence number.

use crate::events::Event;
use crate::hub::Hub;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Bus: Send + Sync + std::fmt::Debug + 'static {
    /// Delivers `event` to this node's hub and to every other node's.
    async fn publish(&self, event: Arc<Event>);
}

/// One node: events go straight to the local hub.
#[derive(Debug)]
pub struct InProcessBus {
    hub: Arc<Hub>,
}

impl InProcessBus {
    pub fn new(hub: Arc<Hub>) -> Self {
        Self { hub }
    }
}

#[async_trait::async_trait]
impl Bus for InProcessBus {
    async fn publish(&self, event: Arc<Event>) {
        self.hub.dispatch(event);
    }
}
