//! In-app notifications: new reports in my area, referrals to my agency, answers, overdue.

use super::{html, parse_id, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use benteng_app::jobs::notice_text;
use benteng_app::notifications::Notification;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifikasi", get(list))
        .route("/notifikasi/baca-semua", post(read_all))
        .route("/notifikasi/{id}", post(open))
}

#[derive(Deserialize)]
struct ListQuery {
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Notification>,
    pager: Pager,
}

impl ListPage {
    fn text(&self, n: &Notification) -> String {
        notice_text(&self.l.tr, &n.kind, &n.subject)
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = benteng_app::notifications::list(&state.db, auth.ctx(), q.hal).await?;
    let pager = Pager::new(&page, "/notifikasi", &[]);
    let l = Layout::new(&auth.0, "notifications-title").await?;
    html(&ListPage {
        l,
        rows: page.items,
        pager,
    })
}

/// Mark one read and go to what it is about (links are written by the server: always local).
async fn open(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let link = benteng_app::notifications::open(&state.db, auth.ctx(), id)
        .await?
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .unwrap_or_else(|| "/notifikasi".into());
    Ok(Redirect::to(&link).into_response())
}

async fn read_all(State(state): State<AppState>, auth: Auth) -> Result<Response, WebError> {
    benteng_app::notifications::read_all(&state.db, auth.ctx()).await?;
    Ok(Redirect::to("/notifikasi").into_response())
}
