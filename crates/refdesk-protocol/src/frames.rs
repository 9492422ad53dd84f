//! WebSocket frames: JSON text frames with a `type` field. See docs/API.md for the exchange.

use crate::views::{
    ConversationMessageView, ConversationView, MessageView, PatronChatView, StaffChatView, UserView,
};
use refdesk_core::{ChatId, ConversationId, GuestId, StreamId};
use serde::{Deserialize, Serialize};

/// The stream a frame names: exactly one of its `chat_id` (a patron chat) and
/// `conversation_id` (a staff conversation).
pub fn stream_of(
    chat_id: Option<ChatId>,
    conversation_id: Option<ConversationId>,
) -> Result<StreamId, &'static str> {
    match (chat_id, conversation_id) {
        (Some(c), None) => Ok(StreamId::Chat(c)),
        (None, Some(c)) => Ok(StreamId::Conversation(c)),
        _ => Err("name exactly one of chat_id and conversation_id"),
    }
}

/// Where a client left off in one chat or staff conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResumePoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// The last sequence number the client has; it receives everything after it.
    pub after_seq: u64,
}

impl ResumePoint {
    pub fn stream(&self) -> Result<StreamId, &'static str> {
        stream_of(self.chat_id, self.conversation_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendKind {
    /// To the other side of the chat.
    Message,
    /// Staff only: visible to staff, never to the patron.
    InternalNote,
}

/// Frames a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// The first frame. Patrons authenticate with their guest token; staff with the session
    /// cookie of the upgrade request. `resume` lists chats to follow from a sequence number.
    Hello {
        #[serde(default)]
        guest_token: Option<String>,
        #[serde(default)]
        resume: Vec<ResumePoint>,
    },
    /// Follow one more chat (staff: any chat they may view; patrons: their own) or staff
    /// conversation (its members).
    Watch {
        #[serde(default)]
        chat_id: Option<ChatId>,
        #[serde(default)]
        conversation_id: Option<ConversationId>,
        #[serde(default)]
        after_seq: u64,
    },
    Unwatch {
        #[serde(default)]
        chat_id: Option<ChatId>,
        #[serde(default)]
        conversation_id: Option<ConversationId>,
    },
    /// A message to a chat or a staff conversation.
    Send {
        #[serde(default)]
        chat_id: Option<ChatId>,
        #[serde(default)]
        conversation_id: Option<ConversationId>,
        client_msg_id: String,
        body: String,
        #[serde(default = "default_kind")]
        kind: SendKind,
    },
    /// The sender is typing (or stopped) in a chat or a staff conversation.
    Typing {
        #[serde(default)]
        chat_id: Option<ChatId>,
        #[serde(default)]
        conversation_id: Option<ConversationId>,
        active: bool,
    },
}

fn default_kind() -> SendKind {
    SendKind::Message
}

/// Who this socket belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Identity {
    Staff { user: UserView },
    Patron { guest_id: GuestId },
}

