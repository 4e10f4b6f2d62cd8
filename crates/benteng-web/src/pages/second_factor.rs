//! The second factor's pages: the sign-in's second step (`/masuk/kode`) and one's own
//! enrolment, recovery codes and switching off (`/akun/dua-langkah`).
//!
//! Between a right password and a right code the session holds only a [`Pending`] marker
//! (user, deadline, tries, where to go next): no user is signed in, so every page still treats
//! the visitor as signed out. It ends after five minutes or five wrong codes.

use super::account::{complete_sign_in, Origin};
use super::{html_status, Layout, ENROL_PATH, FLASH};
use crate::ctx::{Auth, Viewer, SESSION_PENDING};
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::account::second_factor::{self, ConfirmForm, Proof, ReauthForm};
use benteng_app::account::{self, User};
use benteng_domain::second_factor::{PENDING_SECS, PENDING_TRIES};
use benteng_domain::FieldErrors;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/masuk/kode", get(code_form).post(code_submit))
        .route(ENROL_PATH, get(page).post(confirm))
        .route("/akun/dua-langkah/matikan", post(disable))
        .route("/akun/dua-langkah/kode-cadangan", post(regenerate))
}

/// A sign-in waiting for its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Pending {
    pub uid: i64,
    pub username: String,
    pub until: i64,
    pub next: String,
    pub tries: u32,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// After a right password of an account with a second factor: a new session id (as at every
/// sign-in) holding only the pending marker, and the code page.
pub(super) async fn start(v: &Viewer, user: &User, next: String) -> Result<Response, WebError> {
    v.session.cycle_id().await.map_err(WebError::session)?;
    v.session
        .insert(
            SESSION_PENDING,
            Pending {
                uid: user.id,
                username: user.username.clone(),
                until: now() + PENDING_SECS,
                next,
                tries: 0,
            },
        )
        .await
        .map_err(WebError::session)?;
    Ok(Redirect::to("/masuk/kode").into_response())
}

async fn pending(v: &Viewer) -> Result<Option<Pending>, WebError> {
    let p: Option<Pending> = v
        .session
        .get(SESSION_PENDING)
        .await
        .map_err(WebError::session)?;
    Ok(p.filter(|p| p.until > now()))
}

/// Back to the password form with a message (the pending sign-in is over).
async fn start_over(v: &Viewer, key: &str) -> Result<Response, WebError> {
    v.session
        .remove_value(SESSION_PENDING)
        .await
        .map_err(WebError::session)?;
    super::flash_redirect(v, key, "/masuk").await
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    l: Layout,
    error: Option<String>,
}

async fn code_page(
    v: &Viewer,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let l = Layout::new(v, "login-code-title").await?;
    html_status(
        status,
        &CodePage {
            error: error.map(|k| v.tr.t(k)),
            l,
        },
    )
}

