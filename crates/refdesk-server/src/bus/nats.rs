//! The bus between nodes, over NATS core pub/sub. Each node publishes the events it committed
//! and dispatches the events of the others to its own hub. NATS core delivers at most once; that
//! is enough, because the store is the log: when the connection drops or NATS reports this node
//! as a slow consumer, every socket is marked as lagging and catches up from the store.

use super::Bus;
use crate::events::Event;
use crate::hub::Hub;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

const SUBJECT: &str = "refdesk.events";

#[derive(Serialize, Deserialize)]
struct Envelope<E> {
    /// The node that committed the event (it has already dispatched it locally).
    node: Uuid,
    event: E,
}

#[derive(Debug)]
pub struct NatsBus {
    client: async_nats::Client,
    hub: Arc<Hub>,
    node: Uuid,
}

impl NatsBus {
    /// Connects to NATS at `url` and starts relaying other nodes' events into `hub`.
    pub async fn connect(url: &str, hub: Arc<Hub>) -> Result<Arc<NatsBus>, async_nats::Error> {
        let node = Uuid::now_v7();
        let on_event = hub.clone();
        let client = async_nats::ConnectOptions::new()
            .name(format!("refdesk-{node}"))
            .subscription_capacity(65_536)
            .event_callback(move |event| {
                let hub = on_event.clone();
                async move {
                    match event {
                        async_nats::Event::Connected | async_nats::Event::SlowConsumer(_) => {
                            // Events may have been missed meanwhile: reload from the store.
                            tracing::warn!(%event, "event bus: catching every socket up from the store");
                            hub.chats.clear();
                            hub.mark_all_lagged();
                        }
                        other => tracing::warn!(event = %other, "event bus"),
                    }
                }
            })
            .connect(url)
            .await?;
        let mut subscription = client.subscribe(SUBJECT).await?;
        let relay = hub.clone();
        tokio::spawn(async move {
            while let Some(msg) = subscription.next().await {
                match serde_json::from_slice::<Envelope<Event>>(&msg.payload) {
                    Ok(env) if env.node == node => {}
                    Ok(env) => relay.dispatch(Arc::new(env.event)),
                    Err(e) => tracing::warn!(error = %e, "event bus: undecodable event"),
                }
            }
            tracing::error!("event bus: subscription ended");
        });
        tracing::info!(node = %node, "event bus: connected to NATS");
        Ok(Arc::new(NatsBus { client, hub, node }))
    }
}

#[async_trait::async_trait]
impl Bus for NatsBus {
    async fn publish(&self, event: Arc<Event>) {
        let payload = serde_json::to_vec(&Envelope {
            node: self.node,
            event: &*event,
        });
        self.hub.dispatch(event);
        match payload {
            Ok(bytes) => {
                if let Err(e) = self.client.publish(SUBJECT, bytes.into()).await {
                    // Other nodes catch up by sequence number on their next event or reconnect.
                    metrics::counter!("refdesk_bus_publish_errors_total").increment(1);
                    tracing::warn!(error = %e, "event bus: publish failed");
                }
            }
            Err(e) => tracing::error!(error = %e, "event bus: cannot encode event"),
        }
    }
}
