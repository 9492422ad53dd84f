//! The refdesk server: the axum router and its handlers, WebSocket sessions, authentication,
//! the hub that fans committed events out to sockets, and the bus between nodes.
#![forbid(unsafe_code)]

pub mod admin;
pub mod assets;
pub mod auth;
pub mod browser;
pub mod bus;
pub mod cache;
pub mod clock;
pub mod demo;
mod demo_faqs;
mod demo_tickets;
pub mod error;
pub mod events;
pub mod files;
pub mod http;
pub mod hub;
pub mod limits;
pub mod mail;
pub mod markdown;
pub mod metrics;
pub mod passwords;
pub mod router;
pub mod service;
pub mod session_use;
pub mod settings;
pub mod state;
pub mod store;
pub mod timers;
pub mod totp;
mod ws;

pub use settings::Settings;
pub use state::AppState;

use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A bound, ready server: the address it listens on and the future that serves.
pub struct Server {
    pub addr: SocketAddr,
    listener: TcpListener,
    app: axum::Router,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds the listener (port 0 picks a free port) for `app`.
    pub async fn bind(listen: SocketAddr, app: axum::Router) -> std::io::Result<Server> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        Ok(Server {
            addr,
            listener,
            app,
        })
    }

    /// Serves until `shutdown` resolves.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        // Chat frames are small and must go out at once, not wait for Nagle's algorithm.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "cannot set TCP_NODELAY");
            }
        });
        axum::serve(
            listener,
            self.app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}
