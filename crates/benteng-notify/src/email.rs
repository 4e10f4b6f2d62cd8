//! E-mail over SMTP (lettre, rustls on ring).
//!
//! Decisions:
//! - One plain-text UTF-8 part: the body, then a blank line and the link if any. No HTML part:
//!   the messages are short notices and a text part cannot hide where a link goes.
//! - `Message-ID: <benteng-outbox-{id}@{domain of from}>`, so a re-send of the same outbox row
//!   after a crash carries the same id and mail clients or the relay can spot it.
//! - A new SMTP connection per message (lettre's pool feature is off): the outbox worker sends
//!   a handful per minute, and a fresh connection has no stale state to recover from.
//! - Classification: SMTP 4xx, connection, TLS, timeout and garbled replies → `Retry`;
//!   SMTP 5xx, an unparseable recipient, a message that cannot be built → `Failed`.
//!   A TLS failure is retried because the row then waits for the operator's fix instead of
//!   being dropped.
//! - Error text: the SMTP code, the enhanced status (`5.1.1`) and the server's reply with every
//!   word containing `@`, the recipient and phone-like digit runs removed.
//! - `Security::None` uses lettre's `builder_dangerous`: meant for a relay on the same host
//!   (and the tests); credentials are then sent in clear, which the operator chose.

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Deserialize;

use crate::{redact, Channel, ConfigError, Delivery, Message};

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain SMTP; only for a relay on the same host or a test server.
    None,
    /// STARTTLS, required (no fall-back to clear text). Usually port 587.
    #[default]
    #[serde(alias = "starttls")]
    StartTls,
    /// TLS from the first byte ("SMTPS"). Usually port 465.
    Tls,
}

/// SMTP settings; `Debug` never prints the password.
#[derive(Clone, Deserialize)]
pub struct EmailConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, `noreply@benteng.example` or `Benteng <noreply@benteng.example>`.
    pub from: String,
    /// Per SMTP command (connect, each reply).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_port() -> u16 {
    587
}

fn default_timeout() -> u64 {
    30
}

impl fmt::Debug for EmailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Sends [`Message`]s as e-mail through one SMTP relay.
pub struct EmailChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl fmt::Debug for EmailChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailChannel")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl EmailChannel {
    pub fn new(cfg: EmailConfig) -> Result<Self, ConfigError> {
        if cfg.host.trim().is_empty() {
            return Err(ConfigError::Missing {
                field: "email.host",
            });
        }
        let from: Mailbox = cfg.from.parse().map_err(|e| ConfigError::BadAddress {
            field: "email.from",
            value: cfg.from.clone(),
            reason: format!("{e}"),
        })?;
        let domain = from.email.domain().to_owned();
        let host = cfg.host.trim().to_owned();
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|e| ConfigError::Tls(e.to_string()))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(cfg.port)
            .timeout(Some(Duration::from_secs(cfg.timeout_secs.max(1))));
        builder = match cfg.security {
            Security::None => builder.tls(Tls::None),
            Security::StartTls => builder.tls(Tls::Required(tls(&host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls(&host)?)),
        };
        builder = match (cfg.username, cfg.password) {
            (Some(user), Some(pass)) => builder.credentials(Credentials::new(user, pass)),
            (None, None) => builder,
            _ => return Err(ConfigError::IncompleteCredentials),
        };
        Ok(Self {
            transport: builder.build(),
            from,
            domain,
        })
    }

    fn build(&self, m: &Message) -> Result<lettre::Message, Delivery> {
        let to: Mailbox =
            m.to.trim()
                .parse()
                .map_err(|_| Delivery::Failed("recipient is not a valid e-mail address".into()))?;
        let mut text = m.body.clone();
        if let Some(link) = &m.link {
            text.push_str("\n\n");
            text.push_str(link);
        }
        // A line break in a header would end it; the subject is one line.
        let subject: String = m
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<benteng-outbox-{}@{}>", m.id, self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(text)
            .map_err(|e| {
                Delivery::Failed(format!(
                    "e-mail not built: {}",
                    redact(&e.to_string(), &[&m.to])
                ))
            })
    }
}

