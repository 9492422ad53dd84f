//! Typing indicators (not stored): in a patron chat, the patron and the librarians in it type to
//! each other; in a staff conversation, each member's colleagues see them typing.

use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::{Audience, Principal, StreamId};

impl AppState {
    /// `principal` is typing (or stopped) in `stream`: tells the other side.
    pub async fn typing(
        &self,
        principal: &Principal,
        stream: StreamId,
        active: bool,
    ) -> ApiResult<()> {
        match stream {
            StreamId::Chat(chat_id) => {
                let chat = self.chat_for(principal, chat_id).await?;
                if !chat.state.status().is_open() {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "chat_ended",
                        "the chat has ended",
                    ));
                }
                let (from_staff, name) = match principal {
                    // Only the librarians in the chat type to the patron, by the name patrons
                    // see; a colleague previewing the chat does not.
                    Principal::Staff(s) if chat.is_in(s.id()) => {
                        let name = self
                            .staff_name(s.id(), Audience::Patron)
                            .await
                            .unwrap_or_else(|_| s.user.public_name());
                        (true, Some(name))
                    }
                    Principal::Staff(_) => return Ok(()),
                    Principal::Patron { .. } => (false, None),
                };
                self.publish(Event::Typing {
                    chat_id,
                    from_staff,
                    name,
                    active,
                })
                .await;
            }
            StreamId::Conversation(id) => {
                let c = self.conversation_for(principal, id).await?;
                let Principal::Staff(s) = principal else {
                    return Err(ApiError::not_found());
                };
                self.publish(Event::ConversationTyping {
                    conversation_id: c.id,
                    user: s.id(),
                    name: s.user.name.to_string(),
                    active,
                })
                .await;
            }
        }
        Ok(())
    }
}
