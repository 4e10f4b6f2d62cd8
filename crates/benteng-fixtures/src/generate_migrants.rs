//! Made-up calon PMI registers in bulk, for load tests: `n` residents in the villages of Jawa
//! Timur (half of them in the Malang office's area, as a busy office would hold), each with
//! the checklist steps a resident at that stage would have settled, the status mix of a
//! sending region, and the "left without the procedure" flag as the register computes it.
//!
//! Like [`crate::generate`], rows go in as multi-row INSERT statements of literal values, all
//! generated here; NIKs are structurally valid (region, birth date, +40 for women), names and
//! phones come from the report generator's lists. Run it on a quiet database.

use crate::generate::{lit, person_name, phone, Rng};
use benteng_db::{Db, Result};
use benteng_domain::migrant::DEFAULT_STEPS;
use benteng_domain::values::format_date;
use sqlx::{AssertSqlSafe, Executor};
use std::fmt::Write;

const PER_STATEMENT: usize = 400;
const PER_TRANSACTION: usize = 10_000;

/// What [`Db::generate_migrants`] wrote.
#[derive(Debug, Clone, Default)]
pub struct GenerateMigrants {
    pub migrants: usize,
    pub steps: usize,
    pub nonprocedural: usize,
    pub first_id: i64,
}

/// (status, share in per mille).
const STATUSES: &[(&str, u64)] = &[
    ("rencana", 300),
    ("proses", 280),
    ("berangkat", 40),
    ("luar_negeri", 260),
    ("pulang", 100),
    ("bermasalah", 20),
];

const DESTINATIONS: &[(&str, &str)] = &[
    ("MY", "Pekerja kebun sawit"),
    ("TW", "Perawat lansia"),
    ("HK", "Pengurus rumah tangga"),
    ("SG", "Pengurus rumah tangga"),
    ("KR", "Operator pabrik"),
    ("JP", "Perawat"),
    ("SA", "Pengurus rumah tangga"),
];

