//! The JSON API under `/api/v1`: the same use cases and permissions as the pages, with bearer
//! tokens (`POST /api/v1/auth/token`) instead of cookies, so it needs no CSRF token.
//! Errors are `application/problem+json` with field errors in the caller's language.

use crate::ctx::{client_ip, request_id, ApiCaller};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequest, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use benteng_app::account::{self, TokenIssue};
use benteng_app::agencies::{self, Agency, AgencyInput};
use benteng_app::audit::{AuditEntry, AuditQuery};
use benteng_app::desa_binaan::{
    ContactInput, DesaBinaan, DesaBinaanDetail, DesaBinaanInput, DesaBinaanQuery,
};
use benteng_app::offices::{self, AreaEndInput, AreaInput, Office, OfficeArea, OfficeInput};
use benteng_app::regions::{Region, RegionPath};
use benteng_app::users::{User, UserInput};
use benteng_app::visits::{Visit, VisitInput};
use benteng_app::Page;
use benteng_domain::{RegionLevel, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod contract;
mod events;
mod figures;
mod migrants;
mod p3mi;
mod public;
mod reports;
mod rooms;
mod screening;
mod subjects;

/// The API's routes, each declared once by its handler's `#[utoipa::path]` (method and full
/// path under `/api/v1`): the router and the OpenAPI document are made from the same list,
/// so an operation cannot be served without being documented or the reverse.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(token_create, token_revoke))
        .routes(routes!(me))
        .routes(routes!(regions))
        .routes(routes!(region))
        .routes(routes!(offices, office_create))
        .routes(routes!(office, office_update))
        .routes(routes!(office_area))
        .routes(routes!(office_area_end))
        .routes(routes!(agencies, agency_create))
        .routes(routes!(agency, agency_update))
        .routes(routes!(desa_list, desa_create))
        .routes(routes!(desa_get, desa_update))
        .routes(routes!(desa_officers))
        .routes(routes!(desa_contact_add))
        .routes(routes!(desa_contact_remove))
        .routes(routes!(visits, visit_create))
        .routes(routes!(users, user_create))
        .routes(routes!(user, user_update))
        .routes(routes!(audit))
        .merge(reports::routes())
        .merge(screening::routes())
        .merge(p3mi::routes())
        .merge(migrants::routes())
        .merge(figures::routes())
        .merge(events::routes())
        .merge(rooms::routes())
        .merge(subjects::routes())
        .merge(public::routes())
}

/// The document served at `/api/v1/openapi.json`, made once when the router is built.
static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();

