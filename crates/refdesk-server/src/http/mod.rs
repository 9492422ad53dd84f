//! REST handlers. Each is thin: extract (caller, state, body), call the service, map the result.

pub mod attachments;
pub mod auth;
pub mod canned;
pub mod chats;
pub mod conversations;
pub mod coops;
pub mod departments;
pub mod directory;
pub mod faq_page;
pub mod faqs;
pub mod health;
pub mod institutions;
mod json;
pub mod mail;
pub mod monitoring;
pub mod pages;
pub mod ratings;
pub mod staff;
pub mod tags;
pub mod tickets;
pub mod transfers;
pub mod widgets;

pub use json::{Json, Path, Query};
