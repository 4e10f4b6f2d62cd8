//! The audit chain after a million reports (issue 22): files REPORTS public reports (default
//! 1,000,000) through `benteng_app::reports::file_public`, eight at a time, while a sealer runs
//! every 5 s as the server's housekeeping does; then seals what is left and verifies the whole
//! chain. Prints the intake rate, the largest sealing pass, and the verify time.
//!
//! `cargo run --release -p benteng-db --example audit_million [-- REPORTS]`; PostgreSQL with
//! `BENTENG_BENCH_DATABASE_URL=postgres://…/bench_million` (the database is created by the
//! caller and should be empty).

use benteng_app::reports::{PersonInput, ReportInput};
use benteng_db::audit::Verdict;
use benteng_db::storage::FsStore;
use benteng_db::Db;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A distinct two-word name per number, so that no two reports share a linking key (the
/// priority's linked part would otherwise count a growing crowd on every report).
fn name_of(mut i: usize) -> String {
    const SYL: [&str; 10] = ["ba", "di", "ku", "mo", "sa", "ri", "to", "ne", "la", "wi"];
    let mut w = String::from("Su");
    loop {
        w.push_str(SYL[i % 10]);
        i /= 10;
        if i == 0 {
            break;
        }
    }
    format!("Perekrut {w}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
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
    let store = Arc::new(FsStore::new(dir.path().join("uploads"))?);
    let (rows, _) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.starts_with("35.07")
    });
    db.regions().load_regions(&rows).await?;

    let done = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sealer = {
        let (db, stop) = (db.clone(), stop.clone());
        tokio::spawn(async move {
            let mut largest = (0usize, 0f64);
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_secs(5)).await;
                let t = Instant::now();
                let sealed = db.audit().seal().await? as usize;
                let ms = t.elapsed().as_secs_f64() * 1e3;
                if sealed > largest.0 {
                    largest = (sealed, ms);
                }
            }
            anyhow::Ok(largest)
        })
    };

    let t = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..8 {
        let (db, store, done) = (db.clone(), store.clone(), done.clone());
        tasks.spawn(async move {
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
                        name: name_of(i),
                        phone: format!("0812{:08}", i),
                        ..Default::default()
                    }],
                    ..Default::default()
                };
                benteng_app::reports::file_public(&db, &input, &[], &*store).await?;
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                if d % 100_000 == 0 {
                    println!("  {d} reports, {:.0} s", t.elapsed().as_secs_f64());
                }
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "filed {n} public reports, 8 at a time: {secs:.0} s ({:.0} reports/s)",
        n as f64 / secs
    );
    stop.store(true, Ordering::Relaxed);
    let (largest, ms) = sealer.await??;
    println!("largest sealing pass while filing (every 5 s): {largest} entries in {ms:.0} ms");

    let t = Instant::now();
    let rest = db.audit().seal().await?;
    println!(
        "final seal: {rest} entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    match db.audit().verify(None).await? {
        Verdict::Intact(i) => println!(
            "verify: intact, {} entries in {:.1} s ({:.0} entries/s)",
            i.entries,
            t.elapsed().as_secs_f64(),
            i.entries as f64 / t.elapsed().as_secs_f64()
        ),
        Verdict::Broken(b) => anyhow::bail!("the chain is broken: {b:?}"),
    }
    db.close().await;
    Ok(())
}
