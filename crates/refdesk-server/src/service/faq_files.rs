//! FAQ import and export, as CSV (one FAQ per row, a header row, topics separated by `;`) or
//! as JSON (an array of objects). Both carry `id`, `visibility`, `group`, `question`, `answer`
//! (Markdown), `topics` and `updated_at`; an import may leave out `id` (a new FAQ), `group`,
//! `topics` and `updated_at` (it is set to the time of the import).

use crate::error::{ApiError, ApiResult};
use refdesk_core::Faq;
use serde::{Deserialize, Serialize};

/// The most FAQs one import takes.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaqFormat {
    Csv,
    Json,
}

impl FaqFormat {
    pub fn parse(s: Option<&str>) -> ApiResult<FaqFormat> {
        match s.unwrap_or("json") {
            "csv" => Ok(FaqFormat::Csv),
            "json" => Ok(FaqFormat::Json),
            _ => Err(ApiError::invalid_query("format is csv or json")),
        }
    }
    pub const fn content_type(self) -> &'static str {
        match self {
            FaqFormat::Csv => "text/csv; charset=utf-8",
            FaqFormat::Json => "application/json",
        }
    }
    pub const fn extension(self) -> &'static str {
        match self {
            FaqFormat::Csv => "csv",
            FaqFormat::Json => "json",
        }
    }
}

/// One FAQ of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqRecord {
    #[serde(default)]
    pub id: Option<uuid::Uuid>,
    pub visibility: String,
    #[serde(default)]
    pub group: String,
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub topics: Vec<String>,
    /// Written by an export; read and ignored by an import.
    #[serde(default)]
    pub updated_at: String,
}

/// A CSV row: topics in one cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CsvRow {
    #[serde(default)]
    id: String,
    visibility: String,
    #[serde(default)]
    group: String,
    question: String,
    answer: String,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    updated_at: String,
}

impl From<&Faq> for FaqRecord {
    fn from(f: &Faq) -> Self {
        FaqRecord {
            id: Some(f.id.into()),
            visibility: f.visibility.as_str().to_owned(),
            group: f.group.clone(),
            question: f.question.clone(),
            answer: f.answer.clone(),
            topics: f.topics.clone(),
            updated_at: f
                .updated_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

/// FAQs as a file.
pub fn export(faqs: &[Faq], format: FaqFormat) -> ApiResult<Vec<u8>> {
    let records: Vec<FaqRecord> = faqs.iter().map(FaqRecord::from).collect();
    match format {
        FaqFormat::Json => serde_json::to_vec_pretty(&records).map_err(ApiError::internal),
        FaqFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in records {
                w.serialize(CsvRow {
                    id: r.id.map(|i| i.to_string()).unwrap_or_default(),
                    visibility: r.visibility,
                    group: r.group,
                    question: r.question,
                    answer: r.answer,
                    topics: r.topics.join("; "),
                    updated_at: r.updated_at,
                })
                .map_err(ApiError::internal)?;
            }
            w.into_inner().map_err(ApiError::internal)
        }
    }
}

fn row_error(row: usize, what: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_body(format!("FAQ {row}: {what}"))
}

/// The FAQs of a file, in order; a file that does not parse, or has too many rows, is a 400
/// naming the first bad row (counted from 1, the header not counted).
pub fn parse(bytes: &[u8], format: FaqFormat) -> ApiResult<Vec<FaqRecord>> {
    let records = match format {
        FaqFormat::Json => serde_json::from_slice::<Vec<FaqRecord>>(bytes)
            .map_err(|e| ApiError::invalid_body(format!("not a JSON array of FAQs: {e}")))?,
        FaqFormat::Csv => {
            let mut out = Vec::new();
            let mut r = csv::ReaderBuilder::new()
                .trim(csv::Trim::Headers)
                .from_reader(bytes);
            for (n, row) in r.deserialize::<CsvRow>().enumerate() {
                let row = row.map_err(|e| row_error(n + 1, e))?;
                let id = match row.id.trim() {
                    "" => None,
                    s => Some(
                        s.parse()
                            .map_err(|_| row_error(n + 1, "id is not a UUID"))?,
                    ),
                };
                out.push(FaqRecord {
                    id,
                    visibility: row.visibility.trim().to_owned(),
                    group: row.group,
                    question: row.question,
                    answer: row.answer,
                    topics: row
                        .topics
                        .split(';')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    updated_at: String::new(),
                });
                if out.len() > MAX_IMPORT_ROWS {
                    break;
                }
            }
            out
        }
    };
    if records.len() > MAX_IMPORT_ROWS {
        return Err(ApiError::invalid_body(format!(
            "an import takes at most {MAX_IMPORT_ROWS} FAQs"
        )));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use refdesk_core::{FaqDraft, FaqVisibility};
    use uuid::Uuid;

    #[test]
    fn exports_read_back_in_both_formats() {
        let faq = Faq::new(
            Uuid::from_u128(1).into(),
            Uuid::from_u128(2).into(),
            FaqVisibility::Public,
            &FaqDraft {
                question: "Printing, \"wireless\"?".into(),
                answer: "Line one\nline two, with a comma".into(),
                topics: vec!["printing".into(), "wifi".into()],
                group: "Services".into(),
            },
            String::new(),
            time::OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        for format in [FaqFormat::Csv, FaqFormat::Json] {
            let bytes = export(std::slice::from_ref(&faq), format).unwrap();
            let back = parse(&bytes, format).unwrap();
            assert_eq!(back.len(), 1);
            let r = &back[0];
            assert_eq!(r.id, Some(Uuid::from_u128(1)));
            assert_eq!(
                (r.question.as_str(), r.answer.as_str()),
                (faq.question.as_str(), faq.answer.as_str())
            );
            assert_eq!(r.topics, faq.topics);
            assert_eq!(
                (r.visibility.as_str(), r.group.as_str()),
                ("public", "Services")
            );
        }
    }

    #[test]
    fn bad_files_name_their_row() {
        let csv = b"visibility,question,answer\npublic,Q,A\npublic,Q2\n";
        let e = parse(csv, FaqFormat::Csv).unwrap_err();
        assert!(e.body().error.message.contains("FAQ 2"), "{e:?}");
        assert!(parse(b"{\"not\": \"an array\"}", FaqFormat::Json).is_err());
        let json = br#"[{"visibility":"public","question":"Q","answer":"A","extra":1}]"#;
        assert!(parse(json, FaqFormat::Json).is_err());
    }
}
