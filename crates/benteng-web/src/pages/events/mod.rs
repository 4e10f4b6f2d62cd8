//! Sosialisasi pages: the events of one's area, planning one, an event's page with its QR code,
//! attendance, questions, quiz results, materials, photos and follow-ups. Participants' pages
//! are in [`participant`], the public ones in [`public`], the officer's forms in [`manage`],
//! the activity report in [`report`]. Everything works without JavaScript.

use super::{flash_redirect, html, html_status, parse_id, Field, FormPairs, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::events::{
    self, CheckinInput, EventDetail, EventInput, EventRow, QuestionInput, QuizResults,
};
use benteng_domain::event::{AttendeeRole, Zone};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

mod manage;
mod participant;
mod public;
mod report;
mod room;

pub fn routes() -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(crate::security::UPLOAD_LIMIT);
    Router::new()
        .route("/sosialisasi", get(list).post(create))
        .route("/sosialisasi/baru", get(new))
        .route(
            "/sosialisasi/kuis",
            get(manage::bank).post(manage::bank_create),
        )
        .route("/sosialisasi/kuis/baru", get(manage::bank_new))
        .route(
            "/sosialisasi/kuis/{q}",
            get(manage::bank_edit).post(manage::bank_update),
        )
        .route("/sosialisasi/{id}", get(show).post(update))
        .route("/sosialisasi/{id}/ubah", get(edit))
        .route("/sosialisasi/{id}/hadir", post(tick_attendee))
        .route("/sosialisasi/{id}/tanya", post(add_question))
        .route("/sosialisasi/{id}/tanya/{q}/terbit", post(publish_question))
        .route("/sosialisasi/{id}/kuis", post(manage::stage))
        .route("/sosialisasi/{id}/ruang", post(room::open))
        .route(
            "/sosialisasi/{id}/tindak-lanjut",
            post(manage::add_followup),
        )
        .route(
            "/sosialisasi/{id}/tindak-lanjut/{f}",
            post(manage::followup_done),
        )
        .route(
            "/sosialisasi/{id}/berkas",
            post(manage::upload).layer(uploads),
        )
        .route("/sosialisasi/{id}/berkas/{f}", get(manage::download))
        .route("/sosialisasi/{id}/laporan.pdf", get(report::pdf))
        .route("/faq", get(public::faq))
        .route("/kegiatan", get(public::upcoming))
        .route("/kegiatan/{id}", get(public::event).post(public::register))
        .route("/hadir", get(participant::checkin_start))
        .route(
            "/hadir/{code}",
            get(participant::checkin_form).post(participant::checkin),
        )
        .route(
            "/hadir/{code}/kuis/{token}",
            get(participant::quiz).post(participant::quiz_submit),
        )
        .route("/hadir/{code}/materi/{f}", get(participant::material))
}

/// Field errors as (field, translated message) pairs for the templates.
fn messages(tr: &Tr, e: &FieldErrors) -> Vec<(String, String)> {
    e.0.iter()
        .map(|x| (x.field.to_string(), tr.t(x.code)))
        .collect()
}

/// The knowledge-gain chart of `r` as SVG ("S1", "S2"… under the bars).
fn gain_chart(tr: &Tr, r: &QuizResults) -> String {
    if r.overall.pre_n + r.overall.post_n == 0 {
        return String::new();
    }
    let bars: Vec<benteng_pdf::charts::GainBar> = r
        .questions
        .iter()
        .map(|q| benteng_pdf::charts::GainBar {
            label: format!("S{}", q.position),
            pre: q.figures.pre_pct,
            post: q.figures.post_pct,
        })
        .collect();
    benteng_pdf::charts::gain_chart(&bars, (&tr.t("quiz-kind-pre"), &tr.t("quiz-kind-post")))
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
    let page = events::list(&state.db, auth.ctx(), q.hal).await?;
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
    state: &AppState,
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
    // The desa binaan of the planner's area are ticked; other invited villages are typed
    // by name, one per line (codes chosen before show as names).
    let choices = invite_choices(state, auth).await?;
    let by_name = i.villages.chars().any(char::is_alphabetic);
    let separators: &[char] = if by_name {
        &[';', '\n']
    } else {
        &[',', ';', '\n', ' ']
    };
    let (mut ticked, mut others) = (Vec::new(), Vec::new());
    for part in i
        .villages
        .split(separators)
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if choices.iter().any(|(c, _)| c == part) {
            ticked.push(part.to_string());
        } else if part.chars().any(char::is_alphabetic) {
            others.push(part.to_string());
        } else {
            others.push(super::area::label(state, part).await?);
        }
    }
    let villages = others.join("\n");
    let mut fields = vec![
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
            "desa",
            "field-event-desa-binaan",
            "checks",
            ticked.join("\n"),
            e,
        )
        .options(choices.clone()),
        Field::new(
            tr,
            "villages",
            if choices.is_empty() {
                "field-event-villages"
            } else {
                "field-event-villages-other"
            },
            "textarea",
            villages,
            e,
        )
        .hint(tr.t("hint-event-villages")),
        Field::new(tr, "agenda", "field-agenda", "textarea", &i.agenda, e),
        Field::new(tr, "speakers", "field-speakers", "textarea", &i.speakers, e)
            .hint(tr.t("hint-speakers")),
    ];
    fields.retain(|f| f.kind != "checks" || !f.options.is_empty());
    super::area::places(
        state,
        &mut fields,
        &[("region", super::area::ANY)],
        Some(&auth.ctx().actor.scope),
    )
    .await?;
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

