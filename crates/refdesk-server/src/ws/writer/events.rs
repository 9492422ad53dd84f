//! What a socket does with each event the hub delivers: messages in order (catching up from
//! the store on a gap), chat changes it may see (and hiding those it no longer may), re-alerts,
//! queue places, librarians' counts, typing, the end of its session and changes to its rights.

use super::{Result, Writer, WriterError};
use crate::events::Event;
use refdesk_core::{ChatId, ChatStatus, Principal, StreamId};
use refdesk_protocol::ServerFrame;

impl Writer {
    pub(super) async fn on_event(&mut self, e: &Event) -> Result {
        match e {
            Event::Message { message } => {
                let Some(&last) = self.cursors.get(&message.stream) else {
                    return Ok(());
                };
                // What this socket never sees takes no number of its own.
                let Some(seq) = message.seq_for(self.principal.audience()) else {
                    return Ok(());
                };
                if seq <= last {
                    return Ok(());
                }
                if seq != last.next() {
                    return self.catch_up(message.stream).await;
                }
                let context = self.context(message.stream).await?;
                self.cursors.insert(message.stream, seq);
                self.send_message(&context, message).await
            }
            Event::SessionEnded { session } => {
                if self.access.session == Some(*session) {
                    return Err(WriterError::Ended("your session has ended; sign in again"));
                }
                Ok(())
            }
            Event::AccessChanged { user } => match &self.principal {
                Principal::Staff(s) if s.id() == *user => self.regrant().await,
                _ => Ok(()),
            },
            Event::ChatTags { chat_id } => match self.principal {
                Principal::Staff(_) => {
                    let list = self
                        .state
                        .tag_list(*chat_id)
                        .await
                        .map_err(|e| WriterError::Store(e.message))?;
                    self.feed(&ServerFrame::ChatTags { list }).await
                }
                Principal::Patron { .. } => Ok(()),
            },
            Event::ChatRated { rating } => match self.principal {
                Principal::Staff(_) => {
                    self.feed(&ServerFrame::ChatRating {
                        chat_id: rating.chat_id,
                        rating: rating.clone().into(),
                    })
                    .await
                }
                Principal::Patron { .. } => Ok(()),
            },
            Event::ChatsHeld { user, chats, .. } => match self.principal {
                Principal::Staff(_) => {
                    self.feed(&ServerFrame::LibrarianChats {
                        user_id: *user,
                        chats: *chats,
                    })
                    .await
                }
                Principal::Patron { .. } => Ok(()),
            },
            Event::Transfer {
                transfer,
                institution,
            } => match &self.principal {
                Principal::Staff(s)
                    if transfer.from == s.id()
                        || transfer.is_offered_to(s, *institution)
                        || transfer.state.by() == Some(s.id())
                        || self.cursors.contains_key(&StreamId::Chat(transfer.chat_id)) =>
                {
                    let s = s.clone();
                    let chat = self.chat(transfer.chat_id).await?;
                    let view = self
                        .state
                        .transfer_view(transfer, &chat, &s)
                        .await
                        .map_err(|e| WriterError::Store(e.message))?;
                    self.feed(&ServerFrame::Transfer { transfer: view }).await
                }
                _ => Ok(()),
            },
            Event::ConversationOpened { conversation, .. } => match &self.principal {
                Principal::Staff(s) => {
                    let c = self
                        .state
                        .store()
                        .conversation(*conversation)
                        .await
                        .map_err(|e| WriterError::Store(e.to_string()))?;
                    if !c.admits(s) {
                        return Ok(());
                    }
                    let view = self
                        .state
                        .conversation_view(&c)
                        .await
                        .map_err(|e| WriterError::Store(e.message))?;
                    self.feed(&ServerFrame::Conversation { conversation: view })
                        .await
                }
                _ => Ok(()),
            },
            Event::ConversationTyping {
                conversation_id,
                user,
                name,
                active,
            } => match &self.principal {
                // Colleagues following the conversation see it; the typer does not.
                Principal::Staff(s)
                    if s.id() != *user
                        && self
                            .cursors
                            .contains_key(&StreamId::Conversation(*conversation_id)) =>
                {
                    self.feed(&ServerFrame::ConversationTyping {
                        conversation_id: *conversation_id,
                        name: name.clone(),
                        active: *active,
                    })
                    .await
                }
                _ => Ok(()),
            },
            Event::MonitorsChanged { .. } => match self.principal {
                Principal::Staff(_) => self.feed(&ServerFrame::MonitorsChanged {}).await,
                Principal::Patron { .. } => Ok(()),
            },
            Event::ChatChanged {
                chat,
                queue_position,
            } => {
                if self
                    .versions
                    .get(&chat.id)
                    .is_some_and(|v| chat.version < *v)
                {
                    return Ok(());
                }
                if self.principal.may_view(chat) {
                    self.versions.insert(chat.id, chat.version);
                    self.send_chat(chat, *queue_position).await?;
                    Ok(())
                } else {
                    self.hide(chat.id).await
                }
            }
            Event::ChatMoved { chat, .. } => {
                if self.principal.may_view(chat) {
                    Ok(())
                } else {
                    self.hide(chat.id).await
                }
            }
            // Older than what this socket has shown (a claim overtook it): dropped.
            Event::QueuePosition { chat, .. } | Event::Realert { chat }
                if self
                    .versions
                    .get(&chat.id)
                    .is_some_and(|v| chat.version < *v) =>
            {
                Ok(())
            }
            Event::QueuePosition { chat, position } => match self.principal {
                Principal::Patron { .. } if self.principal.may_view(chat) => {
                    self.send_chat(chat, Some(*position)).await
                }
                _ => Ok(()),
            },
            Event::Realert { chat } => {
                let staff = matches!(self.principal, Principal::Staff(_));
                if staff
                    && chat.state.status() == ChatStatus::Waiting
                    && self.principal.may_view(chat)
                {
                    self.feed(&ServerFrame::ChatRealert { chat_id: chat.id })
                        .await
                } else {
                    Ok(())
                }
            }
            Event::Typing {
                chat_id,
                from_staff,
                name,
                active,
            } => {
                // Each side sees the other side typing, not itself.
                let own_side = matches!(self.principal, Principal::Staff(_)) == *from_staff;
                if own_side || !self.cursors.contains_key(&StreamId::Chat(*chat_id)) {
                    return Ok(());
                }
                let from = if *from_staff { "staff" } else { "patron" };
                self.feed(&ServerFrame::Typing {
                    chat_id: *chat_id,
                    from: from.to_owned(),
                    name: name.clone(),
                    active: *active,
                })
                .await
            }
        }
    }

