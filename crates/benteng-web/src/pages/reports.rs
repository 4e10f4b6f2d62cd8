//! Reports: the public form and tracking page, the village's and officer's report form, the
//! triage queue and the report page with indicators, priority, links, assignment, status,
//! merging, added information, referral and case.

use super::upload::{read_form, UploadForm};
use super::{flash_redirect, html, html_status, parse_id, Layout, Pager};
use crate::ctx::{client_ip, Auth, Viewer};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::reports::{PersonInput, ReportInput};
use benteng_db::referrals::{ReferralInput, ReferralRow};
use benteng_db::reports::{
    MergeInput, PublicReport, ReportDetail, ReportQuery, ReportRow, StatusInput,
};
use benteng_db::rooms::links::Origin;
use benteng_domain::report::{
    Category, IndicatorGroup, PersonRole, Priority, ReferralPurpose, ReportStatus,
    TraffickingStatus, COUNTRIES, INDICATORS,
};
use benteng_domain::{Action, FieldErrors, RegionCode, Role, Scope};
use serde::Deserialize;

/// People rows offered by the form (more can be added through the API or later).
const PERSON_SLOTS: usize = 3;

pub fn routes() -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(crate::security::UPLOAD_LIMIT);
    Router::new()
        .route(
            "/lapor",
            get(public_form).post(public_submit).layer(uploads),
        )
        .route("/lapor/terkirim", get(public_received))
        .route("/lacak", get(track))
        .route("/laporan", get(list).post(create).layer(uploads))
        .route("/laporan/baru", get(new))
        .route("/laporan/{id}", get(show))
        .route("/laporan/{id}/indikator", post(set_indicators))
        .route("/laporan/{id}/petugas", post(assign))
        .route("/laporan/{id}/status", post(change_status))
        .route("/laporan/{id}/gabung", post(merge))
        .route("/laporan/{id}/info", post(add_info).layer(uploads))
        .route("/laporan/{id}/rujuk", post(refer))
        .route("/laporan/{id}/kasus", post(open_case))
        .route("/laporan/{id}/lampiran/{aid}", get(attachment))
}

fn categories(tr: &Tr) -> Vec<(String, String, String)> {
    Category::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                tr.t(&format!("category-{c}")),
                tr.t(&format!("category-{c}-hint")),
            )
        })
        .collect()
}

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

    fn is_anonymous(&self) -> bool {
        self.i.anonymous.is_some()
    }
}

fn translate_errors(tr: &Tr, e: &FieldErrors) -> Vec<(String, String)> {
    e.0.iter()
        .map(|x| (x.field.to_string(), tr.t(x.code)))
        .collect()
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
async fn form_page(
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
            state.db.village_label(code.as_str()).await?
        }
        _ => None,
    };
    let choices = if fixed_village.is_none() {
        state.db.public_village_choices(&cari).await?
    } else {
        Vec::new()
    };
    let chosen_label = if i.region_code.trim().is_empty() {
        None
    } else {
        state.db.village_label(i.region_code.trim()).await?
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
            kept: super::kept_files::names(v).await?,
        },
    )
}

