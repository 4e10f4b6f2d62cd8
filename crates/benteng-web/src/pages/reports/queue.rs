//! The report lists: the officers' queue (open reports by priority) and every report of the
//! actor's place, filtered and searched.

use super::categories;
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::{html, Layout, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use benteng_app::reports::{ReportQuery, ReportRow};
use benteng_domain::report::ReportStatus;
use benteng_domain::{Action, Role};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    kategori: Option<String>,
    wilayah: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
    prioritas: Option<String>,
    petugas: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "reports_list.html")]
struct ListPage {
    l: Layout,
    q: ListQuery,
    rows: Vec<ReportRow>,
    pager: Pager,
    error: Option<String>,
    /// The place filter (a name, or choices when it fits several).
    area: crate::pages::area::AreaInput,
    can_create: bool,
    statuses: Vec<(String, String)>,
    categories: Vec<(String, String, String)>,
}

impl ListPage {
    fn label(&self, prefix: &str, code: &str) -> String {
        self.l.tr.t(&format!("{prefix}-{code}"))
    }

    fn v<'a>(&self, o: &'a Option<String>) -> &'a str {
        o.as_deref().unwrap_or("")
    }
}

/// The queue (open reports by priority) for officers; newest first for other views.
pub(super) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    // Officers land on their queue; everyone else on all reports of their place.
    let status = match &q.status {
        Some(s) => s.clone(),
        None if ctx.actor.role == Role::Petugas => "terbuka".into(),
        None => String::new(),
    };
    let (region, area, area_error) = crate::pages::area::filter(
        &state,
        "f-wilayah",
        "wilayah",
        q.wilayah.as_deref(),
        crate::pages::area::ANY,
        Some(&ctx.actor.scope),
    )
    .await?;
    let query = ReportQuery {
        q: q.q.clone(),
        status: Some(status.clone()),
        category: q.kategori.clone(),
        region,
        from: q.dari.clone(),
        to: q.sampai.clone(),
        priority: q.prioritas.clone(),
        assigned: q.petugas.clone(),
        page: q.hal,
    };
    let searching = q.q.as_deref().is_some_and(|s| !s.trim().is_empty());
    let empty = || benteng_app::Page {
        items: Vec::new(),
        total: 0,
        page: 1,
        per_page: 25,
        more: false,
    };
    let limited = searching && !state.search_limiter.check(ctx.actor.user_id);
    let listed = if limited {
        Err(None)
    } else {
        benteng_app::reports::list(&state.db, ctx, &query, 25)
            .await
            .map_err(Some)
    };
    let (page, error) = match listed {
        _ if area_error.is_some() => (empty(), area_error.map(|k| auth.0.tr.t(k))),
        Ok(p) => (p, None),
        Err(None) => (empty(), Some(auth.0.tr.t("err-search-too-many"))),
        Err(Some(benteng_app::Error::Invalid(e))) => {
            (empty(), e.0.first().map(|x| auth.0.tr.t(x.code)))
        }
        Err(Some(e)) => return Err(e.into()),
    };
    let pager = Pager::new(
        &page,
        "/laporan",
        &[
            ("q", q.q.clone().unwrap_or_default()),
            ("status", status.clone()),
            ("kategori", q.kategori.clone().unwrap_or_default()),
            ("wilayah", q.wilayah.clone().unwrap_or_default()),
            ("dari", q.dari.clone().unwrap_or_default()),
            ("sampai", q.sampai.clone().unwrap_or_default()),
            ("prioritas", q.prioritas.clone().unwrap_or_default()),
            ("petugas", q.petugas.clone().unwrap_or_default()),
        ],
    );
    let tr = &auth.0.tr;
    let mut statuses = vec![("terbuka".to_string(), tr.t("report-status-terbuka"))];
    statuses.extend(
        ReportStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), tr.t(&format!("report-status-{s}")))),
    );
    let l = Layout::new(&auth.0, "reports-title").await?;
    let mut q = q;
    q.status = Some(status);
    let mut response = html(&ListPage {
        area,
        can_create: ctx.allows(Action::ReportCreate, None),
        categories: categories(&auth.0.tr),
        statuses,
        l,
        q,
        rows: page.items,
        pager,
        error,
    })?;
    if limited {
        *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
    }
    Ok(response)
}
