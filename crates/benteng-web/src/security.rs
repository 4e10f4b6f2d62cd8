//! The protective layers around every route: sessions, CSRF, security headers, request ids,
//! tracing, metrics, compression, size and time limits, and the login rate limiter.

use crate::ctx::SESSION_CSRF;
use crate::error::WebError;
use crate::session_store::DbStore;
use crate::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use benteng_app::Db;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// Largest request body accepted for forms (JSON: axum's 2 MB default).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Largest multipart body (a report with its photos); each file has its own limit
/// ([`benteng_app::uploads::MAX_FILE_BYTES`]).
pub const UPLOAD_LIMIT: usize = 26 * 1024 * 1024;

/// Check-ins, quiz answers and registrations per address and event in an hour. A whole
/// village may reach the server from one address (the venue's Wi-Fi, a mobile carrier's NAT),
/// so this is far above the public report form's allowance; it only stops a flood.
pub const EVENT_ACTIONS_PER_HOUR: u32 = 1000;

/// Rate limits per client address for the public forms (reports, tracking look-ups, files kept
/// across a re-render, event check-ins), counted in the database so that every instance
/// shares one allowance ([`benteng_app::system::take_allowance`]). A whole hourly allowance
/// may be used at once; it then refills evenly.
pub struct PublicLimiter {
    db: Db,
    per_hour: u32,
}

const HOUR_MS: i64 = 3_600_000;

impl PublicLimiter {
    pub fn new(db: Db, per_hour: u32) -> Self {
        PublicLimiter { db, per_hour }
    }

    async fn take(&self, key: String, allowance: u32) -> bool {
        benteng_app::system::take_allowance(&self.db, &key, allowance, HOUR_MS).await
    }

    /// A check-in, quiz answer or registration for one event (`event` names it) from this
    /// address.
    pub async fn check_event(&self, ip: Option<&str>, event: &str) -> bool {
        self.take(
            format!("acara:{event}:{}", ip.unwrap_or("unknown")),
            EVENT_ACTIONS_PER_HOUR,
        )
        .await
    }

    /// A public report from this address.
    pub async fn check(&self, ip: Option<&str>) -> bool {
        self.take(format!("lapor:{}", ip.unwrap_or("unknown")), self.per_hour)
            .await
    }

    /// Files kept across a re-render of the public form from this address (each keep writes
    /// them to the upload directory), an allowance of its own.
    pub async fn check_keep(&self, ip: Option<&str>) -> bool {
        self.take(format!("simpan:{}", ip.unwrap_or("unknown")), self.per_hour)
            .await
    }

    /// A tracking-code look-up from this address: its own allowance of the same size, so a
    /// resident who checks a report's status a few times can still file the next one.
    pub async fn check_lookup(&self, ip: Option<&str>) -> bool {
        self.take(format!("lacak:{}", ip.unwrap_or("unknown")), self.per_hour)
            .await
    }
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Word, phone and code searches of the report list per signed-in user and minute, in this
/// process. A search reads across every report of the user's area; a script that runs
/// thousands of them (guessing a name or a number one letter at a time) is slowed to a pace
/// no person types at. Counted per user, not per address: a whole office may sit behind one
/// address.
pub struct SearchLimiter {
    by_user: DefaultKeyedRateLimiter<i64>,
}

impl SearchLimiter {
    pub fn new(per_minute: u32) -> Self {
        let q = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        SearchLimiter {
            by_user: RateLimiter::keyed(q),
        }
    }

    /// True when `user_id` may search again now.
    pub fn check(&self, user_id: i64) -> bool {
        self.by_user.check_key(&user_id).is_ok()
    }

    pub fn forget_idle(&self) {
        self.by_user.retain_recent();
        self.by_user.shrink_to_fit();
    }
}

/// Login attempts per minute, counted per client address and per username in the database,
/// so several instances share one allowance.
pub struct LoginLimiter {
    db: Db,
    per_minute: u32,
}

impl LoginLimiter {
    pub fn new(db: Db, per_minute: u32) -> Self {
        LoginLimiter { db, per_minute }
    }

