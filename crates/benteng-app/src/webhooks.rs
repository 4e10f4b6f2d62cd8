//! Outbound webhooks to partner systems: register a receiver for chosen events within a region,
//! rotate its secret, pause and resume it, read its delivery log, send a test or a given-up
//! delivery again. Rules in `benteng_domain::webhook`; storage, scope and audit in
//! `benteng_db::webhooks`; signing and sending in `benteng_notify::outbound`; the worker that
//! sends is [`crate::jobs::Worker`]. Format for receivers: `docs/webhooks.md`.

use benteng_db::webhooks::queue::{Attempt, Claimed, Ours};
use benteng_db::{Ctx, Db, Page, Result};
use benteng_domain::webhook::{EventKind, WebhookInput};
use benteng_domain::{Action, FieldErrors, Scope};
use benteng_notify::outbound::{Outgoing, WebhookSender};

pub use benteng_db::webhooks::{AttemptRow, DeliveryRow, Webhook};

/// The event names a subscription can choose, in the order forms show them.
pub fn event_kinds() -> &'static [EventKind] {
    EventKind::ALL
}

pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<Webhook>> {
    db.webhooks().list(ctx, page).await
}

pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<Webhook> {
    db.webhooks().get(ctx, id).await
}

/// The regions the actor may choose for a subscription, as (code, label): administrators
/// every province (and the whole country, which the form offers as the empty choice); the
/// Kanwil its province and each of its kabupaten/kota.
pub async fn region_choices(db: &Db, ctx: &Ctx) -> Result<Vec<(String, String)>> {
    ctx.require(Action::WebhookManage, None)?;
    let mut out = Vec::new();
    match &ctx.actor.scope {
        Scope::All => {
            let p = crate::regions::children(db, ctx, None, None, 100).await?;
            out.extend(p.items.into_iter().map(|r| (r.code, r.name)));
        }
        Scope::Province(p) => {
            if let Some(path) = crate::regions::path(db, ctx, p.as_str()).await? {
                out.push((p.as_str().to_string(), path.label()));
            }
            let kabs = crate::regions::children(db, ctx, Some(p.as_str()), None, 100).await?;
            out.extend(kabs.items.into_iter().map(|r| (r.code, r.name)));
        }
        _ => return Err(benteng_db::Error::Forbidden),
    }
    Ok(out)
}

/// "Kabupaten Malang, Jawa Timur" for a subscription's region (`None`: the whole country,
/// labelled by the caller).
pub async fn region_label(db: &Db, ctx: &Ctx, code: &str) -> Result<String> {
    Ok(crate::regions::path(db, ctx, code)
        .await?
        .map(|p| p.label())
        .unwrap_or_else(|| code.to_string()))
}

/// Check a subscription's input: the rules of the domain, and a region that exists.
async fn checked(
    db: &Db,
    ctx: &Ctx,
    i: &WebhookInput,
) -> Result<benteng_domain::webhook::ValidWebhook> {
    let v = i.validate()?;
    let problem = match &v.region {
        None if !matches!(ctx.actor.scope, Scope::All) => Some("err-webhook-region-required"),
        Some(r) if db.regions().region_by_code(r.as_str()).await?.is_none() => {
            Some("err-region-unknown")
        }
        _ => None,
    };
    if let Some(key) = problem {
        let mut e = FieldErrors::new();
        e.add("region", key);
        return Err(e.into());
    }
    Ok(v)
}

/// Register a receiver; returns its id and its secret, which is shown this once.
pub async fn create(db: &Db, ctx: &Ctx, i: &WebhookInput) -> Result<(i64, String)> {
    ctx.require(Action::WebhookManage, None)?;
    let v = checked(db, ctx, i).await?;
    let secret = benteng_notify::outbound::new_secret();
    let id = db.webhooks().create(ctx, &v, &secret).await?;
    Ok((id, secret))
}

pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &WebhookInput) -> Result<()> {
    db.webhooks().get(ctx, id).await?;
    let v = checked(db, ctx, i).await?;
    db.webhooks().update(ctx, id, &v).await
}

