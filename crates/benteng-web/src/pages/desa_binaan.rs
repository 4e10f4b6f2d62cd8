//! The desa binaan registry pages: list, enrol, detail, edit, officers, contacts, visits.

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
use benteng_app::desa_binaan::{
    self, ContactInput, DesaBinaan, DesaBinaanDetail, DesaBinaanInput, DesaBinaanQuery, User,
    STATUSES,
};
use benteng_app::visits::{self, Visit, VisitInput};
use benteng_domain::{can, Action, FieldErrors, RegionCode};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/desa-binaan", get(list).post(create))
        .route("/desa-binaan/baru", get(new))
        .route("/desa-binaan/{id}", get(show).post(update))
        .route("/desa-binaan/{id}/ubah", get(edit))
        .route("/desa-binaan/{id}/petugas", post(set_officers))
        .route("/desa-binaan/{id}/kontak", post(add_contact))
        .route("/desa-binaan/{id}/kontak/{cid}/hapus", post(remove_contact))
        .route("/desa-binaan/{id}/kunjungan/baru", get(new_visit))
        .route("/desa-binaan/{id}/kunjungan", post(record_visit))
}

fn status_options(tr: &Tr) -> Vec<(String, String)> {
    STATUSES
        .iter()
        .map(|s| (s.to_string(), tr.t(&format!("status-{s}"))))
        .collect()
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "desa_binaan_list.html")]
struct ListPage {
    l: Layout,
    q: String,
    status: String,
    statuses: Vec<(String, String)>,
    rows: Vec<DesaBinaan>,
    pager: Pager,
    can_manage: bool,
}

