//! Does the audit sealer keep up, and what does a power-safe commit cost?
//!
//! `cargo run --release -p benteng-db --example audit_bench [-- ENTRIES REPORTS]`
//! (defaults 1,000,000 and 2,000; SQLite in a temporary directory, or
//! `BENTENG_BENCH_DATABASE_URL`). Lives beside the storage rather than in benteng-bench: it
//! needs no web server or PDF, so its release build skips Typst.
//!
//! 1. Writes ENTRIES unsealed audit entries in bulk, then times one sealer run over all of them
//!    (what the first pass after migration 0028 does on a large log) and a full verify.
//! 2. Eight writers record 20,000 entries through the storage's own path while a sealer runs
//!    every 5 s, as the server's housekeeping does: how many wait per pass, and how long
//!    sealing takes after the last write.
//! 3. Files REPORTS public reports (eight at a time, through `benteng_app::reports::file_public`)
//!    with the pinned durability (SQLite synchronous = FULL; PostgreSQL synchronous_commit =
//!    on), then again with it weakened on every pooled connection (NORMAL; off), and prints
//!    reports a second and latency.
//!
//! Figures, not assertions: they go to docs/performance.md ("The audit chain" and "Durability").

use benteng_app::reports::{PersonInput, ReportInput};
use benteng_db::audit::{Event, Verdict};
use benteng_db::storage::FsStore;
use benteng_db::{sqlx, Backend, Db};
use sqlx::{AssertSqlSafe, Executor};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let entries: usize = args
        .get(1)
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let reports: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENTENG_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    println!(
        "database: {:?}, {}",
        db.backend,
        db.durability().await?.settings
    );

    bulk_entries(&db, entries).await?;
    let t = Instant::now();
    let sealed = db.audit().seal().await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "seal {sealed} entries: {secs:.1} s ({:.0} entries/s)",
        sealed as f64 / secs
    );
    let t = Instant::now();
    let v = db.audit().verify(None).await?;
    let secs = t.elapsed().as_secs_f64();
    match v {
        Verdict::Intact(i) => println!(
            "verify {} entries: {secs:.1} s ({:.0} entries/s)",
            i.entries,
            i.entries as f64 / secs
        ),
        Verdict::Broken(b) => anyhow::bail!("the chain is broken: {b:?}"),
    }

    steady_state(&db).await?;
    intake(&db, dir.path(), reports).await?;
    db.close().await;
    Ok(())
}

/// ENTRIES unsealed entries, 500 to a statement (as a busy year of sign-ins, views and changes
/// would leave them).
async fn bulk_entries(db: &Db, n: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    let start = benteng_db::now() - 365 * 86_400;
    let mut done = 0;
    while done < n {
        let mut tx = db.fixtures_pool().begin().await?;
        for _ in 0..100 {
            let rows = (n - done).min(500);
            if rows == 0 {
                break;
            }
            let values: Vec<String> = (done..done + rows)
                .map(|i| {
                    format!(
                        "({}, {}, 'petugas.{}', '10.1.{}.{}', 'req-{i:08x}', '{}', 'report', '{}', '35.07.{:02}', {}, 'status: baru -> ditinjau, fields: description, people')",
                        start + (i as i64) * 31,
                        1 + i % 400,
                        i % 400,
                        i % 250,
                        i % 200,
                        ["view_sensitive", "status", "login", "create"][i % 4],
                        i / 3,
                        i % 33,
                        (i % 4 == 0) as i64
                    )
                })
                .collect();
            tx.execute(AssertSqlSafe(format!(
                "INSERT INTO audit_log (at, user_id, username, ip, request_id, action, entity, entity_id, region_code, sensitive, detail) VALUES {}",
                values.join(", ")
            )))
            .await?;
            done += rows;
        }
        tx.commit().await?;
    }
    println!(
        "write {n} unsealed entries in bulk: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writers and the housekeeping sealer at once.
async fn steady_state(db: &Db) -> anyhow::Result<()> {
    const WRITERS: usize = 8;
    const EACH: usize = 2_500;
    let t = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let db = db.clone();
        writers.spawn(async move {
            for i in 0..EACH {
                db.audit()
                    .audit(
                        None,
                        Event {
                            action: "view_sensitive",
                            entity: "report",
                            entity_id: Some(format!("{w}-{i}")),
                            sensitive: true,
                            detail: Some("people".into()),
                            ..Default::default()
                        },
                    )
                    .await?;
            }
            anyhow::Ok(())
        });
    }
    let sealer_db = db.clone();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done2 = done.clone();
    let sealer = tokio::spawn(async move {
        let mut passes = Vec::new();
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let t = Instant::now();
            let n = sealer_db.audit().seal().await?;
            passes.push((n, t.elapsed()));
            if done2.load(std::sync::atomic::Ordering::Relaxed) {
                return anyhow::Ok(passes);
            }
        }
    });
    while let Some(r) = writers.join_next().await {
        r??;
    }
    let wrote = t.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let passes = sealer.await??;
    let t = Instant::now();
    let rest = db.audit().seal().await?;
    let after = t.elapsed();
    println!(
        "{} entries by {WRITERS} writers in {:.1} s ({:.0}/s) while sealing every 5 s",
        WRITERS * EACH,
        wrote.as_secs_f64(),
        (WRITERS * EACH) as f64 / wrote.as_secs_f64()
    );
    for (n, d) in &passes {
        println!("  sealing pass: {n} entries in {} ms", d.as_millis());
    }
    println!(
        "  left after the last pass: {rest}, sealed in {} ms",
        after.as_millis()
    );
    Ok(())
}

