//! The WhatsApp inbox: residents' messages to an office's WhatsApp number, answers from
//! Benteng, and messages turned into reports.
//!
//! Decisions:
//! - Inbound messages are stored before the webhook answers 200, in one transaction, keyed by
//!   the provider's message id (`wamid`): a retried or replayed delivery stores nothing new.
//! - Which office a message is for comes from the number it was sent to (configuration maps
//!   the provider's phone number id to an office); officers of that office see the inbox.
//! - A resident's phone is contact data of a reporter: shown masked in lists, and every opened
//!   conversation is written to the audit log as a sensitive view.
//! - Answers are free-form only within 24 hours of the resident's last message (Meta's rule);
//!   they go through the outbox like every notification (row `channel = 'whatsapp'` with the
//!   address and text on the row, recipient = the answering officer).

use crate::storage::BlobStore;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::intake::NewReport;
use benteng_domain::phone::mask_phone;
use benteng_domain::report::Source;
use benteng_domain::{Action, PhoneNumber, Role};
use serde::Serialize;

/// One inbound message as the webhook parsed it.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub wamid: String,
    /// The sender's number as WhatsApp sent it (digits).
    pub from: String,
    pub profile_name: Option<String>,
    pub timestamp: i64,
    pub kind: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    pub office_id: i64,
    /// Masked unless the caller asked for the conversation (audited).
    pub phone: String,
    pub profile_name: Option<String>,
    pub last_inbound_at: i64,
    pub last_body: Option<String>,
    /// 1 when the last message came from the resident (nobody has answered yet).
    pub waiting: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaMessage {
    pub id: i64,
    pub direction: String,
    pub kind: String,
    pub body: String,
    pub author_name: Option<String>,
    pub report_id: Option<i64>,
    pub report_code: Option<String>,
    /// For answers: pending, sending, retry, sent, failed, or the provider's delivered/read.
    pub status: Option<String>,
    pub created_at: i64,
}

