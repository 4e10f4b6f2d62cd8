//! SMS through a generic HTTP gateway: one JSON POST per message.
//!
//! The request is `{"to":"+62…","from":sender,"text":…,"reference":"benteng-{id}"}` with
//! `Authorization: Bearer {token}` when a token is configured; `from` is left out when no
//! sender is configured. Most Indonesian aggregators can be put behind this shape with a small
//! adapter on their side or ours; the `reference` is the idempotency key for gateways that
//! honour one.
//!
//! Decisions:
//! - An SMS is a pointer into Benteng, not the message: the text is the subject, a space and
//!   the link. The body is never sent by SMS.
//! - Length: one segment (160 characters) when the link leaves at least
//!   [`MIN_SUBJECT_CHARS`] for the subject, otherwise two concatenated segments (306). The
//!   subject is cut on a character boundary with `…`; the link is never cut. Characters are
//!   counted, which matches GSM-7 for plain text; a subject with characters outside GSM-7
//!   (an en dash, emoji) is sent as UCS-2 and the gateway splits it into more segments.
//! - Classification: 2xx → `Sent` with the gateway's `id` (string or number) if it gives one;
//!   429, 5xx, network, timeout → `Retry`; any other status → `Failed`. The error text has the
//!   status and the gateway's `code`/`error`/`message` fields, redacted.

use std::fmt;

use hyper::Uri;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::http::{parse_url, HttpClient};
use crate::{redact, truncate_chars, Channel, ConfigError, Delivery, Message};

/// One GSM-7 segment, and two concatenated ones.
const ONE_SEGMENT: usize = 160;
const TWO_SEGMENTS: usize = 306;
/// Below this a one-segment subject says too little; use two segments instead.
pub const MIN_SUBJECT_CHARS: usize = 40;

/// SMS gateway settings; `Debug` hides the token.
#[derive(Clone, Deserialize)]
pub struct SmsConfig {
    pub url: String,
    #[serde(default)]
    pub token: Option<String>,
    /// Sender id or number, if the gateway lets us choose.
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_timeout() -> u64 {
    20
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .field("sender", &self.sender)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Sends [`Message`]s as SMS through one HTTP gateway.
pub struct SmsChannel {
    http: HttpClient,
    uri: Uri,
    token: Option<String>,
    sender: Option<String>,
}

impl fmt::Debug for SmsChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsChannel")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

impl SmsChannel {
    pub fn new(cfg: SmsConfig) -> Result<Self, ConfigError> {
        let uri = parse_url("sms.url", cfg.url.trim())?;
        let non_empty =
            |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(Self {
            http: HttpClient::new(cfg.timeout_secs)?,
            uri,
            token: non_empty(cfg.token),
            sender: non_empty(cfg.sender),
        })
    }

    fn payload(&self, m: &Message) -> Value {
        let mut doc = Map::new();
        doc.insert("to".into(), json!(m.to.trim()));
        if let Some(sender) = &self.sender {
            doc.insert("from".into(), json!(sender));
        }
        doc.insert(
            "text".into(),
            json!(sms_text(&m.subject, m.link.as_deref())),
        );
        doc.insert("reference".into(), json!(format!("benteng-{}", m.id)));
        Value::Object(doc)
    }
}

/// The SMS text: subject, a space, the link, cut to one or two segments (see module doc).
pub fn sms_text(subject: &str, link: Option<&str>) -> String {
    let subject: String = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(link) = link.map(str::trim).filter(|l| !l.is_empty()) else {
        return truncate_chars(&subject, ONE_SEGMENT);
    };
    let link_chars = link.chars().count();
    let budget = if link_chars + 1 + MIN_SUBJECT_CHARS <= ONE_SEGMENT {
        ONE_SEGMENT
    } else {
        TWO_SEGMENTS
    };
    match budget.checked_sub(link_chars + 1) {
        Some(room) if room > 0 && !subject.is_empty() => {
            format!("{} {link}", truncate_chars(&subject, room))
        }
        _ => link.to_owned(),
    }
}

#[async_trait::async_trait]
impl Channel for SmsChannel {
    fn name(&self) -> &'static str {
        "sms"
    }

    async fn send(&self, m: &Message) -> Delivery {
        let to = m.to.trim();
        let valid = to
            .strip_prefix('+')
            .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            return Delivery::Failed("recipient is not an E.164 phone number".into());
        }
        let secrets = [to, to.trim_start_matches('+'), m.subject.as_str()];
        let payload = self.payload(m);
        let resp = match self
            .http
            .post_json(&self.uri, self.token.as_deref(), &payload)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                let text = format!("sms: {}", redact(&e.to_string(), &secrets));
                tracing::warn!(outbox_id = m.id, error = %text, "sms gateway not answered");
                return Delivery::Retry(text);
            }
        };
        let body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        if (200..300).contains(&resp.status) {
            let provider_id = match body.get("id") {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            return Delivery::Sent { provider_id };
        }
        let mut text = format!("sms HTTP {}", resp.status);
        let detail: Vec<String> = ["code", "error", "message"]
            .iter()
            .filter_map(|k| match body.get(*k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        if !detail.is_empty() {
            text.push_str(": ");
            text.push_str(&redact(&detail.join(" "), &secrets));
        }
        tracing::warn!(outbox_id = m.id, error = %text, "sms gateway refused");
        if resp.status == 429 || resp.status >= 500 {
            Delivery::Retry(text)
        } else {
            Delivery::Failed(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_left_alone() {
        assert_eq!(
            sms_text("Laporan baru di Desa Sitiarjo", Some("https://b.id/l/42")),
            "Laporan baru di Desa Sitiarjo https://b.id/l/42"
        );
        assert_eq!(sms_text("  Rapat\nbesok  ", None), "Rapat besok");
    }

    #[test]
    fn long_subject_is_cut_to_one_segment() {
        let subject = "Waspada ".repeat(40);
        let link = "https://benteng.example/laporan/123";
        let text = sms_text(&subject, Some(link));
        assert_eq!(text.chars().count(), ONE_SEGMENT);
        assert!(text.ends_with(&format!("… {link}")));
    }

    #[test]
    fn long_link_uses_two_segments_and_is_never_cut() {
        let link = format!("https://benteng.example/{}", "x".repeat(140));
        let text = sms_text(&"Kasus baru ".repeat(30), Some(&link));
        assert_eq!(text.chars().count(), TWO_SEGMENTS);
        assert!(text.ends_with(&link));
        let huge = format!("https://b.id/{}", "y".repeat(400));
        assert_eq!(sms_text("Kasus", Some(&huge)), huge);
    }
}
