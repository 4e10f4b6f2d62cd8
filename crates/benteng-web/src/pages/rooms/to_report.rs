//! A room message turned into a report in one step: the form starts from the message's text and
//! the room's village; the report and the message link to each other. The form's display and
//! answer ([`ReportFormAt`]) serve the WhatsApp inbox's messages too.

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
use benteng_app::rooms::messages;
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

/// A message's report form: where it posts and where "cancel" goes back to. The room page
/// and the WhatsApp inbox share its display and its answer.
pub(super) struct ReportFormAt {
    pub action: String,
    pub cancel: String,
}

impl ReportFormAt {
    fn room(id: i64, mid: i64) -> ReportFormAt {
        ReportFormAt {
            action: format!("/ruang/{id}/pesan/{mid}/laporan"),
            cancel: format!("/ruang/{id}/pesan/{mid}"),
        }
    }

    /// The form with its errors; a message already made into a report shows that on the
    /// first field.
    pub async fn show(
        &self,
        state: &AppState,
        auth: &Auth,
        f: &ReportForm,
        e: &FieldErrors,
        status: StatusCode,
    ) -> Result<Response, WebError> {
        let mut fields = fields(&auth.0.tr, f, e);
        if let Some(code) = e.get("message") {
            fields[0].error = Some(auth.0.tr.t(code));
        }
        crate::pages::area::places(
            state,
            &mut fields,
            &[("region_code", crate::pages::area::DESA)],
            Some(&auth.ctx().actor.scope),
        )
        .await?;
        let l = Layout::new(&auth.0, "message-to-report-title").await?;
        html_status(
            status,
            &FormPage {
                l,
                action: self.action.clone(),
                fields,
                cancel: self.cancel.clone(),
            },
        )
    }

    /// The answer to the form: the new report, or the form again with its errors.
    pub async fn answer(
        &self,
        state: &AppState,
        auth: &Auth,
        f: &ReportForm,
        filed: benteng_app::Result<(i64, String)>,
    ) -> Result<Response, WebError> {
        match filed {
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
                self.show(state, auth, f, &e, status).await
            }
        }
    }
}

pub(super) async fn form(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    let (access, head, replies) = messages::thread(&state.db, auth.ctx(), id, mid).await?;
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
    ReportFormAt::room(id, mid)
        .show(&state, &auth, &f, &FieldErrors::new(), StatusCode::OK)
        .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    let filed = benteng_app::reports::from_room_message(
        &state.db,
        auth.ctx(),
        id,
        mid,
        &f.input(),
        state.store.as_ref(),
    )
    .await;
    ReportFormAt::room(id, mid)
        .answer(&state, &auth, &f, filed)
        .await
}
