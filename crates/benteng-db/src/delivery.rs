//! Delivery of outbox rows outside the application (e-mail, WhatsApp, SMS): the queue side of
//! the coordination module's worker. Rows are written by the change they announce, in its own
//! transaction (see [`crate::outbox`]); a worker claims due rows, hands each to its channel and
//! records the outcome.
//!
//! Decisions:
//! - **Claiming.** A claim sets `status = 'sending'`, the worker's name and a lease end in one
//!   statement: on PostgreSQL the candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so
//!   several workers on several servers take disjoint rows without waiting on each other; on
//!   SQLite the statement is atomic because the database has one writer at a time.
//! - **Never twice, never lost.** A row leaves `sending` only through [`crate::delivery::Repo::finish_delivery`]
//!   by the worker that holds the claim. If a worker dies, its lease runs out and another takes
//!   the row over, so nothing is lost; the one case that can send twice is a worker that
//!   delivered but died before recording it, so channels pass the row id as an idempotency key
//!   where the provider accepts one. A worker whose lease ran out cannot overwrite the outcome
//!   of the worker that took over.
//! - **Retries.** A temporary failure is retried after 30 s, 1, 2, 4… minutes, at most
//!   [`MAX_ATTEMPTS`] attempts, then the row is `failed`. Every attempt is a row of
//!   `outbox_attempts` (worker, start, end, outcome, error).
//! - In-app rows (`channel = 'inapp'`) are read where they are and never claimed.

use crate::{Backend, Result};
use serde::Serialize;

/// Attempts before a row is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// A claimed row, as a channel needs it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub channel: String,
    pub link: String,
    pub subject: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// An address of its own (a reply to a resident); otherwise the recipient's.
    pub address: Option<String>,
    /// A text of its own (replies, digests); otherwise composed from kind and subject.
    pub body: Option<String>,
}

/// What a channel made of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A temporary problem (the provider is down, a timeout): try again later.
    Retry(String),
    /// A permanent one (no address for this channel, refused by the provider).
    Failed(String),
}

/// Seconds to wait after attempt `n` (1-based) failed: 30 s, then doubling, at most 6 hours.
pub fn backoff(attempt: i64) -> i64 {
    let n = attempt.clamp(1, 20) as u32;
    (30i64 << (n - 1)).min(6 * 3600)
}

/// Where a row stands, for operators and tests.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DeliveryState {
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub claimed_by: Option<String>,
}

impl crate::delivery::Repo<'_> {
    /// Queue rows for delivery (recipient, kind, channel, link, subject) in one transaction.
    pub async fn enqueue(&self, rows: &[(i64, &str, &str, &str, &str)]) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let now = crate::now();
        for (recipient, kind, channel, link, subject) in rows {
            sqlx::query(
                "INSERT INTO outbox (recipient_id, kind, channel, link, subject, status, created_at, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)",
            )
            .bind(*recipient)
            .bind(kind.to_string())
            .bind(channel.to_string())
            .bind(link.to_string())
            .bind(subject.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claim up to `max` due rows for `worker` for `lease_secs` seconds: pending or retrying
    /// rows whose time has come, and rows whose previous claim ran out.
    pub async fn claim_outbox(
        &self,
        worker: &str,
        max: i64,
        lease_secs: i64,
    ) -> Result<Vec<Claimed>> {
        let now = crate::now();
        let lock = match self.db.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE channel <> 'inapp' AND \
               ((status IN ('pending', 'retry') AND next_attempt_at <= $3) OR (status = 'sending' AND claimed_until < $3)) \
               ORDER BY id LIMIT $4{lock}) \
             RETURNING id, recipient_id, kind, channel, link, subject, attempts, address, body"
        );
        let mut rows: Vec<Claimed> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(worker.to_string())
            .bind(now + lease_secs.max(1))
            .bind(now)
            .bind(max.clamp(1, 1000))
            .fetch_all(&self.db.pool)
            .await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Record the outcome of one attempt. Returns false when `worker` no longer held the claim
    /// (its lease ran out and another worker took the row): the row is then left alone.
    pub async fn finish_delivery(
        &self,
        worker: &str,
        row: &Claimed,
        started_at: i64,
        outcome: &Outcome,
    ) -> Result<bool> {
        let now = crate::now();
        let (status, error, next) = match outcome {
            Outcome::Sent => ("sent", None, now),
            Outcome::Retry(e) if row.attempts < MAX_ATTEMPTS => {
                ("retry", Some(e.clone()), now + backoff(row.attempts))
            }
            Outcome::Retry(e) | Outcome::Failed(e) => ("failed", Some(e.clone()), now),
        };
        let error = error.map(|e| e.chars().take(500).collect::<String>());
        let mut tx = self.db.begin().await?;
        let held = sqlx::query(
            "UPDATE outbox SET status = $1, last_error = $2, next_attempt_at = $3, \
             sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END, claimed_by = NULL, claimed_until = NULL \
             WHERE id = $5 AND claimed_by = $6 AND status = 'sending'",
        )
        .bind(status)
        .bind(error.clone())
        .bind(next)
        .bind(now)
        .bind(row.id)
        .bind(worker.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        sqlx::query(
            "INSERT INTO outbox_attempts (outbox_id, attempt, worker, started_at, finished_at, outcome, error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(row.id)
        .bind(row.attempts)
        .bind(worker.to_string())
        .bind(started_at)
        .bind(now)
        .bind(if held { status } else { "lease_lost" })
        .bind(error)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(held)
    }

    /// Remember the provider's id of a sent row (WhatsApp's `wamid`), so its statuses find it.
    pub async fn set_provider_ref(&self, id: i64, provider_ref: &str) -> Result<()> {
        sqlx::query("UPDATE outbox SET provider_ref = $1 WHERE id = $2")
            .bind(provider_ref.chars().take(200).collect::<String>())
            .bind(id)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    /// The address of `user` for `channel` (e-mail for e-mail, the phone for WhatsApp and
    /// SMS), and their language.
    pub async fn delivery_address(
        &self,
        user: i64,
        channel: &str,
    ) -> Result<(Option<String>, Option<String>)> {
        let row: Option<(Option<String>, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT email, phone, locale FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(&self.db.pool)
                .await?;
        let Some((email, phone, locale)) = row else {
            return Ok((None, None));
        };
        let address = if channel == "email" { email } else { phone };
        Ok((address.filter(|a| !a.trim().is_empty()), locale))
    }

    /// Where one row stands.
    pub async fn delivery_state(&self, id: i64) -> Result<Option<DeliveryState>> {
        Ok(sqlx::query_as(
            "SELECT status, attempts, next_attempt_at, last_error, claimed_by FROM outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?)
    }

    /// How many rows are in each state (channels other than in-app), for `/metrics` and tests.
    pub async fn delivery_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT status, COUNT(*) FROM outbox WHERE channel <> 'inapp' GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// The attempts recorded for one row: (attempt, worker, outcome).
    pub async fn delivery_attempts(&self, id: i64) -> Result<Vec<(i64, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT attempt, worker, outcome FROM outbox_attempts WHERE outbox_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }
}

/// The delivery repository, reached as `db.delivery()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_to_six_hours() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(3), 120);
        assert_eq!(backoff(12), 6 * 3600);
        assert_eq!(backoff(0), 30);
        assert_eq!(backoff(99), 6 * 3600);
    }
}
