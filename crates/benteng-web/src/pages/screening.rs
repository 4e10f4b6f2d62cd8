//! Skrining paspor: the interviewer screens an applicant and records the decision; the office
//! and the Kanwil follow screenings per month and per village; batch screening of a CSV file.

use super::upload::read_csv_form;
use super::{flash_redirect, html, html_status, parse_id, Layout, Pager};
use crate::ctx::{Auth, Viewer};
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
use benteng_app::screening::batch::{read_people, screen_batch};
use benteng_app::screening::{
    self as screening, screen_applicant, DecisionInput, RowError, ScreeningDetail, ScreeningInput,
    ScreeningQuery, ScreeningRow, ScreeningStats,
};
use benteng_domain::passport::{Decision, Document, Level, Purpose};
use benteng_domain::report::COUNTRIES;
use benteng_domain::rules::RuleSet;
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

/// Largest batch file (about 60,000 rows).
const BATCH_BYTES: usize = 5 * 1024 * 1024;
/// Most rows screened in one web batch; more belong on the command line.
const BATCH_ROWS: usize = 20_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/skrining", get(list).post(create))
        .route("/skrining/baru", get(new))
        .route(
            "/skrining/massal",
            get(batch_form)
                .post(batch_run)
                .layer(DefaultBodyLimit::max(BATCH_BYTES + 64 * 1024)),
        )
        .route("/skrining/{id}", get(show))
        .route("/skrining/{id}/keputusan", post(decide))
}

