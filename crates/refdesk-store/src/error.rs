//! The one error type of every backend.

/// A refused write that the caller may want to explain to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("it already exists")]
    AlreadyExists,
    #[error("the chat changed in the meantime")]
    StateChanged,
    #[error("this client message id was already used for another message")]
    ClientIdReused,
    #[error("the chat has ended")]
    ChatEnded,
    #[error("the patron already has an open chat")]
    OpenChatExists,
    #[error("this kind of message does not belong in this kind of conversation")]
    WrongStream,
    #[error("it is still in use")]
    InUse,
    #[error("the chat already has a transfer pending")]
    TransferPending,
    #[error("the chat has not ended")]
    ChatOpen,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(Conflict),
    #[error("storage failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other(Box::new(e))
    }
    /// A row that contradicts the schema's rules (should not happen; reported, not hidden).
    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Other(what.into().into())
    }
}

impl From<Conflict> for StoreError {
    fn from(c: Conflict) -> Self {
        StoreError::Conflict(c)
    }
}
