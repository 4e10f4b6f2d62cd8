//! Cases: list, one case with victims, suspects, services, legal process and closure, and the
//! HTCDS export (JSON or CSV, optionally anonymised).

use super::record::{self, RecordPage};
use super::{html, html_status, parse_id, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::cases::{
    cases_csv, Case, CaseDetail, CaseInput, CasePersonInput, CaseQuery, CaseStatusInput,
    ServiceInput, DECISION_ORGS,
};
use benteng_domain::report::{
    CaseStatus, LegalStage, EXPLOITATION_TYPES, PERPETRATOR_ROLES, SERVICE_TYPES,
};
use benteng_domain::{Action, FieldErrors, RegionCode};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kasus", get(list))
        .route("/kasus/ekspor", get(export))
        .route("/kasus/{id}", get(record::show::<CasePage>).post(update))
        .route("/kasus/{id}/orang", post(add_person))
        .route("/kasus/{id}/layanan", post(add_service))
        .route("/kasus/{id}/status", post(set_status))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "cases_list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Case>,
    pager: Pager,
    status: String,
    statuses: Vec<(String, String)>,
    can_export: bool,
}

impl ListPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    /// The forms of exploitation recorded, in words ("Kerja paksa, Kriminalitas paksa").
    fn exploitation(&self, c: &Case) -> String {
        c.exploitation
            .split(',')
            .filter(|x| !x.is_empty())
            .map(|x| self.t("exploitation", &x.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn country(&self, c: &Case) -> String {
        c.destination_country
            .as_deref()
            .map(|d| self.t("country", &d.to_lowercase()))
            .unwrap_or_default()
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let status = q.status.clone().unwrap_or_default();
    let page = benteng_app::cases::list(
        &state.db,
        auth.ctx(),
        &CaseQuery {
            status: Some(status.clone()).filter(|s| !s.is_empty()),
            page: q.hal,
        },
        25,
    )
    .await?;
    let pager = Pager::new(&page, "/kasus", &[("status", status.clone())]);
    let tr = &auth.0.tr;
    let statuses = CaseStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), tr.t(&format!("case-status-{s}"))))
        .collect();
    let can_export = auth.ctx().allows(Action::CaseExport, None);
    let l = Layout::new(&auth.0, "cases-title").await?;
    html(&ListPage {
        l,
        rows: page.items,
        pager,
        status,
        statuses,
        can_export,
    })
}

#[derive(Template)]
#[template(path = "case.html")]
struct ShowPage {
    l: Layout,
    d: CaseDetail,
    can_manage: bool,
    errors: Vec<(String, String)>,
    stages: Vec<(String, String)>,
    exploitation: Vec<(String, String)>,
    decision_orgs: Vec<(String, String)>,
    service_types: Vec<(String, String)>,
    perpetrator_roles: Vec<(String, String)>,
    next_statuses: Vec<(String, String)>,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn has_exploitation(&self, code: &str) -> bool {
        self.d.case.exploitation.split(',').any(|c| c == code)
    }

    fn dec(&self) -> &str {
        self.d.case.decision_org.as_deref().unwrap_or("")
    }
}

fn options(tr: &crate::i18n::Tr, prefix: &str, codes: &[&str]) -> Vec<(String, String)> {
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                tr.t(&format!("{prefix}-{}", c.to_lowercase())),
            )
        })
        .collect()
}

/// A case's page: its victims, suspects and services, the legal process, and the forms of
/// those who manage it.
struct CasePage;

impl RecordPage for CasePage {
    fn path(id: i64) -> String {
        format!("/kasus/{id}")
    }

