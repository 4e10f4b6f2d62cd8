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
//! HTCDS-aligned records and their CSV).

use crate::audit::{self, Event};
use crate::reports::{add_event, advance_report, invalid, mask_nik, parse_nik};
use crate::sql::Filter;
use crate::users::ticked;
use crate::{Ctx, Db, Error, Page, Result};
use benteng_domain::phone::mask_phone;
use benteng_domain::report::{
    CaseStatus, LegalStage, ReportStatus, TraffickingStatus, COUNTRIES, EXPLOITATION_TYPES,
    PERPETRATOR_ROLES, SERVICE_TYPES,
};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber, RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

mod detail;
mod export;
mod open;
mod people;
mod progress;

pub use export::cases_csv;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CaseService {
    pub id: i64,
    pub service_date: String,
    pub service_type: String,
    pub provider: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub case: Case,
    pub people: Vec<CasePerson>,
    pub services: Vec<CaseService>,
    pub unmasked: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CaseInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub trafficking_status: String,
    /// HTCDS vic_TraffickingStatusDecisionMakingOrg: Police, NGO, CourtOrProsecution, …
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub decision_org: String,
    /// HTCDS vic_TypeOfExploitation values.
    #[serde(default)]
    pub exploitation: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub destination_country: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub legal_stage: String,
    /// Police report or court case number.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub legal_reference: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub outcome: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CasePersonInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub sex: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub birth_date: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub role_in_process: String,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub consent: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ServiceInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub service_date: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub service_type: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub provider: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CaseStatusInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    /// Required when closing.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CaseQuery {
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub status: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

pub const DECISION_ORGS: &[&str] = &[
    "Police",
    "CourtOrProsecution",
    "NGO",
    "NonPoliceGovernmentalOrganization",
    "Other",
];

const CASE_SELECT: &str = "SELECT c.id, c.case_number, c.report_id, r.tracking_code, r.category, c.status, c.region_code, COALESCE(v.name, '') AS village_name, \
    c.kab_code, u.full_name AS owner_name, c.trafficking_status, c.decision_org, c.exploitation, c.destination_country, c.legal_stage, \
    c.legal_reference, c.outcome, c.closure_reason, c.opened_at, c.closed_at, c.updated_at \
    FROM cases c JOIN reports r ON r.id = c.report_id LEFT JOIN regions v ON v.code = c.region_code LEFT JOIN users u ON u.id = c.owner_id";

impl Db {
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
                .fetch_optional(&self.pool)
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

    async fn case_people(&self, id: i64) -> Result<Vec<CasePerson>> {
        Ok(sqlx::query_as::<_, CasePerson>("SELECT id, kind, name, nik, sex, birth_date, phone, role_in_process, consent, note FROM case_people WHERE case_id = $1 ORDER BY kind, id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?)
    }
}
