//! An institution's policies: privacy (what is kept of patrons and shown of staff) and staffing
//! (how long an operator may be gone, how many chats one holds, when an unattended dashboard is
//! asked whether anyone is still there, whether co-op monitoring starts on). Set by the
//! institution's admins; every field has a default, so an institution without a stored policy
//! has the defaults, and a policy stored before a field existed reads with that field's default.

use serde::{Deserialize, Serialize};

/// What is stored of a patron's IP address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpAddresses {
    Stored,
    /// The last octet (IPv4) or the last 80 bits (IPv6) zeroed.
    #[default]
    Truncated,
    NotStored,
}

/// What is kept of the referring page's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferrerQuery {
    /// The query string and fragment are removed (they may carry patron identifiers).
    #[default]
    Stripped,
    Kept,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstitutionPolicy {
    /// Days a transcript is kept after its chat ends; then its messages, words, files and
    /// rating comment are deleted (its counts stay in reports); `None` keeps it.
    pub transcript_retention_days: Option<u32>,
    /// Days the patron's identity is kept after their chat ends; then their name, email,
    /// address and browser, the referring page's query, and the email addresses and phone
    /// numbers in the chat's text are removed; `None` keeps them.
    pub patron_identity_retention_days: Option<u32>,
    /// Days staff IMs are kept (in the institution's room, its staff's direct conversations
    /// and made rooms, and its co-ops' rooms; where several institutions' settings meet, the
    /// shortest wins); `None` keeps them.
    pub staff_chat_retention_days: Option<u32>,
    pub ip_addresses: IpAddresses,
    pub referrer_query: ReferrerQuery,
    /// Whether patrons see the first name of the librarian answering (else "Librarian").
    pub staff_names_shown_to_patrons: bool,
    /// How long an operator whose connections are all gone keeps their chats, in seconds.
    pub operator_grace_seconds: u32,
    /// The most chats one operator may hold at once; `None` for no limit.
    pub max_chats_per_operator: Option<u32>,
    /// Minutes without input after which the dashboard asks "Are you still monitoring?".
    pub ask_still_monitoring_after_minutes: u32,
    /// Whether co-op monitoring starts Online at sign-in (local monitoring always does).
    pub coop_monitoring_at_sign_in: bool,
    /// The institution's IANA time zone (e.g. `America/Toronto`): its co-op hours are read in
    /// it.
    pub time_zone: String,
    /// How long a transfer waits for its receiver before it returns to its sender, in seconds.
    pub transfer_timeout_seconds: u32,
    /// The largest file a patron or librarian may send in a chat, in KB; 0 turns files off.
    pub attachment_max_kb: u32,
    /// The kinds of file that may be sent (read from the content, never the name).
    pub attachment_kinds: Vec<crate::attachment::FileKind>,
    /// Hours of co-op monitoring the institution owes its co-ops each week (0–168; 0: none),
    /// set against the hours its librarians give in the co-op accounting.
    pub coop_hours_owed_per_week: u32,
}

impl Default for InstitutionPolicy {
    fn default() -> Self {
        InstitutionPolicy {
            transcript_retention_days: None,
            patron_identity_retention_days: None,
            staff_chat_retention_days: None,
            ip_addresses: IpAddresses::default(),
            referrer_query: ReferrerQuery::default(),
            staff_names_shown_to_patrons: true,
            operator_grace_seconds: 60,
            max_chats_per_operator: None,
            ask_still_monitoring_after_minutes: 60,
            coop_monitoring_at_sign_in: false,
            time_zone: "UTC".to_owned(),
            transfer_timeout_seconds: 60,
            attachment_max_kb: 10 * 1024,
            attachment_kinds: crate::attachment::FileKind::ALL.to_vec(),
            coop_hours_owed_per_week: 0,
        }
    }
}

/// Why a policy was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("transcript_retention_days must be between 1 and 36500")]
    Retention,
    #[error("staff_chat_retention_days must be between 1 and 36500")]
    StaffChatRetention,
    #[error("patron_identity_retention_days must be between 1 and 36500")]
    IdentityRetention,
    #[error("operator_grace_seconds must be between 10 and 3600")]
    Grace,
    #[error("max_chats_per_operator must be between 1 and 100")]
    MaxChats,
    #[error("ask_still_monitoring_after_minutes must be between 5 and 1440")]
    Unattended,
    #[error("time_zone must be an IANA time zone name such as America/Toronto")]
    TimeZone,
    #[error("transfer_timeout_seconds must be between 15 and 600")]
    TransferTimeout,
    #[error("attachment_max_kb must be between 0 and 25600")]
    AttachmentSize,
    #[error("coop_hours_owed_per_week must be between 0 and 168")]
    HoursOwed,
}

