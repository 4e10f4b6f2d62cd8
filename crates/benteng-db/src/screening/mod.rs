//! Screening: the watchlist and the passport-interview risk check (issue 4, PRODUCT.md §5).
//!
//! **The watchlist** has two parts. Officers' flags and imported lists live in `watchlist`.
//! People named in reports (suspected recruiters; victims and people at risk, who include
//! missing persons) are read straight from `report_people` of reports that were not rejected
//! (`ditolak`) or merged (`digabung`) — public reports only once reviewed — so a report's
//! changes reach the watchlist without copying. Entry ids are
//! `w<id>` and `p<id>` (a report person).
//!
//! **The index** ([`WatchCache`]) is built in memory from all active entries, nationwide:
//! an applicant from Malang may be named in a report from Blitar. Details of a hit outside the
//! officer's area are limited to the name, the kind and the office area it comes from; the
//! report itself stays behind its own scope check. The cache rebuilds when the watchlist or
//! the reports change: at once while the lists are small (under [`SYNC_REBUILD_LIMIT`]
//! entries), otherwise in the background, so a screening may miss a change of the last
//! minute on a very large installation (documented in docs/screening.md).
//!
//! **Screenings** keep what the interviewer entered, the findings and hits as they were, and
//! the decision. The office sees its own; the Kanwil those of offices in its province.

use crate::audit::{self, Event};
use crate::reports::mask_nik;
use crate::sql::{kab_and_prov, Filter};
use crate::{Ctx, Db, Error, Page, Result};
use benteng_domain::screening::{Index, WatchEntry};
use benteng_domain::values::{date, format_date};
use benteng_domain::{Action, FieldErrors, RegionCode, Role, Scope};
use serde::Serialize;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

mod interview;
pub use interview::*;

/// Below this many entries the index is rebuilt before a screening when anything changed.
pub const SYNC_REBUILD_LIMIT: usize = 50_000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchRow {
    pub id: i64,
    pub name: String,
    pub aliases: String,
    pub birth_date: Option<String>,
    pub nik: Option<String>,
    pub phones: String,
    pub category: String,
    pub source: String,
    pub note: Option<String>,
    pub region_code: Option<String>,
    pub village_name: Option<String>,
    pub valid_until: Option<String>,
    pub active: i64,
    pub created_at: i64,
}

/// Which entries [`crate::screening::Repo::list_watch`] lists, as read by `benteng_app::screening::watchlist`.
#[derive(Debug, Clone, Default)]
pub struct WatchFilter {
    /// Part of a name or alias.
    pub q: Option<String>,
    /// One of the categories (checked by the caller).
    pub category: Option<String>,
    /// Ended entries too.
    pub all: bool,
    pub page: Option<i64>,
}

/// A watchlist entry as read and checked by `benteng_app::screening::watchlist`: aliases and
/// phones one per line (phones in +62 form), dates as YYYY-MM-DD, the NIK valid.
#[derive(Debug, Clone)]
pub struct NewWatch {
    pub name: String,
    pub aliases: String,
    pub birth_date: Option<String>,
    pub nik: Option<String>,
    pub phones: String,
    pub category: String,
    pub note: Option<String>,
    pub region: Option<RegionCode>,
    pub valid_until: Option<String>,
}

