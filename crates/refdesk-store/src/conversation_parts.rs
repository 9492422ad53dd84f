//! How a conversation's kind is kept in columns (a kind, a scope, a name, a direct pair), the
//! same in every backend.

use refdesk_core::{ConversationKind, UserId};
use uuid::Uuid;

/// The `kind`, `scope_id` and `name` columns of a conversation's kind.
pub fn conversation_kind_parts(k: &ConversationKind) -> (&'static str, Option<Uuid>, Option<&str>) {
    match k {
        ConversationKind::Direct => ("direct", None, None),
        ConversationKind::Coop { coop } => ("coop", Some((*coop).into()), None),
        ConversationKind::Institution { institution } => {
            ("institution", Some((*institution).into()), None)
        }
        ConversationKind::Room { name } => ("room", None, Some(name.as_str())),
    }
}

/// The kind and members of a stored conversation: its columns, and a made room's members (read
/// from `conversation_members`); `None` when the columns contradict each other.
pub fn conversation_kind(
    kind: &str,
    scope: Option<Uuid>,
    name: Option<&str>,
    pair: (Option<Uuid>, Option<Uuid>),
    room_members: Vec<UserId>,
) -> Option<(ConversationKind, Vec<UserId>)> {
    Some(match (kind, scope, name, pair) {
        ("direct", _, _, (Some(a), Some(b))) => {
            (ConversationKind::Direct, vec![a.into(), b.into()])
        }
        ("coop", Some(c), _, _) => (ConversationKind::Coop { coop: c.into() }, vec![]),
        ("institution", Some(i), _, _) => (
            ConversationKind::Institution {
                institution: i.into(),
            },
            vec![],
        ),
        ("room", _, Some(name), _) => (
            ConversationKind::Room {
                name: name.to_owned(),
            },
            room_members,
        ),
        _ => return None,
    })
}
