//! Public pages of awareness events: upcoming events near a village (`/kegiatan`), one event
//! with its registration form (`/kegiatan/{id}`), and the FAQ of published answers (`/faq`).
//! The check-in code is never shown here: it is given out at the venue.

use super::{messages, roles};
use crate::ctx::{client_ip, Viewer};
use crate::error::WebError;
use crate::pages::{html, html_status, parse_id, Layout, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use benteng_app::events::{self, CheckinInput, FaqEntry, UpcomingEvent};
use benteng_domain::{FieldErrors, RegionCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    hal: Option<i64>,
    /// A village code: events held in it, in its kabupaten/kota, or inviting it.
    desa: Option<String>,
    /// A village name to search for (at least three letters).
    cari: Option<String>,
}

#[derive(Template)]
#[template(path = "faq.html")]
struct FaqPage {
    l: Layout,
    rows: Vec<FaqEntry>,
    pager: Pager,
}

/// The public FAQ: answers given at awareness events and published by the officers.
pub(super) async fn faq(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = events::faq(&state.db, q.hal).await?;
    let pager = Pager::new(&page, "/faq", &[]);
    html(&FaqPage {
        l: Layout::new(&v, "faq-title").await?,
        rows: page.items,
        pager,
    })
}

#[derive(Template)]
#[template(path = "upcoming.html")]
struct UpcomingPage {
    l: Layout,
    rows: Vec<UpcomingEvent>,
    pager: Pager,
    /// The chosen village's label, when one is chosen.
    village: Option<String>,
    cari: String,
    /// Villages matching `cari`: (code, village, kecamatan, kabupaten/kota).
    choices: Vec<(String, String, String, String)>,
}

pub(super) async fn upcoming(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let code = q
        .desa
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .filter(|c| c.level() == benteng_domain::RegionLevel::Desa);
    let village = match &code {
        Some(c) => benteng_app::regions::village_label(&state.db, c.as_str()).await?,
        None => None,
    };
    // An unknown code lists every upcoming event rather than none.
    let code = code.filter(|_| village.is_some());
    let cari = q.cari.unwrap_or_default();
    let choices = if code.is_none() {
        benteng_app::regions::village_choices(&state.db, &cari).await?
    } else {
        Vec::new()
    };
    let page = events::upcoming(&state.db, code.as_ref(), q.hal).await?;
    let pager = Pager::new(
        &page,
        "/kegiatan",
        &[(
            "desa",
            code.map(|c| c.as_str().to_string()).unwrap_or_default(),
        )],
    );
    html(&UpcomingPage {
        l: Layout::new(&v, "upcoming-title").await?,
        rows: page.items,
        pager,
        village,
        cari,
        choices,
    })
}

#[derive(Template)]
#[template(path = "public_event.html")]
struct EventPage {
    l: Layout,
    e: UpcomingEvent,
    i: CheckinInput,
    roles: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// Some(true): registered now; Some(false): was registered before.
    done: Option<bool>,
}

impl EventPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn event_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    i: CheckinInput,
    e: &FieldErrors,
    done: Option<bool>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let ev = events::public_event(&state.db, id).await?;
    let mut l = Layout::new(v, "upcoming-title").await?;
    l.title = ev.title.clone();
    html_status(
        status,
        &EventPage {
            l,
            e: ev,
            i,
            roles: roles(&v.tr),
            errors: messages(&v.tr, e),
            done,
        },
    )
}

pub(super) async fn event(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    event_page(
        &state,
        &v,
        id,
        CheckinInput::default(),
        &FieldErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Register ahead (rate limited per address and event: a village may share one address).
pub(super) async fn register(
    State(state): State<AppState>,
    v: Viewer,
    parts: axum::http::request::Parts,
    Path(id): Path<String>,
    Form(i): Form<CheckinInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let ip = client_ip(&parts, state.config.trust_proxy);
    if !state
        .public_limiter
        .check_event(ip.as_deref(), &format!("daftar-{id}"))
        .await
    {
        let mut e = FieldErrors::new();
        e.add("name", "err-rate-limited");
        return event_page(&state, &v, id, i, &e, None, StatusCode::TOO_MANY_REQUESTS).await;
    }
    match events::register(&state.db, id, &i).await {
        Ok(new) => {
            let mut res = event_page(
                &state,
                &v,
                id,
                CheckinInput::default(),
                &FieldErrors::new(),
                Some(new),
                StatusCode::OK,
            )
            .await?;
            // The phone remembers who registered, so that check-in at the event needs no
            // typing again (see `participant::registered_ahead`).
            if let Some(c) = super::participant::remember_cookie(&state, id, &i) {
                res.headers_mut().append(axum::http::header::SET_COOKIE, c);
            }
            Ok(res)
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            event_page(&state, &v, id, i, &e, None, status).await
        }
    }
}
