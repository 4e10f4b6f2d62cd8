//! Daftar pantau: the watchlist entries of the officer's area, an officer's own flag, a CSV
//! import with every bad row reported by line, and ending an entry. People named in reports
//! are on the watchlist without appearing here: they are managed through their reports.

use super::upload::read_csv_form;
use super::{flash_redirect, html_status, parse_id, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use benteng_app::screening::watchlist::{
    self, ImportOutcome, WatchInput, WatchQuery, WatchRow, CATEGORIES,
};
use benteng_app::Page;
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

const IMPORT_BYTES: usize = 5 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/daftar-pantau", get(list).post(create))
        .route(
            "/daftar-pantau/impor",
            post(import).layer(DefaultBodyLimit::max(IMPORT_BYTES + 64 * 1024)),
        )
        .route("/daftar-pantau/{id}/akhiri", post(end))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    kategori: Option<String>,
    semua: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "watchlist.html")]
struct ListPage {
    l: Layout,
    rows: Vec<WatchRow>,
    pager: Pager,
    q: String,
    kategori: String,
    semua: bool,
    categories: Vec<(String, String)>,
    can_manage: bool,
    i: WatchInput,
    region: super::area::AreaInput,
    errors: Vec<(String, String)>,
    import: Option<ImportOutcome>,
    import_error: Option<String>,
}

impl ListPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }

    fn row_error(&self, field: &str, code: &str) -> String {
        format!("{field}: {}", self.l.tr.t(code))
    }
}

struct Extra {
    i: WatchInput,
    errors: FieldErrors,
    import: Option<ImportOutcome>,
    import_error: Option<String>,
    status: StatusCode,
}

impl Default for Extra {
    fn default() -> Self {
        Extra {
            i: WatchInput::default(),
            errors: FieldErrors::new(),
            import: None,
            import_error: None,
            status: StatusCode::OK,
        }
    }
}

async fn page(state: &AppState, auth: &Auth, q: ListQuery, x: Extra) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let query = WatchQuery {
        q: q.q.clone(),
        category: q.kategori.clone(),
        all: q.semua.clone(),
        page: q.hal,
    };
    let page: Page<WatchRow> = watchlist::list(&state.db, ctx, &query, 25).await?;
    let pager = Pager::new(
        &page,
        "/daftar-pantau",
        &[
            ("q", q.q.clone().unwrap_or_default()),
            ("kategori", q.kategori.clone().unwrap_or_default()),
            ("semua", q.semua.clone().unwrap_or_default()),
        ],
    );
    let tr = &auth.0.tr;
    let region = super::area::AreaInput::new(
        state,
        "w-region",
        "region_code",
        &x.i.region_code,
        x.errors.get("region_code").is_some(),
        super::area::DESA,
        Some(&auth.ctx().actor.scope),
    )
    .await?;
    html_status(
        x.status,
        &ListPage {
            region,
            l: Layout::new(&auth.0, "watchlist-title").await?,
            rows: page.items,
            pager,
            q: q.q.unwrap_or_default(),
            kategori: q.kategori.unwrap_or_default(),
            semua: q.semua.as_deref() == Some("1"),
            categories: CATEGORIES
                .iter()
                .map(|c| (c.to_string(), tr.t(&format!("watch-category-{c}"))))
                .collect(),
            can_manage: ctx.allows(Action::WatchlistManage, None),
            i: x.i,
            errors: x
                .errors
                .0
                .iter()
                .map(|e| (e.field.to_string(), tr.t(e.code)))
                .collect(),
            import: x.import,
            import_error: x.import_error,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    page(&state, &auth, q, Extra::default()).await
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(i): Form<WatchInput>,
) -> Result<Response, WebError> {
    match watchlist::flag(&state.db, auth.ctx(), &i).await {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", "/daftar-pantau").await,
        Err(e) => {
            let (status, errors) = super::form_errors(e)?;
            let x = Extra {
                i,
                errors,
                status,
                ..Default::default()
            };
            page(&state, &auth, ListQuery::default(), x).await
        }
    }
}

/// Import a CSV list. "Semua atau tidak sama sekali" (ticked by default) imports nothing when
/// a row is bad; unticked, the good rows are imported and the bad ones listed.
async fn import(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::WatchlistManage, None)?;
    let form = read_csv_form(&auth.0, mp, IMPORT_BYTES).await?;
    let tr = &auth.0.tr;
    let all_or_nothing = form.get("semua_atau_tidak") == "1";
    let data = match form.file {
        Ok(Some(d)) => d,
        Ok(None) => {
            let x = Extra {
                import_error: Some(tr.t("err-file-required")),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..Default::default()
            };
            return page(&state, &auth, ListQuery::default(), x).await;
        }
        Err(code) => {
            let x = Extra {
                import_error: Some(tr.t(code)),
                status: StatusCode::PAYLOAD_TOO_LARGE,
                ..Default::default()
            };
            return page(&state, &auth, ListQuery::default(), x).await;
        }
    };
    match watchlist::import(&state.db, auth.ctx(), &data, all_or_nothing).await {
        Ok(outcome) => {
            let status = if outcome.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let x = Extra {
                import: Some(outcome),
                status,
                ..Default::default()
            };
            page(&state, &auth, ListQuery::default(), x).await
        }
        Err(benteng_app::Error::Invalid(e)) => {
            let x = Extra {
                import_error: e.0.first().map(|x| tr.t(x.code)),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..Default::default()
            };
            page(&state, &auth, ListQuery::default(), x).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn end(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    watchlist::end(&state.db, auth.ctx(), id).await?;
    flash_redirect(&auth.0, "flash-saved", "/daftar-pantau").await
}
