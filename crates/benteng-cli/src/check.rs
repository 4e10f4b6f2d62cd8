//! `benteng check`: what an operator verifies before starting (or when something is wrong),
//! in plain words: the configuration, the database (reachable, migrated, durable, taking a
//! write), the free disk space, the upload directory, the delivery channels and whether
//! outgoing messages are held. Exit code 0 when nothing is wrong, 1 otherwise; warnings alone
//! do not fail it.

use crate::config::Config;
use benteng_db::Db;
use std::path::Path;
use std::time::Duration;

#[derive(PartialEq)]
enum Level {
    Ok,
    Warn,
    Problem,
}

struct Report(Vec<(Level, String)>);

impl Report {
    fn ok(&mut self, s: impl Into<String>) {
        self.0.push((Level::Ok, s.into()));
    }
    fn warn(&mut self, s: impl Into<String>) {
        self.0.push((Level::Warn, s.into()));
    }
    fn problem(&mut self, s: impl Into<String>) {
        self.0.push((Level::Problem, s.into()));
    }
}

/// Whether a file can be created (and removed) in `dir`.
fn writable(dir: &Path) -> Result<(), String> {
    let probe = dir.join(format!(".benteng-check-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(|e| e.to_string())?;
    std::fs::remove_file(&probe).map_err(|e| e.to_string())
}

fn disk(r: &mut Report, cfg: &Config, what: &str, dir: &Path) {
    match benteng_db::health::free_bytes(dir) {
        Some(b) => {
            let mb = b / (1024 * 1024);
            let line = format!("ruang disk {what} ({}): {mb} MB tersisa", dir.display());
            if mb < cfg.disk_min_free_mb {
                r.problem(format!(
                    "{line}, di bawah disk_min_free_mb = {}: kosongkan ruang disk",
                    cfg.disk_min_free_mb
                ));
            } else if mb < cfg.disk_warn_mb {
                r.warn(format!(
                    "{line}, di bawah disk_warn_mb = {}",
                    cfg.disk_warn_mb
                ));
            } else {
                r.ok(line);
            }
        }
        None => r.warn(format!(
            "ruang disk {what} ({}) tidak dapat dibaca",
            dir.display()
        )),
    }
}

pub async fn run(cfg: &Config) -> i32 {
    let mut r = Report(Vec::new());
    r.ok(format!(
        "konfigurasi terbaca; basis data {}",
        cfg.redacted_url()
    ));

    // The database.
    let db = match tokio::time::timeout(Duration::from_secs(15), Db::connect(&cfg.database_url))
        .await
    {
        Ok(Ok(db)) => Some(db),
        Ok(Err(e)) => {
            r.problem(format!("basis data tidak dapat dibuka: {e:#}"));
            None
        }
        Err(_) => {
            r.problem("basis data tidak menjawab dalam 15 detik: periksa alamat, jaringan dan server PostgreSQL");
            None
        }
    };
    if let Some(db) = &db {
        match db.ping().await {
            Ok(()) => r.ok("basis data menjawab"),
            Err(e) => r.problem(format!("basis data tidak menjawab: {e}")),
        }
        let want = benteng_db::migration_count();
        match db.applied_migrations().await {
            Ok(n) if n == want => r.ok(format!("skema basis data terbaru ({n} migrasi)")),
            Ok(n) if n < want => r.warn(format!(
                "{} migrasi belum dijalankan: `benteng migrate` (serve menjalankannya sendiri)",
                want - n
            )),
            Ok(n) => r.problem(format!(
                "basis data dibuat oleh versi Benteng yang lebih baru ({n} migrasi, program ini {want}): pasang versi yang sesuai"
            )),
            Err(e) => r.problem(format!("daftar migrasi tidak terbaca: {e}")),
        }
        if db.applied_migrations().await.unwrap_or(0) == benteng_db::migration_count() {
            match db.durability().await {
                Ok(d) if d.power_safe => r.ok(format!("penyimpanan tahan mati listrik ({})", d.settings)),
                Ok(d) => r.warn(format!(
                    "laporan yang sudah diterima bisa hilang saat mati listrik ({}); lihat docs/security.md, Durability",
                    d.settings
                )),
                Err(e) => r.problem(format!("pengaturan ketahanan tidak terbaca: {e}")),
            }
            match db.write_probe().await {
                Ok(()) => r.ok("basis data menerima tulisan"),
                Err(e) if e.is_storage_full() => {
                    r.problem("basis data tidak dapat menulis: penyimpanan penuh")
                }
                Err(e) => r.problem(format!("basis data tidak dapat menulis: {e}")),
            }
            match db.delivery_hold().await {
                Ok(Some(why)) => r.warn(format!(
                    "pesan keluar DITAHAN ({why}): `benteng delivery resume` bila salinan ini server yang sebenarnya"
                )),
                Ok(None) => r.ok("pesan keluar tidak ditahan"),
                Err(e) => r.problem(format!("status pesan keluar tidak terbaca: {e}")),
            }
        }
        if let Some(dir) = db.data_dir() {
            disk(&mut r, cfg, "basis data", dir);
        }
    }

    // The upload directory.
    let uploads = Path::new(&cfg.upload_dir);
    if !uploads.exists() {
        match std::fs::create_dir_all(uploads) {
            Ok(()) => r.ok(format!("folder unggahan {} dibuat", uploads.display())),
            Err(e) => r.problem(format!(
                "folder unggahan {} tidak dapat dibuat: {e}",
                uploads.display()
            )),
        }
    }
    if uploads.exists() {
        match writable(uploads) {
            Ok(()) => r.ok(format!("folder unggahan {} dapat ditulis", uploads.display())),
            Err(e) => r.problem(format!(
                "folder unggahan {} tidak dapat ditulis ({e}): berikan folder itu kepada pengguna layanan",
                uploads.display()
            )),
        }
        disk(&mut r, cfg, "unggahan", uploads);
    }

    // Delivery channels.
    let notify = cfg.notify();
    match benteng_app::jobs::Channels::from_config(&notify) {
        Ok(c) => {
            let names: Vec<String> = c.offered().iter().map(|k| k.as_str().to_string()).collect();
            r.ok(format!("saluran pemberitahuan: {}", names.join(", ")));
            if names.len() > 1 && cfg.public_url.trim().is_empty() {
                r.warn("public_url kosong: tautan di e-mail, WhatsApp dan SMS memakai alamat bind");
            }
        }
        Err(e) => r.problem(format!("saluran pemberitahuan salah diatur: {e:#}")),
    }
    if !cfg.backup_dir.trim().is_empty() {
        let dir = Path::new(cfg.backup_dir.trim());
        match std::fs::create_dir_all(dir)
            .map_err(|e| e.to_string())
            .and_then(|_| writable(dir))
        {
            Ok(()) => r.ok(format!("folder cadangan {} dapat ditulis", dir.display())),
            Err(e) => r.problem(format!(
                "folder cadangan {} tidak dapat ditulis: {e}",
                dir.display()
            )),
        }
    }
    if let Some(db) = db {
        db.close().await;
    }

    let mut problems = 0;
    for (level, line) in &r.0 {
        let tag = match level {
            Level::Ok => "OK     ",
            Level::Warn => "AWAS   ",
            Level::Problem => {
                problems += 1;
                "MASALAH"
            }
        };
        println!("{tag} {line}");
    }
    if problems > 0 {
        println!("{problems} masalah ditemukan / {problems} problem(s) found");
        1
    } else {
        println!("Semua pemeriksaan lulus / all checks passed");
        0
    }
}
