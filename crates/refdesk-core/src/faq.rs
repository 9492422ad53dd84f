//! FAQs: an institution's questions with their answers, in groups. The internal group ("24/7
//! Staffing") is for the librarians who answer that library's patrons, its own and a co-op's
//! (local policies, services, hours, collections); public groups are published to patrons too.
//! An answer is Markdown; the caller renders it (and derives its plain text, which search
//! indexes and snippets quote), since that is not this crate's business.

use crate::ids::{FaqId, InstitutionId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The name of every institution's internal group.
pub const INTERNAL_GROUP: &str = "24/7 Staffing";
/// The group a public FAQ goes to when none is named.
pub const DEFAULT_PUBLIC_GROUP: &str = "General";
pub const MAX_QUESTION_CHARS: usize = 300;
pub const MAX_ANSWER_CHARS: usize = 20_000;
pub const MAX_GROUP_CHARS: usize = 60;
pub const MAX_TOPICS: usize = 10;
pub const MAX_TOPIC_CHARS: usize = 40;
/// At most this many words of a search are looked for.
pub const MAX_SEARCH_TERMS: usize = 12;

/// Who may read an FAQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaqVisibility {
    /// The 24/7 Staffing group: staff only.
    Internal,
    /// A public group: published on the institution's FAQ page and suggested in its chat box.
    Public,
}

impl FaqVisibility {
    pub const fn as_str(self) -> &'static str {
        match self {
            FaqVisibility::Internal => "internal",
            FaqVisibility::Public => "public",
        }
    }
    pub fn parse(s: &str) -> Option<FaqVisibility> {
        match s {
            "internal" => Some(FaqVisibility::Internal),
            "public" => Some(FaqVisibility::Public),
            _ => None,
        }
    }
}

/// An FAQ as written: what an editor or an import supplies.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FaqDraft {
    pub question: String,
    /// Markdown.
    pub answer: String,
    #[serde(default)]
    pub topics: Vec<String>,
    /// The public group's name (ignored for internal FAQs; empty: "General").
    #[serde(default)]
    pub group: String,
}

/// A stored FAQ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faq {
    pub id: FaqId,
    pub institution_id: InstitutionId,
    pub visibility: FaqVisibility,
    /// Its group: [`INTERNAL_GROUP`] for internal FAQs.
    pub group: String,
    pub question: String,
    /// Markdown, as written.
    pub answer: String,
    /// The answer as plain text (what search indexes and snippets quote).
    pub answer_text: String,
    /// Lower-case, sorted, no repeats.
    pub topics: Vec<String>,
    pub updated_at: OffsetDateTime,
}

/// One search result: the FAQ and a snippet of it around the matched words, each match between
/// [`MARK_START`] and [`MARK_END`] (turn it into safe HTML with [`highlight_html`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqHit {
    pub faq: Faq,
    pub snippet: String,
}

/// Marks the start of a matched word in a snippet (a control character no FAQ holds).
pub const MARK_START: char = '\u{1}';
/// Marks the end of a matched word in a snippet.
pub const MARK_END: char = '\u{2}';

/// Why an FAQ was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FaqError {
    #[error("a question is 1 to 300 characters")]
    Question,
    #[error("an answer is 1 to 20000 characters")]
    Answer,
    #[error("a group name is at most 60 characters")]
    Group,
    #[error(
        "an FAQ has at most 10 topics of at most 40 characters each, without commas or semicolons"
    )]
    Topics,
}

fn clean_line(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    (s.chars().count() <= max && !s.chars().any(char::is_control)).then(|| s.to_owned())
}

impl Faq {
    /// An FAQ from a draft, checked: question, answer, group and topics trimmed and within
    /// their limits; topics lower-cased, sorted and deduplicated. `answer_text` is the
    /// answer's plain text, derived by the caller.
    pub fn new(
        id: FaqId,
        institution_id: InstitutionId,
        visibility: FaqVisibility,
        draft: &FaqDraft,
        answer_text: String,
        now: OffsetDateTime,
    ) -> Result<Faq, FaqError> {
        let question = clean_line(&draft.question, MAX_QUESTION_CHARS)
            .filter(|q| !q.is_empty())
            .ok_or(FaqError::Question)?;
        let answer = draft.answer.trim();
        if answer.is_empty()
            || answer.chars().count() > MAX_ANSWER_CHARS
            || answer.contains([MARK_START, MARK_END, '\0'])
        {
            return Err(FaqError::Answer);
        }
        let group = match visibility {
            FaqVisibility::Internal => INTERNAL_GROUP.to_owned(),
            FaqVisibility::Public => {
                let g = clean_line(&draft.group, MAX_GROUP_CHARS).ok_or(FaqError::Group)?;
                if g.is_empty() {
                    DEFAULT_PUBLIC_GROUP.to_owned()
                } else {
                    g
                }
            }
        };
        let mut topics = Vec::new();
        for t in &draft.topics {
            // Commas and semicolons separate topics in the editor and in CSV files.
            let t = clean_line(t, MAX_TOPIC_CHARS)
                .filter(|t| !t.contains([',', ';']))
                .ok_or(FaqError::Topics)?;
            if !t.is_empty() {
                topics.push(t.to_lowercase());
            }
        }
        topics.sort();
        topics.dedup();
        if topics.len() > MAX_TOPICS {
            return Err(FaqError::Topics);
        }
        Ok(Faq {
            id,
            institution_id,
            visibility,
            group,
            question,
            answer: answer.to_owned(),
            answer_text: answer_text.replace([MARK_START, MARK_END], ""),
            topics,
            updated_at: now,
        })
    }
}

