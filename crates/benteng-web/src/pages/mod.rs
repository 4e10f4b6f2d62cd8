//! Server-rendered pages. Every page works without JavaScript; forms post back, show errors next
//! to their fields, and redirect after success (with a one-time flash message).

mod account;
mod admin;
mod agencies;
pub(crate) mod area;
mod audit;
pub(crate) mod cases;
pub(crate) mod dashboard;
mod desa_binaan;
mod directory;
mod events;
pub(crate) mod exports;
pub(crate) mod guide;
pub(crate) mod home;
mod kept_files;
pub(crate) mod migrants;
mod nik_desk;
mod notifications;
mod offer;
mod offices;
pub mod offline;
mod p3mi;
mod record;
mod referrals;
mod regions;
mod reports;
mod rooms;
mod screening;
mod second_factor;
mod subjects;
mod upload;
mod watchlist;
mod webhooks;

use crate::ctx::Viewer;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use benteng_domain::{can, Action, FieldErrors, Role};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/static/icon.svg", get(icon))
        .route("/favicon.ico", get(icon))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::endpoint))
        .merge(home::routes())
        .merge(dashboard::routes())
        .merge(account::routes())
        .merge(offline::routes())
        .merge(second_factor::routes())
        .merge(regions::routes())
        .merge(area::routes())
        .merge(offices::routes())
        .merge(desa_binaan::routes())
        .merge(admin::routes())
        .merge(agencies::routes())
        .merge(audit::routes())
        .merge(reports::routes())
        .merge(referrals::routes())
        .merge(cases::routes())
        .merge(exports::routes())
        .merge(notifications::routes())
        .merge(nik_desk::routes())
        .merge(screening::routes())
        .merge(watchlist::routes())
        .merge(p3mi::routes())
        .merge(offer::routes())
        .merge(migrants::routes())
        .merge(guide::routes())
        .merge(events::routes())
        .merge(rooms::routes())
        .merge(subjects::routes())
        .merge(webhooks::routes())
}

const FLASH: &str = "flash";

/// The second factor's page: enrolment, recovery codes, switching off. A user whose role
/// requires a second factor and who has none is sent here from every other page.
pub const ENROL_PATH: &str = "/akun/dua-langkah";

/// A link in the top navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

/// Every menu item, in the order of the "more" list, with the permission that shows it.
/// Notifications are not here: the header links them with the unread count.
const MENU: &[(&str, &str, Action)] = &[
    ("/", "nav-home", Action::RegionView),
    ("/dasbor", "nav-dashboard", Action::FiguresView),
    ("/laporan-bulanan", "nav-monthly", Action::MonthlyReportView),
    ("/laporan", "nav-reports", Action::ReportView),
    ("/rujukan", "nav-referrals", Action::ReferralView),
    ("/kasus", "nav-cases", Action::CaseView),
    ("/skrining", "nav-screening", Action::ScreeningView),
    ("/calon-pmi", "nav-migrants", Action::MigrantView),
    // Dukcapil's desk; every other user has it in `Viewer::closed`.
    ("/cek-nik", "nav-nik-desk", Action::MigrantView),
    ("/sosialisasi", "nav-events", Action::EventView),
    ("/ruang", "nav-rooms", Action::RoomView),
    ("/desa-binaan", "nav-desa-binaan", Action::DesaBinaanView),
    ("/wilayah", "nav-regions", Action::RegionView),
    ("/kantor", "nav-offices", Action::OfficeView),
    ("/instansi", "nav-agencies", Action::AgencyView),
    ("/pengguna", "nav-users", Action::UserView),
    ("/audit", "nav-audit", Action::AuditView),
    (
        "/privasi/permintaan",
        "nav-subjects",
        Action::SubjectRequest,
    ),
    ("/integrasi", "nav-webhooks", Action::WebhookManage),
];

