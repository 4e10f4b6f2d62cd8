//! WhatsApp through Meta's Cloud API: sending (this file) and webhook parsing
//! ([`webhook`], pure functions re-exported here).
//!
//! Sending: `POST {api_base}/{phone_number_id}/messages` with the system-user token as bearer.
//! - `free_form = true` sends `type: "text"`: allowed only inside the 24-hour customer-service
//!   window after the resident's last message; the caller tracks that window. The text is the
//!   body, a blank line and the link if any, cut to Meta's 4096-character limit.
//! - `free_form = false` sends the configured approved template with two body parameters,
//!   the subject and the link (`"-"` when there is none, because Meta refuses empty
//!   parameters). The template must be approved with exactly two body variables.
//! - The recipient is the E.164 number without `+`. Anything else → `Failed` at once.
//! - Classification: HTTP 429, 5xx, network, timeout → `Retry`; Meta's throttling and
//!   "temporarily unavailable" error codes ([`TRANSIENT_CODES`]) → `Retry` whatever the HTTP
//!   status; any other 4xx → `Failed` with Meta's `error.code` and title/message, redacted.
//!   Code 131047 (outside the 24-hour window) is `Failed`: the caller should re-send as a
//!   template rather than wait.
//! - The Cloud API takes no idempotency key; a crash between Meta's acceptance and the outbox
//!   update makes the retry a duplicate. The `wamid` we return lets status webhooks be matched.

use std::fmt;

use hyper::Uri;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{parse_url, HttpClient};
use crate::{redact, truncate_chars, Channel, ConfigError, Delivery, Message};

pub mod webhook;
pub use webhook::{
    handshake, parse_webhook, verify_signature, Inbound, StatusUpdate, Webhook, WebhookError,
};

/// Meta error codes that mean "try again later" even when sent with HTTP 400:
/// 1 unknown/possible server error, 2 service temporarily unavailable, 4 and 80007 API rate
/// limits, 130429 throughput limit, 131000 something went wrong, 131016 service unavailable,
/// 131048 spam rate limit, 131056 pair rate limit, 133004 server temporarily unavailable.
pub const TRANSIENT_CODES: &[i64] = &[
    1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004,
];

/// Meta's limit for a text message body.
const MAX_TEXT_CHARS: usize = 4096;

/// Cloud API settings; `Debug` hides the token and secrets.
#[derive(Clone, Deserialize)]
pub struct WhatsAppConfig {
    #[serde(default = "default_api_base")]
    pub api_base: String,
    pub phone_number_id: String,
    pub access_token: String,
    /// The app secret that signs webhook deliveries. Empty → every signature is refused.
    #[serde(default)]
    pub app_secret: String,
    /// The token Meta echoes in the subscription handshake. Empty → every handshake refused.
    #[serde(default)]
    pub verify_token: String,
    #[serde(default = "default_template_name")]
    pub template_name: String,
    #[serde(default = "default_template_language")]
    pub template_language: String,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_api_base() -> String {
    "https://graph.facebook.com/v23.0".into()
}
fn default_template_name() -> String {
    "benteng_pemberitahuan".into()
}
fn default_template_language() -> String {
    "id".into()
}
fn default_timeout() -> u64 {
    20
}

impl fmt::Debug for WhatsAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |s: &str| if s.is_empty() { "<empty>" } else { "<hidden>" };
        f.debug_struct("WhatsAppConfig")
            .field("api_base", &self.api_base)
            .field("phone_number_id", &self.phone_number_id)
            .field("access_token", &hidden(&self.access_token))
            .field("app_secret", &hidden(&self.app_secret))
            .field("verify_token", &hidden(&self.verify_token))
            .field("template_name", &self.template_name)
            .field("template_language", &self.template_language)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Sends [`Message`]s through one WhatsApp business phone number.
pub struct WhatsAppChannel {
    http: HttpClient,
    uri: Uri,
    token: String,
    template_name: String,
    template_language: String,
}

impl fmt::Debug for WhatsAppChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppChannel")
            .field("uri", &self.uri)
            .field("template_name", &self.template_name)
            .finish_non_exhaustive()
    }
}

impl WhatsAppChannel {
    pub fn new(cfg: WhatsAppConfig) -> Result<Self, ConfigError> {
        for (field, value) in [
            ("whatsapp.phone_number_id", &cfg.phone_number_id),
            ("whatsapp.access_token", &cfg.access_token),
            ("whatsapp.template_name", &cfg.template_name),
            ("whatsapp.template_language", &cfg.template_language),
        ] {
            if value.trim().is_empty() {
                return Err(ConfigError::Missing { field });
            }
        }
        let url = format!(
            "{}/{}/messages",
            cfg.api_base.trim().trim_end_matches('/'),
            cfg.phone_number_id.trim()
        );
        let uri = parse_url("whatsapp.api_base", &url)?;
        Ok(Self {
            http: HttpClient::new(cfg.timeout_secs)?,
            uri,
            token: cfg.access_token.trim().to_owned(),
            template_name: cfg.template_name.trim().to_owned(),
            template_language: cfg.template_language.trim().to_owned(),
        })
    }

