//! The delivery worker: sends the outbox's e-mail, WhatsApp and SMS rows and partner systems'
//! webhooks (`crate::webhooks`), makes the daily
//! digests, and keeps room memberships in step. It runs inside `serve` and alone as
//! `benteng worker`; several can run against one database (see `benteng_db::delivery`).
//!
//! Decisions:
//! - A row whose channel the operator has not configured, or whose recipient has no address
//!   for it, fails at once with that reason (the preference page offers only configured
//!   channels and asks for the address, so this is rare).
//! - Texts are composed at sending time in the recipient's language from the row's kind and
//!   subject (the same words as the in-app list); replies and digests carry their own text.
//! - Links are absolute, on `public_url`.

pub mod retention;

use benteng_db::delivery::{Claimed, Outcome};
use benteng_db::rooms::digest::{DigestText, RoomActivity};
use benteng_db::Db;
use benteng_domain::coordination::Channel as ChannelKind;
use benteng_i18n::Tr;
use benteng_notify::{Channel, Delivery, Message};
use std::sync::Arc;
use std::time::Duration;

/// Settings of the coordination module's delivery.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// The address users reach Benteng at, for links in e-mail, WhatsApp and SMS.
    pub public_url: String,
    pub email: Option<benteng_notify::EmailConfig>,
    pub whatsapp: Option<benteng_notify::WhatsAppConfig>,
    /// The office whose officers answer messages to the WhatsApp number.
    pub whatsapp_office_id: Option<i64>,
    pub sms: Option<benteng_notify::SmsConfig>,
    /// Hour of the day (WIB) after which the daily digest is made.
    pub digest_hour: u8,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            public_url: "http://127.0.0.1:8080".into(),
            email: None,
            whatsapp: None,
            whatsapp_office_id: None,
            sms: None,
            digest_hour: 17,
        }
    }
}

/// The message of a notification: its kind's text with the record's short reference (also the
/// text of e-mail, WhatsApp and SMS notifications).
pub fn notice_text(tr: &Tr, kind: &str, subject: &str) -> String {
    let mut parts = subject.splitn(2, '|');
    let first = parts.next().unwrap_or("");
    let second = parts.next().unwrap_or("");
    match kind {
        "report_new" => {
            tr.t1(
                "notice-report_new",
                "category",
                tr.t(&format!("category-{first}")),
            ) + " "
                + second
        }
        "referral_answered" => {
            tr.t1(
                "notice-referral_answered",
                "status",
                tr.t(&format!("referral-status-{second}")),
            ) + " "
                + first
        }
        "alert" => {
            tr.t1(
                "notice-alert",
                "severity",
                tr.t(&format!("severity-{first}")),
            ) + " "
                + second
        }
        "mention" => tr.t2("notice-mention", "user", first, "room", second),
        "account_new_device" => tr.t2(
            "notice-account_new_device",
            "device",
            first,
            "network",
            second,
        ),
        "digest" => subject.to_string(),
        kind => tr.t(&format!("notice-{kind}")) + " " + first,
    }
}

/// The configured channels.
#[derive(Clone, Default)]
pub struct Channels {
    pub email: Option<Arc<dyn Channel>>,
    pub whatsapp: Option<Arc<dyn Channel>>,
    pub sms: Option<Arc<dyn Channel>>,
}

impl Channels {
    pub fn from_config(cfg: &NotifyConfig) -> anyhow::Result<Channels> {
        let mut c = Channels::default();
        if let Some(e) = &cfg.email {
            c.email = Some(Arc::new(
                benteng_notify::EmailChannel::new(e.clone())
                    .map_err(|e| anyhow::anyhow!("[email]: {e}"))?,
            ));
        }
        if let Some(w) = &cfg.whatsapp {
            c.whatsapp = Some(Arc::new(
                benteng_notify::WhatsAppChannel::new(w.clone())
                    .map_err(|e| anyhow::anyhow!("[whatsapp]: {e}"))?,
            ));
        }
        if let Some(s) = &cfg.sms {
            c.sms = Some(Arc::new(
                benteng_notify::SmsChannel::new(s.clone())
                    .map_err(|e| anyhow::anyhow!("[sms]: {e}"))?,
            ));
        }
        Ok(c)
    }

    /// The channels users may choose: in-app always, the others when configured.
    pub fn offered(&self) -> Vec<ChannelKind> {
        let mut v = vec![ChannelKind::Inapp];
        if self.email.is_some() {
            v.push(ChannelKind::Email);
        }
        if self.whatsapp.is_some() {
            v.push(ChannelKind::Whatsapp);
        }
        if self.sms.is_some() {
            v.push(ChannelKind::Sms);
        }
        v
    }

    fn get(&self, name: &str) -> Option<&Arc<dyn Channel>> {
        match name {
            "email" => self.email.as_ref(),
            "whatsapp" => self.whatsapp.as_ref(),
            "sms" => self.sms.as_ref(),
            _ => None,
        }
    }
}

