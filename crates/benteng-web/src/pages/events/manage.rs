//! The officer's forms around an event (open the post-test, follow-ups, materials and photos)
//! and the quiz question bank admins and the Kanwil edit.

use super::show_page;
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::file_response;
use crate::pages::upload::read_csv_form;
use crate::pages::{flash_redirect, html, html_status, parse_id, Field, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use benteng_app::events::{self, BankRow, FileKind, FollowUpInput};
use benteng_app::uploads::{clean_material_queued, clean_upload_queued, MAX_MATERIAL_BYTES};
use benteng_domain::quiz::{BankInput, QuizTopic};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct StageForm {
    #[serde(default)]
    stage: String,
}

/// Open the post-test (closing the pre-test) or close both.
pub(super) async fn stage(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<StageForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match events::set_quiz_stage(&state.db, auth.ctx(), id, &f.stage).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}#kuis")).await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}

pub(super) async fn add_followup(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(i): Form<FollowUpInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match events::add_followup(&state.db, auth.ctx(), id, &i).await {
        Ok(_) => {
            flash_redirect(
                &auth.0,
                "flash-saved",
                &format!("/sosialisasi/{id}#tindak-lanjut"),
            )
            .await
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct DoneForm {
    /// `1`: done; anything else: not done.
    #[serde(default)]
    done: String,
}

pub(super) async fn followup_done(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, f)): Path<(String, String)>,
    Form(d): Form<DoneForm>,
) -> Result<Response, WebError> {
    let (id, f) = (parse_id(&id)?, parse_id(&f)?);
    events::set_followup_done(&state.db, auth.ctx(), id, f, d.done == "1").await?;
    flash_redirect(
        &auth.0,
        "flash-saved",
        &format!("/sosialisasi/{id}#tindak-lanjut"),
    )
    .await
}

/// A material (PDF or slides, up to 20 MB, with a title) or a photo (cleaned of metadata).
pub(super) async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let form = read_csv_form(&auth.0, mp, MAX_MATERIAL_BYTES).await?;
    let kind = FileKind::parse(&form.get("kind"));
    let cleaned = match (&kind, form.file.clone()) {
        (_, Err(code)) => Err(code),
        (_, Ok(None)) => Err("err-file-missing"),
        (Ok(FileKind::Materi), Ok(Some(bytes))) => {
            clean_material_queued(form.file_name.clone(), bytes).await
        }
        (Ok(FileKind::Foto), Ok(Some(bytes))) => {
            clean_upload_queued(form.file_name.clone(), bytes).await
        }
        (Err(code), _) => Err(*code),
    };
    let result = match (kind, cleaned) {
        (Ok(kind), Ok(file)) => {
            events::attach_file(
                &state.db,
                auth.ctx(),
                id,
                kind,
                &form.get("caption"),
                &file,
                &*state.store,
            )
            .await
        }
        (Err(code), _) | (_, Err(code)) => {
            // Permission comes before the file's problems.
            events::show(&state.db, auth.ctx(), id)
                .await
                .and_then(|d| {
                    if d.can_manage {
                        Ok(())
                    } else {
                        Err(benteng_app::Error::Forbidden)
                    }
                })?;
            let mut e = FieldErrors::new();
            e.add("file", code);
            Err(benteng_app::Error::Invalid(e))
        }
    };
    match result {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}#berkas")).await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}

pub(super) async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, f)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, f) = (parse_id(&id)?, parse_id(&f)?);
    let (name, ct, bytes) = events::download(&state.db, auth.ctx(), id, f, &*state.store).await?;
    Ok(file_response(&name, ct, bytes))
}

// ------------------------------------------------------------------ the bank

#[derive(Template)]
#[template(path = "quiz_bank.html")]
struct BankPage {
    l: Layout,
    rows: Vec<BankRow>,
    can_edit: bool,
}

impl BankPage {
    fn topic(&self, t: &str) -> String {
        self.l.tr.t(&format!("quiz-topic-{t}"))
    }
}

pub(super) async fn bank(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    let rows = events::bank(&state.db, auth.ctx()).await?;
    html(&BankPage {
        l: Layout::new(&auth.0, "quiz-bank-title").await?,
        can_edit: auth.ctx().allows(Action::QuizBankManage, None),
        rows,
    })
}

#[derive(Template)]
#[template(path = "form.html")]
struct BankForm {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

async fn bank_form(
    auth: &Auth,
    id: Option<i64>,
    i: &BankInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::QuizBankManage, None)?;
    let tr = &auth.0.tr;
    let topics = QuizTopic::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), tr.t(&format!("quiz-topic-{t}"))))
        .collect();
    let fields = vec![
        Field::new(tr, "topic", "field-quiz-topic", "select", &i.topic, e)
            .options(topics)
            .required(),
        Field::new(tr, "question", "field-question", "textarea", &i.question, e).required(),
        Field::new(
            tr,
            "options",
            "field-quiz-options",
            "textarea",
            &i.options,
            e,
        )
        .required()
        .hint(tr.t("hint-quiz-options")),
        Field::new(tr, "correct", "field-quiz-correct", "number", &i.correct, e)
            .required()
            .hint(tr.t("hint-quiz-correct")),
        Field::new(tr, "source", "field-legal-source", "text", &i.source, e),
        Field::new(tr, "active", "field-quiz-active", "checkbox", &i.active, e)
            .hint(tr.t("hint-quiz-active")),
    ];
    let action = match id {
        Some(id) => format!("/sosialisasi/kuis/{id}"),
        None => "/sosialisasi/kuis".to_string(),
    };
    let title = if id.is_some() {
        "quiz-edit-title"
    } else {
        "quiz-new-title"
    };
    html_status(
        status,
        &BankForm {
            l: Layout::new(&auth.0, title).await?,
            action,
            fields,
            cancel: "/sosialisasi/kuis".to_string(),
        },
    )
}

pub(super) async fn bank_new(auth: Auth) -> Result<Response, WebError> {
    let i = BankInput {
        active: "1".into(),
        ..Default::default()
    };
    bank_form(&auth, None, &i, &FieldErrors::new(), StatusCode::OK).await
}

pub(super) async fn bank_create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<BankInput>,
) -> Result<Response, WebError> {
    match events::save_bank_question(&state.db, auth.ctx(), None, &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", "/sosialisasi/kuis").await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            bank_form(&auth, None, &i, &e, status).await
        }
    }
}

pub(super) async fn bank_edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(q): Path<String>,
) -> Result<Response, WebError> {
    let q = parse_id(&q)?;
    let row = events::bank_question(&state.db, auth.ctx(), q).await?;
    let i = BankInput {
        topic: row.topic,
        question: row.question,
        options: row.options,
        correct: (row.correct + 1).to_string(),
        source: row.source.unwrap_or_default(),
        active: if row.active == 1 { "1" } else { "" }.to_string(),
    };
    bank_form(&auth, Some(q), &i, &FieldErrors::new(), StatusCode::OK).await
}

pub(super) async fn bank_update(
    State(state): State<AppState>,
    auth: Auth,
    Path(q): Path<String>,
    Form(i): Form<BankInput>,
) -> Result<Response, WebError> {
    let q = parse_id(&q)?;
    match events::save_bank_question(&state.db, auth.ctx(), Some(q), &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", "/sosialisasi/kuis").await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            bank_form(&auth, Some(q), &i, &e, status).await
        }
    }
}
