//! Cases over JSON: opening one from a report, the list, one case, its changes, people,
//! services and status, and the HTCDS export.

use super::{invalid, RevealParams};
use crate::api::{created, ApiJson, Created, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::cases::{
    Case, CaseDetail, CaseInput, CasePersonInput, CaseQuery, CaseStatusInput, ServiceInput,
};
use benteng_app::Page;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
pub(in crate::api) struct CaseOpenBody {
    /// dugaan, terbukti or bukan.
    #[serde(default, deserialize_with = "benteng_app::de::loose")]
    trafficking_status: String,
}

/// Open a case from the report; its victims and named recruiters become the case's people.
#[utoipa::path(post, path = "/api/v1/reports/{id}/case", params(("id" = i64, Path)), request_body = CaseOpenBody,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn case_open(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CaseOpenBody>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::cases::open(&state.db, &ctx, id, &b.trafficking_status).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::api) struct CaseParams {
    /// aktif, tindak_lanjut, ditutup or ditutup_dirujuk.
    #[param(pattern = "^(|aktif|tindak_lanjut|ditutup|ditutup_dirujuk)$")]
    status: Option<String>,
    page: Option<i64>,
}

/// Cases in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseParams),
    responses((status = 200, body = Page<Case>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn cases(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<CaseParams>,
) -> Result<Json<Page<Case>>, ApiError> {
    let q = CaseQuery {
        status: p.status,
        page: p.page,
    };
    Ok(Json(
        benteng_app::cases::list(&state.db, &ctx, &q, 50).await?,
    ))
}

/// One case with its people and services; NIKs, phones and birth dates masked unless
/// `reveal=true` and the role may.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = CaseDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(in crate::api) async fn case_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(r): Query<RevealParams>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(
        benteng_app::cases::show(&state.db, &ctx, id, r.reveal.unwrap_or(false)).await?,
    ))
}

/// Update the trafficking decision, exploitation, legal process and outcome.
#[utoipa::path(put, path = "/api/v1/cases/{id}", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn case_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CaseInput>,
) -> Result<StatusCode, ApiError> {
    benteng_app::cases::update(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a victim (`korban`) or suspect (`tersangka`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/people", params(("id" = i64, Path)), request_body = CasePersonInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn case_person_add(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CasePersonInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::cases::add_person(&state.db, &ctx, id, &i).await?,
    ))
}

/// Record a service given to the victim.
#[utoipa::path(post, path = "/api/v1/cases/{id}/services", params(("id" = i64, Path)), request_body = ServiceInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn case_service_add(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ServiceInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::cases::add_service(&state.db, &ctx, id, &i).await?,
    ))
}

/// Close (with a reason), put on follow-up, or reopen the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", params(("id" = i64, Path)), request_body = CaseStatusInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn case_status(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CaseStatusInput>,
) -> Result<StatusCode, ApiError> {
    benteng_app::cases::set_status(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::api) struct ExportParams {
    /// `json` (default) or `csv` (one row per victim).
    #[param(pattern = "^(|json|csv)$")]
    format: Option<String>,
    /// Without names, NIKs, phones, birth dates (an age band stays); places cut to the
    /// kabupaten/kota.
    anonymised: Option<bool>,
}

/// The cases in the caller's scope as HTCDS-aligned records, as a download. Every export is
/// audited; a non-anonymised one as a sensitive view.
#[utoipa::path(get, path = "/api/v1/cases/export", params(ExportParams),
    responses((status = 200, description = "HTCDS-aligned records (JSON array, or CSV with format=csv)",
        content((Vec<Object> = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn cases_export(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let csv = match p.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(invalid("format", "err-invalid-choice")),
    };
    let records =
        benteng_app::cases::export(&state.db, &ctx, p.anonymised.unwrap_or(false)).await?;
    if csv {
        let text = benteng_app::cases::cases_csv(&records)?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"kasus-tppo.csv\"",
                ),
            ],
            text,
        )
            .into_response())
    } else {
        Ok((
            [(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"kasus-tppo.json\"",
            )],
            Json(records),
        )
            .into_response())
    }
}
