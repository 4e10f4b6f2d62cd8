//! In-app notifications: the signed-in user's list, opening one (marked read) and marking all
//! read. They are written by the storage with the change they announce.

pub use benteng_db::outbox::Notification;

use benteng_db::{Ctx, Db, Page, Result};

/// The user's in-app notifications, newest first.
pub async fn list(db: &Db, ctx: &Ctx, page: Option<i64>) -> Result<Page<Notification>> {
    db.outbox().notifications(ctx, page).await
}

/// How many of the user's notifications are unread (the header's count).
pub async fn unread(db: &Db, ctx: &Ctx) -> Result<i64> {
    db.outbox().unread_notifications(ctx).await
}

/// Mark one of the user's notifications read; answers the link of what it is about.
pub async fn open(db: &Db, ctx: &Ctx, id: i64) -> Result<Option<String>> {
    db.outbox().mark_notification_read(ctx, Some(id)).await
}

/// Mark all of the user's notifications read.
pub async fn read_all(db: &Db, ctx: &Ctx) -> Result<()> {
    db.outbox()
        .mark_notification_read(ctx, None)
        .await
        .map(|_| ())
}
