//! The webhook queue: deliveries written by the change they announce (in its transaction, so
//! none is lost and none announces a change that was rolled back), claimed by the delivery
//! worker, and their outcomes.
//!
//! Decisions:
//! - **At least once, one id.** One row per event and subscription, with its delivery id and
//!   body fixed when the event happens; every attempt sends the same id and body. Claiming
//!   works as for the outbox (`crate::delivery`): a lease, `FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL, so two workers never hold one row; a worker that dies after the receiver
//!   answered but before recording it causes a second attempt with the same id.
//! - **Retries** after 30 s, 1, 2, 4 … minutes up to 6 hours, at most
//!   [`benteng_domain::webhook::MAX_ATTEMPTS`] attempts (about 14 hours), then `failed`; an
//!   administrator can send it again.
//! - **Pausing.** Every failed attempt counts against the subscription, every delivered one
//!   sets the count back to 0. At the subscription's failure limit it is paused and its owner
//!   and the administrators are told (in-app and by the channels they chose). Deliveries of
//!   a paused subscription are still written and wait; they go out when it is resumed.
//! - **Order** is not kept: a batch is claimed oldest first but sent all at once
//!   (`benteng_app::webhooks::deliver_due`), and a retried delivery arrives after later ones;
//!   receivers order by `occurred_at`.

use crate::outbox::{self, Notice};
use crate::{Backend, Result};
use benteng_domain::webhook::{covers, EventKind, MAX_ATTEMPTS};

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub webhook_id: i64,
    pub delivery_id: String,
    pub event: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// Where and how a claimed delivery is sent.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Target {
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_until: Option<i64>,
}

impl Target {
    /// The secrets that sign now: the current one, and the previous one during its grace.
    pub fn secrets(&self, now: i64) -> Vec<&str> {
        let mut v = vec![self.secret.as_str()];
        if let (Some(p), Some(until)) = (&self.previous_secret, self.previous_until) {
            if now < until {
                v.push(p);
            }
        }
        v
    }
}

/// The result of one attempt, as the worker saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub http_status: Option<u16>,
    pub delivered: bool,
    pub error: Option<String>,
    /// Not sent because of a problem on our side: not counted against the subscription.
    pub ours: Option<Ours>,
}

/// A problem on Benteng's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ours {
    /// The subscription was removed meanwhile: the delivery is given up.
    Removed,
    /// Reading the subscription failed: tried again later.
    Database,
}

/// What recording an attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// False when the worker's lease had run out: the row was left to its new holder.
    pub held: bool,
    /// The subscription was paused by this failure.
    pub paused: bool,
}

fn delivery_id() -> String {
    format!("msg_{:032x}", rand::random::<u128>())
}

fn iso_utc(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Announce `kind` at `place` (the record's region code) to every subscription that asked for
/// it and covers the place: one delivery each, in `tx`. `data` carries the record's id,
/// reference and states, never personal data (see `benteng_domain::webhook`).
pub(crate) async fn emit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    kind: EventKind,
    place: &str,
    data: serde_json::Value,
) -> Result<usize> {
    let hooks = covering(tx, kind, place).await?;
    deliver(tx, &hooks, kind, place, &data).await?;
    Ok(hooks.len())
}

/// The subscriptions that asked for `kind` and cover `place`.
pub(crate) async fn covering(
    conn: &mut sqlx::AnyConnection,
    kind: EventKind,
    place: &str,
) -> Result<Vec<i64>> {
    Ok(covering_among(&subscribed(conn, kind).await?, kind, place))
}

/// Every live subscription that asked for `kind`, with its region (none: the whole
/// country). Read once for a whole batch of reports by the intake writer
/// (`reports::group`), then filtered per report with [`covering_among`].
pub(crate) async fn subscribed(
    conn: &mut sqlx::AnyConnection,
    kind: EventKind,
) -> Result<Vec<(i64, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT id, region_code FROM webhooks WHERE deleted_at IS NULL AND events LIKE $1",
    )
    .bind(format!("%,{},%", kind.as_str()))
    .fetch_all(&mut *conn)
    .await?)
}

/// Of `hooks` (from [`subscribed`] for `kind`), those that cover `place`.
pub(crate) fn covering_among(
    hooks: &[(i64, Option<String>)],
    kind: EventKind,
    place: &str,
) -> Vec<i64> {
    hooks
        .iter()
        .filter(|(_, region)| {
            // An alert warns everyone in its area: one for the province reaches a
            // subscription for one of its kabupaten/kota too.
            let wider_alert = kind == EventKind::AlertSent
                && region.as_deref().is_some_and(|r| covers(Some(place), r));
            covers(region.as_deref(), place) || wider_alert
        })
        .map(|(id, _)| *id)
        .collect()
}