/// A new secret, shown this once; the old one signs beside it for a day.
pub async fn rotate(db: &Db, ctx: &Ctx, id: i64) -> Result<String> {
    let secret = benteng_notify::outbound::new_secret();
    db.webhooks().rotate(ctx, id, &secret).await?;
    Ok(secret)
}

pub async fn set_active(db: &Db, ctx: &Ctx, id: i64, active: bool) -> Result<()> {
    db.webhooks().set_active(ctx, id, active).await
}

pub async fn delete(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    db.webhooks().delete(ctx, id).await
}

pub async fn ping(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    db.webhooks().ping(ctx, id).await
}

pub async fn deliveries(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    page: Option<i64>,
) -> Result<Page<DeliveryRow>> {
    db.webhooks().deliveries(ctx, id, page).await
}

/// One delivery with its body and attempts.
pub async fn delivery(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    delivery: i64,
) -> Result<(DeliveryRow, String, Vec<AttemptRow>)> {
    db.webhooks().delivery(ctx, id, delivery).await
}

pub async fn redeliver(db: &Db, ctx: &Ctx, id: i64, delivery: i64) -> Result<()> {
    db.webhooks().redeliver(ctx, id, delivery).await
}

/// Claim and send one batch of due deliveries as `worker`, all at once (a receiver that is
/// slow to answer delays only its own deliveries); returns how many were handled.
pub async fn deliver_due(db: &Db, sender: &WebhookSender, worker: &str) -> anyhow::Result<usize> {
    let rows = db.webhooks().claim(worker, 20, 120).await?;
    let n = rows.len();
    let mut tasks = tokio::task::JoinSet::new();
    for row in rows {
        let (db, sender, worker) = (db.clone(), sender.clone(), worker.to_string());
        tasks.spawn(async move {
            let started = benteng_db::now();
            let attempt = send(&db, &sender, &row).await;
            let rec = db.webhooks().finish(&worker, &row, started, &attempt).await?;
            if attempt.delivered {
                tracing::info!(webhook = row.webhook_id, delivery = %row.delivery_id, "webhook delivered");
            } else {
                tracing::warn!(webhook = row.webhook_id, delivery = %row.delivery_id, attempt = row.attempts,
                    error = attempt.error.as_deref().unwrap_or(""), "webhook delivery failed");
            }
            if rec.paused {
                tracing::warn!(webhook = row.webhook_id, "webhook paused after repeated failures");
            }
            anyhow::Ok(())
        });
    }
    // Every send is waited for (an error in one must not cancel the others mid-flight).
    let mut first_error = None;
    while let Some(done) = tasks.join_next().await {
        let e = match done {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(e) => anyhow::anyhow!("webhook send task: {e}"),
        };
        tracing::warn!(error = %e, "recording a webhook attempt failed");
        first_error.get_or_insert(e);
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(n),
    }
}

async fn send(db: &Db, sender: &WebhookSender, row: &Claimed) -> Attempt {
    let target = match db.webhooks().target(row.webhook_id).await {
        Ok(Some(t)) => t,
        // Neither is the receiver's fault: it is not counted against the subscription.
        Ok(None) => {
            return Attempt {
                http_status: None,
                delivered: false,
                error: Some("subscription removed".into()),
                ours: Some(Ours::Removed),
            }
        }
        Err(e) => {
            return Attempt {
                http_status: None,
                delivered: false,
                error: Some(format!("database: {e}")),
                ours: Some(Ours::Database),
            }
        }
    };
    let now = benteng_db::now();
    let secrets = target.secrets(now);
    let a = sender
        .send(&Outgoing {
            url: &target.url,
            delivery_id: &row.delivery_id,
            event: &row.event,
            body: &row.payload,
            secrets: &secrets,
            timestamp: now,
        })
        .await;
    Attempt {
        http_status: a.status,
        delivered: a.delivered,
        error: a.error,
        ours: None,
    }
}
