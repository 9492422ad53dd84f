//! How a transfer's target and state are kept in two columns each (a kind and an id), the same
//! in every backend.

use refdesk_core::{TransferState, TransferTarget, UserId};
use uuid::Uuid;

/// The `target_kind` and `target_id` columns of a target.
pub fn transfer_target_parts(target: TransferTarget) -> (&'static str, Uuid) {
    match target {
        TransferTarget::Operator(u) => ("operator", u.into()),
        TransferTarget::Department(d) => ("department", d.into()),
        TransferTarget::Coop(c) => ("coop", c.into()),
    }
}

/// The target stored as `kind` and `id`; `None` for an unknown kind.
pub fn transfer_target(kind: &str, id: Uuid) -> Option<TransferTarget> {
    Some(match kind {
        "operator" => TransferTarget::Operator(id.into()),
        "department" => TransferTarget::Department(id.into()),
        "coop" => TransferTarget::Coop(id.into()),
        _ => return None,
    })
}

/// The `state` and `decided_by` columns of a state.
pub fn transfer_state_parts(state: TransferState) -> (&'static str, Option<UserId>) {
    match state {
        TransferState::Offered => ("offered", None),
        TransferState::Accepted { by } => ("accepted", Some(by)),
        TransferState::Declined { by } => ("declined", Some(by)),
        TransferState::Expired => ("expired", None),
        TransferState::Cancelled => ("cancelled", None),
    }
}

/// The state stored as `state` and `by`; `None` when they contradict each other.
pub fn transfer_state(state: &str, by: Option<UserId>) -> Option<TransferState> {
    Some(match (state, by) {
        ("offered", None) => TransferState::Offered,
        ("accepted", Some(by)) => TransferState::Accepted { by },
        ("declined", Some(by)) => TransferState::Declined { by },
        ("expired", None) => TransferState::Expired,
        ("cancelled", None) => TransferState::Cancelled,
        _ => return None,
    })
}
