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

mod nats;
pub use nats::NatsBus;

/// The bus the settings ask for: in-process when `bus` is empty, NATS for `nats://…`.
pub async fn connect(settings: &crate::Settings, hub: Arc<Hub>) -> Result<Arc<dyn Bus>, String> {
    match settings.bus.as_str() {
        "" => Ok(Arc::new(InProcessBus::new(hub))),
        url if url.starts_with("nats://") => NatsBus::connect(url, hub)
            .await
            .map(|b| b as Arc<dyn Bus>)
            .map_err(|e| format!("cannot connect to the event bus at {url}: {e}")),
        other => Err(format!(
            "unsupported bus {other:?}: leave it empty or use nats://host:port"
        )),
    }
}