impl ListPage {
    fn status_label(&self, s: &str) -> String {
        self.l.tr.t(&format!("status-{s}"))
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let query = DesaBinaanQuery {
        q: q.q.clone(),
        status: q.status.clone(),
        kab: None,
        page: q.hal,
    };
    let page = desa_binaan::list(&state.db, auth.ctx(), &query, 25).await?;
    let text = q.q.unwrap_or_default();
    let status = q.status.unwrap_or_default();
    let pager = Pager::new(
        &page,
        "/desa-binaan",
        &[("q", text.clone()), ("status", status.clone())],
    );
    let can_manage = can(&auth.ctx().actor, Action::DesaBinaanManage, None);
    let statuses = status_options(&auth.0.tr);
    let l = Layout::new(&auth.0, "desa-binaan-title").await?;
    html(&ListPage {
        l,
        q: text,
        status,
        statuses,
        rows: page.items,
        pager,
        can_manage,
    })
}

fn desa_fields(
    tr: &Tr,
    i: &DesaBinaanInput,
    e: &FieldErrors,
    offices: &[(String, String)],
) -> Vec<Field> {
    vec![
        Field::new(
            tr,
            "office_id",
            "field-office",
            "select",
            i.office_id.clone(),
            e,
        )
        .required()
        .options(offices.to_vec()),
        Field::new(
            tr,
            "sk_number",
            "field-sk-number",
            "text",
            i.sk_number.clone(),
            e,
        )
        .required()
        .hint(tr.t("hint-sk-number")),
        Field::new(tr, "sk_date", "field-sk-date", "date", i.sk_date.clone(), e).required(),
        Field::new(tr, "status", "field-status", "select", i.status.clone(), e)
            .required()
            .options(status_options(tr)),
        Field::new(
            tr,
            "population",
            "field-population",
            "number",
            i.population.clone(),
            e,
        ),
        Field::new(
            tr,
            "residents_abroad",
            "field-residents-abroad",
            "number",
            i.residents_abroad.clone(),
            e,
        ),
        Field::new(
            tr,
            "kantong_pmi",
            "field-kantong-pmi",
            "checkbox",
            i.kantong_pmi.clone().unwrap_or_default(),
            e,
        )
        .hint(tr.t("hint-kantong-pmi")),
        Field::new(tr, "notes", "field-notes", "textarea", i.notes.clone(), e),
    ]
}

async fn office_options(state: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, WebError> {
    let ctx = auth.ctx();
    // Officers enrol for their own office; others choose among the offices they can see.
    let offices = if ctx.actor.role == benteng_domain::Role::Petugas
        || !ctx.allows(Action::OfficeView, None)
    {
        Vec::new()
    } else {
        benteng_app::offices::choices(&state.db, ctx).await?
    };
    let mut opts: Vec<(String, String)> = offices
        .into_iter()
        .filter(|o| o.kind == "kanim")
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    if let Some(own) = ctx.actor.office_id {
        if !opts.iter().any(|(id, _)| *id == own.to_string()) {
            let (o, _) = benteng_app::offices::show(&state.db, ctx, own).await?;
            opts.push((own.to_string(), o.name));
        }
    }
    Ok(opts)
}

#[derive(Deserialize)]
struct NewQuery {
    cari: Option<String>,
}

#[derive(Template)]
#[template(path = "desa_binaan_new.html")]
struct NewPage {
    l: Layout,
    cari: String,
    choices: Vec<(String, String, String, bool)>,
    region_code: String,
    region_error: Option<String>,
    fields: Vec<Field>,
}

async fn new_page(
    state: &AppState,
    auth: &Auth,
    cari: String,
    i: &DesaBinaanInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    ctx.require(Action::DesaBinaanManage, None)?;
    let choices = desa_binaan::village_choices(&state.db, ctx, &cari).await?;
    let offices = office_options(state, auth).await?;
    let tr = &auth.0.tr;
    let mut input = i.clone();
    if input.office_id.is_empty() {
        input.office_id = ctx
            .actor
            .office_id
            .map(|o| o.to_string())
            .unwrap_or_default();
    }
    let fields = desa_fields(tr, &input, e, &offices);
    let region_error = e.get("region_code").map(|k| tr.t(k));
    let l = Layout::new(&auth.0, "desa-binaan-new").await?;
    html_status(
        status,
        &NewPage {
            l,
            cari,
            choices,
            region_code: i.region_code.clone(),
            region_error,
            fields,
        },
    )
}

async fn new(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let input = DesaBinaanInput {
        status: "aktif".into(),
        ..Default::default()
    };
    new_page(
        &state,
        &auth,
        q.cari.unwrap_or_default(),
        &input,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    cari: String,
    #[serde(flatten)]
    input: DesaBinaanInput,
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<CreateForm>,
) -> Result<Response, WebError> {
    match desa_binaan::enrol(&state.db, auth.ctx(), &f.input).await {
        Ok(id) => flash_redirect(&auth.0, "flash-enrolled", &format!("/desa-binaan/{id}")).await,
        Err(e) => {
            let (status, e) = form_errors(e)?;
            new_page(&state, &auth, f.cari, &f.input, &e, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "desa_binaan.html")]
struct ShowPage {
    l: Layout,
    d: DesaBinaanDetail,
    status_label: String,
    visits: Vec<Visit>,
    visits_total: i64,
    can_manage: bool,
    can_visit: bool,
    officer_choices: Vec<User>,
    contact_fields: Vec<Field>,
}

impl ShowPage {
    fn is_assigned(&self, id: &i64) -> bool {
        self.d.officers.iter().any(|o| o.id == *id)
    }

    fn contact_has_error(&self) -> bool {
        self.contact_fields.iter().any(|f| f.has_error())
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    contact: &ContactInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let d = desa_binaan::show(&state.db, ctx, id).await?;
    let place = RegionCode::parse(&d.desa.region_code).map_err(|_| WebError::NotFound)?;
    let visits = visits::list(&state.db, ctx, id, Some(1), 20).await?;
    let can_manage = ctx.allows(Action::DesaBinaanManage, Some(&place));
    let can_visit = ctx.allows(Action::VisitRecord, Some(&place));
    let officer_choices = if can_manage {
        desa_binaan::officer_choices(&state.db, ctx, id).await?
    } else {
        Vec::new()
    };
    let tr = &auth.0.tr;
    let contact_fields = vec![
        Field::new(tr, "name", "field-name", "text", contact.name.clone(), e).required(),
        Field::new(
            tr,
            "position",
            "field-position",
            "text",
            contact.position.clone(),
            e,
        )
        .required()
        .hint(tr.t("hint-position")),
        Field::new(tr, "phone", "field-phone", "tel", contact.phone.clone(), e),
    ];
    let status_label = tr.t(&format!("status-{}", d.desa.status));
    let mut l = Layout::new(&auth.0, "desa-binaan-title").await?;
    l.title = format!("{} {}", tr.t("level-desa"), d.desa.village_name);
    html_status(
        status,
        &ShowPage {
            l,
            status_label,
            visits_total: visits.total,
            visits: visits.items,
            d,
            can_manage,
            can_visit,
            officer_choices,
            contact_fields,
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
        &ContactInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

async fn edit_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    i: &DesaBinaanInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let offices = office_options(state, auth).await?;
    let fields = desa_fields(&auth.0.tr, i, e, &offices);
    let mut l = Layout::new(&auth.0, "desa-binaan-edit").await?;
    let d = desa_binaan::record(&state.db, auth.ctx(), id).await?;
    l.title = format!("{} · {}", l.title, d.village_name);
    html_status(
        status,
        &FormPage {
            l,
            action: format!("/desa-binaan/{id}"),
            fields,
            cancel: format!("/desa-binaan/{id}"),
        },
    )
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = desa_binaan::record(&state.db, auth.ctx(), id).await?;
    let place = RegionCode::parse(&d.region_code).map_err(|_| WebError::NotFound)?;
    auth.ctx().require(Action::DesaBinaanManage, Some(&place))?;
    let i = DesaBinaanInput {
        region_code: d.region_code,
        office_id: d.office_id.to_string(),
        sk_number: d.sk_number,
        sk_date: d.sk_date,
        status: d.status,
        population: d.population.map(|n| n.to_string()).unwrap_or_default(),
        residents_abroad: d
            .residents_abroad
            .map(|n| n.to_string())
            .unwrap_or_default(),
        kantong_pmi: (d.kantong_pmi == 1).then(|| "1".into()),
        notes: d.notes.unwrap_or_default(),
    };
    edit_page(&state, &auth, id, &i, &FieldErrors::new(), StatusCode::OK).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<DesaBinaanInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match desa_binaan::update(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/desa-binaan/{id}")).await,
        Err(benteng_app::Error::Invalid(e)) => {
            edit_page(&state, &auth, id, &i, &e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_officers(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    super::FormPairs(pairs): super::FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    // Repeated `officer` fields: one per ticked box.
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "officer")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    match desa_binaan::set_officers(&state.db, auth.ctx(), id, &ids).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/desa-binaan/{id}")).await,
        Err(benteng_app::Error::Invalid(_)) => Err(WebError::BadRequest),
        Err(e) => Err(e.into()),
    }
}

async fn add_contact(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<ContactInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match desa_binaan::add_contact(&state.db, auth.ctx(), id, &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", &format!("/desa-binaan/{id}#kontak")).await,
        Err(benteng_app::Error::Invalid(e)) => {
            show_page(&state, &auth, id, &i, &e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_contact(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, cid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, cid) = (parse_id(&id)?, parse_id(&cid)?);
    desa_binaan::remove_contact(&state.db, auth.ctx(), id, cid).await?;
    flash_redirect(
        &auth.0,
        "flash-removed",
        &format!("/desa-binaan/{id}#kontak"),
    )
    .await
}

fn visit_fields(tr: &Tr, i: &VisitInput, e: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new(
            tr,
            "visit_date",
            "field-visit-date",
            "date",
            i.visit_date.clone(),
            e,
        )
        .required(),
        Field::new(
            tr,
            "findings",
            "field-findings",
            "textarea",
            i.findings.clone(),
            e,
        )
        .required(),
        Field::new(
            tr,
            "departures_seen",
            "field-departures-seen",
            "number",
            i.departures_seen.clone(),
            e,
        ),
        Field::new(
            tr,
            "returns_seen",
            "field-returns-seen",
            "number",
            i.returns_seen.clone(),
            e,
        ),
        Field::new(
            tr,
            "foreigners_staying",
            "field-foreigners-staying",
            "number",
            i.foreigners_staying.clone(),
            e,
        ),
        Field::new(
            tr,
            "problems",
            "field-problems",
            "textarea",
            i.problems.clone(),
            e,
        ),
        Field::new(
            tr,
            "follow_up",
            "field-follow-up",
            "textarea",
            i.follow_up.clone(),
            e,
        ),
    ]
}

async fn visit_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    i: &VisitInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = desa_binaan::record(&state.db, auth.ctx(), id).await?;
    let place = RegionCode::parse(&d.region_code).map_err(|_| WebError::NotFound)?;
    auth.ctx().require(Action::VisitRecord, Some(&place))?;
    let mut l = Layout::new(&auth.0, "visit-new").await?;
    l.title = format!("{} · {}", l.title, d.village_name);
    html_status(
        status,
        &FormPage {
            l,
            action: format!("/desa-binaan/{id}/kunjungan"),
            fields: visit_fields(&auth.0.tr, i, e),
            cancel: format!("/desa-binaan/{id}"),
        },
    )
}

async fn new_visit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let i = VisitInput {
        visit_date: benteng_domain::values::format_date(benteng_app::today()),
        ..Default::default()
    };
    visit_page(&state, &auth, id, &i, &FieldErrors::new(), StatusCode::OK).await
}

async fn record_visit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<VisitInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match visits::record(&state.db, auth.ctx(), id, &i).await {
        Ok(_) => {
            flash_redirect(
                &auth.0,
                "flash-visit-recorded",
                &format!("/desa-binaan/{id}"),
            )
            .await
        }
        Err(benteng_app::Error::Invalid(e)) => {
            visit_page(&state, &auth, id, &i, &e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
