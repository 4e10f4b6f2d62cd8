//! Early-warning reports: intake (public form, village, officer), the triage queue, indicators
//! and the priority score, linked reports, assignment, status, merging, added information,
//! attachments, full-text search and the public status behind a tracking code.
//!
//! A report belongs to its village: `region_code` is a desa/kelurahan code and the scope columns
//! `kab_code` and `prov_code` are copied from it. Reporter contacts and people's phones and NIKs
//! are masked unless the actor may see them *and* asks to (`reveal`); every such view is
//! written to the audit log.
//!
//! The types, shared queries and helpers are here; the work is split by what a user does:
//! `create` (intake), `list` (queue, lists, search), `detail` (a report's page and its
//! linked reports) and `triage` (indicators, assignment, status, merging, added information).
//! The input is read and checked by `benteng_app::reports`; the functions here take the
//! checked values.

use crate::audit::{self, Event};
use crate::outbox::{self, Notice};
use crate::sql::{kab_and_prov, Filter};
use crate::storage::{new_key, BlobStore, CleanFile};
use crate::{Backend, Ctx, Error, Page, Result};
use benteng_domain::phone::mask_phone;
use benteng_domain::report::{
    name_key, name_key_links, priority, tracking_code, Category, PersonRole, Priority,
    PriorityInput, PriorityReason, ReportStatus, Source, TRACKING_CODE_LEN,
};
use benteng_domain::values::format_date;
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel, Role, Scope};
use serde::Serialize;

mod create;
mod detail;
pub(crate) mod group;
mod list;
mod triage;

pub use list::{AssignedFilter, ReportFilter, ReportSearch, StatusFilter};
pub use triage::{Merge, MergeTarget, StatusChange};

/// At most this many files per submission (the people's limit is the form's, in
/// `benteng_app::reports`).
pub const MAX_FILES: usize = 5;

/// A row of the queue.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub source: String,
    pub priority: i64,
    pub region_code: String,
    pub village_name: String,
    pub description: String,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub created_at: i64,
}

impl ReportRow {
    /// The first words of the description, for lists.
    pub fn summary(&self) -> String {
        let mut s: String = self.description.chars().take(140).collect();
        if self.description.chars().count() > 140 {
            s.push('…');
        }
        s
    }

    pub fn level(&self) -> &'static str {
        Priority::level(self.priority)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub source: String,
    pub region_code: String,
    pub village_name: String,
    pub kecamatan_name: String,
    pub kab_code: String,
    pub kab_name: String,
    pub description: String,
    pub places: Option<String>,
    pub destination_country: Option<String>,
    pub incident_date: Option<String>,
    pub departure_soon: i64,
    pub anonymous: i64,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_user_id: Option<i64>,
    pub reporter_user_name: Option<String>,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub indicators: String,
    pub priority: i64,
    pub priority_reasons: String,
    /// The part of `priority` that linked reports make (migration 0026); a village's users
    /// see the priority without it.
    #[serde(skip)]
    pub priority_linked: i64,
    pub merged_into: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: i64,
    pub role: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub sex: Option<String>,
    pub minor: i64,
    pub village: Option<String>,
    pub note: Option<String>,
    /// The folded name ([`name_key`]) that links reports; internal.
    #[serde(skip)]
    pub name_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportEvent {
    pub id: i64,
    pub at: i64,
    pub user_name: Option<String>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: i64,
    pub report_id: i64,
    pub content_type: String,
    pub size: i64,
    pub file_name: String,
    pub created_at: i64,
    #[serde(skip)]
    pub storage_key: String,
}

/// Another report that shares something with this one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedReport {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub created_at: i64,
    /// Why it is linked: `phone`, `name` or `recruiter` (a suspected recruiter in both).
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDetail {
    pub report: Report,
    /// Where the report came from (a room message, a WhatsApp message), for the page's link.
    #[serde(skip)]
    pub origin: Option<crate::rooms::links::Origin>,
    pub people: Vec<Person>,
    pub events: Vec<ReportEvent>,
    pub attachments: Vec<Attachment>,
    pub linked: Vec<LinkedReport>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reasons: Vec<PriorityReason>,
    pub indicators: Vec<String>,
    /// False when reporter contacts, phones and NIKs were masked for this view.
    pub unmasked: bool,
    pub case_id: Option<i64>,
    /// For the page's forms ([`crate::reports::Repo::get_report_page`]; empty elsewhere and when the actor may
    /// not use them): officers who may be assigned the report (petugas whose office's area
    /// covers it), by name.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub officers: Vec<(i64, String)>,
    /// Agencies the report may be referred to (active, their region covering the report):
    /// id, name, kind.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub agencies: Vec<(i64, String, String)>,
    /// The report's referrals for its page ([`crate::reports::Repo::get_report_page`], for the roles that see
    /// referrals on it: not partner agencies, who see their own in their inbox), pending first
    /// by due date, then the newest; all of them (a report has a handful).
    #[serde(skip)]
    pub referrals: Vec<crate::referrals::ReferralRow>,
}

/// What a resident sees behind their tracking code.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReport {
    pub tracking_code: String,
    pub category: String,
    /// diterima, diproses or selesai.
    pub status: String,
    pub created_at: i64,
    /// (when, public status) each time the public status changed.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub history: Vec<(i64, String)>,
}