/// Most desa binaan offered as tick boxes on the event form; an area with more types names.
const MAX_INVITE_CHOICES: i64 = 100;

/// The desa binaan of the planner's area as (code, "Sitiarjo, Kec. Sumbermanjing Wetan"),
/// by name; empty when the area has more than [`MAX_INVITE_CHOICES`].
async fn invite_choices(state: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, WebError> {
    let page = benteng_app::desa_binaan::list(
        &state.db,
        auth.ctx(),
        &Default::default(),
        MAX_INVITE_CHOICES,
    )
    .await?;
    if page.more || page.total > MAX_INVITE_CHOICES {
        return Ok(Vec::new());
    }
    let several_kabs = page
        .items
        .iter()
        .any(|d| d.kab_code != page.items[0].kab_code);
    let mut rows: Vec<(String, String)> = page
        .items
        .into_iter()
        .map(|d| {
            let mut label = format!("{}, Kec. {}", d.village_name, d.kecamatan_name);
            if several_kabs {
                label = format!("{label}, {}", d.kab_name);
            }
            (d.region_code, label)
        })
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(rows)
}

/// The event form as [`EventInput`]: the ticked desa binaan (`desa`, repeated) join the
/// villages typed by name.
fn event_input(pairs: &[(String, String)]) -> Result<EventInput, WebError> {
    let single: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "desa").collect();
    let encoded = serde_urlencoded::to_string(&single).map_err(|_| WebError::BadRequest)?;
    let mut i: EventInput =
        serde_urlencoded::from_str(&encoded).map_err(|_| WebError::BadRequest)?;
    let ticked: Vec<&str> = pairs
        .iter()
        .filter(|(k, v)| k == "desa" && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
        .collect();
    if !ticked.is_empty() {
        let typed = i.villages.trim();
        // One per line: typed names keep their commas, codes are read either way.
        let typed = if typed.chars().any(char::is_alphabetic) {
            typed.to_string()
        } else {
            typed.replace([',', ' '], "\n")
        };
        i.villages = ticked
            .into_iter()
            .chain(std::iter::once(typed.as_str()))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
    }
    Ok(i)
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    form_page(
        &state,
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
    FormPairs(pairs): FormPairs,
) -> Result<Response, WebError> {
    let i = event_input(&pairs)?;
    match events::plan(&state.db, auth.ctx(), &i).await {
        Ok(id) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&state, &auth, None, &i, &e, status).await
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = events::show(&state.db, auth.ctx(), id).await?;
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
    form_page(
        &state,
        &auth,
        Some(id),
        &i,
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
    let i = event_input(&pairs)?;
    match events::update(&state.db, auth.ctx(), id, &i).await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&state, &auth, Some(id), &i, &e, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "event.html")]
struct ShowPage {
    l: Layout,
    d: EventDetail,
    quiz: QuizResults,
    /// The knowledge-gain chart (SVG), empty before anyone took a test.
    chart: String,
    stages: Vec<(String, String)>,
    today: String,
    /// The check-in address as a QR code (inline SVG) and as text.
    qr_svg: String,
    checkin_url: String,
    roles: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    /// The event's room, when one is open.
    room: Option<benteng_app::rooms::EventRoomLink>,
    /// Who the room would ask in (managers of the event).
    room_plan: Option<benteng_app::rooms::EventRoomPlan>,
}

impl ShowPage {
    /// The viewer is a member of the event's room.
    fn room_member(&self) -> bool {
        self.room.as_ref().is_some_and(|r| r.member)
    }

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

pub(super) async fn show_page(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    id: i64,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let d = events::show(&state.db, auth.ctx(), id).await?;
    let quiz = events::quiz_results(&state.db, auth.ctx(), id).await?;
    let room = benteng_app::rooms::event_room(&state.db, auth.ctx(), id).await?;
    let room_plan = if d.can_manage && auth.ctx().allows(Action::RoomView, None) {
        Some(benteng_app::rooms::event_room_plan(&state.db, auth.ctx(), id).await?)
    } else {
        None
    };
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
            chart: gain_chart(tr, &quiz),
            quiz,
            stages: benteng_domain::quiz::QuizStage::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), tr.t(&format!("quiz-stage-{s}"))))
                .collect(),
            today: benteng_domain::values::format_date(benteng_app::today()),
            l,
            qr_svg: qr_svg(&checkin_url),
            checkin_url,
            roles: roles(tr),
            errors: messages(tr, e),
            room,
            room_plan,
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
    match events::tick_attendee(&state.db, auth.ctx(), id, &i).await {
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
    match events::add_question(&state.db, auth.ctx(), id, &i).await {
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
    match events::publish_question(&state.db, auth.ctx(), id, q, f.publish == "1").await {
        Ok(()) => flash_redirect(&auth.0, "flash-saved", &format!("/sosialisasi/{id}#tanya")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            show_page(&state, &auth, &headers, id, &e, status).await
        }
    }
}
