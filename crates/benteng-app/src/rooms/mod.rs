//! Coordination rooms: the rooms a user belongs to, their members, messages, alerts
//! (waspada), notification preferences and the office's WhatsApp inbox. Rooms themselves are
//! made by the system (`benteng_db::rooms::Repo::sync_rooms`), except an event's room, which its planner opens; who may read or manage a room is
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

pub use benteng_db::rooms::event_room::{
    AgencyChoice, EventRoomChoice, EventRoomLink, EventRoomPlan,
};

/// An event's room as a viewer of the event learns of it (`None`: no room is open).
pub async fn event_room(db: &Db, ctx: &Ctx, event_id: i64) -> Result<Option<EventRoomLink>> {
    db.rooms().event_room(ctx, event_id).await
}

/// Who an event's room would ask in: the invited villages' users, the officers, the partner
/// agencies of the place (those a speaker names suggested). Managers of the event only.
pub async fn event_room_plan(db: &Db, ctx: &Ctx, event_id: i64) -> Result<EventRoomPlan> {
    db.rooms().event_room_plan(ctx, event_id).await
}

/// Open an event's room, or add the people invited since (see
/// `benteng_db::rooms::event_room`). `announce` is the first message of a new room.
/// Returns the room and how many members were added.
pub async fn open_event_room(
    db: &Db,
    ctx: &Ctx,
    event_id: i64,
    choice: &EventRoomChoice,
    announce: &str,
) -> Result<(i64, u64)> {
    db.rooms()
        .open_event_room(ctx, event_id, choice, announce)
        .await
}
