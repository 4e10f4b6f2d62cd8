//! The FAQ, an event's questions and answers, and the NIK check over JSON: the same use cases
//! and permissions as the pages (`/faq`, the questions of `/sosialisasi/{id}`) and as the calon
//! PMI register's NIK check (`benteng_app::migrants::check_nik`).

use super::{created, ApiJson, FieldProblem, Problem};
use crate::ctx::ApiCaller;
use crate::error::ApiError;
use crate::i18n::{from_accept_language, Tr};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use benteng_app::events::{self, FaqEntry, Question, QuestionInput};
use benteng_app::migrants::{self, NikCheckInput};
use benteng_app::Page;
use benteng_domain::values::format_date;
use benteng_domain::{RegionLevel, Sex};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(faq))
        .routes(routes!(questions, question_create))
        .routes(routes!(question_publish))
        .routes(routes!(nik_check))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FaqParams {
    page: Option<i64>,
}

/// The public FAQ (no token): answers given at awareness events that the officers published,
/// newest first, 25 a page. Who asked and from which village is never published.
#[utoipa::path(get, path = "/api/v1/faq", params(FaqParams), security(()),
    responses((status = 200, description = "Published answers, newest first", body = Page<FaqEntry>)))]
pub(super) async fn faq(
    State(state): State<AppState>,
    Query(p): Query<FaqParams>,
) -> Result<Json<Page<FaqEntry>>, ApiError> {
    Ok(Json(events::faq(&state.db, p.page).await?))
}

/// The questions asked at an event with their answers (`published` 1: on the public FAQ), for
/// whoever may see the event, as its page shows them: users whose area touches the event's
/// place; a desa user, the events of their kabupaten/kota and those their village is invited
/// to. Others are refused with 403, as `GET /api/v1/events/{id}` is.
#[utoipa::path(get, path = "/api/v1/events/{id}/questions", params(("id" = i64, Path)),
    responses((status = 200, description = "The event's questions in the order they were asked", body = Vec<Question>),
        (status = 403, description = "The event is outside the caller's area", body = Problem),
        (status = 404, description = "No such event", body = Problem)))]
pub(super) async fn questions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Question>>, ApiError> {
    Ok(Json(events::questions(&state.db, &ctx, id).await?))
}

/// Record a question asked at the event and, when given, its answer (officers and the Kanwil
/// who manage the event, as on its page): `question` required (up to 2000 characters),
/// `village` one of the invited villages or empty, `answer` up to 5000.
#[utoipa::path(post, path = "/api/v1/events/{id}/questions", params(("id" = i64, Path)), request_body = QuestionInput,
    responses((status = 201, description = "Recorded; the question's id", body = super::Created),
        (status = 403, description = "The caller's role may not manage events, or not this one", body = Problem),
        (status = 404, description = "No such event", body = Problem),
        (status = 422, description = "A field is invalid (named in `errors`)", body = Problem)))]
pub(super) async fn question_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<QuestionInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        events::add_question(&state.db, &ctx, id, &i).await?,
    ))
}

/// Publish or take back.
#[derive(Deserialize, ToSchema)]
pub(super) struct PublishBody {
    /// True: on the public FAQ; false: taken back.
    published: bool,
}

/// Publish an answered question to the public FAQ, or take it back (officers and the Kanwil
/// who manage the event). A question without an answer cannot be published (422 on
/// `answer`).
#[utoipa::path(post, path = "/api/v1/events/{id}/questions/{qid}/publish",
    params(("id" = i64, Path), ("qid" = i64, Path, description = "The question's id")), request_body = PublishBody,
    responses((status = 204, description = "Published or taken back"),
        (status = 403, description = "The caller's role may not manage events, or not this one", body = Problem),
        (status = 404, description = "No such event, or no such question in it", body = Problem),
        (status = 422, description = "The question has no answer yet (`answer`)", body = Problem)))]
