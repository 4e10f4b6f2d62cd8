//! The reports module over JSON: the public intake and tracking (no token, rate limited per
//! address), the officers' queue and triage, attachments, referrals to partner agencies, cases
//! with their HTCDS export, and in-app notifications. Same use cases and permissions as the
//! pages: every handler calls one `benteng_app` function with the caller's [`benteng_app::Ctx`].
//!
//! Intake, the list and one report are here; `triage` (indicators, assignment, status,
//! merging, information, attachments, links), `referrals`, `cases` and `notifications` hold
//! the rest. Their handlers and bodies are re-exported, so the OpenAPI document names them all
//! `reports::…`.

use super::{ApiJson, Origin, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::reports::{PublicReport, ReportDetail, ReportInput, ReportQuery, ReportRow};
use benteng_app::Page;
use benteng_domain::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

mod cases;
mod notifications;
mod referrals;
mod triage;

pub(in crate::api) use cases::*;
pub(in crate::api) use notifications::*;
pub(in crate::api) use referrals::*;
pub(in crate::api) use triage::*;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_report_create))
        .routes(routes!(public_report_get))
        .routes(routes!(reports, report_create))
        .routes(routes!(report_get))
        .routes(routes!(report_indicators))
        .routes(routes!(report_assignee))
        .routes(routes!(report_status))
        .routes(routes!(report_merge))
        .routes(routes!(report_info))
        .routes(
            routes!(attachment_upload).layer(DefaultBodyLimit::max(crate::security::UPLOAD_LIMIT)),
        )
        .routes(routes!(attachment_download))
        .routes(routes!(report_linked))
        .routes(routes!(referral_create))
        .routes(routes!(case_open))
        .routes(routes!(referrals))
        .routes(routes!(referral_get))
        .routes(routes!(referral_answer))
        .routes(routes!(referral_action))
        .routes(routes!(cases))
        .routes(routes!(cases_export))
        .routes(routes!(case_get, case_update))
        .routes(routes!(case_person_add))
        .routes(routes!(case_service_add))
        .routes(routes!(case_status))
        .routes(routes!(notifications))
        .routes(routes!(notifications_read_all))
        .routes(routes!(notification_read))
}

/// One field's error, as the use cases answer it.
fn invalid(field: &'static str, code: &'static str) -> ApiError {
    benteng_app::Error::Invalid(FieldErrors(vec![FieldError { field, code }])).into()
}

/// A report from the public form. `website` is a honeypot: people leave it empty.
#[derive(Deserialize, ToSchema)]
pub(super) struct PublicReportBody {
    #[serde(flatten)]
    report: ReportInput,
    /// true (or absent): no contact details are kept; false: `reporter_name` and
    /// `reporter_phone` are required.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    anonymous: Option<serde_json::Value>,
    /// Leave empty.
    #[serde(default, deserialize_with = "benteng_app::de::loose_opt")]
    website: Option<String>,
}

