//! Coordination rooms in the browser: the list of my rooms, a room with its messages (post with
//! files, search, announcements), threads with read receipts, live updates (the page polls
//! `/ruang/{id}/baru` when JavaScript is on; a reload does the same without it), members,
//! alerts, a message turned into a report, notification preferences, the WhatsApp inbox.

mod alerts;
mod members;
mod prefs;
mod to_report;
mod whatsapp;

use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::upload::read_form;
use crate::pages::{file_response, flash_redirect, html, html_status, parse_id, Layout, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use benteng_app::rooms::messages::{self, Message, MessageInput, Receipts};
use benteng_app::rooms::{RoomAccess, RoomRow};
use benteng_domain::{Action, FieldErrors, Role};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ruang", get(list))
        .route("/ruang/{id}", get(room).post(post_message))
        .route("/ruang/{id}/baru", get(poll))
        .route("/ruang/{id}/pesan/{mid}", get(thread))
        .route("/ruang/{id}/berkas/{fid}", get(file))
        .route("/ruang/{id}/anggota", get(members::page).post(members::add))
        .route("/ruang/{id}/anggota/{uid}/hapus", post(members::remove))
        .route(
            "/ruang/{id}/pesan/{mid}/laporan",
            get(to_report::form).post(to_report::create),
        )
        .route("/waspada", get(alerts::page).post(alerts::create))
        .route("/akun/notifikasi", get(prefs::page).post(prefs::save))
        .route("/wa", get(whatsapp::inbox))
        .route(
            "/wa/{id}",
            get(whatsapp::conversation).post(whatsapp::reply),
        )
        .route(
            "/wa/{id}/pesan/{mid}/laporan",
            get(whatsapp::report_form).post(whatsapp::report_create),
        )
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "rooms.html")]
struct ListPage {
    l: Layout,
    rows: Vec<RoomRow>,
    q: String,
    pager: Pager,
    can_alert: bool,
    inbox: bool,
}

impl ListPage {
    fn kind(&self, r: &RoomRow) -> String {
        self.l.tr.t(&format!("room-kind-{}", r.kind))
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = benteng_app::rooms::list(&state.db, auth.ctx(), q.q.as_deref(), q.hal).await?;
    let text = q.q.unwrap_or_default();
    let pager = Pager::new(&page, "/ruang", &[("q", text.clone())]);
    let l = Layout::new(&auth.0, "rooms-title").await?;
    html(&ListPage {
        can_alert: auth.ctx().allows(Action::AlertPost, None),
        inbox: auth.ctx().allows(Action::WhatsappInbox, None),
        l,
        rows: page.items,
        q: text,
        pager,
    })
}

/// A message as the templates show it (everything computed here, so the room page, the thread
/// and the live-update fragment render the same markup).
pub(crate) struct MessageView {
    pub id: i64,
    pub kind: String,
    pub author: String,
    pub time: String,
    pub badge: Option<String>,
    pub title: Option<String>,
    pub body: String,
    pub files: Vec<(String, String)>,
    pub thread_url: String,
    pub replies: i64,
    pub reads: i64,
    pub report: Option<(String, String)>,
    pub to_report_url: Option<String>,
}

impl MessageView {
    /// `links_reports`: whether the viewer may open the reports made from messages (a
    /// partner agency sees a report only through a referral to it, so it gets the code
    /// without a link that would answer 404).
    pub fn new(tr: &Tr, m: &Message, can_report: bool, links_reports: bool) -> MessageView {
        let room = m.room_id;
        let badge = match m.kind.as_str() {
            "waspada" => Some(format!(
                "{}: {}",
                tr.t("message-kind-waspada"),
                tr.t(&format!("severity-{}", m.severity.as_deref().unwrap_or("")))
            )),
            "pengumuman" => Some(tr.t("message-kind-pengumuman")),
            _ => None,
        };
        // An alert's text starts with its title; show it as the title.
        let (title, body) = match (&m.alert_title, m.kind.as_str()) {
            (Some(t), "waspada") => (
                Some(t.clone()),
                m.body
                    .strip_prefix(t.as_str())
                    .map(|b| b.trim_start().to_string())
                    .unwrap_or_else(|| m.body.clone()),
            ),
            _ => (None, m.body.clone()),
        };
        MessageView {
            id: m.id,
            kind: m.kind.clone(),
            author: m.author_name.clone(),
            time: tr.datetime(&m.created_at),
            badge,
            title,
            body,
            files: m
                .files
                .iter()
                .map(|f| {
                    (
                        format!("/ruang/{room}/berkas/{}", f.id),
                        f.file_name.clone(),
                    )
                })
                .collect(),
            thread_url: format!("/ruang/{room}/pesan/{}", m.parent_id.unwrap_or(m.id)),
            replies: m.replies,
            reads: m.reads,
            report: m.report_id.map(|r| {
                (
                    if links_reports {
                        format!("/laporan/{r}")
                    } else {
                        String::new()
                    },
                    m.report_code.clone().unwrap_or_default(),
                )
            }),
            to_report_url: (can_report && m.report_id.is_none())
                .then(|| format!("/ruang/{room}/pesan/{}/laporan", m.id)),
        }
    }
}

#[derive(Deserialize)]
struct RoomQuery {
    q: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "room.html")]
struct RoomPage {
    l: Layout,
    access: RoomAccess,
    messages: Vec<MessageView>,
    q: String,
    pager: Pager,
    last_id: i64,
    body: String,
    errors: Vec<String>,
    can_post: bool,
}