/// The items of a list typed one per line or separated by `;` (aliases, phones).
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['\n', ';'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

/// The in-memory index over the whole watchlist, shared by every request of a process.
pub struct WatchCache {
    built: RwLock<Option<Arc<Built>>>,
    rebuilding: Mutex<bool>,
    /// One build at a time: requests that find the index stale wait for the running build
    /// instead of starting their own.
    build_lock: tokio::sync::Mutex<()>,
}

pub struct Built {
    pub index: Index,
    stamp: Stamp,
    pub build_ms: u128,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
struct Stamp {
    watch_count: i64,
    watch_updated: i64,
    report_count: i64,
    report_updated: i64,
    /// Entries end on their `valid_until` date: a new day rebuilds the index.
    today: i64,
}

impl Default for WatchCache {
    fn default() -> Self {
        Self::new()
    }
}

impl WatchCache {
    pub fn new() -> WatchCache {
        WatchCache {
            built: RwLock::new(None),
            rebuilding: Mutex::new(false),
            build_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The index as last built, if it was built yet.
    pub fn built(&self) -> Option<Arc<Built>> {
        self.get()
    }

    fn get(&self) -> Option<Arc<Built>> {
        self.built.read().ok().and_then(|g| g.clone())
    }

    fn set(&self, b: Arc<Built>) {
        if let Ok(mut g) = self.built.write() {
            *g = Some(b);
        }
    }

    /// Build the index now (at startup, or when a caller must see every change).
    pub async fn rebuild(&self, db: &Db) -> Result<Arc<Built>> {
        let _one = self.build_lock.lock().await;
        let stamp = db.screening().watch_stamp().await?;
        // Someone else built it while this one waited.
        if let Some(b) = self.get().filter(|b| b.stamp == stamp) {
            return Ok(b);
        }
        let t = Instant::now();
        let entries = db.screening().watch_entries().await?;
        let index = tokio::task::spawn_blocking(move || Index::build(entries))
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("index build: {e}")))?;
        let b = Arc::new(Built {
            index,
            stamp,
            build_ms: t.elapsed().as_millis(),
        });
        self.set(b.clone());
        Ok(b)
    }

    /// The index for a screening: rebuilt first if the data changed and the lists are small,
    /// otherwise the current one while a rebuild runs in the background.
    pub async fn current(self: &Arc<Self>, db: &Db) -> Result<Arc<Built>> {
        let Some(b) = self.get() else {
            return self.rebuild(db).await;
        };
        let stamp = db.screening().watch_stamp().await?;
        if stamp == b.stamp {
            return Ok(b);
        }
        if b.index.len() < SYNC_REBUILD_LIMIT {
            return self.rebuild(db).await;
        }
        let start = match self.rebuilding.lock() {
            Ok(mut r) if !*r => {
                *r = true;
                true
            }
            _ => false,
        };
        if start {
            let (me, db) = (self.clone(), db.clone());
            tokio::spawn(async move {
                if let Err(e) = me.rebuild(&db).await {
                    tracing::warn!(error = %e, "watchlist index rebuild failed");
                }
                if let Ok(mut r) = me.rebuilding.lock() {
                    *r = false;
                }
            });
        }
        Ok(b)
    }
}

/// Watchlist rows written per transaction by an import, and the pause between two on SQLite.
const IMPORT_CHUNK: usize = 2_000;
const IMPORT_PAUSE: std::time::Duration = std::time::Duration::from_millis(120);

impl crate::screening::Repo<'_> {
    async fn watch_stamp(&self) -> Result<Stamp> {
        let (watch_count, watch_updated): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MAX(updated_at) FROM watchlist")
                .fetch_one(&self.db.pool)
                .await?;
        // Reports are never deleted, so the highest id stands for their number; both maxima
        // are read from indexes (0014), not by scanning a million rows.
        let (report_count, report_updated): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT MAX(id) FROM reports), (SELECT MAX(updated_at) FROM reports)",
        )
        .fetch_one(&self.db.pool)
        .await?;
        Ok(Stamp {
            watch_count,
            watch_updated: watch_updated.unwrap_or(0),
            report_count: report_count.unwrap_or(0),
            report_updated: report_updated.unwrap_or(0),
            today: crate::today().to_julian_day() as i64,
        })
    }

    /// Every active watchlist entry, officers' and imported ones first, then people named in
    /// live reports (recruiters, victims and people at risk). An anonymous public report counts
    /// only once an officer has looked at it (its status moved past `baru`): one unchecked
    /// submission must not put a name before every passport interviewer. Also used by
    /// `benteng screen` without `--watchlist`.
    pub async fn watch_entries(&self) -> Result<Vec<WatchEntry>> {
        let today = format_date(crate::today());
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            name: String,
            aliases: String,
            birth_date: Option<String>,
            nik: Option<String>,
            phones: String,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, name, aliases, birth_date, nik, phones FROM watchlist \
             WHERE active = 1 AND (valid_until IS NULL OR valid_until >= $1) ORDER BY id",
        )
        .bind(&today)
        .fetch_all(&self.db.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut names = vec![r.name];
            names.extend(split_list(&r.aliases).map(str::to_string));
            out.push(WatchEntry {
                id: format!("w{}", r.id),
                names,
                birth_date: r.birth_date.as_deref().and_then(|d| date(d).ok()),
                nik: r.nik,
                phones: split_list(&r.phones).map(str::to_string).collect(),
            });
        }
        let people: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT p.id, p.name, p.nik, p.phone FROM report_people p JOIN reports r ON r.id = p.report_id \
             WHERE p.name IS NOT NULL AND p.name <> '' AND p.role IN ('perekrut', 'korban') \
             AND r.status NOT IN ('ditolak', 'digabung') AND NOT (r.status = 'baru' AND r.source = 'publik') ORDER BY p.id",
        )
        .fetch_all(&self.db.pool)
        .await?;
        out.reserve(people.len());
        for (id, name, nik, phone) in people {
            out.push(WatchEntry {
                id: format!("p{id}"),
                names: vec![name],
                birth_date: None,
                nik,
                phones: phone.into_iter().collect(),
            });
        }
        Ok(out)
    }

    async fn insert_watch(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        ctx: &Ctx,
        v: &NewWatch,
        source: &str,
    ) -> Result<i64> {
        let (kab, prov) = match &v.region {
            Some(r) => {
                let (k, p) = kab_and_prov(r);
                (k, Some(p))
            }
            None => (None, None),
        };
        let now = crate::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO watchlist (name, aliases, birth_date, nik, phones, category, source, note, region_code, kab_code, prov_code, valid_until, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        )
        .bind(&v.name)
        .bind(&v.aliases)
        .bind(&v.birth_date)
        .bind(&v.nik)
        .bind(&v.phones)
        .bind(&v.category)
        .bind(source)
        .bind(&v.note)
        .bind(v.region.as_ref().map(|r| r.as_str().to_string()))
        .bind(kab)
        .bind(prov)
        .bind(&v.valid_until)
        .bind(ctx.actor.user_id)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Whether the actor may keep an entry for `region` (a lookup, for the reader of the input):
    /// entries without a village are national (every officer reads them, only admins end
    /// them), so only admins make them; a village must exist and be in the actor's area.
    pub async fn check_watch_place(
        &self,
        ctx: &Ctx,
        region: Option<&RegionCode>,
        e: &mut FieldErrors,
    ) -> Result<()> {
        if region.is_none() && ctx.actor.role != Role::Admin {
            e.add("region_code", "err-watch-village-required");
        }
        if let Some(r) = region {
            if self
                .db
                .regions()
                .region_by_code(r.as_str())
                .await?
                .is_none()
            {
                e.add("region_code", "err-region-unknown");
            } else if !ctx.allows(Action::WatchlistManage, Some(r)) {
                e.add("region_code", "err-region-out-of-scope");
            }
        }
        Ok(())
    }

    /// The policy on an entry about to be written: the reader has checked the place with
    /// [`crate::screening::Repo::check_watch_place`]; this guards the write whatever the caller did.
    fn may_keep(ctx: &Ctx, v: &NewWatch) -> Result<()> {
        match &v.region {
            Some(r) => ctx.require(Action::WatchlistManage, Some(r)),
            None if ctx.actor.role == Role::Admin => Ok(()),
            None => Err(Error::Forbidden),
        }
    }

    /// An officer flags a person (read and checked by the caller).
    pub async fn create_watch(&self, ctx: &Ctx, v: &NewWatch) -> Result<i64> {
        ctx.require(Action::WatchlistManage, None)?;
        Self::may_keep(ctx, v)?;
        let mut tx = self.db.pool.begin().await?;
        let id = self.insert_watch(&mut tx, ctx, v, "petugas").await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "create",
                entity: "watchlist",
                entity_id: Some(id.to_string()),
                region: v.region.as_ref(),
                sensitive: false,
                detail: Some(format!("category={}", v.category)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Keep the good rows of an imported list in one transaction, with one audit entry that
    /// counts them and the `bad_rows` left out. Returns how many were imported.
    pub async fn import_watch(
        &self,
        ctx: &Ctx,
        entries: &[NewWatch],
        bad_rows: usize,
    ) -> Result<usize> {
        ctx.require(Action::WatchlistManage, None)?;
        for v in entries {
            Self::may_keep(ctx, v)?;
        }
        // SQLite has one writer at a time: a 100,000-row import in one transaction held it
        // for about ten seconds, and a report sent meanwhile waited that long (issue 23).
        // Chunks let other writers in between. A writer waiting for the lock sleeps in
        // SQLite's busy handler (up to 100 ms between tries) and would miss the instant
        // between two chunks, so on SQLite the import pauses that long after each chunk.
        // The audit entry, naming the whole import, commits with the first chunk, so a crash
        // half way leaves an audited import whose rows are fewer than its entry says, never
        // unaudited rows.
        for (i, chunk) in entries.chunks(IMPORT_CHUNK).enumerate() {
            if i > 0 && self.db.backend == crate::Backend::Sqlite {
                tokio::time::sleep(IMPORT_PAUSE).await;
            }
            let mut tx = self.db.pool.begin().await?;
            if i == 0 {
                audit::write(
                    &mut *tx,
                    Some(ctx),
                    Event {
                        action: "import",
                        entity: "watchlist",
                        entity_id: None,
                        region: None,
                        sensitive: false,
                        detail: Some(format!("rows={} errors={}", entries.len(), bad_rows)),
                    },
                )
                .await?;
            }
            for v in chunk {
                self.insert_watch(&mut tx, ctx, v, "impor").await?;
            }
            tx.commit().await?;
        }
        Ok(entries.len())
    }

    /// Watchlist entries of the actor's area (and entries without a village, which every
    /// officer may read: imported national lists).
    pub async fn list_watch(
        &self,
        ctx: &Ctx,
        q: &WatchFilter,
        per_page: i64,
    ) -> Result<Page<WatchRow>> {
        ctx.require(Action::WatchlistView, None)?;
        let mut f = Filter::default();
        watch_scope(&mut f, &ctx.actor.scope);
        if !q.all {
            f.push("w.active = 1".into());
        }
        if let Some(c) = &q.category {
            let ph = f.text(c.as_str());
            f.push(format!("w.category = {ph}"));
        }
        if let Some(text) = q.q.as_deref().filter(|s| !s.trim().is_empty()) {
            let ph = f.text(crate::sql::like_pattern(text));
            f.push(format!(
                "(LOWER(w.name) LIKE {ph} OR LOWER(w.aliases) LIKE {ph})"
            ));
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM watchlist w{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let mut items = f
            .query_as::<WatchRow>(format!(
                "SELECT w.id, w.name, w.aliases, w.birth_date, w.nik, w.phones, w.category, w.source, w.note, \
                 w.region_code, v.name AS village_name, w.valid_until, w.active, w.created_at \
                 FROM watchlist w LEFT JOIN regions v ON v.code = w.region_code{} \
                 ORDER BY w.id DESC LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        for w in &mut items {
            mask_watch(w);
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// End an entry (it stays for the record, no longer matched).
    pub async fn end_watch(&self, ctx: &Ctx, id: i64) -> Result<()> {
        ctx.require(Action::WatchlistManage, None)?;
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT region_code, prov_code FROM watchlist WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?;
        let (region, _) = row.ok_or(Error::NotFound)?;
        let place = region.as_deref().and_then(|r| RegionCode::parse(r).ok());
        // National entries (no village) are ended by admins only.
        match &place {
            Some(p) => ctx.require(Action::WatchlistManage, Some(p))?,
            None if ctx.actor.role == Role::Admin => {}
            None => return Err(Error::Forbidden),
        }
        let mut tx = self.db.pool.begin().await?;
        sqlx::query("UPDATE watchlist SET active = 0, updated_at = $1 WHERE id = $2")
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "end",
                entity: "watchlist",
                entity_id: Some(id.to_string()),
                region: place.as_ref(),
                sensitive: false,
                detail: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One bad import row.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    pub line: u64,
    pub field: String,
    /// A Fluent message id.
    pub code: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    pub imported: usize,
    pub errors: Vec<RowError>,
}

fn watch_scope(f: &mut Filter, scope: &Scope) {
    match scope {
        Scope::All => {}
        Scope::Province(p) => {
            let ph = f.text(p.as_str());
            f.push(format!("(w.prov_code = {ph} OR w.prov_code IS NULL)"));
        }
        Scope::Regencies(list) => {
            let phs: Vec<String> = list.iter().map(|r| f.text(r.as_str())).collect();
            f.push(format!(
                "(w.kab_code IN ({}) OR w.kab_code IS NULL)",
                phs.join(", ")
            ));
        }
        Scope::Village(_) | Scope::Nothing => f.push("1 = 0".into()),
    }
}

fn mask_watch(w: &mut WatchRow) {
    w.nik = w.nik.as_deref().map(mask_nik);
    w.phones = split_list(&w.phones)
        .map(benteng_domain::phone::mask_phone)
        .collect::<Vec<_>>()
        .join("\n");
}

/// The screening repository, reached as `db.screening()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
