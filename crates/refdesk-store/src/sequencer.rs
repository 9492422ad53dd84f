//! Group commit, the pure part: given a batch of messages to append and what the database holds
//! for their streams (last sequence number, whether it is open, already-stored client ids),
//! decide for each message whether it is inserted (and with which sequence number), answered as
//! a retry, or refused. Backends run this inside one write transaction per batch, so sequence
//! numbers stay gap-free and a retry is never stored twice, however many senders share the
//! batch. Patron chats and staff conversations go through it alike: a batch may mix both.

use crate::error::{Conflict, StoreError};
use refdesk_core::{ChatStatus, Heads, Message, NewMessage, StreamId};
use std::collections::HashMap;

/// What the database says about one stream, read under the write lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHead {
    /// Whether conversation messages are still taken (a chat that has not ended).
    pub open: bool,
    pub heads: Heads,
}

impl StreamHead {
    /// The head of a patron chat in `status`.
    pub fn of_chat(status: ChatStatus, heads: Heads) -> StreamHead {
        StreamHead {
            open: status.is_open(),
            heads,
        }
    }
    /// The head of a staff conversation (always open; patrons never number it).
    pub fn of_conversation(last_seq: refdesk_core::Seq) -> StreamHead {
        StreamHead {
            open: true,
            heads: Heads {
                seq: last_seq,
                patron_seq: refdesk_core::Seq::ZERO,
            },
        }
    }
}

/// The uniqueness key of a client message id: stream, sender key, client id.
pub type ClientKey = (StreamId, String, String);

pub fn client_key(m: &NewMessage) -> Option<ClientKey> {
    m.client_msg_id
        .as_ref()
        .map(|c| (m.stream, m.sender.key(), c.as_str().to_owned()))
}

/// The decision for one message of the batch, in the order they were given.
#[derive(Debug)]
pub enum Planned {
    Insert(Message),
    Duplicate(Message),
    Refused(StoreError),
}

/// The whole plan: decisions, plus each touched stream's new heads.
#[derive(Debug, Default)]
pub struct Plan {
    pub decisions: Vec<Planned>,
    pub new_heads: HashMap<StreamId, Heads>,
}

impl Plan {
    pub fn inserts(&self) -> impl Iterator<Item = &Message> {
        self.decisions.iter().filter_map(|d| match d {
            Planned::Insert(m) => Some(m),
            _ => None,
        })
    }
}

/// The ended chats that `plan` adds internal notes to: their words, indexed for transcript
/// search when they ended, are to be written again (notes are the one thing an ended chat
/// takes).
pub fn notes_after_end(
    plan: &Plan,
    heads: &HashMap<StreamId, StreamHead>,
) -> Vec<refdesk_core::ChatId> {
    let mut chats = Vec::new();
    for m in plan.inserts() {
        if let StreamId::Chat(id) = m.stream
            && m.kind == refdesk_core::MessageKind::InternalNote
            && heads.get(&m.stream).is_some_and(|h| !h.open)
            && !chats.contains(&id)
        {
            chats.push(id);
        }
    }
    chats
}

