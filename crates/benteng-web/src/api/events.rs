//! Awareness events over JSON: the same data-layer calls and permissions as `/sosialisasi`
//! and the public check-in `/hadir`.

use super::{created, ApiJson, Origin, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use benteng_app::events::{
    self, BankRow, CheckedIn, CheckinInput, EventDetail, EventInput, EventRow, FollowUpInput,
    ParticipantQuiz, PublicEvent, QuizResults, Submitted, UpcomingEvent,
};
use benteng_app::Page;
use benteng_domain::quiz::BankInput;
use benteng_domain::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(events, event_create))
        .routes(routes!(event_get, event_update))
        .routes(routes!(event_attendee))
        .routes(routes!(quiz_results, quiz_stage))
        .routes(routes!(followup_create))
        .routes(routes!(bank, bank_create))
        .routes(routes!(bank_update))
        .routes(routes!(checkin_event, checkin))
        .routes(routes!(participant_quiz, quiz_submit))
        .routes(routes!(upcoming))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
    Ok(Json(events::list(&state.db, &ctx, p.page).await?))
}

/// Plan an event (officers and the Kanwil).
#[utoipa::path(post, path = "/api/v1/events", request_body = EventInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn event_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<EventInput>,
) -> Result<axum::response::Response, ApiError> {
    Ok(created(events::plan(&state.db, &ctx, &i).await?))
}

/// One event with speakers, villages, its check-in code and attendance.
#[utoipa::path(get, path = "/api/v1/events/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = EventDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn event_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<EventDetail>, ApiError> {
    Ok(Json(events::show(&state.db, &ctx, id).await?))
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
    events::update(&state.db, &ctx, id, &i).await?;
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
    let recorded_now = events::tick_attendee(&state.db, &ctx, id, &i).await?;
    Ok(Json(CheckinResult { recorded_now }))
}

