//! Browse and search the region list: provinsi → kabupaten/kota → kecamatan → desa.

use super::{html, Layout, Pager};
use crate::ctx::Auth;
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use benteng_app::regions::{self, Region, RegionPath};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/wilayah", get(regions))
}

#[derive(Deserialize)]
struct RegionQuery {
    q: Option<String>,
    induk: Option<String>,
    hal: Option<i64>,
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    l: Layout,
    q: String,
    parent: Option<RegionPath>,
    rows: Vec<Region>,
    pager: Pager,
    level_names: [String; 4],
}

impl RegionsPage {
    fn level_name(&self, r: &Region) -> &str {
        &self.level_names[(r.level.clamp(1, 4) - 1) as usize]
    }

    /// Breadcrumb from the province down to the parent.
    fn crumbs(&self) -> Vec<(String, String)> {
        match &self.parent {
            Some(p) => {
                let mut v: Vec<(String, String)> = p
                    .ancestors
                    .iter()
                    .rev()
                    .map(|r| (r.code.clone(), r.name.clone()))
                    .collect();
                v.push((p.region.code.clone(), p.region.name.clone()));
                v
            }
            None => Vec::new(),
        }
    }
}

async fn regions(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<RegionQuery>,
) -> Result<Response, WebError> {
    let ctx = auth.ctx();
    let text = q.q.clone().unwrap_or_default();
    let (page, parent) = if !text.trim().is_empty() {
        (
            regions::search(&state.db, ctx, &text, None, q.hal, 50).await?,
            None,
        )
    } else {
        let parent = match q.induk.as_deref().filter(|s| !s.is_empty()) {
            Some(code) => Some(
                regions::path(&state.db, ctx, code)
                    .await?
                    .ok_or(WebError::NotFound)?,
            ),
            None => None,
        };
        (
            regions::children(
                &state.db,
                ctx,
                parent.as_ref().map(|p| p.region.code.as_str()),
                q.hal,
                50,
            )
            .await?,
            parent,
        )
    };
    let pager = Pager::new(
        &page,
        "/wilayah",
        &[
            ("q", text.clone()),
            ("induk", q.induk.clone().unwrap_or_default()),
        ],
    );
    let tr = &auth.0.tr;
    let level_names = [
        tr.t("level-provinsi"),
        tr.t("level-kabkota"),
        tr.t("level-kecamatan"),
        tr.t("level-desa"),
    ];
    let l = Layout::new(&auth.0, "regions-title").await?;
    html(&RegionsPage {
        l,
        q: text,
        parent,
        rows: page.items,
        pager,
        level_names,
    })
}
