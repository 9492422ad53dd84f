//! A patron's rating of a chat (1 to 5 stars) and comment, given once the chat has ended,
//! kept with the chat for reports.

use crate::chat::Chat;
use crate::ids::ChatId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub chat_id: ChatId,
    /// 1 (poor) to 5 (excellent).
    pub stars: u8,
    pub comment: Option<String>,
    pub rated_at: OffsetDateTime,
}

/// Why a rating was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("stars are 1 to 5")]
    Stars,
    #[error("a comment is at most 1000 characters")]
    Comment,
    #[error("a chat is rated once it has ended")]
    NotEnded,
}

impl Rating {
    /// The patron's rating of `chat`: only once it has ended; the comment trimmed (empty is
    /// none).
    pub fn new(
        chat: &Chat,
        stars: u8,
        comment: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Rating, RatingError> {
        if chat.state.status().is_open() {
            return Err(RatingError::NotEnded);
        }
        if !(1..=5).contains(&stars) {
            return Err(RatingError::Stars);
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            return Err(RatingError::Comment);
        }
        Ok(Rating {
            chat_id: chat.id,
            stars,
            comment: comment.map(str::to_owned),
            rated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::ChatState;

    #[test]
    fn a_rating_needs_an_ended_chat_and_sane_values() {
        let mut chat = crate::chat::tests::waiting_chat();
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(Rating::new(&chat, 5, None, now), Err(RatingError::NotEnded));
        chat.state = ChatState::Closed;
        assert_eq!(Rating::new(&chat, 0, None, now), Err(RatingError::Stars));
        assert_eq!(Rating::new(&chat, 6, None, now), Err(RatingError::Stars));
        let long = "x".repeat(1001);
        assert_eq!(
            Rating::new(&chat, 4, Some(&long), now),
            Err(RatingError::Comment)
        );
        let r = Rating::new(&chat, 4, Some("  Very helpful!  "), now).unwrap();
        assert_eq!((r.stars, r.comment.as_deref()), (4, Some("Very helpful!")));
        assert_eq!(
            Rating::new(&chat, 3, Some("   "), now).unwrap().comment,
            None
        );
    }
}
