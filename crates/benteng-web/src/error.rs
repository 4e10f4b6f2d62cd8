//! Errors of the web layer, mapped to HTTP in one place. Handlers return [`WebError`] (pages)
//! or [`ApiError`] (JSON); both leave a [`Problem`] in the response, and the `localise`
//! middleware turns it into a friendly page or a JSON problem body in the caller's language.
//! Internal details go to the log only.

use crate::i18n::{from_accept_language, Tr};
use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Html;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use benteng_domain::FieldErrors;
use tower_sessions::Session;

/// What went wrong, without the words: those come from the Fluent files at render time.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// Fluent id of the title.
    pub title: &'static str,
    pub fields: FieldErrors,
    pub api: bool,
    /// A field of a JSON body that could not be read (its path, e.g. `people[0].nik`), named
    /// in the problem's `errors` with `err-json-field`.
    pub named: Option<String>,
}

#[derive(Debug)]
pub enum WebError {
    LoginRequired(String),
    /// The user must choose their own password before anything else.
    PasswordChangeRequired,
    /// The user's role requires a second factor they have not enrolled: enrolment first.
    SecondFactorRequired,
    Forbidden,
    NotFound,
    BadRequest,
    /// A form whose text is not UTF-8 (400, saying so).
    BadEncoding,
    /// An `Idempotency-Key` header that is not 16–100 plain characters (400).
    BadIdempotencyKey,
    Csrf,
    /// Too many attempts (codes of the second factor); the answer says to wait a minute.
    RateLimited,
    /// The server's storage is full: nothing was saved; 503, try again later. The real cause
    /// is in the log.
    StorageFull(String),
    /// The server's storage cannot be written (a read-only disk, a folder without write
    /// permission): 503, nothing saved; the cause in the log.
    StorageReadOnly(String),
    Internal(String),
}

impl WebError {
    pub fn internal(msg: impl Into<String>) -> Self {
        WebError::Internal(msg.into())
    }

    pub fn session(e: tower_sessions::session::Error) -> Self {
        WebError::Internal(format!("session: {e}"))
    }
}