/// What each role does most, first: these stay in the menu bar (which wraps, never
/// scrolls); the rest of what the role may open is under "Lainnya" (a `<details>`, so it
/// opens without JavaScript). Decided from the programme's daily work: a village official
/// files reports and registers calon PMI; a PIMPASA officer triages reports, follows
/// referrals and runs sosialisasi; an interviewer screens; a partner agency answers
/// referrals and works cases; the Kanwil oversees villages and offices; the admin manages
/// accounts.
fn primary_menu(a: &benteng_domain::Actor) -> &'static [&'static str] {
    match a.role {
        Role::Desa => &["/", "/laporan", "/calon-pmi", "/sosialisasi", "/ruang"],
        Role::Petugas if a.pemeriksa && !a.pimpasa => {
            &["/", "/skrining", "/laporan", "/calon-pmi", "/kasus"]
        }
        Role::Petugas => &["/", "/laporan", "/rujukan", "/sosialisasi", "/desa-binaan"],
        Role::Mitra => &["/", "/cek-nik", "/rujukan", "/kasus", "/laporan", "/ruang"],
        Role::Kanwil => &["/", "/dasbor", "/desa-binaan", "/kantor", "/laporan"],
        Role::Admin => &["/", "/pengguna", "/kantor", "/instansi", "/audit"],
    }
}

/// What the shared layout (`base.html`) needs.
pub struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub title: String,
    pub user_name: Option<String>,
    pub role_label: String,
    /// The role's main items, in the bar.
    pub nav: Vec<NavItem>,
    /// The rest of what the role may open, under "Lainnya".
    pub nav_more: Vec<NavItem>,
    /// Unread in-app notifications, shown beside the header's link.
    pub unread: i64,
    pub path: String,
    pub flash: Option<String>,
    /// Whose pages these are for the offline queue and cache (`u<id>` or `publik`).
    pub user_tag: String,
    /// When the page was made (Unix seconds): a copy opened offline says "as of".
    pub rendered_at: i64,
}

impl Layout {
    pub async fn new(v: &Viewer, title_key: &str) -> Result<Layout, WebError> {
        // Read before removing: removing marks the session changed, which costs a write.
        let mut flash: Option<String> = v.session.get(FLASH).await.map_err(WebError::session)?;
        if flash.is_some() {
            flash = v.session.remove(FLASH).await.map_err(WebError::session)?;
        }
        let mut nav = Vec::new();
        let mut nav_more = Vec::new();
        // A user who must first change the password or enrol a second factor gets no menu:
        // every link would only bounce back to that page.
        if let Some(ctx) = v.ctx.as_ref().filter(|_| !v.locked) {
            let a = &ctx.actor;
            let section = v.path.split(['/', '?']).nth(1).unwrap_or("");
            let primary = primary_menu(a);
            let allowed = MENU
                .iter()
                .filter(|(href, _, action)| can(a, *action, None) && !v.closed.contains(href));
            let item = |&(href, key, _): &(&'static str, &str, Action)| {
                let seg = href.trim_start_matches('/');
                NavItem {
                    href,
                    label: v.tr.t(key),
                    active: if seg.is_empty() {
                        v.path == "/"
                    } else {
                        section == seg.split('/').next().unwrap_or(seg)
                    },
                }
            };
            for href in primary {
                if let Some(m) = allowed.clone().find(|m| m.0 == *href) {
                    nav.push(item(m));
                }
            }
            nav_more.extend(allowed.filter(|m| !primary.contains(&m.0)).map(item));
        }
        let user_name = v.user.as_ref().map(|u| u.full_name.clone());
        let role_label = v
            .ctx
            .as_ref()
            .map(|c| role_label(&v.tr, c.actor.role))
            // "Administrator · Administrator" says nothing twice.
            .filter(|r| Some(r) != user_name.as_ref())
            .unwrap_or_default();
        Ok(Layout {
            title: v.tr.t(title_key),
            csrf: v.csrf.clone(),
            user_name,
            role_label,
            nav,
            nav_more,
            unread: v.unread,
            path: v.path.clone(),
            flash,
            user_tag: offline::user_tag(v),
            rendered_at: benteng_app::now(),
            tr: v.tr.clone(),
        })
    }

    /// Whether the page shown is one of the "more" items (the summary is marked then).
    pub fn more_active(&self) -> bool {
        self.nav_more.iter().any(|n| n.active)
    }

    /// The other locale, offered by the language switch.
    pub fn other_lang(&self) -> &'static str {
        if self.tr.lang == "en" {
            "id"
        } else {
            "en"
        }
    }
}

