//! FAQ answers are Markdown: rendered to HTML with pulldown-cmark (CommonMark, tables,
//! strikethrough), then cleaned with ammonia's allow-list, so no script, handler, style or
//! frame written into an answer ever reaches a browser. Images are not allowed either: an
//! answer shown to a patron must not make their browser call a third party. Links open with
//! `rel="noopener noreferrer nofollow"`. The plain text is what search indexes and quotes.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::sync::LazyLock;

/// The allow-list, built once (every FAQ shown renders its answer).
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some("noopener noreferrer nofollow"));
    b
});

fn parser(md: &str) -> Parser<'_> {
    Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
}

/// The answer as safe HTML.
pub fn to_html(md: &str) -> String {
    let mut html = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser(md));
    CLEANER.clean(&html).to_string()
}

/// The answer as plain text: its words, one space between inline parts, a line break between
/// blocks; link targets and markup left out.
pub fn to_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for event in parser(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Item) => out.push_str("\n- "),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_scripts_do_not() {
        let html = to_html(
            "**Renew** at [My Account](https://lib.example/account).\n\n\
             <script>alert(1)</script><img src=x onerror=alert(2)>\
             [x](javascript:alert(3)) <a href=\"https://e.example\" onclick=\"alert(4)\">e</a>",
        );
        assert!(html.contains("<strong>Renew</strong>"), "{html}");
        assert!(html.contains("href=\"https://lib.example/account\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        for bad in [
            "<script",
            "onerror",
            "href=\"javascript:",
            "onclick",
            "<img",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
    }

    #[test]
    fn plain_text_keeps_words_only() {
        assert_eq!(
            to_text(
                "# Renewals\n\nSign in to **My Account** ([link](https://x.example)).\n\n- one\n- two"
            ),
            "Renewals\nSign in to My Account (link).\n- one\n- two"
        );
    }
}
