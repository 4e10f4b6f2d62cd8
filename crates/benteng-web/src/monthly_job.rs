//! The monthly report job: after a month ends, the worker makes each office's and each
//! Kanwil province's report for it, stores the PDF (`/laporan-bulanan`) and announces it in
//! the office's or the province's room. It runs wherever the delivery worker runs (`serve`
//! with the worker on, or `benteng worker`), every ten minutes; the first pass of a month
//! makes last month's reports, later passes find nothing to do. Several workers make each
//! report once (`benteng_db::figures::monthly`, through `benteng_app::monthly_reports`).
//!
//! Decisions:
//! - The month is the one before today's (WIB). A worker that was down on the 1st makes the
//!   reports when it comes back, any day of the month; a month passed over entirely is not
//!   made later (the dashboard still makes any month's report on demand).
//! - Each report is counted as its readers would see it: an office's as an officer of that
//!   office who may see every section (PIMPASA and interviewer), a province's as its Kanwil;
//!   and since both go upward, people counts from 1 to 4 show as "< 5" in both.
//! - The announcement is in Bahasa Indonesia, like the report, and is posted by the system's
//!   own account ("Benteng (otomatis)", `benteng_app::monthly_reports::SYSTEM_USERNAME`).

use benteng_app::figures::FiguresQuery;
use benteng_app::monthly_reports as stored;
use benteng_app::Db;
use benteng_domain::figures::{wib_date, Period};
use benteng_i18n::Tr;
use std::time::Duration;

/// How often the worker looks for reports to make.
pub const EVERY: Duration = Duration::from_secs(600);

/// Make every report `month` still lacks; returns how many this worker made.
pub async fn make_month(db: &Db, month: &Period) -> anyhow::Result<usize> {
    let Some(key) = month.key() else {
        return Ok(0);
    };
    let last_day = month.last;
    let targets = stored::targets(db, &key, last_day).await?;
    let tr = Tr::new("id");
    let mut made = 0;
    for t in targets {
        let Some(id) = stored::claim(db, &t, &key).await? else {
            continue;
        };
        let Some(ctx) = stored::reader(db, &t, last_day).await? else {
            continue;
        };
        let q = FiguresQuery {
            periode: Some(key.clone()),
            ..Default::default()
        };
        let (_, pdf) = match crate::pages::dashboard::monthly_pdf(db, &ctx, &q, true).await {
            Ok(x) => x,
            Err(e) => {
                // The claim stays 'proses' and is taken over after the stale time.
                tracing::warn!(kind = t.kind, key = %t.ref_key(), month = %key, error = ?e, "making a monthly report failed");
                continue;
            }
        };
        let text = tr.t2(
            "monthly-announce",
            "month",
            tr.period(month),
            "name",
            t.name.clone(),
        ) + &format!(" /laporan-bulanan/{id}");
        stored::store(db, id, &t, &pdf, &text).await?;
        tracing::info!(kind = t.kind, key = %t.ref_key(), month = %key, bytes = pdf.len(), "monthly report made");
        made += 1;
    }
    Ok(made)
}

/// Make last month's reports (WIB calendar) if they are not made yet.
pub async fn run_once(db: &Db) -> anyhow::Result<usize> {
    let last = Period::month_of(wib_date(benteng_app::now())).previous();
    make_month(db, &last).await
}

/// Run the job every [`EVERY`] while the process runs.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reports = n, "monthly reports made"),
                Err(e) => tracing::warn!(error = %e, "the monthly report job failed"),
            }
        }
    });
}
