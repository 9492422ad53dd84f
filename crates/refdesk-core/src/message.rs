//! Messages of a stream (a patron chat or a staff conversation). Each has a per-stream sequence
//! number with no gaps, assigned by the store in the transaction that stores it, and a kind that
//! decides who may ever see it.
//!
//! A patron does not see every message of their chat (internal notes are staff-only), so a
//! patron-visible message also has a second number, its *patron sequence number*, counting only
//! what the patron sees: 1, 2, 3, … with no gaps either. Patrons are numbered with it
//! everywhere (frames, acks, history, resume points), so the numbers they see never tell them
//! how many notes staff wrote in between.

use crate::ids::{GuestId, MessageId, StreamId, UserId};
use crate::text::{ClientMsgId, MessageBody};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Position of a message in its stream: 1, 2, 3, … with no gaps. 0 means "nothing yet".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Seq(pub u64);

impl Seq {
    pub const ZERO: Seq = Seq(0);
    pub const fn next(self) -> Seq {
        Seq(self.0 + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Written by the patron.
    Patron,
    /// Written by staff to the patron.
    Operator,
    /// Recorded by refdesk: claimed, closed, requeued, … (shown to both sides).
    System,
    /// Staff-only: never shown to a patron, never in a patron's or emailed transcript.
    InternalNote,
    /// Written by staff to staff, in a staff conversation.
    Staff,
}

impl MessageKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageKind::Patron => "patron",
            MessageKind::Operator => "operator",
            MessageKind::System => "system",
            MessageKind::InternalNote => "internal_note",
            MessageKind::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Patron,
            Self::Operator,
            Self::System,
            Self::InternalNote,
            Self::Staff,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
    /// Whether a reader of this audience may ever see a message of this kind.
    pub const fn visible_to(self, audience: Audience) -> bool {
        match (self, audience) {
            (MessageKind::InternalNote | MessageKind::Staff, Audience::Patron) => false,
            (_, _) => true,
        }
    }
    /// Whether a message of this kind takes a patron sequence number: the kinds of a patron
    /// chat that its patron sees.
    pub const fn is_patron_numbered(self) -> bool {
        matches!(
            self,
            MessageKind::Patron | MessageKind::Operator | MessageKind::System
        )
    }
    /// Whether this kind is part of the conversation proper (and so needs an open stream).
    pub const fn is_conversation(self) -> bool {
        matches!(
            self,
            MessageKind::Patron | MessageKind::Operator | MessageKind::Staff
        )
    }
    /// Whether a message of this kind may be stored in `stream`: staff messages only in staff
    /// conversations, everything else only in patron chats.
    pub const fn belongs_in(self, stream: StreamId) -> bool {
        matches!(
            (self, stream),
            (MessageKind::Staff, StreamId::Conversation(_))
                | (
                    MessageKind::Patron
                        | MessageKind::Operator
                        | MessageKind::System
                        | MessageKind::InternalNote,
                    StreamId::Chat(_)
                )
        )
    }
}

/// The heads of a stream: its last sequence number, and its last patron sequence number (always
/// 0 for a staff conversation, which patrons never read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Heads {
    pub seq: Seq,
    pub patron_seq: Seq,
}

impl Heads {
    /// Numbers the next message, of `kind`, moving the heads: its sequence number, and its patron
    /// sequence number when it takes one.
    pub fn number(&mut self, kind: MessageKind) -> (Seq, Option<Seq>) {
        self.seq = self.seq.next();
        let patron = kind.is_patron_numbered().then(|| {
            self.patron_seq = self.patron_seq.next();
            self.patron_seq
        });
        (self.seq, patron)
    }
    /// The last number `audience` knows this stream by.
    pub const fn last_for(&self, audience: Audience) -> Seq {
        match audience {
            Audience::Staff => self.seq,
            Audience::Patron => self.patron_seq,
        }
    }
}

/// Who reads: the single switch every patron-facing path goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Patron,
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Sender {
    Patron(GuestId),
    Staff(UserId),
    System,
}

impl Sender {
    /// A stable text key, used for the per-sender uniqueness of client message ids.
    pub fn key(&self) -> String {
        match self {
            Sender::Patron(id) => format!("g:{id}"),
            Sender::Staff(id) => format!("u:{id}"),
            Sender::System => "system".to_owned(),
        }
    }
    pub fn parse_key(key: &str) -> Option<Sender> {
        match key.split_once(':') {
            Some(("g", id)) => id.parse().ok().map(Sender::Patron),
            Some(("u", id)) => id.parse().ok().map(Sender::Staff),
            _ if key == "system" => Some(Sender::System),
            _ => None,
        }
    }
}

