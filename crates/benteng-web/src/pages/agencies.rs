//! Partner agencies (*instansi mitra*): the list, and the forms admins add and edit them with
//! (the flow offices share, [`super::directory`]).

use super::directory::{self, Desk, ListQuery, Typed};
use super::{html, parse_id, Field, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use benteng_app::agencies::{self, Agency, AgencyInput, AGENCY_KINDS};
use benteng_domain::RegionLevel;
use benteng_domain::{Action, FieldErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/instansi", get(list).post(create))
        .route("/instansi/baru", get(new))
        .route("/instansi/{id}", get(edit).post(update))
}

const DESK: Desk = Desk {
    path: "/instansi",
    list_title: "agencies-title",
    new_title: "agencies-new",
    edit_title: "agencies-edit",
    manage: Action::AgencyManage,
    kind_label: "field-agency-kind",
    kinds: &AGENCY_KINDS,
    kind_prefix: "agency-kind-",
    place: ("region_code", "field-agency-region", "hint-agency-region"),
    place_levels: &[RegionLevel::Provinsi, RegionLevel::KabupatenKota],
    own_page: false,
    conflict_status: false,
};

#[derive(Template)]
#[template(path = "agencies.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Agency>,
    pager: Pager,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = agencies::list(&state.db, auth.ctx(), q.hal, 50).await?;
    let (l, pager, can_manage) = directory::list_parts(&auth, &DESK, &page).await?;
    html(&ListPage {
        l,
        rows: page.items,
        pager,
        can_manage,
    })
}

fn agency_fields(tr: &Tr, i: &AgencyInput, e: &FieldErrors) -> Vec<Field> {
    let typed = Typed {
        name: &i.name,
        kind: &i.kind,
        place: &i.region_code,
        address: &i.address,
        phone: &i.phone,
        email: &i.email,
    };
    directory::fields(tr, &DESK, typed, e)
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    let fields = agency_fields(&auth.0.tr, &AgencyInput::default(), &FieldErrors::new());
    directory::new_form(&state, &auth, &DESK, fields).await
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<AgencyInput>,
) -> Result<Response, WebError> {
    let r = agencies::create(&state.db, auth.ctx(), &i).await;
    directory::created(&state, &auth, &DESK, r, |e| {
        agency_fields(&auth.0.tr, &i, e)
    })
    .await
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    auth.ctx().require(Action::AgencyManage, None)?;
    let a = agencies::show(&state.db, auth.ctx(), id).await?;
    let i = AgencyInput {
        name: a.name,
        kind: a.kind,
        region_code: a.region_code,
        address: a.address.unwrap_or_default(),
        phone: a.phone.unwrap_or_default(),
        email: a.email.unwrap_or_default(),
    };
    let fields = agency_fields(&auth.0.tr, &i, &FieldErrors::new());
    directory::edit_form(&state, &auth, &DESK, id, fields).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<AgencyInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = agencies::update(&state.db, auth.ctx(), id, &i).await;
    directory::updated(&state, &auth, &DESK, id, r, |e| {
        agency_fields(&auth.0.tr, &i, e)
    })
    .await
}
