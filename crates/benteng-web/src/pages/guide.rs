//! Panduan migrasi aman: the public guide to legal migration, in pages admins edit. Each page
//! shows its legal sources and its version; every earlier version stays readable.
//!
//! Page bodies are Markdown. Raw HTML in them is shown as text, not run, and links go only to
//! `http(s)` addresses or pages of this site, so an admin account cannot be used to put a
//! script in front of the public.

use super::{flash_redirect, html, html_status, Layout};
use crate::ctx::{Auth, Viewer};
use crate::error::WebError;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use benteng_app::guide::{self, GuideInput, GuidePage, GuideVersion};
use benteng_domain::{Action, FieldErrors};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/panduan", get(index))
        .route("/panduan/{slug}", get(show).post(save))
        .route("/panduan/{slug}/ubah", get(edit))
        .route("/panduan/{slug}/riwayat", get(history))
}

/// Markdown to HTML with raw HTML escaped and only safe link targets.
pub fn render_markdown(md: &str) -> String {
    let safe = |url: &str| {
        url.starts_with("https://")
            || url.starts_with("http://")
            || (url.starts_with('/') && !url.starts_with("//"))
            || url.starts_with('#')
    };
    let events =
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| {
            match ev {
                Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: if safe(&dest_url) {
                        dest_url
                    } else {
                        CowStr::Borrowed("#")
                    },
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Image {
                    link_type,
                    dest_url: if safe(&dest_url) {
                        dest_url
                    } else {
                        CowStr::Borrowed("#")
                    },
                    title,
                    id,
                }),
                other => other,
            }
        });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// The guide's current pages with their bodies rendered, kept in memory for
/// [`benteng_app::shelf::TTL`]: the guide is the most read public page and changes a few times
/// a year, so reading it (and rendering its Markdown) on every visit was most of a visit's
/// cost. A save on this server shows at once ([`GuideCache::forget`]); other servers of a
/// multi-server deployment show it within the TTL. Older versions (`?versi=`) and the history
/// are read from the database each time.
#[derive(Default)]
pub struct GuideCache(benteng_app::shelf::Shelf<Arc<Vec<Rendered>>>);

/// A current page and its body as HTML.
pub struct Rendered {
    page: GuidePage,
    body_html: String,
}

impl GuideCache {
    async fn pages(&self, db: &benteng_app::Db) -> Result<Arc<Vec<Rendered>>, WebError> {
        self.0
            .get("", || async {
                Ok::<_, WebError>(Arc::new(
                    guide::pages(db)
                        .await?
                        .into_iter()
                        .map(|page| Rendered {
                            body_html: render_markdown(&page.body),
                            page,
                        })
                        .collect(),
                ))
            })
            .await
    }

    /// Drop the kept pages (after a save on this server).
    pub(crate) fn forget(&self) {
        self.0.forget();
    }
}

#[derive(Template)]
#[template(path = "guide_index.html")]
struct IndexPage<'a> {
    l: Layout,
    pages: Vec<&'a GuidePage>,
}

async fn index(State(state): State<AppState>, v: Viewer) -> Result<Response, WebError> {
    let pages = state.guide.pages(&state.db).await?;
    html(&IndexPage {
        l: Layout::new(&v, "guide-title").await?,
        pages: pages.iter().map(|r| &r.page).collect(),
    })
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    versi: Option<i64>,
}

#[derive(Template)]
#[template(path = "guide_page.html")]
struct ShowPage {
    l: Layout,
    p: GuidePage,
    body_html: String,
    old: bool,
    can_edit: bool,
}

async fn show(
    State(state): State<AppState>,
    v: Viewer,
    Path(slug): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let pages = state.guide.pages(&state.db).await?;
    let current = pages
        .iter()
        .find(|r| r.page.slug == slug)
        .ok_or(WebError::NotFound)?;
    let (p, body_html) = match q.versi {
        Some(v) if v != current.page.version => {
            let p = guide::page(&state.db, &slug, Some(v)).await?;
            let body = render_markdown(&p.body);
            (p, body)
        }
        _ => (current.page.clone(), current.body_html.clone()),
    };
    let mut l = Layout::new(&v, "guide-title").await?;
    l.title = p.title.clone();
    html(&ShowPage {
        l,
        body_html,
        old: p.version != current.page.version,
        can_edit: v
            .ctx
            .as_ref()
            .is_some_and(|c| c.allows(Action::GuideManage, None)),
        p,
    })
}

#[derive(Template)]
#[template(path = "guide_history.html")]
struct HistoryPage {
    l: Layout,
    slug: String,
    versions: Vec<GuideVersion>,
    /// Editors' usernames are shown to signed-in users only.
    signed_in: bool,
}

async fn history(
    State(state): State<AppState>,
    v: Viewer,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let p = guide::page(&state.db, &slug, None).await?;
    let mut l = Layout::new(&v, "guide-history").await?;
    l.title = format!("{} · {}", p.title, l.title);
    html(&HistoryPage {
        l,
        versions: guide::versions(&state.db, &slug).await?,
        signed_in: v.ctx.is_some(),
        slug,
    })
}

#[derive(Template)]
#[template(path = "guide_form.html")]
struct FormPage {
    l: Layout,
    slug: String,
    i: GuideInput,
    errors: Vec<(String, String)>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn form_page(
    auth: &Auth,
    slug: String,
    i: GuideInput,
    e: &FieldErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::GuideManage, None)?;
    let tr = &auth.0.tr;
    html_status(
        status,
        &FormPage {
            l: Layout::new(&auth.0, "guide-edit").await?,
            slug,
            i,
            errors: e
                .0
                .iter()
                .map(|x| (x.field.to_string(), tr.t(x.code)))
                .collect(),
        },
    )
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    auth.ctx().require(Action::GuideManage, None)?;
    let p = guide::page(&state.db, &slug, None).await?;
    let i = GuideInput {
        title: p.title,
        body: p.body,
        sources: p.sources,
        note: String::new(),
        base_version: p.version.to_string(),
    };
    form_page(&auth, slug, i, &FieldErrors::new(), StatusCode::OK).await
}

async fn save(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Form(i): Form<GuideInput>,
) -> Result<Response, WebError> {
    let saved = guide::save(&state.db, auth.ctx(), &slug, &i).await;
    state.guide.forget();
    match saved {
        Ok(_) => flash_redirect(&auth.0, "flash-saved", &format!("/panduan/{slug}")).await,
        Err(e) => {
            let (status, e) = super::form_errors(e)?;
            form_page(&auth, slug, i, &e, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_is_rendered_without_raw_html_or_script_links() {
        let h = render_markdown(
            "## Judul\n\n- **satu** <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](https://pasal.id) [c](/cek-p3mi) [d](//evil.example)",
        );
        assert!(
            h.contains("<h2>Judul</h2>") && h.contains("<strong>satu</strong>"),
            "{h}"
        );
        assert!(!h.contains("<script") && !h.contains("<img"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(!h.contains("javascript:") && !h.contains("//evil"), "{h}");
        assert!(h.contains("href=\"https://pasal.id\"") && h.contains("href=\"/cek-p3mi\""));
    }
}
