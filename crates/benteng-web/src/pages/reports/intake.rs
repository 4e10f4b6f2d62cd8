//! Filing a report: the public form (rate limited per address, with a honeypot and the
//! confirmation behind post/redirect/get) and the signed-in users' form; files chosen before a
//! re-render are kept (`kept_files`).

use super::{categories, translate_errors};
use crate::ctx::{client_ip, Auth, Viewer};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::upload::{read_form, UploadForm};
use crate::pages::{flash_redirect, html, html_status, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use benteng_app::reports::{PersonInput, ReportInput};
use benteng_domain::report::{PersonRole, COUNTRIES};
use benteng_domain::{Action, FieldErrors, Role, Scope};
use serde::Deserialize;

/// People rows offered by the form (more can be added through the API or later).
const PERSON_SLOTS: usize = 3;

fn countries(tr: &Tr) -> Vec<(String, String)> {
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

fn person_roles(tr: &Tr) -> Vec<(String, String)> {
    PersonRole::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), tr.t(&format!("person-role-{r}"))))
        .collect()
}

/// The report form, shared by the public page and signed-in users.
#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    l: Layout,
    public: bool,
    action: &'static str,
    i: ReportInput,
    /// The village fixed by the account (village users), as a label.
    fixed_village: Option<String>,
    chosen_label: Option<String>,
    cari: String,
    choices: Vec<(String, String, String, String)>,
    categories: Vec<(String, String, String)>,
    countries: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// Files chosen before this re-render, still attached (see `kept_files`).
    kept: Vec<String>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn person(&self, n: &usize) -> &PersonInput {
        &self.i.people[*n]
    }

    /// Whether the second or third person block holds anything (then it shows unfolded).
    fn more_people(&self) -> bool {
        self.i.people.iter().skip(1).any(|p| {
            !(p.role.trim().is_empty()
                && p.name.trim().is_empty()
                && p.phone.trim().is_empty()
                && p.village.trim().is_empty()
                && p.minor.is_none())
        })
    }

    fn is_anonymous(&self) -> bool {
        self.i.anonymous.is_some()
    }
}

