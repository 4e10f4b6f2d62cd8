//! Permintaan subjek data (UU 27/2022): the office's list of requests with their deadlines, the
//! form to record one, and a request's page: what is held about the person (an audited view),
//! the answer as PDF or JSON, corrections, erasure, and closing with the outcome.

use super::{
    flash_redirect, flash_text_redirect, form_errors, html_status, parse_id, Field, FormPairs,
    Layout, Pager,
};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::subjects::{
    self, CloseInput, CorrectInput, EraseInput, Finding, Findings, RequestEvent, RequestInput,
    RequestQuery, RequestRow, SubjectRequest,
};
use benteng_domain::subject::{Field as SubjectField, FoundAs, RequestKind, RequestStatus};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privasi/permintaan", get(list).post(create))
        .route("/privasi/permintaan/baru", get(new))
        .route("/privasi/permintaan/{id}", get(show))
        .route("/privasi/permintaan/{id}/jawaban.pdf", get(answer_pdf))
        .route("/privasi/permintaan/{id}/jawaban.json", get(answer_json))
        .route("/privasi/permintaan/{id}/koreksi", post(correct))
        .route("/privasi/permintaan/{id}/hapus", post(erase))
        .route("/privasi/permintaan/{id}/tutup", post(close))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    terlambat: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "subjects.html")]
struct ListPage {
    l: Layout,
    rows: Vec<RequestRow>,
    pager: Pager,
    status: String,
    terlambat: bool,
    statuses: Vec<(String, String)>,
    today: String,
}

impl ListPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn overdue(&self, r: &RequestRow) -> bool {
        r.status == "terbuka" && r.due_on < self.today
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let query = RequestQuery {
        status: q.status.clone(),
        terlambat: q.terlambat.clone(),
        page: q.hal,
    };
    let page = subjects::list(&state.db, auth.ctx(), &query, 25).await?;
    let pager = Pager::new(
        &page,
        "/privasi/permintaan",
        &[
            ("status", q.status.clone().unwrap_or_default()),
            ("terlambat", q.terlambat.clone().unwrap_or_default()),
        ],
    );
    let tr = &auth.0.tr;
    html_status(
        StatusCode::OK,
        &ListPage {
            l: Layout::new(&auth.0, "subject-title").await?,
            rows: page.items,
            pager,
            status: q.status.unwrap_or_default(),
            terlambat: q.terlambat.as_deref() == Some("1"),
            statuses: RequestStatus::ALL
                .iter()
                .map(|s| {
                    (
                        s.as_str().to_string(),
                        tr.t(&format!("subject-status-{}", s.as_str())),
                    )
                })
                .collect(),
            today: benteng_domain::values::format_date(benteng_app::today()),
        },
    )
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

fn request_fields(tr: &Tr, i: &RequestInput, e: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new(
            tr,
            "kind",
            "subject-field-kind",
            "select",
            i.kind.clone(),
            e,
        )
        .options(
            RequestKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str().to_string(),
                        tr.t(&format!("subject-kind-{}", k.as_str())),
                    )
                })
                .collect(),
        )
        .required(),
        Field::new(
            tr,
            "requester_name",
            "subject-field-requester",
            "text",
            i.requester_name.clone(),
            e,
        )
        .required()
        .hint(tr.t("subject-hint-requester")),
        Field::new(
            tr,
            "requester_contact",
            "subject-field-contact",
            "text",
            i.requester_contact.clone(),
            e,
        )
        .hint(tr.t("subject-hint-contact")),
        Field::new(tr, "nik", "field-nik", "text", i.nik.clone(), e)
            .hint(tr.t("subject-hint-identifiers")),
        Field::new(tr, "phone", "field-phone", "tel", i.phone.clone(), e),
        Field::new(tr, "name", "field-name", "text", i.name.clone(), e)
            .hint(tr.t("subject-hint-name")),
        Field::new(
            tr,
            "detail",
            "subject-field-detail",
            "textarea",
            i.detail.clone(),
            e,
        ),
        Field::new(
            tr,
            "received_on",
            "subject-field-received",
            "date",
            i.received_on.clone(),
            e,
        )
        .hint(tr.t("subject-hint-received")),
    ]
}