impl From<benteng_app::Error> for WebError {
    fn from(e: benteng_app::Error) -> Self {
        if e.is_storage_full() {
            return WebError::StorageFull(e.to_string());
        }
        if e.is_storage_read_only() {
            return WebError::StorageReadOnly(e.to_string());
        }
        match e {
            benteng_app::Error::Forbidden => WebError::Forbidden,
            benteng_app::Error::NotFound => WebError::NotFound,
            benteng_app::Error::Invalid(_) | benteng_app::Error::Conflict(..) => {
                WebError::BadRequest
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// 503 for a write the storage refused (full, or read-only): what users read, with
/// `Retry-After`; the real cause goes to the log.
fn storage_problem(key: &'static str, cause: &str, api: bool) -> Response {
    tracing::error!(error = %cause, "storage cannot be written: a write was refused");
    let mut r = problem(
        StatusCode::SERVICE_UNAVAILABLE,
        key,
        FieldErrors::new(),
        api,
    );
    r.headers_mut()
        .insert("retry-after", HeaderValue::from_static("60"));
    r
}

fn problem(status: StatusCode, title: &'static str, fields: FieldErrors, api: bool) -> Response {
    let mut r = status.into_response();
    r.extensions_mut().insert(Problem {
        status,
        title,
        fields,
        api,
        named: None,
    });
    r
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title) = match self {
            WebError::LoginRequired(next) => {
                let target = format!("/masuk?next={}", urlencode(&next));
                return Redirect::to(&target).into_response();
            }
            WebError::PasswordChangeRequired => return Redirect::to("/akun").into_response(),
            WebError::SecondFactorRequired => {
                return Redirect::to(crate::pages::ENROL_PATH).into_response()
            }
            WebError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
            WebError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
            WebError::BadRequest => (StatusCode::BAD_REQUEST, "error-bad-request"),
            WebError::BadEncoding => (StatusCode::BAD_REQUEST, "error-bad-encoding"),
            WebError::BadIdempotencyKey => (StatusCode::BAD_REQUEST, "error-idempotency-key"),
            WebError::Csrf => (StatusCode::FORBIDDEN, "error-csrf"),
            WebError::RateLimited => {
                let mut r = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "login-rate-limited",
                    FieldErrors::new(),
                    false,
                );
                r.headers_mut()
                    .insert("retry-after", HeaderValue::from_static("60"));
                return r;
            }
            WebError::StorageFull(msg) => {
                return storage_problem("error-storage-full", &msg, false)
            }
            WebError::StorageReadOnly(msg) => {
                return storage_problem("error-storage-read-only", &msg, false)
            }
            WebError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        problem(status, title, FieldErrors::new(), false)
    }
}

#[derive(Debug)]
pub enum ApiError {
    Unauthorized,
    /// Wrong username or password at `POST /api/v1/auth/token` (one message for both).
    LoginFailed,
    /// The account must choose its own password on the web first.
    PasswordChangeRequired,
    /// The account's role requires a second factor: enrol it on the web first.
    SecondFactorRequired,
    /// The account has a second factor: the token request needs `otp` (field error code
    /// `err-otp-required` or `err-otp-wrong`).
    OtpRequired(&'static str),
    Forbidden,
    NotFound,
    Invalid(FieldErrors),
    Conflict(&'static str, &'static str),
    BadRequest,
    /// A JSON body with a field of the wrong type (an object where text is expected, a
    /// missing required field): 400 naming the field's path.
    BadField(String),
    /// A body over the route's limit (413).
    TooLarge,
    RateLimited,
    /// The server's storage is full (503; see [`WebError::StorageFull`]).
    StorageFull(String),
    /// The server's storage cannot be written (503; see [`WebError::StorageReadOnly`]).
    StorageReadOnly(String),
    Internal(String),
}

impl From<benteng_app::Error> for ApiError {
    fn from(e: benteng_app::Error) -> Self {
        if e.is_storage_full() {
            return ApiError::StorageFull(e.to_string());
        }
        if e.is_storage_read_only() {
            return ApiError::StorageReadOnly(e.to_string());
        }
        match e {
            benteng_app::Error::Forbidden => ApiError::Forbidden,
            benteng_app::Error::NotFound => ApiError::NotFound,
            benteng_app::Error::Invalid(f) => ApiError::Invalid(f),
            benteng_app::Error::Conflict(field, key) => ApiError::Conflict(field, key),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    /// A body over the limit is 413, as `docs/security.md` says; anything else that is not
    /// the JSON a route takes is 400.
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::TooLarge;
        }
        match &r {
            axum::extract::rejection::JsonRejection::JsonDataError(e) => {
                json_field(&e.body_text()).map_or(ApiError::BadRequest, ApiError::BadField)
            }
            _ => ApiError::BadRequest,
        }
    }
}

/// The field a JSON data error is about, from axum's text: "Failed to deserialize the JSON
/// body into the target type: people[0].nik: invalid type: …", or "…: missing field `name` at
/// line 1 column 2" for a field missing at the top level. Only a path of plain characters is
/// kept (it is echoed back).
fn json_field(text: &str) -> Option<String> {
    let detail = text.split_once("target type: ")?.1;
    let field = match detail.split_once("missing field `") {
        Some((before, rest)) if !before.contains(": ") || before.trim_end().ends_with(':') => {
            let name = rest.split('`').next()?;
            let prefix = before.trim_end().trim_end_matches(':');
            if prefix.is_empty() || prefix == "." {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            }
        }
        _ => detail.split_once(": ")?.0.to_string(),
    };
    let plain = !field.is_empty()
        && field.len() <= 100
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'));
    plain.then_some(field)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::BadField(field) = self {
            let mut r = StatusCode::BAD_REQUEST.into_response();
            r.extensions_mut().insert(Problem {
                status: StatusCode::BAD_REQUEST,
                title: "error-bad-json",
                fields: FieldErrors::new(),
                api: true,
                named: Some(field),
            });
            return r;
        }
        let (status, title, fields) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "error-unauthorized",
                FieldErrors::new(),
            ),
            ApiError::LoginFailed => (StatusCode::UNAUTHORIZED, "login-failed", FieldErrors::new()),
            ApiError::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                "account-must-change",
                FieldErrors::new(),
            ),
            ApiError::SecondFactorRequired => (
                StatusCode::FORBIDDEN,
                "account-must-enrol",
                FieldErrors::new(),
            ),
            ApiError::OtpRequired(code) => {
                let mut f = FieldErrors::new();
                f.add("otp", code);
                (StatusCode::UNAUTHORIZED, "login-otp-needed", f)
            }
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden", FieldErrors::new()),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "error-not-found", FieldErrors::new()),
            ApiError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, "error-invalid", f),
            ApiError::Conflict(field, key) => {
                let mut f = FieldErrors::new();
                f.add(field, key);
                (StatusCode::CONFLICT, "error-conflict", f)
            }
            ApiError::BadRequest | ApiError::BadField(_) => (
                StatusCode::BAD_REQUEST,
                "error-bad-json",
                FieldErrors::new(),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "error-too-large",
                FieldErrors::new(),
            ),
            ApiError::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "error-rate-limited",
                FieldErrors::new(),
            ),
            ApiError::StorageFull(msg) => return storage_problem("error-storage-full", &msg, true),
            ApiError::StorageReadOnly(msg) => {
                return storage_problem("error-storage-read-only", &msg, true)
            }
            ApiError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                    FieldErrors::new(),
                )
            }
        };
        problem(status, title, fields, true)
    }
}

