//! Coordination rooms: one per desa binaan, per office and per province, with their members,
//! and one per event when its planner opens it ([`event_room`]).
//!
//! Decisions:
//! - **Rooms are made by the system**, never by hand: [`crate::rooms::Repo::sync_rooms`] creates the missing
//!   ones and adds the default members (at start, after a village is enrolled or its officers
//!   change, after a user is created or changed, and every ten minutes in the worker).
//! - **Default members.** A desa binaan's room: the village's own users, its assigned PIMPASA
//!   officers, and the users of partner agencies whose region holds the village (their liaison
//!   officers). An office's room: the office's users. A province's room: the Kanwil's users and
//!   the users of every office in the province.
//! - **Removal sticks.** A removed member keeps a row with `removed_at`, so the default rules do
//!   not add them back; an admin or manager can add them again by hand.
//! - **Reading** a room needs an active membership; admins read every room. **Managing**
//!   members: admins everywhere; the Kanwil for rooms of its province; officers for the desa
//!   binaan rooms of their area and their own office's room. A manager who is not a member can
//!   open the member list (to add themselves), not the messages.

pub mod alerts;
pub mod digest;
pub mod event_room;
pub mod links;
pub mod messages;
pub mod prefs;
pub mod whatsapp;

use crate::sql::like_pattern;
use crate::{Ctx, Error, Page, Result};
use benteng_domain::{Action, RegionCode, Role, Scope};
use serde::Serialize;

/// Which rooms and memberships [`crate::rooms::Repo::sync_rooms`] looks at.
#[derive(Debug, Clone, Copy)]
pub enum Sync {
    All,
    /// Only this user's memberships (after the user was created or changed).
    User(i64),
    /// Only this desa binaan's room (after it was enrolled or its officers changed).
    DesaBinaan(i64),
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Room {
    pub id: i64,
    /// desa, kantor, provinsi or kegiatan.
    pub kind: String,
    pub name: String,
    pub region_code: Option<String>,
    pub office_id: Option<i64>,
    pub desa_binaan_id: Option<i64>,
    /// An event's room: the event.
    pub event_id: Option<i64>,
}

/// A room in the user's list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub members: i64,
    pub last_message_at: Option<i64>,
    /// Messages (not replies) by others that the user has not seen.
    pub unread: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

/// What the user may do in a room they opened.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomAccess {
    pub room: Room,
    pub member: bool,
    pub can_manage: bool,
    /// May post announcements (managers).
    pub can_announce: bool,
}

const ROOM_COLS: &str = "r.id, r.kind, r.name, r.region_code, r.office_id, r.desa_binaan_id, \
    CASE WHEN r.kind = 'kegiatan' THEN CAST(r.ref_key AS BIGINT) END AS event_id";