    /// The JSON document for one message, exactly as the Cloud API documents it.
    fn payload(&self, to: &str, m: &Message) -> Value {
        if m.free_form {
            let mut text = m.body.clone();
            if let Some(link) = &m.link {
                text.push_str("\n\n");
                text.push_str(link);
            }
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": { "preview_url": false, "body": truncate_chars(&text, MAX_TEXT_CHARS) },
            })
        } else {
            let link = m
                .link
                .as_deref()
                .filter(|l| !l.trim().is_empty())
                .unwrap_or("-");
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "template",
                "template": {
                    "name": self.template_name,
                    "language": { "code": self.template_language },
                    "components": [{
                        "type": "body",
                        "parameters": [
                            { "type": "text", "text": m.subject },
                            { "type": "text", "text": link },
                        ],
                    }],
                },
            })
        }
    }
}

/// `+6281234567890` → `6281234567890`; `None` unless 8 to 15 digits remain.
pub(crate) fn e164_digits(to: &str) -> Option<&str> {
    let digits = to.trim().strip_prefix('+').unwrap_or(to.trim());
    let ok = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}

#[async_trait::async_trait]
impl Channel for WhatsAppChannel {
    fn name(&self) -> &'static str {
        "whatsapp"
    }

    async fn send(&self, m: &Message) -> Delivery {
        let Some(to) = e164_digits(&m.to) else {
            return Delivery::Failed("recipient is not an E.164 phone number".into());
        };
        let payload = self.payload(to, m);
        let resp = match self
            .http
            .post_json(&self.uri, Some(&self.token), &payload)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                let text = format!("whatsapp: {}", redact(&e.to_string(), &[to]));
                tracing::warn!(outbox_id = m.id, error = %text, "whatsapp send not answered");
                return Delivery::Retry(text);
            }
        };
        let body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        if (200..300).contains(&resp.status) {
            let wamid = body
                .pointer("/messages/0/id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if wamid.is_none() {
                // Accepted all the same; retrying would send it twice.
                tracing::warn!(
                    outbox_id = m.id,
                    "whatsapp accepted a message without an id"
                );
            }
            return Delivery::Sent { provider_id: wamid };
        }
        let d = classify_error(resp.status, &body, &[to, &m.to, &m.body, &m.subject]);
        tracing::warn!(outbox_id = m.id, outcome = ?d, "whatsapp send refused");
        d
    }
}

/// Maps a non-2xx answer to `Retry`/`Failed`, using Meta's `error` object where present.
fn classify_error(status: u16, body: &Value, secrets: &[&str]) -> Delivery {
    let error = body.get("error");
    let code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
    let title = error.and_then(|e| {
        ["error_user_title", "title", "message"]
            .iter()
            .find_map(|k| e.get(*k).and_then(Value::as_str))
    });
    let mut text = format!("whatsapp HTTP {status}");
    if let Some(code) = code {
        text.push_str(&format!(", error {code}"));
    }
    if let Some(title) = title {
        text.push_str(": ");
        text.push_str(&redact(title, secrets));
    }
    let transient =
        status == 429 || status >= 500 || code.is_some_and(|c| TRANSIENT_CODES.contains(&c));
    if transient {
        Delivery::Retry(text)
    } else {
        Delivery::Failed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_digits() {
        assert_eq!(e164_digits("+6281234567890"), Some("6281234567890"));
        assert_eq!(e164_digits("6281234567890"), Some("6281234567890"));
        assert_eq!(e164_digits("+62 812"), None);
        assert_eq!(e164_digits("bob@example.org"), None);
    }

    #[test]
    fn throttling_codes_retry_even_with_400() {
        let body = json!({"error": {"code": 130429, "message": "Rate limit hit"}});
        assert!(matches!(
            classify_error(400, &body, &[]),
            Delivery::Retry(_)
        ));
        let body = json!({"error": {"code": 131047, "message": "Re-engagement message"}});
        assert_eq!(
            classify_error(400, &body, &[]),
            Delivery::Failed("whatsapp HTTP 400, error 131047: Re-engagement message".into())
        );
        assert!(matches!(
            classify_error(502, &Value::Null, &[]),
            Delivery::Retry(_)
        ));
    }

    #[test]
    fn config_defaults_and_debug() {
        let cfg: WhatsAppConfig = serde_json::from_value(json!({
            "phone_number_id": "106540352242922", "access_token": "EAAG-secret"
        }))
        .unwrap();
        assert_eq!(cfg.api_base, "https://graph.facebook.com/v23.0");
        assert_eq!(cfg.template_name, "benteng_pemberitahuan");
        assert_eq!(cfg.template_language, "id");
        assert!(!format!("{cfg:?}").contains("EAAG-secret"));
        assert!(WhatsAppChannel::new(cfg).is_ok());
    }
}
