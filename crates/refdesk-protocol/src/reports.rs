//! Reports on the wire: figures only, never a patron's identity.

use refdesk_core::InstitutionId;
use refdesk_core::report::{Figures, RatingFigures, Spread};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Durations in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpreadView {
    pub count: u32,
    pub mean_seconds: Option<f64>,
    /// The middle value (the mean of the two middle ones for an even count).
    pub median_seconds: Option<f64>,
    /// The nearest-rank 90th percentile.
    pub p90_seconds: Option<f64>,
}

impl From<Spread> for SpreadView {
    fn from(s: Spread) -> Self {
        SpreadView {
            count: s.count,
            mean_seconds: s.mean,
            median_seconds: s.median,
            p90_seconds: s.p90,
        }
    }
}

/// The figures of a set of chats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FiguresView {
    pub chats: u32,
    /// Claimed by someone.
    pub answered: u32,
    /// Ended without anyone claiming them.
    pub unanswered: u32,
    /// The patron left while waiting.
    pub abandoned: u32,
    /// Still waiting or active.
    pub open: u32,
    /// From start to first claim, of the answered.
    pub wait: SpreadView,
    /// From first claim to end, of the answered.
    pub duration: SpreadView,
    pub transfers: u32,
    pub tickets: u32,
}

impl From<Figures> for FiguresView {
    fn from(f: Figures) -> Self {
        FiguresView {
            chats: f.chats,
            answered: f.answered,
            unanswered: f.unanswered,
            abandoned: f.abandoned,
            open: f.open,
            wait: f.wait.into(),
            duration: f.duration.into(),
            transfers: f.transfers,
            tickets: f.tickets,
        }
    }
}

/// One bucket of a breakdown: its key (an hour `0`–`23`, a weekday `mon`–`sun`, a day
/// `YYYY-MM-DD`, a month `YYYY-MM`, or an id), what to call it, and its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BucketView {
    pub key: String,
    pub label: String,
    pub figures: FiguresView,
}

/// Patrons' ratings: how many, their mean, how many of each (one star first), how many left
/// a comment (the comments themselves are in the transcripts, not in reports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RatingsView {
    pub rated: u32,
    pub mean_stars: Option<f64>,
    pub by_stars: Vec<u32>,
    pub comments: u32,
}

impl From<RatingFigures> for RatingsView {
    fn from(r: RatingFigures) -> Self {
        RatingsView {
            rated: r.rated,
            mean_stars: r.mean_stars,
            by_stars: r.by_stars.to_vec(),
            comments: r.comments,
        }
    }
}

/// `GET /api/institutions/{id}/reports/chats`: an institution's chats in a date range, in its
/// time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChatReportView {
    #[schema(value_type = String, format = Uuid)]
    pub institution: InstitutionId,
    /// The IANA zone the hours, weekdays and days are in (the institution's).
    pub time_zone: String,
    /// The first and last day counted (`YYYY-MM-DD`, both included).
    pub from: String,
    pub to: String,
    pub total: FiguresView,
    pub by_hour: Vec<BucketView>,
    pub by_weekday: Vec<BucketView>,
    pub by_day: Vec<BucketView>,
    pub by_month: Vec<BucketView>,
    /// By who first claimed the chat: the institution's librarians one by one, another
    /// library's together under that library.
    pub by_operator: Vec<BucketView>,
    pub by_department: Vec<BucketView>,
    pub by_widget: Vec<BucketView>,
    pub ratings: RatingsView,
    /// Chats of other libraries' patrons (in its co-ops) that its librarians answered in the
    /// range: a count only.
    pub answered_for_others: u32,
}

/// Turns a core report's breakdown into buckets, naming each key with `label`.
pub fn buckets(rows: Vec<(String, Figures)>, label: impl Fn(&str) -> String) -> Vec<BucketView> {
    rows.into_iter()
        .map(|(key, f)| BucketView {
            label: label(&key),
            key,
            figures: f.into(),
        })
        .collect()
}

/// A chat waiting now, on a live board: where, and since when (nothing of its patron).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WaitingChatView {
    pub institution: crate::NamedRef,
    pub department: crate::NamedRef,
    /// Offered to the co-op (a co-op step of its routing plan), not only to its library.
    pub at_coop: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: time::OffsetDateTime,
}

/// One library's line on a live board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BoardLibraryView {
    pub institution: crate::NamedRef,
    /// Its librarians monitoring anything now.
    pub monitors: u32,
    /// Its patrons' chats waiting now.
    pub waiting: u32,
    /// When the longest-waiting of them started.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub longest_waiting_since: Option<time::OffsetDateTime>,
}

/// `GET /api/institutions/{id}/board` and `GET /api/coops/{id}/board`: who is monitoring what
/// right now (longest on duty first), the chats waiting (longest first), and each library's
/// counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BoardView {
    pub libraries: Vec<BoardLibraryView>,
    pub monitors: Vec<crate::LibrarianView>,
    pub waiting: Vec<WaitingChatView>,
}

/// One member's line of a co-op's accounting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberAccountView {
    pub institution: crate::NamedRef,
    /// Its patrons' chats that reached the co-op.
    pub generated: u32,
    /// Co-op chats its librarians claimed first.
    pub answered: u32,
    /// `answered` less `generated`: above zero, it gave more than it took.
    pub balance: i64,
    /// Librarian-hours its staff monitored the co-op.
    pub hours_given: f64,
    /// Its hours owed per week (its policy) over the range.
    pub hours_owed: f64,
    /// `hours_given` by hour of day (24, in the report's zone) and weekday (7, Monday first).
    pub given_by_hour: Vec<f64>,
    pub given_by_weekday: Vec<f64>,
    /// Its patrons' co-op chats that started outside its contracted hours.
    pub outside_hours: u32,
    /// … or while nobody monitored the co-op or its departments.
    pub unmonitored: u32,
}

/// `GET /api/coops/{id}/reports/accounting`: the co-op's accounts per member over a range of
/// days (in the reader's library's time zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CoopAccountingView {
    pub coop: crate::NamedRef,
    pub time_zone: String,
    pub from: String,
    pub to: String,
    pub members: Vec<MemberAccountView>,
}
