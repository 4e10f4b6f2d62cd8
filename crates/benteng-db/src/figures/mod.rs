//! The dashboard's figures: counts over a period for the viewer's scope, narrowed to an area
//! the viewer chose, per child area, and month by month.
//!
//! Every count goes through [`Place`], which applies the viewer's scope exactly as the lists
//! do (`Filter::scope` on the record's own place columns; screenings by the office as in the
//! screening list) and then the chosen area. A section is counted only when the viewer may
//! see its records (`ReportView` for reports, `CaseView` for cases, …): a figure never tells
//! what its list would not show. Periods use the WIB calendar (`benteng_domain::figures`).
//!
//! Counting is plain SQL on the records' indexes (`created_at`, `kab_code`, `prov_code`);
//! the results of a scope, area and period are kept for [`CACHE_SECS`] (see [`Cache`]), then
//! shown for up to [`STALE_SECS`] more while one background task counts them again, and the
//! page says when they were counted. Only the first view of a dashboard nobody opened in the
//! last half hour waits for its count (about a second at a province with 1,000,000 reports,
//! `docs/performance.md`).

mod count;
pub mod monthly;
mod trend;

pub use count::AgencyResponse;
pub use trend::{AreaRow, Measure};

use crate::sql::Filter;
use crate::{Ctx, Db, Result};
use benteng_domain::figures::Period;
use benteng_domain::{Action, RegionCode, RegionLevel, Role, Scope};
use serde::Serialize;

/// How long counted figures are reused: a dashboard opened by many officers at once counts
/// once; a change shows within five minutes.
pub const CACHE_SECS: i64 = 300;

/// How long older figures are still shown while they are counted again in the background
/// (stale-while-revalidate): a viewer never waits for a count of a dashboard someone opened
/// in the last half hour; the page says when its figures were counted.
pub const STALE_SECS: i64 = 1800;

/// What a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count of records or events.
    Count,
    /// A count of people who could be found from it (victims, residents in trouble, who
    /// left without the procedure): shown as "< 5" from 1 to 4 outside the village's own
    /// users and its office.
    People,
    /// A median duration in minutes.
    Minutes,
    /// An average in tenths of percentage points (the knowledge gain).
    Points,
}

/// One figure.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    /// `section.figure` or `section.figure.value`, e.g. `reports.filed`,
    /// `reports.category.rekrutmen`.
    pub key: String,
    pub n: i64,
    pub unit: Unit,
    /// Counted as things stand now rather than for the period (a register's statuses,
    /// overdue referrals): the same for the period and the one before.
    pub snapshot: bool,
}

/// The figures of one period.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub counts: Vec<Count>,
    /// Referrals per receiving agency: sent in the period, answered, the median time to the
    /// first answer.
    pub agencies: Vec<AgencyResponse>,
    /// When they were counted (unix seconds).
    pub counted_at: i64,
}

impl Figures {
    pub fn get(&self, key: &str) -> Option<i64> {
        self.counts.iter().find(|c| c.key == key).map(|c| c.n)
    }
}

/// An office with the measures of its working area (in the order of [`Measure::visible`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeRow {
    pub id: i64,
    pub name: String,
    /// The kabupaten/kota codes of its working area today.
    pub regencies: Vec<String>,
    pub desa_binaan: i64,
    pub values: Vec<i64>,
}

/// The instants and dates of a period, as the SQL compares them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Window {
    pub start: i64,
    pub end: i64,
    pub first_day: String,
    pub end_day: String,
}

impl From<&Period> for Window {
    fn from(p: &Period) -> Self {
        let (start, end) = p.instants();
        let (first_day, end_day) = p.day_bounds();
        Window {
            start,
            end,
            first_day,
            end_day,
        }
    }
}

/// Where a table keeps a record's place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cols {
    pub village: &'static str,
    pub kab: &'static str,
    pub prov: &'static str,
}

/// The viewer's scope narrowed to a chosen area, applied to any table.
#[derive(Debug, Clone)]
pub(crate) struct Place<'a> {
    pub ctx: &'a Ctx,
    pub area: Option<&'a RegionCode>,
}

