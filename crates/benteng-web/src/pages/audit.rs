//! The audit log page: filtered and paged, newest first.

use super::{html, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use benteng_app::audit::{self, day_start, AuditEntry, AuditQuery};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(audit))
}

#[derive(Deserialize, Default)]
struct Q {
    pengguna: Option<String>,
    aksi: Option<String>,
    entitas: Option<String>,
    sensitif: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    pengguna: String,
    aksi: String,
    entitas: String,
    sensitif: bool,
    dari: String,
    sampai: String,
    rows: Vec<AuditEntry>,
    pager: Pager,
}

async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<Q>,
) -> Result<Response, WebError> {
    let sensitif = q.sensitif.as_deref().is_some_and(super::checked);
    let query = AuditQuery {
        username: q.pengguna.clone(),
        action: q.aksi.clone(),
        entity: q.entitas.clone(),
        sensitive_only: sensitif,
        from: q.dari.as_deref().and_then(day_start),
        to: q.sampai.as_deref().and_then(day_start).map(|t| t + 86_400),
        page: q.hal,
    };
    let page = audit::list(&state.db, auth.ctx(), &query, 50).await?;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let pager = Pager::new(
        &page,
        "/audit",
        &[
            ("pengguna", s(&q.pengguna)),
            ("aksi", s(&q.aksi)),
            ("entitas", s(&q.entitas)),
            (
                "sensitif",
                if sensitif { "1".into() } else { String::new() },
            ),
            ("dari", s(&q.dari)),
            ("sampai", s(&q.sampai)),
        ],
    );
    let l = Layout::new(&auth.0, "audit-title").await?;
    html(&AuditPage {
        l,
        pengguna: s(&q.pengguna),
        aksi: s(&q.aksi),
        entitas: s(&q.entitas),
        sensitif,
        dari: s(&q.dari),
        sampai: s(&q.sampai),
        rows: page.items,
        pager,
    })
}
