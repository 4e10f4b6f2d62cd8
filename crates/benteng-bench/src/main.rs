//! `cargo run --release -p benteng-bench [-- CLIENTS SECONDS]`
//!
//! Seeds a fresh database (SQLite in a temp dir, or `BENTENG_BENCH_DATABASE_URL`) with all
//! 91,599 regions, the Malang demo, an office for every other kabupaten/kota, every one of the
//! 83,762 villages enrolled as a desa binaan and two visits each; starts the real app on
//! 127.0.0.1:0 and drives it with concurrent signed-in clients. Prints load times, latency
//! percentiles per page and the compressed size of each page. Numbers, not assertions: the
//! figures go to docs/performance.md.

use anyhow::{Context, Result};
use benteng_db::Db;
use benteng_web::{Application, WebConfig};
use reqwest::Client;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let clients: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENTENG_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let db = Db::connect(&url).await?;
    db.migrate().await?;

    let t = Instant::now();
    let r = db.load_shipped_regions().await?;
    println!(
        "region load (first start): {} regions in {} ms",
        r.read,
        t.elapsed().as_millis()
    );
    let t = Instant::now();
    let r = db.load_shipped_regions().await?;
    println!(
        "region load (already loaded): skipped={} in {} ms",
        r.skipped_already_loaded,
        t.elapsed().as_millis()
    );

    let demo = db.load_demo().await?;
    let password = |u: &str| {
        demo.logins
            .iter()
            .find(|l| l.username == u)
            .map(|l| l.password.clone())
            .unwrap_or_default()
    };
    let t = Instant::now();
    seed(&db).await?;
    // Statistics as a running system has them (autovacuum or a periodic ANALYZE).
    let analyze = if url.starts_with("postgres") {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    db.execute_raw(analyze).await?;
    println!(
        "seed: all villages enrolled with visits in {} s",
        t.elapsed().as_secs()
    );

    // As `benteng serve` does at start-up.
    let t = Instant::now();
    let n = db.warm_region_index().await?;
    println!(
        "in-memory region list: {n} regions in {} ms",
        t.elapsed().as_millis()
    );
    let app = Application::build(
        WebConfig {
            bind: "127.0.0.1:0".parse()?,
            login_attempts_per_minute: 10_000,
            ..Default::default()
        },
        db.clone(),
    )
    .await?;
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));

    let pages: Vec<(&str, String)> = vec![
        ("home (counts by status)", "/".into()),
        ("desa binaan list p1", "/desa-binaan".into()),
        ("desa binaan list p2000", "/desa-binaan?hal=2000".into()),
        ("desa binaan search", "/desa-binaan?q=sumber".into()),
        ("desa binaan detail", "/desa-binaan/{id}".into()),
        ("regions search", "/wilayah?q=kalipare".into()),
        ("audit log", "/audit".into()),
    ];
    for user in ["admin.demo", "pimpasa.malang"] {
        println!("\n== {user}: {clients} concurrent clients, {seconds} s per page");
        let mut sessions = Vec::new();
        for _ in 0..clients {
            sessions.push(login(&base, user, &password(user)).await?);
        }
        let sessions = Arc::new(sessions);
        println!(
            "{:<28} {:>8} {:>8} {:>8} {:>8} {:>9} {:>10}",
            "page", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "gzip KB"
        );
        for (name, path) in &pages {
            if user != "admin.demo" && path.starts_with("/audit") {
                continue;
            }
            // Admins open a seeded village in the middle of the table; the officer a demo village
            // of their own area (ids 1..=13).
            let path = path.replace("{id}", if user == "admin.demo" { "40000" } else { "1" });
            let (rate, p50, p95, p99, errors) =
                hammer(&base, &path, sessions.clone(), Duration::from_secs(seconds)).await;
            let size = gzip_size(&sessions[0], &format!("{base}{path}")).await?;
            println!(
                "{name:<28} {rate:>8.0} {p50:>8.1} {p95:>8.1} {p99:>8.1} {errors:>9} {:>10.1}",
                size as f64 / 1024.0
            );
        }
    }
    Ok(())
}

