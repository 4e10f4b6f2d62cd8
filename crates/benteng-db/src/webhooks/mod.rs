//! Partner systems' webhook subscriptions (rules in `benteng_domain::webhook`, format in
//! `docs/webhooks.md`) and their delivery log; `queue` writes deliveries in the transaction of
//! the change they announce and hands them to the delivery worker.
//!
//! Who sees what: administrators every subscription; the Kanwil those for its province or a
//! kabupaten/kota in it (others are not found, 404); every other role is refused. Secrets are
//! never read back: they are shown once, when made or rotated.

use crate::audit::{self, Event};
use crate::{Ctx, Error, Page, Result};
use benteng_domain::webhook::{ValidWebhook, ROTATION_GRACE_SECS};
use benteng_domain::{Action, RegionCode, Scope};
use serde::Serialize;

pub mod queue;

/// A subscription, without its secret.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// Event names between commas (`,report.filed,alert.sent,`); see [`Webhook::event_list`].
    pub events: String,
    /// A province or kabupaten/kota code; `null`: the whole country.
    pub region_code: Option<String>,
    /// 1: sending; 0: paused.
    pub active: i64,
    /// `manual` or `failures` while paused.
    pub paused_reason: Option<String>,
    pub paused_at: Option<i64>,
    pub failure_limit: i64,
    /// Consecutive failed attempts.
    pub failures: i64,
    pub last_success_at: Option<i64>,
    /// While a rotation's grace period runs, the previous secret signs too, until then.
    pub previous_until: Option<i64>,
    pub owner_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Webhook {
    pub fn event_list(&self) -> Vec<&str> {
        self.events.split(',').filter(|s| !s.is_empty()).collect()
    }
}

/// One delivery in the log.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryRow {
    pub id: i64,
    /// The `webhook-id` header: the receiver's deduplication key.
    pub delivery_id: String,
    pub event: String,
    /// `pending`, `sending`, `retry`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptRow {
    pub attempt: i64,
    pub worker: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub http_status: Option<i64>,
    /// `sent`, `retry`, `failed` or `lease_lost`.
    pub outcome: String,
    pub error: Option<String>,
}

const COLUMNS: &str = "w.id, w.name, w.url, w.events, w.region_code, w.active, w.paused_reason, w.paused_at, \
     w.failure_limit, w.failures, w.last_success_at, w.previous_until, u.full_name AS owner_name, w.created_at, w.updated_at";

fn events_text(v: &ValidWebhook) -> String {
    let mut s = String::from(",");
    for e in &v.events {
        s.push_str(e.as_str());
        s.push(',');
    }
    s
}

