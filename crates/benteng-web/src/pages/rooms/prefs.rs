//! Notification preferences: per kind and channel, with the e-mail address and phone they need.
//! Only channels the operator configured are offered.

use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{flash_redirect, html_status, FormPairs, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use benteng_app::rooms::prefs::{self, Preferences, PreferencesInput};
use benteng_domain::coordination::NoticeKind;
use benteng_domain::FieldErrors;

#[derive(Template)]
#[template(path = "prefs.html")]
struct PrefsPage {
    l: Layout,
    prefs: Preferences,
    kinds: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    email_error: Option<String>,
    phone_error: Option<String>,
}

impl PrefsPage {
    fn on(&self, kind: &str, channel: &str) -> bool {
        self.prefs.is_on(kind, channel)
    }
}

pub(super) async fn page(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    let prefs = prefs::show(&state.db, auth.ctx()).await?;
    show(&state, &auth, prefs, &FieldErrors::new(), StatusCode::OK).await
}

async fn show(
    state: &AppState,
    auth: &Auth,
    prefs: Preferences,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tr = &auth.0.tr;
    let kinds = NoticeKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                tr.t(&format!("notice-kind-{}", k.as_str())),
            )
        })
        .collect();
    let channels = state
        .channels
        .offered()
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                tr.t(&format!("channel-{}", c.as_str())),
            )
        })
        .collect();
    let l = Layout::new(&auth.0, "prefs-title").await?;
    html_status(
        status,
        &PrefsPage {
            email_error: e.get("email").map(|k| tr.t(k)),
            phone_error: e.get("phone").map(|k| tr.t(k)),
            l,
            prefs,
            kinds,
            channels,
        },
    )
}

pub(super) async fn save(
    State(state): State<AppState>,
    auth: Auth,
    FormPairs(pairs): FormPairs,
) -> Result<Response, WebError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let i = PreferencesInput {
        email: get("email"),
        phone: get("phone"),
        on: pairs
            .iter()
            .filter(|(n, _)| n == "on")
            .map(|(_, v)| v.clone())
            .take(100)
            .collect(),
    };
    let offered = state.channels.offered();
    match prefs::save(&state.db, auth.ctx(), &i, &offered).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", "/akun/notifikasi").await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            let prefs = Preferences {
                email: Some(i.email.clone()),
                phone: Some(i.phone.clone()),
                on: i
                    .on
                    .iter()
                    .filter_map(|p| p.split_once(':'))
                    .map(|(k, c)| (k.to_string(), c.to_string()))
                    .collect(),
            };
            show(&state, &auth, prefs, &e, status).await
        }
    }
}