async fn intake(db: &Db, dir: &std::path::Path, n: usize) -> anyhow::Result<()> {
    let (rows, _) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.len() <= 5 || c.starts_with("35.07.")
    });
    db.regions().load_regions(&rows).await?;
    let store = Arc::new(FsStore::new(dir.join("uploads"))?);
    let strong = file_reports(db, &store, n).await?;
    // Weaken every pooled connection: hold them all at once so each is reached.
    let max = if db.backend == Backend::Sqlite { 8 } else { 16 };
    let weak_sql = match db.backend {
        Backend::Sqlite => "PRAGMA synchronous = NORMAL",
        Backend::Postgres => "SET synchronous_commit = off",
    };
    let mut held = Vec::new();
    for _ in 0..max {
        let mut c = db.fixtures_pool().acquire().await?;
        c.execute(weak_sql).await?;
        held.push(c);
    }
    drop(held);
    let weak = file_reports(db, &store, n).await?;
    println!(
        "report intake, {n} public reports, 8 at a time: {} / {weak_sql}: {}",
        strong, weak
    );
    Ok(())
}

/// Reports a second and latency percentiles of `n` public reports filed eight at a time.
async fn file_reports(db: &Db, store: &Arc<FsStore>, n: usize) -> anyhow::Result<String> {
    let t = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..8 {
        let db = db.clone();
        let store = store.clone();
        tasks.spawn(async move {
            let mut lat = Vec::new();
            for i in (w..n).step_by(8) {
                let input = ReportInput {
                    category: "rekrutmen".into(),
                    description: format!(
                        "Calo menawarkan kerja perkebunan sawit di Malaysia lewat jalur tidak resmi, laporan {i}"
                    ),
                    region_code: "35.07.04.2007".into(),
                    destination_country: "MY".into(),
                    people: vec![PersonInput {
                        role: "perekrut".into(),
                        name: format!("Perekrut Nomor {i}"),
                        phone: format!("0812{:08}", i),
                        ..Default::default()
                    }],
                    ..Default::default()
                };
                let s = Instant::now();
                benteng_app::reports::file_public(&db, &input, &[], &*store).await?;
                lat.push(s.elapsed());
            }
            anyhow::Ok(lat)
        });
    }
    let mut lat = Vec::new();
    while let Some(r) = tasks.join_next().await {
        lat.extend(r??);
    }
    let secs = t.elapsed().as_secs_f64();
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e3;
    Ok(format!(
        "{:.0} reports/s, p50 {:.1} ms, p99 {:.1} ms",
        n as f64 / secs,
        p(0.5),
        p(0.99)
    ))
}
