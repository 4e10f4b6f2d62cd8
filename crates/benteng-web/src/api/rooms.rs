//! Coordination over JSON: rooms, messages, alerts, notification preferences, and the
//! WhatsApp Cloud API webhook (public, verified by its signature instead of a token).

use super::{created, ApiJson, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use benteng_app::rooms::alerts::{self as alert, Alert, AlertInput};
use benteng_app::rooms::messages::{self as message, Message, MessageInput};
use benteng_app::rooms::prefs::{self as pref, Preferences, PreferencesInput};
use benteng_app::rooms::whatsapp::{self, Inbound};
use benteng_app::rooms::RoomRow;
use benteng_app::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rooms))
        .routes(routes!(messages, message_create))
        .routes(routes!(alerts, alert_create))
        .routes(routes!(prefs, prefs_update))
        .routes(routes!(wa_verify, wa_receive))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RoomParams {
    q: Option<String>,
    page: Option<i64>,
}

/// The rooms the caller is a member of (admins: every room), with unread counts.
#[utoipa::path(get, path = "/api/v1/rooms", params(RoomParams),
    responses((status = 200, body = Page<RoomRow>), (status = 401, body = Problem)))]
pub(super) async fn rooms(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<RoomParams>,
) -> Result<Json<Page<RoomRow>>, ApiError> {
    Ok(Json(
        benteng_app::rooms::list(&state.db, &ctx, p.q.as_deref(), p.page).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct MessageParams {
    /// Search the room's history (messages and replies).
    q: Option<String>,
    page: Option<i64>,
    /// Only messages after this id, oldest first (live updates).
    after: Option<i64>,
}

/// A room's messages, newest first (members and admins); shown messages count as read.
#[utoipa::path(get, path = "/api/v1/rooms/{id}/messages", params(("id" = i64, Path), MessageParams),
    responses((status = 200, body = Page<Message>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn messages(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(p): Query<MessageParams>,
) -> Result<Json<Page<Message>>, ApiError> {
    if let Some(after) = p.after {
        let items = message::after(&state.db, &ctx, id, after.max(0)).await?;
        let total = items.len() as i64;
        return Ok(Json(Page {
            items,
            total,
            page: 1,
            per_page: 50,
            more: false,
        }));
    }
    let (_, page) = message::list(&state.db, &ctx, id, p.q.as_deref(), p.page).await?;
    Ok(Json(page))
}

/// Post a message or a reply (text only over JSON; files through the page form).
#[utoipa::path(post, path = "/api/v1/rooms/{id}/messages", params(("id" = i64, Path)), request_body = MessageInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn message_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<MessageInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        message::post(&state.db, &ctx, id, &i, &[], state.store.as_ref()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PageParams {
    page: Option<i64>,
}

/// Alerts whose area overlaps the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/alerts", params(PageParams),
    responses((status = 200, body = Page<Alert>), (status = 401, body = Problem)))]
pub(super) async fn alerts(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<Alert>>, ApiError> {
    Ok(Json(alert::list(&state.db, &ctx, p.page).await?))
}

#[derive(Serialize, ToSchema)]
pub(super) struct AlertPosted {
    id: i64,
    rooms_reached: i64,
}

/// Post an alert to every room of an area (officers and the Kanwil).
#[utoipa::path(post, path = "/api/v1/alerts", request_body = AlertInput,
    responses((status = 201, body = AlertPosted), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn alert_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<AlertInput>,
) -> Result<Response, ApiError> {
    let (id, rooms_reached) = alert::post(&state.db, &ctx, &i).await?;
    Ok((StatusCode::CREATED, Json(AlertPosted { id, rooms_reached })).into_response())
}

/// The caller's notification preferences and addresses.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences",
    responses((status = 200, body = Preferences), (status = 401, body = Problem)))]
pub(super) async fn prefs(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(pref::show(&state.db, &ctx).await?))
}

/// Replace the caller's preferences: `on` lists `kind:channel` pairs (kinds alert, mention,
/// referral, report, digest; channels inapp and the configured ones of email, whatsapp, sms).
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", request_body = PreferencesInput,
    responses((status = 204), (status = 422, body = Problem)))]
pub(super) async fn prefs_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<PreferencesInput>,
) -> Result<StatusCode, ApiError> {
    pref::save(&state.db, &ctx, &i, &state.channels.offered()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Meta's subscription handshake: echoes `hub.challenge` when the verify token matches.
#[utoipa::path(get, path = "/api/v1/webhooks/whatsapp", params(Handshake), security(()),
    responses((status = 200, body = String), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn wa_verify(
    State(state): State<AppState>,
    Query(h): Query<Handshake>,
) -> Result<Response, ApiError> {
    let Some(cfg) = &state.config.notify.whatsapp else {
        return Err(ApiError::NotFound);
    };
    match benteng_notify::handshake(
        h.mode.as_deref(),
        h.verify_token.as_deref(),
        h.challenge.as_deref(),
        &cfg.verify_token,
    ) {
        Some(challenge) => Ok(challenge.into_response()),
        None => Err(ApiError::Forbidden),
    }
}

/// Inbound messages and delivery statuses from the WhatsApp Cloud API. The body must carry a
/// valid `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret); messages are
/// stored before the 200, once per message id (a retried delivery stores nothing new).
#[utoipa::path(post, path = "/api/v1/webhooks/whatsapp", security(()),
    responses((status = 200), (status = 401, body = Problem), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn wa_receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some(cfg) = &state.config.notify.whatsapp else {
        return Err(ApiError::NotFound);
    };
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !benteng_notify::verify_signature(&cfg.app_secret, signature, &body) {
        tracing::warn!("whatsapp webhook with a wrong or missing signature refused");
        return Err(ApiError::Unauthorized);
    }
    let hook = match benteng_notify::parse_webhook(&body) {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, "malformed whatsapp webhook refused");
            let mut f = benteng_domain::FieldErrors::new();
            f.add("body", "err-webhook-malformed");
            return Err(ApiError::Invalid(f));
        }
    };
    // Only messages to our own number, for the office configured to answer them.
    let inbound: Vec<Inbound> = hook
        .inbound
        .iter()
        .filter(|m| m.phone_number_id == cfg.phone_number_id)
        .map(|m| Inbound {
            wamid: m.wamid.clone(),
            from: m.from.clone(),
            profile_name: m.profile_name.clone(),
            timestamp: m.timestamp,
            kind: m.kind.clone(),
            text: m.text.clone(),
        })
        .collect();
    if let (Some(office), false) = (state.config.notify.whatsapp_office_id, inbound.is_empty()) {
        let new = whatsapp::receive(&state.db, office, &inbound).await?;
        tracing::info!(received = inbound.len(), new, "whatsapp messages stored");
    }
    let statuses: Vec<(String, String, Option<String>)> = hook
        .statuses
        .iter()
        .map(|s| (s.wamid.clone(), s.status.clone(), s.error.clone()))
        .collect();
    if !statuses.is_empty() {
        whatsapp::apply_statuses(&state.db, &statuses).await?;
    }
    Ok(StatusCode::OK.into_response())
}