/// The event behind a check-in code (no token).
#[utoipa::path(get, path = "/api/v1/public/checkin/{code}", params(("code" = String, Path, pattern = "^[2-9A-HJKMNP-Z]{6}$", description = "The event's check-in code, e.g. AB3K9Z")), security(()),
    responses((status = 200, body = PublicEvent), (status = 404, description = "No event has this code", body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn checkin_event(
    State(state): State<AppState>,
    origin: Origin,
    Path(code): Path<String>,
) -> Result<Json<PublicEvent>, ApiError> {
    Ok(Json(known_code(&state, &origin, &code).await?))
}

/// Check in with the event's code (no token). The answer carries the participant's quiz token.
#[utoipa::path(post, path = "/api/v1/public/checkin/{code}", params(("code" = String, Path, pattern = "^[2-9A-HJKMNP-Z]{6}$", description = "The event's check-in code, e.g. AB3K9Z")), security(()), request_body = CheckinInput,
    responses((status = 200, body = CheckedIn), (status = 404, description = "No event has this code", body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn checkin(
    State(state): State<AppState>,
    origin: Origin,
    Path(code): Path<String>,
    ApiJson(i): ApiJson<CheckinInput>,
) -> Result<Json<CheckedIn>, ApiError> {
    let event = known_code(&state, &origin, &code).await?;
    if !state
        .public_limiter
        .check_event(origin.ip.as_deref(), &event.code)
        .await
    {
        return Err(ApiError::RateLimited);
    }
    Ok(Json(events::check_in(&state.db, &code, &i).await?))
}

/// The event behind a code; only unknown codes count against the address's look-up allowance
/// (see `pages::events::participant`).
async fn known_code(
    state: &AppState,
    origin: &Origin,
    code: &str,
) -> Result<PublicEvent, ApiError> {
    match events::by_code(&state.db, code).await {
        Ok((_, e)) => Ok(e),
        Err(_)
            if !state
                .public_limiter
                .check_lookup(origin.ip.as_deref())
                .await =>
        {
            Err(ApiError::RateLimited)
        }
        // A well-formed code of no event is a missing resource (404); a malformed one stays a
        // field error (422) naming `code`.
        Err(benteng_app::Error::Invalid(f))
            if f.0.iter().any(|e| e.code == "err-checkin-unknown") =>
        {
            Err(ApiError::NotFound)
        }
        Err(e) => Err(e.into()),
    }
}

/// Pre-test and post-test results: overall, per question, per village (a desa user: their
/// village only).
#[utoipa::path(get, path = "/api/v1/events/{id}/quiz", params(("id" = i64, Path)),
    responses((status = 200, body = QuizResults), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn quiz_results(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<QuizResults>, ApiError> {
    Ok(Json(events::quiz_results(&state.db, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct StageInput {
    /// `pre`, `post` or `closed`.
    #[serde(default)]
    stage: String,
}

/// Open the post-test or close the quiz (officers).
#[utoipa::path(put, path = "/api/v1/events/{id}/quiz", params(("id" = i64, Path)), request_body = StageInput,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn quiz_stage(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<StageInput>,
) -> Result<StatusCode, ApiError> {
    events::set_quiz_stage(&state.db, &ctx, id, &i.stage).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a follow-up action with its owner and due date (officers).
#[utoipa::path(post, path = "/api/v1/events/{id}/followups", params(("id" = i64, Path)), request_body = FollowUpInput,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn followup_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<FollowUpInput>,
) -> Result<axum::response::Response, ApiError> {
    Ok(created(
        events::add_followup(&state.db, &ctx, id, &i).await?,
    ))
}

/// The quiz question bank (officers, the Kanwil, admins).
#[utoipa::path(get, path = "/api/v1/quiz/bank",
    responses((status = 200, body = Vec<BankRow>), (status = 403, body = Problem)))]
pub(super) async fn bank(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
) -> Result<Json<Vec<BankRow>>, ApiError> {
    Ok(Json(events::bank(&state.db, &ctx).await?))
}

/// A bank question as JSON: `options` one per line, `correct` the 1-based number of the right
/// option, `active` "1" to ask it.
#[derive(Deserialize, ToSchema)]
pub(super) struct BankJson {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    options: String,
    #[serde(default, deserialize_with = "benteng_app::de::loose")]
    correct: String,
    #[serde(default)]
    source: String,
    #[serde(default, deserialize_with = "benteng_app::de::loose")]
    active: String,
}

impl From<BankJson> for BankInput {
    fn from(b: BankJson) -> BankInput {
        BankInput {
            topic: b.topic,
            question: b.question,
            options: b.options,
            correct: b.correct,
            source: b.source,
            active: b.active,
        }
    }
}

/// Add a bank question (admins and the Kanwil).
#[utoipa::path(post, path = "/api/v1/quiz/bank", request_body = BankJson,
    responses((status = 201, body = super::Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn bank_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(b): ApiJson<BankJson>,
) -> Result<axum::response::Response, ApiError> {
    Ok(created(
        events::save_bank_question(&state.db, &ctx, None, &b.into()).await?,
    ))
}

/// Change a bank question (admins and the Kanwil).
#[utoipa::path(put, path = "/api/v1/quiz/bank/{id}", params(("id" = i64, Path)), request_body = BankJson,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn bank_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<BankJson>,
) -> Result<StatusCode, ApiError> {
    events::save_bank_question(&state.db, &ctx, Some(id), &b.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A participant's quiz by their link (no token; the link is the credential).
#[utoipa::path(get, path = "/api/v1/public/quiz/{code}/{token}", params(("code" = String, Path), ("token" = String, Path)), security(()),
    responses((status = 200, body = ParticipantQuiz), (status = 404, body = Problem)))]
pub(super) async fn participant_quiz(
    State(state): State<AppState>,
    Path((code, token)): Path<(String, String)>,
) -> Result<Json<ParticipantQuiz>, ApiError> {
    Ok(Json(
        events::participant_quiz(&state.db, &code, &token).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct AnswersInput {
    /// `pre` or `post`: the test open now.
    #[serde(default)]
    kind: String,
    /// The 0-based option chosen for each question, in order.
    #[serde(default)]
    answers: Vec<Option<usize>>,
}

/// Submit a test once; a second submission changes nothing (`recorded_now` false).
#[utoipa::path(post, path = "/api/v1/public/quiz/{code}/{token}", params(("code" = String, Path), ("token" = String, Path)), security(()), request_body = AnswersInput,
    responses((status = 200, body = Submitted), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(super) async fn quiz_submit(
    State(state): State<AppState>,
    origin: Origin,
    Path((code, token)): Path<(String, String)>,
    ApiJson(a): ApiJson<AnswersInput>,
) -> Result<Json<Submitted>, ApiError> {
    if !state
        .public_limiter
        .check_event(
            origin.ip.as_deref(),
            &code.chars().take(12).collect::<String>(),
        )
        .await
    {
        return Err(ApiError::RateLimited);
    }
    if a.answers.len() > 64 {
        return Err(invalid("answers", "err-too-many"));
    }
    Ok(Json(
        events::submit_quiz(&state.db, &code, &token, &a.kind, &a.answers).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UpcomingParams {
    page: Option<i64>,
    /// A desa code: events held in it, in its kabupaten/kota, or inviting it.
    #[param(pattern = r"^(|\d{2}\.\d{2}\.\d{2}\.\d{4})$")]
    desa: Option<String>,
}

/// Upcoming events (no token).
#[utoipa::path(get, path = "/api/v1/public/events", params(UpcomingParams), security(()),
    responses((status = 200, body = Page<UpcomingEvent>)))]
pub(super) async fn upcoming(
    State(state): State<AppState>,
    Query(p): Query<UpcomingParams>,
) -> Result<Json<Page<UpcomingEvent>>, ApiError> {
    let desa = match p.desa.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(benteng_domain::RegionCode::parse(d).map_err(|c| invalid("desa", c))?),
        None => None,
    };
    Ok(Json(
        events::upcoming(&state.db, desa.as_ref(), p.page).await?,
    ))
}

/// A 422 naming one field, as the storage answers a wrong value.
fn invalid(field: &'static str, code: &'static str) -> ApiError {
    let mut e = FieldErrors::new();
    e.add(field, code);
    ApiError::Invalid(e)
}
