//! Parse, don't validate: user-supplied strings become these types at the edge, and the rest of
//! the program can rely on their invariants (length, trimming, allowed characters).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a piece of user text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains characters that are not allowed")]
    BadCharacters { field: &'static str },
}

pub(crate) fn trimmed(field: &'static str, raw: &str, max: usize) -> Result<String, TextError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(TextError::Empty { field });
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong { field, max });
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(TextError::BadCharacters { field });
    }
    Ok(s.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

text_type!(
    /// The text of a message: trimmed, 1 to 4,000 characters, no control characters but newline
    /// and tab.
    MessageBody
);
impl MessageBody {
    pub const MAX_CHARS: usize = 4000;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        trimmed("body", raw, Self::MAX_CHARS).map(Self)
    }
    /// A body refdesk writes itself (a sent file's marker), unchecked.
    pub(crate) fn from_trusted(body: String) -> Self {
        Self(body)
    }
    /// A body as a store reads it back: what [`MessageBody::parse`] accepts, or a sent
    /// file's marker.
    pub fn stored(raw: &str) -> Result<Self, TextError> {
        if crate::attachment::marked(raw).is_some() {
            return Ok(Self(raw.to_owned()));
        }
        Self::parse(raw)
    }
}

text_type!(
    /// A name a person gives (patron display name, staff name, institution name): 1 to 120
    /// characters, one line.
    DisplayName
);
impl DisplayName {
    pub const MAX_CHARS: usize = 120;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let s = trimmed("name", raw, Self::MAX_CHARS)?;
        // Line breaks, tabs and the bidirectional overrides and isolates, which can make a name
        // display as something else (U+202A..U+202E, U+2066..U+2069).
        if s.contains(['\n', '\t'])
            || s.chars()
                .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        {
            return Err(TextError::BadCharacters { field: "name" });
        }
        Ok(Self(s))
    }
}

text_type!(
    /// An email address, lower-cased; only its rough shape is checked (one `@`, a dot after it).
    Email
);
impl Email {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let s = trimmed("email", raw, 254)?.to_lowercase();
        let ok = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.contains(char::is_whitespace)
                    && !domain.contains('@')
            }
            None => false,
        };
        if !ok {
            return Err(TextError::BadCharacters { field: "email" });
        }
        Ok(Self(s))
    }
}

text_type!(
    /// The sender's own id for a message, which makes a retried send harmless: 1 to 64 characters
    /// of `A-Z a-z 0-9 - _ . :`.
    ClientMsgId
);
impl ClientMsgId {
    pub const MAX_CHARS: usize = 64;
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        if raw.is_empty() {
            return Err(TextError::Empty {
                field: "client_msg_id",
            });
        }
        if raw.len() > Self::MAX_CHARS {
            return Err(TextError::TooLong {
                field: "client_msg_id",
                max: Self::MAX_CHARS,
            });
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        {
            return Err(TextError::BadCharacters {
                field: "client_msg_id",
            });
        }
        Ok(Self(raw.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_trimmed_and_bounded() {
        assert_eq!(MessageBody::parse("  hi \n").unwrap().as_str(), "hi");
        assert!(matches!(
            MessageBody::parse("   "),
            Err(TextError::Empty { .. })
        ));
        assert!(MessageBody::parse(&"x".repeat(4000)).is_ok());
        assert!(matches!(
            MessageBody::parse(&"x".repeat(4001)),
            Err(TextError::TooLong { .. })
        ));
        assert!(MessageBody::parse("a\u{0}b").is_err());
        assert!(MessageBody::parse("line one\nline two").is_ok());
    }

    #[test]
    fn client_ids_are_restricted() {
        assert!(ClientMsgId::parse("c-1_2.3:4").is_ok());
        assert!(ClientMsgId::parse("").is_err());
        assert!(ClientMsgId::parse("has space").is_err());
        assert!(ClientMsgId::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn emails_are_lowercased_and_shaped() {
        assert_eq!(
            Email::parse(" Ann@Library.ORG ").unwrap().as_str(),
            "ann@library.org"
        );
        for bad in [
            "ann",
            "@x.org",
            "ann@org",
            "ann@.org",
            "a b@x.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_one_line() {
        assert!(DisplayName::parse("Ann Smith").is_ok());
        assert!(DisplayName::parse("Ann\nSmith").is_err());
    }

    #[test]
    fn serde_parses_on_the_way_in() {
        let e: Result<MessageBody, _> = serde_json::from_str("\"   \"");
        assert!(e.is_err());
    }
}
