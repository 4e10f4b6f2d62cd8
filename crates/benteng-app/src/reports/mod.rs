//! Early-warning reports: filing them (`intake`), the lists and the triage queue (`list`), a
//! report's page, its linked reports, attachments and public status (here), and triage
//! (`triage`: indicators, assignment, status, merging, added information). Reads are calls to
//! the storage, which checks the scope and audits every view of personal data.

mod intake;
mod list;
mod triage;

pub(crate) use intake::parse_nik;
pub use intake::{
    file, file_public, file_public_once, from_room_message, from_whatsapp, PersonInput, ReportInput,
};
pub use list::{list, ReportQuery};
pub use triage::{add_info, assign, change_status, merge, set_indicators, MergeInput, StatusInput};

pub use benteng_db::reports::{
    Attachment, LinkedReport, Person, PublicReport, Report, ReportDetail, ReportEvent, ReportRow,
    MAX_FILES,
};
/// Where a report came from (a room message, a WhatsApp message), for its page's link.
pub use benteng_db::rooms::links::Origin;

use crate::invalid;
use benteng_db::storage::BlobStore;
use benteng_db::{Ctx, Db, Result};
use benteng_domain::report::parse_tracking_code;

/// One report with its people, events, attachments and linked reports; contacts, phones and
/// NIKs in full only with `reveal` and for roles that may (an audited view).
pub async fn show(db: &Db, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReportDetail> {
    db.reports().get_report(ctx, id, reveal).await
}

/// [`show`] with what the report's page offers besides: the officers it may be assigned to,
/// the agencies it may be referred to and its referrals.
pub async fn page(db: &Db, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReportDetail> {
    db.reports().get_report_page(ctx, id, reveal).await
}

/// Other reports in the actor's scope sharing a phone number or a distinctive name with this
/// one (through the report itself, so a report outside the scope is not found).
pub async fn linked(db: &Db, ctx: &Ctx, id: i64) -> Result<Vec<LinkedReport>> {
    Ok(db.reports().get_report(ctx, id, false).await?.linked)
}

/// An attachment's bytes, for someone who may see the report or an accepted referral of it
/// (an audited view).
pub async fn attachment(
    db: &Db,
    ctx: &Ctx,
    report_id: i64,
    attachment_id: i64,
    store: &dyn BlobStore,
) -> Result<(Attachment, Vec<u8>)> {
    db.reports()
        .report_attachment(ctx, report_id, attachment_id, store)
        .await
}

/// A resident follows a report by its tracking code: category, public status and its history.
pub async fn track(db: &Db, code: &str) -> Result<PublicReport> {
    let code = parse_tracking_code(code).map_err(|c| invalid("kode", c))?;
    db.reports().public_report(code).await
}
