//! The audit log as admins and kanwil read it: filtered, paged, newest first, inside the
//! reader's scope. Writing entries belongs to the storage (`benteng_db::audit`), beside the
//! change each one records.

use benteng_db::{Ctx, Db, Page, Result};

pub use benteng_db::audit::{AuditEntry, AuditQuery};

/// The audit log inside the actor's scope, newest first.
pub async fn list(db: &Db, ctx: &Ctx, q: &AuditQuery, per_page: i64) -> Result<Page<AuditEntry>> {
    db.audit().audit_list(ctx, q, per_page).await
}

/// A `YYYY-MM-DD` date typed into a filter as the Unix time of its start in WIB.
pub fn day_start(s: &str) -> Option<i64> {
    let d = benteng_domain::values::date(s).ok()?;
    let wib = time::UtcOffset::from_hms(7, 0, 0).ok()?;
    Some(d.midnight().assume_offset(wib).unix_timestamp())
}
