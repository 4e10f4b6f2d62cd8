//! The public guide to legal migration (Panduan migrasi aman): anyone reads its pages and
//! their earlier versions; admins save new versions, each with why it changed. The editor's
//! form is read here; the storage keeps the versions and audits.

use benteng_db::guide::GuideEdit;
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::values::{optional_text, required_text};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

pub use benteng_db::guide::{GuidePage, GuideVersion};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct GuideInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub title: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub body: String,
    /// One legal source per line; at least one.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sources: String,
    /// Why the page changed (e.g. the new regulation).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
    /// The version the editor started from (required); a save on top of someone else's newer
    /// version is refused instead of silently overwriting it.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub base_version: String,
}

/// Every page, in order (public).
pub async fn pages(db: &Db) -> Result<Vec<GuidePage>> {
    db.guide().guide_pages().await
}

/// One page, its current text or an older `version` (public).
pub async fn page(db: &Db, slug: &str, version: Option<i64>) -> Result<GuidePage> {
    db.guide().guide_page(slug, version).await
}

/// The versions of a page, newest first (public: the trail of a public text).
pub async fn versions(db: &Db, slug: &str) -> Result<Vec<GuideVersion>> {
    db.guide().guide_versions(slug).await
}

/// Save a new version of a page (admins). The current page is read first: an editor who
/// started from an older version is told the page changed. Returns the new version number.
pub async fn save(db: &Db, ctx: &Ctx, slug: &str, i: &GuideInput) -> Result<i64> {
    ctx.require(Action::GuideManage, None)?;
    let current = db.guide().guide_page(slug, None).await?;
    let mut e = FieldErrors::new();
    let title = e.check("title", required_text(&i.title, 200));
    let body = e.check("body", required_text(&i.body, 50_000));
    let sources = e.check("sources", required_text(&i.sources, 5_000));
    let note = e.check("note", optional_text(&i.note, 500)).flatten();
    match i.base_version.trim().parse::<i64>() {
        Ok(base) if base == current.version => {}
        Ok(_) => e.add("body", "err-guide-changed"),
        Err(_) => e.add("base_version", "err-required"),
    }
    let (Some(title), Some(body), Some(sources)) = (title, body, sources) else {
        return Err(Error::Invalid(e));
    };
    if !e.is_empty() {
        return Err(Error::Invalid(e));
    }
    let edit = GuideEdit {
        title,
        body,
        sources,
        note,
        base_version: current.version,
    };
    db.guide().save_guide_page(ctx, slug, &edit).await
}
