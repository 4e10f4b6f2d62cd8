//! Awareness events over JSON: the same data-layer calls and permissions as `/sosialisasi`
//! and the public check-in `/hadir`.

use super::{created, ApiJson, Origin, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use benteng_db::events::{CheckinInput, EventDetail, EventInput, EventRow, PublicEvent};
use benteng_db::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(events).post(event_create))
        .route("/events/{id}", get(event_get).put(event_update))
        .route("/events/{id}/attendees", post(event_attendee))
        .route("/public/checkin/{code}", get(checkin_event).post(checkin))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct ListParams {
    page: Option<i64>,
}

/// Events of the caller's area, coming ones first.
#[utoipa::path(get, path = "/api/v1/events", params(ListParams),
    responses((status = 200, body = Page<EventRow>), (status = 403, body = Problem)))]
pub(super) async fn events(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<EventRow>>, ApiError> {
    Ok(Json(state.db.list_events(&ctx, p.page).await?))
}

/// Plan an event (officers and the Kanwil).
#[utoipa::path(post, path = "/api/v1/events", request_body = EventInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn event_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<EventInput>,
) -> Result<axum::response::Response, ApiError> {
    Ok(created(state.db.create_event(&ctx, &i).await?))
}

/// One event with speakers, villages, its check-in code and attendance.
#[utoipa::path(get, path = "/api/v1/events/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = EventDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn event_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<EventDetail>, ApiError> {
    Ok(Json(state.db.get_event(&ctx, id).await?))
}

/// Change an event's plan.
#[utoipa::path(put, path = "/api/v1/events/{id}", params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn event_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<EventInput>,
) -> Result<StatusCode, ApiError> {
    state.db.update_event(&ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub(super) struct CheckinResult {
    /// False when the same person (name and village) was already recorded.
    recorded_now: bool,
}

/// An officer records a participant.
#[utoipa::path(post, path = "/api/v1/events/{id}/attendees", params(("id" = i64, Path)), request_body = CheckinInput,
    responses((status = 200, body = CheckinResult), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn event_attendee(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<CheckinInput>,
) -> Result<Json<CheckinResult>, ApiError> {
    let recorded_now = state.db.add_attendee(&ctx, id, &i).await?;
    Ok(Json(CheckinResult { recorded_now }))
}

/// The event behind a check-in code (no token).
#[utoipa::path(get, path = "/api/v1/public/checkin/{code}", params(("code" = String, Path)), security(()),
    responses((status = 200, body = PublicEvent), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn checkin_event(
    State(state): State<AppState>,
    origin: Origin,
    Path(code): Path<String>,
) -> Result<Json<PublicEvent>, ApiError> {
    // Codes are short: looking them up is rate limited like tracking codes.
    if !state.public_limiter.check_lookup(origin.ip.as_deref()) {
        return Err(ApiError::RateLimited);
    }
    Ok(Json(state.db.event_by_code(&code).await?.1))
}

/// Check in with the event's code (no token).
#[utoipa::path(post, path = "/api/v1/public/checkin/{code}", params(("code" = String, Path)), security(()), request_body = CheckinInput,
    responses((status = 200, body = CheckinResult), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn checkin(
    State(state): State<AppState>,
    origin: Origin,
    Path(code): Path<String>,
    ApiJson(i): ApiJson<CheckinInput>,
) -> Result<Json<CheckinResult>, ApiError> {
    if !state.public_limiter.check(origin.ip.as_deref()) {
        return Err(ApiError::RateLimited);
    }
    let recorded_now = state.db.check_in(&code, &i).await?;
    Ok(Json(CheckinResult { recorded_now }))
}
