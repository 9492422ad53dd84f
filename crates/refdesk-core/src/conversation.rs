//! Staff conversations: logs among staff, beside patron chats, with the same sequenced,
//! acknowledged, resumable messages (see [`crate::StreamId`]). A conversation is a direct (1:1)
//! one between two colleagues, a co-op's room (everyone who may monitor the co-op), an
//! institution's room (its staff), or a room someone made and invited colleagues to. Who is in
//! a co-op's or an institution's room follows the grants, so it is never stored; a direct
//! conversation's and a made room's members are.

use crate::access::StaffPrincipal;
use crate::ids::{ConversationId, CoopId, InstitutionId, UserId};
use crate::message::{MessageKind, Seq};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What kind of conversation, and whose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConversationKind {
    /// Two colleagues.
    #[default]
    Direct,
    /// Everyone who may monitor this co-op.
    Coop { coop: CoopId },
    /// Everyone on this institution's staff.
    Institution { institution: InstitutionId },
    /// A room someone made, with the colleagues they invited.
    Room { name: String },
}

impl ConversationKind {
    pub const fn as_str(&self) -> &'static str {
        match self {
            ConversationKind::Direct => "direct",
            ConversationKind::Coop { .. } => "coop",
            ConversationKind::Institution { .. } => "institution",
            ConversationKind::Room { .. } => "room",
        }
    }
    /// Whether its members are stored (a direct conversation's two, a made room's).
    pub const fn has_stored_members(&self) -> bool {
        matches!(
            self,
            ConversationKind::Direct | ConversationKind::Room { .. }
        )
    }
}

/// The longest name of a room, in characters.
pub const MAX_ROOM_NAME_CHARS: usize = 80;
/// The most colleagues invited to a room at its making.
pub const MAX_INVITED: usize = 50;

