//! Sosialisasi pages: the events of one's area, planning one, an event's page with its QR code
//! and attendance, and the public check-in (`/hadir`) participants open on their own phone by
//! scanning the QR code or typing the short code. Everything works without JavaScript.

use super::{flash_redirect, html, html_status, parse_id, Field, Layout, Pager};
use crate::ctx::{client_ip, Auth, Viewer};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use benteng_db::events::{
    CheckinInput, EventDetail, EventInput, EventRow, FaqEntry, PublicEvent, QuestionInput,
};
use benteng_domain::event::{AttendeeRole, Zone};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sosialisasi", get(list).post(create))
        .route("/sosialisasi/baru", get(new))
        .route("/sosialisasi/{id}", get(show).post(update))
        .route("/sosialisasi/{id}/ubah", get(edit))
        .route(
            "/sosialisasi/{id}/hadir",
            axum::routing::post(tick_attendee),
        )
        .route("/sosialisasi/{id}/tanya", axum::routing::post(add_question))
        .route(
            "/sosialisasi/{id}/tanya/{q}/terbit",
            axum::routing::post(publish_question),
        )
        .route("/faq", get(faq))
        .route("/hadir", get(checkin_start))
        .route("/hadir/{code}", get(checkin_form).post(checkin))
}

fn roles(tr: &Tr) -> Vec<(String, String)> {
    AttendeeRole::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), tr.t(&format!("attendee-role-{r}"))))
        .collect()
}

#[derive(Deserialize, Default)]
struct ListQuery {
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "events_list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<EventRow>,
    pager: Pager,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = state.db.list_events(auth.ctx(), q.hal).await?;
    let pager = Pager::new(&page, "/sosialisasi", &[]);
    html(&ListPage {
        l: Layout::new(&auth.0, "events-title").await?,
        can_manage: auth.ctx().allows(Action::EventManage, None),
        rows: page.items,
        pager,
    })
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    l: Layout,
    action: String,
    fields: Vec<Field>,
    cancel: String,
}

async fn form_page(
    auth: &Auth,
    id: Option<i64>,
    i: &EventInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::EventManage, None)?;
    let tr = &auth.0.tr;
    let zones = Zone::ALL
        .iter()
        .map(|z| (z.as_str().to_string(), z.as_str().to_string()))
        .collect();
    let fields = vec![
        Field::new(tr, "title", "field-title", "text", &i.title, e).required(),
        Field::new(tr, "date", "field-date", "date", &i.date, e).required(),
        Field::new(tr, "time", "field-time", "time", &i.time, e).required(),
        Field::new(tr, "zone", "field-zone", "select", &i.zone, e)
            .options(zones)
            .hint(tr.t("hint-zone")),
        Field::new(tr, "venue", "field-venue", "text", &i.venue, e).required(),
        Field::new(tr, "region", "field-event-region", "text", &i.region, e)
            .required()
            .hint(tr.t("hint-event-region")),
        Field::new(
            tr,
            "villages",
            "field-event-villages",
            "textarea",
            &i.villages,
            e,
        )
        .hint(tr.t("hint-event-villages")),
        Field::new(tr, "agenda", "field-agenda", "textarea", &i.agenda, e),
        Field::new(tr, "speakers", "field-speakers", "textarea", &i.speakers, e)
            .hint(tr.t("hint-speakers")),
    ];
    let (title, action, cancel) = match id {
        Some(id) => (
            "event-edit-title",
            format!("/sosialisasi/{id}"),
            format!("/sosialisasi/{id}"),
        ),
        None => (
            "event-new-title",
            "/sosialisasi".to_string(),
            "/sosialisasi".to_string(),
        ),
    };
    html_status(
        status,
        &FormPage {
            l: Layout::new(&auth.0, title).await?,
            action,
            fields,
            cancel,
        },
    )
}