impl Place<'_> {
    /// A filter holding the scope and the area for a table with these columns.
    pub fn filter(&self, cols: Cols) -> Filter {
        let mut f = Filter::default();
        f.scope(&self.ctx.actor.scope, cols.village, cols.kab, cols.prov);
        self.narrow(&mut f, cols);
        f
    }

    /// Screenings belong to the office that held the interview (as in the screening list);
    /// a chosen area narrows them to applicants from there.
    pub fn screening_filter(&self) -> Filter {
        let mut f = Filter::default();
        let a = &self.ctx.actor;
        match (&a.role, &a.scope) {
            (_, Scope::All) => {}
            (Role::Admin | Role::Kanwil, Scope::Province(p)) => {
                let ph = f.text(p.as_str());
                f.push(format!("s.prov_code = {ph}"));
            }
            // An officer's office; an office the Kanwil or the administrator opened
            // (`benteng_app::figures`, `kantor`: its area as scope, its id as office).
            (Role::Petugas, _) | (Role::Admin | Role::Kanwil, Scope::Regencies(_)) => {
                let ph = f.int(a.office_id.unwrap_or(-1));
                f.push(format!("s.office_id = {ph}"));
            }
            _ => f.push("1 = 0".into()),
        }
        self.narrow(
            &mut f,
            Cols {
                village: "s.region_code",
                kab: "s.kab_code",
                prov: "s.prov_code",
            },
        );
        f
    }

    fn narrow(&self, f: &mut Filter, cols: Cols) {
        let Some(area) = self.area else { return };
        let clause = match area.level() {
            RegionLevel::Provinsi => format!("{} = {}", cols.prov, f.text(area.as_str())),
            RegionLevel::KabupatenKota => format!("{} = {}", cols.kab, f.text(area.as_str())),
            RegionLevel::Kecamatan => {
                format!(
                    "{} LIKE {}",
                    cols.village,
                    f.text(format!("{}.%", area.as_str()))
                )
            }
            RegionLevel::Desa => format!("{} = {}", cols.village, f.text(area.as_str())),
        };
        f.push(clause);
    }

    /// The one village the figures are about, when they are about one.
    pub fn village(&self) -> Option<&RegionCode> {
        match (self.area, &self.ctx.actor.scope) {
            (Some(a), _) if a.level() == RegionLevel::Desa => Some(a),
            (_, Scope::Village(v)) => Some(v),
            _ => None,
        }
    }
}

/// Counted figures per (scope, area, period), reused for [`CACHE_SECS`] and shown stale for
/// [`STALE_SECS`] while counted again.
#[derive(Debug, Clone, Default)]
pub struct Cache(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (i64, CacheEntry)>>>,
    /// One count at a time: many viewers opening the same dashboard wait for the first.
    std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Keys being counted again in the background (one task per key).
    std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
);

/// What the cache holds for a key.
enum Found {
    Fresh(CacheEntry),
    /// Older than [`CACHE_SECS`]: shown while counted again.
    Stale(CacheEntry),
    Missing,
}

#[derive(Debug, Clone)]
enum CacheEntry {
    Figures(Figures),
    Areas(Vec<AreaRow>),
    Trend(Vec<i64>),
}

impl Cache {
    fn get(&self, key: &str, now: i64) -> Option<CacheEntry> {
        match self.find(key, now) {
            Found::Fresh(e) => Some(e),
            _ => None,
        }
    }

    fn find(&self, key: &str, now: i64) -> Found {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(key) {
            Some((at, e)) if now - at < CACHE_SECS => Found::Fresh(e.clone()),
            Some((at, e)) if now - at < CACHE_SECS + STALE_SECS => Found::Stale(e.clone()),
            _ => Found::Missing,
        }
    }

    /// Mark `key` as being counted again; false when a task already is.
    fn start_refresh(&self, key: &str) -> bool {
        self.2
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string())
    }

    fn end_refresh(&self, key: &str) {
        self.2.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }

    fn put(&self, key: String, now: i64, e: CacheEntry) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 2000 {
            map.retain(|_, (at, _)| now - *at < CACHE_SECS + STALE_SECS);
        }
        map.insert(key, (now, e));
    }

    /// Forget everything (tests that count, change and count again).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The figures repository, reached as `db.figures()`.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a Db,
}

/// What a background task counts again.
enum Recount {
    Figures,
    Areas,
    Trend(Measure, Vec<Window>),
}

