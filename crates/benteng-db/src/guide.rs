//! The public guide to legal migration (Panduan migrasi aman): pages in Markdown, each with
//! its legal sources, editable by admins. Every save is a new version (who, when, why), so a
//! change of law leaves a trail and an old text can be shown again.
//!
//! The first versions ship with the binary (`guide/*.md`, loaded by migration 16). A file
//! there starts with `title: …`, then `sources:` and one source per line, then `---` and the
//! body.
//!
//! The editor's form is read in `benteng_app::guide`.

use crate::audit::{self, Event};
use crate::{Ctx, Error, Result};
use benteng_domain::Action;
use serde::Serialize;

/// The shipped pages: (slug, file).
pub(crate) const INITIAL: &[(&str, &str)] = &[
    ("jalur-resmi", include_str!("../guide/01-jalur-resmi.md")),
    ("dokumen", include_str!("../guide/02-dokumen.md")),
    (
        "siapa-boleh-menempatkan",
        include_str!("../guide/03-siapa-boleh-menempatkan.md"),
    ),
    ("tanpa-biaya", include_str!("../guide/04-tanpa-biaya.md")),
    ("moratorium", include_str!("../guide/05-moratorium.md")),
    ("tanda-bahaya", include_str!("../guide/06-tanda-bahaya.md")),
    ("hotline", include_str!("../guide/07-hotline.md")),
];

/// (title, sources, body) of a shipped file.
pub(crate) fn parse_file(text: &str) -> Option<(String, String, String)> {
    let (head, body) = text.split_once("\n---\n")?;
    let mut lines = head.lines();
    let title = lines.next()?.strip_prefix("title:")?.trim().to_string();
    if lines.next()?.trim() != "sources:" {
        return None;
    }
    let sources = lines.collect::<Vec<_>>().join("\n");
    Some((title, sources, body.trim().to_string()))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuidePage {
    pub slug: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// One legal source per line.
    pub sources: String,
    pub version: i64,
    pub updated_at: i64,
}

impl GuidePage {
    pub fn source_lines(&self) -> Vec<&str> {
        self.sources
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuideVersion {
    pub version: i64,
    pub title: String,
    pub note: Option<String>,
    pub username: Option<String>,
    pub edited_at: i64,
}

/// A new version of a page, checked by `benteng_app::guide`.
#[derive(Debug, Clone)]
pub struct GuideEdit {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// One legal source per line.
    pub sources: String,
    /// Why the page changed.
    pub note: Option<String>,
    /// The version the editor started from.
    pub base_version: i64,
}

impl crate::guide::Repo<'_> {
    /// Every page, in order (public).
    pub async fn guide_pages(&self) -> Result<Vec<GuidePage>> {
        Ok(sqlx::query_as(
            "SELECT slug, title, body, sources, version, updated_at FROM guide_pages ORDER BY position, slug",
        )
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// One page, its current text or an older `version` (public).
    pub async fn guide_page(&self, slug: &str, version: Option<i64>) -> Result<GuidePage> {
        let page = match version {
            None => sqlx::query_as::<_, GuidePage>(
                "SELECT slug, title, body, sources, version, updated_at FROM guide_pages WHERE slug = $1",
            )
            .bind(slug.to_string())
            .fetch_optional(&self.db.pool)
            .await?,
            Some(v) => sqlx::query_as::<_, GuidePage>(
                "SELECT slug, title, body, sources, version, edited_at AS updated_at FROM guide_versions WHERE slug = $1 AND version = $2",
            )
            .bind(slug.to_string())
            .bind(v)
            .fetch_optional(&self.db.pool)
            .await?,
        };
        page.ok_or(Error::NotFound)
    }

    /// The versions of a page, newest first (public: the trail of a public text).
    pub async fn guide_versions(&self, slug: &str) -> Result<Vec<GuideVersion>> {
        Ok(sqlx::query_as(
            "SELECT v.version, v.title, v.note, u.username, v.edited_at FROM guide_versions v \
             LEFT JOIN users u ON u.id = v.edited_by WHERE v.slug = $1 ORDER BY v.version DESC LIMIT 200",
        )
        .bind(slug.to_string())
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Save a new version of a page (admins). Returns the new version number. A save on top
    /// of a newer version than the editor's is refused (checked again in the statement).
    pub async fn save_guide_page(&self, ctx: &Ctx, slug: &str, v: &GuideEdit) -> Result<i64> {
        ctx.require(Action::GuideManage, None)?;
        let current = self.guide_page(slug, None).await?;
        if v.base_version != current.version {
            return Err(crate::reports::invalid("body", "err-guide-changed"));
        }
        let GuideEdit {
            title,
            body,
            sources,
            note,
            ..
        } = v.clone();
        let version = current.version + 1;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE guide_pages SET title = $1, body = $2, sources = $3, version = $4, updated_by = $5, updated_at = $6 \
             WHERE slug = $7 AND version = $8",
        )
        .bind(title.clone())
        .bind(body.clone())
        .bind(sources.clone())
        .bind(version)
        .bind(ctx.actor.user_id)
        .bind(now)
        .bind(slug.to_string())
        .bind(current.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(crate::reports::invalid("body", "err-guide-changed"));
        }
        sqlx::query(
            "INSERT INTO guide_versions (slug, version, title, body, sources, note, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(slug.to_string())
        .bind(version)
        .bind(title)
        .bind(body)
        .bind(sources)
        .bind(note)
        .bind(ctx.actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "guide",
                entity_id: Some(slug.to_string()),
                detail: Some(format!("version={version}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }
}

/// The guide repository, reached as `db.guide()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_page_parses_and_names_its_sources() {
        for (slug, text) in INITIAL {
            let (title, sources, body) =
                parse_file(text).unwrap_or_else(|| panic!("{slug} does not parse"));
            assert!(!title.is_empty() && !body.is_empty(), "{slug}");
            assert!(!sources.trim().is_empty(), "{slug} has no source");
            assert!(!body.contains("<script"), "{slug}");
        }
    }
}
