//! The reader half of a socket: after the `hello` handshake (see `handshake`), frames in
//! order. Consecutive `send` frames that have already arrived are appended as one batch (in
//! order), so a busy client is not limited to one commit per message; acks go out only after
//! the commit.

use super::access::SocketAccess;
use super::handshake::handshake;
use super::incoming::{Unreadable, answered, invalid, next_text};
use super::writer::{Control, Writer};
use crate::events::Topic;
use crate::hub::{Lag, Subscriber};
use crate::service::Outgoing;
use crate::state::AppState;
use axum::extract::ws::WebSocket;
use futures::stream::SplitStream;
use futures::{FutureExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use refdesk_core::{ChatId, Principal, Seq, StaffPrincipal, StreamId};
use refdesk_protocol::frames::Identity;
use refdesk_protocol::{
    Answering, ClientFrame, MAX_FRAME_BYTES, ResumePoint, ServerFrame, UserView, stream_of,
};
use std::num::NonZeroU32;
use std::sync::Arc;
use tokio::sync::mpsc;

const EVENT_QUEUE: usize = 256;
const MAX_SEND_BATCH: usize = 64;

struct Session {
    state: AppState,
    access: Arc<SocketAccess>,
    control: mpsc::UnboundedSender<Control>,
    limiter: DefaultDirectRateLimiter,
    /// The chats a patron socket follows (for the patron-away timers when it closes).
    patron_chats: Vec<ChatId>,
    /// The error for a frame the transport refused: sent (and the socket closed with 1009)
    /// once the sends read before it have been answered.
    refusal: Option<ServerFrame>,
}

pub async fn run(
    state: AppState,
    socket: WebSocket,
    staff: Option<(StaffPrincipal, refdesk_store::TokenHash)>,
) {
    let (mut sink, mut stream) = socket.split();
    let token = staff.as_ref().map(|(_, hash)| *hash);
    let session = token.map(|t| t.key());
    let staff = staff.map(|(s, _)| s);
    let Some((principal, resume)) = handshake(&state, &mut sink, &mut stream, staff).await else {
        return;
    };
    let (control, control_rx) = mpsc::unbounded_channel();
    let (tx, events) = mpsc::channel(EVENT_QUEUE);
    let lag = Arc::new(Lag::default());
    metrics::gauge!("refdesk_ws_connections").increment(1.0);
    let access = Arc::new(SocketAccess::new(
        state.clone(),
        Subscriber {
            tx,
            lag: lag.clone(),
        },
        principal.clone(),
        session,
    ));
    let writer = Writer {
        state: state.clone(),
        principal: principal.clone(),
        access: access.clone(),
        sink,
        events,
        control: control_rx,
        lag,
        cursors: Default::default(),
        versions: Default::default(),
    };
    let writer = tokio::spawn(writer.run());
    let rate = NonZeroU32::new(state.settings().ws_messages_per_second.max(1)).expect("non-zero");
    let mut session = Session {
        state,
        access,
        control,
        limiter: RateLimiter::direct(
            Quota::per_second(rate)
                .allow_burst(rate.saturating_mul(NonZeroU32::MIN.saturating_add(1))),
        ),
        patron_chats: Vec::new(),
        refusal: None,
    };
    let staff_user = match &principal {
        Principal::Staff(s) => Some(s.clone()),
        Principal::Patron { .. } => None,
    };
    // A dashboard counts as connected (its queues as staffed) before it is welcomed, so one
    // that has its welcome is known to every node.
    // An open dashboard keeps its session in use (the idle timeout).
    let open_session = token.filter(|_| staff_user.is_some());
    if let Some(t) = open_session {
        session.state.session_use().opened(t);
    }
    if let Some(s) = &staff_user {
        session.state.staff_arrived(s).await;
    }
    if session.welcome(resume).await {
        session.read_loop(&mut stream).await;
    }
    if let Some(s) = &staff_user {
        session.state.staff_gone(s.id()).await;
    }
    if let Some(t) = open_session {
        session.state.session_use().closed(t);
    }
    session.access.unsubscribe_all();
    session.patron_gone().await;
    let _ = session.control.send(Control::Close);
    drop(session);
    let _ = writer.await;
    metrics::gauge!("refdesk_ws_connections").decrement(1.0);
}

impl Session {
    fn reply(&self, frame: ServerFrame) {
        let _ = self.control.send(Control::Frame(Box::new(frame)));
    }

    /// Answers `hello` and follows what it asked for. `false` when the welcome could not be
    /// made (the store failed): the client got an `internal` error and the socket closes, rather
    /// than a welcome with an empty queue that looks like a quiet day.
    async fn welcome(&mut self, resume: Vec<ResumePoint>) -> bool {
        let (identity, queue) = match &*self.access.principal() {
            Principal::Staff(s) => {
                self.access.follow_staff(s);
                let queue = match self.staff_queue(s).await {
                    Ok(q) => q,
                    Err(e) => {
                        tracing::warn!(code = e.code, "websocket welcome failed");
                        self.reply(ServerFrame::error(
                            e.code,
                            e.message,
                            Answering::frame("hello"),
                        ));
                        return false;
                    }
                };
                (
                    Identity::Staff {
                        user: UserView::from(&s.user),
                    },
                    queue,
                )
            }
            Principal::Patron { guest_id } => {
                // The guest's own chats as they start (an outbound chat a librarian opens
                // with them arrives here).
                self.access
                    .subscribe(crate::events::Topic::Guest(*guest_id));
                (
                    Identity::Patron {
                        guest_id: *guest_id,
                    },
                    vec![],
                )
            }
        };
        self.reply(ServerFrame::Welcome { identity, queue });
        for r in resume {
            match r.stream() {
                Ok(stream) => {
                    self.watch(stream, Seq(r.after_seq), Answering::frame("hello"))
                        .await
                }
                Err(m) => self.reply(invalid(m, Answering::frame("hello"))),
            }
        }
        true
    }

    /// The waiting and active chats `staff` may see, as the dashboard shows them.
    async fn staff_queue(
        &self,
        s: &StaffPrincipal,
    ) -> crate::error::ApiResult<Vec<refdesk_protocol::StaffChatView>> {
        let open = self
            .state
            .staff_chats(
                s,
                vec![
                    refdesk_core::ChatStatus::Waiting,
                    refdesk_core::ChatStatus::Active,
                ],
            )
            .await?;
        let mut queue = Vec::with_capacity(open.len());
        for c in &open {
            // One chat whose names cannot be read is left out (and logged), not the queue.
            match self.state.staff_view(c).await {
                Ok(v) => queue.push(v),
                Err(e) => {
                    tracing::warn!(chat.id = %c.id, code = e.code, "chat left out of welcome")
                }
            }
        }
        Ok(queue)
    }

    async fn watch(&mut self, stream: StreamId, after: Seq, about: Answering) {
        if i64::try_from(after.0).is_err() {
            self.reply(invalid("after_seq must be below 2^63", about));
            return;
        }
        let principal = self.access.principal();
        let allowed = match stream {
            StreamId::Chat(chat) => self.state.chat_for(&principal, chat).await.map(Some),
            StreamId::Conversation(id) => self
                .state
                .conversation_for(&principal, id)
                .await
                .map(|_| None),
        };
        match allowed {
            Ok(chat) => {
                // Subscribe before the writer reads the store, so nothing falls between the two.
                self.access.subscribe(Topic::Stream(stream));
                let _ = self.control.send(Control::Watch { stream, after });
                if let Some(c) = chat
                    && matches!(*principal, Principal::Patron { .. })
                    && !self.patron_chats.contains(&c.id)
                {
                    self.patron_chats.push(c.id);
                    self.state.hub().patron_arrived(c.id);
                    self.state.patron_present(&c).await;
                }
            }
            Err(e) => self.reply(ServerFrame::error(e.code, e.message, about)),
        }
    }

    /// The patron's socket closed: for each chat it followed that no other socket of this node
    /// follows, the patron-away timer starts.
    async fn patron_gone(&mut self) {
        for chat in std::mem::take(&mut self.patron_chats) {
            if self.state.hub().patron_left(chat) {
                self.state.patron_absent(chat).await;
            }
        }
    }

    async fn read_loop(&mut self, stream: &mut SplitStream<WebSocket>) {
        let mut pending: Option<ClientFrame> = None;
        loop {
            if let Some(frame) = self.refusal.take() {
                let _ = self.control.send(Control::Refuse(Box::new(frame)));
                return;
            }
            let frame = match pending.take() {
                Some(f) => f,
                None => match next_text(stream).await {
                    Some(text) => match self.parse(text) {
                        Some(f) => f,
                        None => continue,
                    },
                    None => return,
                },
            };
            let ClientFrame::Send {
                chat_id,
                conversation_id,
                client_msg_id,
                body,
                kind,
            } = frame
            else {
                self.handle(frame).await;
                continue;
            };
            let mut batch = vec![Outgoing {
                stream: stream_of(chat_id, conversation_id),
                client_msg_id,
                body,
                kind,
            }];
            // Take the sends that have already arrived into the same batch.
            while batch.len() < MAX_SEND_BATCH {
                let Some(Some(next)) = next_text(stream).now_or_never() else {
                    break;
                };
                match self.parse(next) {
                    Some(ClientFrame::Send {
                        chat_id,
                        conversation_id,
                        client_msg_id,
                        body,
                        kind,
                    }) => {
                        batch.push(Outgoing {
                            stream: stream_of(chat_id, conversation_id),
                            client_msg_id,
                            body,
                            kind,
                        });
                    }
                    Some(other) => {
                        pending = Some(other);
                        break;
                    }
                    None if self.refusal.is_some() => break,
                    None => {}
                }
            }
            self.send(batch).await;
        }
    }

    /// Checks size, rate and shape; answers refusals with an error frame.
    fn parse(&mut self, text: Result<String, Unreadable>) -> Option<ClientFrame> {
        let text = match text {
            Ok(text) => text,
            Err(Unreadable::Binary) => {
                self.reply(invalid("frames are JSON text", Answering::nothing()));
                return None;
            }
            Err(Unreadable::TooLarge) => {
                self.refusal = Some(ServerFrame::error(
                    "frame_too_large",
                    format!("frames over {} bytes close the socket", 4 * MAX_FRAME_BYTES),
                    Answering::nothing(),
                ));
                return None;
            }
        };
        if self.limiter.check().is_err() {
            metrics::counter!("refdesk_ws_rate_limited_total").increment(1);
            self.reply(ServerFrame::error(
                "rate_limited",
                "too many frames; slow down",
                answered(&text),
            ));
            return None;
        }
        if text.len() > MAX_FRAME_BYTES {
            self.reply(ServerFrame::error(
                "frame_too_large",
                format!("frames are limited to {MAX_FRAME_BYTES} bytes"),
                answered(&text),
            ));
            return None;
        }
        match serde_json::from_str::<ClientFrame>(&text) {
            Ok(f) => Some(f),
            Err(e) => {
                self.reply(invalid(e.to_string(), answered(&text)));
                None
            }
        }
    }

    async fn handle(&mut self, frame: ClientFrame) {
        match frame {
            ClientFrame::Hello { .. } => {
                self.reply(invalid(
                    "hello was already received",
                    Answering::frame("hello"),
                ));
            }
            ClientFrame::Watch {
                chat_id,
                conversation_id,
                after_seq,
            } => match stream_of(chat_id, conversation_id) {
                Ok(stream) => {
                    self.watch(stream, Seq(after_seq), Answering::frame("watch"))
                        .await
                }
                Err(m) => self.reply(invalid(m, Answering::frame("watch"))),
            },
            ClientFrame::Unwatch {
                chat_id,
                conversation_id,
            } => match stream_of(chat_id, conversation_id) {
                Ok(stream) => {
                    self.access.unsubscribe(Topic::Stream(stream));
                    let _ = self.control.send(Control::Unwatch { stream });
                }
                Err(m) => self.reply(invalid(m, Answering::frame("unwatch"))),
            },
            ClientFrame::Typing {
                chat_id,
                conversation_id,
                active,
            } => {
                let about = Answering::frame("typing");
                let stream = match refdesk_protocol::stream_of(chat_id, conversation_id) {
                    Ok(s) => s,
                    Err(m) => return self.reply(invalid(m, about)),
                };
                let principal = self.access.principal();
                if let Err(e) = self.state.typing(&principal, stream, active).await {
                    self.reply(ServerFrame::error(e.code, e.message, about));
                }
            }
            ClientFrame::Send { .. } => unreachable!("sends are batched by the read loop"),
        }
    }

    async fn send(&mut self, batch: Vec<Outgoing>) {
        let ids: Vec<String> = batch.iter().map(|o| o.client_msg_id.clone()).collect();
        let results = self.state.send_batch(&self.access.principal(), batch).await;
        for (client_msg_id, r) in ids.into_iter().zip(&results) {
            let frame = match r {
                Ok(a) => ServerFrame::Ack {
                    chat_id: a.message.stream.chat(),
                    conversation_id: a.message.stream.conversation(),
                    client_msg_id,
                    // The sender's own message: a patron's is always patron-numbered.
                    seq: a
                        .message
                        .seq_for(self.access.principal().audience())
                        .unwrap_or(a.message.seq)
                        .0,
                    message_id: a.message.id,
                    duplicate: a.duplicate,
                },
                Err(e) => {
                    ServerFrame::error(e.code, e.message.clone(), Answering::send(client_msg_id))
                }
            };
            self.reply(frame);
        }
        // Acks are queued first: the sender hears "stored" before its message comes back.
        self.state.publish_appended(&results).await;
    }
}