async fn login(base: &str, user: &str, password: &str) -> Result<Client> {
    let c = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = c.get(format!("{base}/masuk")).send().await?.text().await?;
    let token = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("csrf token")?
        .to_string();
    let r = c
        .post(format!("{base}/masuk"))
        .form(&[
            ("_csrf", token.as_str()),
            ("username", user),
            ("password", password),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        r.status().as_u16() == 303,
        "login of {user} failed: {}",
        r.status()
    );
    Ok(c)
}

/// Every client requests `path` in a loop for `dur`; returns req/s, p50, p95, p99 (ms), errors.
async fn hammer(
    base: &str,
    path: &str,
    sessions: Arc<Vec<Client>>,
    dur: Duration,
) -> (f64, f64, f64, f64, usize) {
    let url = format!("{base}{path}");
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..sessions.len() {
        let sessions = sessions.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let c = &sessions[i];
            let mut lat = Vec::new();
            let mut errors = 0;
            while start.elapsed() < dur {
                let t = Instant::now();
                match c.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            all.extend(l);
            errors += e;
        }
    }
    all.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN)
    };
    (
        all.len() as f64 / start.elapsed().as_secs_f64(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        errors,
    )
}

/// Bytes on the wire for a page fetched with gzip, as a browser would.
async fn gzip_size(c: &Client, url: &str) -> Result<usize> {
    let r = c.get(url).header("accept-encoding", "gzip").send().await?;
    Ok(r.bytes().await?.len())
}

/// An office for every province's remaining kabupaten/kota, every village a desa binaan, two
/// visits each. Plain SQL: this is data generation, not the product's write path.
async fn seed(db: &Db) -> Result<()> {
    let now = 1_767_225_600;
    db.execute_raw(&format!(
        "INSERT INTO offices (name, kind, province_code, active, created_at, updated_at) \
         SELECT 'Kantor Imigrasi Bench ' || code, 'kanim', code, 1, {now}, {now} FROM regions WHERE level = 1"
    ))
    .await?;
    db.execute_raw(&format!(
        "INSERT INTO office_areas (office_id, region_code, valid_from, created_at) \
         SELECT o.id, r.code, '2020-01-01', {now} FROM regions r JOIN offices o ON o.province_code = substr(r.code, 1, 2) AND o.name LIKE 'Kantor Imigrasi Bench %' \
         WHERE r.level = 2 AND r.code NOT IN (SELECT region_code FROM office_areas)"
    ))
    .await?;
    db.execute_raw(&format!(
        "INSERT INTO desa_binaan (region_code, kab_code, prov_code, office_id, sk_number, sk_date, status, population, residents_abroad, kantong_pmi, created_at, updated_at) \
         SELECT r.code, substr(r.code, 1, 5), substr(r.code, 1, 2), (SELECT a.office_id FROM office_areas a WHERE a.region_code = substr(r.code, 1, 5) ORDER BY a.valid_from DESC LIMIT 1), \
         'SK/BENCH/' || r.code, '2025-01-01', CASE WHEN length(r.name) % 3 = 0 THEN 'persiapan' ELSE 'aktif' END, 5000, 200, length(r.name) % 2, {now}, {now} \
         FROM regions r WHERE r.level = 4 AND r.code NOT IN (SELECT region_code FROM desa_binaan)"
    ))
    .await?;
    for (day, officer) in [("2026-03-01", 3), ("2026-06-01", 4)] {
        db.execute_raw(&format!(
            "INSERT INTO village_visits (desa_binaan_id, visit_date, officer_id, departures_seen, returns_seen, foreigners_staying, findings, created_at) \
             SELECT id, '{day}', {officer}, 2, 1, 0, 'Kunjungan rutin: sosialisasi prosedur PMI di balai desa.', {now} FROM desa_binaan"
        ))
        .await?;
    }
    Ok(())
}
