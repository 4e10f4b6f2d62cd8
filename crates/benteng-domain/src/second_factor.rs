//! The second factor's rules that need no IO: which users must have one, what a code typed at
//! sign-in is, and how a sign-in's device is described to its user.
//!
//! Decisions:
//! - **The factor is TOTP** (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits), the one setting
//!   Google Authenticator, Aegis and FreeOTP all read from an `otpauth://` QR code.
//! - **Who must have one** is configured by name: a role (`admin`, `kanwil`, `petugas`, `mitra`,
//!   `desa`) or an officer's duty (`pemeriksa`, the petugas who interviews passport applicants
//!   and screens them against the watchlist; `pimpasa`, the village mentor). The issue's
//!   "admin, kanwil and pemeriksa" is the default: everyone who sees a province or more, and the
//!   officers who read the watchlist.
//! - **Recovery codes** are 12 characters of base32 (60 bits each), shown as `abcd-efgh-ijkl`;
//!   typing them with or without dashes, spaces or capitals is the same code.
//! - **A device** is its browser's user agent and its address's network (IPv4 /24, IPv6 /48),
//!   so a phone that changes address inside its carrier's network is not "new" every time.

use crate::role::Role;

/// Seconds per TOTP step.
pub const STEP_SECS: u64 = 30;
/// Digits of a TOTP code.
pub const DIGITS: usize = 6;
/// Recovery codes issued at a time.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (base32, 5 bits each).
pub const RECOVERY_LEN: usize = 12;
/// The recovery codes' alphabet (RFC 4648 base32, lower case).
pub const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Seconds a password-checked sign-in waits for its code before starting over.
pub const PENDING_SECS: i64 = 300;
/// Wrong codes one pending sign-in may try before the password must be typed again.
pub const PENDING_TRIES: u32 = 5;

/// Who must have a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Required {
    Role(Role),
    Pemeriksa,
    Pimpasa,
}

impl Required {
    fn name(self) -> &'static str {
        match self {
            Required::Role(r) => r.as_str(),
            Required::Pemeriksa => "pemeriksa",
            Required::Pimpasa => "pimpasa",
        }
    }
}

/// Which users must enrol a second factor before they can do anything; everyone else may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorPolicy {
    required: Vec<Required>,
}

impl Default for SecondFactorPolicy {
    /// Required for admin, kanwil and pemeriksa.
    fn default() -> Self {
        SecondFactorPolicy::parse(&Self::DEFAULT_NAMES).unwrap_or_else(|_| Self::nobody())
    }
}

impl SecondFactorPolicy {
    /// The names required by default (`totp_required_roles`).
    pub const DEFAULT_NAMES: [&'static str; 3] = ["admin", "kanwil", "pemeriksa"];

    /// Optional for everyone (the demo set, so a trial is not blocked).
    pub fn nobody() -> Self {
        SecondFactorPolicy {
            required: Vec::new(),
        }
    }

    /// Read the configured names; an unknown name is an error naming it (a typo must not
    /// silently leave a role unprotected).
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        let mut required = Vec::new();
        for n in names {
            let n = n.as_ref().trim().to_lowercase();
            let r = match n.as_str() {
                "pemeriksa" => Required::Pemeriksa,
                "pimpasa" => Required::Pimpasa,
                other => Required::Role(Role::parse(other).map_err(|_| {
                    format!(
                        "{n:?} is not a role (admin, kanwil, petugas, mitra, desa) nor pemeriksa or pimpasa"
                    )
                })?),
            };
            if !required.contains(&r) {
                required.push(r);
            }
        }
        Ok(SecondFactorPolicy { required })
    }

    /// Whether a user of `role` (with the officer flags) must have a second factor.
    pub fn requires(&self, role: Role, pimpasa: bool, pemeriksa: bool) -> bool {
        self.required.iter().any(|r| match r {
            Required::Role(x) => *x == role,
            Required::Pemeriksa => role == Role::Petugas && pemeriksa,
            Required::Pimpasa => role == Role::Petugas && pimpasa,
        })
    }

    /// The configured names, for the log and the documentation.
    pub fn names(&self) -> Vec<&'static str> {
        self.required.iter().map(|r| r.name()).collect()
    }
}

/// A code typed at sign-in or to confirm a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, normalised (lower case, no separators).
    Recovery(String),
}

