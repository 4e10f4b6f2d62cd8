//! `cargo run --release -p benteng-bench [-- CLIENTS SECONDS]`
//!
//! Seeds a fresh database (SQLite in a temp dir, or `BENTENG_BENCH_DATABASE_URL`) with all
//! 91,599 regions, the Malang demo, an office for every other kabupaten/kota, every one of the
//! 83,762 villages enrolled as a desa binaan and two visits each; starts the real app on
//! 127.0.0.1:0 and drives it with concurrent signed-in clients. Prints load times, latency
//! percentiles per page and the compressed size of each page. Numbers, not assertions: the
//! figures go to docs/performance.md.
//!
//! With `BENTENG_BENCH_REPORTS=N` it also generates N early-warning reports in Jawa Timur
//! (`benteng_fixtures::generate::generate_reports`) and measures the report pages: the officer's queue, an older page
//! of all reports, report pages with their linked reports, full-text and phone search, the
//! kanwil's province-wide list and the API's queue.

use anyhow::{Context, Result};
use benteng_db::Db;
use benteng_web::{Application, WebConfig};
use reqwest::Client;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod seed;

/// As `benteng serve` (crates/benteng-cli/src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let clients: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let reports: usize = std::env::var("BENTENG_BENCH_REPORTS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(0);
    // BENTENG_BENCH_MIGRANTS=200000 adds that many calon PMI and measures the register pages.
    let migrants: usize = std::env::var("BENTENG_BENCH_MIGRANTS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(0);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("BENTENG_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let db = Db::connect(&url).await?;
    db.migrate().await?;

    let t = Instant::now();
    let r = db.regions().load_shipped_regions().await?;
    println!(
        "region load (first start): {} regions in {} ms",
        r.read,
        t.elapsed().as_millis()
    );
    let t = Instant::now();
    let r = db.regions().load_shipped_regions().await?;
    println!(
        "region load (already loaded): skipped={} in {} ms",
        r.skipped_already_loaded,
        t.elapsed().as_millis()
    );

    const SEED: u64 = 20_261_129;
    let demo = benteng_fixtures::demo::load_demo(&db).await?;
    // A database kept from an earlier run (BENTENG_BENCH_DATABASE_URL): give the bench users a
    // known password and measure what is there instead of seeding again.
    let reused = demo.already_loaded;
    let mut accounts: Vec<(String, String)> = demo
        .logins
        .iter()
        .map(|l| (l.username.clone(), l.password.clone()))
        .collect();
    if reused {
        for user in ["admin.demo", "pimpasa.malang", "kanwil.jatim"] {
            let pw = benteng_app::users::random_password();
            benteng_app::users::set_password_cli(&db, user, &pw).await?;
            accounts.push((user.to_string(), pw));
        }
        println!("reusing the database at {url}: no seeding, no new reports");
    }
    let password = |u: &str| {
        accounts
            .iter()
            .find(|(name, _)| name == u)
            .map(|(_, pw)| pw.clone())
            .unwrap_or_default()
    };
    let generated = if reused {
        (reports > 0).then(|| benteng_fixtures::generate::GenerateReport {
            reports,
            recurring_phones: benteng_fixtures::generate::recurring_phones(SEED),
            ..Default::default()
        })
    } else {
        let t = Instant::now();
        seed::seed(&db).await?;
        println!(
            "seed: all villages enrolled with visits, 10,000 events with 200,000 participants, 100,000 screenings in {} s",
            t.elapsed().as_secs()
        );
        if migrants > 0 {
            let t = Instant::now();
            let g =
                benteng_fixtures::generate_migrants::generate_migrants(&db, migrants, SEED).await?;
            println!(
                "calon PMI: {} residents, {} settled steps, {} left without the procedure, in {:.0} s",
                g.migrants,
                g.steps,
                g.nonprocedural,
                t.elapsed().as_secs_f64()
            );
        }
        if reports > 0 {
            let t = Instant::now();
            let g = benteng_fixtures::generate::generate_reports(&db, reports, SEED).await?;
            println!(
                "reports: {} reports ({} open), {} people, {} events, ids {}..={} in {:.0} s \
                 (inserting {:.0} s, ANALYZE {:.0} s)",
                g.reports,
                g.open,
                g.people,
                g.events,
                g.first_id,
                g.last_id,
                t.elapsed().as_secs_f64(),
                g.insert_secs,
                g.analyze_secs
            );
            Some(g)
        } else {
            None
        }
    };
    // Statistics as a running system has them (autovacuum or a periodic ANALYZE).
    let t = Instant::now();
    let analyze = if url.starts_with("postgres") {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    db.execute_raw(analyze).await?;
    println!(
        "{analyze} in {} s; database size {:.0} MB",
        t.elapsed().as_secs(),
        benteng_fixtures::generate::database_bytes(&db).await? as f64 / 1e6
    );

    // As `benteng serve` does at start-up.
    let t = Instant::now();
    let n = db.regions().warm_region_index().await?;
    println!(
        "in-memory region list: {n} regions in {} ms",
        t.elapsed().as_millis()
    );
    let app = Application::build(
        WebConfig {
            bind: "127.0.0.1:0".parse()?,
            login_attempts_per_minute: 10_000,
            // 50 clients of one user search thousands of times a second: the per-user search
            // limit (60 a minute) would answer nearly all of them with 429.
            searches_per_minute: 10_000_000,
            // The demo's accounts, as `serve --demo` runs them: the second factor optional.
            second_factor: benteng_web::SecondFactorPolicy::nobody(),
            ..Default::default()
        },
        db.clone(),
    )
    .await?;
    let base = format!("http://{}", app.local_addr());
    let watch = app.watch();
    tokio::spawn(app.run_until(std::future::pending()));
    // The server builds its watchlist index in the background at start; measure after it, as
    // a server that has been up for a minute would be.
    let t = Instant::now();
    let built = loop {
        if let Some(b) = watch.built() {
            break b;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    println!(
        "watchlist index at start: {} entries, built in {} ms (ready after {} ms); process RSS {} MB",
        built.index.len(),
        built.build_ms,
        t.elapsed().as_millis(),
        rss_mb()
    );

    let pages: Vec<(&str, String)> = vec![
        ("home (counts by status)", "/".into()),
        ("desa binaan list p1", "/desa-binaan".into()),
        ("desa binaan list p2000", "/desa-binaan?hal=2000".into()),
        ("desa binaan search", "/desa-binaan?q=sumber".into()),
        ("desa binaan detail", "/desa-binaan/{id}".into()),
        ("regions search", "/wilayah?q=kalipare".into()),
        ("audit log", "/audit".into()),
    ];
    // BENTENG_BENCH_ONLY_REPORTS=1 skips the desa binaan pages (for quicker report runs).
    let users: &[&str] = if std::env::var("BENTENG_BENCH_ONLY_REPORTS").is_ok_and(|v| v == "1") {
        &[]
    } else {
        &["admin.demo", "pimpasa.malang"]
    };
    for &user in users {
        println!("\n== {user}: {clients} concurrent clients, {seconds} s per page");
        let sessions = Arc::new(logins(&base, user, &password(user), clients).await?);
        header();
        for (name, path) in &pages {
            if user != "admin.demo" && path.starts_with("/audit") {
                continue;
            }
            // Admins open a seeded village in the middle of the table; the officer a demo village
            // of their own area (ids 1..=13).
            let path = path.replace("{id}", if user == "admin.demo" { "40000" } else { "1" });
            measure(&base, name, &[path], &sessions, seconds).await?;
        }
    }
    if let Some(g) = generated {
        bench_reports(&db, &base, &g, clients, seconds, &password).await?;
    }
    if migrants > 0 || std::env::var("BENTENG_BENCH_ONLY_MIGRANTS").is_ok_and(|v| v == "1") {
        bench_migrants(&db, &base, clients, seconds, &password).await?;
    }
    bench_dashboard(&db, &base, clients, seconds, &password).await?;
    match ERRORS.load(std::sync::atomic::Ordering::Relaxed) {
        0 => println!("\nno request failed in this run"),
        n => println!(
            "\nERRORS: {n} requests failed in this run (see the errors column); the rows with errors are not clean figures"
        ),
    }
    Ok(())
}

/// The dashboard (issue 18): per page, one request with the figures counted anew (the cache
/// emptied first: what the first viewer after five minutes waits), then the page under load
/// (mostly served from the five-minute cache), and the monthly report PDF.
async fn bench_dashboard(
    db: &Db,
    base: &str,
    clients: usize,
    seconds: u64,
    password: &dyn Fn(&str) -> String,
) -> Result<()> {
    let year = benteng_domain::figures::wib_date(benteng_db::now()).year();
    for user in ["pimpasa.malang", "kanwil.jatim", "admin.demo"] {
        println!("\n== dashboard, {user}: {clients} concurrent clients, {seconds} s per page");
        let sessions = Arc::new(logins(base, user, &password(user), clients).await?);
        header();
        for (name, path) in [
            ("dasbor: this month", "/dasbor".to_string()),
            ("dasbor: this year", format!("/dasbor?periode={year}")),
            ("dasbor: Kab. Malang", "/dasbor?wilayah=35.07".to_string()),
            ("dasbor: home (queues)", "/".to_string()),
            ("dasbor: monthly PDF", "/dasbor/laporan-bulanan".to_string()),
        ] {
            if std::env::var("BENTENG_BENCH_PAGES").is_ok_and(|only| !name.contains(only.as_str()))
            {
                continue;
            }
            db.figures().forget();
            let t = Instant::now();
            let r = sessions[0].get(format!("{base}{path}")).send().await?;
            let status = r.status();
            let bytes = r.bytes().await?.len();
            println!(
                "{name:<28} cold: {:.0} ms ({status}, {bytes} bytes)",
                t.elapsed().as_secs_f64() * 1000.0
            );
            // Older than five minutes: shown at once while counted again in the background.
            db.figures().age(benteng_db::figures::CACHE_SECS + 1);
            let t = Instant::now();
            let r = sessions[0].get(format!("{base}{path}")).send().await?;
            let status = r.status();
            r.bytes().await?;
            println!(
                "{name:<28} stale: {:.0} ms ({status})",
                t.elapsed().as_secs_f64() * 1000.0
            );
            // Let the background count finish before measuring.
            tokio::time::sleep(Duration::from_secs(5)).await;
            measure(base, name, &[path], &sessions, seconds).await?;
        }
    }
    Ok(())
}

/// The calon PMI register pages, and the family permission letter as PDF.
async fn bench_migrants(
    db: &Db,
    base: &str,
    clients: usize,
    seconds: u64,
    password: &dyn Fn(&str) -> String,
) -> Result<()> {
    // And a resident of the officer's area (Kabupaten Malang) for the detail page.
    let (total, id) = benteng_fixtures::generate_migrants::migrant_bench_sample(db).await?;
    for user in ["pimpasa.malang", "kanwil.jatim"] {
        println!("\n== calon PMI ({total} in the register), {user}: {clients} clients, {seconds} s per page");
        let sessions = Arc::new(logins(base, user, &password(user), clients).await?);
        header();
        for (name, path) in [
            ("register list p1", "/calon-pmi".to_string()),
            ("register list p40", "/calon-pmi?hal=40".to_string()),
            ("left without procedure", "/calon-pmi?flag=1".to_string()),
            ("status abroad", "/calon-pmi?status=luar_negeri".to_string()),
            ("name search", "/calon-pmi?q=siti".to_string()),
            ("resident page", format!("/calon-pmi/{id}")),
            ("figures (dashboard)", "/calon-pmi/angka".to_string()),
        ] {
            if path == "/calon-pmi/angka" {
                // The figures are cached for 60 s: the first request computes them (cold),
                // the hammer below then measures the cache (warm). Both are printed.
                let t = Instant::now();
                let r = sessions[0].get(format!("{base}{path}")).send().await?;
                let ok = r.status().is_success();
                let _ = r.bytes().await;
                println!(
                    "{:<28} {:>8} {:>8.1} {:>8} {:>8} {:>9}",
                    "figures, cold (1 request)",
                    "-",
                    t.elapsed().as_secs_f64() * 1000.0,
                    "-",
                    "-",
                    usize::from(!ok)
                );
                if !ok {
                    ERRORS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            measure(base, name, &[path], &sessions, seconds).await?;
        }
    }
    // The letter: typeset on a blocking thread per request, as the page does.
    let letter = benteng_pdf::PermissionLetter {
        title: "SURAT IZIN SUAMI/ISTRI".into(),
        number: "001/SIK/35.07.04.2007/2026".into(),
        village: "Sitiarjo".into(),
        district: "Sumbermanjing Wetan".into(),
        regency: "Kabupaten Malang".into(),
        province: "Jawa Timur".into(),
        ..Default::default()
    };
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let pdf = benteng_pdf::permission_letter(&letter)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(pdf.starts_with(b"%PDF"), "not a PDF");
    }
    let first = times[0];
    let mut rest = times[1..].to_vec();
    rest.sort_by(|a, b| a.total_cmp(b));
    println!(
        "\npermission letter PDF: first {first:.0} ms (fonts and templates loaded), then p50 {:.1} ms, max {:.1} ms",
        rest[rest.len() / 2],
        rest[rest.len() - 1]
    );
    Ok(())
}

/// Failed requests (an error status or no answer) of the whole run: every table row shows its
/// own in the `errors` column, and the run's last line says whether there were any, so a
/// figure measured while requests failed is never read as a clean one.
static ERRORS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Hammer one page (or a list of pages, each client going round them) and print a table row.
/// Latencies and req/s count the successful requests; the failed ones are in `errors`.
async fn measure(
    base: &str,
    name: &str,
    paths: &[String],
    sessions: &Arc<Vec<Client>>,
    seconds: u64,
) -> Result<()> {
    // BENTENG_BENCH_PAGES=text measures only the pages whose label contains it (to profile one).
    if std::env::var("BENTENG_BENCH_PAGES").is_ok_and(|only| !name.contains(only.as_str())) {
        return Ok(());
    }
    let (rate, p50, p95, p99, errors) = hammer(
        base,
        paths.to_vec(),
        sessions.clone(),
        Duration::from_secs(seconds),
    )
    .await;
    ERRORS.fetch_add(errors, std::sync::atomic::Ordering::Relaxed);
    let size = gzip_size(&sessions[0], &format!("{base}{}", paths[0])).await?;
    println!(
        "{name:<28} {rate:>8.0} {p50:>8.1} {p95:>8.1} {p99:>8.1} {errors:>9} {:>10.1}",
        size as f64 / 1024.0
    );
    Ok(())
}

fn header() {
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8} {:>9} {:>10}",
        "page", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "gzip KB"
    );
}

/// The report pages, with the generated reports loaded.
async fn bench_reports(
    db: &Db,
    base: &str,
    g: &benteng_fixtures::generate::GenerateReport,
    clients: usize,
    seconds: u64,
    password: &dyn Fn(&str) -> String,
) -> Result<()> {
    let officer = "pimpasa.malang";
    // The API as the officer: to pick report ids and search terms the way an officer meets
    // them (from the queue and the list, in scope), and for the API's own row.
    let uid = db
        .users()
        .user_id_by_name(officer)
        .await?
        .context("demo officer")?;
    let (token, _) = db.users().issue_api_token(uid, 3_600, "bench", "?").await?;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse()?,
    );
    let api = Client::builder().default_headers(headers).build()?;
    let get = |path: String| {
        let api = api.clone();
        async move {
            let v: serde_json::Value = api
                .get(format!("{base}{path}"))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            anyhow::Ok(v)
        }
    };
    // Long lists count to a bound: "1000+" means more than that.
    let total = |v: &serde_json::Value| {
        let n = v["total"].as_i64().unwrap_or(0);
        if v["more"].as_bool() == Some(true) {
            format!("{n}+")
        } else {
            n.to_string()
        }
    };
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["id"].as_i64()).collect())
            .unwrap_or_default()
    };

    let queue = get("/api/v1/reports?status=terbuka".into()).await?;
    let all = get("/api/v1/reports?status=semua".into()).await?;
    println!(
        "\n== reports: {} in all; {officer} sees {} ({} open); {clients} concurrent clients, {seconds} s per page",
        g.reports,
        total(&all),
        total(&queue)
    );
    // Report pages: the top of the queue and reports from further down the list, preferring
    // those with linked reports (a recurring recruiter or victim).
    let mut candidates = ids(&queue);
    for page in [3, 30, 300, 1_000, 2_500] {
        candidates.extend(ids(&get(format!(
            "/api/v1/reports?status=semua&page={page}"
        ))
        .await?));
    }
    let mut with_links = Vec::new();
    let mut without = Vec::new();
    let mut links = 0;
    for id in candidates {
        let l = get(format!("/api/v1/reports/{id}/linked")).await?;
        let k = l.as_array().map(Vec::len).unwrap_or(0);
        if k > 0 {
            links += k;
            with_links.push(id);
        } else {
            without.push(id);
        }
    }
    println!(
        "report pages: {} sampled with linked reports ({:.1} linked on average), {} without",
        with_links.len(),
        links as f64 / with_links.len().max(1) as f64,
        without.len()
    );
    let mut sample: Vec<i64> = with_links.iter().take(40).copied().collect();
    sample.extend(without.iter().take(10));
    let detail: Vec<String> = sample.iter().map(|id| format!("/laporan/{id}")).collect();

    let mut words = Vec::new();
    for w in ["kalipare", "sihanoukville", "paspor"] {
        let n = total(&get(format!("/api/v1/reports?status=semua&q={w}")).await?);
        words.push((w, n));
    }
    // The recurring number with most reports in the officer's area.
    let mut phone = (String::new(), 0);
    for p in g.recurring_phones.iter().take(40) {
        let q = p.replace('+', "%2B");
        let n = get(format!("/api/v1/reports?status=semua&q={q}")).await?["total"]
            .as_i64()
            .unwrap_or(0);
        if n > phone.1 {
            phone = (q, n);
        }
    }
    println!(
        "searches in scope: {}; phone {} in {} reports",
        words
            .iter()
            .map(|(w, n)| format!("\"{w}\" {n} reports"))
            .collect::<Vec<_>>()
            .join(", "),
        phone.0.replace("%2B", "+"),
        phone.1
    );

    let search = |w: &str| vec![format!("/laporan?q={w}&status=semua")];
    let pages: Vec<(String, Vec<String>)> = vec![
        ("queue (open, by priority)".into(), vec!["/laporan".into()]),
        (
            "all reports, page 3".into(),
            vec!["/laporan?status=semua&hal=3".into()],
        ),
        ("report page (linked)".into(), detail),
        (format!("search \"{}\"", words[0].0), search(words[0].0)),
        ("search phone".into(), search(&phone.0)),
    ];
    // Searches for common words last: on PostgreSQL their queries run on after the clients
    // have given up and would slow the pages measured after them.
    let heavy: Vec<(String, Vec<String>)> = words[1..]
        .iter()
        .map(|(w, _)| (format!("search \"{w}\""), search(w)))
        .collect();

    println!("\n== {officer} (8 kab/kota of Malang Raya)");
    let sessions = Arc::new(logins(base, officer, &password(officer), clients).await?);
    header();
    for (name, paths) in &pages {
        measure(base, name, paths, &sessions, seconds).await?;
    }
    let api_sessions = Arc::new(vec![api; clients]);
    measure(
        base,
        "API queue (50 rows)",
        &["/api/v1/reports?status=terbuka".into()],
        &api_sessions,
        seconds,
    )
    .await?;

    let kanwil = "kanwil.jatim";
    println!("\n== {kanwil} (province 35, all {} reports)", g.reports);
    let kanwil_sessions = Arc::new(logins(base, kanwil, &password(kanwil), clients).await?);
    header();
    for (name, path) in [
        ("all reports, newest first", "/laporan"),
        ("queue (open, by priority)", "/laporan?status=terbuka"),
    ] {
        measure(base, name, &[path.into()], &kanwil_sessions, seconds).await?;
    }

    println!("\n== {officer}: searches for common words");
    header();
    for (name, paths) in &heavy {
        measure(base, name, paths, &sessions, seconds).await?;
    }
    Ok(())
}

async fn logins(base: &str, user: &str, password: &str, n: usize) -> Result<Vec<Client>> {
    let mut sessions = Vec::new();
    for _ in 0..n {
        sessions.push(login(base, user, password).await?);
    }
    Ok(sessions)
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

/// Every client requests the paths in turn (starting at a different one each) in a loop for
/// `dur`; returns req/s, p50, p95, p99 (ms), errors.
async fn hammer(
    base: &str,
    paths: Vec<String>,
    sessions: Arc<Vec<Client>>,
    dur: Duration,
) -> (f64, f64, f64, f64, usize) {
    let urls: Arc<Vec<String>> = Arc::new(paths.iter().map(|p| format!("{base}{p}")).collect());
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..sessions.len() {
        let sessions = sessions.clone();
        let urls = urls.clone();
        tasks.push(tokio::spawn(async move {
            let c = &sessions[i];
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut k = i;
            while start.elapsed() < dur {
                let url = &urls[k % urls.len()];
                k += 1;
                let t = Instant::now();
                match c.get(url).send().await {
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

/// Resident memory of this process (server and load generator together), from /proc.
fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}