/// The public report form, filled in by another page (the job-offer check).
pub(super) async fn prefilled_public_form(
    state: &AppState,
    v: &Viewer,
    i: ReportInput,
) -> Result<Response, WebError> {
    super::kept_files::clear(v).await?;
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
struct FormQuery {
    cari: Option<String>,
    desa: Option<String>,
}

async fn public_form(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<FormQuery>,
) -> Result<Response, WebError> {
    super::kept_files::clear(&v).await?;
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
async fn keep_public(
    state: &AppState,
    v: &Viewer,
    ip: Option<&str>,
    m: &super::kept_files::Merged,
) -> Result<(), WebError> {
    let allow = !m.has_new() || state.public_limiter.check_keep(ip);
    super::kept_files::keep(state, v, m, allow).await
}

/// The public form: rate limited per address, a honeypot field, files checked. The tracking
/// code is shown only after the report is committed.
async fn public_submit(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let mut f = read_form(&v, mp).await?;
    let i = report_input(&f);
    let cari = f.get("cari");
    let merged = super::kept_files::merge(
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
            super::kept_files::clear(&v).await?;
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
    if !state.public_limiter.check(ip.as_deref()) {
        let mut e = FieldErrors::new();
        e.add("description", "err-rate-limited");
        super::kept_files::clear(&v).await?;
        return form_page(&state, &v, true, i, cari, &e, StatusCode::TOO_MANY_REQUESTS).await;
    }
    match benteng_app::reports::file_public(&state.db, &i, &merged.files, &*state.store).await {
        // Post/redirect/get: reloading the confirmation must not send the report again. The
        // code waits in the sender's session, so only they see it at `/lapor/terkirim`.
        Ok((_, code)) => {
            super::kept_files::clear(&v).await?;
            v.session
                .insert(SESSION_LAST_REPORT, code)
                .await
                .map_err(WebError::session)?;
            Ok(Redirect::to("/lapor/terkirim").into_response())
        }
        Err(benteng_db::Error::Invalid(e)) => {
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
async fn public_received(v: Viewer) -> Result<Response, WebError> {
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

#[derive(Deserialize)]
struct TrackQuery {
    kode: Option<String>,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    l: Layout,
    kode: String,
    error: Option<String>,
    report: Option<PublicReport>,
}

impl TrackPage {
    fn public_status(&self, s: &str) -> String {
        self.l.tr.t(&format!("public-status-{s}"))
    }

    fn category(&self, s: &str) -> String {
        self.l.tr.t(&format!("category-{s}"))
    }
}

/// A resident follows a report by its tracking code (rate limited like the form, so codes
/// cannot be guessed by trying many).
async fn track(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Query(q): Query<TrackQuery>,
) -> Result<Response, WebError> {
    let kode = q.kode.unwrap_or_default();
    let mut error = None;
    let mut report = None;
    let mut status = StatusCode::OK;
    if !kode.trim().is_empty() {
        let ip = client_ip(&parts, state.config.trust_proxy);
        if !state.public_limiter.check_lookup(ip.as_deref()) {
            error = Some(v.tr.t("err-rate-limited"));
            status = StatusCode::TOO_MANY_REQUESTS;
        } else {
            match state.db.public_report(&kode).await {
                Ok(r) => report = Some(r),
                Err(benteng_db::Error::Invalid(e)) => {
                    error = e.0.first().map(|x| v.tr.t(x.code));
                    status = StatusCode::UNPROCESSABLE_ENTITY;
                }
                Err(benteng_db::Error::NotFound) => {
                    error = Some(v.tr.t("err-report-not-found"));
                    status = StatusCode::NOT_FOUND;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    html_status(
        status,
        &TrackPage {
            l: Layout::new(&v, "track-title").await?,
            kode,
            error,
            report,
        },
    )
}

async fn new(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<FormQuery>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::ReportCreate, None)?;
    super::kept_files::clear(&auth.0).await?;
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

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::ReportCreate, None)?;
    let mut f = read_form(&auth.0, mp).await?;
    let i = report_input(&f);
    let cari = f.get("cari");
    let merged = super::kept_files::merge(
        &state,
        &auth.0,
        std::mem::take(&mut f.files),
        f.opt("keep_files").is_some(),
    )
    .await?;
    // Signed-in users keep files across a re-render without an address limit.
    if f.opt("_cari").is_some() {
        super::kept_files::keep(&state, &auth.0, &merged, true).await?;
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
        super::kept_files::keep(&state, &auth.0, &merged, true).await?;
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
            super::kept_files::clear(&auth.0).await?;
            flash_redirect(&auth.0, "flash-report-saved", &format!("/laporan/{id}")).await
        }
        Err(benteng_db::Error::Invalid(e)) => {
            super::kept_files::keep(&state, &auth.0, &merged, true).await?;
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

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    kategori: Option<String>,
    wilayah: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
    prioritas: Option<String>,
    petugas: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "reports_list.html")]
struct ListPage {
    l: Layout,
    q: ListQuery,
    rows: Vec<ReportRow>,
    pager: Pager,
    error: Option<String>,
    can_create: bool,
    statuses: Vec<(String, String)>,
    categories: Vec<(String, String, String)>,
}

impl ListPage {
    fn label(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn v<'a>(&self, o: &'a Option<String>) -> &'a str {
        o.as_deref().unwrap_or("")
    }
}

/// The queue (open reports by priority) for officers; newest first for other views.
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    // Officers land on their queue; everyone else on all reports of their place.
    let status = match &q.status {
        Some(s) => s.clone(),
        None if ctx.actor.role == Role::Petugas => "terbuka".into(),
        None => String::new(),
    };
    let query = ReportQuery {
        q: q.q.clone(),
        status: Some(status.clone()),
        category: q.kategori.clone(),
        region: q.wilayah.clone(),
        from: q.dari.clone(),
        to: q.sampai.clone(),
        priority: q.prioritas.clone(),
        assigned: q.petugas.clone(),
        page: q.hal,
    };
    let (page, error) = match state.db.list_reports(ctx, &query, 25).await {
        Ok(p) => (p, None),
        Err(benteng_db::Error::Invalid(e)) => (
            benteng_db::Page {
                items: Vec::new(),
                total: 0,
                page: 1,
                per_page: 25,
                more: false,
            },
            e.0.first()
                .map(|x| format!("{}: {}", x.field, auth.0.tr.t(x.code))),
        ),
        Err(e) => return Err(e.into()),
    };
    let pager = Pager::new(
        &page,
        "/laporan",
        &[
            ("q", q.q.clone().unwrap_or_default()),
            ("status", status.clone()),
            ("kategori", q.kategori.clone().unwrap_or_default()),
            ("wilayah", q.wilayah.clone().unwrap_or_default()),
            ("dari", q.dari.clone().unwrap_or_default()),
            ("sampai", q.sampai.clone().unwrap_or_default()),
            ("prioritas", q.prioritas.clone().unwrap_or_default()),
            ("petugas", q.petugas.clone().unwrap_or_default()),
        ],
    );
    let tr = &auth.0.tr;
    let mut statuses = vec![("terbuka".to_string(), tr.t("report-status-terbuka"))];
    statuses.extend(
        ReportStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), tr.t(&format!("report-status-{s}")))),
    );
    let l = Layout::new(&auth.0, "reports-title").await?;
    let mut q = q;
    q.status = Some(status);
    html(&ListPage {
        can_create: ctx.allows(Action::ReportCreate, None),
        categories: categories(&auth.0.tr),
        statuses,
        l,
        q,
        rows: page.items,
        pager,
        error,
    })
}

#[derive(Deserialize)]
struct ShowQuery {
    tampilkan: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ShowPage {
    l: Layout,
    d: ReportDetail,
    can_triage: bool,
    can_add_info: bool,
    can_reveal: bool,
    can_refer: bool,
    can_case: bool,
    level: &'static str,
    next_statuses: Vec<(String, String)>,
    officers: Vec<(i64, String)>,
    agencies: Vec<(i64, String, String)>,
    purposes: Vec<(String, String)>,
    indicator_groups: Vec<(String, Vec<(String, String)>)>,
    referrals: Vec<ReferralRow>,
    errors: Vec<(String, String)>,
    default_due: String,
    /// The room or WhatsApp message the report was made from: (link, text).
    origin: Option<(String, String)>,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn is_assigned(&self, id: &i64) -> bool {
        self.d.report.assigned_to == Some(*id)
    }

    fn ticked(&self, code: &str) -> bool {
        self.d.indicators.iter().any(|c| c == code)
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn country(&self, c: &str) -> String {
        self.l.tr.t(&format!("country-{}", c.to_lowercase()))
    }

    fn size_kb(&self, n: &i64) -> i64 {
        (n + 1023) / 1024
    }

    fn is_image(&self, ct: &str) -> bool {
        ct.starts_with("image/")
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    reveal: bool,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let mut d = state.db.get_report_page(ctx, id, reveal).await?;
    let place = RegionCode::parse(&d.report.region_code).map_err(|_| WebError::NotFound)?;
    let tr = &auth.0.tr;
    let can_triage = ctx.allows(Action::ReportTriage, Some(&place));
    let current = ReportStatus::parse(&d.report.status).map_err(|_| WebError::NotFound)?;
    let next_statuses = ReportStatus::ALL
        .iter()
        .filter(|s| current.can_move_to(**s))
        .map(|s| (s.as_str().to_string(), tr.t(&format!("report-status-{s}"))))
        .collect();
    let officers = std::mem::take(&mut d.officers);
    let can_refer =
        ctx.allows(Action::ReferralCreate, Some(&place)) && current != ReportStatus::Digabung;
    let agencies = if can_refer {
        std::mem::take(&mut d.agencies)
    } else {
        Vec::new()
    };
    let referrals = std::mem::take(&mut d.referrals);
    let groups = [
        (IndicatorGroup::Proses, "indicator-group-proses"),
        (IndicatorGroup::Cara, "indicator-group-cara"),
        (IndicatorGroup::Tujuan, "indicator-group-tujuan"),
        (IndicatorGroup::Ilo, "indicator-group-ilo"),
    ];
    let indicator_groups = groups
        .iter()
        .map(|(g, key)| {
            (
                tr.t(key),
                INDICATORS
                    .iter()
                    .filter(|(_, ig)| ig == g)
                    .map(|(c, _)| (c.to_string(), tr.t(&format!("indicator-{c}"))))
                    .collect(),
            )
        })
        .collect();
    let purposes = ReferralPurpose::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_string(),
                tr.t(&format!("referral-purpose-{p}")),
            )
        })
        .collect();
    let default_due =
        benteng_domain::values::format_date(benteng_db::today() + time::Duration::days(7));
    let origin = match d.origin.clone() {
        Some(Origin::Room(room, name, mid)) => Some((
            format!("/ruang/{room}/pesan/{mid}#m{mid}"),
            tr.t1("report-origin-room", "room", name),
        )),
        Some(Origin::Whatsapp(contact, mid)) => Some((
            format!("/wa/{contact}#w{mid}"),
            tr.t("report-origin-whatsapp"),
        )),
        None => None,
    };
    let mut l = Layout::new(&auth.0, "report-title").await?;
    l.title = format!("{} {}", tr.t("report-title"), d.report.tracking_code);
    html_status(
        status,
        &ShowPage {
            level: Priority::level(d.report.priority),
            can_add_info: ctx.allows(Action::ReportAddInfo, Some(&place))
                && current != ReportStatus::Digabung,
            can_reveal: ctx.allows(Action::ReportSensitiveView, Some(&place)),
            can_case: ctx.allows(Action::CaseManage, Some(&place))
                && d.case_id.is_none()
                && current != ReportStatus::Digabung,
            errors: translate_errors(tr, e),
            l,
            d,
            can_triage,
            can_refer,
            next_statuses,
            officers,
            agencies,
            purposes,
            indicator_groups,
            referrals,
            default_due,
            origin,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let reveal = q.tampilkan.as_deref() == Some("1");
    show_page(
        &state,
        &auth,
        id,
        reveal,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// After a write: back to the report with a message, or the report page with the errors.
async fn after(
    state: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<(), benteng_db::Error>,
    flash: &str,
) -> Result<Response, WebError> {
    match r {
        Ok(()) => flash_redirect(&auth.0, flash, &format!("/laporan/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(state, auth, id, false, &e, status).await
        }
    }
}

async fn set_indicators(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    super::FormPairs(pairs): super::FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let codes: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "indikator")
        .map(|(_, v)| v)
        .collect();
    let r = state
        .db
        .set_indicators(auth.ctx(), id, &codes)
        .await
        .map(|_| ());
    after(&state, &auth, id, r, "flash-saved").await
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    user_id: String,
}

async fn assign(
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
    let r = state.db.assign_report(auth.ctx(), id, uid).await;
    after(&state, &auth, id, r, "flash-saved").await
}

async fn change_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let r = state.db.change_report_status(auth.ctx(), id, &f).await;
    after(&state, &auth, id, r, "flash-saved").await
}

async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<MergeInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.merge_report(auth.ctx(), id, &f).await {
        Ok(target) => flash_redirect(&auth.0, "flash-merged", &format!("/laporan/{target}")).await,
        Err(e) => after(&state, &auth, id, Err(e), "flash-saved").await,
    }
}

async fn add_info(
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
    let r = state
        .db
        .add_report_info(auth.ctx(), id, &f.get("body"), &f.files, &*state.store)
        .await;
    after(&state, &auth, id, r, "flash-saved").await
}

async fn refer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReferralInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.create_referral(auth.ctx(), id, &f).await {
        Ok(rid) => flash_redirect(&auth.0, "flash-referred", &format!("/rujukan/{rid}")).await,
        Err(e) => after(&state, &auth, id, Err(e), "flash-saved").await,
    }
}

#[derive(Deserialize)]
struct CaseForm {
    #[serde(default)]
    trafficking_status: String,
}

async fn open_case(
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
    match state.db.open_case(auth.ctx(), id, &ts).await {
        Ok(cid) => flash_redirect(&auth.0, "flash-case-opened", &format!("/kasus/{cid}")).await,
        Err(e) => after(&state, &auth, id, Err(e), "flash-saved").await,
    }
}

/// An attachment, served as a download with its sniffed type (never rendered inline as HTML).
async fn attachment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, aid) = (parse_id(&id)?, parse_id(&aid)?);
    let (a, bytes) = state
        .db
        .report_attachment(auth.ctx(), id, aid, &*state.store)
        .await?;
    let name: String = a
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let disposition = if a.content_type.starts_with("image/") {
        format!("inline; filename=\"{name}\"")
    } else {
        format!("attachment; filename=\"{name}\"")
    };
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
