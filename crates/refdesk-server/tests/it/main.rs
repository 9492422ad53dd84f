//! Integration tests: the real server on 127.0.0.1:0 with a real store (a temporary SQLite file,
//! or PostgreSQL when REFDESK_TEST_DATABASE_URL is set), driven over real HTTP and WebSockets.

mod access;
mod admin;
mod app;
mod attachments;
mod canned;
mod chat_flow;
mod claims;
mod conversations;
mod coops;
mod errors;
mod fanout;
mod faq_files;
mod faqs;
mod frames;
mod guests;
mod hardening;
mod isolation;
mod mail;
mod matrix;
mod monitoring;
mod openapi;
mod outbound;
mod policies;
mod presence;
mod ratings;
mod resume;
mod rooms;
mod routing;
mod smtp;
mod tags;
mod tickets;
mod timers;
mod transfers;
mod widgets;
mod ws;