/// Render every [`Problem`] left in a response, in the caller's language.
pub async fn localise(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language);
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let problem = match res.extensions_mut().remove::<Problem>() {
        Some(p) => p,
        // Errors produced by axum itself (unknown route, wrong method, bad form) get a body too.
        None if res.status().is_client_error()
            && res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_none_or(|v| v.as_bytes().starts_with(b"text/plain")) =>
        {
            let title = match res.status() {
                StatusCode::NOT_FOUND => "error-not-found",
                StatusCode::METHOD_NOT_ALLOWED => "error-method",
                StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-bad-json",
                _ => "error-bad-request",
            };
            Problem {
                status: res.status(),
                title,
                fields: FieldErrors::new(),
                api: is_api,
                named: None,
            }
        }
        None => return res,
    };
    let mut lang = None;
    if !problem.api {
        if let Some(s) = &session {
            lang = s
                .get::<String>(crate::ctx::SESSION_LANG)
                .await
                .ok()
                .flatten();
        }
    }
    let tr = Tr::new(lang.as_deref().or(accept).unwrap_or("id"));
    let mut out = if problem.api {
        let mut errors: Vec<serde_json::Value> = problem
            .fields
            .0
            .iter()
            .map(|e| serde_json::json!({"field": e.field, "code": e.code, "message": tr.t(e.code)}))
            .collect();
        if let Some(field) = &problem.named {
            errors.push(serde_json::json!({"field": field, "code": "err-json-field",
                "message": tr.t("err-json-field")}));
        }
        let body = serde_json::json!({
            "type": "about:blank",
            "title": tr.t(problem.title),
            "status": problem.status.as_u16(),
            "errors": errors,
        });
        let mut r = (problem.status, Json(body)).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    } else {
        render_error_page(&tr, problem.status, problem.title)
    };
    // Keep headers such as Retry-After set by the handler.
    for (k, v) in res.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The friendly page for an error, in the caller's language (`templates/error.html`).
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    tr: Tr,
    status: u16,
    message: String,
}

fn render_error_page(tr: &Tr, status: StatusCode, title: &str) -> Response {
    let page = ErrorPage {
        tr: tr.clone(),
        status: status.as_u16(),
        message: tr.t(title),
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => status.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::json_field;

    #[test]
    fn a_json_data_error_names_its_field() {
        let t = "Failed to deserialize the JSON body into the target type: ";
        assert_eq!(
            json_field(&format!(
                "{t}category: invalid type: map, expected a string at line 1 column 13"
            ))
            .as_deref(),
            Some("category")
        );
        assert_eq!(
            json_field(&format!("{t}people[0].nik: invalid type: map")).as_deref(),
            Some("people[0].nik")
        );
        assert_eq!(
            json_field(&format!("{t}missing field `status` at line 1 column 2")).as_deref(),
            Some("status")
        );
        assert_eq!(
            json_field(&format!("{t}.: missing field `status` at line 1 column 2")).as_deref(),
            Some("status")
        );
        assert_eq!(
            json_field(&format!(
                "{t}person: missing field `name` at line 1 column 20"
            ))
            .as_deref(),
            Some("person.name")
        );
        assert_eq!(json_field(&format!("{t}<script>: invalid type")), None);
        assert_eq!(json_field("something else"), None);
    }
}