pub fn role_label(tr: &Tr, role: Role) -> String {
    tr.t(role.label_key())
}

/// [`flash_redirect`] with a message already translated (one with variables).
pub async fn flash_text_redirect(v: &Viewer, text: String, to: &str) -> Result<Response, WebError> {
    v.session
        .insert(FLASH, text)
        .await
        .map_err(WebError::session)?;
    Ok(Redirect::to(to).into_response())
}

/// Remember a one-time message for the next page, then redirect there (post/redirect/get).
pub async fn flash_redirect(v: &Viewer, key: &str, to: &str) -> Result<Response, WebError> {
    v.session
        .insert(FLASH, v.tr.t(key))
        .await
        .map_err(WebError::session)?;
    Ok(Redirect::to(to).into_response())
}

pub fn html<T: Template>(t: &T) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

pub fn html_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, WebError> {
    Ok((status, Html(t.render()?)).into_response())
}

/// One input of a form, rendered by `_fields.html` with its label, hint and error.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// For a place field (`kind` "area"): the levels it takes, as the browser's suggestions
    /// ask for them ("4", "1,2,3,4"). See [`area`].
    pub levels: String,
}

impl Field {
    pub fn new(
        tr: &Tr,
        name: &'static str,
        label_key: &str,
        kind: &'static str,
        value: impl Into<String>,
        errors: &FieldErrors,
    ) -> Field {
        Field {
            name,
            label: tr.t(label_key),
            kind,
            value: value.into(),
            options: Vec::new(),
            required: false,
            hint: None,
            error: errors.get(name).map(|k| tr.t(k)),
            levels: String::new(),
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, text: String) -> Self {
        self.hint = Some(text);
        self
    }

    pub fn options(mut self, options: Vec<(String, String)>) -> Self {
        self.options = options;
        self
    }

    pub fn is_checked(&self) -> bool {
        crate::pages::checked(&self.value)
    }

    pub fn is_selected(&self, v: &str) -> bool {
        self.value == v
    }

    /// For tick boxes (`kind` "checks"): whether `v` is one of the values (one per line).
    pub fn has_value(&self, v: &str) -> bool {
        self.value.lines().any(|l| l == v)
    }

    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }
}

pub fn checked(v: &str) -> bool {
    matches!(v, "1" | "on" | "true" | "ya")
}

/// A pager below lists: previous/next links keeping the other query parameters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The total is a lower bound (the list counted only so far): "1.000+ data", no last page.
    pub more: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new<T>(p: &benteng_app::Page<T>, base: &str, params: &[(&str, String)]) -> Pager {
        let pages = p.pages();
        let link = |n: i64| {
            let mut q: Vec<String> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", crate::error::urlencode(v)))
                .collect();
            q.push(format!("hal={n}"));
            format!("{base}?{}", q.join("&"))
        };
        Pager {
            page: p.page,
            pages,
            total: p.total,
            more: p.more,
            prev: (p.page > 1).then(|| link(p.page - 1)),
            next: (p.page < pages || p.more).then(|| link(p.page + 1)),
        }
    }
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/app.js"),
    )
}

/// The favicon: a shield with a fortress wall, in the header's colours (also answered at
/// `/favicon.ico`, which browsers ask for on their own).
async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        include_str!("../../static/icon.svg"),
    )
}

