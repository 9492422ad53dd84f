//! The chat operations shared by the REST handlers and the WebSocket sessions. Each one checks
//! access, asks core whether the command is allowed, lets the store decide races, and publishes
//! what was committed, in that order: persist, then broadcast.

pub mod accounting;
mod attachments;
mod board;
mod chats;
mod conversations;
pub mod faq_files;
pub mod faqs;
mod grants;
mod monitoring;
mod outbound;
mod presence;
pub mod privacy;
pub mod reports;
mod retention;
mod routing;
mod send;
mod ticket_mail;
pub mod tickets;
pub mod transcripts;
mod transfer_targets;
mod transfer_views;
mod transfers;
mod typing;
mod views;

pub use chats::ChatFailure;
pub use send::Outgoing;
pub use transfers::TransferAction;

use time::OffsetDateTime;

/// Now, to the microsecond (what the stores keep).
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .expect("valid nanosecond")
}

pub fn new_id<T: From<uuid::Uuid>>() -> T {
    uuid::Uuid::now_v7().into()
}