pub struct Worker {
    pub db: Db,
    pub channels: Channels,
    /// This worker's name in claims and attempts (host and process).
    pub name: String,
    pub public_url: String,
    /// Hour of the day (WIB) after which digests are made.
    pub digest_hour: u8,
    /// Sends partner systems' webhooks (see [`crate::webhooks`]); `None` only if TLS could
    /// not be set up, which is logged.
    pub webhooks: Option<benteng_notify::outbound::WebhookSender>,
}

impl Worker {
    pub fn new(db: Db, channels: Channels, cfg: &NotifyConfig) -> Worker {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "benteng".into());
        Worker {
            db,
            channels,
            name: format!("{host}-{}-{}", std::process::id(), rand::random::<u16>()),
            public_url: cfg.public_url.trim_end_matches('/').to_string(),
            digest_hour: cfg.digest_hour,
            webhooks: benteng_notify::outbound::WebhookSender::new(WEBHOOK_TIMEOUT)
                .inspect_err(|e| tracing::error!(error = %e, "webhook sender not available"))
                .ok(),
        }
    }

    /// Claim and deliver one batch of due rows; returns how many were handled.
    pub async fn deliver_due(&self) -> anyhow::Result<usize> {
        if self.held().await? {
            return Ok(0);
        }
        let rows = self.db.delivery().claim_outbox(&self.name, 20, 120).await?;
        for row in &rows {
            let started = benteng_db::now();
            let (outcome, provider) = self.deliver(row).await;
            let held = self
                .db
                .delivery()
                .finish_delivery(&self.name, row, started, &outcome)
                .await?;
            if let (true, Some(p)) = (held, provider) {
                self.db.delivery().set_provider_ref(row.id, &p).await?;
            }
            match &outcome {
                Outcome::Sent => tracing::info!(id = row.id, channel = %row.channel, "delivered"),
                Outcome::Retry(e) => {
                    tracing::warn!(id = row.id, channel = %row.channel, error = %e, "delivery will be retried")
                }
                Outcome::Failed(e) => {
                    tracing::warn!(id = row.id, channel = %row.channel, error = %e, "delivery failed")
                }
            }
        }
        Ok(rows.len())
    }

    /// Claim and send one batch of due webhook deliveries; returns how many were handled.
    pub async fn deliver_webhooks(&self) -> anyhow::Result<usize> {
        if self.held().await? {
            return Ok(0);
        }
        match &self.webhooks {
            Some(sender) => crate::webhooks::deliver_due(&self.db, sender, &self.name).await,
            None => Ok(0),
        }
    }

    /// Outgoing messages are held (a restored copy, `benteng delivery resume` lifts it): nothing
    /// is claimed, so every row waits, due, for the hold to end.
    async fn held(&self) -> anyhow::Result<bool> {
        match self.db.delivery_hold().await? {
            Some(why) => {
                tracing::debug!(why, "outgoing messages are held");
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn deliver(&self, row: &Claimed) -> (Outcome, Option<String>) {
        let Some(channel) = self.channels.get(&row.channel) else {
            return (Outcome::Failed("channel not configured".into()), None);
        };
        let (user_address, locale) = match self
            .db
            .delivery()
            .delivery_address(row.recipient_id, &row.channel)
            .await
        {
            Ok(a) => a,
            Err(e) => return (Outcome::Retry(format!("database: {e}")), None),
        };
        let Some(to) = row.address.clone().or(user_address) else {
            return (Outcome::Failed("no address for this channel".into()), None);
        };
        let tr = Tr::new(locale.as_deref().unwrap_or("id"));
        let (subject, body) = match (&row.body, row.kind.as_str()) {
            (Some(body), "wa_reply") => (tr.t("notice-wa_reply"), body.clone()),
            (Some(body), _) => (row.subject.clone(), body.clone()),
            (None, kind) => {
                let text = notice_text(&tr, kind, &row.subject);
                (text.clone(), text)
            }
        };
        let link = (!row.link.is_empty()).then(|| format!("{}{}", self.public_url, row.link));
        let m = Message {
            id: row.id,
            to,
            subject,
            body,
            link,
            free_form: row.kind == "wa_reply",
        };
        match channel.send(&m).await {
            Delivery::Sent { provider_id } => (Outcome::Sent, provider_id),
            Delivery::Retry(e) => (Outcome::Retry(e), None),
            Delivery::Failed(e) => (Outcome::Failed(e), None),
        }
    }

    /// Make today's digests once the digest hour (WIB) has passed; returns how many.
    pub async fn make_digests(&self) -> anyhow::Result<usize> {
        let wib = time::UtcOffset::from_hms(7, 0, 0)?;
        let now = time::OffsetDateTime::now_utc().to_offset(wib);
        if now.hour() < self.digest_hour {
            return Ok(0);
        }
        self.make_digests_for(&benteng_domain::values::format_date(now.date()))
            .await
    }

    /// Make the digests for `day` covering the last 24 hours (also used by tests).
    pub async fn make_digests_for(&self, day: &str) -> anyhow::Result<usize> {
        let since = benteng_db::now() - 24 * 3600;
        let mut made = 0;
        for (user, locale) in self.db.rooms().digest_candidates(day).await? {
            let tr = Tr::new(locale.as_deref().unwrap_or("id"));
            let day_text = tr.date(day);
            let render = move |rooms: &[RoomActivity]| digest_text(&tr, &day_text, rooms);
            if self
                .db
                .rooms()
                .make_digest(user, day, since, &render)
                .await?
            {
                made += 1;
            }
        }
        Ok(made)
    }

    /// Run until `shutdown` resolves: deliver every `poll`, digests every minute, room
    /// memberships every ten minutes.
    pub async fn run(self, poll: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut last_digest = std::time::Instant::now() - Duration::from_secs(3600);
        let mut last_sync = std::time::Instant::now();
        loop {
            // A full batch means more may be due: go on at once.
            let mut busy = match self.deliver_due().await {
                Ok(n) => n >= 20,
                Err(e) => {
                    tracing::warn!(error = %e, "delivery round failed");
                    false
                }
            };
            busy |= match self.deliver_webhooks().await {
                Ok(n) => n >= 20,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook delivery round failed");
                    false
                }
            };
            if last_digest.elapsed() >= Duration::from_secs(60) {
                last_digest = std::time::Instant::now();
                match self.make_digests().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(digests = n, "daily digests queued"),
                    Err(e) => tracing::warn!(error = %e, "making digests failed"),
                }
            }
            if last_sync.elapsed() >= Duration::from_secs(600) {
                last_sync = std::time::Instant::now();
                if let Err(e) = self
                    .db
                    .rooms()
                    .sync_rooms(benteng_db::rooms::Sync::All)
                    .await
                {
                    tracing::warn!(error = %e, "room membership sync failed");
                }
            }
            if busy {
                continue;
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// The digest in the user's language: one line per room, its alerts below it.
fn digest_text(tr: &Tr, day: &str, rooms: &[RoomActivity]) -> DigestText {
    let subject = tr.t1("digest-subject", "day", day);
    let mut body = subject.clone();
    body.push_str("\n\n");
    for r in rooms {
        body.push_str(&tr.t2("digest-room", "room", &r.name, "count", r.messages));
        body.push('\n');
        for a in &r.alerts {
            body.push_str("  ! ");
            body.push_str(a);
            body.push('\n');
        }
    }
    DigestText { subject, body }
}

/// Start the worker inside `serve` when there is anything to deliver beyond in-app.
pub fn spawn(db: Db, cfg: &NotifyConfig) -> anyhow::Result<()> {
    let channels = Channels::from_config(cfg)?;
    let worker = Worker::new(db, channels, cfg);
    tokio::spawn(worker.run(Duration::from_secs(2), std::future::pending()));
    Ok(())
}

/// Announce overdue referrals every ten minutes while the server runs.
pub fn spawn_referral_watch(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match db.referrals().notify_overdue_referrals().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(referrals = n, "overdue referrals announced"),
                Err(e) => tracing::warn!(error = %e, "announcing overdue referrals failed"),
            }
        }
    });
}

