//! Cases: a report confirmed as (possible) trafficking becomes a case with victims, suspects,
//! services given, the legal process, outcome and closure; exported in an HTCDS-aligned JSON
//! and CSV, with our `tppo_` fields where HTCDS has no slot, optionally anonymised.

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
    /// Open a case from a report; the report's victims and suspected recruiters (with names)
    /// become the case's victims and suspects.
    pub async fn open_case(
        &self,
        ctx: &Ctx,
        report_id: i64,
        trafficking_status: &str,
    ) -> Result<i64> {
        let (place, status) = self
            .report_place(ctx, report_id, Action::CaseManage)
            .await?;
        if status == ReportStatus::Digabung {
            return Err(invalid("trafficking_status", "err-report-merged"));
        }
        let ts = TraffickingStatus::parse(trafficking_status)
            .map_err(|c| invalid("trafficking_status", c))?;
        let r = self.report_row(report_id).await?;
        let people = self.report_people(report_id).await?;
        let now = crate::now();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cases (case_number, report_id, status, region_code, kab_code, prov_code, office_id, owner_id, trafficking_status, \
             destination_country, legal_stage, opened_at, updated_at) \
             VALUES ($1, $2, 'aktif', $3, $4, $5, $6, $7, $8, $9, 'belum', $10, $10) RETURNING id",
        )
        .bind(format!("tmp-{report_id}"))
        .bind(report_id)
        .bind(r.region_code.clone())
        .bind(r.kab_code.clone())
        .bind(r.region_code[..2].to_string())
        .bind(ctx.actor.office_id)
        .bind(ctx.actor.user_id)
        .bind(ts.as_str())
        .bind(r.destination_country.clone())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::on_unique(e, "trafficking_status", "err-case-exists"))?;
        let number = format!("TPPO-{}-{id:05}", crate::today().year());
        sqlx::query("UPDATE cases SET case_number = $1 WHERE id = $2")
            .bind(number)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for p in people {
            let (kind, role) = match p.role.as_str() {
                "korban" => ("korban", None),
                "perekrut" => ("tersangka", Some("RecruiterOrIntermediary")),
                _ => continue,
            };
            let Some(name) = p.name else { continue };
            sqlx::query("INSERT INTO case_people (case_id, kind, name, nik, sex, phone, role_in_process, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id)
                .bind(kind)
                .bind(name)
                .bind(p.nik)
                .bind(p.sex)
                .bind(p.phone)
                .bind(role)
                .bind(p.note)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE referrals SET case_id = $1 WHERE report_id = $2")
            .bind(id)
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
        add_event(
            &mut tx,
            report_id,
            Some(ctx),
            "case",
            None,
            None,
            Some(format!("#{id}")),
        )
        .await?;
        advance_report(&mut tx, ctx, report_id, ReportStatus::Ditangani).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "open_case",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("report={report_id}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

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

    pub async fn list_cases(&self, ctx: &Ctx, q: &CaseQuery, per_page: i64) -> Result<Page<Case>> {
        ctx.require(Action::CaseView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "c.region_code",
            "c.kab_code",
            "c.prov_code",
        );
        if let Some(s) = q.status.as_deref().filter(|s| !s.trim().is_empty()) {
            let s = CaseStatus::parse(s).map_err(|c| invalid("status", c))?;
            let ph = f.text(s.as_str());
            f.push(format!("c.status = {ph}"));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM cases c{}", f.where_sql()))
            .fetch_one(&self.pool)
            .await?;
        let items = f
            .query_as::<Case>(format!("{CASE_SELECT}{} ORDER BY c.opened_at DESC, c.id DESC LIMIT {per_page} OFFSET {offset}", f.where_sql()))
            .fetch_all(&self.pool)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    pub async fn get_case(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<CaseDetail> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseView).await?;
        let case = sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(format!(
            "{CASE_SELECT} WHERE c.id = $1"
        )))
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let mut people = self.case_people(id).await?;
        let services = sqlx::query_as::<_, CaseService>("SELECT id, service_date, service_type, provider, note FROM case_services WHERE case_id = $1 ORDER BY service_date, id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let unmasked = reveal && ctx.allows(Action::ReportSensitiveView, Some(&place));
        if unmasked {
            audit::write(
                &self.pool,
                Some(ctx),
                Event {
                    action: "view_sensitive",
                    entity: "case",
                    entity_id: Some(id.to_string()),
                    region: Some(&place),
                    sensitive: true,
                    detail: Some("fields=people.nik,people.phone,people.birth_date".into()),
                },
            )
            .await?;
        } else {
            for p in &mut people {
                p.nik = p.nik.as_deref().map(mask_nik);
                p.phone = p.phone.as_deref().map(mask_phone);
                p.birth_date = p
                    .birth_date
                    .as_ref()
                    .map(|d| d[..4.min(d.len())].to_string());
            }
        }
        Ok(CaseDetail {
            case,
            people,
            services,
            unmasked,
        })
    }

    async fn case_people(&self, id: i64) -> Result<Vec<CasePerson>> {
        Ok(sqlx::query_as::<_, CasePerson>("SELECT id, kind, name, nik, sex, birth_date, phone, role_in_process, consent, note FROM case_people WHERE case_id = $1 ORDER BY kind, id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn update_case(&self, ctx: &Ctx, id: i64, i: &CaseInput) -> Result<()> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut e = FieldErrors::new();
        let ts = e.check(
            "trafficking_status",
            TraffickingStatus::parse(&i.trafficking_status),
        );
        let decision = match i.decision_org.trim() {
            "" => None,
            d if DECISION_ORGS.contains(&d) => Some(d.to_string()),
            _ => {
                e.add("decision_org", "err-invalid-choice");
                None
            }
        };
        let exploitation: Vec<&str> = i
            .exploitation
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if exploitation.iter().any(|x| !EXPLOITATION_TYPES.contains(x)) {
            e.add("exploitation", "err-invalid-choice");
        }
        let country = i.destination_country.trim().to_uppercase();
        if !country.is_empty() && !COUNTRIES.contains(&country.as_str()) {
            e.add("destination_country", "err-invalid-choice");
        }
        let stage = e.check("legal_stage", LegalStage::parse(&i.legal_stage));
        let reference = e
            .check("legal_reference", optional_text(&i.legal_reference, 120))
            .flatten();
        let outcome = e
            .check("outcome", optional_text(&i.outcome, 2000))
            .flatten();
        e.into_result()?;
        let (Some(ts), Some(stage)) = (ts, stage) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE cases SET trafficking_status = $1, decision_org = $2, exploitation = $3, destination_country = $4, legal_stage = $5, legal_reference = $6, outcome = $7, updated_at = $8 WHERE id = $9")
            .bind(ts.as_str())
            .bind(decision)
            .bind(exploitation.join(","))
            .bind((!country.is_empty()).then_some(country))
            .bind(stage.as_str())
            .bind(reference)
            .bind(outcome)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "update",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("legal_stage={}", stage.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_case_person(&self, ctx: &Ctx, id: i64, i: &CasePersonInput) -> Result<i64> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut e = FieldErrors::new();
        let kind = match i.kind.trim() {
            k @ ("korban" | "tersangka") => Some(k),
            "" => {
                e.add("kind", "err-required");
                None
            }
            _ => {
                e.add("kind", "err-invalid-choice");
                None
            }
        };
        let name = e.check("name", required_text(&i.name, 120));
        let nik = e.check("nik", parse_nik(&i.nik)).flatten();
        let sex = match i.sex.trim() {
            "" => None,
            s @ ("L" | "P") => Some(s.to_string()),
            _ => {
                e.add("sex", "err-invalid-choice");
                None
            }
        };
        let birth = if i.birth_date.trim().is_empty() {
            None
        } else {
            match date(&i.birth_date) {
                Ok(d) if d > crate::today() => {
                    e.add("birth_date", "err-date-future");
                    None
                }
                Ok(d) => Some(format_date(d)),
                Err(c) => {
                    e.add("birth_date", c);
                    None
                }
            }
        };
        let phone = if i.phone.trim().is_empty() {
            None
        } else {
            e.check("phone", PhoneNumber::parse(&i.phone))
                .map(|p| p.as_str().to_string())
        };
        let role = match i.role_in_process.trim() {
            "" => None,
            r if PERPETRATOR_ROLES.contains(&r) && kind == Some("tersangka") => Some(r.to_string()),
            _ => {
                e.add("role_in_process", "err-invalid-choice");
                None
            }
        };
        let note = e.check("note", optional_text(&i.note, 1000)).flatten();
        e.into_result()?;
        let (Some(kind), Some(name)) = (kind, name) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        let pid: i64 = sqlx::query_scalar("INSERT INTO case_people (case_id, kind, name, nik, sex, birth_date, phone, role_in_process, consent, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(id)
            .bind(kind)
            .bind(name)
            .bind(nik)
            .bind(sex)
            .bind(birth)
            .bind(phone)
            .bind(role)
            .bind((kind == "korban" && ticked(&i.consent)) as i64)
            .bind(note)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_person",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("kind={kind}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(pid)
    }

    pub async fn add_case_service(&self, ctx: &Ctx, id: i64, i: &ServiceInput) -> Result<i64> {
        let (place, _, _) = self.case_place(ctx, id, Action::CaseManage).await?;
        let mut e = FieldErrors::new();
        let d = e.check("service_date", date(&i.service_date));
        if d.is_some_and(|d| d > crate::today()) {
            e.add("service_date", "err-date-future");
        }
        let t = i.service_type.trim();
        if !SERVICE_TYPES.contains(&t) {
            e.add(
                "service_type",
                if t.is_empty() {
                    "err-required"
                } else {
                    "err-invalid-choice"
                },
            );
        }
        let provider = e.check("provider", required_text(&i.provider, 200));
        let note = e.check("note", optional_text(&i.note, 1000)).flatten();
        e.into_result()?;
        let (Some(d), Some(provider)) = (d, provider) else {
            return Err(Error::Invalid(FieldErrors::new()));
        };
        let mut tx = self.begin().await?;
        let sid: i64 = sqlx::query_scalar("INSERT INTO case_services (case_id, service_date, service_type, provider, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(id)
            .bind(format_date(d))
            .bind(t.to_string())
            .bind(provider)
            .bind(note)
            .bind(ctx.actor.user_id)
            .bind(crate::now())
            .fetch_one(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "add_service",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(sid)
    }

    /// Close (with a reason), put on follow-up, or reopen a case. Closing a case closes its
    /// report when the report's state allows.
    pub async fn set_case_status(&self, ctx: &Ctx, id: i64, i: &CaseStatusInput) -> Result<()> {
        let (place, from, report_id) = self.case_place(ctx, id, Action::CaseManage).await?;
        let to = CaseStatus::parse(&i.status).map_err(|c| invalid("status", c))?;
        if !from.can_move_to(to) {
            return Err(invalid("status", "err-status-transition"));
        }
        let reason = optional_text(&i.reason, 1000).map_err(|c| invalid("reason", c))?;
        if to.is_closed() && reason.is_none() {
            return Err(invalid("reason", "err-reason-required"));
        }
        let now = crate::now();
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE cases SET status = $1, closure_reason = $2, closed_at = $3, updated_at = $4 WHERE id = $5")
            .bind(to.as_str())
            .bind(if to.is_closed() { reason } else { None })
            .bind(if to.is_closed() { Some(now) } else { None })
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if to.is_closed() {
            advance_report(&mut tx, ctx, report_id, ReportStatus::Selesai).await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "case_status",
                entity: "case",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                detail: Some(format!("{}->{}", from.as_str(), to.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cases in the actor's scope as HTCDS-aligned records. With `anonymised`, names, NIKs,
    /// phones and birth dates are removed (an age band at opening stays) and places are cut to
    /// the kabupaten/kota. Every export is audited; a non-anonymised one as a sensitive view.
    pub async fn export_cases(&self, ctx: &Ctx, anonymised: bool) -> Result<Vec<Value>> {
        ctx.require(Action::CaseExport, None)?;
        // Who sees personal data masked on every page gets the anonymised export only (the
        // Kanwil); names, NIKs and phones leave the system only with someone allowed to
        // reveal them.
        let anonymised = anonymised || !ctx.allows(Action::ReportSensitiveView, None);
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "c.region_code",
            "c.kab_code",
            "c.prov_code",
        );
        let cases = f
            .query_as::<Case>(format!(
                "{CASE_SELECT}{} ORDER BY c.id LIMIT 50000",
                f.where_sql()
            ))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(cases.len());
        for c in &cases {
            let people = self.case_people(c.id).await?;
            let services: Vec<CaseService> = sqlx::query_as("SELECT id, service_date, service_type, provider, note FROM case_services WHERE case_id = $1 ORDER BY id")
                .bind(c.id)
                .fetch_all(&self.pool)
                .await?;
            let referrals: Vec<(String, String, i64, String, String)> = sqlx::query_as(
                "SELECT g.name, g.kind, f.created_at, f.purpose, f.status FROM referrals f JOIN agencies g ON g.id = f.agency_id WHERE f.report_id = $1 ORDER BY f.id",
            )
            .bind(c.report_id)
            .fetch_all(&self.pool)
            .await?;
            out.push(htcds_record(c, &people, &services, &referrals, anonymised));
        }
        // The export is placed where the Kanwil of the exporter can read the entry: its
        // province, or the province of an officer's first regency.
        let place = match &ctx.actor.scope {
            benteng_domain::Scope::Province(p) => Some(p.clone()),
            benteng_domain::Scope::Regencies(list) => list
                .first()
                .and_then(|r| r.ancestor(benteng_domain::RegionLevel::Provinsi)),
            _ => None,
        };
        audit::write(
            &self.pool,
            Some(ctx),
            Event {
                action: "export",
                entity: "case",
                entity_id: None,
                region: place.as_ref(),
                sensitive: !anonymised,
                detail: Some(format!("count={} anonymised={anonymised}", out.len())),
            },
        )
        .await?;
        Ok(out)
    }
}

fn opened_date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| {
            format_date(
                t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
                    .date(),
            )
        })
        .unwrap_or_default()
}

/// The CTDC age bands, from a birth date at a given day.
fn age_band(birth: &str, on: &str) -> Option<&'static str> {
    let (by, bm, bd) = (
        birth.get(..4)?.parse::<i32>().ok()?,
        birth.get(5..7)?.parse::<i32>().ok()?,
        birth.get(8..10)?.parse::<i32>().ok()?,
    );
    let (y, m, d) = (
        on.get(..4)?.parse::<i32>().ok()?,
        on.get(5..7)?.parse::<i32>().ok()?,
        on.get(8..10)?.parse::<i32>().ok()?,
    );
    let age = y - by - i32::from((m, d) < (bm, bd));
    Some(match age {
        i32::MIN..=8 => "0--8",
        9..=17 => "9--17",
        18..=20 => "18--20",
        21..=23 => "21--23",
        24..=26 => "24--26",
        27..=29 => "27--29",
        30..=38 => "30--38",
        39..=47 => "39--47",
        _ => "48+",
    })
}

fn gender(sex: Option<&str>) -> &'static str {
    match sex {
        Some("P") => "Feminine",
        Some("L") => "Masculine",
        _ => "NonSpecifiedUnknown",
    }
}

fn org_type(kind: &str) -> &'static str {
    match kind {
        "polri" => "LawEnforcement",
        "bp3mi" => "CentralGovernmentOrganisation",
        _ => "LocalGovernmentOrganisation",
    }
}

/// Split a full name into HTCDS first and second name (Indonesian names often have one part).
fn split_name(name: &str) -> (String, String) {
    let mut parts = name.split_whitespace();
    let first = parts.next().unwrap_or("").to_string();
    (first, parts.collect::<Vec<_>>().join(" "))
}

fn htcds_record(
    c: &Case,
    people: &[CasePerson],
    services: &[CaseService],
    referrals: &[(String, String, i64, String, String)],
    anon: bool,
) -> Value {
    let opened = opened_date(c.opened_at);
    let kab = RegionCode::parse(&c.region_code)
        .ok()
        .and_then(|r| r.ancestor(RegionLevel::KabupatenKota))
        .map(|k| k.as_str().to_string())
        .unwrap_or_default();
    let exploitation: Vec<&str> = c
        .exploitation
        .split(',')
        .filter(|s| !s.is_empty())
        .collect();
    let ts = TraffickingStatus::parse(&c.trafficking_status)
        .map(|t| t.htcds())
        .unwrap_or("PossibleVictimOfTrafficking");
    let person = |p: &CasePerson| {
        let mut v = json!({
            "prs_Gender": gender(p.sex.as_deref()),
            "prs_Citizenship": ["ID"],
        });
        if anon {
            v["tppo_age_band_at_opening"] =
                json!(p.birth_date.as_deref().and_then(|b| age_band(b, &opened)));
        } else {
            let (first, second) = split_name(&p.name);
            v["prs_FirstName"] = json!(first);
            v["prs_SecondName"] = json!(second);
            v["prs_Birthdate"] = json!(p.birth_date);
            v["prs_IdentityNumber"] = json!(p.nik);
            v["prs_MobilePhone"] = json!(p.phone);
        }
        v
    };
    let victims: Vec<Value> = people
        .iter()
        .filter(|p| p.kind == "korban")
        .map(|p| {
            let mut v = person(p);
            v["vic_TraffickingStatus"] = json!(ts);
            v["vic_TraffickingStatusDecisionMakingOrg"] = json!(c.decision_org);
            v["vic_TypeOfExploitation"] = json!(exploitation);
            v["vic_LocationOfExploitation"] = json!(c.destination_country);
            v["con_Consent"] = json!(p.consent == 1);
            v
        })
        .collect();
    let perpetrators: Vec<Value> = people
        .iter()
        .filter(|p| p.kind == "tersangka")
        .map(|p| {
            let mut v = person(p);
            v["per_RoleInProcess"] = json!(p.role_in_process.as_deref().unwrap_or("Other"));
            v
        })
        .collect();
    let status = CaseStatus::parse(&c.status)
        .map(|s| s.htcds())
        .unwrap_or("Active");
    json!({
        "cas_Status": status,
        "cas_ReasonForCaseClosure": if anon { Value::Null } else { json!(c.closure_reason) },
        "cas_CaseOwner": if anon { Value::Null } else { json!(c.owner_name) },
        "cas_OutgoingReferrals": referrals.iter().map(|(name, kind, at, purpose, st)| json!({
            "cas_ReferredOrganisation": name,
            "org_Type": org_type(kind),
            "cas_OutgoingReferralDate": opened_date(*at),
            "cas_ReasonForOutgoingReferral": purpose,
            "tppo_referral_status": st,
        })).collect::<Vec<_>>(),
        "victims": victims,
        "perpetrators": perpetrators,
        "spl_SupportPlans": services.iter().map(|s| json!({
            "spl_Type": s.service_type,
            "spl_ActualEndDate": s.service_date,
            "tppo_provider": s.provider,
        })).collect::<Vec<_>>(),
        "hte_Events": [{
            "hte_Type": "Recruitment",
            "hte_Country": "ID",
            "hte_State": &c.region_code[..2.min(c.region_code.len())],
        }],
        "tppo_case_number": if anon { Value::Null } else { json!(c.case_number) },
        "tppo_report_category": c.category,
        "tppo_opened": opened,
        "tppo_legal_stage": c.legal_stage,
        "tppo_legal_reference": if anon { Value::Null } else { json!(c.legal_reference) },
        "tppo_outcome": if anon { Value::Null } else { json!(c.outcome) },
        "tppo_region_code": if anon { kab } else { c.region_code.clone() },
        "tppo_destination_country": c.destination_country,
    })
}

/// The export as CSV: one row per victim (a case without victims still gives one row).
pub fn cases_csv(records: &[Value]) -> Result<String> {
    let cols = [
        "tppo_case_number",
        "cas_Status",
        "cas_ReasonForCaseClosure",
        "tppo_report_category",
        "tppo_opened",
        "tppo_region_code",
        "tppo_destination_country",
        "tppo_legal_stage",
        "prs_FirstName",
        "prs_SecondName",
        "prs_Gender",
        "prs_Birthdate",
        "tppo_age_band_at_opening",
        "prs_IdentityNumber",
        "prs_MobilePhone",
        "vic_TraffickingStatus",
        "vic_TypeOfExploitation",
        "con_Consent",
        "perpetrator_count",
        "referral_count",
        "service_count",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cols).map_err(|e| Error::Other(e.into()))?;
    let text = |v: &Value| -> String {
        let s = match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            other => other.to_string(),
        };
        // A cell starting with = + - @ would be a formula in a spreadsheet.
        if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s
        }
    };
    for r in records {
        let victims = r["victims"].as_array().cloned().unwrap_or_default();
        let rows = if victims.is_empty() {
            vec![json!({})]
        } else {
            victims
        };
        for v in rows {
            let mut rec = Vec::new();
            for c in cols {
                let val = match c {
                    "perpetrator_count" => {
                        json!(r["perpetrators"].as_array().map_or(0, |a| a.len()))
                    }
                    "referral_count" => {
                        json!(r["cas_OutgoingReferrals"].as_array().map_or(0, |a| a.len()))
                    }
                    "service_count" => {
                        json!(r["spl_SupportPlans"].as_array().map_or(0, |a| a.len()))
                    }
                    c if c.starts_with("prs_")
                        || c.starts_with("vic_")
                        || c.starts_with("con_")
                        || c == "tppo_age_band_at_opening" =>
                    {
                        v.get(c).cloned().unwrap_or(Value::Null)
                    }
                    c => r.get(c).cloned().unwrap_or(Value::Null),
                };
                rec.push(text(&val));
            }
            w.write_record(&rec).map_err(|e| Error::Other(e.into()))?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Other(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_follow_ctdc() {
        assert_eq!(age_band("2010-06-01", "2026-05-31"), Some("9--17"));
        assert_eq!(age_band("2008-06-01", "2026-06-01"), Some("18--20"));
        assert_eq!(age_band("1970-01-01", "2026-01-01"), Some("48+"));
        assert_eq!(age_band("bad", "2026-01-01"), None);
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let r = json!({"tppo_case_number": "=HYPERLINK(1)", "victims": [{"prs_FirstName": "@x"}], "perpetrators": [], "cas_OutgoingReferrals": [], "spl_SupportPlans": []});
        let csv = cases_csv(&[r]).unwrap();
        assert!(csv.contains("'=HYPERLINK(1)"));
        assert!(csv.contains("'@x"));
    }
}