pub(super) async fn question_publish(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, qid)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<PublishBody>,
) -> Result<StatusCode, ApiError> {
    events::publish_question(&state.db, &ctx, id, qid, b.published).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The district of a NIK as the region list names it.
#[derive(Serialize, ToSchema)]
pub(super) struct NikRegion {
    /// The district (*kecamatan*) code, e.g. `35.07.11`.
    code: String,
    province: String,
    /// The kabupaten/kota.
    regency: String,
    /// The kecamatan.
    district: String,
}

/// One thing the register would flag.
#[derive(Serialize, ToSchema)]
pub(super) struct NikFindingBody {
    /// `nik:region_unknown`, `nik:dob_mismatch`, `nik:sex_mismatch`, `age:under_18` or
    /// `nik:under_18`.
    code: String,
    /// What it means, in the caller's language.
    message: String,
}

/// The answer of the NIK check.
#[derive(Serialize, ToSchema)]
pub(super) struct NikCheckResult {
    /// True when `nik` is a structurally valid NIK (16 digits, a province, kabupaten/kota and
    /// kecamatan part, a birth date that exists, women's day plus 40, a serial). There is no
    /// check digit: a valid NIK may still not exist at Dukcapil.
    valid: bool,
    /// Why the NIK is not valid, on field `nik` (`err-required`, `err-nik-format`), in the
    /// caller's language; empty when it is.
    errors: Vec<FieldProblem>,
    /// The NIK's district with its kabupaten/kota and province; null when the NIK is not
    /// valid or the district is not in the region list (then `findings` has
    /// `nik:region_unknown`).
    region: Option<NikRegion>,
    /// The birth date in the NIK, `YYYY-MM-DD`, the century chosen so that it is not after
    /// the current year (as the register does).
    #[schema(format = Date)]
    birth_date: Option<String>,
    /// The sex in the NIK: `male` or `female`.
    sex: Option<String>,
    /// What the calon PMI register would flag (flags for Dukcapil, not refusals), in the
    /// register's order; empty when the NIK is not valid.
    findings: Vec<NikFindingBody>,
}

/// Check a NIK as the calon PMI register does (any signed-in user; nothing stored or logged).
///
/// For the verification workflow; the NIK travels in the body, never in the URL. Decision: a
/// NIK that is not one answers 200 with `valid` false and the reason on field `nik`, because
/// the validity is the question asked, not a fault of the request. A declared `birth_date` or
/// `sex` that cannot be read is a fault of the request: 422 naming the field. (The
/// operation's `description` below says the same to the document's readers.)
#[utoipa::path(post, path = "/api/v1/nik/check", request_body = NikCheckInput,
    description = "Check a NIK as the calon PMI register does: its structure, its district (kecamatan) in the region list, the birth date and sex it encodes, and, against the birth date and sex the person declared, the register's flags (birth date or sex mismatch, under 18). Any signed-in user; nothing is stored or logged; each check counts against the caller's search quota (429 beyond it). A NIK that is not structurally valid answers 200 with `valid` false and the reason on field `nik` in `errors`. A declared `birth_date` (YYYY-MM-DD, not in the future) or `sex` (male or female) that cannot be read answers 422 naming the field.",
    responses((status = 200, description = "The check's answer (also when the NIK is not valid)", body = NikCheckResult),
        (status = 400, description = "The body is not JSON or has no `nik`", body = Problem),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "The declared `birth_date` or `sex` cannot be read (named in `errors`)", body = Problem),
        (status = 429, description = "Over the caller's search quota (`searches_per_minute`, shared with report searches)", body = Problem)))]
pub(super) async fn nik_check(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    headers: HeaderMap,
    ApiJson(i): ApiJson<NikCheckInput>,
) -> Result<Json<NikCheckResult>, ApiError> {
    // Checks count against the caller's search quota (`searches_per_minute`), so the endpoint
    // cannot be run through a list of numbers at speed.
    if !state.search_limiter.check(ctx.actor.user_id) {
        return Err(ApiError::RateLimited);
    }
    let c = migrants::check_nik(&state.db, &ctx, &i).await?;
    let tr = caller_tr(&headers);
    let errors = c
        .nik_error
        .map(|code| FieldProblem {
            field: "nik".into(),
            code: code.into(),
            message: tr.t(code),
        })
        .into_iter()
        .collect();
    let region = c.region.map(|p| {
        let name = |level: RegionLevel| {
            p.ancestors
                .iter()
                .find(|r| r.level() == level)
                .map(|r| r.name.clone())
                .unwrap_or_default()
        };
        NikRegion {
            province: name(RegionLevel::Provinsi),
            regency: name(RegionLevel::KabupatenKota),
            code: p.region.code,
            district: p.region.name,
        }
    });
    Ok(Json(NikCheckResult {
        valid: c.nik_error.is_none(),
        errors,
        region,
        birth_date: c.birth_date.map(format_date),
        sex: c.sex.map(|s| {
            match s {
                Sex::Male => "male",
                Sex::Female => "female",
            }
            .to_string()
        }),
        findings: c
            .findings
            .into_iter()
            .map(|code| NikFindingBody {
                // The register's page names its flags the same way (`pages::migrants`).
                message: tr.t(&format!("flag-{}", code.replace([':', '_'], "-"))),
                code: code.to_string(),
            })
            .collect(),
    }))
}

/// The caller's language for words inside a successful answer (problem bodies are translated
/// by `error::localise` from the same header).
fn caller_tr(headers: &HeaderMap) -> Tr {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or("id");
    Tr::new(lang)
}
