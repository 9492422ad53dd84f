//! Mail templates: each kind of mail has a subject, a plain-text and an HTML template
//! (minijinja). refdesk ships a default for each; an institution's admins may store their own.
//! The HTML part is autoescaped, so patrons' and librarians' words never become markup; the
//! subject is one line.

use refdesk_core::{MailKind, MailTemplate, Rendered};
use serde::Serialize;

const TRANSCRIPT: [&str; 3] = [
    include_str!("../../templates/mail/transcript.subject.txt"),
    include_str!("../../templates/mail/transcript.txt"),
    include_str!("../../templates/mail/transcript.html"),
];
const TICKET_REPLY: [&str; 3] = [
    include_str!("../../templates/mail/ticket_reply.subject.txt"),
    include_str!("../../templates/mail/ticket_reply.txt"),
    include_str!("../../templates/mail/ticket_reply.html"),
];

/// refdesk's own template for `kind`.
pub fn default_template(kind: MailKind) -> MailTemplate {
    let [subject, text, html] = match kind {
        MailKind::Transcript => TRANSCRIPT,
        MailKind::TicketReply => TICKET_REPLY,
    };
    MailTemplate {
        subject: subject.trim_end().to_owned(),
        text: text.to_owned(),
        html: html.to_owned(),
    }
}

/// One line of a transcript as the patron saw it.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The time, in the institution's time zone (`14:05`).
    pub time: String,
    /// Who wrote it (empty for the chat's own notices).
    pub who: String,
    pub text: String,
}

/// What a transcript mail is made from.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptContext {
    pub library: String,
    pub patron_name: String,
    /// When the chat started (`3 December 2026, 14:02`), in the institution's time zone.
    pub started: String,
    pub messages: Vec<Line>,
}

/// What a ticket reply mail is made from.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyContext {
    pub library: String,
    pub patron_name: String,
    pub subject: String,
    pub reply: String,
    pub librarian: String,
}

/// Renders `template` with `context`; an error says which part failed and why.
pub fn render<C: Serialize>(template: &MailTemplate, context: &C) -> Result<Rendered, String> {
    let env = minijinja::Environment::new();
    let ctx = minijinja::Value::from(minijinja::value::Serde(context));
    let part = |name: &str, source: &str| {
        env.render_named_str(name, source, ctx.clone())
            .map_err(|e| format!("{name}: {e}"))
    };
    let subject = part("subject.txt", &template.subject)?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    if subject.is_empty() {
        return Err("subject.txt: the subject is empty".to_owned());
    }
    Ok(Rendered {
        subject: subject.chars().take(250).collect(),
        text: part("text.txt", &template.text)?,
        html: part("body.html", &template.html)?,
    })
}

/// Checks an institution's template before it is stored: each part at most
/// [`refdesk_core::mail::MAX_TEMPLATE_CHARS`] and rendering with a sample of its kind.
pub fn check(kind: MailKind, template: &MailTemplate) -> Result<(), String> {
    for (name, part) in [
        ("subject", &template.subject),
        ("text", &template.text),
        ("html", &template.html),
    ] {
        if part.chars().count() > refdesk_core::mail::MAX_TEMPLATE_CHARS {
            return Err(format!(
                "{name} is longer than {} characters",
                refdesk_core::mail::MAX_TEMPLATE_CHARS
            ));
        }
    }
    match kind {
        MailKind::Transcript => render(template, &sample_transcript()).map(drop),
        MailKind::TicketReply => render(template, &sample_reply()).map(drop),
    }
}

/// A made-up transcript, to preview and check templates with.
pub fn sample_transcript() -> TranscriptContext {
    TranscriptContext {
        library: "Riverside Public Library".into(),
        patron_name: "Sam".into(),
        started: "3 December 2026, 14:02".into(),
        messages: vec![
            Line {
                time: "14:02".into(),
                who: "Sam".into(),
                text: "Do you have <b>county maps</b>?".into(),
            },
            Line {
                time: "14:03".into(),
                who: "Alice".into(),
                text: "Yes, in the map room on floor 2.".into(),
            },
        ],
    }
}

/// A made-up ticket reply, to preview and check templates with.
pub fn sample_reply() -> ReplyContext {
    ReplyContext {
        library: "Riverside Public Library".into(),
        patron_name: "Sam".into(),
        subject: "County maps".into(),
        reply: "The map room has them.\nIt opens at 10.".into(),
        librarian: "Alice".into(),
    }
}

/// A moment in `zone` (an IANA name; UTC when unknown), as `(date and time, time)`.
pub fn local_time(zone: &str, at: time::OffsetDateTime) -> (String, String) {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(at.unix_timestamp()) {
        Ok(ts) => {
            let z = ts.to_zoned(tz);
            (
                z.strftime("%-d %B %Y, %H:%M").to_string(),
                z.strftime("%H:%M").to_string(),
            )
        }
        Err(_) => (at.to_string(), at.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_escapes_what_people_wrote() {
        let r = render(
            &default_template(MailKind::Transcript),
            &sample_transcript(),
        )
        .unwrap();
        assert_eq!(r.subject, "Your chat with Riverside Public Library");
        assert!(
            r.html.contains("&lt;b&gt;county maps&lt;&#x2f;b&gt;")
                || r.html.contains("&lt;b&gt;county maps&lt;/b&gt;"),
            "{}",
            r.html
        );
        assert!(
            r.text
                .contains("[14:02] Sam: Do you have <b>county maps</b>?")
        );
        let reply = render(&default_template(MailKind::TicketReply), &sample_reply()).unwrap();
        assert_eq!(reply.subject, "Re: County maps");
    }

    #[test]
    fn a_broken_template_is_refused_with_its_reason() {
        let mut t = default_template(MailKind::Transcript);
        t.html = "{% for m in messages %}".into();
        let e = check(MailKind::Transcript, &t).unwrap_err();
        assert!(e.starts_with("body.html"), "{e}");
        t = default_template(MailKind::Transcript);
        t.subject = "  ".into();
        assert!(check(MailKind::Transcript, &t).is_err());
    }
}
