//! A room message turned into a report in one step: the form starts from the message's text and
//! the room's village; the report and the message link to each other.

use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{flash_redirect, html_status, parse_id, Field, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use benteng_app::reports::ReportInput;
use benteng_domain::report::Category;
use benteng_domain::FieldErrors;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "form.html")]
pub(super) struct FormPage {
    pub l: Layout,
    pub action: String,
    pub fields: Vec<Field>,
    pub cancel: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ReportForm {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub region_code: String,
}

impl ReportForm {
    pub fn input(&self) -> ReportInput {
        ReportInput {
            category: self.category.clone(),
            description: self.description.clone(),
            region_code: self.region_code.clone(),
            ..Default::default()
        }
    }
}

/// The fields of a report made from a message (category, description, village).
pub(super) fn fields(tr: &crate::i18n::Tr, f: &ReportForm, e: &FieldErrors) -> Vec<Field> {
    let categories = Category::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                tr.t(&format!("category-{}", c.as_str())),
            )
        })
        .collect();
    vec![
        Field::new(
            tr,
            "category",
            "field-category",
            "select",
            f.category.clone(),
            e,
        )
        .options(categories)
        .required(),
        Field::new(
            tr,
            "description",
            "field-description",
            "textarea",
            f.description.clone(),
            e,
        )
        .required(),
        Field::new(
            tr,
            "region_code",
            "field-village-code",
            "text",
            f.region_code.clone(),
            e,
        )
        .hint(tr.t("hint-village-code"))
        .required(),
    ]
}

pub(super) async fn form(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    let (access, head, replies) = state.db.message_thread(auth.ctx(), id, mid).await?;
    let m = std::iter::once(&head)
        .chain(replies.iter())
        .find(|m| m.id == mid)
        .ok_or(WebError::NotFound)?;
    let f = ReportForm {
        description: m.body.clone(),
        region_code: match access.room.kind.as_str() {
            "desa" => access.room.region_code.clone().unwrap_or_default(),
            _ => String::new(),
        },
        ..Default::default()
    };
    show(&auth, id, mid, &f, &FieldErrors::new(), StatusCode::OK).await
}

async fn show(
    auth: &Auth,
    id: i64,
    mid: i64,
    f: &ReportForm,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (action, cancel) = (
        format!("/ruang/{id}/pesan/{mid}/laporan"),
        format!("/ruang/{id}/pesan/{mid}"),
    );
    form_page(auth, action, cancel, f, e, status).await
}

/// The report form for a message (room or WhatsApp), with its errors; a message already made
/// into a report shows that on the first field.
pub(super) async fn form_page(
    auth: &Auth,
    action: String,
    cancel: String,
    f: &ReportForm,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let mut fields = fields(&auth.0.tr, f, e);
    if let Some(code) = e.get("message") {
        fields[0].error = Some(auth.0.tr.t(code));
    }
    let l = Layout::new(&auth.0, "message-to-report-title").await?;
    html_status(
        status,
        &FormPage {
            l,
            action,
            fields,
            cancel,
        },
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    match benteng_app::reports::from_room_message(
        &state.db,
        auth.ctx(),
        id,
        mid,
        &f.input(),
        state.store.as_ref(),
    )
    .await
    {
        Ok((rid, _)) => {
            flash_redirect(
                &auth.0,
                "flash-report-from-message",
                &format!("/laporan/{rid}"),
            )
            .await
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            show(&auth, id, mid, &f, &e, status).await
        }
    }
}
