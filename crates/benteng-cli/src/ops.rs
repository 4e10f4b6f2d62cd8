//! The operator's commands around storage: the checks before `serve` starts, the daily
//! backup of the worker, `backup` / `backup verify` and `delivery` (their archive logic is in
//! [`crate::backup`], `check` in [`crate::check`]).

use crate::backup;
use crate::config::Config;
use crate::open;
use benteng_db::Db;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum DeliveryCommand {
    /// Say whether outgoing messages are held, and why.
    Status,
    /// Hold outgoing messages: the worker sends nothing until `resume`.
    Hold {
        /// Why (shown by `status`).
        #[arg(long, default_value = "held by the operator")]
        reason: String,
    },
    /// Let outgoing messages go again.
    Resume,
}

/// Refuse to start on a disk too small to take writes, or on a folder that cannot be written
/// (a read-only disk), saying so: a first start on a full disk would otherwise fail with
/// SQLite's "database or disk is full", and on a read-only one with "pool timed out".
pub fn check_disk(cfg: &Config) -> anyhow::Result<()> {
    let min = cfg.disk_min_free_mb;
    let mut volumes = vec![("uploads", std::path::PathBuf::from(&cfg.upload_dir))];
    if let Some(path) = cfg.database_url.strip_prefix("sqlite:") {
        let path = path
            .trim_start_matches("//")
            .split('?')
            .next()
            .unwrap_or("");
        let dir = std::path::Path::new(path)
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default();
        volumes.insert(0, ("database", dir));
    }
    for (what, dir) in volumes {
        // A folder (or database file) Benteng cannot write to: say so now, instead of the
        // pool's "timed out" after ten seconds of failing connections.
        let dir_or_here = if dir.as_os_str().is_empty() {
            std::path::PathBuf::from(".")
        } else {
            dir.clone()
        };
        if dir_or_here.is_dir() {
            let probe = dir_or_here.join(format!(".benteng-start-{}", std::process::id()));
            let written = std::fs::write(&probe, b"ok").and_then(|_| std::fs::remove_file(&probe));
            if let Err(e) = written {
                anyhow::bail!(
                    "folder {what} {} tidak dapat ditulis ({e}); berikan hak tulis kepada pengguna layanan atau pasang ulang disk itu baca-tulis / the {what} folder {} cannot be written",
                    dir_or_here.display(),
                    dir_or_here.display()
                );
            }
        }
        if let Some(free) = benteng_db::health::free_bytes(&dir) {
            let mb = free / (1024 * 1024);
            if mb < min {
                anyhow::bail!(
                    "ruang disk tidak cukup untuk {what} di {}: tersisa {mb} MB, perlu setidaknya {min} MB (kosongkan ruang disk atau ubah disk_min_free_mb) / not enough disk space for the {what} at {}: {mb} MB free, at least {min} MB needed",
                    dir.display(),
                    dir.display()
                );
            }
        }
    }
    Ok(())
}

/// The daily backup of the worker, when `backup_dir` is set.
pub fn spawn_backups(cfg: &Config, db: &Db) {
    if cfg.backup_dir.trim().is_empty() {
        return;
    }
    backup::spawn_scheduled(
        db.clone(),
        cfg.database_url.clone(),
        PathBuf::from(&cfg.upload_dir),
        PathBuf::from(cfg.backup_dir.trim()),
        cfg.backup_keep,
        cfg.backup_hour,
    );
}

/// `benteng backup verify FILE`: exit 0 when intact, 2 naming what is wrong.
pub async fn verify_backup(file: &Path) -> anyhow::Result<()> {
    let (problems, m) = backup::verify(file).await?;
    if problems.is_empty() {
        println!(
            "Cadangan utuh / backup intact: {} ({}, {} tabel, {} baris, {} berkas)",
            file.display(),
            m.backend,
            m.tables.len(),
            m.tables.values().sum::<i64>(),
            m.files.len()
        );
        Ok(())
    } else {
        eprintln!("Cadangan rusak / backup damaged: {}", file.display());
        for p in &problems {
            eprintln!("  {p}");
        }
        std::process::exit(2);
    }
}

/// `benteng backup [--out FILE]`.
pub async fn make_backup(cfg: &Config, out: Option<PathBuf>) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let out = out.unwrap_or_else(|| {
        let t = time::OffsetDateTime::now_utc();
        PathBuf::from(format!(
            "benteng-backup-{}-{:02}{:02}{:02}.zip",
            t.date(),
            t.hour(),
            t.minute(),
            t.second()
        ))
    });
    let r = backup::backup(
        &db,
        &cfg.database_url,
        std::path::Path::new(&cfg.upload_dir),
        &out,
    )
    .await;
    db.close().await;
    if r.is_err() {
        let _ = std::fs::remove_file(&out);
    }
    r.map(|_| ())
}

/// `benteng delivery status|hold|resume`.
pub async fn delivery(cfg: &Config, action: DeliveryCommand) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    match action {
        DeliveryCommand::Status => match db.delivery_hold().await? {
            Some(why) => println!("Pesan keluar DITAHAN / outgoing messages HELD: {why}"),
            None => println!("Pesan keluar berjalan / outgoing messages flow"),
        },
        DeliveryCommand::Hold { reason } => {
            db.hold_delivery(&reason).await?;
            println!("Pesan keluar ditahan / outgoing messages held: {reason}");
        }
        DeliveryCommand::Resume => {
            if db.resume_delivery().await? {
                println!("Pesan keluar berjalan lagi / outgoing messages flow again");
            } else {
                println!("Pesan keluar tidak ditahan / outgoing messages were not held");
            }
        }
    }
    db.close().await;
    Ok(())
}

/// One line per kind: what was (or would be) anonymised or deleted, and the cut-off.
pub fn print_retention(runs: &[benteng_app::jobs::retention::KindRun], dry_run: bool) {
    println!(
        "{}",
        if dry_run {
            "Uji coba retensi, tidak ada yang diubah (retention dry run, nothing changed):"
        } else {
            "Retensi diterapkan (retention applied):"
        }
    );
    for r in runs {
        let what = match (r.kind.deletes(), dry_run) {
            (true, true) => "akan dihapus (would be deleted)",
            (true, false) => "dihapus (deleted)",
            (false, true) => "akan dianonimkan (would be anonymised)",
            (false, false) => "dianonimkan (anonymised)",
        };
        match r.cutoff {
            None => println!("  {:<14} mati (off, months = 0)", r.kind.as_str()),
            Some(c) => {
                let date = time::OffsetDateTime::from_unix_timestamp(c)
                    .map(|d| d.date().to_string())
                    .unwrap_or_default();
                println!(
                    "  {:<14} {:>8} {what}, {} berkas (files); batas (cut-off) {date}, {} bulan (months)",
                    r.kind.as_str(),
                    r.records,
                    r.files,
                    r.months
                );
            }
        }
    }
}
