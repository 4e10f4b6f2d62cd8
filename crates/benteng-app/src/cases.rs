//! Cases: opening one from a report, the list, a case's page, its trafficking decision and
//! legal process, its victims, suspects and services, its status, and the HTCDS export. Each
//! write on a case reads its access first ([`benteng_db::cases::Repo::case_access`]), so a case the actor may not
//! touch answers 404 or 403 before any field error, then reads the input and writes; the
//! write checks the actor again.

pub use benteng_db::cases::{cases_csv, Case, CaseDetail, CasePerson, CaseService, HtcdsRecord};

use crate::de::ticked;
use crate::invalid;
use crate::reports::parse_nik;
use benteng_db::cases::{
    CaseChanges, CaseFilter, CasePersonKind, CaseStatusChange, NewCasePerson, NewService,
};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::report::{
    CaseStatus, LegalStage, ReportStatus, TraffickingStatus, COUNTRIES, EXPLOITATION_TYPES,
    PERPETRATOR_ROLES, SERVICE_TYPES,
};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber};
use serde::Deserialize;

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

/// HTCDS vic_TraffickingStatusDecisionMakingOrg values a case may name.
pub const DECISION_ORGS: &[&str] = &[
    "Police",
    "CourtOrProsecution",
    "NGO",
    "NonPoliceGovernmentalOrganization",
    "Other",
];

/// Open a case from a report (`dugaan`, `terbukti` or `bukan`); its victims and named
/// recruiters become the case's people. A merged report is refused (decided on the report's
/// status read first); a report with a case already answers a conflict.
pub async fn open(db: &Db, ctx: &Ctx, report_id: i64, trafficking_status: &str) -> Result<i64> {
    let access = db
        .reports()
        .report_access(ctx, report_id, Action::CaseManage)
        .await?;
    if access.status == ReportStatus::Digabung {
        return Err(invalid("trafficking_status", "err-report-merged"));
    }
    let ts = TraffickingStatus::parse(trafficking_status)
        .map_err(|c| invalid("trafficking_status", c))?;
    db.cases().open_case(ctx, report_id, ts).await
}

/// Cases in the actor's scope, newest first.
pub async fn list(db: &Db, ctx: &Ctx, q: &CaseQuery, per_page: i64) -> Result<Page<Case>> {
    // Refused before the filter is read, as the storage would.
    ctx.require(Action::CaseView, None)?;
    let status = match q.status.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(CaseStatus::parse(s).map_err(|c| invalid("status", c))?),
    };
    let f = CaseFilter {
        status,
        page: q.page,
    };
    db.cases().list_cases(ctx, &f, per_page).await
}

/// One case with its people and services; NIKs, phones and birth dates in full only with
/// `reveal` and for roles that may (an audited view).
pub async fn show(db: &Db, ctx: &Ctx, id: i64, reveal: bool) -> Result<CaseDetail> {
    db.cases().get_case(ctx, id, reveal).await
}

/// Update the trafficking decision, exploitation, legal process and outcome.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &CaseInput) -> Result<()> {
    db.cases().case_access(ctx, id, Action::CaseManage).await?;
    let mut e = FieldErrors::new();
    let ts = e.check(
        "trafficking_status",
        TraffickingStatus::parse(&i.trafficking_status),
    );
    let decision_org = match i.decision_org.trim() {
        "" => None,
        d if DECISION_ORGS.contains(&d) => Some(d.to_string()),
        _ => {
            e.add("decision_org", "err-invalid-choice");
            None
        }
    };
    let exploitation: Vec<String> = i
        .exploitation
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if exploitation
        .iter()
        .any(|x| !EXPLOITATION_TYPES.contains(&x.as_str()))
    {
        e.add("exploitation", "err-invalid-choice");
    }
    let country = i.destination_country.trim().to_uppercase();
    if !country.is_empty() && !COUNTRIES.contains(&country.as_str()) {
        e.add("destination_country", "err-invalid-choice");
    }
    let stage = e.check("legal_stage", LegalStage::parse(&i.legal_stage));
    let legal_reference = e
        .check("legal_reference", optional_text(&i.legal_reference, 120))
        .flatten();
    let outcome = e
        .check("outcome", optional_text(&i.outcome, 2000))
        .flatten();
    e.into_result()?;
    let (Some(trafficking_status), Some(legal_stage)) = (ts, stage) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    let c = CaseChanges {
        trafficking_status,
        decision_org,
        exploitation,
        destination_country: (!country.is_empty()).then_some(country),
        legal_stage,
        legal_reference,
        outcome,
    };
    db.cases().update_case(ctx, id, &c).await
}

/// Add a victim (`korban`) or suspect (`tersangka`); answers the person's id.
pub async fn add_person(db: &Db, ctx: &Ctx, id: i64, i: &CasePersonInput) -> Result<i64> {
    db.cases().case_access(ctx, id, Action::CaseManage).await?;
    let mut e = FieldErrors::new();
    let kind = match i.kind.trim() {
        "korban" => Some(CasePersonKind::Korban),
        "tersangka" => Some(CasePersonKind::Tersangka),
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
    let birth_date = if i.birth_date.trim().is_empty() {
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
    let role_in_process = match i.role_in_process.trim() {
        "" => None,
        r if PERPETRATOR_ROLES.contains(&r) && kind == Some(CasePersonKind::Tersangka) => {
            Some(r.to_string())
        }
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
    let p = NewCasePerson {
        kind,
        name,
        nik,
        sex,
        birth_date,
        phone,
        role_in_process,
        // Consent is the victim's to give.
        consent: kind == CasePersonKind::Korban && ticked(&i.consent),
        note,
    };
    db.cases().add_case_person(ctx, id, &p).await
}

/// Record a service given to the victims; answers the service's id.
pub async fn add_service(db: &Db, ctx: &Ctx, id: i64, i: &ServiceInput) -> Result<i64> {
    db.cases().case_access(ctx, id, Action::CaseManage).await?;
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
    let (Some(date), Some(provider)) = (d, provider) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    let s = NewService {
        date,
        service_type: t.to_string(),
        provider,
        note,
    };
    db.cases().add_case_service(ctx, id, &s).await
}

/// Close (with a reason), put on follow-up, or reopen the case, as the state machine allows
/// from the status it has now. Closing a case closes its report when the report's state
/// allows.
pub async fn set_status(db: &Db, ctx: &Ctx, id: i64, i: &CaseStatusInput) -> Result<()> {
    let access = db.cases().case_access(ctx, id, Action::CaseManage).await?;
    let to = CaseStatus::parse(&i.status).map_err(|c| invalid("status", c))?;
    if !access.status.can_move_to(to) {
        return Err(invalid("status", "err-status-transition"));
    }
    let reason = optional_text(&i.reason, 1000).map_err(|c| invalid("reason", c))?;
    if to.is_closed() && reason.is_none() {
        return Err(invalid("reason", "err-reason-required"));
    }
    db.cases()
        .set_case_status(ctx, id, &CaseStatusChange { to, reason })
        .await
}

/// The cases in the actor's scope as HTCDS-aligned records (anonymised when asked, and always
/// for those who may not see personal data); every export is audited. [`cases_csv`] turns them
/// into CSV.
pub async fn export(db: &Db, ctx: &Ctx, anonymised: bool) -> Result<Vec<HtcdsRecord>> {
    db.cases().export_cases(ctx, anonymised).await
}
