//! Cek P3MI: anyone searches the registry of licensed placement companies by name or licence
//! number and sees whether the licence is valid today and for which countries; admins add,
//! edit and import entries.

use super::upload::read_csv_form;
use super::{flash_redirect, html, html_status, parse_id, Layout, Pager};
use crate::ctx::{Auth, Viewer};
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::p3mi::{self, ImportOutcome, P3mi, P3miInput};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

const IMPORT_BYTES: usize = 5 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cek-p3mi", get(search))
        .route("/cek-p3mi/{id}", get(show))
        .route("/p3mi", post(create))
        .route("/p3mi/baru", get(new))
        .route("/p3mi/{id}", post(update))
        .route("/p3mi/{id}/ubah", get(edit))
        .route(
            "/p3mi/impor",
            post(import).layer(DefaultBodyLimit::max(IMPORT_BYTES + 64 * 1024)),
        )
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    q: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "p3mi_list.html")]
struct ListPage {
    l: Layout,
    q: String,
    rows: Vec<P3mi>,
    pager: Pager,
    can_manage: bool,
    import: Option<ImportOutcome>,
    import_error: Option<String>,
}

impl ListPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn row_error(&self, field: &str, code: &str) -> String {
        format!("{field}: {}", self.l.tr.t(code))
    }
}

async fn list_page(
    state: &AppState,
    v: &Viewer,
    q: SearchQuery,
    import: Option<ImportOutcome>,
    import_error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let text = q.q.clone().unwrap_or_default();
    let page = p3mi::search(&state.db, &text, q.hal).await?;
    let pager = Pager::new(&page, "/cek-p3mi", &[("q", text.clone())]);
    html_status(
        status,
        &ListPage {
            l: Layout::new(v, "p3mi-title").await?,
            q: text,
            rows: page.items,
            pager,
            can_manage: v
                .ctx
                .as_ref()
                .is_some_and(|c| c.allows(Action::P3miManage, None)),
            import,
            import_error,
        },
    )
}

async fn search(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<SearchQuery>,
) -> Result<Response, WebError> {
    list_page(&state, &v, q, None, None, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "p3mi.html")]
struct ShowPage {
    l: Layout,
    p: P3mi,
    can_manage: bool,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn countries(&self) -> Vec<String> {
        self.p
            .countries
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| self.l.tr.t(&format!("country-{}", c.to_lowercase())))
            .collect()
    }
}

async fn show(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = p3mi::show(&state.db, parse_id(&id)?).await?;
    let mut l = Layout::new(&v, "p3mi-title").await?;
    l.title = p.name.clone();
    html(&ShowPage {
        can_manage: v
            .ctx
            .as_ref()
            .is_some_and(|c| c.allows(Action::P3miManage, None)),
        l,
        p,
    })
}

#[derive(Template)]
#[template(path = "p3mi_form.html")]
struct FormPage {
    l: Layout,
    id: Option<i64>,
    i: P3miInput,
    errors: Vec<(String, String)>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn revoked(&self) -> bool {
        self.i.revoked.is_some()
    }

    /// (field, label id, input type, value) of each text input, in form order.
    fn inputs(&self) -> Vec<(&'static str, &'static str, &'static str, String)> {
        let i = &self.i;
        vec![
            ("name", "field-company", "text", i.name.clone()),
            (
                "licence_no",
                "field-licence-no",
                "text",
                i.licence_no.clone(),
            ),
            (
                "licence_date",
                "field-licence-date",
                "date",
                i.licence_date.clone(),
            ),
            (
                "valid_until",
                "field-valid-until",
                "date",
                i.valid_until.clone(),
            ),
            ("countries", "field-countries", "text", i.countries.clone()),
            ("address", "field-address", "text", i.address.clone()),
            ("phone", "field-phone", "tel", i.phone.clone()),
            ("note", "field-note", "text", i.note.clone()),
        ]
    }
}

async fn form_page(
    auth: &Auth,
    id: Option<i64>,
    i: P3miInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::P3miManage, None)?;
    let tr = &auth.0.tr;
    html_status(
        status,
        &FormPage {
            l: Layout::new(
                &auth.0,
                if id.is_some() {
                    "p3mi-edit-title"
                } else {
                    "p3mi-new-title"
                },
            )
            .await?,
            id,
            i,
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
        },
    )
}

async fn new(auth: Auth) -> Result<Response, WebError> {
    form_page(
        &auth,
        None,
        P3miInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::P3miManage, None)?;
    let p = p3mi::show(&state.db, parse_id(&id)?).await?;
    let i = P3miInput {
        name: p.name,
        licence_no: p.licence_no,
        licence_date: p.licence_date.unwrap_or_default(),
        valid_until: p.valid_until.unwrap_or_default(),
        revoked: (p.revoked == 1).then(|| "1".to_string()),
        countries: p.countries,
        address: p.address.unwrap_or_default(),
        phone: p.phone.unwrap_or_default(),
        note: p.note.unwrap_or_default(),
    };
    form_page(&auth, Some(p.id), i, &FieldErrors::new(), StatusCode::OK).await
}

async fn save(
    state: &AppState,
    auth: &Auth,
    id: Option<i64>,
    i: P3miInput,
) -> Result<Response, WebError> {
    match p3mi::save(&state.db, auth.ctx(), id, &i).await {
        Ok(id) => flash_redirect(&auth.0, "flash-saved", &format!("/cek-p3mi/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(auth, id, i, &e, status).await
        }
    }
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<P3miInput>,
) -> Result<Response, WebError> {
    save(&state, &auth, None, i).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<P3miInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    save(&state, &auth, Some(id), i).await
}

/// Import a CSV list; the result (and each bad row) is shown above the registry.
async fn import(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::P3miManage, None)?;
    let form = read_csv_form(&auth.0, mp, IMPORT_BYTES).await?;
    let all_or_nothing = form.get("semua_atau_tidak") == "1";
    let tr = &auth.0.tr;
    let data = match form.file {
        Ok(Some(d)) => d,
        Ok(None) => {
            return list_page(
                &state,
                &auth.0,
                SearchQuery::default(),
                None,
                Some(tr.t("err-file-required")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(code) => {
            return list_page(
                &state,
                &auth.0,
                SearchQuery::default(),
                None,
                Some(tr.t(code)),
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await
        }
    };
    match p3mi::import(&state.db, auth.ctx(), &data, all_or_nothing).await {
        Ok(o) => {
            let status = if o.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            list_page(
                &state,
                &auth.0,
                SearchQuery::default(),
                Some(o),
                None,
                status,
            )
            .await
        }
        Err(benteng_app::Error::Invalid(e)) => {
            list_page(
                &state,
                &auth.0,
                SearchQuery::default(),
                None,
                e.0.first().map(|x| tr.t(x.code)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
