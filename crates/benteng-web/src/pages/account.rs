//! Signing in and out, the language switch, and the user's own account page.

use super::{flash_redirect, html, html_status, parse_id, Field, Layout, ENROL_PATH, FLASH};
use crate::ctx::{
    client_ip, request_id, Auth, Viewer, SESSION_CSRF, SESSION_DEVICE, SESSION_LANG,
    SESSION_NETWORK, SESSION_PENDING, SESSION_SIGNED_IN_AT, SESSION_USER,
};
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::account::devices::{self, SessionRow, TokenRow};
use benteng_app::account::{self, PasswordForm, User};
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/masuk", get(login_form).post(login))
        .route("/keluar", post(logout))
        .route("/bahasa", post(switch_language))
        .route("/akun", get(account))
        .route("/akun/sandi", post(change_password))
        .route("/akun/sesi/{handle}/akhiri", post(end_session))
        .route("/akun/token/{id}/cabut", post(revoke_token))
}

/// Only same-site paths are followed after login, never `//host` or absolute URLs.
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"), and a
        // backslash can read as a slash: refuse them anywhere, not only after the first '/'.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(v: Viewer, Query(q): Query<NextQuery>) -> Result<Response, WebError> {
    if v.ctx.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let l = Layout::new(&v, "login-title").await?;
    html(&LoginPage {
        l,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Client address, request id and user agent, read before the body is taken.
pub(super) struct Origin {
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub user_agent: Option<String>,
}

impl Origin {
    pub fn app(&self) -> account::Origin<'_> {
        account::Origin {
            ip: self.ip.as_deref(),
            request_id: self.request_id.as_deref(),
            user_agent: self.user_agent.as_deref(),
        }
    }
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Origin {
            ip: client_ip(parts, state.config.trust_proxy),
            request_id: request_id(&parts.headers),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
    }
}

/// The login form again, with a generic message that never says which part was wrong.
async fn login_failed(
    v: &Viewer,
    key: &str,
    status: StatusCode,
    username: String,
    next: String,
) -> Result<Response, WebError> {
    let error = Some(v.tr.t(key));
    let l = Layout::new(v, "login-title").await?;
    html_status(
        status,
        &LoginPage {
            l,
            username,
            next,
            error,
        },
    )
}

async fn login(
    State(state): State<AppState>,
    v: Viewer,
    origin: Origin,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(f.next.as_deref());
    if !state.limiter.check(origin.ip.as_deref(), &f.username).await {
        let mut r = login_failed(
            &v,
            "login-rate-limited",
            StatusCode::TOO_MANY_REQUESTS,
            f.username.clone(),
            next,
        )
        .await?;
        r.headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("60"));
        return Ok(r);
    }
    let from = origin.app();
    let Some(user) =
        account::sign_in(&state.db, &f.username, &f.password, from, "login_failed").await?
    else {
        return login_failed(
            &v,
            "login-failed",
            StatusCode::UNAUTHORIZED,
            f.username.clone(),
            next,
        )
        .await;
    };
    if account::asks_code(&user) {
        return super::second_factor::start(&v, &user, next).await;
    }
    complete_sign_in(&state, &v, &user, from, &next, None).await
}

/// Sign `user` in on this session, once the password (and the code, when the account has a
/// second factor) was right: a new session id, the user, a new CSRF token, the language,
/// and what the list of sessions shows. A role that requires a second factor the user has
/// not enrolled goes to enrolment first.
pub(super) async fn complete_sign_in(
    state: &AppState,
    v: &Viewer,
    user: &User,
    from: account::Origin<'_>,
    next: &str,
    flash: Option<String>,
) -> Result<Response, WebError> {
    let s = &v.session;
    // A new session id at login stops session fixation; a new CSRF token goes with it.
    s.cycle_id().await.map_err(WebError::session)?;
    s.remove_value(SESSION_PENDING)
        .await
        .map_err(WebError::session)?;
    s.insert(SESSION_USER, user.id)
        .await
        .map_err(WebError::session)?;
    s.insert(SESSION_CSRF, account::random_token())
        .await
        .map_err(WebError::session)?;
    if let Some(lang) = &user.locale {
        s.insert(SESSION_LANG, lang)
            .await
            .map_err(WebError::session)?;
    }
    let (device, network) = devices::describe(from);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    s.insert(SESSION_SIGNED_IN_AT, now)
        .await
        .map_err(WebError::session)?;
    s.insert(SESSION_DEVICE, device)
        .await
        .map_err(WebError::session)?;
    s.insert(SESSION_NETWORK, network)
        .await
        .map_err(WebError::session)?;
    if let Some(f) = flash {
        s.insert(FLASH, f).await.map_err(WebError::session)?;
    }
    account::signed_in(&state.db, user, from, "login").await?;
    let to = if account::must_enrol(&state.config.second_factor, user) {
        ENROL_PATH
    } else {
        next
    };
    Ok(Redirect::to(to).into_response())
}

