//! Immigration offices and their dated working areas.

use super::{flash_redirect, form_errors, html, html_status, parse_id, Field, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_db::offices::{AreaEndInput, AreaInput, Office, OfficeArea, OfficeInput, OFFICE_KINDS};
use benteng_domain::{can, Action, FieldErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kantor", get(list).post(create))
        .route("/kantor/baru", get(new))
        .route("/kantor/{id}", get(show).post(update))
        .route("/kantor/{id}/ubah", get(edit))
        .route("/kantor/{id}/wilayah", post(add_area))
        .route("/kantor/{id}/wilayah/{area}/akhiri", post(end_area))
}

#[derive(Deserialize)]
struct ListQuery {
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "offices.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Office>,
    pager: Pager,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = state.db.list_offices(auth.ctx(), q.hal, 50).await?;
    let pager = Pager::new(&page, "/kantor", &[]);
    let can_manage = can(&auth.ctx().actor, Action::OfficeManage, None);
    let l = Layout::new(&auth.0, "offices-title").await?;
    html(&ListPage {
        l,
        rows: page.items,
        pager,
        can_manage,
    })
}

fn office_fields(tr: &Tr, i: &OfficeInput, e: &FieldErrors) -> Vec<Field> {
    let kinds = OFFICE_KINDS
        .iter()
        .map(|k| (k.to_string(), tr.t(&format!("office-kind-{k}"))))
        .collect();
    vec![
        Field::new(tr, "name", "field-name", "text", i.name.clone(), e).required(),
        Field::new(tr, "kind", "field-office-kind", "select", i.kind.clone(), e)
            .required()
            .options(kinds),
        Field::new(
            tr,
            "province_code",
            "field-province-code",
            "text",
            i.province_code.clone(),
            e,
        )
        .required()
        .hint(tr.t("hint-province-code")),
        Field::new(tr, "address", "field-address", "text", i.address.clone(), e),
        Field::new(tr, "phone", "field-phone", "tel", i.phone.clone(), e),
        Field::new(tr, "email", "field-email", "email", i.email.clone(), e),
    ]
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

async fn form(
    auth: &Auth,
    title: &str,
    action: String,
    cancel: String,
    fields: Vec<Field>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let l = Layout::new(&auth.0, title).await?;
    html_status(
        status,
        &FormPage {
            l,
            action,
            fields,
            cancel,
        },
    )
}

async fn new(auth: Auth) -> Result<Response, WebError> {
    auth.ctx().require(Action::OfficeManage, None)?;
    let input = OfficeInput {
        kind: "kanim".into(),
        ..Default::default()
    };
    form(
        &auth,
        "offices-new",
        "/kantor".into(),
        "/kantor".into(),
        office_fields(&auth.0.tr, &input, &FieldErrors::new()),
        StatusCode::OK,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<OfficeInput>,
) -> Result<Response, WebError> {
    match state.db.create_office(auth.ctx(), &i).await {
        Ok(id) => flash_redirect(&auth.0, "flash-saved", &format!("/kantor/{id}")).await,
        Err(e) => {
            let (status, e) = form_errors(e)?;
            form(
                &auth,
                "offices-new",
                "/kantor".into(),
                "/kantor".into(),
                office_fields(&auth.0.tr, &i, &e),
                status,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "office.html")]
struct ShowPage {
    l: Layout,
    office: Office,
    kind_label: String,
    current: Vec<OfficeArea>,
    history: Vec<OfficeArea>,
    can_manage: bool,
    fields: Vec<Field>,
    /// The error of the "end an area" form, shown above the assignment form.
    end_error: Option<String>,
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    area: &AreaInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (office, areas) = state.db.get_office(auth.ctx(), id).await?;
    let today = benteng_domain::values::format_date(benteng_db::today());
    let (current, history): (Vec<_>, Vec<_>) =
        areas.into_iter().partition(|a| a.current_on(&today));
    let tr = &auth.0.tr;
    let fields = vec![
        Field::new(
            tr,
            "region_code",
            "field-kabkota-code",
            "text",
            area.region_code.clone(),
            e,
        )
        .required()
        .hint(tr.t("hint-kabkota-code")),
        Field::new(
            tr,
            "valid_from",
            "field-valid-from",
            "date",
            area.valid_from.clone(),
            e,
        )
        .required()
        .hint(tr.t("hint-valid-from")),
        Field::new(tr, "note", "field-note", "text", area.note.clone(), e),
    ];
    let kind_label = tr.t(&format!("office-kind-{}", office.kind));
    let can_manage = can(&auth.ctx().actor, Action::OfficeManage, None);
    let end_error = e.get("valid_to").map(|k| tr.t(k));
    let mut l = Layout::new(&auth.0, "offices-title").await?;
    l.title = office.name.clone();
    html_status(
        status,
        &ShowPage {
            l,
            office,
            kind_label,
            current,
            history,
            can_manage,
            fields,
            end_error,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show_page(
        &state,
        &auth,
        id,
        &AreaInput::default(),
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
    let id = parse_id(&id)?;
    auth.ctx().require(Action::OfficeManage, None)?;
    let (o, _) = state.db.get_office(auth.ctx(), id).await?;
    let i = OfficeInput {
        name: o.name,
        kind: o.kind,
        province_code: o.province_code,
        address: o.address.unwrap_or_default(),
        phone: o.phone.unwrap_or_default(),
        email: o.email.unwrap_or_default(),
    };
    form(
        &auth,
        "offices-edit",
        format!("/kantor/{id}"),
        format!("/kantor/{id}"),
        office_fields(&auth.0.tr, &i, &FieldErrors::new()),
        StatusCode::OK,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<OfficeInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.update_office(auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/kantor/{id}")).await,
        Err(e) => {
            let (status, e) = form_errors(e)?;
            form(
                &auth,
                "offices-edit",
                format!("/kantor/{id}"),
                format!("/kantor/{id}"),
                office_fields(&auth.0.tr, &i, &e),
                status,
            )
            .await
        }
    }
}

async fn add_area(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<AreaInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.assign_area(auth.ctx(), id, &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-area-assigned", &format!("/kantor/{id}")).await,
        Err(e) => {
            let (status, e) = form_errors(e)?;
            show_page(&state, &auth, id, &i, &e, status).await
        }
    }
}

async fn end_area(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, area)): Path<(String, String)>,
    Form(i): Form<AreaEndInput>,
) -> Result<Response, WebError> {
    let (id, area) = (parse_id(&id)?, parse_id(&area)?);
    match state.db.end_area(auth.ctx(), id, area, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-area-ended", &format!("/kantor/{id}")).await,
        Err(e) => {
            let (status, e) = form_errors(e)?;
            show_page(&state, &auth, id, &AreaInput::default(), &e, status).await
        }
    }
}
