//! Referrals: the partner agency's inbox (and the officers' overview), one referral with the
//! report's summary, and the agency's answers and actions.

use super::record::{self, RecordPage};
use super::{html, html_status, parse_id, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::referrals::{ReferralAnswer, ReferralDetail, ReferralQuery, ReferralRow};
use benteng_domain::report::ReferralStatus;
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rujukan", get(list))
        .route("/rujukan/{id}", get(record::show::<ReferralPage>))
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
    let page = benteng_app::referrals::list(
        &state.db,
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

/// A referral's page: the report's summary, the actions, and the answers the actor may give.
struct ReferralPage;

impl RecordPage for ReferralPage {
    fn path(id: i64) -> String {
        format!("/rujukan/{id}")
    }

    async fn render(
        state: &AppState,
        auth: &Auth,
        id: i64,
        reveal: bool,
        e: &FieldErrors,
        status: StatusCode,
    ) -> Result<Response, WebError> {
        let d = benteng_app::referrals::show(&state.db, auth.ctx(), id, reveal).await?;
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
}

async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReferralAnswer>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = benteng_app::referrals::answer(&state.db, auth.ctx(), id, &f).await;
    record::after::<ReferralPage>(&state, &auth, id, r, "flash-saved").await
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
    let r = benteng_app::referrals::act(&state.db, auth.ctx(), id, &f.body).await;
    record::after::<ReferralPage>(&state, &auth, id, r, "flash-saved").await
}