#[async_trait::async_trait]
impl Channel for EmailChannel {
    fn name(&self) -> &'static str {
        "email"
    }

    async fn send(&self, m: &Message) -> Delivery {
        let email = match self.build(m) {
            Ok(e) => e,
            Err(d) => return d,
        };
        match self.transport.send(email).await {
            Ok(_) => Delivery::Sent { provider_id: None },
            Err(e) => {
                let d = classify(&e, &m.to);
                tracing::warn!(outbox_id = m.id, outcome = ?d, "smtp delivery did not succeed");
                d
            }
        }
    }
}

/// Maps a lettre SMTP error to `Retry`/`Failed` with a text safe to store.
fn classify(e: &lettre::transport::smtp::Error, recipient: &str) -> Delivery {
    let source = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let reply = scrub_reply(&source, recipient);
    if let Some(code) = e.status() {
        let text = format!("smtp {code}: {reply}");
        let text = text.trim_end_matches([':', ' ']).to_owned();
        return if e.is_permanent() {
            Delivery::Failed(text)
        } else {
            Delivery::Retry(text)
        };
    }
    if e.is_timeout() {
        return Delivery::Retry("smtp timeout".into());
    }
    if e.is_client() {
        return Delivery::Failed(format!("smtp client error: {reply}"));
    }
    // Connection, network, TLS, unparseable reply, transport shut down.
    let kind = e.to_string();
    let kind = kind.split(':').next().unwrap_or("smtp error");
    Delivery::Retry(format!("smtp {}: {reply}", kind.to_lowercase()))
}

/// The server's reply without addresses, the recipient or phone-like numbers.
fn scrub_reply(reply: &str, recipient: &str) -> String {
    let words: Vec<&str> = reply
        .split_whitespace()
        .map(|w| if w.contains('@') { "<address>" } else { w })
        .collect();
    redact(&words.join(" "), &[recipient.trim()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_lose_addresses() {
        let s = scrub_reply(
            "5.1.1 <ani@desa.id>: Recipient address rejected: User unknown",
            "ani@desa.id",
        );
        assert_eq!(
            s,
            "5.1.1 <address> Recipient address rejected: User unknown"
        );
    }

    #[test]
    fn config_defaults_and_secret_free_debug() {
        let cfg: EmailConfig = serde_json::from_str(
            r#"{"host":"smtp.example.org","from":"noreply@example.org","username":"u","password":"rahasia"}"#,
        )
        .unwrap();
        assert_eq!(
            (cfg.port, cfg.security, cfg.timeout_secs),
            (587, Security::StartTls, 30)
        );
        assert!(!format!("{cfg:?}").contains("rahasia"));
    }

    #[test]
    fn bad_from_and_half_credentials_are_config_errors() {
        let cfg = |from: &str, user: Option<&str>| EmailConfig {
            host: "127.0.0.1".into(),
            port: 25,
            security: Security::None,
            username: user.map(str::to_owned),
            password: None,
            from: from.into(),
            timeout_secs: 5,
        };
        let err = EmailChannel::new(cfg("not an address", None)).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::BadAddress {
                    field: "email.from",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            EmailChannel::new(cfg("a@b.id", Some("u"))).unwrap_err(),
            ConfigError::IncompleteCredentials
        );
        assert!(EmailChannel::new(cfg("Benteng <a@b.id>", None)).is_ok());
        // TLS settings build with the ring provider, without a process-wide default.
        for security in [Security::StartTls, Security::Tls] {
            let c = EmailConfig {
                security,
                ..cfg("a@b.id", None)
            };
            assert!(EmailChannel::new(c).is_ok(), "{security:?}");
        }
    }
}
