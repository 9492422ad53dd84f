//! Files sent in a chat. A file's type is read from its content, never from its name: the
//! first bytes say whether it is a raster image, a PDF, an office document or plain text, and
//! anything that could run in a browser (HTML, SVG, XML, scripts) is refused, as is anything
//! unrecognised. Each institution allows some kinds and a size; a refused file is never kept.
//! A sent file is a message of the chat whose body is a [`marker`], which no typed message can
//! hold (typed bodies refuse control characters); clients show it as the file.

use crate::ids::{AttachmentId, ChatId};
use crate::message::Sender;
use crate::text::MessageBody;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What kinds of file an institution may allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// PNG, JPEG, GIF, WebP: shown as thumbnails.
    Image,
    Pdf,
    /// Word, Excel, PowerPoint and OpenDocument files.
    Office,
    /// Plain text (UTF-8, no markup).
    Text,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [
        FileKind::Image,
        FileKind::Pdf,
        FileKind::Office,
        FileKind::Text,
    ];
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_kb} KB")]
    TooLarge { max_kb: u32 },
    #[error("files of this type ({0}) cannot be sent")]
    TypeNotAllowed(String),
    #[error("this library does not accept files in chats")]
    Off,
}

/// A file's type as read from its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub content_type: &'static str,
    pub kind: FileKind,
}

/// Reads a file's type from its first bytes. Refuses markup (HTML, SVG, XML) and anything not
/// recognised.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if let Some(t) = infer::get(bytes) {
        let mime = t.mime_type();
        let known: Option<(&'static str, FileKind)> = match mime {
            "image/png" => Some(("image/png", FileKind::Image)),
            "image/jpeg" => Some(("image/jpeg", FileKind::Image)),
            "image/gif" => Some(("image/gif", FileKind::Image)),
            "image/webp" => Some(("image/webp", FileKind::Image)),
            "application/pdf" => Some(("application/pdf", FileKind::Pdf)),
            "application/msword"
            | "application/vnd.ms-excel"
            | "application/vnd.ms-powerpoint"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/vnd.oasis.opendocument.text"
            | "application/vnd.oasis.opendocument.spreadsheet"
            | "application/vnd.oasis.opendocument.presentation" => Some((
                OFFICE
                    .iter()
                    .find(|m| **m == mime)
                    .copied()
                    .unwrap_or("application/octet-stream"),
                FileKind::Office,
            )),
            _ => None,
        };
        return known
            .map(|(content_type, kind)| Sniffed { content_type, kind })
            .ok_or_else(|| AttachmentError::TypeNotAllowed(mime.to_owned()));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(AttachmentError::TypeNotAllowed("unknown".into()));
    };
    if text.contains('\0') {
        return Err(AttachmentError::TypeNotAllowed("unknown".into()));
    }
    let lower = text.to_lowercase();
    if MARKUP.iter().any(|m| lower.contains(m)) {
        return Err(AttachmentError::TypeNotAllowed("markup".into()));
    }
    Ok(Sniffed {
        content_type: "text/plain; charset=utf-8",
        kind: FileKind::Text,
    })
}

const OFFICE: [&str; 9] = [
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
];

/// What makes a text file markup a browser might run.
const MARKUP: [&str; 7] = [
    "<html",
    "<svg",
    "<script",
    "<!doctype",
    "<?xml",
    "<body",
    "<iframe",
];

/// Whether a browser may show this type inline: safe raster images only.
pub fn shown_inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// A file name fit to show and to send back: no path, no control characters, one line, at most
/// 120 characters; `file` when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let name = name.trim().trim_start_matches('.').trim();
    if name.is_empty() {
        "file".to_owned()
    } else {
        name.to_owned()
    }
}

/// A file sent in a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub chat_id: ChatId,
    pub sender: Sender,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the content, hex: where the content is kept (content-addressed).
    pub sha256: String,
    pub created_at: OffsetDateTime,
}

const MARK: &str = "\u{1}file:";

/// The body of the message that carries `a`.
pub fn marker(a: &Attachment) -> MessageBody {
    MessageBody::from_trusted(format!(
        "{MARK}{}:{}:{}\n{}",
        a.id, a.content_type, a.size, a.name
    ))
}

/// The file a message body carries, if it is a [`marker`]: (id, content type, size, name).
pub fn marked(body: &str) -> Option<(AttachmentId, &str, u64, &str)> {
    let rest = body.strip_prefix(MARK)?;
    let (head, name) = rest.split_once('\n')?;
    let (id, rest) = head.split_once(':')?;
    let (content_type, size) = rest.rsplit_once(':')?;
    Some((id.parse().ok()?, content_type, size.parse().ok()?, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(sniff(PNG).unwrap().kind, FileKind::Image);
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap().kind, FileKind::Pdf);
        assert_eq!(
            sniff(b"Opening hours: 9 to 5").unwrap().kind,
            FileKind::Text
        );
        for bad in [
            &b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"[..],
            b"<!DOCTYPE html><script>alert(1)</script>",
            b"hello <ScRiPt>alert(1)</script>",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
            b"\xff\xfe\0\x01garbage",
        ] {
            assert!(
                matches!(sniff(bad), Err(AttachmentError::TypeNotAllowed(_))),
                "{bad:?}"
            );
        }
        assert_eq!(sniff(b""), Err(AttachmentError::Empty));
        // A polyglot (a PNG with HTML after it) is a PNG, and is served as one.
        let mut poly = PNG.to_vec();
        poly.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(sniff(&poly).unwrap().content_type, "image/png");
        assert!(shown_inline("image/png") && !shown_inline("application/pdf"));
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\map.png"), "map.png");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(clean_name("..."), "file");
        assert_eq!(
            clean_name("<img src=x onerror=alert(1)>.png"),
            "<img src=x onerror=alert(1)>.png"
        );
    }

    #[test]
    fn a_marker_round_trips() {
        let a = Attachment {
            id: uuid::Uuid::now_v7().into(),
            chat_id: uuid::Uuid::now_v7().into(),
            sender: Sender::System,
            name: "map: floor 2.png".into(),
            content_type: "image/png".into(),
            size: 42,
            sha256: "00".into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
        };
        let body = marker(&a);
        assert_eq!(
            marked(body.as_str()),
            Some((a.id, "image/png", 42, "map: floor 2.png"))
        );
        assert_eq!(marked("file:x"), None);
        assert!(
            MessageBody::parse(body.as_str()).is_err(),
            "no typed message can be a marker"
        );
    }
}
