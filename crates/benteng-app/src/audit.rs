//! The audit log as admins and kanwil read it: filtered, paged, newest first, inside the
//! reader's scope. Writing entries belongs to the storage (`benteng_db::audit`), beside the
//! change each one records.

use benteng_db::{Ctx, Db, Page, Result};

pub use benteng_db::audit::{AuditEntry, AuditQuery};

/// The audit log inside the actor's scope, newest first.
pub async fn list(db: &Db, ctx: &Ctx, q: &AuditQuery, per_page: i64) -> Result<Page<AuditEntry>> {
    db.audit().audit_list(ctx, q, per_page).await
}

/// An export downloaded as a password-protected archive (`entity`: what was exported, `file`:
/// the file inside). The export itself wrote its own entry with its count; this one records
/// that it left as an archive, flagged sensitive like every download of personal data.
pub async fn record_encrypted_export(db: &Db, ctx: &Ctx, entity: &str, file: &str) -> Result<()> {
    db.audit()
        .audit(
            Some(ctx),
            benteng_db::audit::Event {
                action: "export_encrypted",
                entity,
                sensitive: true,
                detail: Some(format!("file={file}")),
                ..Default::default()
            },
        )
        .await
}

/// An export made from the command line (`benteng export audit`): what and how many rows,
/// flagged sensitive like every export of the log.
pub async fn record_export(db: &Db, ctx: &Ctx, entity: &str, rows: usize) -> Result<()> {
    db.audit()
        .audit(
            Some(ctx),
            benteng_db::audit::Event {
                action: "export",
                entity,
                sensitive: true,
                detail: Some(format!("rows={rows}")),
                ..Default::default()
            },
        )
        .await
}

/// A `YYYY-MM-DD` date typed into a filter as the Unix time of its start in WIB.
pub fn day_start(s: &str) -> Option<i64> {
    let d = benteng_domain::values::date(s).ok()?;
    let wib = time::UtcOffset::from_hms(7, 0, 0).ok()?;
    Some(d.midnight().assume_offset(wib).unix_timestamp())
}
