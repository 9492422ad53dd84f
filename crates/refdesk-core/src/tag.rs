//! Tags: short labels librarians put on a chat ("citation help", "ill"), at any time, for
//! reports. A tag is kept with its chat through transfers; the same words make the same tag
//! (trimmed, lower case).

use crate::ids::{ChatId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

/// Why a tag was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a tag is 1 to 40 characters, without commas or control characters")]
pub struct TagError;

impl Tag {
    pub fn parse(s: &str) -> Result<Tag, TagError> {
        let t: String = s
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let bad = t.is_empty()
            || t.chars().count() > MAX_TAG_CHARS
            || t.chars().any(|c| c.is_control() || c == ',');
        if bad { Err(TagError) } else { Ok(Tag(t)) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Tag {
    type Error = TagError;
    fn try_from(s: String) -> Result<Self, TagError> {
        Tag::parse(&s)
    }
}

impl From<Tag> for String {
    fn from(t: Tag) -> String {
        t.0
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tag on a chat, who put it there and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTag {
    pub chat_id: ChatId,
    pub tag: Tag,
    pub added_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_lower_case_and_bounded() {
        assert_eq!(
            Tag::parse("  Citation   Help ").unwrap().as_str(),
            "citation help"
        );
        assert_eq!(Tag::parse("ILL"), Tag::parse("ill"));
        for bad in ["", "   ", "a,b", "tab\u{7}", &"x".repeat(41)] {
            assert_eq!(Tag::parse(bad), Err(TagError), "{bad:?}");
        }
        assert!(Tag::parse(&"é".repeat(40)).is_ok());
        assert!(serde_json::from_str::<Tag>("\"\"").is_err());
    }
}
