//! Twelve months of history for the Kabupaten Malang demo, so that the dashboard (`/dasbor`)
//! shows trends rather than one month: the office's first sosialisasi in Sitiarjo
//! (17 September 2024), then month by month events with their participants, reports and their
//! triage, referrals answered by the partner agencies, a few cases, the calon PMI register of
//! the villages with a village account, passport screenings and village visits.
//!
//! Everything is made through the same use cases as real input (`benteng_app`), by the demo's
//! users; the use cases stamp what they write with the current time, so the instants are
//! moved back afterwards with plain SQL (this crate may write SQL). Rows a use case adds to
//! other tables (report events, referral actions, register history, participants, in-app
//! notices, room messages) are found by their ids: after every call the highest id of each of
//! those tables is read, and the rows between two readings get the instant of that call. The
//! changes are kept and written in one transaction at the end.
//!
//! Counts rise over the year by simple arithmetic on the month's index (no randomness), so the
//! set is the same on every run, whatever day it is loaded. The current month gets a share of
//! its count in proportion to the days already passed; nothing is dated today or later.
//!
//! The work is split by what it loads: `events` (sosialisasi and their participants),
//! `reports` (reports, referrals and cases), `register` (the calon PMI register),
//! `screening` (passport screenings), `visits` (village visits and alerts); `texts`
//! holds the texts and fictional people, `backdate` the SQL that moves the instants back.

mod backdate;
mod events;
mod register;
mod reports;
mod screening;
mod texts;
mod visits;

use crate::demo::VILLAGES;
use backdate::Fix;
use benteng_app::screening::WatchCache;
use benteng_db::storage::BlobStore;
use benteng_db::{Ctx, Db, Result};
use benteng_domain::figures::months_ending;
use std::sync::Arc;
use time::macros::offset;
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

/// The title of the office's first sosialisasi; its presence means the history is loaded.
pub const SEPTEMBER_2024_TITLE: &str =
    "Sosialisasi Pencegahan TPPO dan Migrasi Aman – Desa Sitiarjo";

const SITIARJO: &str = "35.07.04.2007";
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Load the history once; answers how many records it added (0 when it ran before or when
/// the demo set is missing).
pub async fn load_demo_history(db: &Db, store: &dyn BlobStore) -> Result<usize> {
    let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE title = $1")
        .bind(SEPTEMBER_2024_TITLE)
        .fetch_one(db.fixtures_pool())
        .await?;
    if done > 0 {
        return Ok(0);
    }
    let Some(mut h) = History::start(db, store).await? else {
        return Ok(0);
    };
    h.september_2024().await?;
    let months = months(h.today);
    for m in &months {
        h.events(m).await?;
    }
    for m in &months {
        h.reports(m).await?;
    }
    for m in &months {
        h.migrants(m).await?;
    }
    for m in &months {
        h.screenings(m).await?;
    }
    for m in &months {
        h.visits(m).await?;
    }
    h.alerts(&months).await?;
    h.finish().await
}

/// One month of the trend: its first day, the days that may hold records (before today) and
/// all its days.
struct Month {
    i: usize,
    first: Date,
    usable: i64,
    full: i64,
}

fn months(today: Date) -> Vec<Month> {
    let yesterday = today - Duration::days(1);
    months_ending(today, 12)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let last = p.last.min(yesterday);
            let usable = if last >= p.first {
                (last - p.first).whole_days() + 1
            } else {
                0
            };
            Month {
                i,
                first: p.first,
                usable,
                full: (p.last - p.first).whole_days() + 1,
            }
        })
        .collect()
}

impl Month {
    /// `n` for a whole month; for the current one its share of the days passed (rounded up).
    fn scaled(&self, n: usize) -> usize {
        if self.usable >= self.full {
            n
        } else {
            let (n, u, f) = (n as i64, self.usable, self.full);
            ((n * u + f - 1) / f) as usize
        }
    }

    /// The day of the `k`-th of `n` records, spread evenly over the usable days.
    fn day(&self, k: usize, n: usize) -> Date {
        let off = ((2 * k as i64 + 1) * self.usable) / (2 * n.max(1) as i64);
        self.first + Duration::days(off.min(self.usable - 1).max(0))
    }

    /// [`Month::day`] moved off the weekend (offices and balai desa work Monday to Friday).
    fn workday(&self, k: usize, n: usize) -> Date {
        let d = self.day(k, n);
        let last = self.first + Duration::days(self.usable - 1);
        let (fwd, back) = match d.weekday() {
            Weekday::Saturday => (2, 1),
            Weekday::Sunday => (1, 2),
            _ => return d,
        };
        let monday = d + Duration::days(fwd);
        let friday = d - Duration::days(back);
        if monday <= last {
            monday
        } else if friday >= self.first {
            friday
        } else {
            d
        }
    }
}

/// An instant at a WIB wall-clock time.
fn at(day: Date, hour: u8, minute: u8) -> i64 {
    PrimitiveDateTime::new(
        day,
        Time::from_hms(hour.min(23), minute.min(59), 0).unwrap_or(Time::MIDNIGHT),
    )
    .assume_offset(offset!(+7))
    .unix_timestamp()
}

#[derive(Debug, Default)]
struct Added {
    events: usize,
    attendees: usize,
    reports: usize,
    referrals: usize,
    cases: usize,
    migrants: usize,
    screenings: usize,
    visits: usize,
    alerts: usize,
}

struct Village {
    code: String,
    name: String,
    kecamatan: String,
    desa_binaan: i64,
    /// 0: pimpasa.malang, 1: pimpasa2.malang (as `load_demo` assigned them).
    officer: usize,
}

struct Partner {
    kind: &'static str,
    agency: i64,
    name: String,
    ctx: Option<Ctx>,
}

