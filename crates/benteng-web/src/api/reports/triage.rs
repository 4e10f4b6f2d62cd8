//! Triage over JSON: indicators and the priority, assignment, status, merging, added
//! information and attachments, and the linked reports.

use super::{invalid, TextBody};
use crate::api::{ApiJson, Created, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::reports::{LinkedReport, MergeInput, StatusInput};
use benteng_domain::report::Priority;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
pub(in crate::api) struct IndicatorsBody {
    /// Indicator codes such as `proses_perekrutan`, `cara_penipuan`, `tujuan_eksploitasi`.
    #[serde(default)]
    indicators: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(in crate::api) struct PriorityReasonBody {
    /// Fluent id `priority-reason-<code>`: `category_korban`, `all_elements`, `means`, …
    code: String,
    weight: i64,
}

/// The explainable priority: the score is the sum of the reasons' weights (0–100).
#[derive(Serialize, ToSchema)]
pub(in crate::api) struct PriorityBody {
    score: i64,
    /// tinggi, sedang or rendah.
    level: String,
    reasons: Vec<PriorityReasonBody>,
}

impl From<Priority> for PriorityBody {
    fn from(p: Priority) -> Self {
        PriorityBody {
            level: Priority::level(p.score).to_string(),
            score: p.score,
            reasons: p
                .reasons
                .into_iter()
                .map(|r| PriorityReasonBody {
                    code: r.code,
                    weight: r.weight,
                })
                .collect(),
        }
    }
}

/// Tick the trafficking indicators (the list replaces the previous one); answers the new
/// priority.
#[utoipa::path(put, path = "/api/v1/reports/{id}/indicators", params(("id" = i64, Path)), request_body = IndicatorsBody,
    responses((status = 200, body = PriorityBody), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn report_indicators(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<IndicatorsBody>,
) -> Result<Json<PriorityBody>, ApiError> {
    Ok(Json(
        benteng_app::reports::set_indicators(&state.db, &ctx, id, &b.indicators)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(in crate::api) struct AssigneeBody {
    /// An officer whose area covers the report, or null for nobody.
    user_id: Option<i64>,
}

/// Assign the report to an officer (or to nobody).
#[utoipa::path(put, path = "/api/v1/reports/{id}/assignee", params(("id" = i64, Path)), request_body = AssigneeBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn report_assignee(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AssigneeBody>,
) -> Result<StatusCode, ApiError> {
    benteng_app::reports::assign(&state.db, &ctx, id, b.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move the report to another status with a note, as the state machine allows.
#[utoipa::path(post, path = "/api/v1/reports/{id}/status", params(("id" = i64, Path)), request_body = StatusInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn report_status(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<StatusInput>,
) -> Result<StatusCode, ApiError> {
    benteng_app::reports::change_status(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close the report as a duplicate of another (`into`: tracking code or id); answers the id
/// of the report it was merged into.
#[utoipa::path(post, path = "/api/v1/reports/{id}/merge", params(("id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn report_merge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<MergeInput>,
) -> Result<Json<Created>, ApiError> {
    let id = benteng_app::reports::merge(&state.db, &ctx, id, &i).await?;
    Ok(Json(Created { id }))
}

/// Add information to a report (village users and officers).
#[utoipa::path(post, path = "/api/v1/reports/{id}/info", params(("id" = i64, Path)), request_body = TextBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn report_info(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TextBody>,
) -> Result<StatusCode, ApiError> {
    benteng_app::reports::add_info(&state.db, &ctx, id, &b.body, &[], &*state.store).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Raw file bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Describes the raw body in the OpenAPI document only.
pub(in crate::api) struct FileBytes(Vec<u8>);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::api) struct NameParams {
    /// The file's name as the uploader knows it (kept for the download, never trusted for the type).
    name: Option<String>,
}

/// Attach one file, sent as the raw request body. JPEG, PNG, WebP (re-encoded without their
/// metadata) and PDF, checked by their bytes; at most 5 MB.
#[utoipa::path(post, path = "/api/v1/reports/{id}/attachments", params(("id" = i64, Path), NameParams),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn attachment_upload(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(n): Query<NameParams>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    let clean =
        benteng_app::uploads::clean_upload_queued(n.name.unwrap_or_default(), bytes.to_vec())
            .await
            .map_err(|code| invalid("file", code))?;
    benteng_app::reports::add_info(
        &state.db,
        &ctx,
        id,
        "Lampiran ditambahkan",
        &[clean],
        &*state.store,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Download an attachment (always as an attachment, with its sniffed type). Each download is a
/// sensitive view in the audit log.
#[utoipa::path(get, path = "/api/v1/reports/{id}/attachments/{aid}", params(("id" = i64, Path), ("aid" = i64, Path)),
    responses((status = 200, description = "The file, with the type read from its bytes when it was uploaded (images are re-encoded as JPEG or PNG)",
        content((FileBytes = "image/jpeg"), (FileBytes = "image/png"), (FileBytes = "application/pdf"))),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(in crate::api) async fn attachment_download(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (a, bytes) =
        benteng_app::reports::attachment(&state.db, &ctx, id, aid, &*state.store).await?;
    let name = benteng_app::uploads::download_name(&a.file_name, &a.content_type, "lampiran");
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// Other reports in the caller's scope sharing a phone number or a distinctive name.
#[utoipa::path(get, path = "/api/v1/reports/{id}/linked", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<LinkedReport>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(in crate::api) async fn report_linked(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<LinkedReport>>, ApiError> {
    Ok(Json(
        benteng_app::reports::linked(&state.db, &ctx, id).await?,
    ))
}