    /// True when another attempt is allowed. The address is checked first, so a flood from one
    /// address never reaches the per-username count; usernames are cut to 64 characters (real
    /// ones have at most 40) so the keys stay small.
    pub async fn check(&self, ip: Option<&str>, username: &str) -> bool {
        let take = |key: String| async move {
            benteng_app::system::take_allowance(&self.db, &key, self.per_minute, 60_000).await
        };
        if !take(format!("masuk:ip:{}", ip.unwrap_or("unknown"))).await {
            return false;
        }
        let name: String = username.trim().to_lowercase().chars().take(64).collect();
        take(format!("masuk:user:{name}")).await
    }
}

pub fn wrap(app: Router<AppState>, state: AppState) -> Router {
    let sessions =
        SessionManagerLayer::new(DbStore::new(state.db.clone(), state.prefetched.clone()))
            .with_name("benteng_sid")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(state.config.secure_cookies)
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
                state.config.session_idle_minutes,
            )));
    let x_request_id = HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let rid = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
        tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %rid, user_id = tracing::field::Empty)
    })
    // One line per answered request with status and latency (paths only: query strings may
    // hold search terms, which are never logged).
    .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO));
    app.layer(middleware::from_fn(idempotency_header))
        .layer(middleware::from_fn_with_state(state.clone(), csrf))
        .layer(middleware::from_fn_with_state(state.clone(), visitor))
        .layer(middleware::from_fn(crate::error::localise))
        .layer(sessions)
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
        // The limit answers a Content-Length over it by itself, in plain text, before any
        // layer above runs: that 413 is localised here too (from Accept-Language; the session
        // is not read yet).
        .layer(middleware::from_fn(crate::error::localise))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], "<!doctype html><title>500</title><p>Terjadi kesalahan. / Something went wrong.</p>").into_response()
        }))
        .layer(middleware::from_fn_with_state(state.clone(), crate::metrics::track))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}

/// The cookie that names an anonymous visitor for CSRF: 32 random hex digits, nothing else.
pub const VISITOR_COOKIE: &str = "benteng_v";

/// An anonymous visitor's id, from [`VISITOR_COOKIE`] (made by [`visitor`] when absent).
#[derive(Debug, Clone)]
pub struct Visitor(pub String);

