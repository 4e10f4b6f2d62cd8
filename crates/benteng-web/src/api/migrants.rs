//! The calon PMI register over JSON: the same data-layer calls, permissions and validation as
//! the pages (`/calon-pmi`).

use super::{created, ApiJson, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::guide::{self, GuideInput, GuidePage};
use benteng_app::migrants::{
    self, LetterInput, Migrant, MigrantDetail, MigrantFigures, MigrantFilter, MigrantInput,
    StatusInput, StepInput,
};
use benteng_app::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(migrants, migrant_create))
        .routes(routes!(migrant_figures))
        .routes(routes!(migrant_import).layer(DefaultBodyLimit::max(2 * 1024 * 1024)))
        .routes(routes!(migrant_get, migrant_update))
        .routes(routes!(migrant_step))
        .routes(routes!(migrant_verify))
        .routes(routes!(migrant_status))
        .routes(routes!(migrant_letter))
        .routes(routes!(guide_pages))
        .routes(routes!(guide_page))
        .routes(routes!(guide_update))
}

/// The safe-migration guide: every page with its Markdown text and legal sources (no token).
#[utoipa::path(get, path = "/api/v1/public/guide", security(()),
    responses((status = 200, body = Vec<GuidePage>)))]
pub(super) async fn guide_pages(
    State(state): State<AppState>,
) -> Result<Json<Vec<GuidePage>>, ApiError> {
    Ok(Json(guide::pages(&state.db).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct GuideParams {
    /// An earlier version.
    version: Option<i64>,
}

/// One guide page, current or an earlier version (no token).
#[utoipa::path(get, path = "/api/v1/public/guide/{slug}", params(("slug" = String, Path), GuideParams), security(()),
    responses((status = 200, body = GuidePage), (status = 404, body = Problem)))]
pub(super) async fn guide_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<GuideParams>,
) -> Result<Json<GuidePage>, ApiError> {
    Ok(Json(guide::page(&state.db, &slug, p.version).await?))
}

#[derive(Serialize, ToSchema)]
pub(super) struct GuideSaved {
    version: i64,
}

/// Save a new version of a guide page (admins); `base_version` guards against overwriting
/// someone else's change.
#[utoipa::path(put, path = "/api/v1/guide/{slug}", params(("slug" = String, Path)), request_body = GuideInput,
    responses((status = 200, body = GuideSaved), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn guide_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(slug): Path<String>,
    ApiJson(i): ApiJson<GuideInput>,
) -> Result<Json<GuideSaved>, ApiError> {
    let saved = guide::save(&state.db, &ctx, &slug, &i).await;
    state.guide.forget();
    Ok(Json(GuideSaved { version: saved? }))
}