/// Where a report lies and its status, read for a use case ([`crate::reports::Repo::report_access`]).
#[derive(Debug, Clone)]
pub struct ReportAccess {
    pub place: RegionCode,
    pub status: ReportStatus,
}

/// A view of a record's personal data ([`crate::reports::Repo::reveal_or_mask`]): which record, where, and the
/// fields a reveal shows (named in the audit entry).
pub(crate) struct SensitiveView<'a> {
    pub entity: &'static str,
    pub id: i64,
    pub place: &'a RegionCode,
    /// `reporter,people.phone,people.nik`, …
    pub fields: &'static str,
}

const REPORT_COLUMNS: &str = "r.id, r.tracking_code, r.category, r.status, r.source, r.region_code, \
    COALESCE(v.name, '') AS village_name, COALESCE(kc.name, '') AS kecamatan_name, r.kab_code, COALESCE(kb.name, '') AS kab_name, \
    r.description, r.places, r.destination_country, r.incident_date, r.departure_soon, r.anonymous, r.reporter_name, r.reporter_phone, \
    r.reporter_user_id, ru.full_name AS reporter_user_name, r.assigned_to, au.full_name AS assigned_name, r.indicators, r.priority, \
    r.priority_reasons, r.priority_linked, r.merged_into, r.created_at, r.updated_at";
const REPORT_JOINS: &str = "FROM reports r LEFT JOIN regions v ON v.code = r.region_code LEFT JOIN regions kc ON kc.code = v.parent_code \
    LEFT JOIN regions kb ON kb.code = r.kab_code LEFT JOIN users ru ON ru.id = r.reporter_user_id LEFT JOIN users au ON au.id = r.assigned_to";

pub(crate) use benteng_domain::intake::{NewPerson, NewReport};

pub use benteng_domain::nik::mask_nik;

impl crate::reports::Repo<'_> {
    /// A report's place, after checking the actor may do `action` there.
    pub(crate) async fn report_place(
        &self,
        ctx: &Ctx,
        id: i64,
        action: Action,
    ) -> Result<(RegionCode, ReportStatus)> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT region_code, status FROM reports WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?;
        let (code, status) = row.ok_or(Error::NotFound)?;
        let code = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        // A report outside the scope does not exist for this actor.
        if !ctx.allows(Action::ReportView, Some(&code)) && !ctx.allows(action, Some(&code)) {
            return Err(Error::NotFound);
        }
        ctx.require(action, Some(&code))?;
        let status = ReportStatus::parse(&status).map_err(|_| Error::NotFound)?;
        Ok((code, status))
    }

    /// A report's place and status, after checking the actor may do `action` there (a report
    /// outside the scope is not found). The use cases read it before the input, so that a
    /// report the actor may not touch answers 404 or 403 before any field error, and decide
    /// the rules that need the report's state on it; the write checks the actor again.
    pub async fn report_access(&self, ctx: &Ctx, id: i64, action: Action) -> Result<ReportAccess> {
        let (place, status) = self.report_place(ctx, id, action).await?;
        Ok(ReportAccess { place, status })
    }

    pub(crate) async fn report_row(&self, id: i64) -> Result<Report> {
        sqlx::query_as::<_, Report>(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} {REPORT_JOINS} WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)
    }

    /// An attachment's bytes, for someone who may see the report (or a referral of it). Each
    /// download is a sensitive view in the audit log.
    pub async fn report_attachment(
        &self,
        ctx: &Ctx,
        report_id: i64,
        attachment_id: i64,
        store: &dyn BlobStore,
    ) -> Result<(Attachment, Vec<u8>)> {
        let place = match self.report_place(ctx, report_id, Action::ReportView).await {
            Ok((p, _)) => p,
            Err(Error::NotFound | Error::Forbidden) => {
                self.db
                    .referrals()
                    .referral_report_place(ctx, report_id)
                    .await?
            }
            Err(e) => return Err(e),
        };
        let a = sqlx::query_as::<_, Attachment>(
            "SELECT id, report_id, content_type, size, file_name, created_at, storage_key FROM report_attachments WHERE id = $1 AND report_id = $2",
        )
        .bind(attachment_id)
        .bind(report_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
        let bytes = store
            .get(&a.storage_key)
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("reading an upload failed: {e}")))?
            .ok_or(Error::NotFound)?;
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "view_sensitive",
                entity: "report",
                entity_id: Some(report_id.to_string()),
                region: Some(&place),
                sensitive: true,
                detail: Some(format!("attachment={attachment_id}")),
            },
        )
        .await?;
        Ok((a, bytes))
    }

    /// What a resident may see behind a tracking code (as read by `parse_tracking_code`):
    /// category, public status and when it changed. A merged report shows the status of the
    /// report it was merged into.
    pub async fn public_report(&self, code: String) -> Result<PublicReport> {
        let row: Option<(i64, String, String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT id, category, status, merged_into, created_at FROM reports WHERE tracking_code = $1",
        )
        .bind(code.clone())
        .fetch_optional(&self.db.pool)
        .await?;
        let (id, category, status, merged, created_at) = row.ok_or(Error::NotFound)?;
        let mut status = ReportStatus::parse(&status).map_err(|_| Error::NotFound)?;
        if let Some(t) = merged {
            let s: Option<String> = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
                .bind(t)
                .fetch_optional(&self.db.pool)
                .await?;
            if let Some(s) = s.and_then(|s| ReportStatus::parse(&s).ok()) {
                status = s;
            }
        }
        let events: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT at, to_status FROM report_events WHERE report_id = $1 AND to_status IS NOT NULL ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut history: Vec<(i64, String)> = Vec::new();
        for (at, to) in events {
            let Some(s) = to.and_then(|s| ReportStatus::parse(&s).ok()) else {
                continue;
            };
            let p = if s == ReportStatus::Digabung {
                status.public()
            } else {
                s.public()
            };
            if history.last().map(|(_, l)| l.as_str()) != Some(p.as_str()) {
                history.push((at, p.as_str().to_string()));
            }
        }
        Ok(PublicReport {
            tracking_code: code,
            category,
            status: status.public().as_str().to_string(),
            created_at,
            history,
        })
    }

    /// Personal data in full only when the actor asks to (`reveal`) and may (`allowed`), the
    /// view then written to the audit log as sensitive; otherwise hidden by `mask`. Returns
    /// whether it is shown (the view's `unmasked`). Reports, referrals and cases all show
    /// their people this way.
    pub(crate) async fn reveal_or_mask(
        &self,
        ctx: &Ctx,
        reveal: bool,
        allowed: bool,
        view: SensitiveView<'_>,
        mask: impl FnOnce(),
    ) -> Result<bool> {
        if !(reveal && allowed) {
            mask();
            return Ok(false);
        }
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "view_sensitive",
                entity: view.entity,
                entity_id: Some(view.id.to_string()),
                region: Some(view.place),
                sensitive: true,
                detail: Some(format!("fields={}", view.fields)),
            },
        )
        .await?;
        Ok(true)
    }

    /// Counts of open reports by status in the actor's scope, for the home page.
    pub async fn report_counts(&self, ctx: &Ctx) -> Result<Vec<(String, i64)>> {
        ctx.require(Action::ReportView, None)?;
        let mut f = Filter::default();
        f.scope(&ctx.actor.scope, "region_code", "kab_code", "prov_code");
        f.push(format!(
            "status IN ({})",
            crate::sql::open_report_statuses()
        ));
        Ok(f.query_as(format!(
            "SELECT status, COUNT(*) AS n FROM reports{} GROUP BY status ORDER BY status",
            f.where_sql()
        ))
        .fetch_all(&self.db.pool)
        .await?)
    }
}

