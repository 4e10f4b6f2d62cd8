//! The stored monthly reports (`/laporan-bulanan`): what the worker made after each month
//! (`crate::monthly_job`), newest first, each a PDF to download. The office's officers see
//! its reports; the Kanwil sees its province's and its offices'; villages and partner
//! agencies are refused (`Action::MonthlyReportView`).

use super::super::{html, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::pages::exports::ExportFile;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    hal: Option<i64>,
}

pub struct Line {
    pub href: String,
    pub month: String,
    pub name: String,
    /// "Kantor" or "Provinsi" in words.
    pub kind: String,
    pub size: String,
    pub made: String,
}

#[derive(Template)]
#[template(path = "monthly_reports.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Line>,
    pager: Pager,
}

pub(super) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = benteng_app::monthly_reports::list(&state.db, auth.ctx(), q.hal).await?;
    let tr = &auth.0.tr;
    let rows = page
        .items
        .iter()
        .map(|r| Line {
            href: format!("/laporan-bulanan/{}", r.id),
            month: benteng_domain::figures::Period::parse(&r.month)
                .map(|p| tr.period(&p))
                .unwrap_or_else(|_| r.month.clone()),
            name: r.name.clone(),
            kind: tr.t(&format!("monthly-kind-{}", r.kind)),
            size: format!("{} KB", tr.number(&((r.bytes.unwrap_or(0) + 1023) / 1024))),
            made: r.made_at.map(|t| tr.datetime(&t)).unwrap_or_default(),
        })
        .collect();
    let pager = Pager::new(&page, "/laporan-bulanan", &[]);
    html(&ListPage {
        l: Layout::new(&auth.0, "monthly-list-title").await?,
        rows,
        pager,
    })
}

pub(super) async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let Some((r, pdf)) = benteng_app::monthly_reports::pdf(&state.db, auth.ctx(), id).await? else {
        return Err(benteng_app::Error::NotFound.into());
    };
    let stem: String = r
        .name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok(ExportFile {
        name: format!("laporan-bulanan-{}-{}.pdf", r.month, stem.trim_matches('-')),
        content_type: "application/pdf",
        bytes: pdf,
    }
    .into_response())
}