/// Read what the user typed: six digits (spaces allowed, as apps show `123 456`) or a
/// recovery code; anything else is `None`.
pub fn read_code(input: &str) -> Option<TypedCode> {
    let t: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .collect::<String>()
        .to_lowercase();
    if t.len() == DIGITS && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(TypedCode::Totp(t));
    }
    if t.len() == RECOVERY_LEN && t.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        return Some(TypedCode::Recovery(t));
    }
    None
}

/// A recovery code as shown to its user: `abcd-efgh-ijkl`.
pub fn format_recovery(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The network an address belongs to: `203.0.113.0/24` for IPv4, the first three groups and
/// `::/48` for IPv6; `?` when it is unknown or not an address.
pub fn ip_prefix(ip: Option<&str>) -> String {
    match ip.and_then(|s| s.trim().parse::<std::net::IpAddr>().ok()) {
        Some(std::net::IpAddr::V4(a)) => {
            let o = a.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        Some(std::net::IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => ip_prefix(Some(&v4.to_string())),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
        None => "?".into(),
    }
}

/// What identifies a device for the "new device" notice: its user agent (cut to 300
/// characters) and its network. The storage keeps a hash of it, never the text.
pub fn device_key(user_agent: Option<&str>, ip: Option<&str>) -> String {
    let ua: String = user_agent.unwrap_or("").trim().chars().take(300).collect();
    format!("{ua}|{}", ip_prefix(ip))
}

/// A short, readable name of the browser and system behind a user agent, such as
/// `Firefox · Android`, for the list of sessions and the new-device notice.
pub fn device_label(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or("");
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_covers_admin_kanwil_and_interviewers() {
        let p = SecondFactorPolicy::default();
        assert!(p.requires(Role::Admin, false, false));
        assert!(p.requires(Role::Kanwil, false, false));
        assert!(p.requires(Role::Petugas, false, true));
        assert!(!p.requires(Role::Petugas, true, false));
        assert!(!p.requires(Role::Desa, false, false));
        assert!(
            !p.requires(Role::Mitra, false, true),
            "flags belong to officers only"
        );
        assert_eq!(p.names(), vec!["admin", "kanwil", "pemeriksa"]);
        assert!(!SecondFactorPolicy::nobody().requires(Role::Admin, false, false));
    }

    #[test]
    fn unknown_names_are_refused() {
        assert!(SecondFactorPolicy::parse(&["admn"]).is_err());
        let p = SecondFactorPolicy::parse(&[" Desa ", "desa", "pimpasa"]).unwrap();
        assert_eq!(p.names(), vec!["desa", "pimpasa"]);
        assert!(p.requires(Role::Petugas, true, false));
    }

    #[test]
    fn codes_are_read_forgivingly() {
        assert_eq!(
            read_code(" 123 456 "),
            Some(TypedCode::Totp("123456".into()))
        );
        assert_eq!(
            read_code("ABCD-efgh-2345"),
            Some(TypedCode::Recovery("abcdefgh2345".into()))
        );
        assert_eq!(read_code("12345"), None);
        assert_eq!(
            read_code("abcd-efgh-1890"),
            None,
            "0, 1, 8, 9 are not base32"
        );
        assert_eq!(read_code(""), None);
        assert_eq!(format_recovery("abcdefgh2345"), "abcd-efgh-2345");
    }

    #[test]
    fn devices_are_named_by_network_and_browser() {
        assert_eq!(ip_prefix(Some("203.0.113.77")), "203.0.113.0/24");
        assert_eq!(ip_prefix(Some("2001:db8:aa:1::5")), "2001:db8:aa::/48");
        assert_eq!(ip_prefix(Some("::ffff:10.1.2.3")), "10.1.2.0/24");
        assert_eq!(ip_prefix(Some("nonsense")), "?");
        assert_eq!(ip_prefix(None), "?");
        assert_eq!(
            device_key(Some("UA"), Some("10.0.0.1")),
            device_key(Some("UA"), Some("10.0.0.200"))
        );
        assert_ne!(
            device_key(Some("UA"), Some("10.0.0.1")),
            device_key(Some("UA"), Some("10.0.1.1"))
        );
        let android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(device_label(Some(android)), "Chrome · Android");
        assert_eq!(
            device_label(Some(
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
            )),
            "Firefox · Linux"
        );
        assert_eq!(device_label(None), "?");
    }
}