impl crate::rooms::Repo<'_> {
    /// Create missing rooms and add default members (see the module documentation).
    /// Returns the number of memberships added.
    pub async fn sync_rooms(&self, only: Sync) -> Result<u64> {
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let desa_filter = match only {
            Sync::DesaBinaan(id) => format!(" AND d.id = {id}"),
            _ => String::new(),
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO rooms (kind, ref_key, desa_binaan_id, office_id, region_code, name, created_at) \
             SELECT 'desa', CAST(d.id AS TEXT), d.id, d.office_id, d.region_code, 'Desa ' || g.name, $1 \
             FROM desa_binaan d JOIN regions g ON g.code = d.region_code \
             WHERE NOT EXISTS (SELECT 1 FROM rooms x WHERE x.kind = 'desa' AND x.ref_key = CAST(d.id AS TEXT)){desa_filter}"
        )))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if !matches!(only, Sync::DesaBinaan(_)) {
            sqlx::query(
                "INSERT INTO rooms (kind, ref_key, desa_binaan_id, office_id, region_code, name, created_at) \
                 SELECT 'kantor', CAST(o.id AS TEXT), NULL, o.id, o.province_code, o.name, $1 FROM offices o \
                 WHERE o.active = 1 AND NOT EXISTS (SELECT 1 FROM rooms x WHERE x.kind = 'kantor' AND x.ref_key = CAST(o.id AS TEXT))",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO rooms (kind, ref_key, desa_binaan_id, office_id, region_code, name, created_at) \
                 SELECT 'provinsi', p.code, NULL, NULL, p.code, 'Provinsi ' || p.name, $1 FROM regions p \
                 WHERE p.code IN (SELECT province_code FROM offices WHERE active = 1) \
                 AND NOT EXISTS (SELECT 1 FROM rooms x WHERE x.kind = 'provinsi' AND x.ref_key = p.code)",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let (user_filter, room_filter) = match only {
            Sync::All => (String::new(), String::new()),
            Sync::User(id) => (format!(" AND u.id = {id}"), String::new()),
            Sync::DesaBinaan(id) => (String::new(), format!(" AND rm.desa_binaan_id = {id}")),
        };
        // Each rule is one INSERT … SELECT over the join that finds its members.
        let rules = [
            "FROM rooms rm JOIN desa_binaan d ON d.id = rm.desa_binaan_id \
             JOIN users u ON u.region_code = d.region_code AND u.role = 'desa' WHERE rm.kind = 'desa'",
            "FROM rooms rm JOIN desa_binaan_officers o ON o.desa_binaan_id = rm.desa_binaan_id \
             JOIN users u ON u.id = o.user_id WHERE rm.kind = 'desa'",
            "FROM rooms rm JOIN desa_binaan d ON d.id = rm.desa_binaan_id \
             JOIN agencies a ON d.region_code LIKE a.region_code || '.%' \
             JOIN users u ON u.agency_id = a.id AND u.role = 'mitra' WHERE rm.kind = 'desa'",
            "FROM rooms rm JOIN users u ON u.office_id = rm.office_id WHERE rm.kind = 'kantor'",
            "FROM rooms rm JOIN users u ON u.role = 'kanwil' AND u.region_code = rm.region_code WHERE rm.kind = 'provinsi'",
            "FROM rooms rm JOIN offices o ON o.province_code = rm.region_code \
             JOIN users u ON u.office_id = o.id WHERE rm.kind = 'provinsi'",
        ];
        let mut added = 0;
        for from in rules {
            let only_desa_rule = from.contains("rm.kind = 'desa'");
            if matches!(only, Sync::DesaBinaan(_)) && !only_desa_rule {
                continue;
            }
            added += sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO room_members (room_id, user_id, added_at) SELECT DISTINCT rm.id, u.id, $1 {from} \
                 AND u.active = 1{user_filter}{room_filter} \
                 AND NOT EXISTS (SELECT 1 FROM room_members x WHERE x.room_id = rm.id AND x.user_id = u.id)"
            )))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The rooms the user is an active member of (admins: every room), with unread counts.
    pub async fn my_rooms(
        &self,
        ctx: &Ctx,
        q: Option<&str>,
        page: Option<i64>,
    ) -> Result<Page<RoomRow>> {
        ctx.require(Action::RoomView, None)?;
        let (page, per_page, offset) = crate::paging(page, 30);
        let uid = ctx.actor.user_id;
        let mut filter = if ctx.actor.role == Role::Admin {
            "1 = 1".to_string()
        } else {
            "EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id = $1 AND m.removed_at IS NULL)".to_string()
        };
        let pattern = q.map(str::trim).filter(|s| !s.is_empty()).map(like_pattern);
        if pattern.is_some() {
            filter.push_str(" AND LOWER(r.name) LIKE $2");
        }
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM rooms r WHERE {filter} AND $1 = $1 AND COALESCE($2, '') = COALESCE($2, '')"
        )))
        .bind(uid)
        .bind(pattern.clone())
        .fetch_one(&self.db.pool)
        .await?;
        let items = sqlx::query_as::<_, RoomRow>(sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.kind, r.name, \
             (SELECT COUNT(*) FROM room_members m WHERE m.room_id = r.id AND m.removed_at IS NULL) AS members, \
             (SELECT MAX(created_at) FROM room_messages x WHERE x.room_id = r.id) AS last_message_at, \
             (SELECT COUNT(*) FROM room_messages x WHERE x.room_id = r.id AND x.parent_id IS NULL AND x.author_id <> $1 \
               AND NOT EXISTS (SELECT 1 FROM room_reads rr WHERE rr.message_id = x.id AND rr.user_id = $1)) AS unread \
             FROM rooms r WHERE {filter} AND COALESCE($2, '') = COALESCE($2, '') \
             ORDER BY CASE r.kind WHEN 'desa' THEN 1 WHEN 'kegiatan' THEN 2 WHEN 'kantor' THEN 3 ELSE 4 END, r.name, r.id \
             LIMIT {per_page} OFFSET {offset}"
        )))
        .bind(uid)
        .bind(pattern)
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

    async fn room_row(&self, id: i64) -> Result<Room> {
        sqlx::query_as::<_, Room>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROOM_COLS} FROM rooms r WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(Error::NotFound)
    }

    pub(crate) async fn is_member(&self, room_id: i64, user_id: i64) -> Result<bool> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM room_members WHERE room_id = $1 AND user_id = $2 AND removed_at IS NULL",
        )
        .bind(room_id)
        .bind(user_id)
        .fetch_one(&self.db.pool)
        .await?
            > 0)
    }

    /// Whether the actor may manage the members of `room` (module documentation).
    fn manages(ctx: &Ctx, room: &Room) -> bool {
        let a = &ctx.actor;
        if !ctx.allows(Action::RoomManage, None) {
            return false;
        }
        let place = room
            .region_code
            .as_deref()
            .and_then(|c| RegionCode::parse(c).ok());
        match (a.role, room.kind.as_str()) {
            (Role::Admin, _) => true,
            (Role::Petugas, "kantor") => a.office_id.is_some() && a.office_id == room.office_id,
            (Role::Petugas, "desa") => place.is_some_and(|p| a.scope.contains(&p)),
            // An event's room: whoever may manage the event.
            (Role::Petugas | Role::Kanwil, "kegiatan") => {
                place.is_some_and(|p| ctx.allows(Action::EventManage, Some(&p)))
            }
            (Role::Kanwil, _) => match (&a.scope, &place) {
                (Scope::Province(p), Some(c)) => c.is_within(p),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether `user` may be a member of `room`: their scope covers the room's place. A desa
    /// binaan's room: anyone who sees that village (its users, the officers of its area, the
    /// agencies whose region holds it, the Kanwil, admins). An office's room: the office's
    /// users, the Kanwil of its province, admins. A province's room: the Kanwil, admins, and
    /// the officers and agencies inside the province (never a village's users).
    pub(crate) fn may_join(user: &benteng_domain::Actor, room: &Room) -> bool {
        let place = room
            .region_code
            .as_deref()
            .and_then(|c| RegionCode::parse(c).ok());
        if user.role == Role::Admin {
            return true;
        }
        let Some(place) = place else {
            return false;
        };
        match room.kind.as_str() {
            "desa" => user.scope.contains(&place),
            "kantor" => {
                (user.office_id.is_some() && user.office_id == room.office_id)
                    || (user.role == Role::Kanwil && user.scope.contains(&place))
            }
            "provinsi" => user.role != Role::Desa && user.scope.touches(&place),
            // An event's room: anyone who sees the event's place (a village user of an
            // invited village elsewhere is let in by `add_room_member`).
            "kegiatan" => user.scope.touches(&place),
            _ => false,
        }
    }

    /// Open a room for reading: active members and admins. Others get `Forbidden`.
    pub async fn open_room(&self, ctx: &Ctx, id: i64) -> Result<RoomAccess> {
        ctx.require(Action::RoomView, None)?;
        let room = self.room_row(id).await?;
        let member = self.is_member(id, ctx.actor.user_id).await?;
        if !member && ctx.actor.role != Role::Admin {
            return Err(Error::Forbidden);
        }
        let can_manage = Self::manages(ctx, &room);
        Ok(RoomAccess {
            member,
            can_announce: can_manage,
            can_manage,
            room,
        })
    }

    /// A room's members, current and removed (members and managers may see the list).
    pub async fn room_members(&self, ctx: &Ctx, id: i64) -> Result<(RoomAccess, Vec<Member>)> {
        ctx.require(Action::RoomView, None)?;
        let room = self.room_row(id).await?;
        let member = self.is_member(id, ctx.actor.user_id).await?;
        let can_manage = Self::manages(ctx, &room);
        if !member && !can_manage {
            return Err(Error::Forbidden);
        }
        let list = sqlx::query_as::<_, Member>(
            "SELECT u.id AS user_id, u.username, u.full_name, u.role, m.added_at, m.removed_at \
             FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 \
             ORDER BY CASE WHEN m.removed_at IS NULL THEN 0 ELSE 1 END, u.full_name, u.id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        Ok((
            RoomAccess {
                member,
                can_announce: can_manage,
                can_manage,
                room,
            },
            list,
        ))
    }

    /// Add an active user (by username) to a room, or bring back a removed member.
    pub async fn add_room_member(&self, ctx: &Ctx, id: i64, username: &str) -> Result<i64> {
        let room = self.room_row(id).await?;
        if !Self::manages(ctx, &room) {
            return Err(Error::Forbidden);
        }
        let uid: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE LOWER(username) = $1 AND active = 1")
                .bind(username.trim().to_lowercase())
                .fetch_optional(&self.db.pool)
                .await?;
        let Some(uid) = uid else {
            let mut e = benteng_domain::FieldErrors::new();
            e.add("username", "err-room-user-unknown");
            return Err(Error::Invalid(e));
        };
        // Only someone whose own scope covers the room's place may read it: a manager cannot
        // open a village's messages and files to a user from elsewhere.
        let candidate = self.db.users().actor(uid).await?.map(|(a, _)| a);
        let allowed = match &candidate {
            Some(c) if Self::may_join(c, &room) => true,
            Some(c) => self.invited_village_user(&room, c).await?,
            None => false,
        };
        if !allowed {
            let mut e = benteng_domain::FieldErrors::new();
            e.add("username", "err-room-user-outside");
            return Err(Error::Invalid(e));
        }
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO room_members (room_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (room_id, user_id) DO UPDATE SET removed_at = NULL, removed_by = NULL, added_by = $3, added_at = $4",
        )
        .bind(id)
        .bind(uid)
        .bind(ctx.actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        crate::audit::write(
            &mut *tx,
            Some(ctx),
            crate::audit::Event {
                action: "add_member",
                entity: "room",
                entity_id: Some(id.to_string()),
                detail: Some(format!("user={uid}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(uid)
    }

    /// Remove a member: they can no longer read the room; history stays.
    pub async fn remove_room_member(&self, ctx: &Ctx, id: i64, user_id: i64) -> Result<()> {
        let room = self.room_row(id).await?;
        if !Self::manages(ctx, &room) {
            return Err(Error::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE room_members SET removed_at = $1, removed_by = $2 WHERE room_id = $3 AND user_id = $4 AND removed_at IS NULL",
        )
        .bind(crate::now())
        .bind(ctx.actor.user_id)
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::NotFound);
        }
        crate::audit::write(
            &mut *tx,
            Some(ctx),
            crate::audit::Event {
                action: "remove_member",
                entity: "room",
                entity_id: Some(id.to_string()),
                detail: Some(format!("user={user_id}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active members of a room (user ids), for notifications.
    pub(crate) async fn member_ids(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        room_id: i64,
    ) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT m.user_id FROM room_members m JOIN users u ON u.id = m.user_id \
             WHERE m.room_id = $1 AND m.removed_at IS NULL AND u.active = 1 ORDER BY m.user_id",
        )
        .bind(room_id)
        .fetch_all(&mut **tx)
        .await?)
    }
}

/// The rooms repository, reached as `db.rooms()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
