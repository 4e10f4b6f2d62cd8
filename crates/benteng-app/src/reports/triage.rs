//! Triage of a report: indicators and the priority, assignment, status, merging duplicates and
//! added information. Each use case reads the report's access first ([`benteng_db::reports::Repo::report_access`]),
//! so a report the actor may not touch answers 404 or 403 before any field error, then reads
//! the input (deciding a status change on the status just read) and writes; the write checks
//! the actor again and refuses a status changed meanwhile.

use benteng_db::reports::{invalid, Merge, MergeTarget, StatusChange};
use benteng_db::storage::{BlobStore, CleanFile};
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::report::{clean_indicators, parse_tracking_code, Priority, ReportStatus};
use benteng_domain::values::{optional_text, required_text};
use benteng_domain::{Action, FieldErrors};
use serde::Deserialize;

/// Changes an officer makes in triage.
// Named apart in the OpenAPI document: the calon PMI register has a `StatusInput` too, and
// one name for both documented the report and case status changes with the register's fields.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ReportStatusInput)]
pub struct StatusInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub status: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MergeInput {
    /// Tracking code or id of the report this one duplicates.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub into: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

/// Tick the trafficking indicators (the list replaces the previous one); answers the new
/// priority. An unknown code refuses the whole list.
pub async fn set_indicators(db: &Db, ctx: &Ctx, id: i64, codes: &[String]) -> Result<Priority> {
    db.reports()
        .report_access(ctx, id, Action::ReportTriage)
        .await?;
    let clean = clean_indicators(codes.iter().map(String::as_str));
    if clean.len() != codes.iter().filter(|c| !c.trim().is_empty()).count() {
        return Err(invalid("indicators", "err-invalid-choice"));
    }
    db.reports().set_indicators(ctx, id, &clean).await
}

/// Assign the report to an officer whose area covers it, or to nobody (the officer's
/// eligibility is the storage's check: it needs their account).
pub async fn assign(db: &Db, ctx: &Ctx, id: i64, user_id: Option<i64>) -> Result<()> {
    db.reports().assign_report(ctx, id, user_id).await
}

/// Move the report to another status with a note, as the state machine allows from the
/// status it has now.
pub async fn change_status(db: &Db, ctx: &Ctx, id: i64, i: &StatusInput) -> Result<()> {
    let access = db
        .reports()
        .report_access(ctx, id, Action::ReportTriage)
        .await?;
    let mut e = FieldErrors::new();
    let to = e.check("status", ReportStatus::parse(&i.status));
    let note = e.check("note", required_text(&i.note, 2000));
    if let Some(to) = to {
        if !access.status.can_move_to(to) {
            e.add("status", "err-status-transition");
        }
    }
    e.into_result()?;
    let (Some(to), Some(note)) = (to, note) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    let change = StatusChange {
        from: access.status,
        to,
        note,
    };
    db.reports().change_report_status(ctx, id, &change).await
}

/// Close the report as a duplicate of another (`into`: tracking code or id); answers the id
/// of the report it was merged into. Both reports' states are checked by the storage, where
/// they guard the write.
pub async fn merge(db: &Db, ctx: &Ctx, id: i64, i: &MergeInput) -> Result<i64> {
    db.reports()
        .report_access(ctx, id, Action::ReportTriage)
        .await?;
    let into = match parse_tracking_code(&i.into) {
        Ok(code) => Some(MergeTarget::Code(code)),
        Err(_) => i
            .into
            .trim()
            .trim_start_matches('#')
            .parse::<i64>()
            .ok()
            .map(MergeTarget::Id),
    };
    let note = optional_text(&i.note, 2000).map_err(|c| invalid("note", c))?;
    db.reports()
        .merge_report(ctx, id, &Merge { into, note })
        .await
}

/// Add information (and cleaned files) to a report: village users and officers.
pub async fn add_info(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    body: &str,
    files: &[CleanFile],
    store: &dyn BlobStore,
) -> Result<()> {
    db.reports()
        .report_access(ctx, id, Action::ReportAddInfo)
        .await?;
    let body = required_text(body, 5000).map_err(|c| invalid("body", c))?;
    db.reports()
        .add_report_info(ctx, id, body, files, store)
        .await
}