struct History<'a> {
    db: &'a Db,
    store: &'a dyn BlobStore,
    now: i64,
    today: Date,
    /// Nothing is dated at or after this instant.
    limit: i64,
    /// In-app notices older than this are marked read.
    read_before: i64,
    marks: [i64; 6],
    fixes: Vec<Fix>,
    officers: Vec<(i64, Ctx)>,
    pemeriksa: Ctx,
    desa: Vec<(String, Ctx)>,
    partners: Vec<Partner>,
    villages: Vec<Village>,
    p3mi: Option<i64>,
    watch: Arc<WatchCache>,
    /// Months whose referral is left unanswered past its due date.
    overdue_done: Vec<usize>,
    returned: usize,
    troubled: usize,
    added: Added,
}

async fn ctx_of(db: &Db, username: &str) -> Result<Option<(i64, Ctx)>> {
    let Some(uid) = db.users().user_id_by_name(username).await? else {
        return Ok(None);
    };
    let Some((actor, _)) = db.users().actor(uid).await? else {
        return Ok(None);
    };
    Ok(Some((
        uid,
        Ctx {
            actor,
            ip: None,
            request_id: Some("demo".into()),
            idempotency_key: None,
        },
    )))
}

impl<'a> History<'a> {
    async fn start(db: &'a Db, store: &'a dyn BlobStore) -> Result<Option<History<'a>>> {
        let Some(pimpasa) = ctx_of(db, "pimpasa.malang").await? else {
            return Ok(None);
        };
        let Some((_, pemeriksa)) = ctx_of(db, "pemeriksa.malang").await? else {
            return Ok(None);
        };
        let office: Option<i64> = sqlx::query_scalar("SELECT id FROM offices WHERE name = $1")
            .bind(crate::demo::MALANG_OFFICE)
            .fetch_optional(db.fixtures_pool())
            .await?;
        let Some(office) = office else {
            return Ok(None);
        };
        let mut officers = vec![pimpasa];
        if let Some(second) = ctx_of(db, "pimpasa2.malang").await? {
            officers.push(second);
        }
        let mut desa = Vec::new();
        for (user, code) in [
            ("desa.sitiarjo", SITIARJO),
            ("desa.kalipare", "35.07.11.2002"),
        ] {
            if let Some((_, c)) = ctx_of(db, user).await? {
                desa.push((code.to_string(), c));
            }
        }
        let mut partners = Vec::new();
        for (kind, user) in [
            ("polri", "polres.malang"),
            ("disnaker", "disnaker.malang"),
            ("bp3mi", "bp3mi.jatim"),
            ("dukcapil", "dukcapil.malang"),
        ] {
            let row: Option<(i64, String)> =
                sqlx::query_as("SELECT id, name FROM agencies WHERE kind = $1 ORDER BY id LIMIT 1")
                    .bind(kind)
                    .fetch_optional(db.fixtures_pool())
                    .await?;
            if let Some((agency, name)) = row {
                partners.push(Partner {
                    kind,
                    agency,
                    name,
                    ctx: ctx_of(db, user).await?.map(|(_, c)| c),
                });
            }
        }
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT d.id, d.region_code, r.name, k.name FROM desa_binaan d \
             JOIN regions r ON r.code = d.region_code LEFT JOIN regions k ON k.code = r.parent_code \
             WHERE d.office_id = $1",
        )
        .bind(office)
        .fetch_all(db.fixtures_pool())
        .await?;
        let mut villages = Vec::new();
        for (n, (code, ..)) in VILLAGES.iter().enumerate() {
            if let Some((id, _, name, kec)) = rows.iter().find(|r| r.1 == *code) {
                villages.push(Village {
                    code: code.to_string(),
                    name: name.clone(),
                    kecamatan: kec.clone().unwrap_or_default(),
                    desa_binaan: *id,
                    officer: if officers.len() > 1 { n % 2 } else { 0 },
                });
            }
        }
        if villages.is_empty() {
            return Ok(None);
        }
        let p3mi: Option<i64> =
            sqlx::query_scalar("SELECT id FROM p3mi WHERE licence_no = 'DEMO.001/2023'")
                .fetch_optional(db.fixtures_pool())
                .await?;
        let now = benteng_db::now();
        let mut h = History {
            db,
            store,
            now,
            today: benteng_db::today(),
            limit: now - HOUR,
            read_before: now - 14 * DAY,
            marks: [0; 6],
            fixes: Vec::new(),
            officers,
            pemeriksa,
            desa,
            partners,
            villages,
            p3mi,
            watch: Arc::new(WatchCache::new()),
            overdue_done: Vec::new(),
            returned: 0,
            troubled: 0,
            added: Added::default(),
        };
        h.marks = h.highest().await?;
        Ok(Some(h))
    }

    fn officer(&self, v: &Village) -> &Ctx {
        &self.officers[v.officer.min(self.officers.len() - 1)].1
    }

    fn desa_ctx(&self, code: &str) -> Option<&Ctx> {
        self.desa.iter().find(|(c, _)| c == code).map(|(_, c)| c)
    }

    fn fits(&self, t: i64) -> bool {
        t < self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_hold_only_days_before_today() {
        let today = Date::from_calendar_date(2026, time::Month::December, 6).unwrap();
        let ms = months(today);
        assert_eq!(ms.len(), 12);
        assert_eq!(ms[11].usable, 5);
        assert_eq!(ms[10].usable, 30);
        for m in &ms {
            let n = m.scaled(9);
            for k in 0..n {
                assert!(m.day(k, n) < today && m.day(k, n) >= m.first);
                assert!(m.workday(k, n) < today && m.workday(k, n) >= m.first);
            }
        }
        let first = Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
        assert_eq!(months(first)[11].scaled(9), 0);
    }
}
