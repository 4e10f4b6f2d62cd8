//! A resident follows a report by its tracking code: the public status and its history.

use crate::ctx::{client_ip, Viewer};
use crate::error::WebError;
use crate::pages::{html_status, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use benteng_app::reports::PublicReport;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct TrackQuery {
    kode: Option<String>,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    l: Layout,
    kode: String,
    error: Option<String>,
    report: Option<PublicReport>,
}

impl TrackPage {
    fn public_status(&self, s: &str) -> String {
        self.l.tr.t(&format!("public-status-{s}"))
    }

    fn category(&self, s: &str) -> String {
        self.l.tr.t(&format!("category-{s}"))
    }
}

/// A resident follows a report by its tracking code (rate limited like the form, so codes
/// cannot be guessed by trying many).
pub(super) async fn track(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Query(q): Query<TrackQuery>,
) -> Result<Response, WebError> {
    let kode = q.kode.unwrap_or_default();
    let mut error = None;
    let mut report = None;
    let mut status = StatusCode::OK;
    if !kode.trim().is_empty() {
        let ip = client_ip(&parts, state.config.trust_proxy);
        if !state.public_limiter.check_lookup(ip.as_deref()).await {
            error = Some(v.tr.t("err-rate-limited"));
            status = StatusCode::TOO_MANY_REQUESTS;
        } else {
            match benteng_app::reports::track(&state.db, &kode).await {
                Ok(r) => report = Some(r),
                Err(benteng_app::Error::Invalid(e)) => {
                    error = e.0.first().map(|x| v.tr.t(x.code));
                    status = StatusCode::UNPROCESSABLE_ENTITY;
                }
                Err(benteng_app::Error::NotFound) => {
                    error = Some(v.tr.t("err-report-not-found"));
                    status = StatusCode::NOT_FOUND;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    html_status(
        status,
        &TrackPage {
            l: Layout::new(&v, "track-title").await?,
            kode,
            error,
            report,
        },
    )
}