impl Repo<'_> {
    fn check(&self, ctx: &Ctx, area: Option<&RegionCode>) -> Result<()> {
        ctx.require(Action::FiguresView, area)
    }

    /// Count `key` again in the background (one task per key, one count at a time with the
    /// viewers' counts); a failure keeps the older figures and is logged.
    fn refresh(&self, key: String, ctx: &Ctx, area: Option<&RegionCode>, w: Window, what: Recount) {
        let cache = &self.db.dashboards;
        if !cache.start_refresh(&key) {
            return;
        }
        let db = self.db.clone();
        let ctx = ctx.clone();
        let area = area.cloned();
        tokio::spawn(async move {
            let _one = db.dashboards.1.lock().await;
            let place = Place {
                ctx: &ctx,
                area: area.as_ref(),
            };
            let counted = match what {
                Recount::Figures => count::all(&db, &place, &w).await.map(CacheEntry::Figures),
                Recount::Areas => match trend::by_area(&db, &place).await {
                    Ok(rows) => trend::count_areas(&db, &place, rows, &w)
                        .await
                        .map(CacheEntry::Areas),
                    Err(e) => Err(e),
                },
                Recount::Trend(m, months) => trend::months(&db, &place, m, &months)
                    .await
                    .map(CacheEntry::Trend),
            };
            match counted {
                Ok(entry) => db.dashboards.put(key.clone(), crate::now(), entry),
                Err(e) => tracing::warn!(error = %e, "counting dashboard figures again failed"),
            }
            db.dashboards.end_refresh(&key);
        });
    }

    fn key(ctx: &Ctx, what: &str, area: Option<&RegionCode>, w: &Window) -> String {
        // The scope decides what is counted; the role and office decide the screenings.
        format!(
            "{what}|{:?}|{:?}|{:?}|{:?}|{}|{}",
            ctx.actor.role,
            ctx.actor.office_id,
            ctx.actor.scope,
            area.map(|a| a.as_str()),
            w.start,
            w.end
        )
    }

    /// Every figure of the period, for the viewer's scope narrowed to `area`.
    pub async fn figures(
        &self,
        ctx: &Ctx,
        area: Option<&RegionCode>,
        w: &Window,
    ) -> Result<Figures> {
        self.check(ctx, area)?;
        let key = Self::key(ctx, "figures", area, w);
        match self.db.dashboards.find(&key, crate::now()) {
            Found::Fresh(CacheEntry::Figures(f)) => return Ok(f),
            Found::Stale(CacheEntry::Figures(f)) => {
                self.refresh(key, ctx, area, w.clone(), Recount::Figures);
                return Ok(f);
            }
            _ => {}
        }
        let _one = self.db.dashboards.1.lock().await;
        if let Some(CacheEntry::Figures(f)) = self.db.dashboards.get(&key, crate::now()) {
            return Ok(f);
        }
        let place = Place { ctx, area };
        let f = count::all(self.db, &place, w).await?;
        self.db
            .dashboards
            .put(key, f.counted_at, CacheEntry::Figures(f.clone()));
        Ok(f)
    }

    /// The headline figures per child area of `area` (or of the viewer's own area).
    pub async fn by_area(
        &self,
        ctx: &Ctx,
        area: Option<&RegionCode>,
        w: &Window,
    ) -> Result<Vec<AreaRow>> {
        self.check(ctx, area)?;
        let key = Self::key(ctx, "areas", area, w);
        match self.db.dashboards.find(&key, crate::now()) {
            Found::Fresh(CacheEntry::Areas(rows)) => return Ok(rows),
            Found::Stale(CacheEntry::Areas(rows)) => {
                self.refresh(key, ctx, area, w.clone(), Recount::Areas);
                return Ok(rows);
            }
            _ => {}
        }
        let _one = self.db.dashboards.1.lock().await;
        if let Some(CacheEntry::Areas(rows)) = self.db.dashboards.get(&key, crate::now()) {
            return Ok(rows);
        }
        let place = Place { ctx, area };
        let rows = trend::by_area(self.db, &place).await?;
        let rows = trend::count_areas(self.db, &place, rows, w).await?;
        self.db
            .dashboards
            .put(key, crate::now(), CacheEntry::Areas(rows.clone()));
        Ok(rows)
    }

    /// One measure month by month (`months` oldest first).
    pub async fn trend(
        &self,
        ctx: &Ctx,
        area: Option<&RegionCode>,
        measure: Measure,
        months: &[Window],
    ) -> Result<Vec<i64>> {
        self.check(ctx, area)?;
        let Some(first) = months.first() else {
            return Ok(Vec::new());
        };
        let key = format!(
            "{}|{}|{}",
            Self::key(ctx, "trend", area, first),
            measure.key(),
            months.len()
        );
        match self.db.dashboards.find(&key, crate::now()) {
            Found::Fresh(CacheEntry::Trend(v)) => return Ok(v),
            Found::Stale(CacheEntry::Trend(v)) => {
                self.refresh(
                    key,
                    ctx,
                    area,
                    first.clone(),
                    Recount::Trend(measure, months.to_vec()),
                );
                return Ok(v);
            }
            _ => {}
        }
        let place = Place { ctx, area };
        let v = trend::months(self.db, &place, measure, months).await?;
        self.db
            .dashboards
            .put(key, crate::now(), CacheEntry::Trend(v.clone()));
        Ok(v)
    }

    /// The Kanwil's offices side by side: each office's working area today (its
    /// kabupaten/kota) summed from the per-regency figures of the period. Other viewers get
    /// no rows (an officer's office is their whole area; the administrator compares
    /// provinces).
    pub async fn by_office(&self, ctx: &Ctx, w: &Window) -> Result<Vec<OfficeRow>> {
        self.check(ctx, None)?;
        let Scope::Province(p) = &ctx.actor.scope else {
            return Ok(Vec::new());
        };
        let regencies = self.by_area(ctx, None, w).await?;
        let today = benteng_domain::values::format_date(crate::today());
        let links: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT o.id, o.name, a.region_code FROM offices o \
             JOIN office_areas a ON a.office_id = o.id \
             WHERE o.province_code = $1 AND o.active = 1 \
             AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to > $2) \
             ORDER BY o.name, a.region_code",
        )
        .bind(p.as_str().to_string())
        .bind(today)
        .fetch_all(&self.db.pool)
        .await?;
        let width = Measure::visible(ctx).len();
        let mut out: Vec<OfficeRow> = Vec::new();
        for (id, name, kab) in links {
            if out.last().map(|o| o.id) != Some(id) {
                out.push(OfficeRow {
                    id,
                    name,
                    regencies: Vec::new(),
                    desa_binaan: 0,
                    values: vec![0; width],
                });
            }
            let Some(o) = out.last_mut() else { continue };
            if let Some(r) = regencies.iter().find(|r| r.code == kab) {
                o.desa_binaan += r.desa_binaan;
                for (v, n) in o.values.iter_mut().zip(&r.values) {
                    *v += n;
                }
            }
            o.regencies.push(kab);
        }
        Ok(out)
    }

    /// Cases opened in the period, without names: (opened_at, place code, exploitation
    /// forms, destination country, status), the newest first. Needs `CaseView`.
    #[allow(clippy::type_complexity)]
    pub async fn notable_cases(
        &self,
        ctx: &Ctx,
        area: Option<&RegionCode>,
        w: &Window,
    ) -> Result<Vec<(i64, String, String, Option<String>, String)>> {
        self.check(ctx, area)?;
        ctx.require(Action::CaseView, None)?;
        let place = Place { ctx, area };
        let mut f = place.filter(count::CASES);
        let (a, b) = (f.int(w.start), f.int(w.end));
        f.push(format!("c.opened_at >= {a} AND c.opened_at < {b}"));
        Ok(f.query_as(format!(
            "SELECT c.opened_at, c.region_code, c.exploitation, c.destination_country, c.status \
                 FROM cases c{} ORDER BY c.opened_at DESC LIMIT 20",
            f.where_sql()
        ))
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Open referrals of the area by due date (the late first): (agency, purpose, due date).
    /// Needs `ReferralView`.
    pub async fn open_referrals(
        &self,
        ctx: &Ctx,
        area: Option<&RegionCode>,
    ) -> Result<Vec<(String, String, String)>> {
        self.check(ctx, area)?;
        ctx.require(Action::ReferralView, None)?;
        let place = Place { ctx, area };
        let mut f = place.filter(count::REFERRALS);
        f.push("x.status IN ('terkirim', 'diterima')".into());
        Ok(f.query_as(format!(
            "SELECT ag.name, x.purpose, x.due_date FROM referrals x \
                 JOIN agencies ag ON ag.id = x.agency_id{} ORDER BY x.due_date, x.id LIMIT 30",
            f.where_sql()
        ))
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Forget counted figures (after the demo set is loaded, and in tests).
    pub fn forget(&self) {
        self.db.dashboards.clear();
    }

    /// Make every counted figure `secs` older (tests of the stale-while-revalidate rule).
    pub fn age(&self, secs: i64) {
        let mut map = self
            .db
            .dashboards
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for (at, _) in map.values_mut() {
            *at -= secs;
        }
    }
}
