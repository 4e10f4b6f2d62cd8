//! What the pages of one record (a report, a referral, a case) share: showing it, with its
//! people's personal data revealed on `?tampilkan=1`, and answering a form posted on it.

use super::{flash_redirect, parse_id};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use benteng_domain::FieldErrors;
use serde::Deserialize;
use std::future::Future;

/// One kind of record's page.
pub(super) trait RecordPage {
    /// The page of record `id`, where a write on it returns.
    fn path(id: i64) -> String;

    /// Render the page of record `id`, its personal data in full with `reveal` (for those who
    /// may), with the errors of a form posted on it (`e`) and `status`.
    fn render(
        state: &AppState,
        auth: &Auth,
        id: i64,
        reveal: bool,
        e: &FieldErrors,
        status: StatusCode,
    ) -> impl Future<Output = Result<Response, WebError>> + Send;
}

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    tampilkan: Option<String>,
}

/// The record's page; `?tampilkan=1` asks to reveal personal data (shown only to roles that
/// may, each such view audited).
pub(super) async fn show<P: RecordPage>(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let reveal = q.tampilkan.as_deref() == Some("1");
    P::render(
        &state,
        &auth,
        id,
        reveal,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// After a write on the record: back to its page with the message `flash`, or its page again
/// with the field errors (422, or 409 for a clash), personal data masked.
pub(super) async fn after<P: RecordPage>(
    state: &AppState,
    auth: &Auth,
    id: i64,
    r: benteng_app::Result<()>,
    flash: &str,
) -> Result<Response, WebError> {
    match r {
        Ok(()) => flash_redirect(&auth.0, flash, &P::path(id)).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            P::render(state, auth, id, false, &e, status).await
        }
    }
}