/// Hide reporter contacts and people's phones and NIKs.
pub(crate) fn mask_report(report: &mut Report, people: &mut [Person]) {
    if report.reporter_name.is_some() {
        report.reporter_name = Some("•••".into());
    }
    report.reporter_phone = report.reporter_phone.as_deref().map(mask_phone);
    mask_people(people);
}

pub(crate) fn mask_people(people: &mut [Person]) {
    for p in people {
        p.phone = p.phone.as_deref().map(mask_phone);
        p.nik = p.nik.as_deref().map(mask_nik);
        if p.village.is_some() {
            p.village = Some("•••".into());
        }
    }
}

pub fn invalid(field: &'static str, code: &'static str) -> Error {
    Error::Invalid(FieldErrors(vec![benteng_domain::FieldError {
        field,
        code,
    }]))
}

pub(crate) async fn add_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report_id: i64,
    ctx: Option<&Ctx>,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    body: Option<String>,
) -> Result<()> {
    sqlx::query("INSERT INTO report_events (report_id, at, user_id, kind, from_status, to_status, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(report_id)
        .bind(crate::now())
        .bind(ctx.map(|c| c.actor.user_id))
        .bind(kind.to_string())
        .bind(from.map(str::to_string))
        .bind(to.map(str::to_string))
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Move a report to `to` as a side effect (a referral or a case opened), when allowed.
pub(crate) async fn advance_report(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ctx: &Ctx,
    id: i64,
    to: ReportStatus,
) -> Result<()> {
    let from: String = sqlx::query_scalar("SELECT status FROM reports WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if let Ok(from) = ReportStatus::parse(&from) {
        if from.can_move_to(to) {
            sqlx::query("UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(to.as_str())
                .bind(crate::now())
                .bind(id)
                .execute(&mut **tx)
                .await?;
            add_event(
                tx,
                id,
                Some(ctx),
                "status",
                Some(from.as_str()),
                Some(to.as_str()),
                None,
            )
            .await?;
            let place: String = sqlx::query_scalar("SELECT region_code FROM reports WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
            if let Ok(place) = RegionCode::parse(&place) {
                triage::report_status_hook(tx, id, &place, from.as_str(), to.as_str()).await?;
            }
        }
    }
    Ok(())
}

/// The reports repository, reached as `db.reports()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
