//! Immigration offices and their dated working areas.

use super::directory::{self, Desk, ListQuery, Typed};
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
use benteng_app::offices::{
    self, AreaEndInput, AreaInput, Office, OfficeArea, OfficeInput, OFFICE_KINDS,
};
use benteng_domain::{can, Action, FieldErrors, RegionLevel};

const DESK: Desk = Desk {
    path: "/kantor",
    list_title: "offices-title",
    new_title: "offices-new",
    edit_title: "offices-edit",
    manage: Action::OfficeManage,
    kind_label: "field-office-kind",
    kinds: &OFFICE_KINDS,
    kind_prefix: "office-kind-",
    place: ("province_code", "field-province-code", "hint-province-code"),
    place_levels: &[RegionLevel::Provinsi],
    own_page: true,
    conflict_status: true,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kantor", get(list).post(create))
        .route("/kantor/baru", get(new))
        .route("/kantor/{id}", get(show).post(update))
        .route("/kantor/{id}/ubah", get(edit))
        .route("/kantor/{id}/wilayah", post(add_area))
        .route("/kantor/{id}/wilayah/{area}/akhiri", post(end_area))
}

#[derive(Template)]
#[template(path = "offices.html")]
struct ListPage {
    l: Layout,
    /// Each office with its province's name.
    rows: Vec<(Office, String)>,
    pager: Pager,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = offices::list(&state.db, auth.ctx(), q.hal, 50).await?;
    let (l, pager, can_manage) = directory::list_parts(&auth, &DESK, &page).await?;
    let mut rows = Vec::with_capacity(page.items.len());
    for o in page.items {
        let province = super::area::label(&state, &o.province_code).await?;
        rows.push((o, province));
    }
    html(&ListPage {
        l,
        rows,
        pager,
        can_manage,
    })
}

fn office_fields(tr: &Tr, i: &OfficeInput, e: &FieldErrors) -> Vec<Field> {
    let typed = Typed {
        name: &i.name,
        kind: &i.kind,
        place: &i.province_code,
        address: &i.address,
        phone: &i.phone,
        email: &i.email,
    };
    directory::fields(tr, &DESK, typed, e)
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    let input = OfficeInput {
        kind: "kanim".into(),
        ..Default::default()
    };
    let fields = office_fields(&auth.0.tr, &input, &FieldErrors::new());
    directory::new_form(&state, &auth, &DESK, fields).await
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<OfficeInput>,
) -> Result<Response, WebError> {
    let r = offices::create(&state.db, auth.ctx(), &i).await;
    directory::created(&state, &auth, &DESK, r, |e| {
        office_fields(&auth.0.tr, &i, e)
    })
    .await
}

#[derive(Template)]
#[template(path = "office.html")]
struct ShowPage {
    l: Layout,
    office: Office,
    province: String,
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
    let (office, areas) = offices::show(&state.db, auth.ctx(), id).await?;
    let today = benteng_domain::values::format_date(benteng_app::today());
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
    let mut fields = fields;
    super::area::places(
        state,
        &mut fields,
        &[("region_code", &[RegionLevel::KabupatenKota])],
        Some(&auth.ctx().actor.scope),
    )
    .await?;
    let can_manage = can(&auth.ctx().actor, Action::OfficeManage, None);
    let end_error = e.get("valid_to").map(|k| tr.t(k));
    let mut l = Layout::new(&auth.0, "offices-title").await?;
    l.title = office.name.clone();
    html_status(
        status,
        &ShowPage {
            l,
            province: super::area::label(state, &office.province_code).await?,
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
    let (o, _) = offices::show(&state.db, auth.ctx(), id).await?;
    let i = OfficeInput {
        name: o.name,
        kind: o.kind,
        province_code: o.province_code,
        address: o.address.unwrap_or_default(),
        phone: o.phone.unwrap_or_default(),
        email: o.email.unwrap_or_default(),
    };
    let fields = office_fields(&auth.0.tr, &i, &FieldErrors::new());
    directory::edit_form(&state, &auth, &DESK, id, fields).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<OfficeInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = offices::update(&state.db, auth.ctx(), id, &i).await;
    directory::updated(&state, &auth, &DESK, id, r, |e| {
        office_fields(&auth.0.tr, &i, e)
    })
    .await
}

async fn add_area(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<AreaInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match offices::assign_area(&state.db, auth.ctx(), id, &i).await {
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
    match offices::end_area(&state.db, auth.ctx(), id, area, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-area-ended", &format!("/kantor/{id}")).await,
        Err(e) => {
            let (status, e) = form_errors(e)?;
            show_page(&state, &auth, id, &AreaInput::default(), &e, status).await
        }
    }
}
