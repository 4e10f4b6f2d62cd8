//! The caller's in-app notifications over JSON.

use crate::api::{PageQuery, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use benteng_app::notifications::Notification;
use benteng_app::Page;

/// The caller's in-app notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", params(PageQuery),
    responses((status = 200, body = Page<Notification>), (status = 401, body = Problem)))]
pub(in crate::api) async fn notifications(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Notification>>, ApiError> {
    Ok(Json(
        benteng_app::notifications::list(&state.db, &ctx, q.page).await?,
    ))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(in crate::api) async fn notification_read(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    benteng_app::notifications::open(&state.db, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all",
    responses((status = 204), (status = 401, body = Problem)))]
pub(in crate::api) async fn notifications_read_all(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<StatusCode, ApiError> {
    benteng_app::notifications::read_all(&state.db, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}
