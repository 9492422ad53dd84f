//! The writer half of a socket. It receives control items from its reader (acks, errors, watch
//! requests) and events from the hub, and keeps, per followed stream (a patron chat or a staff
//! conversation), the last sequence number it sent: an event with the next number is sent at
//! once, an older one is skipped, and a jump ahead (or a lag mark from the hub) is filled from
//! the store. That cursor is what makes delivery gap-free and duplicate-free whatever the hub or
//! the bus did, for both kinds of stream alike. Numbers are the socket's audience's: a patron
//! socket counts patron sequence numbers, so internal notes are neither sent nor counted.

mod events;

use super::access::SocketAccess;
use crate::events::Event;
use crate::hub::Lag;
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message as WsMessage, Utf8Bytes, WebSocket, close_code};
use futures::SinkExt;
use futures::stream::SplitSink;
use refdesk_core::{Chat, ChatId, ChatStatus, Principal, Sender, Seq, StreamId};
use refdesk_protocol::{Answering, ServerFrame};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// What the reader asks the writer to do.
#[derive(Debug)]
pub enum Control {
    /// Boxed: the channel allocates its slots up front, and an idle socket should not pay for
    /// room for 32 whole frames.
    Frame(Box<ServerFrame>),
    /// Follow a stream from `after` (already checked for access by the reader).
    Watch {
        stream: StreamId,
        after: Seq,
    },
    Unwatch {
        stream: StreamId,
    },
    /// Close the socket after sending what is queued.
    Close,
    /// Send this error and close the socket with 1009 (a frame the transport refused).
    Refuse(Box<ServerFrame>),
}

pub struct Writer {
    pub state: AppState,
    /// The writer's own copy of whom it writes for (it is the one that re-evaluates grants).
    pub principal: Principal,
    pub access: Arc<SocketAccess>,
    pub sink: SplitSink<WebSocket, WsMessage>,
    pub events: mpsc::Receiver<Arc<Event>>,
    pub control: mpsc::UnboundedReceiver<Control>,
    pub lag: Arc<Lag>,
    pub cursors: HashMap<StreamId, Seq>,
    /// The newest version of each chat this socket was told about, so a change heard late
    /// from another node never overwrites a newer one.
    pub versions: HashMap<ChatId, u64>,
}

type Result<T = ()> = std::result::Result<T, WriterError>;

#[derive(Debug)]
pub enum WriterError {
    Socket,
    Store(String),
    /// The socket's session ended, or its account is gone: it closes with this frame.
    Ended(&'static str),
    /// The client sent a frame the transport refused: it closes with 1009.
    TooLarge(Box<ServerFrame>),
}

impl Writer {
    fn reader_sender(&self) -> Sender {
        crate::http::chats::reader_of(&self.principal)
    }

    pub async fn run(mut self) {
        // Heartbeats: a ping now and then, which every WebSocket client answers by itself; a
        // socket that stays silent past `HEARTBEAT_TIMEOUT` is closed by its reader.
        let mut ping = tokio::time::interval(super::incoming::HEARTBEAT);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        let outcome: Result = async {
            loop {
                tokio::select! {
                    biased;
                    _ = ping.tick() => {
                        self.sink
                            .feed(WsMessage::Ping(Default::default()))
                            .await
                            .map_err(|_| WriterError::Socket)?;
                    }
                    c = self.control.recv() => match c {
                        None | Some(Control::Close) => break,
                        Some(Control::Refuse(frame)) => return Err(WriterError::TooLarge(frame)),
                        Some(c) => self.on_control(c).await?,
                    },
                    _ = self.lag.notify.notified() => {}
                    e = self.events.recv() => match e {
                        None => break,
                        Some(e) => self.on_event(&e).await?,
                    },
                }
                // Send what piled up in one flush, then check whether the hub had to give up on
                // us; if so, reload every followed chat from the store.
                while let Ok(e) = self.events.try_recv() {
                    self.on_event(&e).await?;
                }
                if self.lag.take() {
                    self.catch_up_all().await?;
                }
                self.sink.flush().await.map_err(|_| WriterError::Socket)?;
            }
            Ok(())
        }
        .await;
        match &outcome {
            Err(WriterError::Store(e)) => {
                tracing::warn!(error = %e, "websocket writer stopped: store error");
            }
            Err(WriterError::Ended(why)) => {
                let frame = ServerFrame::error("session_ended", *why, Answering::nothing());
                let _ = self.feed(&frame).await;
                let close = CloseFrame {
                    code: close_code::POLICY,
                    reason: "session ended".into(),
                };
                let _ = self.sink.send(WsMessage::Close(Some(close))).await;
            }
            Err(WriterError::TooLarge(frame)) => {
                let _ = self.feed(frame).await;
                let close = CloseFrame {
                    code: close_code::SIZE,
                    reason: "frame too large".into(),
                };
                let _ = self.sink.send(WsMessage::Close(Some(close))).await;
            }
            _ => {}
        }
        let _ = self.sink.close().await;
    }

    async fn feed(&mut self, frame: &ServerFrame) -> Result {
        let text = serde_json::to_string(frame).map_err(|e| WriterError::Store(e.to_string()))?;
        self.sink
            .feed(WsMessage::Text(Utf8Bytes::from(text)))
            .await
            .map_err(|_| WriterError::Socket)
    }

