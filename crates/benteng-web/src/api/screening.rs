//! Screening over JSON: screen an applicant, read and decide screenings, the monthly figures,
//! batch screening of a CSV body (the `benteng screen` format), and the watchlist with its
//! CSV import. Same use cases and permissions as the pages.

use super::{created, ApiJson, Created, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::i18n::{from_accept_language, Tr};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::screening::batch::{read_people, screen_batch};
use benteng_app::screening::watchlist::{self, WatchInput, WatchQuery, WatchRow};
use benteng_app::screening::{
    self as screening, DecisionInput, ImportOutcome, RowError, ScreeningDetail, ScreeningQuery,
    ScreeningRow, ScreeningStats,
};
use benteng_app::Page;
use benteng_domain::Action;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

const CSV_BYTES: usize = 5 * 1024 * 1024;
/// Most rows screened in one API batch (the CLI has no limit).
const BATCH_ROWS: usize = 20_000;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    let csv_limit = DefaultBodyLimit::max(CSV_BYTES);
    OpenApiRouter::new()
        .routes(routes!(screenings, screening_create))
        .routes(routes!(screening_stats))
        .routes(routes!(screening_batch).layer(csv_limit))
        .routes(routes!(screening_get))
        .routes(routes!(screening_decide))
        .routes(routes!(watchlist, watch_create))
        .routes(routes!(watch_import).layer(csv_limit))
        .routes(routes!(watch_end))
}

