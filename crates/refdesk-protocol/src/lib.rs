//! The wire: every type refdesk serializes for a client, REST bodies and WebSocket frames, and
//! the conversions from domain types into them. No other crate's types are sent to clients, so
//! what a patron can ever receive is decided here (see [`views`]).
#![forbid(unsafe_code)]

pub mod admin;
pub mod attachments;
pub mod canned;
pub mod coops;
pub mod error;
pub mod faqs;
pub mod frames;
pub mod mail;
pub mod monitoring;
pub mod policy;
pub mod reports;
pub mod rest;
pub mod tags;
pub mod tickets;
pub mod transcripts;
pub mod transfers;
pub mod views;
pub mod widgets;

pub use admin::*;
pub use attachments::*;
pub use canned::*;
pub use coops::*;
pub use error::{ErrorBody, ErrorDetail};
pub use faqs::*;
pub use frames::{Answering, ClientFrame, ResumePoint, SendKind, ServerFrame, stream_of};
pub use mail::*;
pub use monitoring::*;
pub use policy::*;
pub use reports::*;
pub use rest::*;
pub use tags::*;
pub use tickets::*;
pub use transcripts::*;
pub use transfers::*;
pub use views::*;
pub use widgets::*;

/// Largest WebSocket text frame refdesk reads, in bytes; larger frames get a `frame_too_large`
/// error frame. (The transport refuses anything over four times this by closing the socket.)
pub const MAX_FRAME_BYTES: usize = 16 * 1024;
