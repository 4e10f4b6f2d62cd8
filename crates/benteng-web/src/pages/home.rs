//! The home page: what matters to the signed-in role, inside their scope.

use super::{html, Layout};
use crate::ctx::Viewer;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use benteng_app::visits::Visit;
use benteng_domain::{can, Action, Role};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct Link {
    pub href: &'static str,
    pub label: String,
}

/// A tile of the public home page: where it goes, what it is, one line on why.
pub struct Tile {
    pub href: &'static str,
    pub label: String,
    pub hint: String,
}

/// The front door for residents: what they came for, large, in the words they use, and the
/// numbers to call. Reads nothing from the database and writes nothing.
#[derive(Template)]
#[template(path = "public_home.html")]
struct PublicHome {
    l: Layout,
    tiles: Vec<Tile>,
}

async fn public_home(v: &Viewer) -> Result<Response, WebError> {
    let tr = &v.tr;
    let tile = |href, key: &str| Tile {
        href,
        label: tr.t(&format!("public-tile-{key}")),
        hint: tr.t(&format!("public-tile-{key}-hint")),
    };
    let tiles = vec![
        tile("/cek-tawaran", "offer"),
        tile("/cek-p3mi", "p3mi"),
        tile("/panduan", "guide"),
        tile("/kegiatan", "events"),
        tile("/lacak", "track"),
        tile("/hadir", "checkin"),
        tile("/faq", "faq"),
    ];
    html(&PublicHome {
        l: Layout::new(v, "public-home-tab").await?,
        tiles,
    })
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    intro: String,
    counts: Vec<(String, i64)>,
    total: i64,
    visits: Vec<Visit>,
    links: Vec<Link>,
}

async fn home(State(state): State<AppState>, v: Viewer) -> Result<Response, WebError> {
    let Some(ctx) = v.ctx.clone() else {
        return public_home(&v).await;
    };
    if v.user.as_ref().is_some_and(|u| u.must_change_password == 1) {
        return Ok(Redirect::to("/akun").into_response());
    }
    if v.user
        .as_ref()
        .is_some_and(|u| benteng_app::account::must_enrol(&state.config.second_factor, u))
    {
        return Ok(Redirect::to(super::ENROL_PATH).into_response());
    }
    let tr = &v.tr;
    // A user whose home has no places today (an office without a working area) sees an
    // explanation instead of a refusal.
    if !ctx.allows(Action::DesaBinaanView, None) {
        let l = Layout::new(&v, "home-title").await?;
        return html(&HomePage {
            l,
            intro: tr.t("scope-nothing"),
            counts: Vec::new(),
            total: 0,
            visits: Vec::new(),
            links: Vec::new(),
        });
    }
    let counts: Vec<(String, i64)> = benteng_app::desa_binaan::counts(&state.db, &ctx)
        .await?
        .into_iter()
        .map(|(s, n)| (tr.t(&format!("status-{s}")), n))
        .collect();
    let total = counts.iter().map(|c| c.1).sum();
    let visits = benteng_app::visits::recent(&state.db, &ctx, 5).await?;
    let a = &ctx.actor;
    let intro = tr.t(match a.role {
        Role::Admin => "home-intro-admin",
        Role::Kanwil => "home-intro-kanwil",
        Role::Petugas => "home-intro-petugas",
        Role::Mitra => "home-intro-mitra",
        Role::Desa => "home-intro-desa",
    });
    let mut links = Vec::new();
    let mut link = |href: &'static str, key: &str, action: Action| {
        if can(a, action, None) {
            links.push(Link {
                href,
                label: tr.t(key),
            });
        }
    };
    link(
        "/desa-binaan/baru",
        "action-enrol",
        Action::DesaBinaanManage,
    );
    link(
        "/desa-binaan",
        "action-view-registry",
        Action::DesaBinaanView,
    );
    link("/pengguna/baru", "action-add-user", Action::UserManage);
    link("/kantor", "action-view-offices", Action::OfficeView);
    link("/audit", "action-view-audit", Action::AuditView);
    let l = Layout::new(&v, "home-title").await?;
    html(&HomePage {
        l,
        intro,
        counts,
        total,
        visits,
        links,
    })
}