/// Health for load balancers: the database answers and takes a write now, and the volumes it
/// writes to have at least `disk_min_free_mb` free. `durability` says whether commits are on
/// disk before they are acknowledged (`power_safe`) or not (`reduced`, e.g. PostgreSQL with
/// `fsync = off`); a reduced setting is reported, not counted as unhealthy. While writes fail
/// (a full disk) it answers 503 with `reason` `storage_full` or `disk_low`, so a load balancer
/// sends users elsewhere and a monitor alerts; it answers 200 again as soon as a write works.
async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let free = benteng_app::system::disk_free(&state.db, &state.config.upload_dir);
    let min = state.config.disk_min_free_mb.saturating_mul(1024 * 1024);
    let low = free.iter().any(|(_, f)| f.is_some_and(|b| b < min));
    let free_mb: serde_json::Map<String, serde_json::Value> = free
        .iter()
        .map(|(k, f)| {
            (
                (*k).to_string(),
                serde_json::json!(f.map(|b| b / (1024 * 1024))),
            )
        })
        .collect();
    let durability = benteng_app::system::durability(&state.db).await;
    let probe = match &durability {
        Ok(_) => probe_once_a_second(&state).await,
        Err(_) => ProbeOutcome::Ok,
    };
    let unavailable = |reason: &str| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({
                "status": "unavailable",
                "reason": reason,
                "disk_free_mb": free_mb.clone(),
            })),
        )
            .into_response()
    };
    match (durability, probe) {
        (Ok(d), ProbeOutcome::Ok) if !low => (
            StatusCode::OK,
            axum::Json(serde_json::json!({
                "status": "ok",
                "durability": if d.power_safe { "power_safe" } else { "reduced" },
                "disk_free_mb": free_mb,
            })),
        )
            .into_response(),
        (Ok(_), ProbeOutcome::Ok) => {
            tracing::error!(free_mb = ?free_mb, "health: disk space below disk_min_free_mb");
            unavailable("disk_low")
        }
        (_, ProbeOutcome::Full(e)) => {
            tracing::error!(error = %e, "health: the storage is full, writes fail");
            unavailable("storage_full")
        }
        (_, ProbeOutcome::Failed(e)) => {
            tracing::error!(error = %e, "health check failed: the database takes no write");
            unavailable("database")
        }
        (Err(e), _) => {
            tracing::error!(error = %e, "health check failed");
            unavailable("database")
        }
    }
}

/// What the last write probe of `/healthz` found.
#[derive(Clone)]
pub enum ProbeOutcome {
    Ok,
    /// The storage is full (the error).
    Full(String),
    /// Another failure (the error).
    Failed(String),
}

/// The write probe, run at most once a second per process (a second call within it reuses
/// the result).
async fn probe_once_a_second(state: &AppState) -> ProbeOutcome {
    let fresh = |at: &std::time::Instant| at.elapsed() < std::time::Duration::from_secs(1);
    if let Ok(last) = state.health_probe.lock() {
        if let Some((at, outcome)) = last.as_ref() {
            if fresh(at) {
                return outcome.clone();
            }
        }
    }
    let outcome = match benteng_app::system::write_probe(&state.db).await {
        Ok(()) => ProbeOutcome::Ok,
        Err(e) if e.is_storage_full() => ProbeOutcome::Full(e.to_string()),
        Err(e) => ProbeOutcome::Failed(e.to_string()),
    };
    if let Ok(mut last) = state.health_probe.lock() {
        *last = Some((std::time::Instant::now(), outcome.clone()));
    }
    outcome
}

/// The field errors of a failed write, with the status to answer them with (422 for invalid
/// input, 409 for a clash with existing data); any other error passes through.
pub fn form_errors(e: benteng_app::Error) -> Result<(StatusCode, FieldErrors), WebError> {
    match e {
        benteng_app::Error::Invalid(f) => Ok((StatusCode::UNPROCESSABLE_ENTITY, f)),
        benteng_app::Error::Conflict(field, key) => {
            let mut f = FieldErrors::new();
            f.add(field, key);
            Ok((StatusCode::CONFLICT, f))
        }
        other => Err(other.into()),
    }
}

/// Parse an id from the path, answering 404 for anything that is not a positive number.
/// A stored file as a download: the name reduced to safe characters with the extension of its
/// sniffed type ([`benteng_app::uploads::download_name`]), never cached.
pub fn file_response(name: &str, content_type: String, bytes: Vec<u8>) -> Response {
    let safe = benteng_app::uploads::download_name(name, &content_type, "berkas");
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

pub fn parse_id(s: &str) -> Result<i64, WebError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(WebError::NotFound)
}

/// The fields of an urlencoded form, repeated names kept (checkbox lists). Only
/// `application/x-www-form-urlencoded` bodies are read: the CSRF middleware leaves multipart
/// bodies to the upload reader, so a multipart body here could otherwise skip the token check.
pub struct FormPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormPairs {
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, WebError> {
        let urlencoded = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(WebError::BadRequest);
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| WebError::BadRequest)?;
        serde_urlencoded::from_bytes(&body)
            .map(FormPairs)
            .map_err(|_| WebError::BadRequest)
    }
}