/// Bad rows with their messages in the caller's language.
#[derive(Serialize, ToSchema)]
pub(super) struct RowProblem {
    line: u64,
    field: String,
    code: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct RowsBody {
    /// Rows imported (0 when nothing was, e.g. all-or-nothing with a bad row).
    imported: usize,
    errors: Vec<RowProblem>,
}

fn row_problems(headers: &HeaderMap, errors: Vec<RowError>) -> Vec<RowProblem> {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or("id");
    let tr = Tr::new(lang);
    errors
        .into_iter()
        .map(|e| RowProblem {
            message: tr.t(&e.code),
            line: e.line,
            field: e.field,
            code: e.code,
        })
        .collect()
}

fn invalid(field: &'static str, code: &'static str) -> ApiError {
    let mut f = benteng_domain::FieldErrors::new();
    f.add(field, code);
    ApiError::Invalid(f)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ScreeningParams {
    /// YYYY-MM.
    #[param(pattern = "^(|[0-9]{4}-(0[1-9]|1[0-2]))$")]
    month: Option<String>,
    /// lanjut, wawancara_lanjutan, tunda, tolak, or `belum` (not decided).
    #[param(pattern = "^(|lanjut|wawancara_lanjutan|tunda|tolak|belum)$")]
    decision: Option<String>,
    /// rendah, sedang or tinggi.
    #[param(pattern = "^(|rendah|sedang|tinggi)$")]
    level: Option<String>,
    page: Option<i64>,
}

/// Screenings the caller may follow (the office's own; the Kanwil's province), newest first.
/// NIKs and sponsor phones are masked.
#[utoipa::path(get, path = "/api/v1/screenings", params(ScreeningParams),
    responses((status = 200, body = Page<ScreeningRow>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn screenings(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ScreeningParams>,
) -> Result<Json<Page<ScreeningRow>>, ApiError> {
    let q = ScreeningQuery {
        month: p.month,
        decision: p.decision,
        level: p.level,
        page: p.page,
    };
    Ok(Json(screening::list(&state.db, &ctx, &q, 50).await?))
}

/// Screen an applicant (an interviewer: petugas with the pemeriksa flag). The assessment and
/// watchlist hits are stored with the screening; read them at `/screenings/{id}`.
#[utoipa::path(post, path = "/api/v1/screenings", request_body = benteng_app::screening::ScreeningInput,
    responses((status = 201, body = Created), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn screening_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<benteng_app::screening::ScreeningInput>,
) -> Result<Response, ApiError> {
    let id = benteng_app::screening::screen_applicant(&state.db, &ctx, &state.watch, &i).await?;
    Ok(created(id))
}

/// One screening with its findings (each with its weight) and watchlist hits (each with its
/// reasons). Interviewers of the office see the NIK (audited); others see it masked.
#[utoipa::path(get, path = "/api/v1/screenings/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ScreeningDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn screening_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<ScreeningDetail>, ApiError> {
    Ok(Json(screening::show(&state.db, &ctx, id).await?))
}

/// Record the interviewer's decision; postponing and refusing need a reason.
#[utoipa::path(post, path = "/api/v1/screenings/{id}/decision", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn screening_decide(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<DecisionInput>,
) -> Result<StatusCode, ApiError> {
    screening::decide(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Screenings per month (last twelve) and postponements and refusals per village.
#[utoipa::path(get, path = "/api/v1/screenings/stats",
    responses((status = 200, body = ScreeningStats), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn screening_stats(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<Json<ScreeningStats>, ApiError> {
    Ok(Json(screening::stats(&state.db, &ctx).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct BatchParams {
    /// Screen the good rows and skip the bad ones (reported in `X-Skipped-Rows`).
    skip_bad_rows: Option<bool>,
    /// Hits per query, 1–50 (default 10).
    top: Option<usize>,
}

/// Screen a CSV body (`id,name,birth_date,nik,phone`) against the watchlist; the answer is
/// the results CSV (`query_id,rank,watch_id,score,alert,reasons,same_name_not_shown`). Bad rows answer 422 with
/// each line, unless `skip_bad_rows=true`.
#[utoipa::path(post, path = "/api/v1/screenings/batch", params(BatchParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "results CSV", content_type = "text/csv", body = String),
        (status = 403, body = Problem), (status = 422, description = "Bad rows, each with its line (or the whole body unreadable: a problem)", content((RowsBody = "application/json"), (Problem = "application/problem+json")))))]
pub(super) async fn screening_batch(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    headers: HeaderMap,
    Query(p): Query<BatchParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    ctx.require(Action::ScreeningRun, None)?;
    let top = p.top.unwrap_or(10);
    if !(1..=50).contains(&top) {
        return Err(invalid("top", "err-invalid-choice"));
    }
    let (rows, errors) = read_people(&body).map_err(|c| invalid("body", c))?;
    if rows.len() > BATCH_ROWS {
        return Err(invalid("body", "err-csv-too-many"));
    }
    let skipped = errors.len();
    if skipped > 0 && p.skip_bad_rows != Some(true) {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(RowsBody {
                imported: 0,
                errors: row_problems(&headers, errors),
            }),
        )
            .into_response());
    }
    let out = screen_batch(&state.db, &ctx, &state.watch, rows, top).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (
                header::HeaderName::from_static("x-skipped-rows"),
                skipped.to_string(),
            ),
        ],
        out.csv,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct WatchParams {
    /// Part of a name or alias.
    q: Option<String>,
    /// perekrut, berisiko, hilang or lainnya.
    #[param(pattern = "^(|perekrut|berisiko|hilang|lainnya)$")]
    category: Option<String>,
    /// Include ended entries.
    all: Option<bool>,
    page: Option<i64>,
}

/// Watchlist entries of the caller's area and national lists (NIKs and phones masked).
/// People named in reports are matched too but listed with their reports, not here.
#[utoipa::path(get, path = "/api/v1/watchlist", params(WatchParams),
    responses((status = 200, body = Page<WatchRow>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn watchlist(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<WatchParams>,
) -> Result<Json<Page<WatchRow>>, ApiError> {
    let q = WatchQuery {
        q: p.q,
        category: p.category,
        all: p.all.filter(|a| *a).map(|_| "1".to_string()),
        page: p.page,
    };
    Ok(Json(watchlist::list(&state.db, &ctx, &q, 50).await?))
}

/// Flag a person.
#[utoipa::path(post, path = "/api/v1/watchlist", request_body = WatchInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn watch_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<WatchInput>,
) -> Result<Response, ApiError> {
    Ok(created(watchlist::flag(&state.db, &ctx, &i).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportParams {
    /// Import the good rows even when some are bad (default: nothing unless all are good).
    partial: Option<bool>,
}

/// Import a CSV list (`name,aliases,birth_date,nik,phones,category,note,region_code,valid_until`).
/// 200 when every row was imported; 422 with each bad line otherwise.
#[utoipa::path(post, path = "/api/v1/watchlist/import", params(ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = RowsBody), (status = 403, body = Problem), (status = 422, description = "Bad rows, each with its line (or the whole body unreadable: a problem)", content((RowsBody = "application/json"), (Problem = "application/problem+json")))))]
pub(super) async fn watch_import(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    headers: HeaderMap,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let outcome = watchlist::import(&state.db, &ctx, &body, p.partial != Some(true)).await?;
    Ok(rows_response(&headers, outcome))
}

/// 200 when every row was imported; 422 with each bad line (in the caller's language).
pub(super) fn rows_response(headers: &HeaderMap, outcome: ImportOutcome) -> Response {
    let status = if outcome.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        Json(RowsBody {
            imported: outcome.imported,
            errors: row_problems(headers, outcome.errors),
        }),
    )
        .into_response()
}

/// End an entry: kept for the record, no longer matched.
#[utoipa::path(post, path = "/api/v1/watchlist/{id}/end", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn watch_end(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    watchlist::end(&state.db, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