/// One delivery of `kind` at `place` for each of `hooks`, in `tx`.
pub(crate) async fn deliver(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    hooks: &[i64],
    kind: EventKind,
    place: &str,
    data: &serde_json::Value,
) -> Result<()> {
    let now = crate::now();
    for hook in hooks {
        enqueue(tx, *hook, kind.as_str(), place, data, now).await?;
    }
    Ok(())
}

async fn enqueue(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    hook: i64,
    event: &str,
    place: &str,
    data: &serde_json::Value,
    now: i64,
) -> Result<()> {
    let id = delivery_id();
    let body = serde_json::json!({
        "id": id,
        "event": event,
        "occurred_at": iso_utc(now),
        "webhook_id": hook,
        "region": { "code": place },
        "data": data,
    });
    sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, delivery_id, event, payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
    )
    .bind(hook)
    .bind(id)
    .bind(event.to_string())
    .bind(body.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl super::Repo<'_> {
    /// Queue a `webhook.ping` to one subscription, whatever its events (the "send a test"
    /// button): it goes the same way as every delivery.
    pub async fn ping(&self, ctx: &crate::Ctx, id: i64) -> Result<()> {
        let w = self.get(ctx, id).await?;
        let mut tx = self.db.begin().await?;
        let place = w.region_code.clone().unwrap_or_default();
        let data = serde_json::json!({ "message": "Benteng webhook test" });
        enqueue(&mut tx, id, "webhook.ping", &place, &data, crate::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claim up to `max` due deliveries of active subscriptions for `worker`.
    pub async fn claim(&self, worker: &str, max: i64, lease_secs: i64) -> Result<Vec<Claimed>> {
        let now = crate::now();
        let lock = match self.db.backend {
            Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET status = 'sending', claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
               WHERE w.active = 1 AND w.deleted_at IS NULL AND \
               ((d.status IN ('pending', 'retry') AND d.next_attempt_at <= $3) OR (d.status = 'sending' AND d.claimed_until < $3)) \
               ORDER BY d.id LIMIT $4{lock}) \
             RETURNING id, webhook_id, delivery_id, event, payload, attempts"
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

    /// Address and secrets of a subscription, for sending.
    pub async fn target(&self, webhook_id: i64) -> Result<Option<Target>> {
        Ok(sqlx::query_as(
            "SELECT url, secret, previous_secret, previous_until FROM webhooks WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(webhook_id)
        .fetch_optional(&self.db.pool)
        .await?)
    }

    /// Record one attempt: the delivery's new state, the attempt in the log, and the
    /// subscription's failure count (pausing it at its limit, and telling its owner).
    pub async fn finish(
        &self,
        worker: &str,
        row: &Claimed,
        started_at: i64,
        a: &Attempt,
    ) -> Result<Recorded> {
        let now = crate::now();
        let error = a
            .error
            .as_ref()
            .map(|e| e.chars().take(300).collect::<String>());
        let (status, next) = if a.delivered {
            ("sent", now)
        } else if a.ours == Some(Ours::Removed) {
            ("failed", now)
        } else if a.ours == Some(Ours::Database) {
            ("retry", now + 30)
        } else if row.attempts < MAX_ATTEMPTS {
            ("retry", now + crate::delivery::backoff(row.attempts))
        } else {
            ("failed", now)
        };
        let mut tx = self.db.begin().await?;
        let held = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, last_error = $2, next_attempt_at = $3, \
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
            "INSERT INTO webhook_attempts (delivery_id, attempt, worker, started_at, finished_at, http_status, outcome, error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.id)
        .bind(row.attempts)
        .bind(worker.to_string())
        .bind(started_at)
        .bind(now)
        .bind(a.http_status.map(i64::from))
        .bind(if held { status } else { "lease_lost" })
        .bind(error)
        .execute(&mut *tx)
        .await?;
        let mut paused = false;
        if held && a.delivered {
            sqlx::query("UPDATE webhooks SET failures = 0, last_success_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.webhook_id)
                .execute(&mut *tx)
                .await?;
        } else if held && a.ours.is_none() {
            sqlx::query("UPDATE webhooks SET failures = failures + 1 WHERE id = $1")
                .bind(row.webhook_id)
                .execute(&mut *tx)
                .await?;
            paused = sqlx::query(
                "UPDATE webhooks SET active = 0, paused_reason = 'failures', paused_at = $1, updated_at = $1 \
                 WHERE id = $2 AND active = 1 AND failures >= failure_limit",
            )
            .bind(now)
            .bind(row.webhook_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if paused {
                let (name, owner): (String, i64) =
                    sqlx::query_as("SELECT name, owner_id FROM webhooks WHERE id = $1")
                        .bind(row.webhook_id)
                        .fetch_one(&mut *tx)
                        .await?;
                let mut to: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND active = 1")
                        .fetch_all(&mut *tx)
                        .await?;
                to.push(owner);
                outbox::notify(
                    &mut tx,
                    &to,
                    &Notice {
                        kind: "webhook_paused",
                        link: format!("/integrasi/{}", row.webhook_id),
                        subject: name,
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(Recorded { held, paused })
    }
}
