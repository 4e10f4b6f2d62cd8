//! WhatsApp webhook handling as pure functions: signature check, subscription handshake and
//! parsing of the `messages` field. No IO, no state; the web layer stores and de-duplicates.
//!
//! Decisions:
//! - [`verify_signature`] runs on the raw bytes, before any parsing, and refuses everything
//!   when the app secret is empty (an empty HMAC key would make signatures forgeable).
//! - Comparisons of signatures and the verify token are constant-time (hmac's `verify_slice`).
//! - [`handshake`] only echoes a challenge made of letters, digits, `-` and `_`, at most 256
//!   long (Meta sends digits): the web layer answers it as `text/plain` and nothing else can
//!   be reflected through it.
//! - [`parse_webhook`] is lenient where Meta adds things (unknown `field`s such as
//!   `account_update` and unknown message types are accepted) and strict where our records
//!   depend on it: the `object`, message `id`/`from`, status `id`/`status`, numeric
//!   timestamps. One bad message refuses the whole delivery (400), so Meta retries it and a
//!   broken payload is noticed rather than half-stored.
//! - Size: Meta's deliveries are a few KiB. The web layer caps the request body (1 MiB is
//!   ample); this parser does not check size itself.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What one webhook delivery carried that Benteng acts on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Webhook {
    pub inbound: Vec<Inbound>,
    pub statuses: Vec<StatusUpdate>,
}

/// A message a resident sent to our business number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// `wamid.…`: de-duplicate on it, Meta retries deliveries.
    pub wamid: String,
    /// The sender's number, digits as Meta sends them (no `+`).
    pub from: String,
    /// Which of our business numbers received it.
    pub phone_number_id: String,
    pub profile_name: Option<String>,
    /// Unix seconds.
    pub timestamp: i64,
    /// Meta's message `type`: `text`, `image`, `document`, `button`, `interactive`, …
    pub kind: String,
    /// `text.body`, the caption of an image/video/document, a quick-reply button's text or
    /// an interactive reply's title.
    pub text: Option<String>,
    /// The `wamid` of our message this one replies to.
    pub context_id: Option<String>,
}

/// The fate of a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub wamid: String,
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    pub timestamp: i64,
    pub recipient: Option<String>,
    /// `"code title"` of the first error, for `failed`.
    pub error: Option<String>,
}

/// Why a webhook body was refused; the text is fit for a 400 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("body is not a JSON object")]
    NotJson,
    #[error("object is not \"whatsapp_business_account\"")]
    WrongObject,
    #[error("missing or malformed field: {0}")]
    MissingField(&'static str),
    #[error("timestamp is not a number of seconds")]
    BadTimestamp,
}

/// Checks `X-Hub-Signature-256: sha256=<hex>` against HMAC-SHA256 of the raw body.
pub fn verify_signature(app_secret: &str, header: Option<&str>, raw_body: &[u8]) -> bool {
    if app_secret.is_empty() {
        return false;
    }
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(signature) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(raw_body);
    mac.verify_slice(&signature).is_ok()
}

/// The subscription handshake (`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`):
/// the challenge to echo with 200, or `None` for a 403.
pub fn handshake(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
    expected_token: &str,
) -> Option<String> {
    if mode != Some("subscribe") || expected_token.is_empty() {
        return None;
    }
    let challenge = challenge?;
    let plain = challenge
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if challenge.is_empty() || challenge.len() > 256 || !plain {
        return None;
    }
    constant_time_eq(token?, expected_token).then(|| challenge.to_owned())
}

/// Compares the HMACs of both strings under a fixed key: constant-time in content, and the
/// lengths of the originals do not show either.
fn constant_time_eq(given: &str, expected: &str) -> bool {
    let Ok(mut expected_mac) = HmacSha256::new_from_slice(b"benteng-verify-token") else {
        return false;
    };
    let mut given_mac = expected_mac.clone();
    expected_mac.update(expected.as_bytes());
    given_mac.update(given.as_bytes());
    given_mac
        .verify_slice(&expected_mac.finalize().into_bytes())
        .is_ok()
}

