//! Messages in a room: posting one (with files, mentions, as a reply or an announcement),
//! the history with its search, threads, live updates, read receipts and files.

use benteng_db::rooms::messages::NewMessage;
use benteng_db::storage::{BlobStore, CleanFile};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::coordination::{message_body, MessageKind};
use benteng_domain::FieldErrors;
use serde::Deserialize;

pub use benteng_db::rooms::messages::{Message, MessageFile, Receipts, MAX_FILES};

use super::RoomAccess;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MessageInput {
    #[serde(default)]
    pub body: String,
    /// pesan (default) or pengumuman (announcement; managers only).
    #[serde(default)]
    pub kind: String,
    /// The message this one answers.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// Post a message (or a reply) with up to [`MAX_FILES`] cleaned files; mentioned members are
/// notified. The room is opened first (403/404 before any field error); the kind depends on
/// the access (announcements are for managers), and the message answered is read here to
/// keep threads one level deep.
pub async fn post(
    db: &Db,
    ctx: &Ctx,
    room_id: i64,
    i: &MessageInput,
    files: &[CleanFile],
    store: &dyn BlobStore,
) -> Result<i64> {
    let access = db.rooms().open_room(ctx, room_id).await?;
    if !access.member {
        // Admins read every room but post only where they are members.
        return Err(Error::Forbidden);
    }
    let mut e = FieldErrors::new();
    let body = e.check("body", message_body(&i.body));
    let kind = match i.kind.trim() {
        "" => MessageKind::Pesan,
        k => match MessageKind::parse(k) {
            Ok(MessageKind::Pengumuman) if access.can_announce => MessageKind::Pengumuman,
            Ok(MessageKind::Pesan) => MessageKind::Pesan,
            _ => {
                e.add("kind", "err-invalid-choice");
                MessageKind::Pesan
            }
        },
    };
    if files.len() > MAX_FILES {
        e.add("files", "err-too-many-files");
    }
    if let Some(p) = i.parent_id {
        match db.rooms().message_parent(room_id, p).await? {
            None => e.add("parent_id", "err-not-found"),
            Some(Some(_)) => e.add("parent_id", "err-reply-to-reply"),
            Some(None) => {}
        }
    }
    e.into_result()?;
    let m = NewMessage {
        body: body.unwrap_or_default(),
        // A reply is always a plain message.
        kind: if i.parent_id.is_some() {
            MessageKind::Pesan
        } else {
            kind
        },
        parent_id: i.parent_id,
    };
    db.rooms()
        .post_message(ctx, room_id, &m, files, store)
        .await
}

/// A room's messages (not replies), newest first, or what a search over the history finds;
/// the ones shown count as read.
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    room_id: i64,
    q: Option<&str>,
    page: Option<i64>,
) -> Result<(RoomAccess, Page<Message>)> {
    db.rooms().room_messages(ctx, room_id, q, page).await
}

/// One message with its replies, oldest first (a reply's id opens its thread); all count as
/// read.
pub async fn thread(
    db: &Db,
    ctx: &Ctx,
    room_id: i64,
    id: i64,
) -> Result<(RoomAccess, Message, Vec<Message>)> {
    db.rooms().message_thread(ctx, room_id, id).await
}

/// Messages (not replies) posted after `after`, oldest first, for live updates.
pub async fn after(db: &Db, ctx: &Ctx, room_id: i64, after: i64) -> Result<Vec<Message>> {
    db.rooms().messages_after(ctx, room_id, after).await
}

/// Who among the room's current members has read a message.
pub async fn receipts(db: &Db, ctx: &Ctx, room_id: i64, id: i64) -> Result<Receipts> {
    db.rooms().message_receipts(ctx, room_id, id).await
}

/// Whether I may see who in the room has read what (members; admins).
pub fn sees_receipts(ctx: &Ctx, access: &RoomAccess) -> bool {
    benteng_db::rooms::Repo::sees_receipts(ctx, access)
}

/// A file of a message, with its bytes.
pub async fn file(
    db: &Db,
    ctx: &Ctx,
    room_id: i64,
    file_id: i64,
    store: &dyn BlobStore,
) -> Result<(MessageFile, Vec<u8>)> {
    db.rooms().message_file(ctx, room_id, file_id, store).await
}
