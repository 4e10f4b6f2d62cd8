//! An event's own room: the planner opens it for the people the event brings together.
//!
//! Decisions:
//! - **Opened by hand, once.** An event has at most one room (kind `kegiatan`, `ref_key` the
//!   event's id). Whoever may manage the event opens it from the event's page; opening again
//!   adds the people invited since (a village invited after the room was opened) and never
//!   brings back a removed member ("removal sticks", as in every room).
//! - **Who is asked in.** Three groups, each chosen on the form: the village users of the
//!   invited villages (and of the host village when the event is in a desa); the officers of
//!   the event's office and the PIMPASA officers of the invited villages; and the users of the
//!   partner agencies chosen from those whose region holds the event's place. An agency is
//!   suggested (ticked) when a speaker's agency names it: a speaker's "Dinas Tenaga Kerja
//!   Kabupaten Malang" ticks the agency of that name, "BP3MI Jawa Timur" ticks
//!   "BP3MI Jawa Timur (Pos KP2MI Malang)". The one who opens it is always a member.
//! - **Who may read it** is as for other rooms: active members. Someone added by hand later
//!   must see the event's place, or be a user of an invited village.
//! - **The first message** is an announcement by the opener with the event's title, time and
//!   venue, in the opener's language (the web layer writes it).

use super::Room;
use crate::audit::{self, Event as AuditEvent};
use crate::{Ctx, Result};
use benteng_domain::{Action, RegionCode};
use serde::Serialize;

/// A partner agency that could join the event's room.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyChoice {
    pub id: i64,
    pub name: String,
    /// Its active users.
    pub users: i64,
    /// A speaker's agency names it (ticked on the form).
    #[sqlx(skip)]
    pub suggested: bool,
}

/// What the planner sees before opening (or adding to) the event's room.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRoomPlan {
    /// The room, when it is open, with its active members.
    pub room_id: Option<i64>,
    pub members: i64,
    /// Active village users of the invited (and host) villages, and how many villages.
    pub village_users: i64,
    pub villages: i64,
    /// Active officers of the event's office and of the invited villages.
    pub officers: i64,
    pub agencies: Vec<AgencyChoice>,
}

/// Which groups to ask in.
#[derive(Debug, Clone, Default)]
pub struct EventRoomChoice {
    pub villages: bool,
    pub officers: bool,
    pub agencies: Vec<i64>,
}

/// The event's room as anyone who sees the event may learn of it: the room, and whether the
/// viewer is a member (only members get the link).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRoomLink {
    pub room_id: i64,
    pub members: i64,
    pub member: bool,
}

/// The event's facts the room needs.
#[derive(sqlx::FromRow)]
struct EventFacts {
    title: String,
    region_code: String,
    office_id: Option<i64>,
}

// Users of the invited villages and of the host village.
const VILLAGE_USERS: &str = "SELECT u.id FROM users u WHERE u.role = 'desa' AND u.active = 1 AND (\
    u.region_code IN (SELECT v.village_code FROM event_villages v WHERE v.event_id = $1) \
    OR u.region_code = (SELECT e.region_code FROM events e WHERE e.id = $1))";
// Officers of the event's office and the PIMPASA officers of the invited villages.
const OFFICERS: &str = "SELECT u.id FROM users u WHERE u.role = 'petugas' AND u.active = 1 AND (\
    u.office_id = (SELECT e.office_id FROM events e WHERE e.id = $1) \
    OR u.id IN (SELECT o.user_id FROM desa_binaan_officers o JOIN desa_binaan d ON d.id = o.desa_binaan_id \
    JOIN event_villages v ON v.village_code = d.region_code WHERE v.event_id = $1))";