async fn new(auth: Auth) -> Result<Response, WebError> {
    form_page(
        &auth,
        None,
        &EventInput::default(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<EventInput>,
) -> Result<Response, WebError> {
    match state.db.create_event(auth.ctx(), &i).await {
        Ok(id) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&auth, None, &i, &e, status).await
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = state.db.get_event(auth.ctx(), id).await?;
    if !d.can_manage {
        return Err(WebError::Forbidden);
    }
    let zone = Zone::parse(&d.event.zone).unwrap_or(Zone::Wib);
    let local = zone.local(d.event.starts_at);
    let i = EventInput {
        title: d.event.title.clone(),
        date: local
            .map(|t| benteng_domain::values::format_date(t.date()))
            .unwrap_or_default(),
        time: local
            .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
            .unwrap_or_default(),
        zone: zone.as_str().to_string(),
        venue: d.event.venue.clone(),
        region: d.event.region_code.clone(),
        agenda: d.event.agenda.clone().unwrap_or_default(),
        speakers: d
            .speakers
            .iter()
            .map(|s| {
                format!(
                    "{}; {}; {}",
                    s.name,
                    s.agency.as_deref().unwrap_or(""),
                    s.topic.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        villages: d
            .villages
            .iter()
            .map(|v| v.code.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    form_page(&auth, Some(id), &i, &FieldErrors::new(), StatusCode::OK).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(i): Form<EventInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.update_event(auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&auth, Some(id), &i, &e, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "event.html")]
struct ShowPage {
    l: Layout,
    d: EventDetail,
    /// The check-in address as a QR code (inline SVG) and as text.
    qr_svg: String,
    checkin_url: String,
    roles: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

/// The QR code of `url` as an SVG image.
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// This server's address as the officer's browser reached it, for the QR code (no
/// configuration needed; behind a proxy the proxy passes the public host on).
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    id: i64,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = state.db.get_event(auth.ctx(), id).await?;
    let checkin_url = format!(
        "{}/hadir/{}",
        base_url(state, headers),
        d.event.checkin_code
    );
    let tr = &auth.0.tr;
    let mut l = Layout::new(&auth.0, "events-title").await?;
    l.title = d.event.title.clone();
    html_status(
        status,
        &ShowPage {
            l,
            qr_svg: qr_svg(&checkin_url),
            checkin_url,
            roles: roles(tr),
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
            d,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    show_page(
        &state,
        &auth,
        &headers,
        parse_id(&id)?,
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// An officer ticks a participant at the door.
async fn tick_attendee(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(i): Form<CheckinInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.add_attendee(auth.ctx(), id, &i).await {
        Ok(new) => {
            let key = if new {
                "flash-attendee-added"
            } else {
                "flash-attendee-known"
            };
            flash_redirect(&auth.0, key, &format!("/sosialisasi/{id}#hadir")).await
        }
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}

/// A question asked during the session, with its answer.
async fn add_question(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(i): Form<QuestionInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    match state.db.add_question(auth.ctx(), id, &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}#tanya")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}

#[derive(Deserialize)]
struct PublishForm {
    /// `1` publishes, anything else takes the answer back.
    #[serde(default)]
    publish: String,
}

async fn publish_question(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    Form(f): Form<PublishForm>,
) -> Result<Response, WebError> {
    let (id, q) = (parse_id(&id)?, parse_id(&q)?);
    match state
        .db
        .publish_question(auth.ctx(), id, q, f.publish == "1")
        .await
    {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}#tanya")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "faq.html")]
struct FaqPage {
    l: Layout,
    rows: Vec<FaqEntry>,
    pager: Pager,
}

/// The public FAQ: answers given at awareness events and published by the officers.
async fn faq(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = state.db.faq(q.hal).await?;
    let pager = Pager::new(&page, "/faq", &[]);
    html(&FaqPage {
        l: Layout::new(&v, "faq-title").await?,
        rows: page.items,
        pager,
    })
}

// ------------------------------------------------------------ public check-in

#[derive(Deserialize, Default)]
struct StartQuery {
    kode: Option<String>,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinPage {
    l: Layout,
    /// None: the page asks for the code.
    event: Option<PublicEvent>,
    i: CheckinInput,
    roles: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// Some(true): recorded now; Some(false): was already recorded.
    done: Option<bool>,
}

impl CheckinPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn checkin_render(
    v: &Viewer,
    event: Option<PublicEvent>,
    i: CheckinInput,
    e: &FieldErrors,
    done: Option<bool>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tr = &v.tr;
    html_status(
        status,
        &CheckinPage {
            l: Layout::new(v, "checkin-title").await?,
            event,
            i,
            roles: roles(tr),
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
            done,
        },
    )
}

/// `/hadir`: type the code (or arrive with `?kode=`), then on to the event's form.
async fn checkin_start(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Query(q): Query<StartQuery>,
) -> Result<Response, WebError> {
    let kode = q.kode.unwrap_or_default();
    if kode.trim().is_empty() {
        return checkin_render(
            &v,
            None,
            CheckinInput::default(),
            &FieldErrors::new(),
            None,
            StatusCode::OK,
        )
        .await;
    }
    // Codes are short: looking them up is rate limited like tracking codes.
    let ip = client_ip(&parts, state.config.trust_proxy);
    if !state.public_limiter.check_lookup(ip.as_deref()) {
        let mut e = FieldErrors::new();
        e.add("code", "err-rate-limited");
        return checkin_render(
            &v,
            None,
            CheckinInput::default(),
            &e,
            None,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    match state.db.event_by_code(&kode).await {
        Ok((_, event)) => Ok(Redirect::to(&format!("/hadir/{}", event.code)).into_response()),
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            checkin_render(&v, None, CheckinInput::default(), &e, None, status).await
        }
    }
}

async fn checkin_form(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let ip = client_ip(&parts, state.config.trust_proxy);
    if !state.public_limiter.check_lookup(ip.as_deref()) {
        let mut e = FieldErrors::new();
        e.add("code", "err-rate-limited");
        return checkin_render(
            &v,
            None,
            CheckinInput::default(),
            &e,
            None,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    match state.db.event_by_code(&code).await {
        Ok((_, event)) => {
            checkin_render(
                &v,
                Some(event),
                CheckinInput::default(),
                &FieldErrors::new(),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (_, e) = super::form_errors(e)?;
            checkin_render(
                &v,
                None,
                CheckinInput::default(),
                &e,
                None,
                StatusCode::NOT_FOUND,
            )
            .await
        }
    }
}

async fn checkin(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Path(code): Path<String>,
    Form(i): Form<CheckinInput>,
) -> Result<Response, WebError> {
    let ip = client_ip(&parts, state.config.trust_proxy);
    let event = match state.db.event_by_code(&code).await {
        Ok((_, e)) => e,
        Err(e) => {
            let (_, e) = super::form_errors(e)?;
            return checkin_render(&v, None, i, &e, None, StatusCode::NOT_FOUND).await;
        }
    };
    if !state.public_limiter.check(ip.as_deref()) {
        let mut e = FieldErrors::new();
        e.add("name", "err-rate-limited");
        return checkin_render(&v, Some(event), i, &e, None, StatusCode::TOO_MANY_REQUESTS).await;
    }
    match state.db.check_in(&code, &i).await {
        Ok(new) => {
            checkin_render(
                &v,
                Some(event),
                CheckinInput::default(),
                &FieldErrors::new(),
                Some(new),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            checkin_render(&v, Some(event), i, &e, None, status).await
        }
    }
}