/// What the public gets back: the code to follow the report with, nothing internal.
#[derive(Serialize, ToSchema)]
pub(super) struct PublicReceipt {
    tracking_code: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CreatedReport {
    id: i64,
    tracking_code: String,
}

/// The data layer reads a missing `anonymous` as "anonymous" (a form checkbox); in JSON an
/// explicit `false` must mean "not anonymous", so it is passed on as an unticked value.
fn anonymous_flag(v: Option<serde_json::Value>) -> Result<Option<String>, ApiError> {
    use serde_json::Value;
    Ok(match v {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(if b { "1" } else { "" }.to_string()),
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(invalid("anonymous", "err-invalid-choice")),
    })
}

/// File a report without an account. Rate limited per client address; answers only the
/// tracking code (the report's id stays internal).
#[utoipa::path(post, path = "/api/v1/public/reports", request_body = PublicReportBody, security(()),
    responses((status = 201, body = PublicReceipt), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn public_report_create(
    State(state): State<AppState>,
    origin: Origin,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<PublicReportBody>,
) -> Result<Response, ApiError> {
    if body.website.is_some() {
        return Err(invalid("website", "err-spam"));
    }
    if !state.public_limiter.check(origin.ip.as_deref()).await {
        return Err(ApiError::RateLimited);
    }
    let mut input = body.report;
    input.anonymous = anonymous_flag(body.anonymous)?;
    let key = crate::ctx::idempotency_key(&headers);
    let (_, tracking_code) = benteng_app::reports::file_public_once(
        &state.db,
        &input,
        &[],
        &*state.store,
        key.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(PublicReceipt { tracking_code })).into_response())
}

/// The public status of a report behind its tracking code (rate limited like the intake, so
/// codes cannot be guessed by trying many).
#[utoipa::path(get, path = "/api/v1/public/reports/{code}", params(("code" = String, Path, pattern = "^LP-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$", description = "The tracking code, LP-XXXXX-XXXXX")), security(()),
    responses((status = 200, body = PublicReport), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn public_report_get(
    State(state): State<AppState>,
    origin: Origin,
    Path(code): Path<String>,
) -> Result<Json<PublicReport>, ApiError> {
    if !state
        .public_limiter
        .check_lookup(origin.ip.as_deref())
        .await
    {
        return Err(ApiError::RateLimited);
    }
    Ok(Json(benteng_app::reports::track(&state.db, &code).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportParams {
    /// Words of the description, places and names; a phone number; or a tracking code.
    q: Option<String>,
    /// A status code, `terbuka` (every open status, by priority) or `semua`.
    #[param(pattern = "^(|baru|ditinjau|ditangani|selesai|ditolak|digabung|terbuka|semua)$")]
    status: Option<String>,
    #[param(pattern = "^(|rekrutmen|nonprosedural|korban|dokumen|iklan|wna)$")]
    category: Option<String>,
    /// Kabupaten, kecamatan or desa code.
    #[param(pattern = r"^(|\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?)$")]
    region: Option<String>,
    /// YYYY-MM-DD (WIB), inclusive, 1945–2100 (the schema leaves out 29 February).
    #[param(
        pattern = "^(|(194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31))$"
    )]
    from: Option<String>,
    /// YYYY-MM-DD (WIB), inclusive, 1945–2100 (the schema leaves out 29 February).
    #[param(
        pattern = "^(|(194[5-9]|19[5-9][0-9]|20[0-9]{2}|2100)-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31))$"
    )]
    to: Option<String>,
    /// `tinggi` or `sedang`: at least that level.
    #[param(pattern = "^(|tinggi|sedang)$")]
    priority: Option<String>,
    /// A user id, `saya` (me) or `belum` (nobody).
    #[param(pattern = "^(|[0-9]{1,18}|saya|belum)$")]
    assigned: Option<String>,
    page: Option<i64>,
}

/// Reports in the caller's scope; `status=terbuka` is the triage queue, by priority.
#[utoipa::path(get, path = "/api/v1/reports", params(ReportParams),
    responses((status = 200, body = Page<ReportRow>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn reports(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ReportParams>,
) -> Result<Json<Page<ReportRow>>, ApiError> {
    if p.q.as_deref().is_some_and(|s| !s.trim().is_empty())
        && !state.search_limiter.check(ctx.actor.user_id)
    {
        return Err(ApiError::RateLimited);
    }
    let q = ReportQuery {
        q: p.q,
        status: p.status,
        category: p.category,
        region: p.region,
        from: p.from,
        to: p.to,
        priority: p.priority,
        assigned: p.assigned,
        page: p.page,
    };
    Ok(Json(
        benteng_app::reports::list(&state.db, &ctx, &q, 50).await?,
    ))
}

/// File a report as a signed-in village user (for their own village, whatever `region_code`
/// says) or officer.
#[utoipa::path(post, path = "/api/v1/reports", request_body = ReportInput,
    responses((status = 201, body = CreatedReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn report_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<ReportInput>,
) -> Result<Response, ApiError> {
    let (id, tracking_code) =
        benteng_app::reports::file(&state.db, &ctx, &i, &[], &*state.store).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedReport { id, tracking_code }),
    )
        .into_response())
}

// A text from the caller: information added to a report, an agency's action on a referral.
// (No doc comment: it would become the schema's description in the OpenAPI document.)
#[derive(Deserialize, ToSchema)]
pub(super) struct TextBody {
    #[serde(default, deserialize_with = "benteng_app::de::loose")]
    body: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::api) struct RevealParams {
    /// Show contacts, phones and NIKs in full (roles that may only; each such view is audited).
    reveal: Option<bool>,
}

/// One report with people, events, attachments and linked reports; contacts masked unless
/// `reveal=true` and the role may.
#[utoipa::path(get, path = "/api/v1/reports/{id}", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = ReportDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn report_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(r): Query<RevealParams>,
) -> Result<Json<ReportDetail>, ApiError> {
    Ok(Json(
        benteng_app::reports::show(&state.db, &ctx, id, r.reveal.unwrap_or(false)).await?,
    ))
}