/// Every destination the form offers: the usual ones and the moratorium countries.
pub(super) fn destinations(tr: &Tr, rules: &RuleSet) -> Vec<(String, String)> {
    let mut codes: Vec<&str> = COUNTRIES.to_vec();
    for c in rules.moratorium_countries(benteng_app::today()) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    let mut out: Vec<(String, String)> = codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                tr.t(&format!("country-{}", c.to_lowercase())),
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn coded<T: Copy + std::fmt::Display>(tr: &Tr, prefix: &str, all: &[T]) -> Vec<(String, String)> {
    all.iter()
        .map(|c| (c.to_string(), tr.t(&format!("{prefix}-{c}"))))
        .collect()
}

#[derive(Deserialize)]
struct ListQuery {
    bulan: Option<String>,
    keputusan: Option<String>,
    tingkat: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "screening_list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ScreeningRow>,
    pager: Pager,
    stats: ScreeningStats,
    can_run: bool,
    can_watch: bool,
    bulan: String,
    keputusan: String,
    tingkat: String,
    decisions: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    error: Option<String>,
}

impl ListPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn decision(&self, d: &Option<String>) -> String {
        match d {
            Some(d) => self.t("decision", d),
            None => self.l.tr.t("screening-undecided"),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let query = ScreeningQuery {
        month: q.bulan.clone(),
        decision: q.keputusan.clone(),
        level: q.tingkat.clone(),
        page: q.hal,
    };
    let (page, error) = match screening::list(&state.db, ctx, &query, 25).await {
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
    let stats = screening::stats(&state.db, ctx).await?;
    let pager = Pager::new(
        &page,
        "/skrining",
        &[
            ("bulan", q.bulan.clone().unwrap_or_default()),
            ("keputusan", q.keputusan.clone().unwrap_or_default()),
            ("tingkat", q.tingkat.clone().unwrap_or_default()),
        ],
    );
    let tr = &auth.0.tr;
    let mut decisions = vec![("belum".to_string(), tr.t("screening-undecided"))];
    decisions.extend(coded(tr, "decision", Decision::ALL));
    html(&ListPage {
        can_run: ctx.allows(Action::ScreeningRun, None),
        can_watch: ctx.allows(Action::WatchlistView, None),
        decisions,
        levels: coded(tr, "level", Level::ALL),
        l: Layout::new(&auth.0, "screening-title").await?,
        rows: page.items,
        pager,
        stats,
        bulan: q.bulan.unwrap_or_default(),
        keputusan: q.keputusan.unwrap_or_default(),
        tingkat: q.tingkat.unwrap_or_default(),
        error,
    })
}

#[derive(Template)]
#[template(path = "screening_form.html")]
struct FormPage {
    l: Layout,
    i: ScreeningInput,
    errors: Vec<(String, String)>,
    purposes: Vec<(String, String)>,
    documents: Vec<(String, String)>,
    destinations: Vec<(String, String)>,
    cari: String,
    choices: Vec<(String, String, String, String)>,
    chosen_label: Option<String>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn has_doc(&self, code: &str) -> bool {
        self.i.documents.iter().any(|d| d == code)
    }

    fn domestic(&self) -> bool {
        self.i.domestic_work.is_some()
    }
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    i: ScreeningInput,
    cari: String,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::ScreeningRun, None)?;
    let tr = &auth.0.tr;
    let chosen_label = if i.region_code.trim().is_empty() {
        None
    } else {
        benteng_app::regions::village_label(&state.db, i.region_code.trim()).await?
    };
    let choices: Vec<_> = if cari.trim().is_empty() {
        Vec::new()
    } else {
        benteng_app::regions::village_choices(&state.db, &cari)
            .await?
            .into_iter()
            .filter(|c| c.0 != i.region_code.trim())
            .collect()
    };
    html_status(
        status,
        &FormPage {
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
            purposes: coded(tr, "purpose", Purpose::ALL),
            documents: coded(tr, "document", Document::ALL),
            destinations: destinations(tr, benteng_app::system::rules(&state.db)),
            l: Layout::new(&auth.0, "screening-new-title").await?,
            i,
            cari,
            choices,
            chosen_label,
        },
    )
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    form_page(
        &state,
        &auth,
        ScreeningInput::default(),
        String::new(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Read the form by hand: `documents` repeats.
fn screening_input(pairs: &[(String, String)]) -> ScreeningInput {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    ScreeningInput {
        name: get("name"),
        nik: get("nik"),
        birth_date: get("birth_date"),
        sex: get("sex"),
        region_code: get("region_code"),
        purpose: get("purpose"),
        destination: get("destination"),
        job: get("job"),
        domestic_work: Some(get("domestic_work")).filter(|v| !v.is_empty()),
        sponsor_name: get("sponsor_name"),
        sponsor_phone: get("sponsor_phone"),
        documents: pairs
            .iter()
            .filter(|(k, _)| k == "documents")
            .map(|(_, v)| v.clone())
            .collect(),
    }
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    super::FormPairs(pairs): super::FormPairs,
) -> Result<Response, WebError> {
    let i = screening_input(&pairs);
    let cari = pairs
        .iter()
        .find(|(k, _)| k == "cari")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // "Cari desa" inside the form: show the choices, keep what was typed, screen nothing.
    if pairs.iter().any(|(k, _)| k == "_cari") {
        return form_page(&state, &auth, i, cari, &FieldErrors::new(), StatusCode::OK).await;
    }
    match screen_applicant(&state.db, auth.ctx(), &state.watch, &i).await {
        Ok(id) => Ok(Redirect::to(&format!("/skrining/{id}")).into_response()),
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&state, &auth, i, cari, &e, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "screening.html")]
struct ShowPage {
    l: Layout,
    d: ScreeningDetail,
    decisions: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// The decision ticked: what the interviewer chose when the form comes back with an
    /// error (never silently the suggestion), else the suggestion.
    chosen: String,
    /// The reason typed, kept when the form comes back.
    reason: String,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    /// A finding in words, with its number where it has one.
    fn finding(&self, code: &str, arg: &Option<String>) -> String {
        let key = format!("finding-{code}");
        match arg {
            Some(a) => self.l.tr.t1(&key, "n", a.clone()),
            None => self.l.tr.t(&key),
        }
    }

    /// A hit's reason codes in words (`name:spelling` → "nama: ejaan lama").
    fn reason(&self, code: &str) -> String {
        self.l
            .tr
            .t(&format!("reason-{}", code.replace([':', '_'], "-")))
    }

    fn docs(&self) -> Vec<String> {
        self.d
            .row
            .documents
            .split(',')
            .filter(|d| !d.is_empty())
            .map(|d| self.t("document", d))
            .collect()
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    typed: Option<&DecisionInput>,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = screening::show(&state.db, auth.ctx(), id).await?;
    let chosen = typed
        .map(|i| i.decision.clone())
        .unwrap_or_else(|| d.suggestion.clone());
    let reason = typed.map(|i| i.reason.clone()).unwrap_or_default();
    let tr = &auth.0.tr;
    let mut l = Layout::new(&auth.0, "screening-title").await?;
    l.title = format!("{} #{}", tr.t("screening-title"), id);
    html_status(
        status,
        &ShowPage {
            chosen,
            reason,
            decisions: coded(tr, "decision", Decision::ALL),
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
            l,
            d,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show_page(&state, &auth, id, None, &FieldErrors::new(), StatusCode::OK).await
}

async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<DecisionInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match screening::decide(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/skrining/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, id, Some(&i), &e, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "screening_batch.html")]
struct BatchPage {
    l: Layout,
    error: Option<String>,
    rows: Vec<RowError>,
}

impl BatchPage {
    fn row_error(&self, r: &RowError) -> String {
        format!("{}: {}", r.field, self.l.tr.t(&r.code))
    }
}

async fn batch_page(
    v: &Viewer,
    error: Option<String>,
    rows: Vec<RowError>,
    status: StatusCode,
) -> Result<Response, WebError> {
    html_status(
        status,
        &BatchPage {
            l: Layout::new(v, "screening-batch-title").await?,
            error,
            rows,
        },
    )
}

async fn batch_form(auth: Auth) -> Result<Response, WebError> {
    auth.ctx().require(Action::ScreeningRun, None)?;
    batch_page(&auth.0, None, Vec::new(), StatusCode::OK).await
}

/// Screen a CSV file (the `benteng screen` format) and answer with the results CSV. Bad rows
/// are listed instead, with their line numbers, unless the caller asked to skip them.
async fn batch_run(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    ctx.require(Action::ScreeningRun, None)?;
    let form = read_csv_form(&auth.0, mp, BATCH_BYTES).await?;
    let tr = &auth.0.tr;
    let bad = |code: &str| Some(tr.t(code));
    let skip_bad_rows = form.get("lewati") == "1";
    let data = match form.file {
        Ok(Some(d)) => d,
        Ok(None) => {
            return batch_page(
                &auth.0,
                bad("err-file-required"),
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(code) => {
            return batch_page(
                &auth.0,
                bad(code),
                Vec::new(),
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await
        }
    };
    let (rows, errors) = match read_people(&data) {
        Ok(x) => x,
        Err(code) => {
            return batch_page(
                &auth.0,
                bad(code),
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    if rows.len() > BATCH_ROWS {
        return batch_page(
            &auth.0,
            Some(tr.t1("err-batch-too-many", "n", BATCH_ROWS as i64)),
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if !errors.is_empty() && !skip_bad_rows {
        return batch_page(
            &auth.0,
            bad("err-batch-bad-rows"),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let out = screen_batch(&state.db, ctx, &state.watch, rows, 10).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"hasil-skrining.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        out.csv,
    )
        .into_response())
}