impl crate::rooms::Repo<'_> {
    async fn event_facts(&self, ctx: &Ctx, event_id: i64) -> Result<(EventFacts, RegionCode)> {
        let place = self.db.events().event_place(ctx, event_id).await?;
        let facts = sqlx::query_as::<_, EventFacts>(
            "SELECT title, region_code, office_id FROM events WHERE id = $1",
        )
        .bind(event_id)
        .fetch_one(&self.db.pool)
        .await?;
        Ok((facts, place))
    }

    async fn event_room_id(&self, event_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM rooms WHERE kind = 'kegiatan' AND ref_key = $1")
                .bind(event_id.to_string())
                .fetch_optional(&self.db.pool)
                .await?,
        )
    }

    async fn active_members(&self, room_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM room_members m JOIN users u ON u.id = m.user_id \
             WHERE m.room_id = $1 AND m.removed_at IS NULL AND u.active = 1",
        )
        .bind(room_id)
        .fetch_one(&self.db.pool)
        .await?)
    }

    /// The event's room for anyone who sees the event: `None` when none is open.
    pub async fn event_room(&self, ctx: &Ctx, event_id: i64) -> Result<Option<EventRoomLink>> {
        // As the event's page: a village sees its regency's events and those it is invited to.
        self.db
            .events()
            .event_place_for_viewer(ctx, event_id)
            .await?;
        let Some(room_id) = self.event_room_id(event_id).await? else {
            return Ok(None);
        };
        Ok(Some(EventRoomLink {
            room_id,
            members: self.active_members(room_id).await?,
            member: self.is_member(room_id, ctx.actor.user_id).await?,
        }))
    }

    /// Who the room would ask in (managers of the event only).
    pub async fn event_room_plan(&self, ctx: &Ctx, event_id: i64) -> Result<EventRoomPlan> {
        let (_, place) = self.event_facts(ctx, event_id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let room_id = self.event_room_id(event_id).await?;
        let members = match room_id {
            Some(id) => self.active_members(id).await?,
            None => 0,
        };
        let count = |sql: &str| format!("SELECT COUNT(*) FROM ({sql}) x");
        let village_users: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count(VILLAGE_USERS)))
            .bind(event_id)
            .fetch_one(&self.db.pool)
            .await?;
        let officers: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count(OFFICERS)))
            .bind(event_id)
            .fetch_one(&self.db.pool)
            .await?;
        let villages: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM event_villages WHERE event_id = $1")
                .bind(event_id)
                .fetch_one(&self.db.pool)
                .await?;
        let speakers: Vec<Option<String>> =
            sqlx::query_scalar("SELECT agency FROM event_speakers WHERE event_id = $1")
                .bind(event_id)
                .fetch_all(&self.db.pool)
                .await?;
        let speakers: Vec<String> = speakers.into_iter().flatten().collect();
        let mut agencies = self.agency_choices(&place).await?;
        for a in &mut agencies {
            a.suggested = speakers.iter().any(|s| names_agency(s, &a.name));
        }
        Ok(EventRoomPlan {
            room_id,
            members,
            village_users,
            villages,
            officers,
            agencies,
        })
    }

    /// Active partner agencies whose region holds the event's place, or lies inside it.
    async fn agency_choices(&self, place: &RegionCode) -> Result<Vec<AgencyChoice>> {
        Ok(sqlx::query_as::<_, AgencyChoice>(
            "SELECT a.id, a.name, (SELECT COUNT(*) FROM users u WHERE u.agency_id = a.id AND u.role = 'mitra' AND u.active = 1) AS users \
             FROM agencies a WHERE a.active = 1 AND (a.region_code = $1 OR $1 LIKE a.region_code || '.%' OR a.region_code LIKE $1 || '.%') \
             ORDER BY a.name, a.id LIMIT 50",
        )
        .bind(place.as_str().to_string())
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Open the event's room (or add the people invited since): returns the room and how many
    /// members were added. `announce` is the first message, posted only when the room is new.
    pub async fn open_event_room(
        &self,
        ctx: &Ctx,
        event_id: i64,
        choice: &EventRoomChoice,
        announce: &str,
    ) -> Result<(i64, u64)> {
        let (facts, place) = self.event_facts(ctx, event_id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        ctx.require(Action::RoomView, None)?;
        // Only agencies the form could offer.
        let offered: Vec<i64> = self
            .agency_choices(&place)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let agencies: Vec<i64> = choice
            .agencies
            .iter()
            .copied()
            .filter(|a| offered.contains(a))
            .collect();
        let now = crate::now();
        let name: String = format!("Kegiatan: {}", facts.title)
            .chars()
            .take(200)
            .collect();
        let mut tx = self.db.begin().await?;
        let created = sqlx::query(
            "INSERT INTO rooms (kind, ref_key, desa_binaan_id, office_id, region_code, name, created_at) \
             VALUES ('kegiatan', $1, NULL, $2, $3, $4, $5) ON CONFLICT (kind, ref_key) DO NOTHING",
        )
        .bind(event_id.to_string())
        .bind(facts.office_id)
        .bind(facts.region_code.clone())
        .bind(name)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        let room_id: i64 =
            sqlx::query_scalar("SELECT id FROM rooms WHERE kind = 'kegiatan' AND ref_key = $1")
                .bind(event_id.to_string())
                .fetch_one(&mut *tx)
                .await?;
        // The opener is a member, also after having left: opening is an explicit act.
        sqlx::query(
            "INSERT INTO room_members (room_id, user_id, added_by, added_at) VALUES ($1, $2, $2, $3) \
             ON CONFLICT (room_id, user_id) DO UPDATE SET removed_at = NULL, removed_by = NULL",
        )
        .bind(room_id)
        .bind(ctx.actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let mut groups: Vec<String> = Vec::new();
        if choice.villages {
            groups.push(VILLAGE_USERS.to_string());
        }
        if choice.officers {
            groups.push(OFFICERS.to_string());
        }
        if !agencies.is_empty() {
            let ids = agencies
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            groups.push(format!(
                "SELECT u.id FROM users u WHERE u.role = 'mitra' AND u.active = 1 AND u.agency_id IN ({ids}) AND $1 = $1"
            ));
        }
        let mut added = 0;
        for g in groups {
            added += sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO room_members (room_id, user_id, added_by, added_at) \
                 SELECT DISTINCT $2, g.id, $3, $4 FROM ({g}) g \
                 WHERE NOT EXISTS (SELECT 1 FROM room_members x WHERE x.room_id = $2 AND x.user_id = g.id)"
            )))
            .bind(event_id)
            .bind(room_id)
            .bind(ctx.actor.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if created && !announce.trim().is_empty() {
            super::messages::insert_announcement(
                &mut tx,
                room_id,
                ctx.actor.user_id,
                announce,
                now,
            )
            .await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: if created { "open_room" } else { "add_member" },
                entity: "event",
                entity_id: Some(event_id.to_string()),
                region: Some(&place),
                detail: Some(format!("room={room_id} added={added}")),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok((room_id, added))
    }

    /// Whether a village user may be added by hand to an event's room: their village was
    /// invited.
    pub(crate) async fn invited_village_user(
        &self,
        room: &Room,
        user: &benteng_domain::Actor,
    ) -> Result<bool> {
        let benteng_domain::Scope::Village(v) = &user.scope else {
            return Ok(false);
        };
        if room.kind != "kegiatan" {
            return Ok(false);
        }
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM rooms r JOIN event_villages v ON CAST(v.event_id AS TEXT) = r.ref_key \
             WHERE r.id = $1 AND v.village_code = $2",
        )
        .bind(room.id)
        .bind(v.as_str().to_string())
        .fetch_one(&self.db.pool)
        .await?;
        Ok(n > 0)
    }
}

/// Whether a speaker's agency (free text) names the agency `name`: one holds the other, or
/// they begin with the same distinctive word ("Polres", "BP3MI", "Disnaker").
pub fn names_agency(speaker: &str, name: &str) -> bool {
    let norm = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (s, n) = (norm(speaker), norm(name));
    if s.len() < 3 || n.len() < 3 {
        return false;
    }
    if s.contains(&n) || n.contains(&s) {
        return true;
    }
    // Words that begin many agencies' names say nothing alone.
    const COMMON: &[&str] = &[
        "dinas",
        "kantor",
        "badan",
        "pos",
        "unit",
        "balai",
        "kabupaten",
        "kota",
    ];
    let first = |t: &str| t.split(' ').next().unwrap_or("").to_string();
    let (a, b) = (first(&s), first(&n));
    a == b && a.len() >= 4 && !COMMON.contains(&a.as_str()) && {
        // The same kind in another place is another agency: the places must agree too.
        let words = |t: &str| t.split(' ').skip(1).map(str::to_string).collect::<Vec<_>>();
        let (ws, wn) = (words(&s), words(&n));
        ws.is_empty() || wn.is_empty() || ws.iter().any(|w| w.len() >= 4 && wn.contains(w))
    }
}

#[cfg(test)]
mod tests {
    use super::names_agency;

    #[test]
    fn a_speakers_agency_names_the_agency_of_the_same_name_and_place() {
        assert!(names_agency(
            "Dinas Tenaga Kerja Kabupaten Malang",
            "Dinas Tenaga Kerja Kabupaten Malang"
        ));
        assert!(names_agency(
            "BP3MI Jawa Timur",
            "BP3MI Jawa Timur (Pos KP2MI Malang)"
        ));
        assert!(names_agency("Polres Malang", "Polres Malang"));
        assert!(names_agency("Polres Kab. Malang", "Polres Malang"));
        assert!(!names_agency("Polres Blitar", "Polres Malang"));
        assert!(!names_agency(
            "Dinas Tenaga Kerja Kabupaten Malang",
            "Dinas Sosial Kabupaten Malang"
        ));
        assert!(!names_agency(
            "Kantor Imigrasi Kelas I TPI Malang",
            "Dinas Sosial Kabupaten Malang"
        ));
        assert!(!names_agency("", "Polres Malang"));
    }
}