/// Parses one webhook delivery (already signature-checked).
pub fn parse_webhook(raw: &[u8]) -> Result<Webhook, WebhookError> {
    let root: Value = serde_json::from_slice(raw).map_err(|_| WebhookError::NotJson)?;
    if !root.is_object() {
        return Err(WebhookError::NotJson);
    }
    if root.get("object").and_then(Value::as_str) != Some("whatsapp_business_account") {
        return Err(WebhookError::WrongObject);
    }
    let entries = array(&root, "entry").ok_or(WebhookError::MissingField("entry"))?;
    let mut out = Webhook::default();
    for entry in entries {
        let Some(changes) = array(entry, "changes") else {
            continue;
        };
        for change in changes {
            if change.get("field").and_then(Value::as_str) != Some("messages") {
                continue;
            }
            let value = change
                .get("value")
                .filter(|v| v.is_object())
                .ok_or(WebhookError::MissingField("changes[].value"))?;
            parse_messages_value(value, &mut out)?;
        }
    }
    Ok(out)
}

fn parse_messages_value(value: &Value, out: &mut Webhook) -> Result<(), WebhookError> {
    let messages = array(value, "messages").unwrap_or_default();
    if !messages.is_empty() {
        let phone_number_id = value
            .pointer("/metadata/phone_number_id")
            .and_then(Value::as_str)
            .ok_or(WebhookError::MissingField("metadata.phone_number_id"))?;
        let contacts = array(value, "contacts").unwrap_or_default();
        for msg in messages {
            out.inbound
                .push(parse_inbound(msg, phone_number_id, contacts)?);
        }
    }
    for status in array(value, "statuses").unwrap_or_default() {
        out.statuses.push(parse_status(status)?);
    }
    Ok(())
}

fn parse_inbound(
    msg: &Value,
    phone_number_id: &str,
    contacts: &[Value],
) -> Result<Inbound, WebhookError> {
    let wamid = string(msg, "id").ok_or(WebhookError::MissingField("messages[].id"))?;
    let from = string(msg, "from").ok_or(WebhookError::MissingField("messages[].from"))?;
    let timestamp = timestamp(msg, "messages[].timestamp")?;
    let kind = string(msg, "type").unwrap_or_else(|| "unknown".into());
    // The contact whose wa_id is the sender; a lone contact when wa_id is absent.
    let contact = contacts
        .iter()
        .find(|c| c.get("wa_id").and_then(Value::as_str) == Some(from.as_str()))
        .or(if contacts.len() == 1 {
            contacts.first()
        } else {
            None
        });
    let profile_name = contact
        .and_then(|c| c.pointer("/profile/name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let text = match kind.as_str() {
        "text" => msg.pointer("/text/body"),
        "image" | "video" | "document" => msg.get(&kind).and_then(|m| m.get("caption")),
        "button" => msg.pointer("/button/text"),
        "interactive" => msg
            .pointer("/interactive/button_reply/title")
            .or_else(|| msg.pointer("/interactive/list_reply/title")),
        _ => None,
    }
    .and_then(Value::as_str)
    .map(str::to_owned);
    Ok(Inbound {
        wamid,
        from,
        phone_number_id: phone_number_id.to_owned(),
        profile_name,
        timestamp,
        kind,
        text,
        context_id: msg
            .pointer("/context/id")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

fn parse_status(status: &Value) -> Result<StatusUpdate, WebhookError> {
    let error = status
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .map(|e| {
            let code = e.get("code").map(|c| match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let title = e
                .get("title")
                .or_else(|| e.get("message"))
                .and_then(Value::as_str);
            match (code, title) {
                (Some(c), Some(t)) => format!("{c} {t}"),
                (Some(c), None) => c,
                (None, Some(t)) => t.to_owned(),
                (None, None) => "unknown error".to_owned(),
            }
        });
    Ok(StatusUpdate {
        wamid: string(status, "id").ok_or(WebhookError::MissingField("statuses[].id"))?,
        status: string(status, "status").ok_or(WebhookError::MissingField("statuses[].status"))?,
        timestamp: timestamp(status, "statuses[].timestamp")?,
        recipient: string(status, "recipient_id"),
        error,
    })
}

fn array<'a>(v: &'a Value, key: &str) -> Option<&'a [Value]> {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice)
}

/// A non-empty string field.
fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Meta sends Unix seconds as a string of digits; a JSON integer is accepted too.
fn timestamp(v: &Value, field: &'static str) -> Result<i64, WebhookError> {
    match v.get(field.rsplit('.').next().unwrap_or(field)) {
        None | Some(Value::Null) => Err(WebhookError::MissingField(field)),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().map_err(|_| WebhookError::BadTimestamp)
        }
        Some(Value::Number(n)) => n.as_i64().ok_or(WebhookError::BadTimestamp),
        Some(_) => Err(WebhookError::BadTimestamp),
    }
}