/// Frames the server sends. (Variants differ in size; frames are short-lived, so no boxing.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The answer to `hello`. Staff also get the waiting and active chats they may see.
    Welcome {
        identity: Identity,
        #[serde(default)]
        queue: Vec<StaffChatView>,
    },
    /// The message is durably stored: this is sent only after the commit. It names the chat or
    /// the staff conversation the message went to.
    Ack {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat_id: Option<ChatId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation_id: Option<ConversationId>,
        client_msg_id: String,
        seq: u64,
        message_id: refdesk_core::MessageId,
        /// True when this was a retry of a message already stored.
        duplicate: bool,
    },
    Message {
        message: MessageView,
    },
    /// A staff conversation being followed: sent on `watch`, before its messages.
    Conversation {
        conversation: ConversationView,
    },
    /// A message of a staff conversation.
    ConversationMessage {
        message: ConversationMessageView,
    },
    /// A chat changed (staff view): arrived, claimed, closed, …
    Chat {
        chat: StaffChatView,
    },
    /// The patron's chat changed: claimed, queue position, ended.
    ChatStatus {
        chat: PatronChatView,
    },
    Typing {
        chat_id: ChatId,
        /// `patron` or `staff`.
        from: String,
        name: Option<String>,
        active: bool,
    },
    /// A colleague is typing (or stopped) in a staff conversation this socket follows.
    ConversationTyping {
        conversation_id: ConversationId,
        name: String,
        active: bool,
    },
    /// This socket may no longer see the chat (its grants changed, or the chat moved to a
    /// queue it does not see): drop it from the screen.
    ChatHidden {
        chat_id: ChatId,
    },
    /// A chat has waited at its step unclaimed for its plan's re-alert time: alert again.
    ChatRealert {
        chat_id: ChatId,
    },
    /// Someone started or stopped monitoring a queue this socket's staff member shares: the
    /// Librarians list (and an open Check status) should be read again.
    MonitorsChanged {},
    /// A followed chat's patron rated it (staff only).
    ChatRating {
        chat_id: ChatId,
        rating: crate::RatingView,
    },
    /// A followed chat's tags changed (staff only).
    ChatTags {
        list: crate::ChatTagList,
    },
    /// A transfer that concerns this socket's librarian was offered or changed (they offered
    /// it, or it is offered to them or a queue they answer).
    Transfer {
        transfer: crate::TransferView,
    },
    /// How many chats a librarian on this socket's Librarians list holds now (one of theirs
    /// was claimed, closed or went back to the queue).
    LibrarianChats {
        user_id: refdesk_core::UserId,
        chats: u32,
    },
    Error {
        code: String,
        message: String,
        /// The `client_msg_id` of the send this answers (only sends have one).
        in_reply_to: Option<String>,
        /// The `type` of the frame this answers (`send`, `watch`, `hello`, …), when known.
        #[serde(default)]
        frame: Option<String>,
    },
}

/// What an error frame answers: a send (by its client id) and/or a frame (by its type). The
/// two are separate fields, so a client id that happens to read `watch` is never taken for a
/// frame type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answering {
    pub client_msg_id: Option<String>,
    pub frame: Option<String>,
}

impl Answering {
    /// Nothing in particular (the socket's session ended, a frame that was not JSON).
    pub fn nothing() -> Answering {
        Answering::default()
    }
    /// A frame of this type.
    pub fn frame(kind: &str) -> Answering {
        Answering {
            client_msg_id: None,
            frame: Some(kind.to_owned()),
        }
    }
    /// A send, by its client message id.
    pub fn send(client_msg_id: impl Into<String>) -> Answering {
        Answering {
            client_msg_id: Some(client_msg_id.into()),
            frame: Some("send".to_owned()),
        }
    }
}

impl ServerFrame {
    pub fn error(code: &str, message: impl Into<String>, about: Answering) -> Self {
        ServerFrame::Error {
            code: code.to_owned(),
            message: message.into(),
            in_reply_to: about.client_msg_id,
            frame: about.frame,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_parse_and_refuse_junk() {
        let f: ClientFrame = serde_json::from_str(
            r#"{"type":"send","chat_id":"0190f0a0-0000-7000-8000-000000000001","client_msg_id":"c1","body":"hi"}"#,
        )
        .unwrap();
        assert!(matches!(
            f,
            ClientFrame::Send {
                kind: SendKind::Message,
                ..
            }
        ));
        for junk in [
            r#"{"type":"nope"}"#,
            r#"{"type":"send","chat_id":"not-a-uuid","client_msg_id":"c","body":"x"}"#,
            r#"{"type":"hello","extra":1}"#,
            r#"{"type":"send","chat_id":"0190f0a0-0000-7000-8000-000000000001","conversation":"x","client_msg_id":"c","body":"x"}"#,
            r#"[1,2]"#,
        ] {
            assert!(serde_json::from_str::<ClientFrame>(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn a_frame_names_exactly_one_stream() {
        let chat: ChatId = "0190f0a0-0000-7000-8000-000000000001".parse().unwrap();
        let conv: ConversationId = "0190f0a0-0000-7000-8000-000000000002".parse().unwrap();
        assert_eq!(stream_of(Some(chat), None), Ok(StreamId::Chat(chat)));
        assert_eq!(
            stream_of(None, Some(conv)),
            Ok(StreamId::Conversation(conv))
        );
        assert!(stream_of(None, None).is_err());
        assert!(stream_of(Some(chat), Some(conv)).is_err());
        let f: ClientFrame = serde_json::from_str(
            r#"{"type":"watch","conversation_id":"0190f0a0-0000-7000-8000-000000000002"}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            ClientFrame::Watch {
                chat_id: None,
                conversation_id: Some(conv),
                after_seq: 0
            }
        );
    }
}
