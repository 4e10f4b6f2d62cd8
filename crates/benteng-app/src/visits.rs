//! Village visits (*kunjungan*) by PIMPASA officers: the visit form read into a checked
//! [`NewVisit`], and the lists of visits. The storage (`benteng_db::visits`) keeps the SQL,
//! the policy check on the village and the audit log.

use benteng_db::visits::NewVisit;
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::values::{date, optional_count, optional_text, required_text};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

pub use benteng_db::visits::Visit;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub visit_date: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub departures_seen: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub returns_seen: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub foreigners_staying: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub findings: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub problems: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub follow_up: String,
}

/// Record a visit to a desa binaan (PIMPASA officers and admins).
pub async fn record(db: &Db, ctx: &Ctx, desa_binaan_id: i64, i: &VisitInput) -> Result<i64> {
    db.desa_binaan()
        .desa_binaan_place(ctx, desa_binaan_id, Action::VisitRecord)
        .await?;
    let mut e = FieldErrors::new();
    let d = e.check("visit_date", date(&i.visit_date));
    if d.is_some_and(|d| d > benteng_db::today()) {
        e.add("visit_date", "err-date-future");
    }
    let departures_seen = e
        .check(
            "departures_seen",
            optional_count(&i.departures_seen, 100_000),
        )
        .flatten();
    let returns_seen = e
        .check("returns_seen", optional_count(&i.returns_seen, 100_000))
        .flatten();
    let foreigners_staying = e
        .check(
            "foreigners_staying",
            optional_count(&i.foreigners_staying, 100_000),
        )
        .flatten();
    let findings = e.check("findings", required_text(&i.findings, 4000));
    let problems = e
        .check("problems", optional_text(&i.problems, 4000))
        .flatten();
    let follow_up = e
        .check("follow_up", optional_text(&i.follow_up, 4000))
        .flatten();
    e.into_result()?;
    let (Some(visit_date), Some(findings)) = (d, findings) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    let v = NewVisit {
        visit_date,
        departures_seen,
        returns_seen,
        foreigners_staying,
        findings,
        problems,
        follow_up,
    };
    db.visits().record_visit(ctx, desa_binaan_id, &v).await
}

/// Visits of one village, newest first.
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    desa_binaan_id: i64,
    page: Option<i64>,
    per_page: i64,
) -> Result<Page<Visit>> {
    db.visits()
        .list_visits(ctx, desa_binaan_id, page, per_page)
        .await
}

/// The latest visits anywhere in the actor's scope (the home page).
pub async fn recent(db: &Db, ctx: &Ctx, limit: i64) -> Result<Vec<Visit>> {
    db.visits().recent_visits(ctx, limit).await
}
