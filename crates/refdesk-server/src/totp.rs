//! The optional second factor at sign-in: RFC 6238 one-time codes (6 digits, 30 s, SHA-1: what
//! every authenticator app reads from the QR code), with totp-rs; the enrolment QR code drawn as
//! SVG with qrcode. A code is accepted for the current time step or the one before or after
//! (clocks drift), and each step once (the store remembers the last one used).

use totp_rs::{Algorithm, Secret, TOTP};

/// The name apps show beside the account.
const ISSUER: &str = "refdesk";
/// Seconds per code.
const STEP: u64 = 30;

/// A new random secret, base32.
pub fn new_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded gives an encoded secret"),
    }
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// What an authenticator app needs to add the account: the `otpauth://` URL and its QR code.
pub fn enrolment(secret: &str, account: &str) -> Option<(String, String)> {
    let url = totp(secret, account)?.get_url();
    let svg = qrcode::QrCode::new(url.as_bytes())
        .ok()?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Some((url, svg))
}

/// The time step `code` is right for at `unix_seconds` (that step's, the one before or the
/// one after), if any.
pub fn matching_step(secret: &str, code: &str, unix_seconds: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, "")?;
    let now = unix_seconds / STEP;
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|&step| t.check(code, step * STEP))
}

/// The code for `unix_seconds` (for tests and the demo).
pub fn code_at(secret: &str, unix_seconds: u64) -> Option<String> {
    Some(totp(secret, "")?.generate(unix_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_right_for_its_step_and_the_ones_beside_it() {
        let secret = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&secret, t).unwrap();
        assert_eq!(matching_step(&secret, &code, t), Some(t / STEP));
        assert_eq!(matching_step(&secret, &code, t + STEP), Some(t / STEP));
        assert_eq!(matching_step(&secret, &code, t + 3 * STEP), None);
        assert_eq!(matching_step(&secret, "12345", t), None);
        assert_eq!(matching_step(&new_secret(), &code, t), None);
    }

    #[test]
    fn the_enrolment_names_the_account_and_draws_a_qr_code() {
        let (url, svg) = enrolment(&new_secret(), "alice@riverside.example").unwrap();
        assert!(
            url.starts_with("otpauth://totp/refdesk:alice%40riverside.example?"),
            "{url}"
        );
        assert!(svg.contains("<svg"), "{svg}");
    }
}
