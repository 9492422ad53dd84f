//! Turning sqlx errors into `StoreError`. The schema's constraints are where races are decided
//! (one open chat per patron, unique slugs and emails, unique client message ids), so their
//! violations are domain conflicts, not failures; serialization failures and deadlocks are
//! transient and worth a retry.

use refdesk_store::{Conflict, StoreError};
use sqlx::error::ErrorKind;
use std::sync::Arc;

/// The partial unique index that allows one open chat per guest.
pub(crate) const ONE_OPEN_CHAT: &str = "chats_one_open_per_guest";
/// The unique key of client message ids: chat, sender, client id.
pub(crate) const CLIENT_MSG_ID: &str = "messages_client_msg_id_key";

/// Maps a database error to what it means for the caller.
pub(crate) fn store_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => match db.constraint() {
                Some(ONE_OPEN_CHAT) => Conflict::OpenChatExists.into(),
                Some(CLIENT_MSG_ID) => Conflict::ClientIdReused.into(),
                _ => Conflict::AlreadyExists.into(),
            },
            // A reference to a row that does not exist (an unknown institution, widget, …).
            ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ => StoreError::other(e),
        },
        _ => StoreError::other(e),
    }
}

/// Whether the transaction failed only because of a concurrent one, and may simply run again.
pub(crate) fn is_retryable(e: &sqlx::Error) -> bool {
    match e {
        // serialization_failure, deadlock_detected
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("40001" | "40P01")),
        _ => false,
    }
}

/// Whether the error came from the database itself (the connection is still usable), rather
/// than from the network or the driver.
pub(crate) fn is_from_database(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(_))
}

/// A row that breaks the schema's rules (a value the domain types refuse).
pub(crate) fn corrupt(what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("corrupt row: {what}").into())
}

/// One failure shared by every message of a batch that could not be committed.
#[derive(Debug, Clone)]
pub(crate) struct BatchFailed(pub(crate) Arc<sqlx::Error>);

impl std::fmt::Display for BatchFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the batch of messages was not committed: {}", self.0)
    }
}

impl std::error::Error for BatchFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// The writer task is gone (the store is shutting down).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WriterGone;

impl std::fmt::Display for WriterGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the message writer has stopped")
    }
}

impl std::error::Error for WriterGone {}

/// The writer hit a bug while committing a batch; the batch may or may not have been stored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WriterPanicked;

impl std::fmt::Display for WriterPanicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the message writer failed while committing this batch")
    }
}

impl std::error::Error for WriterPanicked {}