impl crate::rooms::Repo<'_> {
    /// Store inbound messages for `office_id`; returns how many were new.
    pub async fn store_whatsapp(&self, office_id: i64, msgs: &[Inbound]) -> Result<usize> {
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let mut new = 0;
        for m in msgs {
            // Numbers that do not parse are kept as sent (a foreign or unusual number).
            let phone = PhoneNumber::parse(&format!("+{}", m.from.trim_start_matches('+')))
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|_| m.from.clone());
            let contact: i64 = sqlx::query_scalar(
                "INSERT INTO wa_contacts (office_id, phone, profile_name, last_inbound_at, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (office_id, phone) DO UPDATE SET profile_name = COALESCE(excluded.profile_name, wa_contacts.profile_name), \
                 last_inbound_at = CASE WHEN excluded.last_inbound_at > wa_contacts.last_inbound_at THEN excluded.last_inbound_at ELSE wa_contacts.last_inbound_at END \
                 RETURNING id",
            )
            .bind(office_id)
            .bind(phone)
            .bind(m.profile_name.clone())
            .bind(m.timestamp)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let body = m
                .text
                .clone()
                .unwrap_or_else(|| format!("[{}]", m.kind))
                .chars()
                .take(benteng_domain::coordination::MAX_BODY)
                .collect::<String>();
            new += sqlx::query(
                "INSERT INTO wa_messages (contact_id, direction, wamid, kind, body, created_at) VALUES ($1, 'in', $2, $3, $4, $5) \
                 ON CONFLICT (wamid) DO NOTHING",
            )
            .bind(contact)
            .bind(m.wamid.clone())
            .bind(m.kind.clone())
            .bind(body)
            .bind(m.timestamp)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Apply the provider's statuses (sent, delivered, read, failed) to our sent rows.
    pub async fn apply_whatsapp_statuses(
        &self,
        statuses: &[(String, String, Option<String>)],
    ) -> Result<u64> {
        let mut n = 0;
        for (wamid, status, error) in statuses {
            n += sqlx::query(
                "UPDATE outbox SET provider_status = $1, last_error = COALESCE($2, last_error) WHERE provider_ref = $3",
            )
            .bind(status.chars().take(20).collect::<String>())
            .bind(error.clone())
            .bind(wamid.clone())
            .execute(&self.db.pool)
            .await?
            .rows_affected();
        }
        Ok(n)
    }

    fn inbox_office(ctx: &Ctx) -> Result<Option<i64>> {
        ctx.require(Action::WhatsappInbox, None)?;
        match ctx.actor.role {
            Role::Admin => Ok(None),
            _ => ctx.actor.office_id.map(Some).ok_or(Error::Forbidden),
        }
    }

    /// The conversations of the officer's office, the most recent first.
    pub async fn whatsapp_inbox(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<Contact>> {
        let office = Self::inbox_office(ctx)?;
        let (page, per_page, offset) = crate::paging(page, 30);
        let office = office.unwrap_or(-1);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM wa_contacts WHERE ($1 = -1 OR office_id = $1)",
        )
        .bind(office)
        .fetch_one(&self.db.pool)
        .await?;
        let mut items: Vec<Contact> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT c.id, c.office_id, c.phone, c.profile_name, c.last_inbound_at, \
             (SELECT body FROM wa_messages w WHERE w.contact_id = c.id ORDER BY w.id DESC LIMIT 1) AS last_body, \
             CAST(COALESCE((SELECT CASE WHEN direction = 'in' THEN 1 ELSE 0 END FROM wa_messages w WHERE w.contact_id = c.id ORDER BY w.id DESC LIMIT 1), 0) AS BIGINT) AS waiting \
             FROM wa_contacts c WHERE ($1 = -1 OR c.office_id = $1) ORDER BY c.last_inbound_at DESC, c.id DESC LIMIT {per_page} OFFSET {offset}"
        )))
        .bind(office)
        .fetch_all(&self.db.pool)
        .await?;
        for c in &mut items {
            c.phone = mask_phone(&c.phone);
            c.last_body = c.last_body.as_ref().map(|b| b.chars().take(120).collect());
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    async fn contact(&self, ctx: &Ctx, id: i64) -> Result<Contact> {
        let office = Self::inbox_office(ctx)?;
        let c: Contact = sqlx::query_as(
            "SELECT c.id, c.office_id, c.phone, c.profile_name, c.last_inbound_at, CAST(NULL AS TEXT) AS last_body, \
             CAST(COALESCE((SELECT CASE WHEN direction = 'in' THEN 1 ELSE 0 END FROM wa_messages w WHERE w.contact_id = c.id ORDER BY w.id DESC LIMIT 1), 0) AS BIGINT) AS waiting \
             FROM wa_contacts c WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
        if office.is_some_and(|o| o != c.office_id) {
            return Err(Error::Forbidden);
        }
        Ok(c)
    }

    /// A conversation's contact (the phone masked), for deciding on an answer: whether the
    /// resident wrote in the last 24 hours. Officers of the office only; not audited (the
    /// number stays masked).
    pub async fn whatsapp_contact(&self, ctx: &Ctx, id: i64) -> Result<Contact> {
        let mut c = self.contact(ctx, id).await?;
        c.phone = mask_phone(&c.phone);
        Ok(c)
    }

    /// One conversation, oldest first (the last 200 messages). `reveal` shows the phone number;
    /// either way the view is audited as sensitive.
    pub async fn whatsapp_conversation(
        &self,
        ctx: &Ctx,
        id: i64,
        reveal: bool,
    ) -> Result<(Contact, Vec<WaMessage>)> {
        let mut c = self.contact(ctx, id).await?;
        let mut list: Vec<WaMessage> = sqlx::query_as(
            "SELECT w.id, w.direction, w.kind, w.body, u.full_name AS author_name, w.report_id, r.tracking_code AS report_code, \
             COALESCE(o.provider_status, o.status) AS status, w.created_at \
             FROM wa_messages w LEFT JOIN users u ON u.id = w.author_id LEFT JOIN reports r ON r.id = w.report_id \
             LEFT JOIN outbox o ON o.id = w.outbox_id WHERE w.contact_id = $1 ORDER BY w.id DESC LIMIT 200",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        list.reverse();
        if !reveal {
            c.phone = mask_phone(&c.phone);
        }
        crate::audit::write(
            &self.db.pool,
            Some(ctx),
            crate::audit::Event {
                action: if reveal { "view_sensitive" } else { "view" },
                entity: "wa_contact",
                entity_id: Some(id.to_string()),
                sensitive: true,
                ..Default::default()
            },
        )
        .await?;
        Ok((c, list))
    }

    /// Answer a resident (the body checked and the 24-hour window decided by
    /// `benteng_app::rooms::whatsapp`); queued for delivery in one transaction.
    pub async fn whatsapp_reply(&self, ctx: &Ctx, id: i64, body: &str) -> Result<i64> {
        self.contact(ctx, id).await?;
        let body = body.to_string();
        let phone: String = sqlx::query_scalar("SELECT phone FROM wa_contacts WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let outbox_id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (recipient_id, kind, channel, link, subject, status, created_at, next_attempt_at, address, body) \
             VALUES ($1, 'wa_reply', 'whatsapp', '', '', 'pending', $2, $2, $3, $4) RETURNING id",
        )
        .bind(ctx.actor.user_id)
        .bind(now)
        .bind(phone)
        .bind(body.clone())
        .fetch_one(&mut *tx)
        .await?;
        let mid: i64 = sqlx::query_scalar(
            "INSERT INTO wa_messages (contact_id, direction, kind, body, author_id, outbox_id, created_at) \
             VALUES ($1, 'out', 'text', $2, $3, $4, $5) RETURNING id",
        )
        .bind(id)
        .bind(body)
        .bind(ctx.actor.user_id)
        .bind(outbox_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(mid)
    }

    /// Turn a resident's message into a report (source `whatsapp`, the resident's number as the
    /// reporter's contact), linked both ways.
    pub async fn whatsapp_to_report(
        &self,
        ctx: &Ctx,
        contact_id: i64,
        message_id: i64,
        mut v: NewReport,
        store: &dyn BlobStore,
    ) -> Result<(i64, String)> {
        self.contact(ctx, contact_id).await?;
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT c.phone, c.profile_name FROM wa_messages w JOIN wa_contacts c ON c.id = w.contact_id \
             WHERE w.id = $1 AND w.contact_id = $2 AND w.direction = 'in'",
        )
        .bind(message_id)
        .bind(contact_id)
        .fetch_optional(&self.db.pool)
        .await?;
        let (phone, name) = row.ok_or(Error::NotFound)?;
        // The resident wrote from this number: it is how they can be reached.
        v.anonymous = false;
        v.reporter_phone = Some(phone).filter(|p| !p.is_empty());
        v.reporter_name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        self.db
            .reports()
            .insert_user_report(
                ctx,
                v,
                &[],
                store,
                Some(Source::Whatsapp),
                Some(("whatsapp", message_id)),
            )
            .await
    }
}