impl Repo<'_> {
    /// The province a Kanwil user manages subscriptions for; `None` for administrators (all).
    fn province(ctx: &Ctx) -> Result<Option<RegionCode>> {
        ctx.require(Action::WebhookManage, None)?;
        match &ctx.actor.scope {
            Scope::All => Ok(None),
            Scope::Province(p) => Ok(Some(p.clone())),
            _ => Err(Error::Forbidden),
        }
    }

    /// May the actor hold a subscription for `region` (`None`: the country)?
    fn may_hold(ctx: &Ctx, region: Option<&RegionCode>) -> Result<()> {
        match (Self::province(ctx)?, region) {
            (None, _) => Ok(()),
            (Some(p), Some(r)) if r.is_within(&p) => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }

    /// The actor's subscriptions, newest first (deleted ones are gone from every list).
    pub async fn list(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<Webhook>> {
        let province = Self::province(ctx)?;
        let (page, per_page, offset) = crate::paging(page, 30);
        let filter =
            "w.deleted_at IS NULL AND ($1 = '' OR w.region_code = $1 OR w.region_code LIKE $2)";
        let p = province
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM webhooks w WHERE {filter}"
        )))
        .bind(p.clone())
        .bind(format!("{p}.%"))
        .fetch_one(&self.db.pool)
        .await?;
        let items = sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM webhooks w LEFT JOIN users u ON u.id = w.owner_id WHERE {filter} \
             ORDER BY w.id DESC LIMIT {per_page} OFFSET {offset}"
        )))
        .bind(p.clone())
        .bind(format!("{p}.%"))
        .fetch_all(&self.db.pool)
        .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// One subscription the actor may manage (others: not found).
    pub async fn get(&self, ctx: &Ctx, id: i64) -> Result<Webhook> {
        let province = Self::province(ctx)?;
        let w = sqlx::query_as::<_, Webhook>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM webhooks w LEFT JOIN users u ON u.id = w.owner_id WHERE w.id = $1 AND w.deleted_at IS NULL"
        )))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
        if let Some(p) = province {
            let inside = w
                .region_code
                .as_deref()
                .and_then(|r| RegionCode::parse(r).ok())
                .is_some_and(|r| r.is_within(&p));
            if !inside {
                return Err(Error::NotFound);
            }
        }
        Ok(w)
    }

    /// Register a subscription signed with `secret`; returns its id.
    pub async fn create(&self, ctx: &Ctx, v: &ValidWebhook, secret: &str) -> Result<i64> {
        Self::may_hold(ctx, v.region.as_ref())?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (name, url, events, region_code, secret, active, failure_limit, failures, owner_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, 0, $7, $8, $8) RETURNING id",
        )
        .bind(v.name.clone())
        .bind(v.url.clone())
        .bind(events_text(v))
        .bind(v.region.as_ref().map(|r| r.as_str().to_string()))
        .bind(secret.to_string())
        .bind(v.failure_limit)
        .bind(ctx.actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        self.audit(&mut tx, ctx, "webhook_create", id, Some(events_text(v)))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Change a subscription's name, address, events, region or failure limit.
    pub async fn update(&self, ctx: &Ctx, id: i64, v: &ValidWebhook) -> Result<()> {
        self.get(ctx, id).await?;
        Self::may_hold(ctx, v.region.as_ref())?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE webhooks SET name = $1, url = $2, events = $3, region_code = $4, failure_limit = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(v.name.clone())
        .bind(v.url.clone())
        .bind(events_text(v))
        .bind(v.region.as_ref().map(|r| r.as_str().to_string()))
        .bind(v.failure_limit)
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        self.audit(&mut tx, ctx, "webhook_update", id, Some(events_text(v)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replace the secret with `secret`; the old one keeps signing beside it for
    /// [`ROTATION_GRACE_SECS`].
    pub async fn rotate(&self, ctx: &Ctx, id: i64, secret: &str) -> Result<()> {
        self.get(ctx, id).await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE webhooks SET previous_secret = secret, previous_until = $1, secret = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(now + ROTATION_GRACE_SECS)
        .bind(secret.to_string())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        self.audit(&mut tx, ctx, "webhook_rotate", id, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Pause (deliveries wait) or resume (they go out again, the failure count starts over).
    pub async fn set_active(&self, ctx: &Ctx, id: i64, active: bool) -> Result<()> {
        self.get(ctx, id).await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        if active {
            sqlx::query(
                "UPDATE webhooks SET active = 1, paused_reason = NULL, paused_at = NULL, failures = 0, updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE webhooks SET active = 0, paused_reason = 'manual', paused_at = $1, updated_at = $1 WHERE id = $2 AND active = 1",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let action = if active {
            "webhook_resume"
        } else {
            "webhook_pause"
        };
        self.audit(&mut tx, ctx, action, id, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remove a subscription: nothing more is sent, its waiting deliveries are given up; the
    /// log stays for the record.
    pub async fn delete(&self, ctx: &Ctx, id: i64) -> Result<()> {
        self.get(ctx, id).await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE webhooks SET deleted_at = $1, active = 0, updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'failed', last_error = 'subscription removed' \
             WHERE webhook_id = $1 AND status IN ('pending', 'retry', 'sending')",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        self.audit(&mut tx, ctx, "webhook_delete", id, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The subscription's deliveries, newest first.
    pub async fn deliveries(
        &self,
        ctx: &Ctx,
        id: i64,
        page: Option<i64>,
    ) -> Result<Page<DeliveryRow>> {
        self.get(ctx, id).await?;
        let (page, per_page, offset) = crate::paging(page, 30);
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(id)
                .fetch_one(&self.db.pool)
                .await?;
        let items = sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
            "SELECT id, delivery_id, event, status, attempts, next_attempt_at, last_error, created_at, sent_at \
             FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT {per_page} OFFSET {offset}"
        )))
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// One delivery of the subscription, with its body and every attempt.
    pub async fn delivery(
        &self,
        ctx: &Ctx,
        id: i64,
        delivery: i64,
    ) -> Result<(DeliveryRow, String, Vec<AttemptRow>)> {
        self.get(ctx, id).await?;
        let (row, payload) = self.delivery_row(id, delivery).await?;
        let attempts = sqlx::query_as::<_, AttemptRow>(
            "SELECT attempt, worker, started_at, finished_at, http_status, outcome, error \
             FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id",
        )
        .bind(delivery)
        .fetch_all(&self.db.pool)
        .await?;
        Ok((row, payload, attempts))
    }

    async fn delivery_row(&self, id: i64, delivery: i64) -> Result<(DeliveryRow, String)> {
        let row = sqlx::query_as::<_, DeliveryRow>(
            "SELECT id, delivery_id, event, status, attempts, next_attempt_at, last_error, created_at, sent_at \
             FROM webhook_deliveries WHERE id = $1 AND webhook_id = $2",
        )
        .bind(delivery)
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
        let payload: String =
            sqlx::query_scalar("SELECT payload FROM webhook_deliveries WHERE id = $1")
                .bind(delivery)
                .fetch_one(&self.db.pool)
                .await?;
        Ok((row, payload))
    }

    /// Send a given-up delivery again, with the same id and body (attempts start over).
    pub async fn redeliver(&self, ctx: &Ctx, id: i64, delivery: i64) -> Result<()> {
        self.get(ctx, id).await?;
        let n = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1 \
             WHERE id = $2 AND webhook_id = $3 AND status = 'failed'",
        )
        .bind(crate::now())
        .bind(delivery)
        .bind(id)
        .execute(&self.db.pool)
        .await?
        .rows_affected();
        if n != 1 {
            self.delivery_row(id, delivery).await?;
            return Err(Error::Conflict("status", "err-webhook-not-failed"));
        }
        let mut tx = self.db.begin().await?;
        self.audit(
            &mut tx,
            ctx,
            "webhook_redeliver",
            id,
            Some(format!("delivery={delivery}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        ctx: &Ctx,
        action: &'static str,
        id: i64,
        detail: Option<String>,
    ) -> Result<()> {
        audit::write(
            &mut **tx,
            Some(ctx),
            Event {
                action,
                entity: "webhook",
                entity_id: Some(id.to_string()),
                detail,
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}

/// The webhook repository, reached as `db.webhooks()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