/// The largest file any institution may allow, in KB (25 MB).
pub const MAX_ATTACHMENT_KB: u32 = 25 * 1024;

impl InstitutionPolicy {
    /// Checks every bound; the policy is stored only when all hold.
    pub fn check(&self) -> Result<(), PolicyError> {
        if self
            .transcript_retention_days
            .is_some_and(|d| !(1..=36_500).contains(&d))
        {
            return Err(PolicyError::Retention);
        }
        if self
            .patron_identity_retention_days
            .is_some_and(|d| !(1..=36_500).contains(&d))
        {
            return Err(PolicyError::IdentityRetention);
        }
        if self
            .staff_chat_retention_days
            .is_some_and(|d| !(1..=36_500).contains(&d))
        {
            return Err(PolicyError::StaffChatRetention);
        }
        if !(10..=3600).contains(&self.operator_grace_seconds) {
            return Err(PolicyError::Grace);
        }
        if self
            .max_chats_per_operator
            .is_some_and(|n| !(1..=100).contains(&n))
        {
            return Err(PolicyError::MaxChats);
        }
        if !(5..=1440).contains(&self.ask_still_monitoring_after_minutes) {
            return Err(PolicyError::Unattended);
        }
        crate::routing::check_time_zone(&self.time_zone).map_err(|_| PolicyError::TimeZone)?;
        if !(15..=600).contains(&self.transfer_timeout_seconds) {
            return Err(PolicyError::TransferTimeout);
        }
        if self.attachment_max_kb > MAX_ATTACHMENT_KB {
            return Err(PolicyError::AttachmentSize);
        }
        if self.coop_hours_owed_per_week > 168 {
            return Err(PolicyError::HoursOwed);
        }
        Ok(())
    }

    /// Whether an operator holding `held` chats may claim one more.
    pub fn may_hold_another(&self, held: u32) -> bool {
        self.max_chats_per_operator.is_none_or(|max| held < max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_private_and_older_policies_read_with_them() {
        let p = InstitutionPolicy::default();
        assert_eq!(p.ip_addresses, IpAddresses::Truncated);
        assert_eq!(p.referrer_query, ReferrerQuery::Stripped);
        assert!(p.check().is_ok());
        let old: InstitutionPolicy =
            serde_json::from_str(r#"{"operator_grace_seconds": 90}"#).unwrap();
        assert_eq!(old.operator_grace_seconds, 90);
        assert!(old.staff_names_shown_to_patrons);
        assert!(serde_json::from_str::<InstitutionPolicy>(r#"{"grace": 1}"#).is_err());
    }

    #[test]
    fn bounds_are_checked() {
        let p = |f: fn(&mut InstitutionPolicy)| {
            let mut p = InstitutionPolicy::default();
            f(&mut p);
            p.check()
        };
        assert_eq!(p(|p| p.operator_grace_seconds = 5), Err(PolicyError::Grace));
        assert_eq!(
            p(|p| p.max_chats_per_operator = Some(0)),
            Err(PolicyError::MaxChats)
        );
        assert_eq!(
            p(|p| p.transcript_retention_days = Some(0)),
            Err(PolicyError::Retention)
        );
        assert_eq!(
            p(|p| p.ask_still_monitoring_after_minutes = 1),
            Err(PolicyError::Unattended)
        );
        assert_eq!(
            p(|p| p.time_zone = "Mars/Olympus".into()),
            Err(PolicyError::TimeZone)
        );
        assert!(p(|p| p.time_zone = "America/Toronto".into()).is_ok());
        let limited = InstitutionPolicy {
            max_chats_per_operator: Some(2),
            ..InstitutionPolicy::default()
        };
        assert!(limited.may_hold_another(1) && !limited.may_hold_another(2));
        assert!(InstitutionPolicy::default().may_hold_another(1000));
    }
}
