//! The forms on a report's page: indicators, assignment, status, merging, added information,
//! referral and opening a case. Each answers with the report's page: a message after a
//! write, or the page again with the errors.

use super::detail::{show_page, ReportPage};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::record;
use crate::pages::upload::read_form;
use crate::pages::{flash_redirect, parse_id};
use crate::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use benteng_app::referrals::ReferralInput;
use benteng_app::reports::{MergeInput, StatusInput};
use benteng_domain::report::TraffickingStatus;
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub(super) async fn set_indicators(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    crate::pages::FormPairs(pairs): crate::pages::FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let codes: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "indikator")
        .map(|(_, v)| v)
        .collect();
    let r = benteng_app::reports::set_indicators(&state.db, auth.ctx(), id, &codes)
        .await
        .map(|_| ());
    record::after::<ReportPage>(&state, &auth, id, r, "flash-saved").await
}

#[derive(Deserialize)]
pub(super) struct AssignForm {
    #[serde(default)]
    user_id: String,
}

pub(super) async fn assign(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let uid = match f.user_id.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| WebError::BadRequest)?),
    };
    let r = benteng_app::reports::assign(&state.db, auth.ctx(), id, uid).await;
    record::after::<ReportPage>(&state, &auth, id, r, "flash-saved").await
}

pub(super) async fn change_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = benteng_app::reports::change_status(&state.db, auth.ctx(), id, &f).await;
    record::after::<ReportPage>(&state, &auth, id, r, "flash-saved").await
}

pub(super) async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<MergeInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match benteng_app::reports::merge(&state.db, auth.ctx(), id, &f).await {
        Ok(target) => flash_redirect(&auth.0, "flash-merged", &format!("/laporan/{target}")).await,
        Err(e) => record::after::<ReportPage>(&state, &auth, id, Err(e), "flash-saved").await,
    }
}

pub(super) async fn add_info(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let f = read_form(&auth.0, mp).await?;
    if let Some(code) = f.file_error {
        let mut e = FieldErrors::new();
        e.add("files", code);
        return show_page(
            &state,
            &auth,
            id,
            false,
            &e,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let r = benteng_app::reports::add_info(
        &state.db,
        auth.ctx(),
        id,
        &f.get("body"),
        &f.files,
        &*state.store,
    )
    .await;
    record::after::<ReportPage>(&state, &auth, id, r, "flash-saved").await
}

pub(super) async fn refer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReferralInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match benteng_app::referrals::refer(&state.db, auth.ctx(), id, &f).await {
        // Back to the report, at its list of referrals (the new one first there): the
        // officer usually has more to do on the report.
        Ok(_) => flash_redirect(&auth.0, "flash-referred", &format!("/laporan/{id}#rujukan")).await,
        Err(e) => record::after::<ReportPage>(&state, &auth, id, Err(e), "flash-saved").await,
    }
}

#[derive(Deserialize)]
pub(super) struct CaseForm {
    #[serde(default)]
    trafficking_status: String,
}

pub(super) async fn open_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CaseForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let ts = if f.trafficking_status.is_empty() {
        TraffickingStatus::Dugaan.as_str().to_string()
    } else {
        f.trafficking_status
    };
    match benteng_app::cases::open(&state.db, auth.ctx(), id, &ts).await {
        Ok(cid) => flash_redirect(&auth.0, "flash-case-opened", &format!("/kasus/{cid}")).await,
        Err(e) => record::after::<ReportPage>(&state, &auth, id, Err(e), "flash-saved").await,
    }
}
