//! Data-subject requests over JSON (officers and admins; UU 27/2022): the office's list, a
//! request with what it finds (an audited view), recording, correcting, erasing and closing.

use super::{created, ApiJson, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use benteng_app::subjects::{
    self, CloseInput, CorrectInput, EraseInput, Findings, RequestEvent, RequestInput, RequestQuery,
    RequestRow, SubjectRequest,
};
use benteng_app::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(subject_list, subject_create))
        .routes(routes!(subject_get))
        .routes(routes!(subject_correct))
        .routes(routes!(subject_erase))
        .routes(routes!(subject_close))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// `terbuka`, `selesai` or `ditolak`.
    #[param(pattern = "^(|terbuka|selesai|ditolak)$")]
    status: Option<String>,
    /// `1`: only open requests past their deadline (anything else: all).
    terlambat: Option<String>,
    page: Option<i64>,
}

/// The requests of the caller's office, open ones first by deadline.
#[utoipa::path(get, path = "/api/v1/subject-requests", params(ListParams),
    responses((status = 200, body = Page<RequestRow>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn subject_list(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<RequestRow>>, ApiError> {
    let q = RequestQuery {
        status: p.status,
        terlambat: p.terlambat,
        page: p.page,
    };
    Ok(Json(subjects::list(&state.db, &ctx, &q, 50).await?))
}

/// Record a request received by the caller's office; due 3 days after it was received.
#[utoipa::path(post, path = "/api/v1/subject-requests", request_body = RequestInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn subject_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<RequestInput>,
) -> Result<Response, ApiError> {
    Ok(created(subjects::create(&state.db, &ctx, &i).await?))
}

/// A request, its steps, and everything found about the person in the caller's area.
#[derive(Serialize, ToSchema)]
pub(super) struct SubjectDetail {
    request: SubjectRequest,
    events: Vec<RequestEvent>,
    findings: Findings,
}

/// One request with its findings (NIKs and phones unmasked: the view is audited). Requests of
/// other offices answer 404.
#[utoipa::path(get, path = "/api/v1/subject-requests/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = SubjectDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn subject_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<SubjectDetail>, ApiError> {
    let (request, events, findings) = subjects::get(&state.db, &ctx, id).await?;
    Ok(Json(SubjectDetail {
        request,
        events,
        findings,
    }))
}

/// Correct one field of one finding (open correction requests).
#[utoipa::path(post, path = "/api/v1/subject-requests/{id}/corrections", params(("id" = i64, Path)),
    request_body = CorrectInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn subject_correct(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CorrectInput>,
) -> Result<StatusCode, ApiError> {
    subjects::correct(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many findings were erased.
#[derive(Serialize, ToSchema)]
pub(super) struct Erased {
    erased: usize,
}

/// Erase (anonymise) the chosen findings (open erasure requests). Withheld findings refuse
/// the whole call with 409.
#[utoipa::path(post, path = "/api/v1/subject-requests/{id}/erasures", params(("id" = i64, Path)),
    request_body = EraseInput,
    responses((status = 200, body = Erased), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn subject_erase(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<EraseInput>,
) -> Result<Json<Erased>, ApiError> {
    let erased = subjects::erase(&state.db, &ctx, id, &i, state.store.as_ref()).await?;
    Ok(Json(Erased { erased }))
}

/// Close an open request as done or refused, with its outcome.
#[utoipa::path(post, path = "/api/v1/subject-requests/{id}/close", params(("id" = i64, Path)),
    request_body = CloseInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn subject_close(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CloseInput>,
) -> Result<StatusCode, ApiError> {
    subjects::close(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}