    async fn on_control(&mut self, c: Control) -> Result {
        match c {
            Control::Frame(f) => self.feed(&f).await,
            Control::Watch { stream, after } => {
                // A resume point beyond the stream's last message (a client that kept a number
                // from elsewhere) starts at the head: later messages must not fall below it.
                let head = match stream {
                    StreamId::Chat(id) => {
                        let current = self.state.store().chat(id).await.map_err(store_err)?;
                        self.send_chat(&current, None).await?;
                        current.heads().last_for(self.principal.audience())
                    }
                    StreamId::Conversation(id) => {
                        let current = self
                            .state
                            .store()
                            .conversation(id)
                            .await
                            .map_err(store_err)?;
                        let conversation = self
                            .state
                            .conversation_view(&current)
                            .await
                            .map_err(|e| WriterError::Store(e.message))?;
                        self.feed(&ServerFrame::Conversation { conversation })
                            .await?;
                        current.last_seq
                    }
                };
                self.cursors.insert(stream, after.min(head));
                self.catch_up(stream).await
            }
            Control::Unwatch { stream } => {
                self.cursors.remove(&stream);
                Ok(())
            }
            Control::Close | Control::Refuse(_) => Ok(()),
        }
    }

    async fn chat(&self, id: ChatId) -> Result<Chat> {
        self.state
            .hub()
            .chats
            .get(self.state.store(), id)
            .await
            .map_err(store_err)
    }

    /// What rendering a stream's messages needs: a chat's patron name and state; nothing for
    /// a staff conversation.
    async fn context(&self, stream: StreamId) -> Result<Context> {
        Ok(match stream {
            StreamId::Chat(id) => Context::Chat(Box::new(self.chat(id).await?)),
            StreamId::Conversation(_) => Context::Conversation,
        })
    }

    async fn send_message(&mut self, context: &Context, m: &refdesk_core::Message) -> Result {
        let frame = match context {
            Context::Chat(chat) => self
                .state
                .message_view(chat, m, self.principal.audience(), self.reader_sender())
                .await
                .map_err(|e| WriterError::Store(e.message))?
                .map(|message| ServerFrame::Message { message }),
            Context::Conversation => self
                .state
                .conversation_message_view(m, self.reader_sender())
                .await
                .map_err(|e| WriterError::Store(e.message))?
                .map(|message| ServerFrame::ConversationMessage { message }),
        };
        match frame {
            Some(f) => self.feed(&f).await,
            None => Ok(()),
        }
    }

    async fn send_chat(&mut self, chat: &Chat, position: Option<u32>) -> Result {
        let frame = match self.principal {
            Principal::Staff(_) => {
                // Every staff socket sends the same frame for one state of a chat: built and
                // serialized once.
                let state = self.state.clone();
                let text = self
                    .state
                    .staff_frames()
                    .get_or_build(chat, async move {
                        let frame = ServerFrame::Chat {
                            chat: state
                                .staff_view(chat)
                                .await
                                .map_err(|e| WriterError::Store(e.message))?,
                        };
                        serde_json::to_string(&frame)
                            .map(Utf8Bytes::from)
                            .map_err(|e| WriterError::Store(e.to_string()))
                    })
                    .await?;
                return self
                    .sink
                    .feed(WsMessage::Text(text))
                    .await
                    .map_err(|_| WriterError::Socket);
            }
            Principal::Patron { .. } => {
                let position = if chat.state.status() == ChatStatus::Waiting {
                    position
                } else {
                    None
                };
                ServerFrame::ChatStatus {
                    chat: self
                        .state
                        .patron_view(chat, position)
                        .await
                        .map_err(|e| WriterError::Store(e.message))?,
                }
            }
        };
        self.feed(&frame).await
    }

    /// Sends everything of `stream` after the cursor, from the store, in pages.
    async fn catch_up(&mut self, stream: StreamId) -> Result {
        let context = match stream {
            StreamId::Chat(id) => Context::Chat(Box::new(
                self.state.store().chat(id).await.map_err(store_err)?,
            )),
            StreamId::Conversation(_) => Context::Conversation,
        };
        let audience = self.principal.audience();
        loop {
            let Some(&after) = self.cursors.get(&stream) else {
                return Ok(());
            };
            let page = self
                .state
                .store()
                .messages_seen_by(audience, stream, after, 500)
                .await
                .map_err(store_err)?;
            let Some(last) = page.last().and_then(|m| m.seq_for(audience)) else {
                return Ok(());
            };
            for m in &page {
                self.send_message(&context, m).await?;
            }
            self.cursors.insert(stream, last);
            metrics::counter!("refdesk_ws_catch_up_messages_total").increment(page.len() as u64);
            if page.len() < 500 {
                return Ok(());
            }
        }
    }

    async fn catch_up_all(&mut self) -> Result {
        let streams: Vec<StreamId> = self.cursors.keys().copied().collect();
        for s in streams {
            self.catch_up(s).await?;
        }
        if let Principal::Staff(staff) = &self.principal {
            let open = self
                .state
                .staff_chats(staff, vec![ChatStatus::Waiting, ChatStatus::Active])
                .await
                .map_err(|e| WriterError::Store(e.message))?;
            for c in &open {
                self.send_chat(c, None).await?;
            }
        }
        Ok(())
    }
}

/// See [`Writer::context`].
enum Context {
    Chat(Box<Chat>),
    Conversation,
}

fn store_err(e: refdesk_store::StoreError) -> WriterError {
    WriterError::Store(e.to_string())
}
