//! Staff conversations: opening the direct one with a colleague, who may follow one, and their
//! views. Their messages go through [`AppState::send_batch`] like a chat's.

use super::new_id;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::{
    Audience, Conversation, ConversationError, ConversationId, Message, Principal, Sender,
    StaffPrincipal, UserId,
};
use refdesk_protocol::{ConversationMessageView, ConversationView};
use refdesk_store::StoreError;

impl AppState {
    /// The conversation, if `principal` takes part in it; `not_found` otherwise (no hint that
    /// it exists).
    pub async fn conversation_for(
        &self,
        principal: &Principal,
        id: ConversationId,
    ) -> ApiResult<Conversation> {
        let Principal::Staff(staff) = principal else {
            return Err(ApiError::not_found());
        };
        let c = self.store().conversation(id).await?;
        if c.is_member(staff.id()) {
            Ok(c)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// The direct conversation between `staff` and `with`, opened now if they have none. The
    /// colleague must be a staff member of an institution whose chats `staff` may see (their
    /// own, or a co-op partner's); anyone else is `not_found`.
    pub async fn open_conversation(
        &self,
        staff: &StaffPrincipal,
        with: UserId,
    ) -> ApiResult<Conversation> {
        let colleague = match self.store().user(with).await {
            Ok(u) => u,
            Err(StoreError::NotFound) => return Err(ApiError::not_found()),
            Err(e) => return Err(e.into()),
        };
        if !staff.institutions.contains(&colleague.institution_id)
            && !staff.coop_institutions.contains(&colleague.institution_id)
        {
            return Err(ApiError::not_found());
        }
        let fresh = Conversation::direct(new_id(), staff.id(), colleague.id, self.now())?;
        let opened = self.store().open_direct_conversation(&fresh).await?;
        // Both dashboards follow it from now on, so the colleague hears the first IM live.
        self.publish(crate::events::Event::ConversationOpened {
            conversation: opened.id,
            members: opened.members.clone(),
        })
        .await;
        Ok(opened)
    }

    pub async fn conversation_view(&self, c: &Conversation) -> ApiResult<ConversationView> {
        let mut names = Vec::with_capacity(c.members.len());
        for m in &c.members {
            names.push(self.staff_name(*m, Audience::Staff).await?);
        }
        Ok(ConversationView::new(c, names))
    }

    /// A conversation's message as `reader` sees it (`None` for a message of anything else).
    pub async fn conversation_message_view(
        &self,
        m: &Message,
        reader: Sender,
    ) -> ApiResult<Option<ConversationMessageView>> {
        let Sender::Staff(author) = m.sender else {
            return Ok(None);
        };
        let name = self.staff_name(author, Audience::Staff).await?;
        Ok(ConversationMessageView::project(
            m,
            name,
            m.sender == reader,
        ))
    }
}

impl From<ConversationError> for ApiError {
    fn from(e: ConversationError) -> Self {
        match e {
            ConversationError::WithSelf => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.to_string())
            }
            ConversationError::NotMember => ApiError::forbidden(e.to_string()),
        }
    }
}
