//! Awareness events (sosialisasi): an officer plans one (title, time in WIB/WITA/WIT, venue,
//! the place it belongs to, invited desa binaan, agenda, speakers); participants check in
//! with the event's short code (or its QR code) on their own phone, or an officer ticks them;
//! the event shows attendance by village, sex and role.
//!
//! Decisions:
//! - An event belongs to a place (a desa or kabupaten/kota in the planner's scope) and is seen
//!   by everyone whose scope touches it; officers and the Kanwil manage it.
//! - A second check-in of the same person (same name, same village) is harmless: it answers
//!   "already recorded" and stores nothing. A code belongs to one event for good.
//! - Participants' names are personal data of a public meeting; no NIK or phone is asked.
//!
//! The forms are read in `benteng_app::events`; the functions here take the checked values.

use crate::audit::{self, Event as AuditEvent};
use crate::sql::{kab_and_prov, Filter};
use crate::{Ctx, Error, Page, Result};
use benteng_domain::event::{name_key, parse_code, AttendeeRole, Zone, CODE_ALPHABET, CODE_LEN};
use benteng_domain::{Action, RegionCode};
use serde::Serialize;
use time::macros::format_description;

mod attendance;
mod extras;
mod questions;
mod quiz;

pub use attendance::CheckedIn;
pub use extras::{
    EventFile, FileKind, FollowUp, NewFollowUp, Participant, Registration, UpcomingEvent,
};
pub use questions::{FaqEntry, NewQuestion, Question};
pub use quiz::{
    BankRow, GainRow, ParticipantQuiz, QuestionResult, QuizItem, QuizResults, Submitted, Taken,
    VillageResult,
};

/// An event's plan, checked by `benteng_app::events` (the place in the planner's scope, the
/// invited villages known).
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub title: String,
    /// Unix seconds.
    pub starts_at: i64,
    pub zone: Zone,
    pub venue: String,
    /// A desa or kabupaten/kota.
    pub region: RegionCode,
    pub agenda: Option<String>,
    pub speakers: Vec<Speaker>,
    pub villages: Vec<RegionCode>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRow {
    pub id: i64,
    pub title: String,
    pub starts_at: i64,
    pub zone: String,
    pub venue: String,
    pub region_code: String,
    #[sqlx(default)]
    pub region_name: Option<String>,
    pub agenda: Option<String>,
    pub checkin_code: String,
    #[sqlx(default)]
    pub attendees: i64,
    /// Which test is open: `pre`, `post` or `closed`.
    pub quiz_stage: String,
}

impl EventRow {
    /// "17-09-2024 08:30 WIB".
    pub fn when(&self) -> String {
        let zone = Zone::parse(&self.zone).unwrap_or(Zone::Wib);
        zone.local(self.starts_at)
            .and_then(|t| {
                t.format(format_description!("[day]-[month]-[year] [hour]:[minute]"))
                    .ok()
            })
            .map(|t| format!("{t} {}", zone.as_str()))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Speaker {
    pub name: String,
    pub agency: Option<String>,
    pub topic: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub name: String,
    pub village_code: String,
    #[sqlx(default)]
    pub village_name: Option<String>,
    pub sex: Option<String>,
    pub role: String,
    pub via: String,
    pub checked_in_at: i64,
}

/// Attendance of one village (or "other" for `village_code` empty).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceRow {
    pub village_code: String,
    pub village_name: String,
    pub male: i64,
    pub female: i64,
    pub unknown_sex: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDetail {
    pub event: EventRow,
    pub speakers: Vec<Speaker>,
    /// The invited villages.
    pub villages: Vec<Named>,
    pub attendees: Vec<Attendee>,
    pub by_village: Vec<AttendanceRow>,
    pub total: AttendanceRow,
    /// Every role with its count.
    pub by_role: Vec<RoleCount>,
    pub questions: Vec<Question>,
    pub followups: Vec<FollowUp>,
    pub materials: Vec<EventFile>,
    /// Photos: officers and the Kanwil only (they show residents' faces).
    pub photos: Vec<EventFile>,
    /// Who registered ahead (officers only).
    pub registrations: Vec<extras::Registration>,
    pub can_manage: bool,
    /// Names of participants are limited to the viewer's village (desa users).
    pub own_village_only: bool,
}

/// A village by code and name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// How many attended in one role.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleCount {
    pub role: String,
    pub n: i64,
}

/// What the public check-in page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicEvent {
    /// The event's id (as on its public page `/kegiatan/{id}`).
    pub id: i64,
    pub title: String,
    pub when: String,
    /// Unix time of the start, and the zone it is given in (WIB, WITA, WIT).
    pub starts_at: i64,
    pub zone: String,
    pub venue: String,
    pub code: String,
    pub villages: Vec<Named>,
}