async fn logout(State(state): State<AppState>, v: Viewer) -> Result<Response, WebError> {
    if let Some(ctx) = &v.ctx {
        account::sign_out(&state.db, ctx).await?;
    }
    let lang = v.tr.lang;
    v.session.flush().await.map_err(WebError::session)?;
    // Keep the language after signing out.
    v.session
        .insert(SESSION_LANG, lang)
        .await
        .map_err(WebError::session)?;
    Ok(Redirect::to("/masuk").into_response())
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

async fn switch_language(
    State(state): State<AppState>,
    v: Viewer,
    Form(f): Form<LangForm>,
) -> Result<Response, WebError> {
    let lang = match f.lang.as_str() {
        "id" | "en" => f.lang.clone(),
        _ => return Err(WebError::BadRequest),
    };
    v.session
        .insert(SESSION_LANG, &lang)
        .await
        .map_err(WebError::session)?;
    if let Some(ctx) = &v.ctx {
        account::set_locale(&state.db, ctx, &lang).await?;
    }
    Ok(Redirect::to(&safe_next(f.next.as_deref())).into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    must_change: bool,
    username: String,
    role: String,
    scope: String,
    fields: Vec<Field>,
    totp_on: bool,
    recovery_left: i64,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
}

impl AccountPage {
    fn when(&self, t: &Option<i64>) -> String {
        t.map(|t| self.l.tr.datetime(&t))
            .unwrap_or_else(|| "—".into())
    }
}

async fn account_page(
    state: &AppState,
    v: &Viewer,
    errors: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let l = Layout::new(v, "account-title").await?;
    let tr = &v.tr;
    let user = v.user.as_ref().ok_or(WebError::Forbidden)?;
    let ctx = v.ctx.as_ref().ok_or(WebError::Forbidden)?;
    let scope = match &ctx.actor.scope {
        benteng_domain::Scope::All => tr.t("scope-all"),
        benteng_domain::Scope::Province(p) => format!("{} {}", tr.t("level-provinsi"), p),
        benteng_domain::Scope::Regencies(list) => list
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        benteng_domain::Scope::Village(c) => format!("{} {}", tr.t("level-desa"), c),
        benteng_domain::Scope::Nothing => tr.t("scope-nothing"),
    };
    let totp = account::second_factor::status(&state.db, ctx).await?;
    let current = v.session.id().map(|i| i.to_string());
    let sessions = devices::sessions(&state.db, ctx, current.as_deref()).await?;
    let tokens = devices::tokens(&state.db, ctx).await?;
    let mut fields = vec![Field::new(
        tr,
        "current",
        "field-current-password",
        "password",
        "",
        errors,
    )
    .required()];
    if totp.enabled {
        fields.push(
            Field::new(tr, "code", "field-otp", "text", "", errors)
                .required()
                .hint(tr.t("hint-otp-or-recovery")),
        );
    }
    fields.extend([
        Field::new(tr, "password", "field-new-password", "password", "", errors)
            .required()
            .hint(tr.t("hint-password")),
        Field::new(
            tr,
            "password2",
            "field-new-password-again",
            "password",
            "",
            errors,
        )
        .required(),
    ]);
    html_status(
        status,
        &AccountPage {
            must_change: user.must_change_password == 1,
            l,
            username: user.username.clone(),
            role: super::role_label(tr, ctx.actor.role),
            scope,
            fields,
            totp_on: totp.enabled,
            recovery_left: totp.recovery_left,
            sessions,
            tokens,
        },
    )
}

async fn account(State(state): State<AppState>, Auth(v): Auth) -> Result<Response, WebError> {
    account_page(&state, &v, &FieldErrors::new(), StatusCode::OK).await
}

/// End one of one's own sessions (another browser or device); it is signed out at once.
async fn end_session(
    State(state): State<AppState>,
    auth: Auth,
    Path(handle): Path<String>,
) -> Result<Response, WebError> {
    devices::end_session(&state.db, auth.ctx(), &handle).await?;
    flash_redirect(&auth.0, "flash-session-ended", "/akun#sesi").await
}

/// Revoke one of one's own API tokens.
async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    devices::revoke_token(&state.db, auth.ctx(), id).await?;
    flash_redirect(&auth.0, "flash-token-revoked", "/akun#sesi").await
}

async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    // The current password (and code) are guesses like a sign-in's: the same allowance.
    let ctx = auth.ctx();
    if !state
        .limiter
        .check(ctx.ip.as_deref(), &ctx.actor.username)
        .await
    {
        return Err(WebError::RateLimited);
    }
    let keep = auth.0.session.id().map(|i| i.to_string());
    let forced = auth
        .0
        .user
        .as_ref()
        .is_some_and(|u| u.must_change_password == 1);
    match account::change_password(&state.db, auth.ctx(), &f, keep.as_deref()).await {
        // After a forced change the user goes on to their home page (which sends them on to
        // enrol a second factor when their role needs one).
        Ok(()) if forced => flash_redirect(&auth.0, "flash-password-changed", "/").await,
        Ok(()) => flash_redirect(&auth.0, "flash-password-changed", "/akun").await,
        Err(benteng_app::Error::Invalid(e)) => {
            account_page(&state, &auth.0, &e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_kept_on_site() {
        assert_eq!(
            super::safe_next(Some("/desa-binaan?hal=2")),
            "/desa-binaan?hal=2"
        );
        assert_eq!(super::safe_next(Some("//evil.example")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example")), "/");
        assert_eq!(super::safe_next(Some("/\\evil.example")), "/");
        assert_eq!(super::safe_next(None), "/");
        assert_eq!(super::safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(super::safe_next(Some("/\n")), "/");
        assert_eq!(super::safe_next(Some("/a\\b")), "/");
    }
}
