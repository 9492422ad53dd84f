//! Staff conversations: logs among staff, beside patron chats, with the same sequenced,
//! acknowledged, resumable messages (see [`crate::StreamId`]). Today a conversation is a direct
//! (1:1) one between two colleagues; rooms will be conversations with more members.

use crate::ids::{ConversationId, UserId};
use crate::message::{MessageKind, Sender, Seq};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A staff conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    /// Who takes part, in id order. A direct conversation has exactly two.
    pub members: Vec<UserId>,
    pub created_at: OffsetDateTime,
    /// The head its next message is numbered from.
    pub last_seq: Seq,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    #[error("a direct conversation needs two different people")]
    WithSelf,
    #[error("only the members of a conversation may write in it")]
    NotMember,
}

impl Conversation {
    /// A new direct conversation between `a` and `b` (in either order).
    pub fn direct(
        id: ConversationId,
        a: UserId,
        b: UserId,
        now: OffsetDateTime,
    ) -> Result<Conversation, ConversationError> {
        if a == b {
            return Err(ConversationError::WithSelf);
        }
        Ok(Conversation {
            id,
            members: direct_pair(a, b).to_vec(),
            created_at: now,
            last_seq: Seq::ZERO,
        })
    }

    pub fn is_member(&self, user: UserId) -> bool {
        self.members.contains(&user)
    }

    /// Whether `sender` may write a message of `kind` here: members, staff messages.
    pub fn may_send(&self, sender: Sender, kind: MessageKind) -> Result<(), ConversationError> {
        match (sender, kind) {
            (Sender::Staff(user), MessageKind::Staff) if self.is_member(user) => Ok(()),
            _ => Err(ConversationError::NotMember),
        }
    }
}

/// The two members of a direct conversation in the order it is stored under: the pair names
/// one conversation whoever opens it.
pub fn direct_pair(a: UserId, b: UserId) -> [UserId; 2] {
    if a <= b { [a, b] } else { [b, a] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::GuestId;
    use uuid::Uuid;

    fn user(n: u128) -> UserId {
        UserId::from(Uuid::from_u128(n))
    }

    #[test]
    fn a_direct_conversation_is_one_pair_whoever_opens_it() {
        let id = ConversationId::from(Uuid::from_u128(9));
        let now = OffsetDateTime::UNIX_EPOCH;
        let ab = Conversation::direct(id, user(1), user(2), now).unwrap();
        let ba = Conversation::direct(id, user(2), user(1), now).unwrap();
        assert_eq!(ab, ba);
        assert_eq!(ab.members, vec![user(1), user(2)]);
        assert_eq!(
            Conversation::direct(id, user(1), user(1), now),
            Err(ConversationError::WithSelf)
        );
    }

    #[test]
    fn only_members_write_and_only_staff_messages() {
        let c = Conversation::direct(
            Uuid::from_u128(9).into(),
            user(1),
            user(2),
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert!(
            c.may_send(Sender::Staff(user(2)), MessageKind::Staff)
                .is_ok()
        );
        for (sender, kind) in [
            (Sender::Staff(user(3)), MessageKind::Staff),
            (Sender::Staff(user(1)), MessageKind::Operator),
            (Sender::Staff(user(1)), MessageKind::InternalNote),
            (
                Sender::Patron(GuestId::from(Uuid::from_u128(1))),
                MessageKind::Staff,
            ),
            (Sender::System, MessageKind::Staff),
        ] {
            assert_eq!(c.may_send(sender, kind), Err(ConversationError::NotMember));
        }
    }
}
