//! Rate limits kept in the database, so that every instance behind a load balancer counts
//! against one allowance (login attempts per address and per username, public reports,
//! tracking look-ups, event check-ins). The generic cell rate algorithm (GCRA), one row per
//! key: `tat` is the time at which the key's allowance would be whole again plus one
//! interval. A request is allowed when, after adding one interval (period / N) to
//! `max(tat, now)`, it lies at most one period ahead of now: N requests may come at once,
//! then one more every interval. One statement decides and counts, atomically on both
//! databases (an upsert whose update is conditional, read back with `RETURNING`).

use crate::{Backend, Result};

impl crate::limits::Repo<'_> {
    /// Count one request for `key` against `allowance` requests per `period_ms`; false when
    /// the allowance is used up (nothing is counted then).
    pub async fn take(&self, key: &str, allowance: u32, period_ms: i64) -> Result<bool> {
        let n = i64::from(allowance.max(1));
        let interval = (period_ms / n).max(1);
        let now = now_ms();
        let later = match self.db.backend {
            Backend::Sqlite => "MAX(rate_limits.tat, $2)",
            Backend::Postgres => "GREATEST(rate_limits.tat, $2)",
        };
        let sql = format!(
            "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3) \
             ON CONFLICT (key) DO UPDATE SET tat = {later} + $3 \
             WHERE {later} + $3 - $2 <= $4 RETURNING tat"
        );
        let row: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(key.chars().take(200).collect::<String>())
            .bind(now)
            .bind(interval)
            .bind(interval * n)
            .fetch_optional(&self.db.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Forget keys whose allowance has fully refilled (housekeeping).
    pub async fn forget_idle(&self) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
            .bind(now_ms())
            .execute(&self.db.pool)
            .await?
            .rows_affected())
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The rate-limit repository, reached as `db.limits()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
