//! A resident's page and the forms on it: checklist steps (with evidence files), verification,
//! status, the family permission letter and its PDF.

use super::*;

#[derive(Deserialize, Default)]
pub(super) struct ShowQuery {
    tampilkan: Option<String>,
}

/// Which form on the detail page failed, and why.
#[derive(Default)]
struct Problems {
    /// "step:<code>", "status" or "letter".
    form: String,
    errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "migrant.html")]
struct ShowPage {
    l: Layout,
    d: MigrantDetail,
    statuses: Vec<(String, String)>,
    step_statuses: Vec<(String, String)>,
    letter_kinds: Vec<(String, String)>,
    problems: Problems,
    /// Values of the letter form when it failed.
    letter_input: LetterInput,
}

impl ShowPage {
    /// A step's last change as this page shows it (the later of its save and its
    /// verification), sent back as `seen` so a late save (offline) cannot overwrite a newer one.
    fn seen(&self, s: &benteng_app::migrants::StepRow) -> i64 {
        s.updated_at.max(s.verified_at).unwrap_or(0)
    }

    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    /// A history line's detail in words: a step's name and new state ("Surat izin keluarga:
    /// Selesai"), a status change ("Rencana → Diproses"); others through the general reader.
    fn event_detail(&self, kind: &str, detail: &str) -> String {
        let step = |code: &str| {
            self.d
                .steps
                .iter()
                .find(|s| s.code == code)
                .map(|s| s.label.clone())
        };
        match kind {
            "step" => match detail.split_once('=') {
                Some((code, status)) => match step(code) {
                    Some(label) => format!("{label}: {}", self.t("step-status", status)),
                    None => self.l.tr.detail(detail),
                },
                None => self.l.tr.detail(detail),
            },
            "status" => match detail.split_once('>') {
                Some((from, to)) => format!(
                    "{} → {}",
                    self.t("migrant-status", from),
                    self.t("migrant-status", to)
                ),
                None => self.l.tr.detail(detail),
            },
            _ => match detail.split_once('=') {
                Some(("step" | "file", code)) if step(code).is_some() => {
                    step(code).unwrap_or_default()
                }
                _ => self.l.tr.detail(detail),
            },
        }
    }

    fn country(&self) -> String {
        self.d
            .migrant
            .destination
            .as_deref()
            .map(|c| self.l.tr.t(&format!("country-{}", c.to_lowercase())))
            .unwrap_or_else(|| "—".into())
    }

    fn flag_text(&self, f: &str) -> String {
        self.l.tr.t(&format!("flag-{}", f.replace([':', '_'], "-")))
    }

    fn err(&self, form: &str, field: &str) -> Option<&String> {
        if self.problems.form != form {
            return None;
        }
        self.problems
            .errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m)
    }

    fn step_err(&self, code: &str, field: &str) -> Option<&String> {
        self.err(&format!("step:{code}"), field)
    }

    fn step_failed(&self, code: &str) -> bool {
        self.failed(&format!("step:{code}"))
    }

    fn failed(&self, form: &str) -> bool {
        self.problems.form == form
    }

    fn missing_count(&self) -> usize {
        self.d.steps.iter().filter(|s| s.missing).count()
    }

    fn done_count(&self) -> usize {
        self.d
            .steps
            .iter()
            .filter(|s| matches!(s.status.as_str(), "selesai" | "tidak_perlu"))
            .count()
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    reveal: bool,
    problems: Problems,
    letter_input: LetterInput,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = migrants::show(&state.db, auth.ctx(), id, reveal).await?;
    let tr = &auth.0.tr;
    let mut l = Layout::new(&auth.0, "migrants-title").await?;
    l.title = d.migrant.name.clone();
    html_status(
        status,
        &ShowPage {
            l,
            d,
            statuses: status_options(tr),
            step_statuses: StepStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), tr.t(&format!("step-status-{s}"))))
                .collect(),
            letter_kinds: LetterKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), tr.t(&format!("letter-kind-{k}"))))
                .collect(),
            problems,
            letter_input,
        },
    )
}

pub(super) async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let reveal = q.tampilkan.as_deref() == Some("1");
    show_page(
        &state,
        &auth,
        parse_id(&id)?,
        reveal,
        Problems::default(),
        LetterInput::default(),
        StatusCode::OK,
    )
    .await
}

