//! The checklist itself (read by all who see the register, edited by admins), figures,
//! export and import.

use super::*;

pub(super) const IMPORT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Template)]
#[template(path = "checklist.html")]
struct StepsPage {
    l: Layout,
    steps: Vec<migrants::Step>,
    can_edit: bool,
    /// The form that failed ("new" or a step code), its values and errors.
    failed: String,
    input: StepDefInput,
    errors: Vec<(String, String)>,
}

impl StepsPage {
    fn err(&self, form: &str, field: &str) -> Option<&String> {
        if self.failed != form {
            return None;
        }
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn steps_render(
    state: &AppState,
    auth: &Auth,
    failed: String,
    input: StepDefInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    ctx.require(Action::MigrantView, None)?;
    let tr = &auth.0.tr;
    html_status(
        status,
        &StepsPage {
            l: Layout::new(&auth.0, "checklist-title").await?,
            steps: migrants::checklist(&state.db).await?,
            can_edit: ctx.allows(Action::GuideManage, None),
            failed,
            input,
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
        },
    )
}

pub(super) async fn steps_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Response, WebError> {
    steps_render(
        &state,
        &auth,
        String::new(),
        StepDefInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn step_save(
    state: &AppState,
    auth: &Auth,
    code: Option<String>,
    i: StepDefInput,
) -> Result<Response, WebError> {
    match migrants::save_checklist_step(&state.db, auth.ctx(), code.as_deref(), &i).await {
        Ok(code) => flash_redirect(&auth.0, "flash-saved", &format!("/langkah-resmi#{code}")).await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            steps_render(
                state,
                auth,
                code.unwrap_or_else(|| "new".into()),
                i,
                &e,
                status,
            )
            .await
        }
    }
}

pub(super) async fn step_create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<StepDefInput>,
) -> Result<Response, WebError> {
    step_save(&state, &auth, None, i).await
}

pub(super) async fn step_update(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(i): Form<StepDefInput>,
) -> Result<Response, WebError> {
    step_save(&state, &auth, Some(code), i).await
}

#[derive(Template)]
#[template(path = "migrant_figures.html")]
struct FiguresPage {
    l: Layout,
    f: MigrantFigures,
    statuses: Vec<(String, String)>,
}

pub(super) async fn figures(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Response, WebError> {
    let f = migrants::figures(&state.db, auth.ctx()).await?;
    html(&FiguresPage {
        l: Layout::new(&auth.0, "migrant-figures-title").await?,
        statuses: status_options(&auth.0.tr),
        f,
    })
}

#[derive(Deserialize, Default)]
pub(crate) struct ExportQuery {
    #[serde(flatten)]
    filter: MigrantFilter,
    format: Option<String>,
    /// `1`: offer the file as a password-protected archive (`pages::exports`).
    enkripsi: Option<String>,
}

/// The register export: its file name, type and bytes (audited by the data layer).
pub(crate) async fn build_export(
    state: &AppState,
    auth: &Auth,
    q: &ExportQuery,
) -> Result<crate::pages::exports::ExportFile, WebError> {
    let format = match q.format.as_deref().unwrap_or("csv") {
        f @ ("csv" | "xlsx") => f,
        _ => return Err(WebError::BadRequest),
    };
    let items = migrants::export(&state.db, auth.ctx(), &q.filter).await?;
    Ok(if format == "csv" {
        crate::pages::exports::ExportFile {
            name: "calon-pmi.csv".into(),
            content_type: "text/csv; charset=utf-8",
            bytes: migrants::migrants_csv(&items)?.into(),
        }
    } else {
        crate::pages::exports::ExportFile {
            name: "calon-pmi.xlsx".into(),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes: crate::xlsx::migrants(&items)?,
        }
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    if q.enkripsi.as_deref() == Some("1") {
        return crate::pages::exports::offer(
            &auth,
            crate::pages::exports::ExportKind::Register,
            raw.unwrap_or_default(),
        )
        .await;
    }
    Ok(build_export(&state, &auth, &q).await?.into_response())
}

pub(super) async fn import(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::MigrantManage, None)?;
    let form = read_csv_form(&auth.0, mp, IMPORT_BYTES).await?;
    let all_or_nothing = form.get("semua_atau_tidak") == "1";
    let tr = auth.0.tr.clone();
    let fail = |msg: String, status| (None, Some(msg), status);
    let (outcome, error, status) = match form.file {
        Ok(None) => fail(tr.t("err-file-required"), StatusCode::UNPROCESSABLE_ENTITY),
        Err(code) => fail(tr.t(code), StatusCode::PAYLOAD_TOO_LARGE),
        // An XLSX file (a zip: "PK") is read as CSV from its first sheet.
        Ok(Some(data)) if data.starts_with(b"PK") => {
            match tokio::task::spawn_blocking(move || crate::xlsx::first_sheet_as_csv(&data))
                .await
                .map_err(|e| WebError::internal(e.to_string()))?
            {
                Ok(csv) => import_rows(&state, &auth, &csv, all_or_nothing).await?,
                Err(code) => fail(tr.t(code), StatusCode::UNPROCESSABLE_ENTITY),
            }
        }
        Ok(Some(data)) => import_rows(&state, &auth, &data, all_or_nothing).await?,
    };
    list_page(
        &state,
        &auth,
        MigrantFilter::default(),
        outcome,
        error,
        status,
    )
    .await
}

type Imported = (Option<ImportOutcome>, Option<String>, StatusCode);

async fn import_rows(
    state: &AppState,
    auth: &Auth,
    data: &[u8],
    all_or_nothing: bool,
) -> Result<Imported, WebError> {
    let tr = &auth.0.tr;
    Ok(
        match migrants::import(&state.db, auth.ctx(), data, all_or_nothing).await {
            Ok(o) if o.errors.is_empty() => (Some(o), None, StatusCode::OK),
            Ok(o) => (Some(o), None, StatusCode::UNPROCESSABLE_ENTITY),
            Err(benteng_app::Error::Invalid(e)) => (
                None,
                Some(e.0.first().map(|x| tr.t(x.code)).unwrap_or_default()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.into()),
        },
    )
}
