//! The office's WhatsApp inbox: residents' messages stored from the webhook, conversations
//! (every opening audited), answers inside Meta's 24-hour window. Turning a message into a
//! report is `crate::reports::from_whatsapp`.

use benteng_db::{Ctx, Db, Page, Result};
use benteng_domain::coordination::{message_body, within_whatsapp_window};
use benteng_domain::FieldErrors;

pub use benteng_db::rooms::whatsapp::{Contact, Inbound, WaMessage};

/// Store the webhook's inbound messages for `office_id`; returns how many were new (a
/// retried delivery stores nothing).
pub async fn receive(db: &Db, office_id: i64, msgs: &[Inbound]) -> Result<usize> {
    db.rooms().store_whatsapp(office_id, msgs).await
}

/// Apply the provider's delivery statuses (wamid, status, error) to the answers sent.
pub async fn apply_statuses(db: &Db, statuses: &[(String, String, Option<String>)]) -> Result<u64> {
    db.rooms().apply_whatsapp_statuses(statuses).await
}

/// The conversations of my office, the most recent first (phones masked).
pub async fn inbox(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<Contact>> {
    db.rooms().whatsapp_inbox(ctx, page).await
}

/// One conversation, oldest first; `reveal` shows the resident's number. Audited either way.
pub async fn conversation(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    reveal: bool,
) -> Result<(Contact, Vec<WaMessage>)> {
    db.rooms().whatsapp_conversation(ctx, id, reveal).await
}

/// Whether the resident may still be answered freely (their last message is under 24 hours
/// old).
pub fn window_open(c: &Contact) -> bool {
    within_whatsapp_window(c.last_inbound_at, benteng_db::now())
}

/// Answer a resident; queued for delivery. The conversation is read first (403/404 before
/// any field error), and the 24-hour window is decided here from it.
pub async fn reply(db: &Db, ctx: &Ctx, id: i64, body: &str) -> Result<i64> {
    let c = db.rooms().whatsapp_contact(ctx, id).await?;
    let mut e = FieldErrors::new();
    let body = e.check("body", message_body(body));
    if !window_open(&c) {
        e.add("body", "err-wa-window-closed");
    }
    e.into_result()?;
    db.rooms()
        .whatsapp_reply(ctx, id, &body.unwrap_or_default())
        .await
}
