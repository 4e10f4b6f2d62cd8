//! Cases: a report confirmed as (possible) trafficking becomes a case with victims, suspects,
//! services given, the legal process, outcome and closure; exported in an HTCDS-aligned JSON
//! and CSV, with our `tppo_` fields where HTCDS has no slot, optionally anonymised.
//!
//! A case belongs to the village of its report and is seen in the same scope. NIKs, phones
//! and birth dates of the people in a case are masked unless the actor may see them *and*
//! asks to (`reveal`); every such view, and every export, is written to the audit log.
//!
//! The types, the case query and the access check are here; the work is split by what a user
//! does: `open` (opening a case from a report, the list of cases), `detail` (a case's page),
//! `people` (victims, suspects and services given), `progress` (the trafficking decision,
//! legal process and outcome, and follow-up, closing or reopening) and `export` (the
//! HTCDS-aligned records and their CSV). The input is read by `benteng_app::cases`.

use crate::audit::{self, Event};
use crate::reports::{add_event, advance_report, mask_nik, SensitiveView};
use crate::sql::Filter;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::phone::mask_phone;
use benteng_domain::report::{CaseStatus, LegalStage, ReportStatus, TraffickingStatus};
use benteng_domain::values::format_date;
use benteng_domain::{Action, RegionCode, RegionLevel};
use serde::Serialize;
use serde_json::{json, Value};

mod detail;
mod export;
mod open;
mod people;
mod progress;

pub use export::cases_csv;

/// One case in the export: an HTCDS-aligned JSON record.
pub type HtcdsRecord = Value;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    pub id: i64,
    pub case_number: String,
    pub report_id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub region_code: String,
    pub village_name: String,
    pub kab_code: String,
    pub owner_name: Option<String>,
    pub trafficking_status: String,
    pub decision_org: Option<String>,
    pub exploitation: String,
    pub destination_country: Option<String>,
    pub legal_stage: String,
    pub legal_reference: Option<String>,
    pub outcome: Option<String>,
    pub closure_reason: Option<String>,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePerson {
    pub id: i64,
    /// korban (victim) or tersangka (suspect).
    pub kind: String,
    pub name: String,
    pub nik: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub role_in_process: Option<String>,
    pub consent: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseService {
    pub id: i64,
    pub service_date: String,
    pub service_type: String,
    pub provider: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub case: Case,
    pub people: Vec<CasePerson>,
    pub services: Vec<CaseService>,
    pub unmasked: bool,
}

/// What a victim or a suspect is to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasePersonKind {
    Korban,
    Tersangka,
}

impl CasePersonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CasePersonKind::Korban => "korban",
            CasePersonKind::Tersangka => "tersangka",
        }
    }
}

/// The trafficking decision, exploitation, legal process and outcome, read and checked by
/// `benteng_app::cases::update` (codes from the HTCDS lists).
#[derive(Debug, Clone)]
pub struct CaseChanges {
    pub trafficking_status: TraffickingStatus,
    pub decision_org: Option<String>,
    pub exploitation: Vec<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub destination_country: Option<String>,
    pub legal_stage: LegalStage,
    pub legal_reference: Option<String>,
    pub outcome: Option<String>,
}

/// A victim or a suspect to add, read and checked by `benteng_app::cases::add_person`.
#[derive(Debug, Clone)]
pub struct NewCasePerson {
    pub kind: CasePersonKind,
    pub name: String,
    pub nik: Option<String>,
    /// L or P.
    pub sex: Option<String>,
    /// YYYY-MM-DD, not in the future.
    pub birth_date: Option<String>,
    /// Normalised.
    pub phone: Option<String>,
    /// An HTCDS per_RoleInProcess (suspects only).
    pub role_in_process: Option<String>,
    /// The victim agreed to the use of their data (victims only).
    pub consent: bool,
    pub note: Option<String>,
}

/// A service given to the victims, read and checked by `benteng_app::cases::add_service`.
#[derive(Debug, Clone)]
pub struct NewService {
    /// Not in the future.
    pub date: time::Date,
    /// One of `benteng_domain::report::SERVICE_TYPES`.
    pub service_type: String,
    pub provider: String,
    pub note: Option<String>,
}

/// A case's new status (the transition checked by the caller on [`crate::cases::Repo::case_access`]), with
/// the reason required to close it.
#[derive(Debug, Clone)]
pub struct CaseStatusChange {
    pub to: CaseStatus,
    pub reason: Option<String>,
}

/// The case list's filters, read by `benteng_app::cases::list`.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub page: Option<i64>,
}

/// Where a case lies, its status and its report ([`crate::cases::Repo::case_access`]).
#[derive(Debug, Clone)]
pub struct CaseAccess {
    pub place: RegionCode,
    pub status: CaseStatus,
    pub report_id: i64,
}

const CASE_SELECT: &str = "SELECT c.id, c.case_number, c.report_id, r.tracking_code, r.category, c.status, c.region_code, COALESCE(v.name, '') AS village_name, \
    c.kab_code, u.full_name AS owner_name, c.trafficking_status, c.decision_org, c.exploitation, c.destination_country, c.legal_stage, \
    c.legal_reference, c.outcome, c.closure_reason, c.opened_at, c.closed_at, c.updated_at \
    FROM cases c JOIN reports r ON r.id = c.report_id LEFT JOIN regions v ON v.code = c.region_code LEFT JOIN users u ON u.id = c.owner_id";

impl crate::cases::Repo<'_> {
    /// The case's village, status and report, after checking that the actor may see the case
    /// (404 otherwise) and may do `action` on it.
    async fn case_place(
        &self,
        ctx: &Ctx,
        id: i64,
        action: Action,
    ) -> Result<(RegionCode, CaseStatus, i64)> {
        let row: Option<(String, String, i64)> =
            sqlx::query_as("SELECT region_code, status, report_id FROM cases WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?;
        let (code, status, report) = row.ok_or(Error::NotFound)?;
        let code = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        if !ctx.allows(Action::CaseView, Some(&code)) {
            return Err(Error::NotFound);
        }
        ctx.require(action, Some(&code))?;
        Ok((
            code,
            CaseStatus::parse(&status).map_err(|_| Error::NotFound)?,
            report,
        ))
    }

    /// The case's place, status and report, after checking the actor may see it (404
    /// otherwise) and do `action` on it. The use cases read it before the input, so that a
    /// case the actor may not touch answers 404 or 403 before any field error; each write
    /// checks the actor again.
    pub async fn case_access(&self, ctx: &Ctx, id: i64, action: Action) -> Result<CaseAccess> {
        let (place, status, report_id) = self.case_place(ctx, id, action).await?;
        Ok(CaseAccess {
            place,
            status,
            report_id,
        })
    }

    async fn case_people(&self, id: i64) -> Result<Vec<CasePerson>> {
        Ok(sqlx::query_as::<_, CasePerson>("SELECT id, kind, name, nik, sex, birth_date, phone, role_in_process, consent, note FROM case_people WHERE case_id = $1 ORDER BY kind, id")
            .bind(id)
            .fetch_all(&self.db.pool)
            .await?)
    }
}

/// The cases repository, reached as `db.cases()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
