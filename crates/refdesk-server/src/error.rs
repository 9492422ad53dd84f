//! `ApiError`: the one error of the HTTP layer. It maps core rejections and store errors to a
//! status and the documented body `{"error": {"code", "message"}}`, and is logged once, here.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use refdesk_core::{Rejection, TextError};
use refdesk_protocol::ErrorBody;
use refdesk_store::{Conflict, StoreError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait before trying again, sent as `Retry-After` (rate limits).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    /// `429 rate_limited`, to be tried again after `seconds`.
    pub fn rate_limited(seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many attempts; try again in {seconds} s"),
            )
        }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such object")
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn bad_origin() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "bad_origin",
            "requests from this origin are not accepted",
        )
    }
    pub fn invalid_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_body", message)
    }
    pub fn invalid_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_query", message)
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on the server",
        )
    }
    pub fn body(&self) -> ErrorBody {
        ErrorBody::new(self.code, self.message.clone())
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> Self {
        let status = match r {
            Rejection::WrongSender => StatusCode::FORBIDDEN,
            _ => StatusCode::CONFLICT,
        };
        ApiError::new(status, r.code(), r.to_string())
    }
}

impl From<refdesk_core::TransferRejection> for ApiError {
    fn from(r: refdesk_core::TransferRejection) -> Self {
        use refdesk_core::TransferRejection as R;
        let status = match r {
            R::ToSelf => StatusCode::BAD_REQUEST,
            // Only the holder transfers a chat: a right, not a race.
            R::NotHolder | R::NotForYou | R::NotSender => StatusCode::FORBIDDEN,
            R::AlreadyPending | R::NotPending | R::Stale => StatusCode::CONFLICT,
        };
        ApiError::new(status, r.code(), r.to_string())
    }
}

impl From<TextError> for ApiError {
    fn from(e: TextError) -> Self {
        ApiError::invalid_body(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            // The server checks kinds before it appends; the store refusing one is a bad frame.
            StoreError::Conflict(c @ Conflict::WrongStream) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_frame", c.to_string())
            }
            StoreError::Conflict(c) => {
                let code = match c {
                    Conflict::AlreadyExists | Conflict::StateChanged => "conflict",
                    Conflict::ClientIdReused => "client_id_reused",
                    Conflict::ChatEnded => "chat_ended",
                    Conflict::OpenChatExists => "open_chat_exists",
                    Conflict::WrongStream => "invalid_frame",
                    Conflict::InUse => "in_use",
                    Conflict::TransferPending => "transfer_pending",
                    Conflict::ChatOpen => "chat_open",
                };
                ApiError::new(StatusCode::CONFLICT, code, c.to_string())
            }
            StoreError::Other(e) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_client_error() {
            tracing::debug!(
                code = self.code,
                status = self.status.as_u16(),
                "request refused"
            );
        }
        let mut resp = (self.status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
