//! `AppState`: what every handler and socket shares: settings, the store, the hub and bus, the
//! name cache and the metrics handle. Cheap to clone.

use crate::bus::{Bus, InProcessBus};
use crate::cache::{NameCache, PolicyCache};
use crate::clock::{Clock, SystemClock};
use crate::events::Event;
use crate::hub::Hub;
use crate::settings::Settings;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use refdesk_core::Timing;
use refdesk_store::DynStore;
use std::sync::{Arc, OnceLock};
use time::OffsetDateTime;
use tokio::sync::Notify;

#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    settings: Settings,
    store: DynStore,
    hub: Arc<Hub>,
    bus: Arc<dyn Bus>,
    names: NameCache,
    policies: PolicyCache,
    staff_frames: crate::cache::FrameCache,
    clock: Arc<dyn Clock>,
    timing: Timing,
    /// Woken when this node sets a timer, so the timer task looks at the store again.
    timers_changed: Notify,
    limits: crate::limits::Limits,
    /// This node's id, for its leases in the store (new at every start).
    node_id: uuid::Uuid,
    /// Where mail goes, or why the mail settings are wrong (then every attempt fails with it).
    mailer: Result<crate::mail::Mailer, String>,
    /// Woken when this node queues a mail, so the outbox task sends it at once.
    mail_queued: Notify,
    /// Where sent files are kept, or why that folder cannot be used.
    files: Result<crate::files::FileStore, String>,
    /// When staff sessions were last used, for the idle timeout.
    session_use: crate::session_use::SessionUse,
}

impl AppState {
    /// A node with the in-process bus (one node).
    pub fn new(settings: Settings, store: DynStore) -> Self {
        let hub = Arc::new(Hub::default());
        let bus: Arc<dyn Bus> = Arc::new(InProcessBus::new(hub.clone()));
        Self::with_bus(settings, store, hub, bus)
    }

    /// A node with the bus its settings name (NATS for several nodes).
    pub async fn connect(settings: Settings, store: DynStore) -> Result<Self, String> {
        let hub = Arc::new(Hub::default());
        let bus = crate::bus::connect(&settings, hub.clone()).await?;
        Ok(Self::with_bus(settings, store, hub, bus))
    }

    pub fn with_bus(settings: Settings, store: DynStore, hub: Arc<Hub>, bus: Arc<dyn Bus>) -> Self {
        Self::with_clock(settings, store, hub, bus, Arc::new(SystemClock))
    }

    /// A node whose time comes from `clock` (a `ManualClock` in tests).
    pub fn with_clock(
        settings: Settings,
        store: DynStore,
        hub: Arc<Hub>,
        bus: Arc<dyn Bus>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let timing = settings.timing();
        let limits = crate::limits::Limits::new(&settings);
        let mailer = crate::mail::Mailer::from_settings(&settings);
        let files = crate::files::FileStore::from_settings(&settings);
        AppState(Arc::new(Inner {
            files,
            mailer,
            mail_queued: Notify::new(),
            limits,
            settings,
            store,
            hub,
            bus,
            names: NameCache::default(),
            staff_frames: crate::cache::FrameCache::default(),
            policies: PolicyCache::default(),
            clock,
            timing,
            timers_changed: Notify::new(),
            node_id: uuid::Uuid::now_v7(),
            session_use: crate::session_use::SessionUse::default(),
        }))
    }

    /// Now, by this node's clock.
    pub fn now(&self) -> OffsetDateTime {
        self.0.clock.now()
    }
    pub fn session_use(&self) -> &crate::session_use::SessionUse {
        &self.0.session_use
    }

    /// The instant before which a staff session's last use makes it idle (the epoch, with no
    /// idle limit).
    pub fn idle_since(&self) -> OffsetDateTime {
        match self.settings().session_idle_minutes {
            0 => OffsetDateTime::UNIX_EPOCH,
            m => self.now() - time::Duration::minutes(i64::from(m)),
        }
    }

    /// Records that `session` was used now (at most once a minute per node).
    pub async fn session_used(&self, session: refdesk_store::TokenHash) {
        let now = self.now();
        if self.session_use().due(session, now)
            && let Err(e) = self.store().touch_sessions(&[session], now).await
        {
            tracing::warn!(error = %e, "recording a session's use failed");
        }
    }

    /// Records that every session with a dashboard socket open on this node is in use.
    pub async fn open_sessions_used(&self) {
        let open = self.session_use().open_sessions();
        if !open.is_empty()
            && let Err(e) = self.store().touch_sessions(&open, self.now()).await
        {
            tracing::warn!(error = %e, "recording open sessions' use failed");
        }
    }

    pub fn limits(&self) -> &crate::limits::Limits {
        &self.0.limits
    }
    pub fn timing(&self) -> &Timing {
        &self.0.timing
    }
    pub(crate) fn timers_changed(&self) -> &Notify {
        &self.0.timers_changed
    }
    pub fn mailer(&self) -> Result<&crate::mail::Mailer, &str> {
        self.0.mailer.as_ref().map_err(String::as_str)
    }
    pub fn files(&self) -> Result<&crate::files::FileStore, &str> {
        self.0.files.as_ref().map_err(String::as_str)
    }
    pub(crate) fn mail_queued(&self) -> &Notify {
        &self.0.mail_queued
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }
    pub fn store(&self) -> &DynStore {
        &self.0.store
    }
    pub fn hub(&self) -> &Arc<Hub> {
        &self.0.hub
    }
    pub fn names(&self) -> &NameCache {
        &self.0.names
    }
    pub fn node_id(&self) -> uuid::Uuid {
        self.0.node_id
    }
    pub fn policies(&self) -> &PolicyCache {
        &self.0.policies
    }
    pub fn staff_frames(&self) -> &crate::cache::FrameCache {
        &self.0.staff_frames
    }

    /// Sends a committed event to every node's sockets.
    pub async fn publish(&self, event: Event) {
        self.0.bus.publish(Arc::new(event)).await;
    }
}

/// The process-wide Prometheus recorder (installed once, however many servers a test starts).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(&[
                    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                    1.0,
                ])
                .expect("valid buckets")
                .set_buckets_for_metric(
                    Matcher::Suffix("batch_size".into()),
                    &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0],
                )
                .expect("valid buckets")
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn recorded_metrics_are_rendered() {
        let handle = super::metrics_handle();
        metrics::counter!("refdesk_test_total").increment(1);
        assert!(
            handle.render().contains("refdesk_test_total 1"),
            "{}",
            handle.render()
        );
    }
}
