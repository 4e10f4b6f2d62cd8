//! The retention job (docs/privacy.md): once a day, records past their period are anonymised
//! or deleted by `benteng_db::retention`. `benteng retention --dry-run` shows what it would do.

use benteng_db::storage::BlobStore;
use benteng_db::{Db, Result};
use std::sync::Arc;

pub use benteng_db::retention::{KindRun, MARKER};
pub use benteng_domain::retention::{Kind, Retention};

/// The rate-limit key that lets one run a day through, whichever process asks.
const DAY_KEY: &str = "job:retention";
const DAY_MS: i64 = 24 * 3600 * 1000;

/// What a run now would do, per kind; changes nothing.
pub async fn plan(db: &Db, policy: &Retention) -> Result<Vec<KindRun>> {
    db.retention()
        .plan(policy, time::OffsetDateTime::now_utc())
        .await
}

/// Anonymise or delete what is past its period now; one audit entry per kind.
pub async fn apply(db: &Db, policy: &Retention, store: &dyn BlobStore) -> Result<Vec<KindRun>> {
    db.retention()
        .apply(policy, time::OffsetDateTime::now_utc(), store)
        .await
}

/// Run the job once a day while the process runs. Several processes may run this: the day's
/// run is taken through a limit kept in the database (one per 24 hours for all of them).
pub fn spawn_retention(db: Db, policy: Retention, store: Arc<dyn BlobStore>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match db.limits().take(DAY_KEY, 1, DAY_MS).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "retention: checking the day's run failed");
                    continue;
                }
            }
            match apply(&db, &policy, store.as_ref()).await {
                Ok(runs) => {
                    for r in runs.iter().filter(|r| r.records > 0) {
                        tracing::info!(
                            kind = r.kind.as_str(),
                            records = r.records,
                            files = r.files,
                            "retention applied"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "retention run failed"),
            }
        }
    });
}