async fn code_form(v: Viewer) -> Result<Response, WebError> {
    if v.ctx.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    match pending(&v).await? {
        Some(_) => code_page(&v, StatusCode::OK, None).await,
        None => Ok(Redirect::to("/masuk").into_response()),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn code_submit(
    State(state): State<AppState>,
    v: Viewer,
    origin: Origin,
    Form(f): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(mut p) = pending(&v).await? else {
        return start_over(&v, "login-code-expired").await;
    };
    // Codes count against the same allowance as passwords, per address and per account.
    if !state.limiter.check(origin.ip.as_deref(), &p.username).await {
        let mut r = code_page(
            &v,
            StatusCode::TOO_MANY_REQUESTS,
            Some("login-rate-limited"),
        )
        .await?;
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("60"));
        return Ok(r);
    }
    let from = origin.app();
    match account::second_step(&state.db, p.uid, &f.code, from).await? {
        Some((user, proof)) => {
            let flash = match proof {
                Proof::Recovery => {
                    let left = second_factor::recovery_left(&state.db, user.id).await?;
                    Some(v.tr.t1("flash-recovery-used", "left", left))
                }
                Proof::Totp => None,
            };
            complete_sign_in(&state, &v, &user, from, &p.next, flash).await
        }
        None => {
            p.tries += 1;
            if p.tries >= PENDING_TRIES {
                return start_over(&v, "login-code-too-many").await;
            }
            v.session
                .insert(SESSION_PENDING, &p)
                .await
                .map_err(WebError::session)?;
            code_page(&v, StatusCode::UNAUTHORIZED, Some("login-code-wrong")).await
        }
    }
}

/// What the second-factor page shows.
enum Mode {
    /// Scan this, then confirm with a code.
    Enrol { qr_svg: String, secret: String },
    /// On: recovery codes left, forms to make new ones and to switch it off.
    On { recovery_left: i64 },
    /// The recovery codes, shown this once.
    Codes(Vec<String>),
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct FactorPage {
    l: Layout,
    mode: Mode,
    /// The role requires a second factor.
    required: bool,
    /// Which form the errors belong to ("confirm", "regen", "disable").
    form: &'static str,
    errors: Vec<(&'static str, String)>,
}

impl FactorPage {
    fn err(&self, form: &str, field: &str) -> Option<&String> {
        (self.form == form)
            .then(|| {
                self.errors
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, m)| m)
            })
            .flatten()
    }
}

/// The secret as its app shows it when typed: groups of four.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` URL as a QR code (inline SVG: no script, no request of its own).
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

async fn render(
    state: &AppState,
    auth: &Auth,
    mode: Option<Mode>,
    form: &'static str,
    errors: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let mode = match mode {
        Some(m) => m,
        None => {
            let s = second_factor::status(&state.db, ctx).await?;
            if s.enabled {
                Mode::On {
                    recovery_left: s.recovery_left,
                }
            } else {
                let e = second_factor::enrolment(&state.db, ctx).await?;
                Mode::Enrol {
                    qr_svg: qr_svg(&e.url),
                    secret: grouped(&e.secret),
                }
            }
        }
    };
    let a = &ctx.actor;
    let required = state
        .config
        .second_factor
        .requires(a.role, a.pimpasa, a.pemeriksa);
    let l = Layout::new(&auth.0, "totp-title").await?;
    let errors = errors
        .0
        .iter()
        .map(|e| (e.field, auth.0.tr.t(e.code)))
        .collect();
    html_status(
        status,
        &FactorPage {
            l,
            mode,
            required,
            form,
            errors,
        },
    )
}

async fn page(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    render(&state, &auth, None, "", &FieldErrors::new(), StatusCode::OK).await
}

/// The answer of a form whose write failed with field errors: the page again with them.
async fn refused(
    state: &AppState,
    auth: &Auth,
    form: &'static str,
    e: benteng_app::Error,
) -> Result<Response, WebError> {
    let (status, errors) = super::form_errors(e)?;
    render(state, auth, None, form, &errors, status).await
}

async fn limited(state: &AppState, auth: &Auth) -> bool {
    let ctx = auth.ctx();
    !state
        .limiter
        .check(ctx.ip.as_deref(), &ctx.actor.username)
        .await
}

async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    if limited(&state, &auth).await {
        return Err(WebError::RateLimited);
    }
    let made = second_factor::confirm(&state.db, auth.ctx(), &f).await;
    recovery_codes(&state, &auth, made, "confirm").await
}

/// The page that shows new recovery codes once, or the form again with why it was refused.
async fn recovery_codes(
    state: &AppState,
    auth: &Auth,
    made: benteng_app::Result<Vec<String>>,
    step: &'static str,
) -> Result<Response, WebError> {
    match made {
        Ok(codes) => {
            render(
                state,
                auth,
                Some(Mode::Codes(codes)),
                "",
                &FieldErrors::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => refused(state, auth, step, e).await,
    }
}

async fn regenerate(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<ReauthForm>,
) -> Result<Response, WebError> {
    if limited(&state, &auth).await {
        return Err(WebError::RateLimited);
    }
    let made = second_factor::regenerate(&state.db, auth.ctx(), &f).await;
    recovery_codes(&state, &auth, made, "regen").await
}

async fn disable(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<ReauthForm>,
) -> Result<Response, WebError> {
    if limited(&state, &auth).await {
        return Err(WebError::RateLimited);
    }
    match second_factor::disable(&state.db, auth.ctx(), &f).await {
        Ok(()) => {
            auth.0
                .session
                .insert(FLASH, auth.0.tr.t("flash-totp-off"))
                .await
                .map_err(WebError::session)?;
            Ok(Redirect::to("/akun").into_response())
        }
        Err(e) => refused(&state, &auth, "disable", e).await,
    }
}
