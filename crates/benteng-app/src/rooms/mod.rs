//! Coordination rooms: the rooms a user belongs to, their members, messages, alerts
//! (waspada), notification preferences and the office's WhatsApp inbox. Rooms themselves are
//! made by the system (`benteng_db::rooms::benteng_db::rooms::Repo::sync_rooms`); who may read or manage a room is
//! decided by the storage, which checks it on every call.

pub mod alerts;
pub mod messages;
pub mod prefs;
pub mod whatsapp;

use benteng_db::{Ctx, Db, Page, Result};

pub use benteng_db::rooms::{Member, Room, RoomAccess, RoomRow};

/// The rooms I am an active member of (admins: every room), with unread counts.
pub async fn list(db: &Db, ctx: &Ctx, q: Option<&str>, page: Option<i64>) -> Result<Page<RoomRow>> {
    db.rooms().my_rooms(ctx, q, page).await
}

/// A room's members, current and removed, with what I may do in the room.
pub async fn members(db: &Db, ctx: &Ctx, room_id: i64) -> Result<(RoomAccess, Vec<Member>)> {
    db.rooms().room_members(ctx, room_id).await
}

/// Add an active user to a room by username (or bring back a removed member); managers only.
/// An unknown username answers `err-room-user-unknown` on `username`, found by the storage.
pub async fn add_member(db: &Db, ctx: &Ctx, room_id: i64, username: &str) -> Result<i64> {
    db.rooms().add_room_member(ctx, room_id, username).await
}

/// Remove a member: they no longer read the room; its history stays.
pub async fn remove_member(db: &Db, ctx: &Ctx, room_id: i64, user_id: i64) -> Result<()> {
    db.rooms().remove_room_member(ctx, room_id, user_id).await
}