pub async fn generate_migrants(db: &Db, n: usize, seed: u64) -> Result<GenerateMigrants> {
    let villages: Vec<(String,)> = sqlx::query_as(
        "SELECT code FROM regions WHERE level = 4 AND code LIKE '35.%' ORDER BY code",
    )
    .fetch_all(db.fixtures_pool())
    .await?;
    let malang: Vec<&str> = villages
        .iter()
        .map(|v| v.0.as_str())
        .filter(|c| c.starts_with("35.07."))
        .collect();
    if villages.is_empty() || malang.is_empty() {
        return Err(benteng_db::Error::Other(anyhow::anyhow!(
            "no villages of Jawa Timur in the region table: load the regions first"
        )));
    }
    let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM migrants")
        .fetch_one(db.fixtures_pool())
        .await?;
    let mut r = Rng::new(seed ^ 0x4D49_4752);
    let now = benteng_db::now();
    let today = benteng_db::today();
    let mut out = GenerateMigrants {
        first_id,
        ..Default::default()
    };
    let mut conn = db.fixtures_pool().acquire().await?;
    let mut done = 0usize;
    while done < n {
        let batch = (n - done).min(PER_TRANSACTION);
        // A transaction object: an error rolls it back instead of leaving it open on a
        // pooled connection.
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let mut i = 0;
        while i < batch {
            let rows = (batch - i).min(PER_STATEMENT);
            let mut m = String::from(
                "INSERT INTO migrants (id, village_code, kab_code, prov_code, name, name_search, nik, nik_flags, \
                 birth_place, birth_date, sex, phone, address, destination, job, scheme, status, departure_date, \
                 return_date, nonprocedural, created_at, updated_at) VALUES ",
            );
            let mut st = String::from(
                "INSERT INTO migrant_steps (migrant_id, step, status, done_on, updated_at) VALUES ",
            );
            let mut any_step = false;
            for k in 0..rows {
                let id = first_id + (done + i + k) as i64;
                let village = if r.chance(0.5) {
                    *r.pick(&malang)
                } else {
                    r.pick(&villages).0.as_str()
                };
                let female = r.chance(0.7);
                let name = person_name(&mut r, female);
                let year = 1975 + r.below(32) as i32;
                let month = 1 + r.below(12) as u8;
                let day = 1 + r.below(28) as u8;
                let birth = time::Date::from_calendar_date(
                    year,
                    time::Month::try_from(month).unwrap_or(time::Month::January),
                    day,
                )
                .unwrap_or(today);
                let nik = format!(
                    "{}{}{}{:02}{:02}{:02}{:04}",
                    &village[0..2],
                    &village[3..5],
                    &village[6..8],
                    day + if female { 40 } else { 0 },
                    month,
                    year % 100,
                    1 + r.below(9999)
                );
                let status = {
                    let x = r.below(1000);
                    let mut acc = 0;
                    STATUSES
                        .iter()
                        .find(|(_, w)| {
                            acc += w;
                            x < acc
                        })
                        .map_or("rencana", |(s, _)| *s)
                };
                let left = matches!(
                    status,
                    "berangkat" | "luar_negeri" | "pulang" | "bermasalah"
                );
                // Settled steps: a few when planning, more in process, all or nearly all
                // for most who left, a fifth of those who left skipped several.
                let settled = match status {
                    "rencana" => r.below(3) as usize,
                    "proses" => 2 + r.below(8) as usize,
                    _ if r.chance(0.8) => DEFAULT_STEPS.len(),
                    _ => r.below(6) as usize,
                };
                let nonproc = left && settled < DEFAULT_STEPS.len();
                let created = now - r.range(0, 3 * 365 * 86_400);
                let updated = (created + r.range(0, 200 * 86_400)).min(now);
                let departure = left.then(|| {
                    let d = today - time::Duration::days(r.range(10, 900));
                    format_date(d)
                });
                let ret = (status == "pulang")
                    .then(|| format_date(today - time::Duration::days(r.range(1, 9))));
                let (dest, job) = *r.pick(DESTINATIONS);
                let scheme = *r.pick(&["p3mi", "p3mi", "p3mi", "mandiri", "g2g", "belum_tahu"]);
                let _ = write!(
                    m,
                    "{}({id}, '{village}', '{}', '{}', {}, {}, '{nik}', '', 'Malang', '{}', '{}', '{}', NULL, '{dest}', {}, '{scheme}', \
                     '{status}', {}, {}, {}, {created}, {updated})",
                    if k == 0 { "" } else { ", " },
                    &village[..5],
                    &village[..2],
                    lit(&name),
                    lit(&name.to_lowercase()),
                    format_date(birth),
                    if female { "p" } else { "l" },
                    phone(&mut r),
                    lit(job),
                    departure.as_deref().map(lit).unwrap_or_else(|| "NULL".into()),
                    ret.as_deref().map(lit).unwrap_or_else(|| "NULL".into()),
                    i64::from(nonproc),
                );
                for (code, ..) in DEFAULT_STEPS.iter().take(settled) {
                    let _ = write!(
                        st,
                        "{}({id}, '{code}', 'selesai', '{}', {updated})",
                        if any_step { ", " } else { "" },
                        format_date(today - time::Duration::days(r.range(0, 900)))
                    );
                    any_step = true;
                    out.steps += 1;
                }
                out.nonprocedural += usize::from(nonproc);
            }
            tx.execute(AssertSqlSafe(m)).await?;
            if any_step {
                tx.execute(AssertSqlSafe(st)).await?;
            }
            i += rows;
        }
        tx.commit().await?;
        done += batch;
    }
    if db.backend == benteng_db::Backend::Postgres {
        // Keep the identity in step with the ids written here.
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('migrants', 'id'), (SELECT MAX(id) FROM migrants))",
        )
        .await?;
    }
    out.migrants = n;
    Ok(out)
}

/// (residents in the register, the highest id in Kabupaten Malang) for the benchmark.
pub async fn migrant_bench_sample(db: &Db) -> Result<(i64, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM migrants")
        .fetch_one(db.fixtures_pool())
        .await?;
    let id: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM migrants WHERE kab_code = '35.07'")
            .fetch_one(db.fixtures_pool())
            .await?;
    Ok((total, id.unwrap_or(1)))
}
