//! Dukcapil's desk (`/cek-nik`): the calon PMI whose NIK the register flagged, in the
//! agency's area, each with a small form to answer "the NIK is right" or "the right NIK is …".
//! Only Dukcapil users; others get 403 and no menu item.

use super::{flash_redirect, html_status, parse_id, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::migrants::{NikAnswerInput, NikQueueRow};
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cek-nik", get(list))
        .route("/cek-nik/{id}", post(answer))
}

#[derive(Deserialize)]
struct ListQuery {
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "nik_desk.html")]
struct DeskPage {
    l: Layout,
    rows: Vec<NikQueueRow>,
    pager: Pager,
    /// The row whose answer came back with an error, its input and the messages.
    failed: i64,
    input: NikAnswerInput,
    errors: Vec<(String, String)>,
}

impl DeskPage {
    fn flag(&self, code: &str) -> String {
        self.l
            .tr
            .t(&format!("flag-{}", code.replace([':', '_'], "-")))
    }

    fn err(&self, id: &i64, field: &str) -> Option<&String> {
        (*id == self.failed)
            .then(|| self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m))
            .flatten()
    }
}

async fn page(
    state: &AppState,
    auth: &Auth,
    hal: Option<i64>,
    failed: i64,
    input: NikAnswerInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let list = benteng_app::migrants::nik_queue(&state.db, auth.ctx(), hal).await?;
    let pager = Pager::new(&list, "/cek-nik", &[]);
    let tr = &auth.0.tr;
    html_status(
        status,
        &DeskPage {
            l: Layout::new(&auth.0, "nik-desk-title").await?,
            rows: list.items,
            pager,
            failed,
            input,
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
        },
    )
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    page(
        &state,
        &auth,
        q.hal,
        0,
        NikAnswerInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<NikAnswerInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match benteng_app::migrants::answer_nik(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-nik-answered", "/cek-nik").await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            page(&state, &auth, None, id, i, &e, status).await
        }
    }
}