/// Words a search ignores: they match nearly every FAQ and say nothing about the question.
const STOPWORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does",
    "for", "from", "get", "have", "how", "i", "if", "in", "is", "it", "me", "my", "of", "on", "or",
    "please", "the", "there", "this", "to", "want", "was", "what", "when", "where", "which", "who",
    "why", "will", "with", "would", "you", "your",
];

/// The words of a search, as both backends look for them: lower-case runs of letters and
/// digits, without stop words and repeats, at most [`MAX_SEARCH_TERMS`] of at most 40
/// characters. Each is matched by its stem and, from three characters, as a prefix
/// ("renewing" finds "renew", "inter" finds "interlibrary"; see [`matches_as_prefix`]).
pub fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        let w = word.to_lowercase();
        if w.is_empty() || w.chars().count() > 40 || STOPWORDS.contains(&w.as_str()) {
            continue;
        }
        if !terms.contains(&w) {
            terms.push(w);
        }
        if terms.len() == MAX_SEARCH_TERMS {
            break;
        }
    }
    terms
}

/// Whether the `i`th of a search's terms is matched as a prefix too: the last one, the word
/// being typed ("interlib" finds "interlibrary"), when it has three characters or more
/// (shorter ones, like "co" or "3d", only as words, or they would match nearly everything).
/// The words before it are complete: matched as words (and their stems), since a prefix
/// matches every indexed word that starts with it, and merging all of those is most of what a
/// search would cost.
pub fn matches_as_prefix(terms: &[String], i: usize) -> bool {
    i + 1 == terms.len() && terms[i].chars().count() >= 3
}

/// A snippet as HTML: its text escaped, its marked words in `<mark>`.
pub fn highlight_html(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 16);
    let mut open = false;
    for c in snippet.chars() {
        match c {
            MARK_START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            MARK_END if open => {
                out.push_str("</mark>");
                open = false;
            }
            MARK_START | MARK_END => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn draft(q: &str, a: &str) -> FaqDraft {
        FaqDraft {
            question: q.into(),
            answer: a.into(),
            topics: vec!["Renewals".into(), "renewals".into(), " loans ".into()],
            group: String::new(),
        }
    }

    #[test]
    fn drafts_are_checked_and_tidied() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let (id, inst) = (Uuid::from_u128(1).into(), Uuid::from_u128(2).into());
        let f = Faq::new(
            id,
            inst,
            FaqVisibility::Public,
            &draft(" How do I renew? ", "Sign in."),
            "Sign in.".into(),
            at,
        )
        .unwrap();
        assert_eq!(f.question, "How do I renew?");
        assert_eq!(f.group, DEFAULT_PUBLIC_GROUP);
        assert_eq!(f.topics, vec!["loans", "renewals"]);
        let mut d = draft("Q", "A");
        d.group = "Borrowing".into();
        let internal = Faq::new(id, inst, FaqVisibility::Internal, &d, "A".into(), at).unwrap();
        assert_eq!(internal.group, INTERNAL_GROUP);
        let public = Faq::new(id, inst, FaqVisibility::Public, &d, "A".into(), at).unwrap();
        assert_eq!(public.group, "Borrowing");
        let bad = |d: FaqDraft| Faq::new(id, inst, FaqVisibility::Public, &d, String::new(), at);
        assert_eq!(bad(draft(" ", "A")), Err(FaqError::Question));
        assert_eq!(bad(draft("Q\u{7}", "A")), Err(FaqError::Question));
        assert_eq!(bad(draft("Q", "  ")), Err(FaqError::Answer));
        assert_eq!(bad(draft("Q", "a\u{1}b")), Err(FaqError::Answer));
        let mut listed = draft("Q", "A");
        listed.topics = vec!["a;b".into()];
        assert_eq!(bad(listed), Err(FaqError::Topics));
        let mut many = draft("Q", "A");
        many.topics = (0..11).map(|i| format!("t{i}")).collect();
        assert_eq!(bad(many), Err(FaqError::Topics));
    }

    #[test]
    fn search_terms_drop_stop_words_and_punctuation() {
        assert_eq!(
            search_terms("How do I renew a book?"),
            vec!["renew", "book"]
        );
        assert_eq!(
            search_terms("can I print from my laptop"),
            vec!["print", "laptop"]
        );
        assert_eq!(
            search_terms("\"inter\"*library OR loan) NEAR"),
            vec!["inter", "library", "loan", "near"]
        );
        assert!(search_terms("how do I").is_empty());
        assert_eq!(search_terms(&"x ".repeat(100)), vec!["x"]);
    }

    #[test]
    fn only_the_last_word_is_a_prefix() {
        let terms = search_terms("renew interlib");
        assert!(!matches_as_prefix(&terms, 0));
        assert!(matches_as_prefix(&terms, 1));
        assert!(!matches_as_prefix(&search_terms("book co"), 1));
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            highlight_html("<b>\u{1}renew\u{2}</b> & \u{1}books"),
            "&lt;b&gt;<mark>renew</mark>&lt;/b&gt; &amp; <mark>books</mark>"
        );
    }
}
