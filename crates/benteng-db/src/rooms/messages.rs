//! Messages in a room: post (with files, mentions, replies), list and search the history, read
//! receipts, polling for new messages, files.
//!
//! Decisions:
//! - Threads are one level deep: a reply answers a message, never a reply.
//! - A message is read by a member when a page showing it is served to them (the room, the
//!   thread, or a poll that returned it). Receipts are shown to every member of the room.
//! - Mentions notify only active members of the room (kind `mention`, by their preferences).
//! - History is kept: messages are never edited or deleted through the application.

use super::RoomAccess;
use crate::outbox::{self, Notice};
use crate::storage::{BlobStore, CleanFile};
use crate::{Ctx, Error, Page, Result};
use benteng_domain::coordination::{mentions, search_text, MessageKind};
use benteng_domain::Role;
use serde::Serialize;

/// Files per message.
pub const MAX_FILES: usize = 3;

/// A message as read by `benteng_app::rooms::messages`: the body checked, the kind decided
/// (a reply is a plain message), and the message it answers found in this room, not itself
/// a reply ([`crate::rooms::Repo::message_parent`]).
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub body: String,
    pub kind: MessageKind,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageFile {
    pub id: i64,
    pub message_id: i64,
    pub content_type: String,
    pub size: i64,
    pub file_name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub room_id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub author_id: i64,
    pub author_name: String,
    pub body: String,
    pub report_id: Option<i64>,
    pub report_code: Option<String>,
    pub alert_id: Option<i64>,
    pub severity: Option<String>,
    pub alert_title: Option<String>,
    pub replies: i64,
    /// Members who have seen it (the author not counted).
    pub reads: i64,
    pub created_at: i64,
    #[sqlx(skip)]
    pub files: Vec<MessageFile>,
}

/// Who has read a message, and who has not yet.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipts {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub read: Vec<(String, i64)>,
    pub unread: Vec<String>,
}

const MSG_SELECT: &str = "SELECT m.id, m.room_id, m.parent_id, m.kind, m.author_id, u.full_name AS author_name, m.body, \
    m.report_id, rp.tracking_code AS report_code, m.alert_id, a.severity, a.title AS alert_title, m.replies, \
    (SELECT COUNT(*) FROM room_reads rr WHERE rr.message_id = m.id AND rr.user_id <> m.author_id) AS reads, m.created_at \
    FROM room_messages m JOIN users u ON u.id = m.author_id \
    LEFT JOIN reports rp ON rp.id = m.report_id LEFT JOIN alerts a ON a.id = m.alert_id";