/// A staff conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    #[serde(default)]
    pub kind: ConversationKind,
    /// Who takes part, in id order, when stored: a direct conversation has exactly two, a made
    /// room its creator and whom they invited; a co-op's or institution's room none (its
    /// members follow the grants, [`Conversation::admits`]).
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
    #[error("a room needs a name of 1 to 80 characters, without control characters")]
    RoomName,
    #[error("at most 50 colleagues are invited to a room at once")]
    TooManyInvited,
    #[error("only a room someone made takes invitations")]
    NotInvitable,
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
            kind: ConversationKind::Direct,
            members: direct_pair(a, b).to_vec(),
            created_at: now,
            last_seq: Seq::ZERO,
        })
    }

    /// The room of a co-op or an institution (one each, made on first use).
    pub fn scoped_room(id: ConversationId, kind: ConversationKind, now: OffsetDateTime) -> Self {
        Conversation {
            id,
            kind,
            members: Vec::new(),
            created_at: now,
            last_seq: Seq::ZERO,
        }
    }

    /// A room `creator` makes, with a name, and the colleagues they invite at once.
    pub fn room(
        id: ConversationId,
        name: &str,
        creator: UserId,
        invited: &[UserId],
        now: OffsetDateTime,
    ) -> Result<Conversation, ConversationError> {
        let name = name.trim();
        if name.chars().count() > MAX_ROOM_NAME_CHARS
            || crate::text::DisplayName::parse(name).is_err()
        {
            return Err(ConversationError::RoomName);
        }
        if invited.len() > MAX_INVITED {
            return Err(ConversationError::TooManyInvited);
        }
        let mut members: Vec<UserId> = invited.to_vec();
        members.push(creator);
        members.sort();
        members.dedup();
        Ok(Conversation {
            id,
            kind: ConversationKind::Room {
                name: name.to_owned(),
            },
            members,
            created_at: now,
            last_seq: Seq::ZERO,
        })
    }

    /// Whether `user` is one of its stored members (direct conversations and made rooms).
    pub fn is_member(&self, user: UserId) -> bool {
        self.members.contains(&user)
    }

    /// Whether `staff` takes part: a stored member, or (a co-op's or institution's room) one
    /// whose grants cover its co-op or institution now.
    pub fn admits(&self, staff: &StaffPrincipal) -> bool {
        match &self.kind {
            ConversationKind::Direct | ConversationKind::Room { .. } => self.is_member(staff.id()),
            ConversationKind::Coop { coop } => staff.may_monitor_coop(*coop),
            ConversationKind::Institution { institution } => {
                staff.institutions.binary_search(institution).is_ok()
            }
        }
    }

    /// Whether `staff` may write a message of `kind` here: those it admits, staff messages.
    pub fn may_send(
        &self,
        staff: &StaffPrincipal,
        kind: MessageKind,
    ) -> Result<(), ConversationError> {
        match kind {
            MessageKind::Staff if self.admits(staff) => Ok(()),
            _ => Err(ConversationError::NotMember),
        }
    }

    /// Whether `by` may invite colleagues here: a member of a made room.
    pub fn may_invite(&self, by: UserId) -> Result<(), ConversationError> {
        match self.kind {
            ConversationKind::Room { .. } if self.is_member(by) => Ok(()),
            ConversationKind::Room { .. } => Err(ConversationError::NotMember),
            _ => Err(ConversationError::NotInvitable),
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

    fn staff(n: u128, institution: u128) -> StaffPrincipal {
        StaffPrincipal::new(crate::directory::User {
            id: user(n),
            institution_id: Uuid::from_u128(institution).into(),
            email: crate::text::Email::parse("x@y.example").unwrap(),
            name: crate::text::DisplayName::parse("X").unwrap(),
            role: crate::directory::Role::Operator,
        })
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
        assert!(c.may_send(&staff(2, 10), MessageKind::Staff).is_ok());
        for (who, kind) in [
            (staff(3, 10), MessageKind::Staff),
            (staff(1, 10), MessageKind::Operator),
            (staff(1, 10), MessageKind::InternalNote),
        ] {
            assert_eq!(c.may_send(&who, kind), Err(ConversationError::NotMember));
        }
        assert_eq!(c.may_invite(user(1)), Err(ConversationError::NotInvitable));
    }

    #[test]
    fn rooms_admit_by_grant_or_invitation() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let riverside = ConversationKind::Institution {
            institution: Uuid::from_u128(10).into(),
        };
        let room = Conversation::scoped_room(Uuid::from_u128(8).into(), riverside, now);
        assert!(room.admits(&staff(1, 10)));
        assert!(!room.admits(&staff(2, 11)));
        let coop = CoopId::from(Uuid::from_u128(50));
        let coop_room = Conversation::scoped_room(
            Uuid::from_u128(7).into(),
            ConversationKind::Coop { coop },
            now,
        );
        let may = StaffPrincipal::evaluate(
            staff(3, 11).user,
            &[crate::Grant::MonitorCoop(coop)],
            &[],
            &[],
        );
        assert!(
            coop_room.admits(&may),
            "may monitor it, even while not monitoring"
        );
        assert!(!coop_room.admits(&staff(1, 10)));
        let made = Conversation::room(
            Uuid::from_u128(6).into(),
            " Reference desk ",
            user(1),
            &[user(2)],
            now,
        )
        .unwrap();
        assert_eq!(
            made.kind,
            ConversationKind::Room {
                name: "Reference desk".into()
            }
        );
        assert_eq!(made.members, vec![user(1), user(2)]);
        assert!(made.admits(&staff(2, 11)) && !made.admits(&staff(3, 10)));
        assert!(made.may_invite(user(2)).is_ok());
        assert_eq!(made.may_invite(user(3)), Err(ConversationError::NotMember));
        assert_eq!(
            Conversation::room(Uuid::from_u128(5).into(), "  ", user(1), &[], now),
            Err(ConversationError::RoomName)
        );
        assert_eq!(
            Conversation::room(
                Uuid::from_u128(5).into(),
                "a\u{202e}b\nc",
                user(1),
                &[],
                now
            ),
            Err(ConversationError::RoomName)
        );
        let many: Vec<UserId> = (10..61).map(user).collect();
        assert_eq!(
            Conversation::room(Uuid::from_u128(5).into(), "Big", user(1), &many, now),
            Err(ConversationError::TooManyInvited)
        );
    }
}
