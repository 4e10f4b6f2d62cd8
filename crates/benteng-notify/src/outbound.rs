//! Outbound webhooks to partner systems: signing and sending one delivery.
//!
//! The format is the [Standard Webhooks](https://www.standardwebhooks.com/) one, so a receiver
//! can verify with that project's libraries (Python, JavaScript, Go, Java, Rust, PHP …) or the
//! few lines in `docs/webhooks.md`:
//! - `webhook-id`: the delivery id, the same on every attempt (the receiver's deduplication
//!   key);
//! - `webhook-timestamp`: Unix seconds of this attempt (the receiver refuses one more than five
//!   minutes away from its clock, against replay);
//! - `webhook-signature`: `v1,<base64 HMAC-SHA256 over "{id}.{timestamp}.{raw body}">`, and a
//!   second `v1,…` with the previous secret while a rotation's grace period runs, separated by
//!   a space;
//! - the secret is `whsec_` followed by the base64 of 32 random bytes; the key is those bytes.
//!
//! Outcomes follow the channels' rule ([`crate::Delivery`]): any 2xx is delivered; 408, 425,
//! 429, 5xx, timeouts and network errors are retried; other answers (a 4xx: wrong address, a
//! refused signature) count as failed attempts too, and are retried the same way, because a
//! receiver that refuses may be fixed by its operator; the worker decides when to give up.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use hyper::header::HeaderValue;
use sha2::Sha256;

use crate::http::HttpClient;
use crate::ConfigError;

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    let key: [u8; 32] = rand::random();
    format!("whsec_{}", B64.encode(key))
}

/// A new delivery id: `msg_` and 32 random hex digits (unique per delivery).
pub fn new_delivery_id() -> String {
    let n: u128 = rand::random();
    format!("msg_{n:032x}")
}

/// The `v1,<base64>` signature of one attempt; `None` when the secret is not in our form.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = B64.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!("v1,{}", B64.encode(mac.finalize().into_bytes())))
}

/// Does `header` (a `webhook-signature` value) hold a valid signature by `secret`? For
/// receivers written in Rust and for the tests; comparison is constant-time.
pub fn verify(secret: &str, id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|s| B64.decode(s).ok())
    else {
        return false;
    };
    header.split(' ').any(|part| {
        let Some(sig) = part.strip_prefix("v1,").and_then(|s| B64.decode(s).ok()) else {
            return false;
        };
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&key) else {
            return false;
        };
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&sig).is_ok()
    })
}

/// One delivery to send.
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub body: &'a str,
    /// The current secret and, during a rotation's grace period, the previous one.
    pub secrets: &'a [&'a str],
    pub timestamp: i64,
}

/// What the receiver made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    pub delivered: bool,
    /// Why not, safe to store and show (no body, no secret).
    pub error: Option<String>,
}

/// Sends webhook deliveries; one per worker, cheap to share.
#[derive(Clone)]
pub struct WebhookSender {
    http: HttpClient,
}

impl WebhookSender {
    /// A sender whose whole exchange (connect, send, answer) must finish within `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, ConfigError> {
        Ok(Self {
            http: HttpClient::new(timeout.as_secs().max(1))?,
        })
    }

    pub async fn send(&self, o: &Outgoing<'_>) -> Answer {
        let fail = |status: Option<u16>, e: String| Answer {
            status,
            delivered: false,
            error: Some(crate::truncate_chars(&e, 200)),
        };
        let uri = match crate::http::parse_url("url", o.url) {
            Ok(u) => u,
            Err(e) => return fail(None, e.to_string()),
        };
        let signatures: Vec<String> = o
            .secrets
            .iter()
            .filter_map(|s| sign(s, o.delivery_id, o.timestamp, o.body.as_bytes()))
            .collect();
        if signatures.is_empty() {
            return fail(None, "no usable signing secret".into());
        }
        let header = |v: &str| HeaderValue::from_str(v).ok();
        let (Some(id), Some(ts), Some(sig), Some(ev)) = (
            header(o.delivery_id),
            header(&o.timestamp.to_string()),
            header(&signatures.join(" ")),
            header(o.event),
        ) else {
            return fail(None, "header value not valid".into());
        };
        let headers = [
            ("webhook-id", id),
            ("webhook-timestamp", ts),
            ("webhook-signature", sig),
            ("benteng-event", ev),
            ("user-agent", HeaderValue::from_static("Benteng-Webhook/1")),
        ];
        match self
            .http
            .post(&uri, &headers, Bytes::copy_from_slice(o.body.as_bytes()))
            .await
        {
            Ok(r) if (200..300).contains(&r.status) => Answer {
                status: Some(r.status),
                delivered: true,
                error: None,
            },
            Ok(r) => fail(Some(r.status), format!("HTTP {}", r.status)),
            Err(e) => fail(None, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The test vector published by the Standard Webhooks project (spec and libraries).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        let header = "v1,bm9ldHZhbGlk v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert!(verify(secret, id, 1614265330, body, header));
        assert!(!verify(secret, id, 1614265331, body, header));
        assert!(!verify(
            secret,
            id,
            1614265330,
            br#"{"test": 2432232315}"#,
            header
        ));
        assert!(!verify("whsec_bm9ldHZhbGlk", id, 1614265330, body, header));
    }

    #[test]
    fn secrets_and_ids_are_new_each_time() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with("whsec_") && a != b);
        assert_eq!(B64.decode(&a[6..]).unwrap().len(), 32);
        assert_ne!(new_delivery_id(), new_delivery_id());
        assert!(sign("not-ours", "x", 1, b"{}").is_none());
    }
}
