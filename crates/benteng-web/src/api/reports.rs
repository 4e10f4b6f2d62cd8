//! The reports module over JSON: the public intake and tracking (no token, rate limited per
//! address), the officers' queue and triage, attachments, referrals to partner agencies, cases
//! with their HTCDS export, and in-app notifications. Same use cases and permissions as the
//! pages: every handler calls one `benteng_db` function with the caller's [`benteng_db::Ctx`].

use super::{created, ApiJson, Created, Origin, PageQuery, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use benteng_app::reports::ReportInput;
use benteng_db::cases::{
    Case, CaseDetail, CaseInput, CasePersonInput, CaseQuery, CaseStatusInput, ServiceInput,
};
use benteng_db::outbox::Notification;
use benteng_db::referrals::{
    ReferralAnswer, ReferralDetail, ReferralInput, ReferralQuery, ReferralRow,
};
use benteng_db::reports::{
    LinkedReport, MergeInput, PublicReport, ReportDetail, ReportQuery, ReportRow, StatusInput,
};
use benteng_db::Page;
use benteng_domain::report::Priority;
use benteng_domain::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/public/reports", post(public_report_create))
        .route("/public/reports/{code}", get(public_report_get))
        .route("/reports", get(reports).post(report_create))
        .route("/reports/{id}", get(report_get))
        .route("/reports/{id}/indicators", put(report_indicators))
        .route("/reports/{id}/assignee", put(report_assignee))
        .route("/reports/{id}/status", post(report_status))
        .route("/reports/{id}/merge", post(report_merge))
        .route("/reports/{id}/info", post(report_info))
        .route(
            "/reports/{id}/attachments",
            post(attachment_upload).layer(DefaultBodyLimit::max(crate::security::UPLOAD_LIMIT)),
        )
        .route("/reports/{id}/attachments/{aid}", get(attachment_download))
        .route("/reports/{id}/linked", get(report_linked))
        .route("/reports/{id}/referrals", post(referral_create))
        .route("/reports/{id}/case", post(case_open))
        .route("/referrals", get(referrals))
        .route("/referrals/{id}", get(referral_get))
        .route("/referrals/{id}/answer", post(referral_answer))
        .route("/referrals/{id}/actions", post(referral_action))
        .route("/cases", get(cases))
        .route("/cases/export", get(cases_export))
        .route("/cases/{id}", get(case_get).put(case_update))
        .route("/cases/{id}/people", post(case_person_add))
        .route("/cases/{id}/services", post(case_service_add))
        .route("/cases/{id}/status", post(case_status))
        .route("/notifications", get(notifications))
        .route("/notifications/read-all", post(notifications_read_all))
        .route("/notifications/{id}/read", post(notification_read))
}

fn invalid(field: &'static str, code: &'static str) -> ApiError {
    benteng_db::Error::Invalid(FieldErrors(vec![FieldError { field, code }])).into()
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
    #[serde(default, deserialize_with = "benteng_db::de::loose_opt")]
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
    ApiJson(body): ApiJson<PublicReportBody>,
) -> Result<Response, ApiError> {
    if body.website.is_some() {
        return Err(invalid("website", "err-spam"));
    }
    if !state.public_limiter.check(origin.ip.as_deref()) {
        return Err(ApiError::RateLimited);
    }
    let mut input = body.report;
    input.anonymous = anonymous_flag(body.anonymous)?;
    let (_, tracking_code) =
        benteng_app::reports::file_public(&state.db, &input, &[], &*state.store).await?;
    Ok((StatusCode::CREATED, Json(PublicReceipt { tracking_code })).into_response())
}