/// The CSRF token of an anonymous visitor: HMAC-SHA256 of their cookie's id with the
/// installation's key, hex. Stateless: a public page that shows a form writes nothing to the
/// database, and any instance sharing the database checks it (issue 24). Signed-in users keep
/// the token stored in their session.
pub fn visitor_token(key: &[u8], visitor: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let Ok(mut mac) = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"csrf:");
    mac.update(visitor.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn visitor_id(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == VISITOR_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Give every browser request (not the API) a [`Visitor`]: the one its cookie names, or a new
/// one, set as an HttpOnly, SameSite=Lax cookie on the answer.
async fn visitor(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/static/") {
        return next.run(req).await;
    }
    let (id, fresh) = match visitor_id(&req) {
        Some(id) => (id, false),
        None => (hex::encode(rand::random::<[u8; 16]>()), true),
    };
    req.extensions_mut().insert(Visitor(id.clone()));
    let mut res = next.run(req).await;
    if fresh {
        let secure = if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{VISITOR_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax{secure}"
        )) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuse state-changing browser requests that do not carry the session's CSRF token (form
/// field `_csrf` or header `X-CSRF-Token`) or that come from another site. The JSON API takes
/// bearer tokens only (never cookies), so it needs no CSRF token.
async fn csrf(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with("/api/")
    {
        return next.run(req).await;
    }
    let h = req.headers();
    if h.get("sec-fetch-site").is_some_and(|v| v == "cross-site") {
        return WebError::Csrf.into_response();
    }
    if let (Some(origin), Some(host)) = (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host {
            return WebError::Csrf.into_response();
        }
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return WebError::internal("session layer missing").into_response();
    };
    // A signed-in session carries its own token; an anonymous visitor's is derived from the
    // visitor cookie (no session row needed to show a public form).
    let expected = match session.get::<String>(SESSION_CSRF).await {
        Ok(Some(t)) => t,
        Ok(None) => match req.extensions().get::<Visitor>() {
            Some(v) => visitor_token(&state.csrf_key, &v.0),
            None => return WebError::Csrf.into_response(),
        },
        Err(e) => return WebError::session(e).into_response(),
    };
    if expected.is_empty() {
        return WebError::Csrf.into_response();
    }
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Multipart forms (uploads) carry the token as their first field. It is read here from
    // the head of the body, whatever the handler does with the rest: a handler that reads no
    // body (ending a watchlist entry, say) is as protected as one that does. The upload
    // reader (`pages::upload::read_form`) checks it once more before it decodes any file.
    if is_multipart(&req) {
        let (token, req) = match header_token {
            Some(t) => (Some(t), req),
            None => multipart_token(req).await,
        };
        return match token {
            Some(t) if same(t.as_bytes(), expected.as_bytes()) => next.run(req).await,
            _ => WebError::Csrf.into_response(),
        };
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let token = header_token.or_else(|| {
        serde_urlencoded::from_bytes::<CsrfField>(&bytes)
            .ok()
            .and_then(|f| f.csrf)
    });
    match token {
        Some(t) if same(t.as_bytes(), expected.as_bytes()) => {
            if !form_is_utf8(&bytes) {
                return WebError::BadEncoding.into_response();
            }
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => WebError::Csrf.into_response(),
    }
}

/// Refuse a request whose `Idempotency-Key` header is not a key (`benteng_db::idempotency::
/// valid_key`): 400 on pages, 422 naming `idempotency_key` on the API. A valid key reaches
/// the handlers through `ctx::idempotency_key`.
async fn idempotency_header(req: Request, next: Next) -> Response {
    if let Some(v) = req.headers().get(IDEMPOTENCY_KEY) {
        let ok = v.to_str().is_ok_and(benteng_app::idempotency::valid_key);
        if !ok {
            return if req.uri().path().starts_with("/api/") {
                let mut e = benteng_domain::FieldErrors::new();
                e.add("idempotency_key", "error-idempotency-key");
                crate::error::ApiError::Invalid(e).into_response()
            } else {
                WebError::BadIdempotencyKey.into_response()
            };
        }
    }
    next.run(req).await
}

/// The header of the IETF draft "The Idempotency-Key HTTP Header Field".
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Whether every name and value of an urlencoded form is UTF-8 once decoded. Form readers
/// would put replacement characters (U+FFFD) in place of other bytes and store them, while
/// the API refuses the same bytes; a form is refused as well (400), nothing half-read is kept.
fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').all(|pair| {
        let plus_as_space: Vec<u8> = pair
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        let decoded: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
        std::str::from_utf8(&decoded).is_ok()
    })
}

/// How much of a multipart body is read ahead for its first field. Our forms put `_csrf`
/// first; its part (boundary, headers and a 43-character token) fits many times over.
const MULTIPART_HEAD: usize = 8 * 1024;

/// The `_csrf` value of a multipart body when it is the first part, and the request with its
/// body whole again (the bytes read ahead, then the rest as it streams in).
async fn multipart_token(req: Request) -> (Option<String>, Request) {
    use futures_util::StreamExt;
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut head: Vec<axum::body::Bytes> = Vec::new();
    let mut read = 0;
    let mut failed = false;
    while read < MULTIPART_HEAD {
        match stream.next().await {
            Some(Ok(chunk)) => {
                read += chunk.len();
                head.push(chunk);
            }
            Some(Err(_)) => {
                failed = true;
                break;
            }
            None => break,
        }
    }
    let mut token = None;
    if let (Some(boundary), false) = (boundary, failed) {
        let ahead = futures_util::stream::iter(
            head.clone()
                .into_iter()
                .map(Ok::<_, std::convert::Infallible>),
        );
        let mut fields = multer::Multipart::new(ahead, boundary);
        if let Ok(Some(field)) = fields.next_field().await {
            if field.name() == Some("_csrf") && field.file_name().is_none() {
                token = field.text().await.ok();
            }
        }
    }
    let body = Body::from_stream(
        futures_util::stream::iter(head.into_iter().map(Ok::<_, axum::Error>)).chain(stream),
    );
    (token, Request::from_parts(parts, body))
}