async fn form_page(
    auth: &Auth,
    i: &RequestInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    html_status(
        status,
        &FormPage {
            l: Layout::new(&auth.0, "subject-new").await?,
            action: "/privasi/permintaan".into(),
            fields: request_fields(&auth.0.tr, i, e),
            cancel: "/privasi/permintaan".into(),
        },
    )
}

async fn new(auth: Auth) -> Result<Response, WebError> {
    auth.ctx().require(Action::SubjectRequest, None)?;
    form_page(
        &auth,
        &RequestInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<RequestInput>,
) -> Result<Response, WebError> {
    match subjects::create(&state.db, auth.ctx(), &i).await {
        Ok(id) => {
            flash_redirect(&auth.0, "flash-saved", &format!("/privasi/permintaan/{id}")).await
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            form_page(&auth, &i, &errors, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "subject.html")]
struct ShowPage {
    l: Layout,
    r: SubjectRequest,
    events: Vec<RequestEvent>,
    found: Findings,
    overdue: bool,
    errors: Vec<(String, String)>,
    /// The form that failed, to show its errors beside it.
    failed: &'static str,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn open(&self) -> bool {
        self.r.status == "terbuka"
    }

    fn correcting(&self) -> bool {
        self.open() && self.r.kind == "koreksi"
    }

    fn erasing(&self) -> bool {
        self.open() && self.r.kind == "penghapusan"
    }

    fn err(&self, form: &str) -> Vec<&String> {
        if self.failed == form {
            self.errors.iter().map(|(_, m)| m).collect()
        } else {
            Vec::new()
        }
    }

    fn found_label(&self, f: &Finding) -> String {
        self.l.tr.t(&format!("subject-found-{}", f.found_as))
    }

    fn record_label(&self, f: &Finding) -> String {
        record_title(&self.l.tr, f)
    }

    fn record_link(&self, f: &Finding) -> String {
        record_link(f)
    }

    fn status_label(&self, f: &Finding) -> String {
        status_label(&self.l.tr, f)
    }

    fn role_label(&self, f: &Finding) -> String {
        role_label(&self.l.tr, f)
    }

    fn matched(&self, f: &Finding) -> String {
        f.matched_by
            .iter()
            .map(|m| self.l.tr.t(&format!("subject-matched-{m}")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn fields_of(&self, f: &Finding) -> Vec<(String, String)> {
        let tr = &self.l.tr;
        let Some(kind) = f.found() else {
            return Vec::new();
        };
        [SubjectField::Name, SubjectField::Nik, SubjectField::Phone]
            .into_iter()
            .filter(|x| kind.correctable(*x))
            .map(|x| {
                (
                    x.as_str().to_string(),
                    tr.t(&format!("subject-field-{}", x.as_str())),
                )
            })
            .collect()
    }
}

/// "Laporan LP-ABCDE-FGHJK", "Kasus K-2026-0001", "Calon PMI", "Skrining paspor".
fn record_title(tr: &Tr, f: &Finding) -> String {
    let kind = match f.found() {
        Some(FoundAs::Reporter | FoundAs::ReportPerson) => "subject-record-report",
        Some(FoundAs::CasePerson) => "subject-record-case",
        Some(FoundAs::Migrant) => "subject-record-migrant",
        Some(FoundAs::LetterGiver) => "subject-record-letter",
        Some(FoundAs::Applicant | FoundAs::Sponsor) | None => "subject-record-screening",
    };
    let base = tr.t(kind);
    if f.label.is_empty() {
        base
    } else {
        format!("{base} {}", f.label)
    }
}

/// Where the record's own page is.
fn record_link(f: &Finding) -> String {
    match f.found() {
        Some(FoundAs::Reporter | FoundAs::ReportPerson) => format!("/laporan/{}", f.record_id),
        Some(FoundAs::CasePerson) => format!("/kasus/{}", f.record_id),
        Some(FoundAs::Migrant | FoundAs::LetterGiver) => format!("/calon-pmi/{}", f.record_id),
        Some(FoundAs::Applicant | FoundAs::Sponsor) | None => format!("/skrining/{}", f.record_id),
    }
}

fn status_label(tr: &Tr, f: &Finding) -> String {
    let prefix = match f.found() {
        Some(FoundAs::Reporter | FoundAs::ReportPerson) => "report-status",
        Some(FoundAs::CasePerson) => "case-status",
        Some(FoundAs::Migrant | FoundAs::LetterGiver) => "migrant-status",
        Some(FoundAs::Applicant | FoundAs::Sponsor) | None => {
            if matches!(f.status.as_str(), "rendah" | "sedang" | "tinggi") {
                "level"
            } else {
                "decision"
            }
        }
    };
    tr.t(&format!("{prefix}-{}", f.status))
}

fn role_label(tr: &Tr, f: &Finding) -> String {
    let Some(role) = f.role.as_deref() else {
        return String::new();
    };
    match f.found() {
        Some(FoundAs::ReportPerson) => tr.t(&format!("person-role-{role}")),
        Some(FoundAs::CasePerson) => tr.t(&format!("case-person-{role}")),
        Some(FoundAs::Applicant | FoundAs::Sponsor) => tr.t(&format!("purpose-{role}")),
        _ => role.to_string(),
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    failed: &'static str,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (r, events, found) = subjects::get(&state.db, auth.ctx(), id).await?;
    let mut l = Layout::new(&auth.0, "subject-request").await?;
    l.title = format!("{} {}", l.title, r.id);
    let tr = &auth.0.tr;
    let today = benteng_domain::values::format_date(benteng_app::today());
    html_status(
        status,
        &ShowPage {
            overdue: r.status == "terbuka" && r.due_on < today,
            l,
            r,
            events,
            found,
            errors: errors
                .0
                .iter()
                .map(|e| (e.field.to_string(), tr.t(e.code)))
                .collect(),
            failed,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show_page(&state, &auth, id, "", FieldErrors::new(), StatusCode::OK).await
}

async fn correct(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<CorrectInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match subjects::correct(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => {
            flash_redirect(
                &auth.0,
                "subject-corrected",
                &format!("/privasi/permintaan/{id}"),
            )
            .await
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &auth, id, "koreksi", errors, status).await
        }
    }
}

async fn erase(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    FormPairs(pairs): FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let input = EraseInput {
        findings: pairs
            .into_iter()
            .filter(|(k, _)| k == "pilih")
            .map(|(_, v)| v)
            .collect(),
    };
    match subjects::erase(&state.db, auth.ctx(), id, &input, state.store.as_ref()).await {
        Ok(n) => {
            let text = auth.0.tr.t1("subject-erased", "n", n);
            flash_text_redirect(&auth.0, text, &format!("/privasi/permintaan/{id}")).await
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &auth, id, "hapus", errors, status).await
        }
    }
}

async fn close(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<CloseInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match subjects::close(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => {
            flash_redirect(&auth.0, "flash-saved", &format!("/privasi/permintaan/{id}")).await
        }
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &auth, id, "tutup", errors, status).await
        }
    }
}

fn attachment(content_type: &str, file: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The answer as JSON: the request's reference and every finding, codes as stored (for a
/// person or a system that reads them; the PDF is the one in words).
async fn answer_json(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let (r, found) = subjects::export(&state.db, auth.ctx(), id, "json").await?;
    let body = serde_json::json!({
        "permintaan": r.id,
        "diterima": r.received_on,
        "kantor": r.office_name,
        "data": found.items.iter().map(|f| serde_json::json!({
            "sebagai": f.found_as,
            "catatan": record_title(&auth.0.tr, f),
            "peran": f.role,
            "nama": f.name,
            "nik": f.nik,
            "telepon": f.phone,
            "tanggal_lahir": f.birth_date,
            "alamat": f.address,
            "keterangan": f.note,
            "desa": f.place,
            "status": f.status,
            "dicatat": benteng_domain::values::format_date(
                time::OffsetDateTime::from_unix_timestamp(f.at).map(|t| t.date()).unwrap_or(time::Date::MIN)),
        })).collect::<Vec<_>>(),
    });
    let bytes = serde_json::to_vec_pretty(&body).map_err(|e| WebError::internal(e.to_string()))?;
    Ok(attachment(
        "application/json",
        format!("data-pribadi-{id}.json"),
        bytes,
    ))
}

/// The answer as a PDF in words, for the person.
async fn answer_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let (r, found) = subjects::export(&state.db, auth.ctx(), id, "pdf").await?;
    let tr = auth.0.tr.clone();
    let data = answer_document(&tr, &auth, &r, &found);
    let pdf = tokio::task::spawn_blocking(move || benteng_pdf::subject_data(&data))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(|e| WebError::internal(e.to_string()))?;
    Ok(attachment(
        "application/pdf",
        format!("data-pribadi-{id}.pdf"),
        pdf,
    ))
}

fn answer_document(
    tr: &Tr,
    auth: &Auth,
    r: &SubjectRequest,
    found: &Findings,
) -> benteng_pdf::SubjectData {
    let dash = |v: &Option<String>| v.clone().unwrap_or_default();
    let searched = [
        r.nik.as_ref().map(|v| format!("NIK {v}")),
        r.phone.clone(),
        r.name.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let records = found
        .items
        .iter()
        .map(|f| {
            let mut rows = vec![
                (
                    tr.t("subject-pdf-as"),
                    tr.t(&format!("subject-found-{}", f.found_as)),
                ),
                (tr.t("field-name"), dash(&f.name)),
            ];
            if f.nik.is_some() {
                rows.push(("NIK".into(), dash(&f.nik)));
            }
            if f.phone.is_some() {
                rows.push((tr.t("field-phone"), dash(&f.phone)));
            }
            if let Some(b) = &f.birth_date {
                rows.push((tr.t("field-birth-date"), tr.date(b)));
            }
            if f.address.is_some() {
                rows.push((tr.t("field-address"), dash(&f.address)));
            }
            let role = role_label(tr, f);
            if !role.is_empty() {
                rows.push((tr.t("subject-pdf-role"), role));
            }
            if f.note.is_some() {
                rows.push((tr.t("field-note"), dash(&f.note)));
            }
            rows.push((tr.t("field-village"), dash(&f.place)));
            rows.push((tr.t("field-status"), status_label(tr, f)));
            rows.push((tr.t("subject-pdf-recorded"), tr.datetime(&f.at)));
            benteng_pdf::SubjectRecord {
                title: record_title(tr, f),
                rows,
            }
        })
        .collect();
    let office = r.office_name.clone().unwrap_or_else(|| "Benteng".into());
    benteng_pdf::SubjectData {
        title: tr.t("subject-pdf-title"),
        reference: format!("{} {}", tr.t("subject-request"), r.id),
        header: vec![
            (tr.t("subject-field-requester"), r.requester_name.clone()),
            (tr.t("subject-field-received"), tr.date(&r.received_on)),
            (tr.t("subject-pdf-searched"), searched),
        ],
        intro: tr.t("subject-pdf-intro"),
        records,
        empty: tr.t("subject-pdf-empty"),
        closing: tr.t("subject-pdf-closing"),
        place_date: tr.date(&benteng_domain::values::format_date(benteng_app::today())),
        signer: auth
            .0
            .user
            .as_ref()
            .map(|u| u.full_name.clone())
            .unwrap_or_default(),
        office,
    }
}
