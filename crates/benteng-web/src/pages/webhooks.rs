//! Integrasi: partner systems' webhooks (administrators, and the Kanwil for its province). The
//! list with the form to register one, a subscription's page (settings, state, actions and
//! its delivery log), one delivery with its body and attempts. A secret is shown once, on the
//! page that answers its making or rotation, and never stored in the session.

use super::{flash_redirect, form_errors, html_status, parse_id, Field, FormPairs, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use benteng_app::webhooks::{self, AttemptRow, DeliveryRow, Webhook};
use benteng_domain::webhook::WebhookInput;
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/integrasi", get(list).post(create))
        .route("/integrasi/{id}", get(show).post(update))
        .route("/integrasi/{id}/rahasia", post(rotate))
        .route("/integrasi/{id}/jeda", post(pause))
        .route("/integrasi/{id}/lanjut", post(resume))
        .route("/integrasi/{id}/uji", post(ping))
        .route("/integrasi/{id}/hapus", post(delete))
        .route("/integrasi/{id}/kiriman/{did}", get(delivery))
        .route("/integrasi/{id}/kiriman/{did}/ulang", post(redeliver))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    hal: Option<i64>,
}

/// The form's fields: name, address, events (checkboxes), region (a list), failure limit.
fn read_form(pairs: &[(String, String)]) -> WebhookInput {
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    WebhookInput {
        name: one("name"),
        url: one("url"),
        events: pairs
            .iter()
            .filter(|(n, _)| n == "events")
            .map(|(_, v)| v.clone())
            .collect(),
        region: one("region"),
        failure_limit: one("failure_limit"),
    }
}

/// The form as [`Field`]s, the events as a list of checkboxes of their own.
struct WebhookForm {
    fields: Vec<Field>,
    events: Vec<(String, String, bool)>,
    events_error: Option<String>,
}

async fn webhook_form(
    state: &AppState,
    auth: &Auth,
    i: &WebhookInput,
    e: &FieldErrors,
) -> Result<WebhookForm, WebError> {
    let tr = &auth.0.tr;
    let regions = webhooks::region_choices(&state.db, auth.ctx()).await?;
    let region_hint = if matches!(auth.ctx().actor.scope, benteng_domain::Scope::All) {
        "webhook-hint-region-admin"
    } else {
        "webhook-hint-region"
    };
    let fields = vec![
        Field::new(tr, "name", "webhook-field-name", "text", i.name.clone(), e)
            .required()
            .hint(tr.t("webhook-hint-name")),
        Field::new(tr, "url", "webhook-field-url", "url", i.url.clone(), e)
            .required()
            .hint(tr.t("webhook-hint-url")),
        Field::new(
            tr,
            "region",
            "webhook-field-region",
            "select",
            i.region.clone(),
            e,
        )
        .options(regions)
        .hint(tr.t(region_hint)),
        Field::new(
            tr,
            "failure_limit",
            "webhook-field-failure-limit",
            "number",
            i.failure_limit.clone(),
            e,
        )
        .hint(tr.t("webhook-hint-failure-limit")),
    ];
    let events = webhooks::event_kinds()
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                event_label(tr, k.as_str()),
                i.events.iter().any(|x| x == k.as_str()),
            )
        })
        .collect();
    Ok(WebhookForm {
        fields,
        events,
        events_error: e.get("events").map(|k| tr.t(k)),
    })
}

fn event_label(tr: &Tr, code: &str) -> String {
    tr.t(&format!("webhook-event-{}", code.replace('.', "-")))
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    l: Layout,
    /// Each subscription with its region's name.
    rows: Vec<(Webhook, String)>,
    pager: Pager,
    form: WebhookForm,
}

impl ListPage {
    fn state(&self, w: &Webhook) -> String {
        state_label(&self.l.tr, w)
    }
}

async fn region_label(state: &AppState, auth: &Auth, w: &Webhook) -> Result<String, WebError> {
    Ok(match &w.region_code {
        None => auth.0.tr.t("webhook-region-all"),
        Some(c) => webhooks::region_label(&state.db, auth.ctx(), c).await?,
    })
}

