//! Referrals: the partner agency's inbox (and the officers' overview), one referral with the
//! report's summary, and the agency's answers and actions.

use super::{flash_redirect, html, html_status, parse_id, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_db::referrals::{ReferralAnswer, ReferralDetail, ReferralQuery, ReferralRow};
use benteng_domain::report::ReferralStatus;
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rujukan", get(list))
        .route("/rujukan/{id}", get(show))
        .route("/rujukan/{id}/jawab", post(answer))
        .route("/rujukan/{id}/tindakan", post(action))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    terlambat: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "referrals_list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ReferralRow>,
    pager: Pager,
    status: String,
    overdue_only: bool,
    statuses: Vec<(String, String)>,
}

impl ListPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let status = q.status.clone().unwrap_or_default();
    let overdue_only = q.terlambat.as_deref() == Some("1");
    let page = state
        .db
        .list_referrals(
            auth.ctx(),
            &ReferralQuery {
                status: Some(status.clone()).filter(|s| !s.is_empty()),
                overdue: overdue_only.then(|| "1".into()),
                report_id: None,
                page: q.hal,
            },
            25,
        )
        .await?;
    let pager = Pager::new(
        &page,
        "/rujukan",
        &[
            ("status", status.clone()),
            (
                "terlambat",
                if overdue_only {
                    "1".into()
                } else {
                    String::new()
                },
            ),
        ],
    );
    let tr = &auth.0.tr;
    let statuses = ReferralStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                tr.t(&format!("referral-status-{s}")),
            )
        })
        .collect();
    let l = Layout::new(&auth.0, "referrals-title").await?;
    html(&ListPage {
        l,
        rows: page.items,
        pager,
        status,
        overdue_only,
        statuses,
    })
}

#[derive(Deserialize)]
struct ShowQuery {
    tampilkan: Option<String>,
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ShowPage {
    l: Layout,
    d: ReferralDetail,
    errors: Vec<(String, String)>,
    can_accept: bool,
    can_finish: bool,
    can_cancel: bool,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    reveal: bool,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = state.db.get_referral(auth.ctx(), id, reveal).await?;
    let s = ReferralStatus::parse(&d.referral.status).map_err(|_| WebError::NotFound)?;
    let tr = &auth.0.tr;
    let can_accept = d.receiver && s == ReferralStatus::Terkirim;
    let can_finish = d.receiver && s == ReferralStatus::Diterima;
    let can_cancel = d.sender && s.is_pending();
    let mut l = Layout::new(&auth.0, "referral-title").await?;
    l.title = format!("{} #{}", tr.t("referral-title"), d.referral.id);
    html_status(
        status,
        &ShowPage {
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
            l,
            d,
            can_accept,
            can_finish,
            can_cancel,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let reveal = q.tampilkan.as_deref() == Some("1");
    show_page(
        &state,
        &auth,
        id,
        reveal,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReferralAnswer>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.answer_referral(auth.ctx(), id, &f).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/rujukan/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, id, false, &e, status).await
        }
    }
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    body: String,
}

async fn action(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.add_referral_action(auth.ctx(), id, &f.body).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/rujukan/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, id, false, &e, status).await
        }
    }
}