/// Plans a batch. `heads` must hold every stream the database knows among the batch's streams
/// (a chat under `StreamId::Chat`, a conversation under `StreamId::Conversation`: an id of the
/// wrong kind is not found); `stored` every already-stored message whose client key appears in
/// the batch.
pub fn plan(
    batch: Vec<NewMessage>,
    heads: &HashMap<StreamId, StreamHead>,
    stored: &HashMap<ClientKey, Message>,
) -> Plan {
    let mut plan = Plan::default();
    let mut in_batch: HashMap<ClientKey, usize> = HashMap::new();
    for m in batch {
        let Some(head) = heads.get(&m.stream) else {
            plan.decisions.push(Planned::Refused(StoreError::NotFound));
            continue;
        };
        let key = client_key(&m);
        let earlier = key.as_ref().and_then(|k| {
            stored.get(k).cloned().or_else(|| {
                in_batch.get(k).and_then(|&i| match &plan.decisions[i] {
                    Planned::Insert(msg) => Some(msg.clone()),
                    _ => None,
                })
            })
        });
        if let Some(original) = earlier {
            plan.decisions.push(if m.same_content_as(&original) {
                Planned::Duplicate(original)
            } else {
                Planned::Refused(Conflict::ClientIdReused.into())
            });
            continue;
        }
        if !m.kind.belongs_in(m.stream) {
            plan.decisions
                .push(Planned::Refused(Conflict::WrongStream.into()));
            continue;
        }
        if m.kind.is_conversation() && !head.open {
            plan.decisions
                .push(Planned::Refused(Conflict::ChatEnded.into()));
            continue;
        }
        let numbers = plan
            .new_heads
            .entry(m.stream)
            .or_insert(head.heads)
            .number(m.kind);
        if let Some(k) = key {
            in_batch.insert(k, plan.decisions.len());
        }
        plan.decisions
            .push(Planned::Insert(Message::stored(m, numbers)));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use refdesk_core::{
        ChatId, ClientMsgId, ConversationId, MessageBody, MessageKind, Sender, Seq,
    };
    use time::OffsetDateTime;
    use uuid::Uuid;

    fn msg(chat: impl Into<StreamId>, client: &str, body: &str) -> NewMessage {
        NewMessage {
            id: Uuid::now_v7().into(),
            stream: chat.into(),
            kind: MessageKind::Patron,
            sender: Sender::Patron(Uuid::from_u128(7).into()),
            body: MessageBody::parse(body).unwrap(),
            client_msg_id: Some(ClientMsgId::parse(client).unwrap()),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn open(last: u64) -> StreamHead {
        StreamHead::of_chat(
            ChatStatus::Active,
            Heads {
                seq: Seq(last),
                patron_seq: Seq(last),
            },
        )
    }

    fn chat(n: u128) -> StreamId {
        StreamId::Chat(ChatId::from(Uuid::from_u128(n)))
    }

    #[test]
    fn numbers_each_chat_on_from_its_head() {
        let (a, b) = (chat(1), chat(2));
        let heads = HashMap::from([(a, open(4)), (b, open(0))]);
        let batch = vec![msg(a, "1", "x"), msg(b, "1", "y"), msg(a, "2", "z")];
        let p = plan(batch, &heads, &HashMap::new());
        let seqs: Vec<_> = p.inserts().map(|m| (m.stream, m.seq.0)).collect();
        assert_eq!(seqs, vec![(a, 5), (b, 1), (a, 6)]);
        assert_eq!(p.new_heads[&a].seq, Seq(6));
        assert_eq!(p.new_heads[&b].seq, Seq(1));
    }

    #[test]
    fn internal_notes_take_no_patron_number() {
        let a = chat(1);
        let heads = HashMap::from([(a, open(2))]);
        let note = |client: &str| NewMessage {
            kind: MessageKind::InternalNote,
            sender: Sender::Staff(Uuid::from_u128(5).into()),
            ..msg(a, client, "staff only")
        };
        let batch = vec![note("1"), msg(a, "2", "x"), note("3"), msg(a, "4", "y")];
        let p = plan(batch, &heads, &HashMap::new());
        let numbers: Vec<_> = p
            .inserts()
            .map(|m| (m.seq.0, m.patron_seq.map(|s| s.0)))
            .collect();
        assert_eq!(
            numbers,
            vec![(3, None), (4, Some(3)), (5, None), (6, Some(4))]
        );
        assert_eq!(
            p.new_heads[&a],
            Heads {
                seq: Seq(6),
                patron_seq: Seq(4)
            }
        );
    }

    #[test]
    fn retries_inside_one_batch_are_answered_with_the_first() {
        let a = chat(1);
        let heads = HashMap::from([(a, open(0))]);
        let p = plan(
            vec![msg(a, "1", "x"), msg(a, "1", "x"), msg(a, "1", "other")],
            &heads,
            &HashMap::new(),
        );
        assert!(matches!(&p.decisions[0], Planned::Insert(m) if m.seq == Seq(1)));
        assert!(matches!(&p.decisions[1], Planned::Duplicate(m) if m.seq == Seq(1)));
        assert!(matches!(
            &p.decisions[2],
            Planned::Refused(StoreError::Conflict(Conflict::ClientIdReused))
        ));
        assert_eq!(p.new_heads[&a].seq, Seq(1));
    }

    #[test]
    fn retries_of_stored_messages_do_not_take_a_number() {
        let a = chat(1);
        let heads = HashMap::from([(a, open(3))]);
        let first = msg(a, "1", "x");
        let stored = HashMap::from([(
            client_key(&first).unwrap(),
            Message::stored(first.clone(), (Seq(3), Some(Seq(3)))),
        )]);
        let p = plan(vec![first, msg(a, "2", "y")], &heads, &stored);
        assert!(matches!(&p.decisions[0], Planned::Duplicate(m) if m.seq == Seq(3)));
        assert!(matches!(&p.decisions[1], Planned::Insert(m) if m.seq == Seq(4)));
    }

    #[test]
    fn ended_and_unknown_chats_are_refused() {
        let (a, b) = (chat(1), chat(2));
        let closed = StreamHead::of_chat(ChatStatus::Closed, Heads::default());
        let heads = HashMap::from([(a, closed)]);
        let p = plan(
            vec![msg(a, "1", "x"), msg(b, "1", "x")],
            &heads,
            &HashMap::new(),
        );
        assert!(matches!(
            &p.decisions[0],
            Planned::Refused(StoreError::Conflict(Conflict::ChatEnded))
        ));
        assert!(matches!(
            &p.decisions[1],
            Planned::Refused(StoreError::NotFound)
        ));
        assert!(p.new_heads.is_empty());
    }

    #[test]
    fn chats_and_conversations_share_a_batch_and_keep_their_kinds() {
        let c = chat(1);
        let conv = StreamId::Conversation(ConversationId::from(Uuid::from_u128(2)));
        // The conversation's uuid, named as if it were a chat: not found.
        let posing = chat(2);
        let heads = HashMap::from([(c, open(2)), (conv, StreamHead::of_conversation(Seq(0)))]);
        let staff = |stream: StreamId, client: &str| NewMessage {
            kind: MessageKind::Staff,
            sender: Sender::Staff(Uuid::from_u128(5).into()),
            ..msg(stream, client, "hi")
        };
        let p = plan(
            vec![
                msg(c, "1", "x"),
                staff(conv, "1"),
                staff(c, "2"),
                msg(conv, "3", "patron text in a staff conversation"),
                staff(posing, "4"),
                staff(conv, "5"),
            ],
            &heads,
            &HashMap::new(),
        );
        let seqs: Vec<_> = p.inserts().map(|m| (m.stream, m.seq.0)).collect();
        assert_eq!(seqs, vec![(c, 3), (conv, 1), (conv, 2)]);
        for i in [2, 3] {
            assert!(matches!(
                &p.decisions[i],
                Planned::Refused(StoreError::Conflict(Conflict::WrongStream))
            ));
        }
        assert!(matches!(
            &p.decisions[4],
            Planned::Refused(StoreError::NotFound)
        ));
    }
}