/// A message about to be stored; the store gives it its sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub id: MessageId,
    pub stream: StreamId,
    pub kind: MessageKind,
    pub sender: Sender,
    pub body: MessageBody,
    pub client_msg_id: Option<ClientMsgId>,
    pub created_at: OffsetDateTime,
}

impl NewMessage {
    /// Whether `stored` is the same send as this one (a harmless retry) rather than a reuse of
    /// the client message id for something else.
    pub fn same_content_as(&self, stored: &Message) -> bool {
        self.kind == stored.kind && self.sender == stored.sender && self.body == stored.body
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub stream: StreamId,
    pub seq: Seq,
    /// The patron sequence number, on the messages a patron sees (see the module docs).
    pub patron_seq: Option<Seq>,
    pub kind: MessageKind,
    pub sender: Sender,
    pub body: MessageBody,
    pub client_msg_id: Option<ClientMsgId>,
    pub created_at: OffsetDateTime,
}

impl Message {
    /// `new` as stored with the numbers [`Heads::number`] gave it.
    pub fn stored(new: NewMessage, (seq, patron_seq): (Seq, Option<Seq>)) -> Message {
        Message {
            id: new.id,
            stream: new.stream,
            seq,
            patron_seq,
            kind: new.kind,
            sender: new.sender,
            body: new.body,
            client_msg_id: new.client_msg_id,
            created_at: new.created_at,
        }
    }
    pub fn visible_to(&self, audience: Audience) -> bool {
        self.kind.visible_to(audience)
    }
    /// The number `audience` knows this message by; `None` when that audience never sees it.
    pub fn seq_for(&self, audience: Audience) -> Option<Seq> {
        if !self.visible_to(audience) {
            return None;
        }
        match audience {
            Audience::Staff => Some(self.seq),
            Audience::Patron => self.patron_seq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn internal_notes_are_staff_only() {
        for kind in [
            MessageKind::Patron,
            MessageKind::Operator,
            MessageKind::System,
        ] {
            assert!(kind.visible_to(Audience::Patron));
            assert!(kind.visible_to(Audience::Staff));
        }
        for kind in [MessageKind::InternalNote, MessageKind::Staff] {
            assert!(!kind.visible_to(Audience::Patron));
            assert!(kind.visible_to(Audience::Staff));
        }
    }

    #[test]
    fn staff_messages_live_only_in_staff_conversations() {
        let chat = StreamId::Chat(Uuid::now_v7().into());
        let conversation = StreamId::Conversation(Uuid::now_v7().into());
        assert!(MessageKind::Staff.belongs_in(conversation));
        assert!(!MessageKind::Staff.belongs_in(chat));
        for kind in [
            MessageKind::Patron,
            MessageKind::Operator,
            MessageKind::System,
            MessageKind::InternalNote,
        ] {
            assert!(kind.belongs_in(chat));
            assert!(!kind.belongs_in(conversation));
        }
    }

    #[test]
    fn patrons_are_numbered_without_the_notes() {
        let mut heads = Heads::default();
        let kinds = [
            MessageKind::Patron,
            MessageKind::InternalNote,
            MessageKind::InternalNote,
            MessageKind::Operator,
            MessageKind::System,
        ];
        let numbers: Vec<_> = kinds
            .iter()
            .map(|k| {
                let (s, p) = heads.number(*k);
                (s.0, p.map(|p| p.0))
            })
            .collect();
        assert_eq!(
            numbers,
            vec![
                (1, Some(1)),
                (2, None),
                (3, None),
                (4, Some(2)),
                (5, Some(3))
            ]
        );
        assert_eq!(heads.last_for(Audience::Staff), Seq(5));
        assert_eq!(heads.last_for(Audience::Patron), Seq(3));
        assert!(!MessageKind::Staff.is_patron_numbered());
    }

    #[test]
    fn sender_keys_round_trip() {
        let id = Uuid::now_v7();
        for s in [
            Sender::Patron(id.into()),
            Sender::Staff(id.into()),
            Sender::System,
        ] {
            assert_eq!(Sender::parse_key(&s.key()), Some(s));
        }
        assert_eq!(Sender::parse_key("x:1"), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in [
            MessageKind::Patron,
            MessageKind::Operator,
            MessageKind::System,
            MessageKind::InternalNote,
            MessageKind::Staff,
        ] {
            assert_eq!(MessageKind::parse(k.as_str()), Some(k));
        }
    }
}