impl crate::rooms::Repo<'_> {
    /// Post a message (or a reply) with up to [`MAX_FILES`] cleaned files. Mentioned members
    /// are notified in the same transaction. Only members post (admins read every room but
    /// post only where they are members), announcements only managers.
    pub async fn post_message(
        &self,
        ctx: &Ctx,
        room_id: i64,
        m: &NewMessage,
        files: &[CleanFile],
        store: &dyn BlobStore,
    ) -> Result<i64> {
        let access = self.open_room(ctx, room_id).await?;
        if !access.member {
            // Admins read every room but post only where they are members.
            return Err(Error::Forbidden);
        }
        // The reader reports these as field errors; here they guard the write.
        match m.kind {
            MessageKind::Pesan => {}
            MessageKind::Pengumuman if access.can_announce => {}
            _ => return Err(Error::Forbidden),
        }
        if files.len() > MAX_FILES {
            return Err(crate::reports::invalid("files", "err-too-many-files"));
        }
        let (body, kind) = (m.body.clone(), m.kind);
        let keys = self.db.reports().store_files(store, files).await?;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO room_messages (room_id, author_id, parent_id, kind, body, search_text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(room_id)
        .bind(ctx.actor.user_id)
        .bind(m.parent_id)
        .bind(kind.as_str())
        .bind(body.clone())
        .bind(search_text(&body))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (f, key) in files.iter().zip(&keys) {
            sqlx::query(
                "INSERT INTO room_message_files (message_id, storage_key, content_type, size, file_name, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(key.clone())
            .bind(f.content_type)
            .bind(f.bytes.len() as i64)
            .bind(f.file_name.clone())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(p) = m.parent_id {
            sqlx::query("UPDATE room_messages SET replies = replies + 1 WHERE id = $1")
                .bind(p)
                .execute(&mut *tx)
                .await?;
        }
        // The author has read their own message.
        sqlx::query("INSERT INTO room_reads (message_id, user_id, read_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(ctx.actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let names = mentions(&body);
        let mut mentioned = Vec::new();
        for name in &names {
            let uid: Option<i64> = sqlx::query_scalar(
                "SELECT u.id FROM users u JOIN room_members m ON m.user_id = u.id AND m.room_id = $1 AND m.removed_at IS NULL \
                 WHERE LOWER(u.username) = $2 AND u.active = 1",
            )
            .bind(room_id)
            .bind(name.clone())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(uid) = uid.filter(|u| *u != ctx.actor.user_id) {
                sqlx::query("INSERT INTO room_mentions (message_id, user_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(uid)
                    .execute(&mut *tx)
                    .await?;
                mentioned.push(uid);
            }
        }
        let thread = m.parent_id.unwrap_or(id);
        outbox::notify(
            &mut tx,
            &mentioned,
            &Notice {
                kind: "mention",
                link: format!("/ruang/{room_id}/pesan/{thread}#m{id}"),
                subject: format!("{}|{}", ctx.actor.username, access.room.name),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The message a reply would answer, as the reader of the input needs it: `None` when
    /// the room has no message `id`, `Some(Some(parent))` when it is itself a reply.
    pub async fn message_parent(&self, room_id: i64, id: i64) -> Result<Option<Option<i64>>> {
        Ok(
            sqlx::query_scalar(
                "SELECT parent_id FROM room_messages WHERE id = $1 AND room_id = $2",
            )
            .bind(id)
            .bind(room_id)
            .fetch_optional(&self.db.pool)
            .await?,
        )
    }

    /// A room's messages (not replies), newest first, with a search over the history; the ones
    /// shown are marked read for the viewer.
    pub async fn room_messages(
        &self,
        ctx: &Ctx,
        room_id: i64,
        q: Option<&str>,
        page: Option<i64>,
    ) -> Result<(RoomAccess, Page<Message>)> {
        let access = self.open_room(ctx, room_id).await?;
        let (page, per_page, offset) = crate::paging(page, 20);
        let pattern = q
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| crate::sql::like_pattern(&search_text(s)));
        // A search looks at replies too and lists what it finds, newest first.
        let filter = if pattern.is_some() {
            "m.room_id = $1 AND m.search_text LIKE $2"
        } else {
            "m.room_id = $1 AND m.parent_id IS NULL AND COALESCE($2, '') = ''"
        };
        let cap = crate::count_cap(offset, per_page);
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM room_messages m WHERE {filter} LIMIT {cap}) x"
        )))
        .bind(room_id)
        .bind(pattern.clone())
        .fetch_one(&self.db.pool)
        .await?;
        let mut items: Vec<Message> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MSG_SELECT} WHERE {filter} ORDER BY m.id DESC LIMIT {per_page} OFFSET {offset}"
        )))
        .bind(room_id)
        .bind(pattern)
        .fetch_all(&self.db.pool)
        .await?;
        self.attach_files(&mut items).await?;
        if access.member {
            self.mark_read(ctx.actor.user_id, &items).await?;
        }
        Ok((
            access,
            Page {
                items,
                total,
                page,
                per_page,
                more: total >= cap,
            },
        ))
    }

    /// One message with its replies (oldest first); all are marked read for the viewer.
    pub async fn message_thread(
        &self,
        ctx: &Ctx,
        room_id: i64,
        id: i64,
    ) -> Result<(RoomAccess, Message, Vec<Message>)> {
        let access = self.open_room(ctx, room_id).await?;
        let mut head: Vec<Message> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MSG_SELECT} WHERE m.id = $1 AND m.room_id = $2"
        )))
        .bind(id)
        .bind(room_id)
        .fetch_all(&self.db.pool)
        .await?;
        let Some(first) = head.first() else {
            return Err(Error::NotFound);
        };
        // A reply's address shows its thread.
        let root = first.parent_id.unwrap_or(first.id);
        if root != id {
            head = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{MSG_SELECT} WHERE m.id = $1 AND m.room_id = $2"
            )))
            .bind(root)
            .bind(room_id)
            .fetch_all(&self.db.pool)
            .await?;
        }
        let mut replies: Vec<Message> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MSG_SELECT} WHERE m.parent_id = $1 ORDER BY m.id LIMIT 500"
        )))
        .bind(root)
        .fetch_all(&self.db.pool)
        .await?;
        self.attach_files(&mut head).await?;
        self.attach_files(&mut replies).await?;
        if access.member {
            self.mark_read(ctx.actor.user_id, &head).await?;
            self.mark_read(ctx.actor.user_id, &replies).await?;
        }
        let head = head.pop().ok_or(Error::NotFound)?;
        Ok((access, head, replies))
    }

    /// Messages (not replies) posted after `after`, oldest first, for live updates; marked read.
    pub async fn messages_after(
        &self,
        ctx: &Ctx,
        room_id: i64,
        after: i64,
    ) -> Result<Vec<Message>> {
        let access = self.open_room(ctx, room_id).await?;
        let mut items: Vec<Message> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MSG_SELECT} WHERE m.room_id = $1 AND m.parent_id IS NULL AND m.id > $2 ORDER BY m.id LIMIT 50"
        )))
        .bind(room_id)
        .bind(after)
        .fetch_all(&self.db.pool)
        .await?;
        self.attach_files(&mut items).await?;
        if access.member {
            self.mark_read(ctx.actor.user_id, &items).await?;
        }
        Ok(items)
    }

    /// Who among the current members has read a message.
    pub async fn message_receipts(&self, ctx: &Ctx, room_id: i64, id: i64) -> Result<Receipts> {
        self.open_room(ctx, room_id).await?;
        let author: i64 = sqlx::query_scalar(
            "SELECT author_id FROM room_messages WHERE id = $1 AND room_id = $2",
        )
        .bind(id)
        .bind(room_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
        let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
            "SELECT u.full_name, rr.read_at FROM room_members m JOIN users u ON u.id = m.user_id \
             LEFT JOIN room_reads rr ON rr.message_id = $1 AND rr.user_id = m.user_id \
             WHERE m.room_id = $2 AND m.removed_at IS NULL AND m.user_id <> $3 ORDER BY u.full_name",
        )
        .bind(id)
        .bind(room_id)
        .bind(author)
        .fetch_all(&self.db.pool)
        .await?;
        let mut r = Receipts {
            read: Vec::new(),
            unread: Vec::new(),
        };
        for (name, at) in rows {
            match at {
                Some(at) => r.read.push((name, at)),
                None => r.unread.push(name),
            }
        }
        Ok(r)
    }

    /// A file of a message, for members (and admins).
    pub async fn message_file(
        &self,
        ctx: &Ctx,
        room_id: i64,
        file_id: i64,
        store: &dyn BlobStore,
    ) -> Result<(MessageFile, Vec<u8>)> {
        self.open_room(ctx, room_id).await?;
        let row: Option<(i64, i64, String, i64, String, String)> = sqlx::query_as(
            "SELECT f.id, f.message_id, f.content_type, f.size, f.file_name, f.storage_key FROM room_message_files f \
             JOIN room_messages m ON m.id = f.message_id WHERE f.id = $1 AND m.room_id = $2",
        )
        .bind(file_id)
        .bind(room_id)
        .fetch_optional(&self.db.pool)
        .await?;
        let (id, message_id, content_type, size, file_name, key) = row.ok_or(Error::NotFound)?;
        let bytes = store
            .get(&key)
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("reading an upload failed: {e}")))?
            .ok_or(Error::NotFound)?;
        Ok((
            MessageFile {
                id,
                message_id,
                content_type,
                size,
                file_name,
            },
            bytes,
        ))
    }

    async fn attach_files(&self, items: &mut [Message]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = items.iter().map(|m| m.id.to_string()).collect();
        let files: Vec<MessageFile> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, message_id, content_type, size, file_name FROM room_message_files WHERE message_id IN ({}) ORDER BY id",
            ids.join(", ")
        )))
        .fetch_all(&self.db.pool)
        .await?;
        for f in files {
            if let Some(m) = items.iter_mut().find(|m| m.id == f.message_id) {
                m.files.push(f);
            }
        }
        Ok(())
    }

    async fn mark_read(&self, user_id: i64, items: &[Message]) -> Result<()> {
        let unread: Vec<String> = items
            .iter()
            .filter(|m| m.author_id != user_id)
            .map(|m| format!("({}, {user_id}, {})", m.id, crate::now()))
            .collect();
        if unread.is_empty() {
            return Ok(());
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO room_reads (message_id, user_id, read_at) VALUES {} ON CONFLICT (message_id, user_id) DO NOTHING",
            unread.join(", ")
        )))
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Whether the actor may see who in the room has read what (members; admins).
    pub fn sees_receipts(ctx: &Ctx, access: &RoomAccess) -> bool {
        access.member || ctx.actor.role == Role::Admin
    }
}

/// An announcement written by the system inside the caller's transaction (a stored monthly
/// report, a newly opened event room), read by its author. No mention is parsed and nobody is
/// notified: the room's unread count tells members. Returns the message's id.
pub(crate) async fn insert_announcement(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    room_id: i64,
    author_id: i64,
    body: &str,
    now: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO room_messages (room_id, author_id, kind, body, search_text, replies, created_at) \
         VALUES ($1, $2, 'pengumuman', $3, $4, 0, $5) RETURNING id",
    )
    .bind(room_id)
    .bind(author_id)
    .bind(body.to_string())
    .bind(search_text(body))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO room_reads (message_id, user_id, read_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(author_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}
