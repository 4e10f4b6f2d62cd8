//! What surrounds an event: registration ahead on the public page, the upcoming events a
//! village can see, follow-up actions with an owner and a due date, speakers' materials
//! (downloadable by participants with the event's code) and photos (officers and the activity
//! report only: they show residents' faces).

use super::*;
use crate::storage::{new_key, BlobStore, CleanFile};

/// Most follow-ups and files per event.
const MAX_FOLLOWUPS: i64 = 50;
const MAX_FILES: i64 = 40;

pub use benteng_domain::event::EventFileKind as FileKind;

/// A follow-up action agreed at the event.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: i64,
    pub action: String,
    /// Who does it (a person or an agency, as written).
    pub owner: String,
    /// YYYY-MM-DD.
    pub due_date: String,
    pub done_at: Option<i64>,
    /// Not done and the due date has passed (computed when read).
    #[sqlx(default)]
    pub overdue: bool,
}

impl FollowUp {
    /// "17-12-2026".
    pub fn due(&self) -> String {
        // Stored as YYYY-MM-DD.
        match (
            self.due_date.get(..4),
            self.due_date.get(5..7),
            self.due_date.get(8..10),
        ) {
            (Some(y), Some(m), Some(d)) => format!("{d}-{m}-{y}"),
            _ => self.due_date.clone(),
        }
    }
}

/// A follow-up action as an officer agreed it, checked.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub action: String,
    pub owner: String,
    pub due_date: time::Date,
}

/// A participant (checking in or registering ahead) as read against the event's invited
/// villages.
#[derive(Debug, Clone)]
pub struct Participant {
    pub name: String,
    /// One of the invited villages, or empty ("from elsewhere").
    pub village: String,
    /// `l` or `p`.
    pub sex: Option<String>,
    pub role: AttendeeRole,
}

/// A material or photo of an event.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventFile {
    pub id: i64,
    pub kind: String,
    pub caption: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

impl EventFile {
    /// "1,2 MB" or "340 KB".
    pub fn size_text(&self) -> String {
        if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / (1024.0 * 1024.0)).replace('.', ",")
        } else {
            format!("{} KB", (self.size + 1023) / 1024)
        }
    }
}

/// An upcoming event as the public sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpcomingEvent {
    pub id: i64,
    pub title: String,
    pub when: String,
    /// Unix time of the start, and the zone it is given in (WIB, WITA, WIT).
    pub starts_at: i64,
    pub zone: String,
    pub venue: String,
    pub place: String,
    pub agenda: Option<String>,
    pub speakers: Vec<Speaker>,
    pub villages: Vec<Named>,
    /// Registration is open until the event starts.
    pub open: bool,
}

