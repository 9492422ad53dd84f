//! Staff conversations: the direct one with a colleague, the rooms of a co-op and of an
//! institution, rooms someone makes and invites colleagues to; who may follow one, and their
//! views. Their messages go through [`AppState::send_batch`] like a chat's.

use super::new_id;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::http::StatusCode;
use refdesk_core::{
    Audience, Conversation, ConversationError, ConversationId, ConversationKind, Message,
    Principal, Sender, StaffPrincipal, UserId,
};
use refdesk_protocol::{ConversationMessageView, ConversationView, OpenRoomRequest};
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
        if c.admits(staff) {
            Ok(c)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// `with`, if they are a colleague of `staff`: a staff member of an institution whose chats
    /// `staff` may see (their own, or a co-op partner's while monitoring the co-op); anyone
    /// else is `not_found`.
    async fn colleague(&self, staff: &StaffPrincipal, with: UserId) -> ApiResult<UserId> {
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
        Ok(colleague.id)
    }

    /// The direct conversation between `staff` and `with`, opened now if they have none.
    pub async fn open_conversation(
        &self,
        staff: &StaffPrincipal,
        with: UserId,
    ) -> ApiResult<Conversation> {
        let with = self.colleague(staff, with).await?;
        let fresh = Conversation::direct(new_id(), staff.id(), with, self.now())?;
        let opened = self.store().open_direct_conversation(&fresh).await?;
        self.conversation_opened(&opened).await;
        Ok(opened)
    }

    /// A co-op's room (for those who may monitor it), an institution's room (its staff), or a
    /// new room `staff` makes with a name and colleagues to invite.
    pub async fn open_room(
        &self,
        staff: &StaffPrincipal,
        req: OpenRoomRequest,
    ) -> ApiResult<Conversation> {
        let kind = match (req.coop_id, req.institution_id, req.name) {
            (Some(coop), None, None) if req.members.is_empty() => {
                if !staff.may_monitor_coop(coop) {
                    return Err(ApiError::not_found());
                }
                ConversationKind::Coop { coop }
            }
            (None, Some(institution), None) if req.members.is_empty() => {
                if staff.institutions.binary_search(&institution).is_err() {
                    return Err(ApiError::not_found());
                }
                ConversationKind::Institution { institution }
            }
            (None, None, Some(name)) => {
                // Checked before any colleague is looked up: the count is bounded first.
                Conversation::room(new_id(), &name, staff.id(), &req.members, self.now())?;
                let mut invited = Vec::with_capacity(req.members.len());
                for m in req.members {
                    invited.push(self.colleague(staff, m).await?);
                }
                let room = Conversation::room(new_id(), &name, staff.id(), &invited, self.now())?;
                self.store().create_room(&room).await?;
                self.conversation_opened(&room).await;
                return Ok(room);
            }
            _ => {
                return Err(ApiError::invalid_body(
                    "give one of coop_id, institution_id, or a name (with members to invite)",
                ));
            }
        };
        let fresh = Conversation::scoped_room(new_id(), kind, self.now());
        let opened = self.store().open_scoped_room(&fresh).await?;
        self.conversation_opened(&opened).await;
        Ok(opened)
    }

    /// Invites a colleague to a made room `staff` is in.
    pub async fn invite(
        &self,
        staff: &StaffPrincipal,
        room: ConversationId,
        user: UserId,
    ) -> ApiResult<Conversation> {
        let c = self
            .conversation_for(&Principal::Staff(staff.clone()), room)
            .await?;
        c.may_invite(staff.id())?;
        let user = self.colleague(staff, user).await?;
        self.store().add_room_member(room, user).await?;
        let fresh = self.store().conversation(room).await?;
        self.conversation_opened(&fresh).await;
        Ok(fresh)
    }

    /// Tells the dashboards of those a conversation admits that it exists, so they follow it
    /// and hear its first message live.
    async fn conversation_opened(&self, c: &Conversation) {
        let (institution, coop) = match c.kind {
            ConversationKind::Institution { institution } => (Some(institution), None),
            ConversationKind::Coop { coop } => (None, Some(coop)),
            _ => (None, None),
        };
        self.publish(Event::ConversationOpened {
            conversation: c.id,
            members: c.members.clone(),
            institution,
            coop,
        })
        .await;
    }

    pub async fn conversation_view(&self, c: &Conversation) -> ApiResult<ConversationView> {
        let mut names = Vec::with_capacity(c.members.len());
        for m in &c.members {
            names.push(self.staff_name(*m, Audience::Staff).await?);
        }
        let name = match &c.kind {
            ConversationKind::Direct => None,
            ConversationKind::Room { name } => Some(name.clone()),
            ConversationKind::Institution { institution } => {
                Some(self.names().institution(self.store(), *institution).await?)
            }
            ConversationKind::Coop { coop } => Some(self.coop_name(*coop).await?),
        };
        Ok(ConversationView::new(c, names, name))
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
            ConversationError::WithSelf
            | ConversationError::RoomName
            | ConversationError::TooManyInvited => ApiError::invalid_body(e.to_string()),
            ConversationError::NotMember => ApiError::forbidden(e.to_string()),
            ConversationError::NotInvitable => {
                ApiError::new(StatusCode::CONFLICT, "not_invitable", e.to_string())
            }
        }
    }
}
