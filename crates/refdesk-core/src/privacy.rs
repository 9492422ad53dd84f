//! What is kept of a patron: their IP address as the institution's policy says, and their
//! identity removed from an old chat (its name, email, address, the referring page's query, and
//! the email addresses and phone numbers typed in its messages).

use crate::policy::IpAddresses;
use regex::Regex;
use std::net::IpAddr;
use std::sync::LazyLock;

/// What replaces an email address in a forgotten chat's text.
pub const EMAIL_REMOVED: &str = "[email removed]";
/// What replaces a phone number in a forgotten chat's text.
pub const PHONE_REMOVED: &str = "[phone removed]";

/// The patron's address as it is stored: whole, truncated (IPv4 to its /24, IPv6 to its /48;
/// an IPv4 address mapped into IPv6 as IPv4), or not at all.
pub fn stored_ip(ip: IpAddr, mode: IpAddresses) -> Option<String> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match mode {
        IpAddresses::NotStored => None,
        IpAddresses::Stored => Some(ip.to_string()),
        IpAddresses::Truncated => Some(match ip {
            IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                std::net::Ipv4Addr::new(a, b, c, 0).to_string()
            }
            IpAddr::V6(v6) => {
                let s = v6.segments();
                std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0).to_string()
            }
        }),
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("the email pattern compiles")
});

/// Phone numbers as people type them: an optional country code, an area code (in brackets or
/// followed by a separator), then two groups of digits: `555-123-4567`, `(555) 123 4567`,
/// `+44 20 7946 0958`, `020 7946 0958`; or ten or more digits in a row. Year ranges
/// (`2019-2020`), ISBNs and call numbers do not have this shape.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\) ?|\b\d{2,4}[ .-])\d{3,4}[ .-]?\d{4}\b|\b\d{10,15}\b",
    )
    .expect("the phone pattern compiles")
});

/// `text` with its email addresses and phone numbers replaced; `None` when it has none.
pub fn scrub_text(text: &str) -> Option<String> {
    if !EMAIL.is_match(text) && !PHONE.is_match(text) {
        return None;
    }
    let once = EMAIL.replace_all(text, EMAIL_REMOVED);
    Some(PHONE.replace_all(&once, PHONE_REMOVED).into_owned())
}

/// A referring page's URL without its query string and fragment.
pub fn referrer_without_query(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_kept_as_the_policy_says() {
        let v4: IpAddr = "203.0.113.77".parse().unwrap();
        let v6: IpAddr = "2001:db8:abcd:12::1".parse().unwrap();
        let mapped: IpAddr = "::ffff:203.0.113.77".parse().unwrap();
        assert_eq!(stored_ip(v4, IpAddresses::NotStored), None);
        assert_eq!(
            stored_ip(v4, IpAddresses::Stored).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(
            stored_ip(v4, IpAddresses::Truncated).as_deref(),
            Some("203.0.113.0")
        );
        assert_eq!(
            stored_ip(v6, IpAddresses::Truncated).as_deref(),
            Some("2001:db8:abcd::")
        );
        assert_eq!(
            stored_ip(v6, IpAddresses::Stored).as_deref(),
            Some("2001:db8:abcd:12::1")
        );
        assert_eq!(
            stored_ip(mapped, IpAddresses::Truncated).as_deref(),
            Some("203.0.113.0")
        );
    }

    #[test]
    fn emails_and_phone_numbers_are_removed_from_text() {
        let cases = [
            (
                "write to quinn.doe+lib@mail.example.org today",
                "write to [email removed] today",
            ),
            (
                "call 555-123-4567 or (555) 123 4567",
                "call [phone removed] or [phone removed]",
            ),
            ("my cell: +1 555 123 4567.", "my cell: [phone removed]."),
            ("London 020 7946 0958", "London [phone removed]"),
            ("text 5551234567", "text [phone removed]"),
        ];
        for (text, want) in cases {
            assert_eq!(scrub_text(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn library_numbers_are_not_phone_numbers() {
        for text in [
            "Do you have journals from 2019-2020?",
            "ISBN 978-0-13-110362-7",
            "Call number QA76.73 .R87 2020, room 204",
            "Is the library open 9-5 on Saturdays?",
            "no contact details here",
        ] {
            assert_eq!(scrub_text(text), None, "{text}");
        }
    }

    #[test]
    fn a_referrer_loses_its_query_and_fragment() {
        assert_eq!(
            referrer_without_query("https://lib.example/search?patron=42#x"),
            "https://lib.example/search"
        );
        assert_eq!(
            referrer_without_query("https://lib.example/"),
            "https://lib.example/"
        );
    }
}
