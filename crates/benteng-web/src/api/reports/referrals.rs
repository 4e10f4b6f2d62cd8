//! Referrals over JSON: referring a report, the list, one referral, the agency's answers and
//! actions.

use super::{RevealParams, TextBody};
use crate::api::{created, ApiJson, Created, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use benteng_app::referrals::{
    ReferralAnswer, ReferralDetail, ReferralInput, ReferralQuery, ReferralRow,
};
use benteng_app::Page;
use serde::Deserialize;
use utoipa::IntoParams;

/// Refer the report to a partner agency whose region covers it, with the victim's consent or
/// a reason to go without it.
#[utoipa::path(post, path = "/api/v1/reports/{id}/referrals", params(("id" = i64, Path)), request_body = ReferralInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn referral_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ReferralInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::referrals::refer(&state.db, &ctx, id, &i).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::api) struct ReferralParams {
    /// terkirim, diterima, ditolak, selesai or dibatalkan.
    #[param(pattern = "^(|terkirim|diterima|ditolak|selesai|dibatalkan)$")]
    status: Option<String>,
    /// Only pending referrals past their due date.
    overdue: Option<bool>,
    report_id: Option<i64>,
    page: Option<i64>,
}

/// Referrals: a partner agency's own, or those in an officer's scope.
#[utoipa::path(get, path = "/api/v1/referrals", params(ReferralParams),
    responses((status = 200, body = Page<ReferralRow>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn referrals(
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
    Ok(Json(
        benteng_app::referrals::list(&state.db, &ctx, &q, 50).await?,
    ))
}

/// One referral with its report summary and actions.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", params(("id" = i64, Path), RevealParams),
    responses((status = 200, body = ReferralDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(in crate::api) async fn referral_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(r): Query<RevealParams>,
) -> Result<Json<ReferralDetail>, ApiError> {
    Ok(Json(
        benteng_app::referrals::show(&state.db, &ctx, id, r.reveal.unwrap_or(false)).await?,
    ))
}

/// The agency accepts, declines (with a note) or finishes; the sender cancels (with a note).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/answer", params(("id" = i64, Path)), request_body = ReferralAnswer,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn referral_answer(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ReferralAnswer>,
) -> Result<StatusCode, ApiError> {
    benteng_app::referrals::answer(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The receiving agency records an action it took (accepted referrals only).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/actions", params(("id" = i64, Path)), request_body = TextBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(in crate::api) async fn referral_action(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<TextBody>,
) -> Result<StatusCode, ApiError> {
    benteng_app::referrals::act(&state.db, &ctx, id, &b.body).await?;
    Ok(StatusCode::NO_CONTENT)
}