fn problems(tr: &Tr, form: String, e: &FieldErrors) -> Problems {
    Problems {
        form,
        errors: e
            .0
            .iter()
            .map(|x| (x.field.to_string(), tr.t(x.code)))
            .collect(),
    }
}

/// A form on the resident's page failed: the page again, that form open with its errors
/// (anything but invalid input or a conflict is passed on as it is).
async fn form_failed(
    state: &AppState,
    auth: &Auth,
    id: i64,
    form: String,
    letter_input: LetterInput,
    e: benteng_app::Error,
) -> Result<Response, WebError> {
    let (status, e) = crate::pages::form_errors(e)?;
    show_page(
        state,
        auth,
        id,
        false,
        problems(&auth.0.tr, form, &e),
        letter_input,
        status,
    )
    .await
}

/// A step's progress (multipart: the form may carry an evidence file).
pub(super) async fn step(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let form = read_form(&auth.0, mp).await?;
    let i = StepInput {
        step: form.get("step"),
        status: form.get("status"),
        done_on: form.get("done_on"),
        note: form.get("note"),
        seen: form.get("seen"),
    };
    let which = format!("step:{}", i.step);
    if let Some(code) = form.file_error {
        let mut e = FieldErrors::new();
        e.add("file", code);
        return show_page(
            &state,
            &auth,
            id,
            false,
            problems(&auth.0.tr, which, &e),
            LetterInput::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match migrants::record_step(
        &state.db,
        auth.ctx(),
        id,
        &i,
        form.files.first().map(|f| (f, &*state.store)),
    )
    .await
    {
        Ok(()) => {
            flash_redirect(
                &auth.0,
                "flash-saved",
                &format!("/calon-pmi/{id}#langkah-{}", i.step),
            )
            .await
        }
        Err(e) => form_failed(&state, &auth, id, which, LetterInput::default(), e).await,
    }
}

pub(super) async fn verify(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, step)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match migrants::verify_step(&state.db, auth.ctx(), id, &step).await {
        Ok(()) => {
            flash_redirect(
                &auth.0,
                "flash-verified",
                &format!("/calon-pmi/{id}#langkah-{step}"),
            )
            .await
        }
        Err(e) => {
            form_failed(
                &state,
                &auth,
                id,
                format!("step:{step}"),
                LetterInput::default(),
                e,
            )
            .await
        }
    }
}

pub(super) async fn step_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, step)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let (ct, name, bytes) =
        migrants::step_file(&state.db, auth.ctx(), id, &step, &*state.store).await?;
    Ok(crate::pages::file_response(&name, ct, bytes))
}

pub(super) async fn status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<StatusInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match migrants::change_status(&state.db, auth.ctx(), id, &i).await {
        Ok(flagged) => {
            let key = if flagged {
                "flash-migrant-nonprocedural"
            } else {
                "flash-saved"
            };
            flash_redirect(&auth.0, key, &format!("/calon-pmi/{id}")).await
        }
        Err(e) => {
            form_failed(
                &state,
                &auth,
                id,
                "status".into(),
                LetterInput::default(),
                e,
            )
            .await
        }
    }
}

pub(super) async fn letter(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<LetterInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match migrants::issue_letter(&state.db, auth.ctx(), id, &i).await {
        Ok(_) => {
            flash_redirect(
                &auth.0,
                "flash-letter-issued",
                &format!("/calon-pmi/{id}#surat"),
            )
            .await
        }
        Err(e) => form_failed(&state, &auth, id, "letter".into(), i, e).await,
    }
}

/// The letter as PDF, typeset on a blocking thread.
pub(super) async fn letter_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, letter)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let letter_id = parse_id(letter.trim_end_matches(".pdf"))?;
    let d = migrants::letter(&state.db, auth.ctx(), id, letter_id).await?;
    let tr = auth.0.tr.clone();
    let file = format!("{}.pdf", d.number.replace('/', "-"));
    let pdf = tokio::task::spawn_blocking(move || {
        benteng_pdf::permission_letter(&crate::pdf::permission_letter(&tr, &d))
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?
    .map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        pdf,
    )
        .into_response())
}
