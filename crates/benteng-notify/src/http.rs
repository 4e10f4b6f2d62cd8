//! The one HTTP client the WhatsApp and SMS channels share: POST a JSON document, get back the
//! status and a size-capped body, with a deadline over the whole exchange.
//!
//! Why hyper and not reqwest: reqwest 0.13's only ring-capable TLS feature is
//! `rustls-no-provider`, which makes *every* `reqwest::Client` built in the same build panic
//! unless the process installed a rustls default provider first. Cargo unifies features across
//! a workspace build, so enabling it here would break the other crates' reqwest clients in
//! `cargo test --workspace`. `hyper-rustls` takes the ring provider as an argument instead,
//! touches no process-wide state, and everything under it (hyper, hyper-util, rustls, ring,
//! webpki-roots) is already in the tree.
//!
//! Roots are Mozilla's (`webpki-roots`), so the host's CA store does not matter. HTTP/1.1
//! only; plain `http://` is allowed for a gateway on the same host or a local test server.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::ConfigError;

/// Responses larger than this are cut off; providers answer in a few hundred bytes.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub(crate) struct HttpClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

/// A request that got no HTTP response. The text holds no request data.
#[derive(Debug)]
pub(crate) enum TransportError {
    Timeout(Duration),
    /// Connecting, TLS, or the connection breaking mid-exchange.
    Network(String),
    /// The request could not even be built (a header value with control characters).
    Request(String),
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout(d) => write!(f, "no answer within {} s", d.as_secs()),
            Self::Network(e) => write!(f, "network error: {e}"),
            Self::Request(e) => write!(f, "request not built: {e}"),
        }
    }
}

pub(crate) struct HttpResponse {
    pub status: u16,
    pub body: Bytes,
}

impl HttpClient {
    pub fn new(timeout_secs: u64) -> Result<Self, ConfigError> {
        let provider = rustls::crypto::ring::default_provider();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(timeout_secs.clamp(1, 30))));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| ConfigError::Tls(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(https);
        Ok(Self {
            client,
            timeout: Duration::from_secs(timeout_secs.max(1)),
        })
    }

    pub async fn post_json(
        &self,
        uri: &Uri,
        bearer: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<HttpResponse, TransportError> {
        let mut headers = Vec::new();
        if let Some(token) = bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| TransportError::Request("token is not a valid header value".into()))?;
            value.set_sensitive(true);
            headers.push((AUTHORIZATION.as_str(), value));
        }
        self.post(uri, &headers, Bytes::from(body.to_string()))
            .await
    }

    /// POST `body` as JSON, exactly as given, with extra headers.
    pub async fn post(
        &self,
        uri: &Uri,
        headers: &[(&str, HeaderValue)],
        body: Bytes,
    ) -> Result<HttpResponse, TransportError> {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(uri.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            req = req.header(*name, value.clone());
        }
        let req = req
            .body(Full::new(body))
            .map_err(|e| TransportError::Request(e.to_string()))?;

        let exchange = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| TransportError::Network(error_chain(&e)))?;
            let status = resp.status().as_u16();
            let body = Limited::new(resp.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map(|c| c.to_bytes())
                // A 2xx whose body broke off still counts by its status; callers decide.
                .unwrap_or_default();
            Ok(HttpResponse { status, body })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| TransportError::Timeout(self.timeout))?
    }
}

/// Checks a configured URL: absolute, http or https, with a host.
pub(crate) fn parse_url(field: &'static str, value: &str) -> Result<Uri, ConfigError> {
    let bad = || ConfigError::BadUrl {
        field,
        value: value.to_owned(),
    };
    let uri: Uri = value.parse().map_err(|_| bad())?;
    match uri.scheme_str() {
        Some("http") | Some("https") if uri.host().is_some_and(|h| !h.is_empty()) => Ok(uri),
        _ => Err(bad()),
    }
}

/// "client error (Connect): tcp connect error: Connection refused (os error 111)".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_absolute_http_or_https() {
        assert!(parse_url("u", "https://graph.facebook.com/v23.0/1/messages").is_ok());
        assert!(parse_url("u", "http://127.0.0.1:9/send").is_ok());
        for bad in [
            "",
            "graph.facebook.com/x",
            "ftp://x/y",
            "https:///x",
            "http://exa mple",
        ] {
            assert!(parse_url("u", bad).is_err(), "{bad}");
        }
    }
}
