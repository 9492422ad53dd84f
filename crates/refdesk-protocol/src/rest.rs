//! Request and response bodies of the REST API.

use crate::views::{
    ConversationMessageView, ConversationView, MessageView, PatronChatView, StaffChatView, UserView,
};
use refdesk_core::{ChatId, ConversationId, DisplayName, Email, MessageBody, UserId, WidgetId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The 6-digit code from the authenticator app, for an account with two-step sign-in on
    /// (without it such an account gets `401 totp_required`).
    #[serde(default)]
    pub totp_code: Option<String>,
}

/// `GET /api/auth/totp`: whether two-step sign-in is on for me.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TotpStatus {
    pub enabled: bool,
    /// A setup was started and waits for its first code.
    pub setting_up: bool,
}

/// A request that needs the current password again (setting two-step sign-in up, or off).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentPassword {
    pub current_password: String,
}

/// What an authenticator app needs to add the account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TotpEnrolment {
    /// The secret, base32, to type in where the QR code cannot be read.
    pub secret: String,
    pub otpauth_url: String,
    /// The QR code of `otpauth_url`, as an SVG image.
    pub qr_svg: String,
}

/// `POST /api/auth/totp/enable`: the first code from the app, which turns it on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// `POST /api/auth/password`: a staff member changes their own password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    /// At least 10 characters, not easy to guess (not a common password, nor built on the
    /// account's email or name).
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub user: UserView,
}

/// The pre-chat form. Blank optional fields are to be left out, not sent empty.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartChatRequest {
    #[schema(value_type = String, format = Uuid)]
    pub widget_id: WidgetId,
    #[schema(value_type = Option<String>, max_length = 120)]
    #[serde(default)]
    pub name: Option<DisplayName>,
    #[schema(value_type = Option<String>, format = Email)]
    #[serde(default)]
    pub email: Option<Email>,
    /// Required unless the widget's `fields.question` says otherwise.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 4000)]
    #[serde(default)]
    pub question: Option<MessageBody>,
    /// The page of the library's site the chat box was opened on.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub referrer: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StartChatResponse {
    pub chat: PatronChatView,
    /// The patron's bearer token: keep it in the chat box's storage, send it in `hello` and as
    /// `Authorization: Bearer …`. It is shown only once.
    pub guest_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffChatList {
    pub chats: Vec<StaffChatView>,
    /// Present when there may be more: pass it as `after` for the next page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only messages with a greater sequence number (default 0: from the start).
    pub after_seq: Option<u64>,
    /// At most this many (default and maximum 500).
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryResponse {
    #[schema(value_type = String, format = Uuid)]
    pub chat_id: ChatId,
    pub messages: Vec<MessageView>,
    /// The chat's last sequence number at the time of reading.
    pub last_seq: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WidgetConfig {
    #[schema(value_type = String, format = Uuid)]
    pub id: WidgetId,
    pub name: String,
    pub institution_name: String,
    /// Which pre-chat fields to show, and which the patron must fill in.
    pub fields: crate::PrechatFieldsBody,
    pub texts: crate::WidgetTextsBody,
    /// Whether anyone is monitoring a step of its routing plan now (and a co-op step is within
    /// its hours): when not, the chat box shows its offline text instead of the form.
    pub online: bool,
    /// Whether the chat box asks the patron to rate a chat when it ends.
    pub ask_rating: bool,
    /// The institution's privacy notice for chat (`/privacy/{slug}`), which the chat box links
    /// to.
    pub privacy_url: String,
}

/// `POST /api/chats/{id}/rating`: the patron rates their ended chat.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    /// 1 (poor) to 5 (excellent).
    pub stars: u8,
    /// At most 1000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A chat's rating, as its patron gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RatingView {
    pub stars: u8,
    pub comment: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub rated_at: time::OffsetDateTime,
}

impl From<refdesk_core::Rating> for RatingView {
    fn from(r: refdesk_core::Rating) -> Self {
        RatingView {
            stars: r.stars,
            comment: r.comment,
            rated_at: r.rated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// Opens the direct conversation with a colleague (the same one every time).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenConversationRequest {
    /// The colleague: a staff member of an institution whose chats you may see.
    #[schema(value_type = String, format = Uuid)]
    pub with: UserId,
}

/// `POST /api/rooms`: open the room of a co-op or of an institution (give one of `coop_id` and
/// `institution_id`), or make a room with a `name` and the colleagues to invite (`members`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRoomRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub coop_id: Option<refdesk_core::CoopId>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub institution_id: Option<refdesk_core::InstitutionId>,
    /// A made room's name (1–80 characters).
    #[serde(default)]
    pub name: Option<String>,
    /// Colleagues invited to a made room at once.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub members: Vec<UserId>,
}

/// `POST /api/conversations/{id}/members`: invite a colleague to a made room.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[schema(value_type = String, format = Uuid)]
    pub user: UserId,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConversationList {
    /// Newest first.
    pub conversations: Vec<ConversationView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConversationHistory {
    #[schema(value_type = String, format = Uuid)]
    pub conversation_id: ConversationId,
    pub messages: Vec<ConversationMessageView>,
    /// The conversation's last sequence number at the time of reading.
    pub last_seq: u64,
}