    async fn render(
        state: &AppState,
        auth: &Auth,
        id: i64,
        reveal: bool,
        e: &FieldErrors,
        status: StatusCode,
    ) -> Result<Response, WebError> {
        let ctx = auth.ctx();
        let d = benteng_app::cases::show(&state.db, ctx, id, reveal).await?;
        let place = RegionCode::parse(&d.case.region_code).map_err(|_| WebError::NotFound)?;
        let tr = &auth.0.tr;
        let current = CaseStatus::parse(&d.case.status).map_err(|_| WebError::NotFound)?;
        let stages: Vec<&str> = LegalStage::ALL.iter().map(|s| s.as_str()).collect();
        let next: Vec<&str> = CaseStatus::ALL
            .iter()
            .filter(|s| current.can_move_to(**s))
            .map(|s| s.as_str())
            .collect();
        let mut l = Layout::new(&auth.0, "case-title").await?;
        l.title = format!("{} {}", tr.t("case-title"), d.case.case_number);
        html_status(
            status,
            &ShowPage {
                can_manage: ctx.allows(Action::CaseManage, Some(&place)),
                errors: e
                    .0
                    .iter()
                    .map(|x| (x.field.to_string(), tr.t(x.code)))
                    .collect(),
                stages: options(tr, "legal-stage", &stages),
                exploitation: options(tr, "exploitation", EXPLOITATION_TYPES),
                decision_orgs: options(tr, "decision-org", DECISION_ORGS),
                service_types: options(tr, "service", SERVICE_TYPES),
                perpetrator_roles: options(tr, "perpetrator-role", PERPETRATOR_ROLES),
                next_statuses: options(tr, "case-status", &next),
                l,
                d,
            },
        )
    }
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    super::FormPairs(pairs): super::FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let i = CaseInput {
        trafficking_status: get("trafficking_status"),
        decision_org: get("decision_org"),
        exploitation: pairs
            .iter()
            .filter(|(k, _)| k == "exploitation")
            .map(|(_, v)| v.clone())
            .collect(),
        destination_country: get("destination_country"),
        legal_stage: get("legal_stage"),
        legal_reference: get("legal_reference"),
        outcome: get("outcome"),
    };
    let r = benteng_app::cases::update(&state.db, auth.ctx(), id, &i).await;
    record::after::<CasePage>(&state, &auth, id, r, "flash-saved").await
}

async fn add_person(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<CasePersonInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = benteng_app::cases::add_person(&state.db, auth.ctx(), id, &i)
        .await
        .map(|_| ());
    record::after::<CasePage>(&state, &auth, id, r, "flash-saved").await
}

async fn add_service(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<ServiceInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = benteng_app::cases::add_service(&state.db, auth.ctx(), id, &i)
        .await
        .map(|_| ());
    record::after::<CasePage>(&state, &auth, id, r, "flash-saved").await
}

async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<CaseStatusInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = benteng_app::cases::set_status(&state.db, auth.ctx(), id, &i).await;
    record::after::<CasePage>(&state, &auth, id, r, "flash-saved").await
}

#[derive(Deserialize, Default)]
pub(crate) struct ExportQuery {
    format: Option<String>,
    anonim: Option<String>,
    /// `1`: offer the file as a password-protected archive (`pages::exports`).
    enkripsi: Option<String>,
}

/// The HTCDS export: its file name, type and bytes (audited by the data layer).
pub(crate) async fn build_export(
    state: &AppState,
    auth: &Auth,
    q: &ExportQuery,
) -> Result<crate::pages::exports::ExportFile, WebError> {
    let format = match q.format.as_deref().unwrap_or("json") {
        f @ ("csv" | "json") => f,
        _ => return Err(WebError::BadRequest),
    };
    let anonymised = q.anonim.as_deref() == Some("1");
    let records = benteng_app::cases::export(&state.db, auth.ctx(), anonymised).await?;
    let suffix = if anonymised { "-anonim" } else { "" };
    Ok(if format == "csv" {
        crate::pages::exports::ExportFile {
            name: format!("kasus-tppo{suffix}.csv"),
            content_type: "text/csv; charset=utf-8",
            bytes: cases_csv(&records)?.into(),
        }
    } else {
        crate::pages::exports::ExportFile {
            name: format!("kasus-tppo{suffix}.json"),
            content_type: "application/json",
            bytes: serde_json::to_vec_pretty(&records)
                .map_err(|e| WebError::internal(e.to_string()))?,
        }
    })
}

/// The HTCDS export as a download, or (`enkripsi=1`) as a password-protected archive.
async fn export(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    if q.enkripsi.as_deref() == Some("1") {
        return crate::pages::exports::offer(
            &auth,
            crate::pages::exports::ExportKind::Cases,
            raw.unwrap_or_default(),
        )
        .await;
    }
    Ok(build_export(&state, &auth, &q).await?.into_response())
}
