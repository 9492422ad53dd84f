//! Events: what happened after a commit, fanned out to sockets by the hub and carried between
//! nodes by the bus. An event only wakes subscribers; the store stays the source of truth, and a
//! subscriber that missed events catches up from it by sequence number.

use refdesk_core::{Chat, ChatId, CoopId, DepartmentId, InstitutionId, Message, StreamId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A message was committed.
    Message { message: Message },
    /// A chat was started or changed state; `queue_position` is set while it waits.
    ChatChanged {
        chat: Chat,
        queue_position: Option<u32>,
    },
    /// A chat moved to another routing step: `from` is the department it was offered in
    /// before, and `from_coop` the co-op, whose monitors drop it unless they still see it.
    ChatMoved {
        chat: Chat,
        from: DepartmentId,
        from_coop: Option<CoopId>,
    },
    /// A chat still waits at its step: its monitors are alerted again.
    Realert { chat: Chat },
    /// A chat's tags changed: the staff following it read the new list.
    ChatTags { chat_id: ChatId },
    /// A chat's patron rated it: the staff following it show the rating.
    ChatRated { rating: refdesk_core::Rating },
    /// A waiting chat moved up in its queue (one ahead of it left the line): only its own
    /// stream hears of it, so a claim costs each staff socket one frame, not one per chat
    /// waiting behind it.
    QueuePosition { chat: Chat, position: u32 },
    /// Someone is typing (not stored).
    Typing {
        chat_id: ChatId,
        from_staff: bool,
        name: Option<String>,
        active: bool,
    },
    /// A staff conversation was opened (or opened again, or someone was invited to it): the
    /// dashboards of those it admits follow it (its stored members; for an institution's or a
    /// co-op's room, the staff on that topic whose grants cover it).
    ConversationOpened {
        conversation: refdesk_core::ConversationId,
        members: Vec<UserId>,
        institution: Option<InstitutionId>,
        coop: Option<CoopId>,
    },
    /// `user` is typing (or stopped) in a staff conversation (not stored).
    ConversationTyping {
        conversation_id: refdesk_core::ConversationId,
        user: UserId,
        name: String,
        active: bool,
    },
    /// A staff session ended (signed out, or expired): its sockets close.
    SessionEnded { session: uuid::Uuid },
    /// A staff member's grants (or the co-ops they monitor) changed: their sockets evaluate
    /// them again.
    AccessChanged { user: UserId },
    /// `user` holds `chats` chats now: the dashboards listing them (their institution's, and
    /// those of the co-ops they monitor) update the count.
    ChatsHeld {
        user: UserId,
        chats: u32,
        institution: InstitutionId,
        coops: Vec<CoopId>,
    },
    /// A transfer of a chat of `institution` was offered or changed: its sender, its receivers
    /// and the staff following the chat hear of it.
    Transfer {
        transfer: refdesk_core::Transfer,
        institution: InstitutionId,
    },
    /// Someone started or stopped monitoring a department of `institution`, or `coop`: the
    /// dashboards that list who is monitoring read it again.
    MonitorsChanged {
        institution: Option<InstitutionId>,
        coop: Option<CoopId>,
    },
}

/// What a socket subscribes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Messages of one stream (a patron chat or a staff conversation), and for a chat its
    /// typing and state.
    Stream(StreamId),
    /// Chats of one institution arriving and changing (the staff queue).
    Institution(InstitutionId),
    /// Chats of one department arriving and changing (a monitored queue).
    Department(DepartmentId),
    /// The end of one staff session (by its token's key).
    Session(uuid::Uuid),
    /// Changes to one staff member's rights.
    User(UserId),
    /// Who monitors one co-op, and the chats offered to it (for the staff who may monitor it).
    Coop(CoopId),
    /// One guest's chats changing (for their chat box, which learns of an outbound chat so).
    Guest(refdesk_core::GuestId),
}

impl Event {
    /// The topics whose subscribers get this event (at most four, the co-ops of a librarian's
    /// count, a conversation's members, and a changed chat's guest; no allocation, since this
    /// runs for every message).
    pub fn topics(&self) -> impl Iterator<Item = Topic> + '_ {
        let coops: &[CoopId] = match self {
            Event::ChatsHeld { coops, .. } => coops,
            _ => &[],
        };
        let members: &[UserId] = match self {
            Event::ConversationOpened { members, .. } => members,
            _ => &[],
        };
        let guest = match self {
            Event::ChatChanged { chat, .. } => Some(Topic::Guest(chat.guest_id)),
            _ => None,
        };
        let topics = match self {
            Event::ChatsHeld { institution, .. } => {
                [Some(Topic::Institution(*institution)), None, None, None]
            }
            Event::Message { message } => [Some(Topic::Stream(message.stream)), None, None, None],
            Event::ChatChanged { chat, .. } | Event::Realert { chat } => [
                Some(Topic::Stream(chat.id.into())),
                Some(Topic::Institution(chat.institution_id)),
                Some(Topic::Department(chat.department_id)),
                chat.coop_id.map(Topic::Coop),
            ],
            Event::ChatMoved {
                from, from_coop, ..
            } => [
                Some(Topic::Department(*from)),
                from_coop.map(Topic::Coop),
                None,
                None,
            ],
            Event::QueuePosition { chat, .. } => {
                [Some(Topic::Stream(chat.id.into())), None, None, None]
            }
            Event::ChatTags { chat_id } => {
                [Some(Topic::Stream((*chat_id).into())), None, None, None]
            }
            Event::ChatRated { rating } => {
                [Some(Topic::Stream(rating.chat_id.into())), None, None, None]
            }
            Event::Typing { chat_id, .. } => {
                [Some(Topic::Stream((*chat_id).into())), None, None, None]
            }
            Event::SessionEnded { session } => [Some(Topic::Session(*session)), None, None, None],
            Event::ConversationTyping {
                conversation_id, ..
            } => [
                Some(Topic::Stream((*conversation_id).into())),
                None,
                None,
                None,
            ],
            Event::ConversationOpened {
                institution, coop, ..
            } => [
                institution.map(Topic::Institution),
                coop.map(Topic::Coop),
                None,
                None,
            ],
            Event::Transfer {
                transfer,
                institution,
            } => {
                use refdesk_core::TransferTarget as T;
                let (target, institution) = match transfer.target {
                    T::Operator(u) => (Topic::User(u), None),
                    T::Department(d) => {
                        (Topic::Department(d), Some(Topic::Institution(*institution)))
                    }
                    T::Coop(c) => (Topic::Coop(c), None),
                };
                [
                    Some(Topic::User(transfer.from)),
                    Some(Topic::Stream(transfer.chat_id.into())),
                    Some(target),
                    institution,
                ]
            }
            Event::AccessChanged { user } => [Some(Topic::User(*user)), None, None, None],
            Event::MonitorsChanged { institution, coop } => [
                institution.map(Topic::Institution),
                coop.map(Topic::Coop),
                None,
                None,
            ],
        };
        topics
            .into_iter()
            .flatten()
            .chain(coops.iter().map(|c| Topic::Coop(*c)))
            .chain(members.iter().map(|u| Topic::User(*u)))
            .chain(guest)
    }
}
