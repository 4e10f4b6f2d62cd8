//! Calon PMI register pages: the village's list of residents on the way abroad, each with the
//! legal checklist, status, letters and history; figures for officers, the Kanwil and the
//! labour agencies; CSV/XLSX export and CSV import. Everything works without JavaScript.

use super::upload::{read_csv_form, read_form};
use super::{flash_redirect, html, html_status, parse_id, Field, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::migrants::{
    self, ImportOutcome, LetterInput, Migrant, MigrantDetail, MigrantFigures, MigrantFilter,
    MigrantInput, StatusInput, StepDefInput, StepInput,
};
use benteng_domain::migrant::{LetterKind, MigrantStatus, Scheme, StepStatus};
use benteng_domain::report::COUNTRIES;
use benteng_domain::{Action, FieldErrors, Role};
use serde::Deserialize;

pub(crate) mod data;
mod detail;

use data::{export, figures, import, step_create, step_update, steps_page, IMPORT_BYTES};
use detail::{letter, letter_pdf, show, status, step, step_file, verify};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calon-pmi", get(list).post(create))
        .route("/calon-pmi/baru", get(new))
        .route("/calon-pmi/angka", get(figures))
        .route("/calon-pmi/ekspor", get(export))
        .route(
            "/calon-pmi/impor",
            post(import).layer(DefaultBodyLimit::max(IMPORT_BYTES + 64 * 1024)),
        )
        .route("/calon-pmi/{id}", get(show).post(update))
        .route("/calon-pmi/{id}/ubah", get(edit))
        .route(
            "/calon-pmi/{id}/langkah",
            post(step).layer(DefaultBodyLimit::max(
                benteng_app::uploads::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/calon-pmi/{id}/langkah/{step}/verifikasi", post(verify))
        .route("/calon-pmi/{id}/langkah/{step}/berkas", get(step_file))
        .route("/calon-pmi/{id}/status", post(status))
        .route("/calon-pmi/{id}/surat", post(letter))
        .route("/calon-pmi/{id}/surat/{letter}", get(letter_pdf))
        .route("/langkah-resmi", get(steps_page).post(step_create))
        .route("/langkah-resmi/{code}", post(step_update))
}

fn status_options(tr: &Tr) -> Vec<(String, String)> {
    MigrantStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), tr.t(&format!("migrant-status-{s}"))))
        .collect()
}

