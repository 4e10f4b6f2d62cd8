//! The P3MI registry over JSON: public search and detail (no token), and the admins' edits
//! and CSV import.

use super::{created, ApiJson, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::p3mi::{self, P3mi, P3miInput};
use benteng_app::Page;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(p3mi_search))
        .routes(routes!(p3mi_get))
        .routes(routes!(offer_check))
        .routes(routes!(p3mi_create))
        .routes(routes!(p3mi_update))
        .routes(routes!(p3mi_import).layer(DefaultBodyLimit::max(5 * 1024 * 1024)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SearchParams {
    /// Part of the company name or of the licence number.
    q: Option<String>,
    page: Option<i64>,
}

/// Search the registry (no token needed). Each entry carries its licence status today.
#[utoipa::path(get, path = "/api/v1/public/p3mi", params(SearchParams), security(()),
    responses((status = 200, body = Page<P3mi>)))]
pub(super) async fn p3mi_search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<Page<P3mi>>, ApiError> {
    Ok(Json(
        p3mi::search(&state.db, p.q.as_deref().unwrap_or(""), p.page).await?,
    ))
}

/// One company (no token needed).
#[utoipa::path(get, path = "/api/v1/public/p3mi/{id}", params(("id" = i64, Path)), security(()),
    responses((status = 200, body = P3mi), (status = 404, body = Problem)))]
pub(super) async fn p3mi_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<P3mi>, ApiError> {
    Ok(Json(p3mi::show(&state.db, id).await?))
}

/// Add a company (admins).
#[utoipa::path(post, path = "/api/v1/p3mi", request_body = P3miInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn p3mi_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<P3miInput>,
) -> Result<Response, ApiError> {
    Ok(created(p3mi::save(&state.db, &ctx, None, &i).await?))
}

/// Change a company (admins).
#[utoipa::path(put, path = "/api/v1/p3mi/{id}", params(("id" = i64, Path)), request_body = P3miInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn p3mi_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<P3miInput>,
) -> Result<StatusCode, ApiError> {
    p3mi::save(&state.db, &ctx, Some(id), &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportParams {
    /// Import the good rows even when some are bad (default: nothing unless all are good).
    partial: Option<bool>,
}

/// Import a CSV (`name,licence_no,licence_date,valid_until,revoked,countries,address,phone,note`);
/// a known licence number updates its entry. 200 when every row was taken; 422 with each bad
/// line otherwise.
#[utoipa::path(post, path = "/api/v1/p3mi/import", params(ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = super::screening::RowsBody), (status = 403, body = Problem), (status = 422, description = "Bad rows, each with its line (or the whole body unreadable: a problem)", content((super::screening::RowsBody = "application/json"), (Problem = "application/problem+json")))))]
pub(super) async fn p3mi_import(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    headers: HeaderMap,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let outcome = p3mi::import(&state.db, &ctx, &body, p.partial != Some(true)).await?;
    Ok(super::screening::rows_response(&headers, outcome).into_response())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct OfferReason {
    code: String,
    /// merah or kuning.
    level: &'static str,
    legal: String,
    message: String,
    next_step: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct OfferResult {
    /// hijau, kuning or merah.
    verdict: &'static str,
    /// The registered company the name or licence matched.
    company: Option<P3mi>,
    reasons: Vec<OfferReason>,
}

/// Check a job offer (no token needed): the same questions and rules as `/cek-tawaran`
/// (fields `company`, `destination`, `job`, `visa`, `fee`, `contract` = ya/tidak, `training`,
/// `age`, `recruiter`; all optional). Messages in the caller's language.
#[utoipa::path(post, path = "/api/v1/public/offer-check", security(()), request_body = benteng_app::offer::OfferForm,
    responses((status = 200, body = OfferResult), (status = 422, body = Problem)))]
pub(super) async fn offer_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(f): ApiJson<benteng_app::offer::OfferForm>,
) -> Result<Json<OfferResult>, ApiError> {
    let (answers, company) = benteng_app::offer::evaluate(&state.db, &f)
        .await
        .map_err(ApiError::Invalid)?;
    let (verdict, rules) = benteng_domain::offer::check(
        &answers,
        benteng_app::system::rules(&state.db),
        benteng_app::today(),
    );
    let lang = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::i18n::from_accept_language)
        .unwrap_or("id");
    let tr = crate::i18n::Tr::new(lang);
    Ok(Json(OfferResult {
        verdict: verdict.as_str(),
        company,
        reasons: rules
            .into_iter()
            .map(|r| OfferReason {
                message: tr.t(&format!("offer-rule-{}", r.code)),
                next_step: tr.t(&format!("offer-step-{}", r.code)),
                level: r.level.as_str(),
                legal: r.validity.legal,
                code: r.code,
            })
            .collect(),
    }))
}