fn random_code() -> String {
    use rand::Rng;
    let mut r = rand::rng();
    (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[r.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

const SELECT: &str = "SELECT e.id, e.title, e.starts_at, e.zone, e.venue, e.region_code, r.name AS region_name, e.agenda, \
    e.checkin_code, (SELECT COUNT(*) FROM event_attendees a WHERE a.event_id = e.id) AS attendees, e.quiz_stage \
    FROM events e LEFT JOIN regions r ON r.code = e.region_code";

impl crate::events::Repo<'_> {
    /// Plan an event (officers and the Kanwil, in their scope). Returns the id.
    pub async fn create_event(&self, ctx: &Ctx, v: &NewEvent) -> Result<i64> {
        ctx.require(Action::EventManage, Some(&v.region))?;
        invited_in_scope(ctx, v)?;
        let (kab, prov) = kab_and_prov(&v.region);
        let now = crate::now();
        // A fresh code; the unique index settles the (rare) collision by trying again.
        for _ in 0..8 {
            let mut tx = self.db.begin().await?;
            let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
                "INSERT INTO events (office_id, region_code, kab_code, prov_code, title, starts_at, zone, venue, agenda, \
                 checkin_code, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
            )
            .bind(ctx.actor.office_id)
            .bind(v.region.as_str().to_string())
            .bind(kab.clone())
            .bind(prov.clone())
            .bind(v.title.clone())
            .bind(v.starts_at)
            .bind(v.zone.as_str())
            .bind(v.venue.clone())
            .bind(v.agenda.clone())
            .bind(random_code())
            .bind(ctx.actor.user_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await;
            let id = match inserted {
                Ok((id,)) => id,
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => continue,
                Err(e) => return Err(e.into()),
            };
            write_parts(&mut tx, id, v).await?;
            audit::write(
                &mut *tx,
                Some(ctx),
                AuditEvent {
                    action: "create",
                    entity: "event",
                    entity_id: Some(id.to_string()),
                    region: Some(&v.region),
                    ..Default::default()
                },
            )
            .await?;
            tx.commit().await?;
            self.db.shelves.upcoming.forget();
            return Ok(id);
        }
        Err(Error::Conflict("title", "err-try-again"))
    }

    /// Change an event's plan (its check-in code stays).
    pub async fn update_event(&self, ctx: &Ctx, id: i64, v: &NewEvent) -> Result<()> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        ctx.require(Action::EventManage, Some(&v.region))?;
        invited_in_scope(ctx, v)?;
        let (kab, prov) = kab_and_prov(&v.region);
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE events SET region_code = $1, kab_code = $2, prov_code = $3, title = $4, starts_at = $5, zone = $6, \
             venue = $7, agenda = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(v.region.as_str().to_string())
        .bind(kab)
        .bind(prov)
        .bind(v.title.clone())
        .bind(v.starts_at)
        .bind(v.zone.as_str())
        .bind(v.venue.clone())
        .bind(v.agenda.clone())
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM event_speakers WHERE event_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM event_villages WHERE event_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_parts(&mut tx, id, v).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: "update",
                entity: "event",
                entity_id: Some(id.to_string()),
                region: Some(&v.region),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.db.shelves.upcoming.forget();
        Ok(())
    }

    /// The place of an event, after checking that the actor may see it (404 for unknown ids,
    /// 403 outside the scope).
    pub async fn event_place(&self, ctx: &Ctx, id: i64) -> Result<RegionCode> {
        ctx.require(Action::EventView, None)?;
        let code: String = sqlx::query_scalar("SELECT region_code FROM events WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&code).map_err(|_| Error::NotFound)?;
        ctx.require(Action::EventView, Some(&place))?;
        Ok(place)
    }

    /// Events of the actor's area, the next ones first, then the past ones (newest first).
    pub async fn list_events(&self, ctx: &Ctx, page: Option<i64>) -> Result<Page<EventRow>> {
        ctx.require(Action::EventView, None)?;
        let mut f = Filter::default();
        // An event in a regency is seen from its villages too: a desa user's scope is their
        // village, so events of their kabupaten/kota or of their own village are shown.
        match &ctx.actor.scope {
            benteng_domain::Scope::Village(v) => {
                let own = f.text(v.as_str());
                let (kab, _) = kab_and_prov(v);
                let kab = f.text(kab.unwrap_or_default());
                f.push(format!(
                    "(e.region_code = {own} OR e.region_code = {kab} OR e.id IN (SELECT event_id FROM event_villages WHERE village_code = {own}))"
                ));
            }
            scope => f.scope(scope, "e.region_code", "e.kab_code", "e.prov_code"),
        }
        let (page, per_page, offset) = crate::paging(page, 25);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM events e{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let now = f.int(crate::now() - 6 * 3600);
        let items = f
            .query_as::<EventRow>(format!(
                "{SELECT}{} ORDER BY CASE WHEN e.starts_at >= {now} THEN 0 ELSE 1 END, \
                 CASE WHEN e.starts_at >= {now} THEN e.starts_at ELSE -e.starts_at END, e.id \
                 LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
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

    /// One event with its speakers, villages and attendance.
    pub async fn get_event(&self, ctx: &Ctx, id: i64) -> Result<EventDetail> {
        let place = self.event_place_for_viewer(ctx, id).await?;
        let event =
            sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = $1")))
                .bind(id)
                .fetch_one(&self.db.pool)
                .await?;
        let speakers = self.speakers(id).await?;
        let villages = self.event_villages(id).await?;
        let attendees = sqlx::query_as::<_, Attendee>(
            "SELECT a.name, a.village_code, r.name AS village_name, a.sex, a.role, a.via, a.checked_in_at \
             FROM event_attendees a LEFT JOIN regions r ON r.code = a.village_code \
             WHERE a.event_id = $1 ORDER BY a.checked_in_at, a.id LIMIT 2000",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut by_village: Vec<AttendanceRow> = Vec::new();
        let mut total = AttendanceRow::default();
        let mut by_role: Vec<RoleCount> = AttendeeRole::ALL
            .iter()
            .map(|r| RoleCount {
                role: r.as_str().to_string(),
                n: 0,
            })
            .collect();
        for a in &attendees {
            let pos = match by_village
                .iter()
                .position(|v| v.village_code == a.village_code)
            {
                Some(p) => p,
                None => {
                    by_village.push(AttendanceRow {
                        village_code: a.village_code.clone(),
                        village_name: a.village_name.clone().unwrap_or_default(),
                        ..Default::default()
                    });
                    by_village.len() - 1
                }
            };
            for row in [&mut by_village[pos], &mut total] {
                match a.sex.as_deref() {
                    Some("l") => row.male += 1,
                    Some("p") => row.female += 1,
                    _ => row.unknown_sex += 1,
                }
                row.total += 1;
            }
            if let Some(r) = by_role.iter_mut().find(|r| r.role == a.role) {
                r.n += 1;
            }
        }
        by_village.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then(a.village_name.cmp(&b.village_name))
        });
        // A desa user sees the counts of every village but the names of their own village's
        // participants only; partner agencies and the police see counts only.
        let own = match &ctx.actor.scope {
            benteng_domain::Scope::Village(v) => Some(v.as_str().to_string()),
            _ => None,
        };
        let attendees = match (&own, ctx.allows(Action::EventManage, None)) {
            (Some(v), _) => attendees
                .into_iter()
                .filter(|a| a.village_code == *v)
                .collect(),
            (None, true) => attendees,
            (None, false) => Vec::new(),
        };
        let can_manage = ctx.allows(Action::EventManage, Some(&place));
        let staff = can_manage || ctx.allows(Action::EventManage, None);
        let questions = self.question_rows(id).await?;
        Ok(EventDetail {
            questions,
            followups: self.followups(id).await?,
            materials: self.event_files(id, Some(FileKind::Materi)).await?,
            photos: if staff {
                self.event_files(id, Some(FileKind::Foto)).await?
            } else {
                Vec::new()
            },
            registrations: if staff {
                self.registrations(id).await?
            } else {
                Vec::new()
            },
            can_manage,
            own_village_only: own.is_some(),
            event,
            speakers,
            villages,
            attendees,
            by_village,
            total,
            by_role,
        })
    }

    /// The place of an event, for viewers: a desa user sees the events of their regency and
    /// those their village is invited to.
    pub(crate) async fn event_place_for_viewer(&self, ctx: &Ctx, id: i64) -> Result<RegionCode> {
        match self.event_place(ctx, id).await {
            Err(Error::Forbidden) => {
                if let benteng_domain::Scope::Village(v) = &ctx.actor.scope {
                    let (kab, _) = kab_and_prov(v);
                    let hit: Option<i64> = sqlx::query_scalar(
                        "SELECT e.id FROM events e WHERE e.id = $1 AND (e.region_code = $2 OR EXISTS \
                         (SELECT 1 FROM event_villages x WHERE x.event_id = e.id AND x.village_code = $3))",
                    )
                    .bind(id)
                    .bind(kab.unwrap_or_default())
                    .bind(v.as_str().to_string())
                    .fetch_optional(&self.db.pool)
                    .await?;
                    if hit.is_some() {
                        return Ok(v.clone());
                    }
                }
                Err(Error::Forbidden)
            }
            other => other,
        }
    }

    async fn speakers(&self, id: i64) -> Result<Vec<Speaker>> {
        Ok(sqlx::query_as(
            "SELECT name, agency, topic FROM event_speakers WHERE event_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// The villages invited to an event (no check: they are on its public page).
    pub async fn event_villages(&self, id: i64) -> Result<Vec<Named>> {
        Ok(sqlx::query_as(
            "SELECT v.village_code AS code, COALESCE(r.name, v.village_code) AS name FROM event_villages v \
             LEFT JOIN regions r ON r.code = v.village_code WHERE v.event_id = $1 ORDER BY r.name",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// The event behind a check-in code (public).
    pub async fn event_by_code(&self, code: &str) -> Result<(i64, PublicEvent)> {
        let code = parse_code(code).map_err(|c| crate::reports::invalid("code", c))?;
        let row = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE e.checkin_code = $1"
        )))
        .bind(code.clone())
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or_else(|| crate::reports::invalid("code", "err-checkin-unknown"))?;
        let villages = self.event_villages(row.id).await?;
        Ok((
            row.id,
            PublicEvent {
                id: row.id,
                when: row.when(),
                starts_at: row.starts_at,
                zone: row.zone.clone(),
                title: row.title,
                venue: row.venue,
                code,
                villages,
            },
        ))
    }
}
async fn write_parts(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    v: &NewEvent,
) -> Result<()> {
    for (
        pos,
        Speaker {
            name,
            agency,
            topic,
        },
    ) in v.speakers.iter().enumerate()
    {
        sqlx::query(
            "INSERT INTO event_speakers (event_id, position, name, agency, topic) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(pos as i64 + 1)
        .bind(name.clone())
        .bind(agency.clone())
        .bind(topic.clone())
        .execute(&mut **tx)
        .await?;
    }
    for village in &v.villages {
        sqlx::query("INSERT INTO event_villages (event_id, village_code) VALUES ($1, $2)")
            .bind(id)
            .bind(village.as_str().to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Invited villages must lie in the planner's own area: an invitation shows the event and its
/// check-in code to the village's users, so an officer cannot reach villages elsewhere.
fn invited_in_scope(ctx: &Ctx, v: &NewEvent) -> Result<()> {
    if v.villages
        .iter()
        .all(|village| ctx.allows(Action::EventManage, Some(village)))
    {
        Ok(())
    } else {
        let mut e = benteng_domain::FieldErrors::new();
        e.add("villages", "err-region-out-of-scope");
        Err(Error::Invalid(e))
    }
}

/// The events repository, reached as `db.events()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
