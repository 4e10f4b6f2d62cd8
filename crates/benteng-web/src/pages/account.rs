//! Signing in and out, the language switch, and the user's own account page.

use super::{flash_redirect, html, html_status, Field, Layout};
use crate::ctx::{client_ip, request_id, Auth, Viewer, SESSION_CSRF, SESSION_LANG, SESSION_USER};
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::account::{self, PasswordForm};
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/masuk", get(login_form).post(login))
        .route("/keluar", post(logout))
        .route("/bahasa", post(switch_language))
        .route("/akun", get(account))
        .route("/akun/sandi", post(change_password))
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

/// Client address and request id, read before the body is taken.
struct Origin {
    ip: Option<String>,
    request_id: Option<String>,
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
    let from = account::Origin {
        ip: origin.ip.as_deref(),
        request_id: origin.request_id.as_deref(),
    };
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
    // A new session id at login stops session fixation; a new CSRF token goes with it.
    v.session.cycle_id().await.map_err(WebError::session)?;
    v.session
        .insert(SESSION_USER, user.id)
        .await
        .map_err(WebError::session)?;
    v.session
        .insert(SESSION_CSRF, account::random_token())
        .await
        .map_err(WebError::session)?;
    if let Some(lang) = &user.locale {
        v.session
            .insert(SESSION_LANG, lang)
            .await
            .map_err(WebError::session)?;
    }
    account::signed_in(&state.db, &user, from, "login").await?;
    Ok(Redirect::to(&next).into_response())
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
}

async fn account_page(
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
    let fields = vec![
        Field::new(
            tr,
            "current",
            "field-current-password",
            "password",
            "",
            errors,
        )
        .required(),
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
    ];
    html_status(
        status,
        &AccountPage {
            must_change: user.must_change_password == 1,
            l,
            username: user.username.clone(),
            role: super::role_label(tr, ctx.actor.role),
            scope,
            fields,
        },
    )
}

async fn account(Auth(v): Auth) -> Result<Response, WebError> {
    account_page(&v, &FieldErrors::new(), StatusCode::OK).await
}

async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let keep = auth.0.session.id().map(|i| i.to_string());
    match account::change_password(&state.db, auth.ctx(), &f, keep.as_deref()).await {
        Ok(()) => flash_redirect(&auth.0, "flash-password-changed", "/akun").await,
        Err(benteng_app::Error::Invalid(e)) => {
            account_page(&auth.0, &e, StatusCode::UNPROCESSABLE_ENTITY).await
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