/// The register in the caller's scope (NIK and phone masked), newest change first.
#[utoipa::path(get, path = "/api/v1/migrants", params(MigrantFilter),
    responses((status = 200, body = Page<Migrant>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrants(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(f): Query<MigrantFilter>,
) -> Result<Json<Page<Migrant>>, ApiError> {
    Ok(Json(migrants::list(&state.db, &ctx, &f).await?))
}

#[derive(Serialize, ToSchema)]
pub(super) struct MigrantCreated {
    id: i64,
    /// What the NIK check found (`nik:dob_mismatch`, `age:under_18`, …): flags, not refusals.
    flags: Vec<String>,
}

/// Register a resident (desa users for their own village; admins anywhere).
#[utoipa::path(post, path = "/api/v1/migrants", request_body = MigrantInput,
    responses((status = 201, body = MigrantCreated), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrant_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<MigrantInput>,
) -> Result<Response, ApiError> {
    let (id, flags) = migrants::register(&state.db, &ctx, &i).await?;
    Ok((
        StatusCode::CREATED,
        Json(MigrantCreated {
            id,
            flags: split(&flags),
        }),
    )
        .into_response())
}

fn split(flags: &str) -> Vec<String> {
    flags
        .split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct GetParams {
    /// `true`: NIK and phone in full (roles that may; audited as a sensitive view).
    reveal: Option<bool>,
}

/// One resident with the checklist, letters and history.
#[utoipa::path(get, path = "/api/v1/migrants/{id}", params(("id" = i64, Path), GetParams),
    responses((status = 200, body = MigrantDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn migrant_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(p): Query<GetParams>,
) -> Result<Json<MigrantDetail>, ApiError> {
    Ok(Json(
        migrants::show(&state.db, &ctx, id, p.reveal == Some(true)).await?,
    ))
}

/// Change a resident's particulars.
#[utoipa::path(put, path = "/api/v1/migrants/{id}", params(("id" = i64, Path)), request_body = MigrantInput,
    responses((status = 200, body = MigrantCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrant_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<MigrantInput>,
) -> Result<Json<MigrantCreated>, ApiError> {
    let flags = migrants::update(&state.db, &ctx, id, &i).await?;
    Ok(Json(MigrantCreated {
        id,
        flags: split(&flags),
    }))
}

/// Record progress on a checklist step (no file here; files go through the page form).
#[utoipa::path(post, path = "/api/v1/migrants/{id}/steps", params(("id" = i64, Path)), request_body = StepInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrant_step(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<StepInput>,
) -> Result<StatusCode, ApiError> {
    migrants::record_step(&state.db, &ctx, id, &i, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disnaker or BP3MI verify a step that is done.
#[utoipa::path(post, path = "/api/v1/migrants/{id}/steps/{step}/verify", params(("id" = i64, Path), ("step" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrant_verify(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, step)): Path<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    migrants::verify_step(&state.db, &ctx, id, &step).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub(super) struct StatusResult {
    /// The resident left without settling every required step.
    nonprocedural: bool,
}

/// Move a resident to another status.
#[utoipa::path(post, path = "/api/v1/migrants/{id}/status", params(("id" = i64, Path)), request_body = StatusInput,
    responses((status = 200, body = StatusResult), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrant_status(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<StatusInput>,
) -> Result<Json<StatusResult>, ApiError> {
    let nonprocedural = migrants::change_status(&state.db, &ctx, id, &i).await?;
    Ok(Json(StatusResult { nonprocedural }))
}

/// Issue a numbered family permission letter; its PDF is at
/// `/calon-pmi/{id}/surat/{letter}.pdf` (signed-in page).
#[utoipa::path(post, path = "/api/v1/migrants/{id}/letters", params(("id" = i64, Path)), request_body = LetterInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn migrant_letter(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<LetterInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        migrants::issue_letter(&state.db, &ctx, id, &i).await?,
    ))
}

/// Residents per village and status, and departures with and without the procedure.
#[utoipa::path(get, path = "/api/v1/migrants/figures",
    responses((status = 200, body = MigrantFigures), (status = 403, body = Problem)))]
pub(super) async fn migrant_figures(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<Json<MigrantFigures>, ApiError> {
    Ok(Json(migrants::figures(&state.db, &ctx).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportParams {
    /// Import the good rows even when some are bad (default: nothing unless all are good).
    partial: Option<bool>,
}

/// Import residents from CSV (`name,nik,birth_place,birth_date,sex,phone,address,village,
/// destination,job,scheme,note`) or an XLSX file with those columns on its first sheet. 200
/// when every row was taken; 422 with each bad line.
#[utoipa::path(post, path = "/api/v1/migrants/import", params(ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = super::screening::RowsBody), (status = 403, body = Problem), (status = 422, description = "Bad rows, each with its line (or the whole body unreadable: a problem)", content((super::screening::RowsBody = "application/json"), (Problem = "application/problem+json")))))]
pub(super) async fn migrant_import(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    headers: HeaderMap,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    ctx.require(benteng_domain::Action::MigrantManage, None)?;
    // An XLSX body (a zip: "PK") is read from its first sheet, off the async workers.
    let data = if body.starts_with(b"PK") {
        tokio::task::spawn_blocking(move || crate::xlsx::first_sheet_as_csv(&body))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|code| {
                let mut e = benteng_domain::FieldErrors::new();
                e.add("file", code);
                ApiError::Invalid(e)
            })?
    } else {
        body.to_vec()
    };
    let outcome = migrants::import(&state.db, &ctx, &data, p.partial != Some(true)).await?;
    Ok(super::screening::rows_response(&headers, outcome).into_response())
}