/// Housekeeping while the server runs: seal new audit entries into the hash chain every five
/// seconds (every instance does; sealers take turns on the chain head), and every hour remove
/// expired sessions and tokens and write the chain head to the log, where it can be compared
/// later (`benteng audit verify --anchor`).
pub fn spawn_housekeeping(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(AUDIT_SEAL_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_hourly: Option<std::time::Instant> = None;
        loop {
            tick.tick().await;
            seal_audit(&db).await;
            if last_hourly.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                last_hourly = Some(std::time::Instant::now());
                match db.sessions().purge_expired().await {
                    Ok(n) => tracing::debug!(removed = n, "expired sessions purged"),
                    Err(e) => tracing::warn!(error = %e, "purging sessions failed"),
                }
                match db.audit().chain_head().await {
                    Ok(h) => tracing::info!(seq = h.seq, hash = %h.hash, "audit chain head"),
                    Err(e) => tracing::warn!(error = %e, "reading the audit chain head failed"),
                }
            }
        }
    });
}

/// How long a partner system has to answer one webhook delivery.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the server seals new audit entries.
pub const AUDIT_SEAL_EVERY: Duration = Duration::from_secs(5);

/// One sealing pass (see `benteng_db::audit::chain`); failures are logged and retried on the
/// next pass, entries stay unsealed meanwhile.
pub async fn seal_audit(db: &Db) {
    match db.audit().seal_paced().await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(sealed = n, "audit entries sealed"),
        Err(e) => tracing::warn!(error = %e, "sealing audit entries failed"),
    }
}
