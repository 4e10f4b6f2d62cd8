//! Stored monthly reports: who they are for, who reads them, and the reader a report is
//! counted for (the storage and its "once" rule: `benteng_db::figures::monthly`; the job that
//! makes them, with the PDF: `benteng_web::monthly_job`).

use benteng_db::{Ctx, Db, Page, Result};
use benteng_domain::{Actor, RegionCode, Role, Scope};

pub use benteng_db::figures::monthly::{Stored, Target, STALE_SECS};
pub use benteng_db::users::SYSTEM_USERNAME;

/// The reports `month` ("YYYY-MM", last day `last_day`) still lacks.
pub async fn targets(db: &Db, month: &str, last_day: time::Date) -> Result<Vec<Target>> {
    db.figures()
        .monthly_targets(month, &benteng_domain::values::format_date(last_day))
        .await
}

/// Claim a report for this worker: its row id, or `None` when it is made or being made.
pub async fn claim(db: &Db, t: &Target, month: &str) -> Result<Option<i64>> {
    db.figures().claim_monthly(t, month).await
}

/// Store a claimed report's PDF and its room announcement together.
pub async fn store(db: &Db, id: i64, t: &Target, pdf: &[u8], announce: &str) -> Result<()> {
    db.figures().store_monthly(id, t, pdf, announce).await
}

/// The ready reports the viewer may read, newest month first.
pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<Stored>> {
    db.figures().monthly_list(ctx, page).await
}

/// One ready report with its PDF, if the viewer may read it.
pub async fn pdf(db: &Db, ctx: &Ctx, id: i64) -> Result<Option<(Stored, Vec<u8>)>> {
    db.figures().monthly_pdf(ctx, id).await
}

/// The reader a report is counted for: an office's officer who may see every section
/// (PIMPASA and interviewer) with the office's working area on the month's last day, or the
/// province's Kanwil. `None` when the office has no area that day.
pub async fn reader(db: &Db, t: &Target, last_day: time::Date) -> Result<Option<Ctx>> {
    let system = db.users().system_user_id().await?;
    let actor = |role, office_id, scope, all: bool| Actor {
        user_id: system,
        username: SYSTEM_USERNAME.into(),
        role,
        pimpasa: all,
        pemeriksa: all,
        office_id,
        agency_id: None,
        scope,
    };
    let actor = match (t.kind, t.office_id, t.kanwil_id) {
        ("kantor", Some(office), _) => {
            let area = db.offices().office_area_on(office, last_day).await?;
            if area.is_empty() {
                return Ok(None);
            }
            actor(Role::Petugas, Some(office), Scope::Regencies(area), true)
        }
        ("provinsi", _, Some(kanwil)) => match RegionCode::parse(&t.province_code) {
            Ok(p) => actor(Role::Kanwil, Some(kanwil), Scope::Province(p), false),
            Err(_) => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(Ctx {
        actor,
        ip: None,
        request_id: Some("laporan-bulanan".into()),
        idempotency_key: None,
    }))
}
