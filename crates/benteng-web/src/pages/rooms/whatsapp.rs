//! The office's WhatsApp inbox: residents' messages, answers inside the 24-hour window, and a
//! message turned into a report. The webhook that fills it is in `api::rooms`.

use super::to_report::{ReportForm, ReportFormAt};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{flash_redirect, html, html_status, parse_id, Layout, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use benteng_app::rooms::whatsapp::{self, Contact, WaMessage};
use benteng_domain::FieldErrors;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct InboxQuery {
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "wa_inbox.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<Contact>,
    pager: Pager,
}

pub(super) async fn inbox(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<InboxQuery>,
) -> Result<Response, WebError> {
    let page = whatsapp::inbox(&state.db, auth.ctx(), q.hal).await?;
    let pager = Pager::new(&page, "/wa", &[]);
    let l = Layout::new(&auth.0, "wa-title").await?;
    html(&InboxPage {
        l,
        rows: page.items,
        pager,
    })
}

#[derive(Deserialize)]
pub(super) struct ConversationQuery {
    lihat: Option<String>,
}

#[derive(Template)]
#[template(path = "wa_conversation.html")]
struct ConversationPage {
    l: Layout,
    contact: Contact,
    messages: Vec<WaMessage>,
    open: bool,
    body: String,
    error: Option<String>,
}

impl ConversationPage {
    fn status(&self, m: &WaMessage) -> String {
        m.status
            .as_deref()
            .map(|s| self.l.tr.t(&format!("wa-status-{s}")))
            .unwrap_or_default()
    }
}

pub(super) async fn conversation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ConversationQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show(
        &state,
        &auth,
        id,
        q.lihat.is_some(),
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn show(
    state: &AppState,
    auth: &Auth,
    id: i64,
    reveal: bool,
    body: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (contact, messages) = whatsapp::conversation(&state.db, auth.ctx(), id, reveal).await?;
    let mut l = Layout::new(&auth.0, "wa-title").await?;
    l.title = contact
        .profile_name
        .clone()
        .unwrap_or_else(|| contact.phone.clone());
    html_status(
        status,
        &ConversationPage {
            open: whatsapp::window_open(&contact),
            l,
            contact,
            messages,
            body,
            error,
        },
    )
}

#[derive(Deserialize)]
pub(super) struct ReplyForm {
    #[serde(default)]
    body: String,
}

pub(super) async fn reply(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match whatsapp::reply(&state.db, auth.ctx(), id, &f.body).await {
        Ok(_) => flash_redirect(&auth.0, "flash-wa-queued", &format!("/wa/{id}")).await,
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            let error = e.get("body").map(|k| auth.0.tr.t(k));
            show(&state, &auth, id, false, f.body, error, status).await
        }
    }
}

pub(super) async fn report_form(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    let (_, messages) = whatsapp::conversation(&state.db, auth.ctx(), id, false).await?;
    let m = messages
        .iter()
        .find(|m| m.id == mid && m.direction == "in")
        .ok_or(WebError::NotFound)?;
    let f = ReportForm {
        description: m.body.clone(),
        ..Default::default()
    };
    report_form_at(id, mid)
        .show(&state, &auth, &f, &FieldErrors::new(), StatusCode::OK)
        .await
}

fn report_form_at(id: i64, mid: i64) -> ReportFormAt {
    ReportFormAt {
        action: format!("/wa/{id}/pesan/{mid}/laporan"),
        cancel: format!("/wa/{id}"),
    }
}

pub(super) async fn report_create(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    let filed = benteng_app::reports::from_whatsapp(
        &state.db,
        auth.ctx(),
        id,
        mid,
        &f.input(),
        state.store.as_ref(),
    )
    .await;
    report_form_at(id, mid)
        .answer(&state, &auth, &f, filed)
        .await
}
