//! An institution's policy on the wire (`GET`/`PUT /api/institutions/{id}/policy`).

use refdesk_core::{InstitutionPolicy, IpAddresses, ReferrerQuery};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Privacy and staffing settings of one institution. A `PUT` gives every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionPolicyBody {
    /// Days a transcript is kept after its chat ends, then deleted (its messages, words,
    /// files and rating comment; its counts stay in reports); `null` keeps it (1–36500).
    pub transcript_retention_days: Option<u32>,
    /// Days the patron's identity is kept after their chat ends, then removed (name, email,
    /// address, browser, the referring page's query, and email addresses and phone numbers in
    /// the chat's text); `null` (or left out) keeps it (1–36500).
    #[serde(default)]
    pub patron_identity_retention_days: Option<u32>,
    /// Days staff IMs are kept (its room, its staff's conversations and made rooms, its
    /// co-ops' rooms; the shortest setting of those involved wins); `null` (or left out) keeps
    /// them (1–36500).
    #[serde(default)]
    pub staff_chat_retention_days: Option<u32>,
    /// `stored`, `truncated` or `not_stored`.
    #[schema(value_type = String, example = "truncated")]
    pub ip_addresses: IpAddresses,
    /// `stripped` or `kept`: the referring page's query string and fragment.
    #[schema(value_type = String, example = "stripped")]
    pub referrer_query: ReferrerQuery,
    /// Whether patrons see the answering librarian's first name (else "Librarian").
    pub staff_names_shown_to_patrons: bool,
    /// How long an operator whose connections are all gone keeps their chats (10–3600 s).
    pub operator_grace_seconds: u32,
    /// The most chats one operator holds at once; `null` for no limit (1–100).
    pub max_chats_per_operator: Option<u32>,
    /// Minutes without input before the dashboard asks "Are you still monitoring?" (5–1440).
    pub ask_still_monitoring_after_minutes: u32,
    /// Whether co-op monitoring starts Online at sign-in.
    pub coop_monitoring_at_sign_in: bool,
    /// The IANA time zone co-op hours are read in (e.g. `America/Toronto`).
    #[schema(example = "America/Toronto")]
    pub time_zone: String,
    /// How long a transfer waits for its receiver before it returns to its sender (15–600 s;
    /// 60 when left out).
    #[serde(default = "default_transfer_timeout")]
    pub transfer_timeout_seconds: u32,
    /// The largest file sent in a chat, in KB (0–25600; 0 turns files off; 10240 when left
    /// out).
    #[serde(default = "default_attachment_max_kb")]
    pub attachment_max_kb: u32,
    /// Kinds of file that may be sent: `image`, `pdf`, `office`, `text` (all when left out).
    #[serde(default = "default_attachment_kinds")]
    #[schema(value_type = Vec<String>, example = json!(["image", "pdf"]))]
    pub attachment_kinds: Vec<refdesk_core::FileKind>,
    /// Hours of co-op monitoring owed each week (0–168; 0, none, when left out), set against
    /// the hours given in the co-op accounting.
    #[serde(default)]
    pub coop_hours_owed_per_week: u32,
}

fn default_attachment_max_kb() -> u32 {
    InstitutionPolicy::default().attachment_max_kb
}

fn default_attachment_kinds() -> Vec<refdesk_core::FileKind> {
    InstitutionPolicy::default().attachment_kinds
}

fn default_transfer_timeout() -> u32 {
    InstitutionPolicy::default().transfer_timeout_seconds
}

impl From<InstitutionPolicy> for InstitutionPolicyBody {
    fn from(p: InstitutionPolicy) -> Self {
        InstitutionPolicyBody {
            transcript_retention_days: p.transcript_retention_days,
            patron_identity_retention_days: p.patron_identity_retention_days,
            staff_chat_retention_days: p.staff_chat_retention_days,
            ip_addresses: p.ip_addresses,
            referrer_query: p.referrer_query,
            staff_names_shown_to_patrons: p.staff_names_shown_to_patrons,
            operator_grace_seconds: p.operator_grace_seconds,
            max_chats_per_operator: p.max_chats_per_operator,
            ask_still_monitoring_after_minutes: p.ask_still_monitoring_after_minutes,
            coop_monitoring_at_sign_in: p.coop_monitoring_at_sign_in,
            time_zone: p.time_zone,
            transfer_timeout_seconds: p.transfer_timeout_seconds,
            attachment_max_kb: p.attachment_max_kb,
            attachment_kinds: p.attachment_kinds,
            coop_hours_owed_per_week: p.coop_hours_owed_per_week,
        }
    }
}

impl From<InstitutionPolicyBody> for InstitutionPolicy {
    fn from(b: InstitutionPolicyBody) -> Self {
        InstitutionPolicy {
            transcript_retention_days: b.transcript_retention_days,
            patron_identity_retention_days: b.patron_identity_retention_days,
            staff_chat_retention_days: b.staff_chat_retention_days,
            ip_addresses: b.ip_addresses,
            referrer_query: b.referrer_query,
            staff_names_shown_to_patrons: b.staff_names_shown_to_patrons,
            operator_grace_seconds: b.operator_grace_seconds,
            max_chats_per_operator: b.max_chats_per_operator,
            ask_still_monitoring_after_minutes: b.ask_still_monitoring_after_minutes,
            coop_monitoring_at_sign_in: b.coop_monitoring_at_sign_in,
            time_zone: b.time_zone,
            transfer_timeout_seconds: b.transfer_timeout_seconds,
            attachment_max_kb: b.attachment_max_kb,
            attachment_kinds: b.attachment_kinds,
            coop_hours_owed_per_week: b.coop_hours_owed_per_week,
        }
    }
}