async fn room(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<RoomQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    show_room(
        &state,
        &auth,
        id,
        q.q,
        q.hal,
        String::new(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn show_room(
    state: &AppState,
    auth: &Auth,
    id: i64,
    q: Option<String>,
    page: Option<i64>,
    body: String,
    errors: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (access, list) = messages::list(&state.db, auth.ctx(), id, q.as_deref(), page).await?;
    let text = q.unwrap_or_default();
    let pager = Pager::new(&list, &format!("/ruang/{id}"), &[("q", text.clone())]);
    let tr = &auth.0.tr;
    let can_report = auth.ctx().allows(Action::ReportCreate, None) && access.member;
    let links_reports = auth.ctx().actor.role != Role::Mitra;
    let last_id = list.items.iter().map(|m| m.id).max().unwrap_or(0);
    let messages = list
        .items
        .iter()
        .map(|m| MessageView::new(tr, m, can_report, links_reports))
        .collect();
    let mut l = Layout::new(&auth.0, "rooms-title").await?;
    l.title = access.room.name.clone();
    html_status(
        status,
        &RoomPage {
            can_post: access.member,
            errors: errors.0.iter().map(|e| tr.t(e.code)).collect(),
            l,
            access,
            messages,
            q: text,
            pager,
            // Live updates only on the first page of the unfiltered list.
            last_id: if page.unwrap_or(1) == 1 { last_id } else { -1 },
            body,
        },
    )
}

/// Post a message or a reply (multipart: text, kind, parent, files).
async fn post_message(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let form = read_form(&auth.0, mp).await?;
    let parent = form.opt("parent_id").and_then(|p| p.parse::<i64>().ok());
    let input = MessageInput {
        body: form.get("body"),
        kind: form.get("kind"),
        parent_id: parent,
    };
    let result = match form.file_error {
        Some(code) => {
            let mut e = FieldErrors::new();
            e.add("files", code);
            Err(benteng_app::Error::Invalid(e))
        }
        None => {
            messages::post(
                &state.db,
                auth.ctx(),
                id,
                &input,
                &form.files,
                state.store.as_ref(),
            )
            .await
        }
    };
    match result {
        Ok(mid) => {
            let to = match parent {
                Some(p) => format!("/ruang/{id}/pesan/{p}#m{mid}"),
                None => format!("/ruang/{id}#m{mid}"),
            };
            flash_redirect(&auth.0, "flash-message-posted", &to).await
        }
        Err(e) => {
            let (status, e) = crate::pages::form_errors(e)?;
            match parent {
                Some(p) => show_thread(&state, &auth, id, p, input.body, &e, status).await,
                None => show_room(&state, &auth, id, None, None, input.body, &e, status).await,
            }
        }
    }
}

#[derive(Template)]
#[template(path = "room_thread.html")]
struct ThreadPage {
    l: Layout,
    access: RoomAccess,
    head: MessageView,
    replies: Vec<MessageView>,
    receipts: Option<Receipts>,
    body: String,
    errors: Vec<String>,
}

impl ThreadPage {
    fn read_time(&self, at: &i64) -> String {
        self.l.tr.datetime(at)
    }
}

async fn thread(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, mid) = (parse_id(&id)?, parse_id(&mid)?);
    show_thread(
        &state,
        &auth,
        id,
        mid,
        String::new(),
        &FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn show_thread(
    state: &AppState,
    auth: &Auth,
    id: i64,
    mid: i64,
    body: String,
    errors: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (access, head, replies) = messages::thread(&state.db, auth.ctx(), id, mid).await?;
    let tr = &auth.0.tr;
    let can_report = auth.ctx().allows(Action::ReportCreate, None) && access.member;
    let links_reports = auth.ctx().actor.role != Role::Mitra;
    // Everyone in the room sees who has read an announcement or an alert.
    let receipts = if head.kind != "pesan" && messages::sees_receipts(auth.ctx(), &access) {
        Some(messages::receipts(&state.db, auth.ctx(), id, head.id).await?)
    } else {
        None
    };
    let mut l = Layout::new(&auth.0, "rooms-title").await?;
    l.title = access.room.name.clone();
    html_status(
        status,
        &ThreadPage {
            head: MessageView::new(tr, &head, can_report, links_reports),
            replies: replies
                .iter()
                .map(|m| MessageView::new(tr, m, can_report, links_reports))
                .collect(),
            errors: errors.0.iter().map(|e| tr.t(e.code)).collect(),
            receipts,
            l,
            access,
            body,
        },
    )
}

#[derive(Deserialize)]
struct PollQuery {
    setelah: Option<i64>,
}

#[derive(Template)]
#[template(path = "room_poll.html")]
struct PollFragment {
    l: Layout,
    messages: Vec<MessageView>,
}

/// New messages after `setelah`, as list items for the page's script (newest first); an empty
/// answer is 204.
async fn poll(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<PollQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let list = messages::after(&state.db, auth.ctx(), id, q.setelah.unwrap_or(0).max(0)).await?;
    if list.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let tr = &auth.0.tr;
    let can_report = auth.ctx().allows(Action::ReportCreate, None);
    let links_reports = auth.ctx().actor.role != Role::Mitra;
    let messages = list
        .iter()
        .rev()
        .map(|m| MessageView::new(tr, m, can_report, links_reports))
        .collect();
    let l = Layout::new(&auth.0, "rooms-title").await?;
    let mut r = html(&PollFragment { l, messages })?;
    r.headers_mut().insert(
        "x-last-id",
        list.iter()
            .map(|m| m.id)
            .max()
            .unwrap_or(0)
            .to_string()
            .parse()
            .map_err(|_| WebError::internal("header"))?,
    );
    Ok(r)
}

async fn file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (id, fid) = (parse_id(&id)?, parse_id(&fid)?);
    let (f, bytes) = messages::file(&state.db, auth.ctx(), id, fid, state.store.as_ref()).await?;
    Ok(file_response(&f.file_name, f.content_type, bytes))
}