impl crate::events::Repo<'_> {
    /// Add a follow-up action (officers).
    pub async fn add_followup(&self, ctx: &Ctx, id: i64, f: &NewFollowUp) -> Result<i64> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_followups WHERE event_id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?;
        if n >= MAX_FOLLOWUPS {
            return Err(crate::reports::invalid("action", "err-too-many"));
        }
        let mut tx = self.db.begin().await?;
        let fid: i64 = sqlx::query_scalar(
            "INSERT INTO event_followups (event_id, action, owner, due_date, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(f.action.clone())
        .bind(f.owner.clone())
        .bind(benteng_domain::values::format_date(f.due_date))
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: "followup",
                entity: "event",
                entity_id: Some(id.to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(fid)
    }

    /// Mark a follow-up done (or not done again).
    pub async fn set_followup_done(&self, ctx: &Ctx, id: i64, fid: i64, done: bool) -> Result<()> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let n =
            sqlx::query("UPDATE event_followups SET done_at = $1 WHERE id = $2 AND event_id = $3")
                .bind(done.then(crate::now))
                .bind(fid)
                .bind(id)
                .execute(&self.db.pool)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    pub(super) async fn followups(&self, id: i64) -> Result<Vec<FollowUp>> {
        let mut rows: Vec<FollowUp> = sqlx::query_as(
            "SELECT id, action, owner, due_date, done_at FROM event_followups WHERE event_id = $1 ORDER BY due_date, id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let today = benteng_domain::values::format_date(crate::today());
        for f in &mut rows {
            f.overdue = f.done_at.is_none() && f.due_date < today;
        }
        Ok(rows)
    }

    /// Attach a material or a photo (already cleaned by `benteng_app::uploads`, the caption
    /// checked by `benteng_app::events`). The file is stored before its row is committed.
    pub async fn add_event_file(
        &self,
        ctx: &Ctx,
        id: i64,
        kind: FileKind,
        caption: Option<String>,
        file: &CleanFile,
        store: &dyn BlobStore,
    ) -> Result<i64> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_files WHERE event_id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await?;
        if n >= MAX_FILES {
            return Err(crate::reports::invalid("file", "err-too-many-files"));
        }
        let key = new_key(file);
        store
            .put(&key, &file.bytes)
            .await
            .map_err(crate::storage::put_failed)?;
        let mut tx = self.db.begin().await?;
        let fid: i64 = sqlx::query_scalar(
            "INSERT INTO event_files (event_id, kind, caption, file_name, content_type, size, storage_key, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(caption)
        .bind(file.file_name.clone())
        .bind(file.content_type)
        .bind(file.bytes.len() as i64)
        .bind(key)
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .fetch_one(&mut *tx)
        .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            AuditEvent {
                action: "attach",
                entity: "event",
                entity_id: Some(id.to_string()),
                detail: Some(kind.as_str().to_string()),
                region: Some(&place),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(fid)
    }

    pub(super) async fn event_files(
        &self,
        id: i64,
        kind: Option<FileKind>,
    ) -> Result<Vec<EventFile>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, caption, file_name, content_type, size FROM event_files \
             WHERE event_id = $1 AND ($2 = '' OR kind = $2) ORDER BY kind, id",
        )
        .bind(id)
        .bind(kind.map(|k| k.as_str()).unwrap_or(""))
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// The materials of the event behind a check-in code (what participants may download).
    pub async fn materials_by_code(&self, code: &str) -> Result<Vec<EventFile>> {
        let (id, _) = self.event_by_code(code).await?;
        self.event_files(id, Some(FileKind::Materi)).await
    }

    /// A file of an event for someone who may see the event: (name, type, bytes). Photos need
    /// an officer or the Kanwil; materials are also open to participants with the code
    /// ([`crate::events::Repo::material_by_code`]).
    pub async fn event_file(
        &self,
        ctx: &Ctx,
        id: i64,
        fid: i64,
        store: &dyn BlobStore,
    ) -> Result<(String, String, Vec<u8>)> {
        self.event_place_for_viewer(ctx, id).await?;
        // Photos are for officers and the Kanwil; others get materials only.
        let kind = if ctx.allows(Action::EventManage, None) {
            None
        } else {
            Some(FileKind::Materi)
        };
        self.read_event_file(id, fid, kind, store).await
    }

    /// A material, for a participant with the event's check-in code.
    pub async fn material_by_code(
        &self,
        code: &str,
        fid: i64,
        store: &dyn BlobStore,
    ) -> Result<(String, String, Vec<u8>)> {
        let (id, _) = self
            .event_by_code(code)
            .await
            .map_err(|_| Error::NotFound)?;
        self.read_event_file(id, fid, Some(FileKind::Materi), store)
            .await
    }

    /// What the activity report needs beyond the event's page: the organising office's name
    /// and the photos as stored, with their captions (at most `max`). Officers and the Kanwil only.
    pub async fn report_extras(
        &self,
        ctx: &Ctx,
        id: i64,
        max: usize,
        store: &dyn BlobStore,
    ) -> Result<(Option<String>, Vec<(String, Vec<u8>)>)> {
        let place = self.event_place(ctx, id).await?;
        ctx.require(Action::EventManage, Some(&place))?;
        let office: Option<String> = sqlx::query_scalar(
            "SELECT o.name FROM events e JOIN offices o ON o.id = e.office_id WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let mut photos = Vec::new();
        for f in self
            .event_files(id, Some(FileKind::Foto))
            .await?
            .into_iter()
            .take(max)
        {
            let (_, _, bytes) = self.read_event_file(id, f.id, None, store).await?;
            photos.push((f.caption.unwrap_or_default(), bytes));
        }
        Ok((office, photos))
    }

    async fn read_event_file(
        &self,
        id: i64,
        fid: i64,
        kind: Option<FileKind>,
        store: &dyn BlobStore,
    ) -> Result<(String, String, Vec<u8>)> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT file_name, content_type, storage_key, kind FROM event_files WHERE id = $1 AND event_id = $2",
        )
        .bind(fid)
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((name, ct, key, k)) = row else {
            return Err(Error::NotFound);
        };
        if kind.is_some_and(|want| want.as_str() != k) {
            return Err(Error::NotFound);
        }
        let bytes = store
            .get(&key)
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("reading an upload failed: {e}")))?
            .ok_or(Error::NotFound)?;
        Ok((name, ct, bytes))
    }

    /// Upcoming events the public can see, soonest first; with `village`, those held in it or
    /// in its kabupaten/kota, or inviting it.
    /// Kept for seconds ([`crate::shelf`]); planning or changing an event drops it.
    pub async fn upcoming_events(
        &self,
        village: Option<&RegionCode>,
        page: Option<i64>,
    ) -> Result<Page<UpcomingEvent>> {
        let key = format!(
            "{} {}",
            village.map(RegionCode::as_str).unwrap_or_default(),
            crate::paging(page, 20).0
        );
        self.db
            .shelves
            .upcoming
            .get(&key, || self.read_upcoming(village, page))
            .await
    }

    async fn read_upcoming(
        &self,
        village: Option<&RegionCode>,
        page: Option<i64>,
    ) -> Result<Page<UpcomingEvent>> {
        let mut f = Filter::default();
        let from = f.int(crate::now() - 6 * 3600);
        f.push(format!("e.starts_at >= {from}"));
        if let Some(v) = village {
            let own = f.text(v.as_str());
            let (kab, _) = kab_and_prov(v);
            let kab = f.text(kab.unwrap_or_default());
            f.push(format!(
                "(e.region_code = {own} OR e.region_code = {kab} OR e.id IN (SELECT event_id FROM event_villages WHERE village_code = {own}))"
            ));
        }
        let (page, per_page, offset) = crate::paging(page, 20);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM events e{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let rows = f
            .query_as::<EventRow>(format!(
                "{SELECT}{} ORDER BY e.starts_at, e.id LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.upcoming(r).await?);
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    async fn upcoming(&self, r: EventRow) -> Result<UpcomingEvent> {
        let speakers = self.speakers(r.id).await?;
        let villages = self.event_villages(r.id).await?;
        Ok(UpcomingEvent {
            open: r.starts_at > crate::now(),
            when: r.when(),
            starts_at: r.starts_at,
            zone: r.zone.clone(),
            id: r.id,
            title: r.title,
            venue: r.venue,
            place: r.region_name.unwrap_or_default(),
            agenda: r.agenda,
            speakers,
            villages,
        })
    }

    /// One event for the public page (upcoming or past: a link may be shared after the day).
    pub async fn public_event(&self, id: i64) -> Result<UpcomingEvent> {
        let r =
            sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = $1")))
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?
                .ok_or(Error::NotFound)?;
        self.upcoming(r).await
    }

    /// Register ahead for an event (public; `benteng_app::events` checked that registration
    /// is open). False when the same person had registered.
    pub async fn register_for_event(&self, id: i64, p: &Participant) -> Result<bool> {
        let Participant {
            name,
            village,
            sex,
            role,
        } = p.clone();
        let n = sqlx::query(
            "INSERT INTO event_registrations (event_id, name, name_key, village_code, sex, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, name_key, village_code) DO NOTHING",
        )
        .bind(id)
        .bind(name.clone())
        .bind(name_key(&name))
        .bind(village)
        .bind(sex)
        .bind(role.as_str())
        .bind(crate::now())
        .execute(&self.db.pool)
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// Who registered ahead, with whether they came.
    pub(super) async fn registrations(&self, id: i64) -> Result<Vec<Registration>> {
        Ok(sqlx::query_as(
            "SELECT g.name, g.village_code, r.name AS village_name, g.role, \
             (SELECT COUNT(*) FROM event_attendees a WHERE a.event_id = g.event_id AND a.name_key = g.name_key \
              AND a.village_code = g.village_code) AS came \
             FROM event_registrations g LEFT JOIN regions r ON r.code = g.village_code \
             WHERE g.event_id = $1 ORDER BY g.id LIMIT 2000",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }
}

/// Someone who registered ahead.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registration {
    pub name: String,
    pub village_code: String,
    pub village_name: Option<String>,
    pub role: String,
    /// 1 when they checked in.
    pub came: i64,
}
