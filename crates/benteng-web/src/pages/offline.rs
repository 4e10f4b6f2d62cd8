//! Offline field work (docs/offline.md): the web app manifest and icons that make Benteng
//! installable on a phone's home screen, the service worker that keeps the field pages
//! readable without signal (`static/sw.js`), the script that keeps unsent forms on the phone
//! and sends them once with an `Idempotency-Key` (`static/offline.js`), the page that lists
//! them (`/antrean`), and `/csrf`, which gives that script the current CSRF token and user
//! before it sends (a session may have expired, or another user signed in, while the phone
//! was offline).

use crate::ctx::Viewer;
use crate::error::WebError;
use crate::pages::{html, Layout};
use crate::AppState;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

const SW: &str = include_str!("../../static/sw.js");
const OFFLINE_JS: &str = include_str!("../../static/offline.js");
const APP_JS: &str = include_str!("../../static/app.js");
const APP_CSS: &str = include_str!("../../static/app.css");
const ICON_192: &[u8] = include_bytes!("../../static/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../static/icon-512.png");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/static/offline.js", get(offline_js))
        .route("/static/icon-192.png", get(|| png(ICON_192)))
        .route("/static/icon-512.png", get(|| png(ICON_512)))
        .route("/csrf", get(csrf))
        .route("/antrean", get(queue))
}

/// The static files' version: a new release with changed scripts, styles or icons gets a
/// new static cache on every phone (the service worker drops the old one).
fn version() -> String {
    use std::hash::{Hash, Hasher};
    // `DefaultHasher::new` uses fixed keys: every instance of one build agrees.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (SW, OFFLINE_JS, APP_JS, APP_CSS, ICON_192, ICON_512).hash(&mut h);
    format!("{:016x}", h.finish())
}

async fn manifest(v: Viewer) -> Response {
    let body = serde_json::json!({
        "name": "Benteng · Desa Binaan Imigrasi",
        "short_name": "Benteng",
        "description": v.tr.t("manifest-description"),
        "lang": v.tr.lang,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#123b63",
        "icons": [
            { "src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml" },
            { "src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any maskable" },
            { "src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable" }
        ]
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The service worker, always checked for a new version (browsers also do so daily).
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SW.replace("@VERSION@", &version()),
    )
        .into_response()
}

async fn offline_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        OFFLINE_JS,
    )
        .into_response()
}

async fn png(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        bytes,
    )
        .into_response()
}

/// The current CSRF token and who is signed in (`u<id>`, or `publik`), for the offline
/// queue. Same-origin only: other sites cannot read the answer (no CORS), and it is never
/// cached. Writes nothing for an anonymous visitor (their token is derived from the
/// visitor cookie).
async fn csrf(v: Viewer) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "token": v.csrf, "user": user_tag(&v) })),
    )
        .into_response()
}

/// The offline queue's owner tag of the viewer: `u<user id>`, or `publik` for a visitor.
pub fn user_tag(v: &Viewer) -> String {
    v.ctx
        .as_ref()
        .map_or_else(|| "publik".into(), |c| format!("u{}", c.actor.user_id))
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    l: Layout,
}

/// "Menunggu sinyal": what this phone keeps unsent. The list lives on the phone
/// (IndexedDB) and is drawn by `offline.js`; without JavaScript nothing is ever queued.
async fn queue(v: Viewer) -> Result<Response, WebError> {
    html(&QueuePage {
        l: Layout::new(&v, "queue-title").await?,
    })
}