fn country_options(tr: &Tr) -> Vec<(String, String)> {
    COUNTRIES
        .iter()
        .map(|c| {
            (
                c.to_string(),
                tr.t(&format!("country-{}", c.to_lowercase())),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "migrants_list.html")]
struct ListPage {
    l: Layout,
    q: MigrantFilter,
    rows: Vec<Migrant>,
    pager: Pager,
    statuses: Vec<(String, String)>,
    can_manage: bool,
    is_desa: bool,
    export_query: String,
    import: Option<ImportOutcome>,
    import_error: Option<String>,
    error: Option<String>,
    /// The village filter (a name, or choices when it fits several).
    area: crate::pages::area::AreaInput,
}

impl ListPage {
    fn status(&self, s: &str) -> String {
        self.l.tr.t(&format!("migrant-status-{s}"))
    }

    fn country(&self, c: &Option<String>) -> String {
        c.as_deref()
            .map(|c| self.l.tr.t(&format!("country-{}", c.to_lowercase())))
            .unwrap_or_else(|| "—".into())
    }

    fn selected(&self, field: &str, v: &str) -> bool {
        match field {
            "status" => self.q.status.as_deref() == Some(v),
            _ => self.q.flag.as_deref() == Some(v),
        }
    }

    fn row_error(&self, field: &str, code: &str) -> String {
        format!("{field}: {}", self.l.tr.t(code))
    }
}

fn query_string(q: &MigrantFilter) -> String {
    let pairs = [
        ("q", q.q.clone().unwrap_or_default()),
        ("status", q.status.clone().unwrap_or_default()),
        ("village", q.village.clone().unwrap_or_default()),
        ("flag", q.flag.clone().unwrap_or_default()),
    ];
    serde_urlencoded::to_string(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default()
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    q: MigrantFilter,
    import: Option<ImportOutcome>,
    import_error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let (village, area, area_error) = crate::pages::area::filter(
        state,
        "f-village",
        "village",
        q.village.as_deref(),
        crate::pages::area::DESA,
        Some(&ctx.actor.scope),
    )
    .await?;
    // Lists, pages and the export go by the code; the input shows the name.
    let mut q = q;
    q.village = village;
    let listed = match area_error {
        Some(k) => {
            let mut e = FieldErrors::new();
            e.add("village", k);
            Err(benteng_app::Error::Invalid(e))
        }
        None => migrants::list(&state.db, ctx, &q).await,
    };
    let (page, error) = match listed {
        Ok(p) => (p, None),
        Err(benteng_app::Error::Invalid(e)) => (
            benteng_app::Page {
                items: Vec::new(),
                total: 0,
                page: 1,
                per_page: 25,
                more: false,
            },
            e.0.first().map(|x| auth.0.tr.t(x.code)),
        ),
        Err(e) => return Err(e.into()),
    };
    let pager = Pager::new(
        &page,
        "/calon-pmi",
        &[
            ("q", q.q.clone().unwrap_or_default()),
            ("status", q.status.clone().unwrap_or_default()),
            ("village", q.village.clone().unwrap_or_default()),
            ("flag", q.flag.clone().unwrap_or_default()),
        ],
    );
    html_status(
        status,
        &ListPage {
            l: Layout::new(&auth.0, "migrants-title").await?,
            area,
            statuses: status_options(&auth.0.tr),
            can_manage: ctx.allows(Action::MigrantManage, None),
            is_desa: ctx.actor.role == Role::Desa,
            export_query: query_string(&q),
            q,
            rows: page.items,
            pager,
            import,
            import_error,
            error,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<MigrantFilter>,
) -> Result<Response, WebError> {
    list_page(&state, &auth, q, None, None, StatusCode::OK).await
}

// ---------------------------------------------------------------- create / edit

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<i64>,
    i: &MigrantInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    ctx.require(Action::MigrantManage, None)?;
    let tr = &auth.0.tr;
    let mut fields = Vec::new();
    if ctx.actor.role != Role::Desa {
        fields.push(
            Field::new(tr, "village", "field-village-code", "text", &i.village, e)
                .required()
                .hint(tr.t("hint-village-code")),
        );
    }
    fields.push(Field::new(tr, "name", "field-full-name", "text", &i.name, e).required());
    fields
        .push(Field::new(tr, "nik", "field-nik", "text", &i.nik, e).hint(tr.t("migrant-nik-hint")));
    fields.push(Field::new(
        tr,
        "birth_place",
        "field-birth-place",
        "text",
        &i.birth_place,
        e,
    ));
    fields.push(Field::new(
        tr,
        "birth_date",
        "field-birth-date",
        "date",
        &i.birth_date,
        e,
    ));
    fields.push(
        Field::new(tr, "sex", "field-sex", "select", &i.sex, e).options(vec![
            ("l".into(), tr.t("sex-l")),
            ("p".into(), tr.t("sex-p")),
        ]),
    );
    fields.push(Field::new(tr, "phone", "field-phone", "tel", &i.phone, e));
    fields.push(Field::new(
        tr,
        "address",
        "field-address",
        "text",
        &i.address,
        e,
    ));
    fields.push(
        Field::new(
            tr,
            "destination",
            "field-destination",
            "select",
            &i.destination,
            e,
        )
        .options(country_options(tr)),
    );
    fields.push(Field::new(tr, "job", "field-job", "text", &i.job, e));
    fields.push(
        Field::new(tr, "scheme", "field-scheme", "select", &i.scheme, e).options(
            Scheme::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), tr.t(&format!("scheme-{s}"))))
                .collect(),
        ),
    );
    let mut p3mi_options: Vec<(String, String)> = benteng_app::p3mi::choices(&state.db)
        .await?
        .into_iter()
        .map(|(id, name, licence)| (id.to_string(), format!("{name} ({licence})")))
        .collect();
    // A company chosen earlier stays selectable after its licence ran out (it shows so).
    if let Ok(pid) = i.p3mi_id.parse::<i64>() {
        if !p3mi_options.iter().any(|(v, _)| *v == pid.to_string()) {
            if let Ok(p) = benteng_app::p3mi::show(&state.db, pid).await {
                let status = tr.t(&format!("licence-{}", p.status));
                p3mi_options.push((
                    p.id.to_string(),
                    format!("{} ({}) · {status}", p.name, p.licence_no),
                ));
            }
        }
    }
    fields.push(
        Field::new(tr, "p3mi_id", "field-p3mi", "select", &i.p3mi_id, e)
            .options(p3mi_options)
            .hint(tr.t("migrant-p3mi-hint")),
    );
    fields.push(Field::new(tr, "note", "field-note", "textarea", &i.note, e));
    if id.is_none() {
        // Steps already done when the resident is met (a passport in hand): ticked here,
        // recorded as done today with the registration.
        let today = benteng_app::today();
        let steps: Vec<(String, String)> = migrants::checklist(&state.db)
            .await?
            .into_iter()
            .filter(|s| s.in_force(today))
            .map(|s| (s.code, s.label))
            .collect();
        fields.push(
            Field::new(
                tr,
                "steps_done",
                "field-steps-done",
                "checks",
                i.steps_done.join("\n"),
                e,
            )
            .options(steps),
        );
    }
    crate::pages::area::places(
        state,
        &mut fields,
        &[("village", crate::pages::area::DESA)],
        Some(&ctx.actor.scope),
    )
    .await?;
    let (title, action, cancel) = match id {
        Some(id) => (
            "migrant-edit-title",
            format!("/calon-pmi/{id}"),
            format!("/calon-pmi/{id}"),
        ),
        None => (
            "migrant-new-title",
            "/calon-pmi".to_string(),
            "/calon-pmi".to_string(),
        ),
    };
    html_status(
        status,
        &FormPage {
            l: Layout::new(&auth.0, title).await?,
            action,
            fields,
            cancel,
        },
    )
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    form_page(
        &state,
        &auth,
        None,
        &MigrantInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The form's fields, the ticked steps (`steps_done`, repeated) among them.
fn migrant_input(pairs: Vec<(String, String)>) -> Result<MigrantInput, WebError> {
    let mut steps_done = Vec::new();
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        if k == "steps_done" {
            steps_done.push(v);
        } else {
            map.insert(k, serde_json::Value::String(v));
        }
    }
    let mut i: MigrantInput =
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|_| WebError::BadRequest)?;
    i.steps_done = steps_done;
    Ok(i)
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    super::FormPairs(pairs): super::FormPairs,
) -> Result<Response, WebError> {
    let i = migrant_input(pairs)?;
    match migrants::register(&state.db, auth.ctx(), &i).await {
        // The page after saving shows what was just typed (NIK and phone in full where the
        // role may see them; the view is audited like any other).
        Ok((id, _)) => {
            flash_redirect(
                &auth.0,
                "flash-saved",
                &format!("/calon-pmi/{id}?tampilkan=1"),
            )
            .await
        }
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&state, &auth, None, &i, &e, status).await
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = migrants::show(&state.db, auth.ctx(), id, true).await?;
    if !d.can_manage {
        return Err(WebError::Forbidden);
    }
    let m = d.migrant;
    let i = MigrantInput {
        village: m.village_code,
        name: m.name,
        nik: m.nik.unwrap_or_default(),
        birth_place: m.birth_place.unwrap_or_default(),
        birth_date: m.birth_date.unwrap_or_default(),
        sex: m.sex.unwrap_or_default(),
        phone: m.phone.unwrap_or_default(),
        address: m.address.unwrap_or_default(),
        destination: m.destination.unwrap_or_default(),
        job: m.job.unwrap_or_default(),
        scheme: m.scheme,
        p3mi_id: m.p3mi_id.map(|p| p.to_string()).unwrap_or_default(),
        note: m.note.unwrap_or_default(),
        steps_done: Vec::new(),
    };
    form_page(
        &state,
        &auth,
        Some(id),
        &i,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<MigrantInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match migrants::update(&state.db, auth.ctx(), id, &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", &format!("/calon-pmi/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&state, &auth, Some(id), &i, &e, status).await
        }
    }
}
