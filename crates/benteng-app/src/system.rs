//! The running system: health, delivery figures for the metrics, and what a server does once
//! at start.

use benteng_db::{Db, Result};

/// A cheap round trip to the database, for `/healthz`.
pub async fn ping(db: &Db) -> Result<()> {
    db.ping().await
}

/// The database's durability settings as a pooled connection sees them (one round trip), for
/// `/healthz`: whether an acknowledged commit survives a power loss.
pub async fn durability(db: &Db) -> Result<benteng_db::Durability> {
    db.durability().await
}

/// One small write in its own transaction (`/healthz`): `Ok` when commits reach the disk now.
pub async fn write_probe(db: &Db) -> Result<()> {
    db.write_probe().await
}

/// Free bytes on the volumes Benteng writes to: the SQLite database's folder (absent on
/// PostgreSQL) and the upload directory. `None` where it cannot be read.
pub fn disk_free(db: &Db, upload_dir: &std::path::Path) -> Vec<(&'static str, Option<u64>)> {
    let mut out = Vec::new();
    if let Some(dir) = db.data_dir() {
        out.push(("database", benteng_db::health::free_bytes(dir)));
    }
    out.push(("uploads", benteng_db::health::free_bytes(upload_dir)));
    out
}

/// Outbox rows by channel and state, for `/metrics`.
pub async fn delivery_counts(db: &Db) -> Result<Vec<(String, i64)>> {
    db.delivery().delivery_counts().await
}

/// Rooms for every desa binaan, office and province, with their default members (at start).
pub async fn sync_all_rooms(db: &Db) -> Result<()> {
    db.rooms()
        .sync_rooms(benteng_db::rooms::Sync::All)
        .await
        .map(|_| ())
}

/// The rule sets that follow the law, as configured (`rules_file`) or shipped.
pub fn rules(db: &Db) -> &benteng_domain::rules::RuleSet {
    db.rules()
}

/// Count one request for `key` against `allowance` per `period_ms`, shared by every instance
/// (`benteng_db::limits`). True when allowed. When the database cannot be asked the request is
/// let through with a warning: it will meet the same database at once, and refusing every
/// sign-in during a database hiccup would lock everyone out.
/// The installation's shared secret called `name` (see `benteng_db::sessions`), as bytes.
pub async fn server_secret(db: &Db, name: &str) -> Result<Vec<u8>> {
    let hex = db.sessions().server_secret(name).await?;
    Ok((0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect())
}

pub async fn take_allowance(db: &Db, key: &str, allowance: u32, period_ms: i64) -> bool {
    match db.limits().take(key, allowance, period_ms).await {
        Ok(allowed) => allowed,
        Err(e) => {
            tracing::warn!(error = %e, "rate limit not checked");
            true
        }
    }
}

/// Forget rate-limit keys whose allowance has refilled (housekeeping).
pub async fn forget_idle_limits(db: &Db) -> Result<u64> {
    db.limits().forget_idle().await
}
