//! Alerts (waspada): the list of alerts of my area, and the form officers and the Kanwil use
//! to warn every room of an area.

use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{flash_text_redirect, html_status, Field, Layout, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use benteng_app::rooms::alerts::{self, Alert, AlertInput};
use benteng_domain::coordination::Severity;
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    l: Layout,
    rows: Vec<Alert>,
    pager: Pager,
    fields: Vec<Field>,
}

impl AlertsPage {
    fn severity(&self, a: &Alert) -> String {
        self.l.tr.t(&format!("severity-{}", a.severity))
    }
}

#[derive(Deserialize)]
pub(super) struct PageQuery {
    hal: Option<i64>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    show(
        &state,
        &auth,
        q.hal,
        &AlertInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn show(
    state: &AppState,
    auth: &Auth,
    page: Option<i64>,
    i: &AlertInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let list = alerts::list(&state.db, auth.ctx(), page).await?;
    let pager = Pager::new(&list, "/waspada", &[]);
    let tr = &auth.0.tr;
    let fields = if auth.ctx().allows(Action::AlertPost, None) {
        let severities = Severity::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    tr.t(&format!("severity-{}", s.as_str())),
                )
            })
            .collect();
        vec![
            Field::new(
                tr,
                "severity",
                "alert-severity",
                "select",
                i.severity.clone(),
                e,
            )
            .options(severities)
            .required(),
            Field::new(
                tr,
                "area_code",
                "alert-area",
                "text",
                i.area_code.clone(),
                e,
            )
            .hint(tr.t("alert-area-hint"))
            .required(),
            Field::new(tr, "title", "alert-title-field", "text", i.title.clone(), e).required(),
            Field::new(tr, "body", "alert-body", "textarea", i.body.clone(), e).required(),
        ]
    } else {
        Vec::new()
    };
    let mut fields = fields;
    crate::pages::area::places(
        state,
        &mut fields,
        &[("area_code", crate::pages::area::ANY)],
        Some(&auth.ctx().actor.scope),
    )
    .await?;
    let l = Layout::new(&auth.0, "alerts-title").await?;
    html_status(
        status,
        &AlertsPage {
            l,
            rows: list.items,
            pager,
            fields,
        },
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<AlertInput>,
) -> Result<Response, WebError> {
    match alerts::post(&state.db, auth.ctx(), &i).await {
        Ok((_, rooms)) => {
            let text = auth.0.tr.t1("flash-alert-posted", "rooms", rooms);
            flash_text_redirect(&auth.0, text, "/waspada").await
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            show(&state, &auth, None, &i, &e, status).await
        }
    }
}