    /// The staff member's grants changed: adopt the new ones, stop following what they may no
    /// longer see (telling the dashboard), and send what they now may.
    async fn regrant(&mut self) -> Result {
        let Some(fresh) = self.access.reevaluate().await else {
            return Err(WriterError::Ended("your account is no longer active"));
        };
        self.principal = Principal::Staff(fresh.clone());
        // A co-op's or an institution's room follows the grants: one they no longer cover is
        // no longer followed (a direct conversation or a made room stays).
        let rooms: Vec<_> = self
            .cursors
            .keys()
            .filter_map(|s| s.conversation())
            .collect();
        for id in rooms {
            let c = self
                .state
                .store()
                .conversation(id)
                .await
                .map_err(|e| WriterError::Store(e.to_string()))?;
            if !c.admits(&fresh) {
                self.cursors.remove(&StreamId::Conversation(id));
                self.access
                    .unsubscribe(crate::events::Topic::Stream(id.into()));
            }
        }
        let mut known: Vec<ChatId> = self
            .cursors
            .keys()
            .filter_map(|s| s.chat())
            .chain(self.versions.keys().copied())
            .collect();
        known.sort();
        known.dedup();
        for id in known {
            let chat = self.chat(id).await?;
            if self.principal.may_view(&chat) {
                continue;
            }
            self.hide(id).await?;
        }
        let open = self
            .state
            .staff_chats(&fresh, vec![ChatStatus::Waiting, ChatStatus::Active])
            .await
            .map_err(|e| WriterError::Store(e.message))?;
        for c in &open {
            self.versions.insert(c.id, c.version);
            self.send_chat(c, None).await?;
        }
        Ok(())
    }

    /// Stops following a chat this socket may no longer see, telling the dashboard; nothing
    /// for a chat it never showed.
    async fn hide(&mut self, id: ChatId) -> Result {
        let shown = self.versions.remove(&id).is_some();
        let followed = self.cursors.remove(&StreamId::Chat(id)).is_some();
        if followed {
            self.access
                .unsubscribe(crate::events::Topic::Stream(id.into()));
        }
        if shown || followed {
            self.feed(&ServerFrame::ChatHidden { chat_id: id }).await?;
        }
        Ok(())
    }
}