/// The public status of a report behind its tracking code (rate limited like the intake, so
/// codes cannot be guessed by trying many).
#[utoipa::path(get, path = "/api/v1/public/reports/{code}", params(("code" = String, Path, description = "LP-XXXXX-XXXXX")), security(()),
    responses((status = 200, body = PublicReport), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn public_report_get(
    State(state): State<AppState>,
    origin: Origin,
    Path(code): Path<String>,
) -> Result<Json<PublicReport>, ApiError> {
    if !state.public_limiter.check_lookup(origin.ip.as_deref()) {
        return Err(ApiError::RateLimited);
    }
    Ok(Json(state.db.public_report(&code).await?))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct ReportParams {
    /// Words of the description, places and names; a phone number; or a tracking code.
    q: Option<String>,
    /// A status code, `terbuka` (every open status, by priority) or `semua`.
    status: Option<String>,
    category: Option<String>,
    /// Kabupaten, kecamatan or desa code.
    region: Option<String>,
    /// YYYY-MM-DD (WIB), inclusive.
    from: Option<String>,
    /// YYYY-MM-DD (WIB), inclusive.
    to: Option<String>,
    /// `tinggi` or `sedang`: at least that level.
    priority: Option<String>,
    /// A user id, `saya` (me) or `belum` (nobody).
    assigned: Option<String>,
    page: Option<i64>,
}

/// Reports in the caller's scope; `status=terbuka` is the triage queue, by priority.
#[utoipa::path(get, path = "/api/v1/reports", params(ReportParams),
    responses((status = 200, body = Page<ReportRow>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn reports(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ReportParams>,
) -> Result<Json<Page<ReportRow>>, ApiError> {
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
    Ok(Json(state.db.list_reports(&ctx, &q, 50).await?))
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

#[derive(Deserialize, IntoParams)]
pub(super) struct RevealParams {
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
        state
            .db
            .get_report(&ctx, id, r.reveal.unwrap_or(false))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct IndicatorsBody {
    /// Indicator codes such as `proses_perekrutan`, `cara_penipuan`, `tujuan_eksploitasi`.
    #[serde(default)]
    indicators: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct PriorityReasonBody {
    /// Fluent id `priority-reason-<code>`: `category_korban`, `all_elements`, `means`, …
    code: String,
    weight: i64,
}

/// The explainable priority: the score is the sum of the reasons' weights (0–100).
#[derive(Serialize, ToSchema)]
pub(super) struct PriorityBody {
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
pub(super) async fn report_indicators(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<IndicatorsBody>,
) -> Result<Json<PriorityBody>, ApiError> {
    Ok(Json(
        state
            .db
            .set_indicators(&ctx, id, &b.indicators)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct AssigneeBody {
    /// An officer whose area covers the report, or null for nobody.
    user_id: Option<i64>,
}

/// Assign the report to an officer (or to nobody).
#[utoipa::path(put, path = "/api/v1/reports/{id}/assignee", params(("id" = i64, Path)), request_body = AssigneeBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn report_assignee(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AssigneeBody>,
) -> Result<StatusCode, ApiError> {
    state.db.assign_report(&ctx, id, b.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move the report to another status with a note, as the state machine allows.
#[utoipa::path(post, path = "/api/v1/reports/{id}/status", params(("id" = i64, Path)), request_body = StatusInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn report_status(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<StatusInput>,
) -> Result<StatusCode, ApiError> {
    state.db.change_report_status(&ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close the report as a duplicate of another (`into`: tracking code or id); answers the id
/// of the report it was merged into.
#[utoipa::path(post, path = "/api/v1/reports/{id}/merge", params(("id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn report_merge(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<MergeInput>,
) -> Result<Json<Created>, ApiError> {
    let id = state.db.merge_report(&ctx, id, &i).await?;
    Ok(Json(Created { id }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct TextBody {
    #[serde(default, deserialize_with = "benteng_db::de::loose")]
    body: String,
}

/// Add information to a report (village users and officers).
#[utoipa::path(post, path = "/api/v1/reports/{id}/info", params(("id" = i64, Path)), request_body = TextBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn report_info(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TextBody>,
) -> Result<StatusCode, ApiError> {
    state
        .db
        .add_report_info(&ctx, id, &b.body, &[], &*state.store)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Raw file bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Describes the raw body in the OpenAPI document only.
pub(super) struct FileBytes(Vec<u8>);

#[derive(Deserialize, IntoParams)]
pub(super) struct NameParams {
    /// The file's name as the uploader knows it (kept for the download, never trusted for the type).
    name: Option<String>,
}

/// Attach one file, sent as the raw request body. JPEG, PNG, WebP (re-encoded without their
/// metadata) and PDF, checked by their bytes; at most 5 MB.
#[utoipa::path(post, path = "/api/v1/reports/{id}/attachments", params(("id" = i64, Path), NameParams),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn attachment_upload(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(n): Query<NameParams>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    let clean = benteng_app::uploads::clean_upload(n.name.as_deref().unwrap_or(""), &bytes)
        .map_err(|code| invalid("file", code))?;
    state
        .db
        .add_report_info(&ctx, id, "Lampiran ditambahkan", &[clean], &*state.store)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Download an attachment (always as an attachment, with its sniffed type). Each download is a
/// sensitive view in the audit log.
#[utoipa::path(get, path = "/api/v1/reports/{id}/attachments/{aid}", params(("id" = i64, Path), ("aid" = i64, Path)),
    responses((status = 200, description = "The file, with its content type", content_type = "application/octet-stream", body = FileBytes),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn attachment_download(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (a, bytes) = state
        .db
        .report_attachment(&ctx, id, aid, &*state.store)
        .await?;
    let name: String = a
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let name = if name.is_empty() {
        "lampiran".into()
    } else {
        name
    };
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
pub(super) async fn report_linked(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<LinkedReport>>, ApiError> {
    // Through the report itself: `linked_reports` alone does not check that the caller may see
    // report `id`, and a report outside the scope must not exist for them.
    Ok(Json(state.db.get_report(&ctx, id, false).await?.linked))
}

/// Refer the report to a partner agency whose region covers it, with the victim's consent or
/// a reason to go without it.
#[utoipa::path(post, path = "/api/v1/reports/{id}/referrals", params(("id" = i64, Path)), request_body = ReferralInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn referral_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ReferralInput>,
) -> Result<Response, ApiError> {
    Ok(created(state.db.create_referral(&ctx, id, &i).await?))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct ReferralParams {
    /// terkirim, diterima, ditolak, selesai or dibatalkan.
    status: Option<String>,
    /// Only pending referrals past their due date.
    overdue: Option<bool>,
    report_id: Option<i64>,
    page: Option<i64>,
}

/// Referrals: a partner agency's own, or those in an officer's scope.
#[utoipa::path(get, path = "/api/v1/referrals", params(ReferralParams),
    responses((status = 200, body = Page<ReferralRow>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn referrals(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ReferralParams>,
) -> Result<Json<Page<ReferralRow>>, ApiError> {
    let q = ReferralQuery {
        status: p.status,
        overdue: p.overdue.unwrap_or(false).then(|| "1".to_string()),
        report_id: p.report_id,
        page: p.page,
    };
    Ok(Json(state.db.list_referrals(&ctx, &q, 50).await?))
}

/// One referral with its report summary and actions.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = ReferralDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn referral_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(r): Query<RevealParams>,
) -> Result<Json<ReferralDetail>, ApiError> {
    Ok(Json(
        state
            .db
            .get_referral(&ctx, id, r.reveal.unwrap_or(false))
            .await?,
    ))
}

/// The agency accepts, declines (with a note) or finishes; the sender cancels (with a note).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/answer", params(("id" = i64, Path)), request_body = ReferralAnswer,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn referral_answer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ReferralAnswer>,
) -> Result<StatusCode, ApiError> {
    state.db.answer_referral(&ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The receiving agency records an action it took (accepted referrals only).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/actions", params(("id" = i64, Path)), request_body = TextBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn referral_action(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TextBody>,
) -> Result<StatusCode, ApiError> {
    state.db.add_referral_action(&ctx, id, &b.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct CaseOpenBody {
    /// dugaan, terbukti or bukan.
    #[serde(default, deserialize_with = "benteng_db::de::loose")]
    trafficking_status: String,
}

/// Open a case from the report; its victims and named recruiters become the case's people.
#[utoipa::path(post, path = "/api/v1/reports/{id}/case", params(("id" = i64, Path)), request_body = CaseOpenBody,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn case_open(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CaseOpenBody>,
) -> Result<Response, ApiError> {
    Ok(created(
        state.db.open_case(&ctx, id, &b.trafficking_status).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct CaseParams {
    /// aktif, tindak_lanjut, ditutup or ditutup_dirujuk.
    status: Option<String>,
    page: Option<i64>,
}

/// Cases in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseParams),
    responses((status = 200, body = Page<Case>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn cases(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<CaseParams>,
) -> Result<Json<Page<Case>>, ApiError> {
    let q = CaseQuery {
        status: p.status,
        page: p.page,
    };
    Ok(Json(state.db.list_cases(&ctx, &q, 50).await?))
}

/// One case with its people and services; NIKs, phones and birth dates masked unless
/// `reveal=true` and the role may.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = CaseDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn case_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(r): Query<RevealParams>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(
        state
            .db
            .get_case(&ctx, id, r.reveal.unwrap_or(false))
            .await?,
    ))
}

/// Update the trafficking decision, exploitation, legal process and outcome.
#[utoipa::path(put, path = "/api/v1/cases/{id}", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn case_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CaseInput>,
) -> Result<StatusCode, ApiError> {
    state.db.update_case(&ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a victim (`korban`) or suspect (`tersangka`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/people", params(("id" = i64, Path)), request_body = CasePersonInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn case_person_add(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CasePersonInput>,
) -> Result<Response, ApiError> {
    Ok(created(state.db.add_case_person(&ctx, id, &i).await?))
}

/// Record a service given to the victim.
#[utoipa::path(post, path = "/api/v1/cases/{id}/services", params(("id" = i64, Path)), request_body = ServiceInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn case_service_add(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ServiceInput>,
) -> Result<Response, ApiError> {
    Ok(created(state.db.add_case_service(&ctx, id, &i).await?))
}

/// Close (with a reason), put on follow-up, or reopen the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", params(("id" = i64, Path)), request_body = CaseStatusInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn case_status(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CaseStatusInput>,
) -> Result<StatusCode, ApiError> {
    state.db.set_case_status(&ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub(super) struct ExportParams {
    /// `json` (default) or `csv` (one row per victim).
    format: Option<String>,
    /// Without names, NIKs, phones, birth dates (an age band stays); places cut to the
    /// kabupaten/kota.
    anonymised: Option<bool>,
}

/// The cases in the caller's scope as HTCDS-aligned records, as a download. Every export is
/// audited; a non-anonymised one as a sensitive view.
#[utoipa::path(get, path = "/api/v1/cases/export", params(ExportParams),
    responses((status = 200, description = "HTCDS-aligned records (JSON array, or CSV with format=csv)", body = Vec<Object>),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn cases_export(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let csv = match p.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(invalid("format", "err-invalid-choice")),
    };
    let records = state
        .db
        .export_cases(&ctx, p.anonymised.unwrap_or(false))
        .await?;
    if csv {
        let text = benteng_db::cases::cases_csv(&records)?;
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

/// The caller's in-app notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", params(PageQuery),
    responses((status = 200, body = Page<Notification>), (status = 401, body = Problem)))]
pub(super) async fn notifications(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Notification>>, ApiError> {
    Ok(Json(state.db.notifications(&ctx, q.page).await?))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn notification_read(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.db.mark_notification_read(&ctx, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all",
    responses((status = 204), (status = 401, body = Problem)))]
pub(super) async fn notifications_read_all(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<StatusCode, ApiError> {
    state.db.mark_notification_read(&ctx, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