/// The API under `/api/v1`: its operations, the OpenAPI document, and a problem body (404)
/// for every other path below it.
pub fn router() -> Router<AppState> {
    let (router, doc) = routes().split_for_parts();
    let _ = DOC.set(contract::complete(doc));
    let not_found = || async { ApiError::NotFound };
    router
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1", any(not_found))
        .route("/api/v1/", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
}

/// JSON body whose rejection is an [`ApiError`] (a problem body, never plain text).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

#[derive(OpenApi)]
#[openapi(
    info(title = "Benteng API", version = "1", description = "Desa Binaan Imigrasi: regions, offices, agencies, desa binaan, users, audit; early-warning reports (public intake and tracking without a token), referrals, cases and their HTCDS export, notifications; passport screening against the watchlist; the registry of licensed placement companies (P3MI); the villages' calon PMI register with its legal checklist and family permission letters. Authenticate with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`. Errors are RFC 9457 problem+json bodies in the caller's language (Accept-Language), with `errors` naming each field (a body field of the wrong type answers 400 with `err-json-field` on its path, e.g. `people[0].nik`). The FAQ and an event's questions and answers; the NIK check for the verification workflow. Partner systems hear of events by signed webhooks (registered on the Integrasi page; format in docs/webhooks.md). Lenient forms, on purpose: text fields of a request body also accept a number or a boolean (read as its text, e.g. a phone sent as a number); an empty query parameter is the same as an absent one."),
    components(schemas(TokenRequest, TokenResponse, Created, Me, OfficersBody, Problem, FieldProblem,
          reports::PublicReportBody, reports::PublicReceipt, reports::CreatedReport, reports::IndicatorsBody, reports::PriorityBody,
          reports::PriorityReasonBody, reports::AssigneeBody, reports::TextBody, reports::CaseOpenBody, reports::FileBytes,
          screening::RowsBody, screening::RowProblem, p3mi::OfferResult, p3mi::OfferReason,
          migrants::MigrantCreated, migrants::StatusResult, migrants::GuideSaved, events::CheckinResult,
          events::StageInput, events::BankJson, events::AnswersInput, rooms::AlertPosted,
          public::PublishBody, public::NikCheckResult, public::NikRegion, public::NikFindingBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// The OpenAPI document, generated from the handlers below.
pub fn openapi_doc() -> utoipa::openapi::OpenApi {
    DOC.get_or_init(|| contract::complete(routes().split_for_parts().1))
        .clone()
}

async fn openapi() -> impl IntoResponse {
    Json(openapi_doc())
}

/// The problem body every error uses.
#[derive(Serialize, ToSchema)]
struct Problem {
    r#type: String,
    title: String,
    status: u16,
    errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
struct FieldProblem {
    field: String,
    code: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
struct Created {
    id: i64,
}

fn created(id: i64) -> Response {
    (StatusCode::CREATED, Json(Created { id })).into_response()
}

#[derive(Deserialize, ToSchema)]
struct TokenRequest {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// The current six-digit code of the authenticator app, for accounts with a second
    /// factor (TOTP). Without it, or with a wrong or already used one, the answer is 401 with
    /// a field error on `otp` (`err-otp-required`, `err-otp-wrong`).
    #[serde(default)]
    otp: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct TokenResponse {
    token: String,
    /// Unix seconds.
    expires_at: i64,
}

struct Origin {
    ip: Option<String>,
    request_id: Option<String>,
    user_agent: Option<String>,
}

impl axum::extract::FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Origin {
            ip: client_ip(parts, state.config.trust_proxy),
            request_id: request_id(&parts.headers),
            user_agent: parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
    }
}

/// Exchange a username and password (and, for accounts with a second factor, `otp`) for a
/// bearer token. 403 when the password must be changed or the role requires a second factor
/// not yet enrolled (both on the web first).
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest, security(()),
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 403, body = Problem), (status = 429, body = Problem)))]
async fn token_create(
    State(state): State<AppState>,
    origin: Origin,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    if !state
        .limiter
        .check(origin.ip.as_deref(), &body.username)
        .await
    {
        return Err(ApiError::RateLimited);
    }
    let from = account::Origin {
        ip: origin.ip.as_deref(),
        request_id: origin.request_id.as_deref(),
        user_agent: origin.user_agent.as_deref(),
    };
    let ttl = state.config.api_token_hours * 3600;
    let req = account::TokenRequest {
        username: &body.username,
        password: &body.password,
        otp: body.otp.as_deref(),
    };
    match account::issue_token(&state.db, &state.config.second_factor, req, from, ttl).await? {
        TokenIssue::Refused => Err(ApiError::LoginFailed),
        TokenIssue::MustChangePassword => Err(ApiError::PasswordChangeRequired),
        TokenIssue::MustEnrol => Err(ApiError::SecondFactorRequired),
        TokenIssue::OtpMissing => Err(ApiError::OtpRequired("err-otp-required")),
        TokenIssue::OtpWrong => Err(ApiError::OtpRequired("err-otp-wrong")),
        TokenIssue::Issued { token, expires_at } => Ok(Json(TokenResponse { token, expires_at })),
    }
}

/// Revoke the token used for this request.
#[utoipa::path(delete, path = "/api/v1/auth/token", responses((status = 204), (status = 401, body = Problem)))]
async fn token_revoke(
    State(state): State<AppState>,
    _caller: ApiCaller,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    if let Some(t) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        account::revoke_token(&state.db, t.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct Me {
    user_id: i64,
    username: String,
    role: String,
    pimpasa: bool,
    pemeriksa: bool,
    /// The places this user sees: `{"kind": "all"}`, `{"kind": "province", "codes": "35"}`, …
    #[schema(value_type = Object)]
    scope: serde_json::Value,
}

/// Who the token belongs to and what they see.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn me(ApiCaller(ctx): ApiCaller) -> Json<Me> {
    let a = ctx.actor;
    Json(Me {
        user_id: a.user_id,
        username: a.username,
        role: a.role.as_str().into(),
        pimpasa: a.pimpasa,
        pemeriksa: a.pemeriksa,
        scope: serde_json::to_value(&a.scope).unwrap_or_default(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RegionQuery {
    /// Name part or code prefix.
    q: Option<String>,
    /// Parent code; provinces when absent.
    parent: Option<String>,
    /// 1 provinsi … 4 desa, with `q`.
    level: Option<i64>,
    page: Option<i64>,
}

/// Browse (by parent) or search regions.
#[utoipa::path(get, path = "/api/v1/regions", params(RegionQuery), responses((status = 200, body = Page<Region>), (status = 401, body = Problem)))]
async fn regions(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<RegionQuery>,
) -> Result<Json<Page<Region>>, ApiError> {
    let page = match q.q.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => {
            benteng_app::regions::search(
                &state.db,
                &ctx,
                text,
                q.level.and_then(RegionLevel::from_i64),
                q.page,
                100,
            )
            .await?
        }
        None => {
            benteng_app::regions::children(&state.db, &ctx, q.parent.as_deref(), q.page, 100)
                .await?
        }
    };
    Ok(Json(page))
}

/// One region with its ancestors.
#[utoipa::path(get, path = "/api/v1/regions/{code}", params(("code" = String, Path)), responses((status = 200, body = RegionPath), (status = 404, body = Problem)))]
async fn region(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(code): Path<String>,
) -> Result<Json<RegionPath>, ApiError> {
    Ok(Json(
        benteng_app::regions::path(&state.db, &ctx, &code)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/offices", params(PageQuery), responses((status = 200, body = Page<Office>), (status = 403, body = Problem)))]
async fn offices(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Office>>, ApiError> {
    Ok(Json(offices::list(&state.db, &ctx, q.page, 100).await?))
}

#[derive(Serialize, ToSchema)]
struct OfficeWithAreas {
    office: Office,
    areas: Vec<OfficeArea>,
}

#[utoipa::path(get, path = "/api/v1/offices/{id}", params(("id" = i64, Path)), responses((status = 200, body = OfficeWithAreas), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn office(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<OfficeWithAreas>, ApiError> {
    let (office, areas) = offices::show(&state.db, &ctx, id).await?;
    Ok(Json(OfficeWithAreas { office, areas }))
}

#[utoipa::path(post, path = "/api/v1/offices", request_body = OfficeInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn office_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<OfficeInput>,
) -> Result<Response, ApiError> {
    Ok(created(offices::create(&state.db, &ctx, &i).await?))
}

#[utoipa::path(put, path = "/api/v1/offices/{id}", params(("id" = i64, Path)), request_body = OfficeInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn office_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<OfficeInput>,
) -> Result<StatusCode, ApiError> {
    offices::update(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Give a kabupaten/kota to the office from `valid_from` on (the previous holder's area ends then).
#[utoipa::path(post, path = "/api/v1/offices/{id}/areas", params(("id" = i64, Path)), request_body = AreaInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn office_area(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<AreaInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        offices::assign_area(&state.db, &ctx, id, &i).await?,
    ))
}

/// End the office's holding of an area from `valid_to` on, without a successor.
#[utoipa::path(post, path = "/api/v1/offices/{id}/areas/{area}/end", params(("id" = i64, Path), ("area" = i64, Path)), request_body = AreaEndInput, responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn office_area_end(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, area)): Path<(i64, i64)>,
    ApiJson(i): ApiJson<AreaEndInput>,
) -> Result<StatusCode, ApiError> {
    offices::end_area(&state.db, &ctx, id, area, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/agencies", params(PageQuery), responses((status = 200, body = Page<Agency>), (status = 403, body = Problem)))]
async fn agencies(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Agency>>, ApiError> {
    Ok(Json(agencies::list(&state.db, &ctx, q.page, 100).await?))
}

#[utoipa::path(get, path = "/api/v1/agencies/{id}", params(("id" = i64, Path)), responses((status = 200, body = Agency), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn agency(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Agency>, ApiError> {
    Ok(Json(agencies::show(&state.db, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/agencies", request_body = AgencyInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn agency_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<AgencyInput>,
) -> Result<Response, ApiError> {
    Ok(created(agencies::create(&state.db, &ctx, &i).await?))
}

#[utoipa::path(put, path = "/api/v1/agencies/{id}", params(("id" = i64, Path)), request_body = AgencyInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn agency_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<AgencyInput>,
) -> Result<StatusCode, ApiError> {
    agencies::update(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The desa binaan registry inside the caller's scope.
#[utoipa::path(get, path = "/api/v1/desa-binaan", params(("q" = Option<String>, Query), ("status" = Option<String>, Query), ("kab" = Option<String>, Query), ("page" = Option<i64>, Query)),
    responses((status = 200, body = Page<DesaBinaan>), (status = 401, body = Problem)))]
async fn desa_list(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<DesaBinaanQuery>,
) -> Result<Json<Page<DesaBinaan>>, ApiError> {
    Ok(Json(
        benteng_app::desa_binaan::list(&state.db, &ctx, &q, 100).await?,
    ))
}

/// One village with officers and contacts (phones masked unless the role needs them; each unmasked view is audited).
#[utoipa::path(get, path = "/api/v1/desa-binaan/{id}", params(("id" = i64, Path)), responses((status = 200, body = DesaBinaanDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn desa_get(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<DesaBinaanDetail>, ApiError> {
    Ok(Json(
        benteng_app::desa_binaan::show(&state.db, &ctx, id).await?,
    ))
}

/// Enrol a village.
#[utoipa::path(post, path = "/api/v1/desa-binaan", request_body = DesaBinaanInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn desa_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<DesaBinaanInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::desa_binaan::enrol(&state.db, &ctx, &i).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/desa-binaan/{id}", params(("id" = i64, Path)), request_body = DesaBinaanInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn desa_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<DesaBinaanInput>,
) -> Result<StatusCode, ApiError> {
    benteng_app::desa_binaan::update(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct OfficersBody {
    user_ids: Vec<i64>,
}

/// Replace the PIMPASA officers of a village.
#[utoipa::path(put, path = "/api/v1/desa-binaan/{id}/officers", params(("id" = i64, Path)), request_body = OfficersBody, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn desa_officers(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<OfficersBody>,
) -> Result<StatusCode, ApiError> {
    benteng_app::desa_binaan::set_officers(&state.db, &ctx, id, &b.user_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/desa-binaan/{id}/contacts", params(("id" = i64, Path)), request_body = ContactInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn desa_contact_add(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ContactInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::desa_binaan::add_contact(&state.db, &ctx, id, &i).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/desa-binaan/{id}/contacts/{cid}", params(("id" = i64, Path), ("cid" = i64, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn desa_contact_remove(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path((id, cid)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    benteng_app::desa_binaan::remove_contact(&state.db, &ctx, id, cid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/desa-binaan/{id}/visits", params(("id" = i64, Path), PageQuery), responses((status = 200, body = Page<Visit>), (status = 403, body = Problem)))]
async fn visits(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Visit>>, ApiError> {
    Ok(Json(
        benteng_app::visits::list(&state.db, &ctx, id, q.page, 100).await?,
    ))
}

/// Record a village visit (PIMPASA officers and admins).
#[utoipa::path(post, path = "/api/v1/desa-binaan/{id}/visits", params(("id" = i64, Path)), request_body = VisitInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn visit_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<VisitInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::visits::record(&state.db, &ctx, id, &i).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UserQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/users", params(UserQuery), responses((status = 200, body = Page<User>), (status = 403, body = Problem)))]
async fn users(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<UserQuery>,
) -> Result<Json<Page<User>>, ApiError> {
    let role = q.role.as_deref().and_then(|r| Role::parse(r).ok());
    Ok(Json(
        benteng_app::users::list(
            &state.db,
            &ctx,
            q.q.as_deref().unwrap_or(""),
            role,
            q.page,
            100,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn user(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(benteng_app::users::show(&state.db, &ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/users", request_body = UserInput, responses((status = 201, body = Created), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn user_create(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    ApiJson(i): ApiJson<UserInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        benteng_app::users::create(&state.db, &ctx, &i).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", params(("id" = i64, Path)), request_body = UserInput, responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn user_update(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<UserInput>,
) -> Result<StatusCode, ApiError> {
    benteng_app::users::update(&state.db, &ctx, id, &i).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    username: Option<String>,
    action: Option<String>,
    entity: Option<String>,
    sensitive: Option<bool>,
    /// Unix seconds, inclusive.
    from: Option<i64>,
    /// Unix seconds, exclusive.
    to: Option<i64>,
    page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), responses((status = 200, body = Page<AuditEntry>), (status = 403, body = Problem)))]
async fn audit(
    State(state): State<AppState>,
    ApiCaller(ctx): ApiCaller,
    Query(q): Query<AuditParams>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let query = AuditQuery {
        username: q.username,
        action: q.action,
        entity: q.entity,
        sensitive_only: q.sensitive.unwrap_or(false),
        from: q.from,
        to: q.to,
        page: q.page,
    };
    Ok(Json(
        benteng_app::audit::list(&state.db, &ctx, &query, 100).await?,
    ))
}