/// Read the report form's fields (people as `p0_name`, `p0_role`, …).
fn report_input(f: &UploadForm) -> ReportInput {
    let mut people = Vec::new();
    for n in 0..PERSON_SLOTS {
        let g = |k: &str| f.get(&format!("p{n}_{k}"));
        people.push(PersonInput {
            role: g("role"),
            name: g("name"),
            phone: g("phone"),
            nik: g("nik"),
            sex: g("sex"),
            minor: Some(g("minor")).filter(|s| !s.is_empty()),
            village: g("village"),
            note: g("note"),
        });
    }
    ReportInput {
        category: f.get("category"),
        description: f.get("description"),
        region_code: f.get("region_code"),
        places: f.get("places"),
        destination_country: f.get("destination_country"),
        incident_date: f.get("incident_date"),
        departure_soon: f.opt("departure_soon"),
        // The public form always sends `anonymous_shown`; an unticked box then means "not
        // anonymous" (the data layer treats a missing field as anonymous).
        anonymous: if f.opt("anonymous").is_some() {
            Some("1".into())
        } else if f.opt("anonymous_shown").is_some() {
            Some(String::new())
        } else {
            None
        },
        reporter_name: f.get("reporter_name"),
        reporter_phone: f.get("reporter_phone"),
        people,
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn form_page(
    state: &AppState,
    v: &Viewer,
    public: bool,
    mut i: ReportInput,
    cari: String,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    while i.people.len() < PERSON_SLOTS {
        i.people.push(PersonInput::default());
    }
    let fixed_village = match v.ctx.as_ref().map(|c| (&c.actor.role, &c.actor.scope)) {
        Some((Role::Desa, Scope::Village(code))) if !public => {
            benteng_app::regions::village_label(&state.db, code.as_str()).await?
        }
        _ => None,
    };
    let choices = if fixed_village.is_none() {
        benteng_app::regions::village_choices(&state.db, &cari).await?
    } else {
        Vec::new()
    };
    let chosen_label = if i.region_code.trim().is_empty() {
        None
    } else {
        benteng_app::regions::village_label(&state.db, i.region_code.trim()).await?
    };
    // The chosen village is shown first, checked; the search results must not list it again.
    let choices: Vec<_> = if chosen_label.is_some() {
        choices
            .into_iter()
            .filter(|c| c.0 != i.region_code.trim())
            .collect()
    } else {
        choices
    };
    let tr = &v.tr;
    let l = if public {
        Layout::new(v, "report-public-title").await?
    } else {
        Layout::new(v, "report-new-title").await?
    };
    html_status(
        status,
        &FormPage {
            categories: categories(tr),
            countries: countries(tr),
            roles: person_roles(tr),
            errors: translate_errors(tr, e),
            l,
            public,
            action: if public { "/lapor" } else { "/laporan" },
            i,
            fixed_village,
            chosen_label,
            cari,
            choices,
            kept: crate::pages::kept_files::names(v).await?,
        },
    )
}

/// The public report form, filled in by another page (the job-offer check).
pub(in crate::pages) async fn prefilled_public_form(
    state: &AppState,
    v: &Viewer,
    i: ReportInput,
) -> Result<Response, WebError> {
    crate::pages::kept_files::clear(v).await?;
    form_page(
        state,
        v,
        true,
        i,
        String::new(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct FormQuery {
    cari: Option<String>,
    desa: Option<String>,
}

pub(super) async fn public_form(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<FormQuery>,
) -> Result<Response, WebError> {
    crate::pages::kept_files::clear(&v).await?;
    let i = ReportInput {
        region_code: q.desa.unwrap_or_default(),
        anonymous: Some("1".into()),
        ..Default::default()
    };
    form_page(
        &state,
        &v,
        true,
        i,
        q.cari.unwrap_or_default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Session key of the tracking code shown at `/lapor/terkirim`.
const SESSION_LAST_REPORT: &str = "last_report_code";

#[derive(Template)]
#[template(path = "report_received.html")]
struct ReceivedPage {
    l: Layout,
    code: String,
}

/// Before the public form is shown again: keep its files, new ones within the address's
/// allowance (a separate one, so searching for a village never uses up the reports).
pub(super) async fn keep_public(
    state: &AppState,
    v: &Viewer,
    ip: Option<&str>,
    m: &crate::pages::kept_files::Merged,
) -> Result<(), WebError> {
    let allow = !m.has_new() || state.public_limiter.check_keep(ip).await;
    crate::pages::kept_files::keep(state, v, m, allow).await
}

/// The public form: rate limited per address, a honeypot field, files checked. The tracking
/// code is shown only after the report is committed.
pub(super) async fn public_submit(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let mut f = read_form(&v, mp).await?;
    let i = report_input(&f);
    let cari = f.get("cari");
    let merged = crate::pages::kept_files::merge(
        &state,
        &v,
        std::mem::take(&mut f.files),
        f.opt("keep_files").is_some(),
    )
    .await?;
    let ip = client_ip(&parts, state.config.trust_proxy);
    // "Cari desa" inside the form: show the choices, keep what was typed, save nothing.
    if f.opt("_cari").is_some() {
        keep_public(&state, &v, ip.as_deref(), &merged).await?;
        return form_page(
            &state,
            &v,
            true,
            i,
            cari,
            &FieldErrors::new(),
            StatusCode::OK,
        )
        .await;
    }
    let mut e = FieldErrors::new();
    if f.opt("website").is_some() {
        e.add("website", "err-spam");
    }
    if let Some(code) = f.file_error {
        e.add("files", code);
    }
    if !e.is_empty() {
        if e.get("website").is_some() {
            crate::pages::kept_files::clear(&v).await?;
        } else {
            keep_public(&state, &v, ip.as_deref(), &merged).await?;
        }
        return form_page(
            &state,
            &v,
            true,
            i,
            cari,
            &e,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if !state.public_limiter.check(ip.as_deref()).await {
        let mut e = FieldErrors::new();
        e.add("description", "err-rate-limited");
        crate::pages::kept_files::clear(&v).await?;
        return form_page(&state, &v, true, i, cari, &e, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let key = crate::ctx::idempotency_key(&parts.headers);
    match benteng_app::reports::file_public_once(
        &state.db,
        &i,
        &merged.files,
        &*state.store,
        key.as_deref(),
    )
    .await
    {
        // Post/redirect/get: reloading the confirmation must not send the report again. The
        // code waits in the sender's session, so only they see it at `/lapor/terkirim`.
        Ok((_, code)) => {
            crate::pages::kept_files::clear(&v).await?;
            v.session
                .insert(SESSION_LAST_REPORT, code)
                .await
                .map_err(WebError::session)?;
            Ok(Redirect::to("/lapor/terkirim").into_response())
        }
        Err(benteng_app::Error::Invalid(e)) => {
            keep_public(&state, &v, ip.as_deref(), &merged).await?;
            form_page(
                &state,
                &v,
                true,
                i,
                cari,
                &e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The confirmation after the public form: the tracking code of the last report this browser
/// sent. Reloading shows it again; without one the resident is sent to the form.
pub(super) async fn public_received(v: Viewer) -> Result<Response, WebError> {
    let code: Option<String> = v
        .session
        .get(SESSION_LAST_REPORT)
        .await
        .map_err(WebError::session)?;
    match code {
        Some(code) => html(&ReceivedPage {
            l: Layout::new(&v, "report-received-title").await?,
            code,
        }),
        None => Ok(Redirect::to("/lapor").into_response()),
    }
}

pub(super) async fn new(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<FormQuery>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::ReportCreate, None)?;
    crate::pages::kept_files::clear(&auth.0).await?;
    let i = ReportInput {
        region_code: q.desa.unwrap_or_default(),
        ..Default::default()
    };
    form_page(
        &state,
        &auth.0,
        false,
        i,
        q.cari.unwrap_or_default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::ReportCreate, None)?;
    let mut f = read_form(&auth.0, mp).await?;
    let i = report_input(&f);
    let cari = f.get("cari");
    let merged = crate::pages::kept_files::merge(
        &state,
        &auth.0,
        std::mem::take(&mut f.files),
        f.opt("keep_files").is_some(),
    )
    .await?;
    // Signed-in users keep files across a re-render without an address limit.
    if f.opt("_cari").is_some() {
        crate::pages::kept_files::keep(&state, &auth.0, &merged, true).await?;
        return form_page(
            &state,
            &auth.0,
            false,
            i,
            cari,
            &FieldErrors::new(),
            StatusCode::OK,
        )
        .await;
    }
    if let Some(code) = f.file_error {
        let mut e = FieldErrors::new();
        e.add("files", code);
        crate::pages::kept_files::keep(&state, &auth.0, &merged, true).await?;
        return form_page(
            &state,
            &auth.0,
            false,
            i,
            cari,
            &e,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match benteng_app::reports::file(&state.db, auth.ctx(), &i, &merged.files, &*state.store).await
    {
        Ok((id, _)) => {
            crate::pages::kept_files::clear(&auth.0).await?;
            flash_redirect(&auth.0, "flash-report-saved", &format!("/laporan/{id}")).await
        }
        Err(benteng_app::Error::Invalid(e)) => {
            crate::pages::kept_files::keep(&state, &auth.0, &merged, true).await?;
            form_page(
                &state,
                &auth.0,
                false,
                i,
                cari,
                &e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
