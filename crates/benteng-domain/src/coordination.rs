//! Coordination: rooms, messages, alerts (waspada) and notification preferences.
//!
//! Decisions:
//! - **Rooms** exist per desa binaan, per office and per province, and per event when its
//!   planner opens one. Reading a room needs an
//!   active membership (a removed member reads nothing more); the policy's `RoomView` only says
//!   the role may use rooms at all.
//! - **Alert severity** follows the warning words Indonesians know from disaster alerts:
//!   *waspada* (be alert), *siaga* (be ready), *awas* (danger).
//! - **Mentions** are `@username` (letters, digits, `.`, `_`, `-`); only members of the room
//!   are notified, anything else stays plain text.
//! - **Preferences** are per kind and channel. Without a stored choice a kind goes in-app only;
//!   e-mail, WhatsApp and SMS are opt-in, and need an address on the account.

use crate::report::coded;
use serde::{Deserialize, Serialize};

/// Longest message body, in characters.
pub const MAX_BODY: usize = 4000;
/// Longest alert title, in characters.
pub const MAX_TITLE: usize = 150;

coded! {
    /// How serious an alert is.
    Severity {
        Waspada = "waspada",
        Siaga = "siaga",
        Awas = "awas",
    }
}

coded! {
    /// What a room is for.
    RoomKind {
        Desa = "desa",
        Kantor = "kantor",
        Provinsi = "provinsi",
        /// An event's own room, opened by its planner for the invited villages, the
        /// officers and the speakers' agencies.
        Kegiatan = "kegiatan",
    }
}

coded! {
    /// What a message is: an ordinary message, an announcement (read receipts shown to all)
    /// or an alert posted to every room of an area.
    MessageKind {
        Pesan = "pesan",
        Pengumuman = "pengumuman",
        Waspada = "waspada",
    }
}

coded! {
    /// What a notification is about, as users choose them.
    NoticeKind {
        /// Alerts (waspada) reaching one of my rooms.
        Alert = "alert",
        /// Someone mentioned me.
        Mention = "mention",
        /// Referrals to my agency (new, answered, overdue).
        Referral = "referral",
        /// New reports in my area, reports assigned to me.
        Report = "report",
        /// The daily summary of my rooms.
        Digest = "digest",
        /// My own account: a sign-in from a device not seen before.
        Account = "account",
    }
}

coded! {
    /// Where a notification goes.
    Channel {
        Inapp = "inapp",
        Email = "email",
        Whatsapp = "whatsapp",
        Sms = "sms",
    }
}

impl NoticeKind {
    /// The preference that decides an outbox row of `kind` (the notice kinds written by the
    /// modules: `report_new`, `referral_overdue`, `alert`, …).
    pub fn of(kind: &str) -> NoticeKind {
        match kind {
            k if k.starts_with("referral") => NoticeKind::Referral,
            k if k.starts_with("report") => NoticeKind::Report,
            k if k.starts_with("account") => NoticeKind::Account,
            "mention" => NoticeKind::Mention,
            "digest" => NoticeKind::Digest,
            _ => NoticeKind::Alert,
        }
    }

    /// Whether `channel` is on when the user has stored no choice.
    pub fn default_on(self, channel: Channel) -> bool {
        channel == Channel::Inapp && self != NoticeKind::Digest
    }
}

/// The usernames mentioned in `body` (`@name`), each once, in order, at most 20.
pub fn mentions(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i] == '@' && (i == 0 || !is_name_char(chars[i - 1]));
        if starts {
            let mut j = i + 1;
            while j < chars.len() && is_name_char(chars[j]) {
                j += 1;
            }
            // A trailing dot ends the sentence, not the name.
            let mut end = j;
            while end > i + 1 && matches!(chars[end - 1], '.' | '-') {
                end -= 1;
            }
            if end > i + 1 {
                let name: String = chars[i + 1..end].iter().collect::<String>().to_lowercase();
                if !out.contains(&name) && out.len() < 20 {
                    out.push(name);
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// The text a room search compares with: lower case, spaces collapsed.
pub fn search_text(body: &str) -> String {
    body.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A message body: trimmed, required, at most [`MAX_BODY`] characters.
pub fn message_body(s: &str) -> Result<String, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return Err("err-required");
    }
    if t.chars().count() > MAX_BODY {
        return Err("err-too-long");
    }
    Ok(t.replace("\r\n", "\n"))
}

/// Whether a WhatsApp free-form reply is still allowed: within 24 hours of the resident's last
/// message (Meta's customer-service window); after that only an approved template may be sent.
pub fn within_whatsapp_window(last_inbound_at: i64, now: i64) -> bool {
    now >= last_inbound_at && now - last_inbound_at < 24 * 3600
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_once_and_lowercased() {
        assert_eq!(
            mentions("@Desa.Sitiarjo tolong cek, cc @pimpasa.malang dan @desa.sitiarjo."),
            vec!["desa.sitiarjo", "pimpasa.malang"]
        );
        assert!(mentions("surel budi@example.com bukan sebutan").is_empty());
        assert!(mentions("@ saja").is_empty());
        assert_eq!(mentions("(@a_b)"), vec!["a_b"]);
    }

    #[test]
    fn preference_kinds_follow_the_notice_kinds() {
        assert_eq!(NoticeKind::of("referral_overdue"), NoticeKind::Referral);
        assert_eq!(NoticeKind::of("report_new"), NoticeKind::Report);
        assert_eq!(NoticeKind::of("mention"), NoticeKind::Mention);
        assert_eq!(NoticeKind::of("alert"), NoticeKind::Alert);
        assert_eq!(NoticeKind::of("account_new_device"), NoticeKind::Account);
        assert!(NoticeKind::Alert.default_on(Channel::Inapp));
        assert!(!NoticeKind::Alert.default_on(Channel::Email));
        assert!(!NoticeKind::Digest.default_on(Channel::Inapp));
    }

    #[test]
    fn bodies_are_checked() {
        assert_eq!(message_body("  "), Err("err-required"));
        assert_eq!(message_body(&"a".repeat(MAX_BODY + 1)), Err("err-too-long"));
        assert_eq!(message_body(" hai\r\n ").unwrap(), "hai");
        assert_eq!(search_text("Calo  DI\nDesa"), "calo di desa");
    }

    #[test]
    fn the_whatsapp_window_is_24_hours() {
        assert!(within_whatsapp_window(1000, 1000 + 23 * 3600));
        assert!(!within_whatsapp_window(1000, 1000 + 24 * 3600));
        assert!(!within_whatsapp_window(5000, 1000));
    }
}