fn state_label(tr: &Tr, w: &Webhook) -> String {
    match (w.active, w.paused_reason.as_deref()) {
        (1, _) => tr.t("webhook-state-active"),
        (_, Some("failures")) => tr.t("webhook-state-paused-failures"),
        _ => tr.t("webhook-state-paused"),
    }
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    page: Option<i64>,
    i: &WebhookInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let rows = webhooks::list(&state.db, auth.ctx(), page).await?;
    let pager = Pager::new(&rows, "/integrasi", &[]);
    let mut named = Vec::new();
    for w in rows.items {
        let label = region_label(state, auth, &w).await?;
        named.push((w, label));
    }
    html_status(
        status,
        &ListPage {
            l: Layout::new(&auth.0, "webhook-title").await?,
            rows: named,
            pager,
            form: webhook_form(state, auth, i, e).await?,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let fresh = WebhookInput {
        events: Vec::new(),
        ..Default::default()
    };
    list_page(
        &state,
        &auth,
        q.hal,
        &fresh,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Template)]
#[template(path = "webhook_secret.html")]
struct SecretPage {
    l: Layout,
    id: i64,
    secret: String,
    rotated: bool,
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    FormPairs(pairs): FormPairs,
) -> Result<Response, WebError> {
    let i = read_form(&pairs);
    match webhooks::create(&state.db, auth.ctx(), &i).await {
        Ok((id, secret)) => html_status(
            StatusCode::CREATED,
            &SecretPage {
                l: Layout::new(&auth.0, "webhook-secret-title").await?,
                id,
                secret,
                rotated: false,
            },
        ),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            list_page(&state, &auth, None, &i, &errors, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct ShowPage {
    l: Layout,
    w: Webhook,
    region: String,
    state: String,
    events: Vec<String>,
    deliveries: Vec<DeliveryRow>,
    pager: Pager,
    form: WebhookForm,
}

impl ShowPage {
    fn delivery_state(&self, d: &DeliveryRow) -> String {
        self.l.tr.t(&format!("webhook-delivery-{}", d.status))
    }

    fn event(&self, code: &str) -> String {
        event_label(&self.l.tr, code)
    }

    fn active(&self) -> bool {
        self.w.active == 1
    }
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    page: Option<i64>,
    i: Option<&WebhookInput>,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let w = webhooks::show(&state.db, auth.ctx(), id).await?;
    let deliveries = webhooks::deliveries(&state.db, auth.ctx(), id, page).await?;
    let pager = Pager::new(&deliveries, &format!("/integrasi/{id}"), &[]);
    let current = WebhookInput {
        name: w.name.clone(),
        url: w.url.clone(),
        events: w.event_list().iter().map(|s| s.to_string()).collect(),
        region: w.region_code.clone().unwrap_or_default(),
        failure_limit: w.failure_limit.to_string(),
    };
    let form = webhook_form(state, auth, i.unwrap_or(&current), e).await?;
    let tr = &auth.0.tr;
    let region = region_label(state, auth, &w).await?;
    html_status(
        status,
        &ShowPage {
            l: Layout::new(&auth.0, "webhook-title").await?,
            region,
            state: state_label(tr, &w),
            events: w.event_list().iter().map(|c| event_label(tr, c)).collect(),
            w,
            deliveries: deliveries.items,
            pager,
            form,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show_page(
        &state,
        &auth,
        id,
        q.hal,
        None,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    FormPairs(pairs): FormPairs,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let i = read_form(&pairs);
    match webhooks::update(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/integrasi/{id}")).await,
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            show_page(&state, &auth, id, None, Some(&i), &errors, status).await
        }
    }
}

async fn rotate(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let secret = webhooks::rotate(&state.db, auth.ctx(), id).await?;
    html_status(
        StatusCode::OK,
        &SecretPage {
            l: Layout::new(&auth.0, "webhook-secret-title").await?,
            id,
            secret,
            rotated: true,
        },
    )
}

async fn pause(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    webhooks::set_active(&state.db, auth.ctx(), id, false).await?;
    flash_redirect(&auth.0, "webhook-flash-paused", &format!("/integrasi/{id}")).await
}

async fn resume(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    webhooks::set_active(&state.db, auth.ctx(), id, true).await?;
    flash_redirect(
        &auth.0,
        "webhook-flash-resumed",
        &format!("/integrasi/{id}"),
    )
    .await
}

async fn ping(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    webhooks::ping(&state.db, auth.ctx(), id).await?;
    flash_redirect(&auth.0, "webhook-flash-ping", &format!("/integrasi/{id}")).await
}

async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    webhooks::delete(&state.db, auth.ctx(), id).await?;
    flash_redirect(&auth.0, "webhook-flash-deleted", "/integrasi").await
}

#[derive(Template)]
#[template(path = "webhook_delivery.html")]
struct DeliveryPage {
    l: Layout,
    id: i64,
    name: String,
    d: DeliveryRow,
    body: String,
    attempts: Vec<AttemptRow>,
}

impl DeliveryPage {
    fn delivery_state(&self) -> String {
        self.l.tr.t(&format!("webhook-delivery-{}", self.d.status))
    }

    fn outcome(&self, a: &AttemptRow) -> String {
        self.l.tr.t(&format!("webhook-delivery-{}", a.outcome))
    }

    fn event(&self) -> String {
        event_label(&self.l.tr, &self.d.event)
    }
}

async fn delivery(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, did)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, did) = (parse_id(&id)?, parse_id(&did)?);
    let w = webhooks::show(&state.db, auth.ctx(), id).await?;
    let (d, body, attempts) = webhooks::delivery(&state.db, auth.ctx(), id, did).await?;
    let body = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(body);
    html_status(
        StatusCode::OK,
        &DeliveryPage {
            l: Layout::new(&auth.0, "webhook-delivery-title").await?,
            id,
            name: w.name,
            d,
            body,
            attempts,
        },
    )
}

async fn redeliver(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, did)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, did) = (parse_id(&id)?, parse_id(&did)?);
    match webhooks::redeliver(&state.db, auth.ctx(), id, did).await {
        Ok(()) => {
            flash_redirect(
                &auth.0,
                "webhook-flash-redeliver",
                &format!("/integrasi/{id}/kiriman/{did}"),
            )
            .await
        }
        Err(benteng_app::Error::Conflict(_, key)) => {
            flash_redirect(&auth.0, key, &format!("/integrasi/{id}/kiriman/{did}")).await
        }
        Err(e) => Err(e.into()),
    }
}
