//! Delivery channels for the outbox worker, and parsing of WhatsApp webhooks.
//!
//! This crate owns the last step of a notification: turning one outbox row into one request to
//! an SMTP relay, Meta's WhatsApp Cloud API or an HTTP SMS gateway, and classifying what came
//! back. It knows nothing about the database, the outbox schema or who gets notified; the
//! worker in another crate claims rows, builds a [`Message`], calls [`Channel::send`] and
//! records the [`Delivery`].
//!
//! Decisions:
//! - **One trait.** Every channel is a [`Channel`]: `send(&Message) -> Delivery`. `send` never
//!   returns `Err` and never panics; every failure is a value the worker can store.
//! - **Idempotency key.** [`Message::id`] is the outbox row id. A worker that crashes after a
//!   provider accepted a message but before recording it will send again; the id makes the
//!   duplicate recognisable: it is the e-mail `Message-ID` (`<benteng-outbox-{id}@domain>`)
//!   and the SMS gateway's `reference` (`benteng-{id}`). Meta's Cloud API takes no
//!   idempotency key, so a WhatsApp re-send after such a crash is a real duplicate.
//! - **Error classification.** [`Delivery::Retry`] is for what may succeed later without anyone
//!   changing anything: network errors, timeouts, SMTP 4xx, HTTP 429 and 5xx, and Meta's
//!   throttling/"temporarily unavailable" error codes. [`Delivery::Failed`] is for what will
//!   fail again the same way: SMTP 5xx, other HTTP 4xx, a recipient that is not an address or
//!   phone number. The worker decides how many retries to allow.
//! - **Privacy of error strings.** The text inside `Retry`/`Failed` is stored and shown to
//!   operators, so it never holds the recipient address/phone or the message body: it says
//!   which step failed, the status code and the provider's error code/title. Provider text is
//!   passed through `redact`, which removes long digit runs and anything equal
//!   to the recipient. The same rule holds for log lines written here.
//! - **TLS** is rustls on the *ring* provider everywhere (SMTP and HTTPS), with the Mozilla
//!   roots from `webpki-roots`; nothing here touches rustls' process-wide default provider.
//!   See `http.rs` for why the HTTP channels use hyper directly rather than reqwest.

use std::fmt;

pub mod email;
mod http;
pub mod outbound;
pub mod sms;
pub mod whatsapp;

pub use email::{EmailChannel, EmailConfig, Security};
pub use sms::{SmsChannel, SmsConfig};
pub use whatsapp::{
    handshake, parse_webhook, verify_signature, Inbound, StatusUpdate, Webhook, WebhookError,
    WhatsAppChannel, WhatsAppConfig,
};

/// One message to deliver.
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    /// The outbox row id: used as idempotency key where a provider accepts one.
    pub id: i64,
    /// An e-mail address for e-mail; for WhatsApp and SMS the phone in E.164 with a leading
    /// `+`, e.g. `+6281234567890`.
    pub to: String,
    /// E-mail subject; the first template parameter on WhatsApp; the SMS text before the link.
    pub subject: String,
    /// Full text for e-mail and free-form WhatsApp; SMS does not carry it.
    pub body: String,
    /// A link into Benteng, appended to the text (e-mail, WhatsApp) or the SMS.
    pub link: Option<String>,
    /// WhatsApp only: `true` for a reply inside the 24-hour customer-service window (sent as
    /// free text); `false` sends the configured approved template.
    pub free_form: bool,
}

/// Recipient and body stay out of `Debug` so a stray `{:?}` cannot leak them into a log.
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("id", &self.id)
            .field("to", &"<redacted>")
            .field("subject_chars", &self.subject.chars().count())
            .field("body_chars", &self.body.chars().count())
            .field("link", &self.link.is_some())
            .field("free_form", &self.free_form)
            .finish()
    }
}

/// What happened to one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the provider; `provider_id` is its message id where it gives one
    /// (WhatsApp `wamid.…`, the SMS gateway's `id`). SMTP relays give none.
    Sent { provider_id: Option<String> },
    /// Not delivered now, may succeed later unchanged. The text is safe to store and show.
    Retry(String),
    /// Will not succeed as is. The text is safe to store and show.
    Failed(String),
}

/// A way to deliver a [`Message`].
#[async_trait::async_trait]
pub trait Channel: Send + Sync {
    /// `"email"`, `"whatsapp"` or `"sms"`.
    fn name(&self) -> &'static str;
    /// Delivers one message. Never panics; every failure is a [`Delivery`].
    async fn send(&self, m: &Message) -> Delivery;
}

/// A channel that cannot be built from its configuration. The text names the option and may
/// show its value; secrets are never part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{field} must not be empty")]
    Missing { field: &'static str },
    #[error("{field} is not a valid e-mail address ({value:?}): {reason}")]
    BadAddress {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("{field} is not a usable http(s) URL ({value:?})")]
    BadUrl { field: &'static str, value: String },
    #[error("smtp username and password must be given together")]
    IncompleteCredentials,
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// Makes provider-supplied text safe to store: removes every occurrence of the given secrets
/// (recipient, body), replaces digit runs of 8 or more (phone numbers) with `<number>`,
/// collapses whitespace and caps the length at 200 characters.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut s = text.to_owned();
    for secret in secrets.iter().filter(|x| x.chars().count() >= 3) {
        s = s.replace(secret, "<redacted>");
    }
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 8 {
            out.push_str("<number>");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    let mut last_space = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            last_space = false;
            continue;
        }
        flush(&mut digits, &mut out);
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    flush(&mut digits, &mut out);
    truncate_chars(out.trim(), 200)
}

/// The first `max` characters of `s`, with `…` in place of the rest.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some(_) => {
            let keep: String = s.chars().take(max.saturating_sub(1)).collect();
            keep + "…"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_removes_recipient_and_phone_numbers() {
        let s = redact(
            "Recipient +6281234567890 (bob@example.org) rejected, code 131030",
            &["bob@example.org"],
        );
        assert_eq!(s, "Recipient +<number> (<redacted>) rejected, code 131030");
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("Waspada–calo", 8), "Waspada…");
        assert_eq!(truncate_chars("pendek", 8), "pendek");
    }
}
