//! `benteng backup`, `benteng backup verify` and `benteng restore`: one ZIP archive with the
//! database, the uploaded files and a manifest (format, version, when, the tables with their
//! row counts, every file with its size and SHA-256).
//!
//! Decisions:
//! - **SQLite**: the database is a `VACUUM INTO` snapshot (see `benteng_db::backup`), taken
//!   first; the upload directory is copied after it, so every file a row of the snapshot
//!   names is in the archive (files are written before their rows and never change).
//! - **PostgreSQL**: the database is `pg_dump -Fc` when `pg_dump` is on the path, else the
//!   command says how to take the dump by hand; the row counts are read from the live database
//!   and are only a guide.
//! - **Restore** refuses a folder that already holds a database, checks the archive first,
//!   writes `benteng.db`, `uploads/` and a `benteng.toml` pointing at them, and holds
//!   outgoing messages in the restored copy (`benteng delivery resume` lets them go).

use anyhow::{bail, Context};
use benteng_db::Db;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

const FORMAT: &str = "benteng-backup/1";
const MANIFEST: &str = "manifest.json";
const SQLITE_ENTRY: &str = "database/benteng.db";
const PG_ENTRY: &str = "database/benteng.dump";

#[derive(Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The Benteng version that made it.
    pub version: String,
    /// Unix seconds.
    pub created_at: i64,
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub migrations: usize,
    /// Row count per table (of the snapshot on SQLite; of the live database on PostgreSQL).
    pub tables: BTreeMap<String, i64>,
    pub files: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Copy `from` into the archive as `name`, hashing it on the way.
fn add_file(
    zip: &mut zip::ZipWriter<File>,
    name: &str,
    from: &Path,
    compress: bool,
) -> anyhow::Result<Entry> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(if compress {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        })
        .large_file(true);
    zip.start_file(name, options)?;
    let mut f = File::open(from).with_context(|| format!("reading {}", from.display()))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        zip.write_all(&buf[..n])?;
        bytes += n as u64;
    }
    Ok(Entry {
        name: name.to_string(),
        bytes,
        sha256: hex(&hash.finalize()),
    })
}

/// The files of the upload directory (flat, as Benteng writes it), leaving out the temporary
/// `.part` files of writes in progress.
fn upload_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_file() && p.extension().is_none_or(|x| x != "part") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Make the archive at `out`; returns its manifest.
pub async fn backup(db: &Db, url: &str, upload_dir: &Path, out: &Path) -> anyhow::Result<Manifest> {
    let started = Instant::now();
    if out.exists() {
        bail!("{} already exists; choose another --out", out.display());
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    // The snapshot sits next to the archive (same volume), removed afterwards.
    let work = tempfile::tempdir_in(parent).context("a temporary folder beside the archive")?;
    let sqlite = db.backend == benteng_db::Backend::Sqlite;
    let (db_file, entry_name, tables) = if sqlite {
        let snap = work.path().join("benteng.db");
        db.snapshot_into(&snap)
            .await
            .context("the database snapshot")?;
        let copy = Db::connect(&format!("sqlite://{}", snap.display())).await?;
        let tables = copy.table_counts().await?;
        copy.close().await;
        (snap, SQLITE_ENTRY, tables)
    } else {
        let dump = work.path().join("benteng.dump");
        let (bare, password) = pg_dump_target(url);
        let mut cmd = std::process::Command::new("pg_dump");
        cmd.args(["-Fc", "-f"]).arg(&dump).arg(bare);
        if let Some(pw) = password {
            cmd.env("PGPASSWORD", pw);
        }
        let status = cmd.status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => bail!("pg_dump failed ({s}); see its message above"),
            Err(_) => bail!(
                "pg_dump is not installed here. Install it (apt-get install postgresql-client) or dump by hand: \
                 pg_dump -Fc -f benteng.dump \"$BENTENG_DATABASE_URL\" (docs/backup.md)"
            ),
        }
        (dump, PG_ENTRY, db.table_counts().await?)
    };
    let file = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let mut files = vec![add_file(&mut zip, entry_name, &db_file, true)?];
    for p in upload_files(upload_dir)? {
        let name = format!(
            "uploads/{}",
            p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
        );
        // Photos and PDFs are compressed already.
        files.push(add_file(&mut zip, &name, &p, false)?);
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        created_at: benteng_db::now(),
        backend: if sqlite { "sqlite" } else { "postgres" }.into(),
        migrations: benteng_db::migration_count(),
        tables: tables.into_iter().collect(),
        files,
    };
    zip.start_file(
        MANIFEST,
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    let mut file = zip.finish()?;
    file.flush()?;
    file.sync_all()?;
    let size = std::fs::metadata(out)?.len();
    println!(
        "Cadangan dibuat / backup written: {} ({:.1} MB, {} tabel, {} baris, {} berkas unggahan, {:.1} s)",
        out.display(),
        size as f64 / 1e6,
        manifest.tables.len(),
        manifest.tables.values().sum::<i64>(),
        manifest.files.len() - 1,
        started.elapsed().as_secs_f64()
    );
    Ok(manifest)
}

/// Check an archive: every listed file present with its hash, nothing unlisted, and on
/// SQLite the database sound with the manifest's row counts. Returns the problems (empty when
/// it is good) and the manifest.
pub async fn verify(path: &Path) -> anyhow::Result<(Vec<String>, Manifest)> {
    let mut zip = zip::ZipArchive::new(
        File::open(path).with_context(|| format!("opening {}", path.display()))?,
    )
    .context("not a Benteng backup (not a ZIP archive)")?;
    let manifest: Manifest = {
        let mut m = zip
            .by_name(MANIFEST)
            .context("not a Benteng backup (no manifest.json)")?;
        let mut text = String::new();
        m.read_to_string(&mut text)?;
        serde_json::from_str(&text).context("manifest.json cannot be read")?
    };
    let mut problems = Vec::new();
    if manifest.format != FORMAT {
        problems.push(format!("unknown format {:?}", manifest.format));
    }
    let listed: std::collections::HashSet<&str> =
        manifest.files.iter().map(|f| f.name.as_str()).collect();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.to_string()))
        .collect::<Result<_, _>>()
        .context("the archive's list of files cannot be read")?;
    for name in names {
        if name != MANIFEST && !listed.contains(name.as_str()) {
            problems.push(format!("{name}: in the archive but not in the manifest"));
        }
    }
    let work = tempfile::tempdir()?;
    for f in &manifest.files {
        let mut entry = match zip.by_name(&f.name) {
            Ok(e) => e,
            Err(_) => {
                problems.push(format!("{}: missing", f.name));
                continue;
            }
        };
        let mut hash = Sha256::new();
        let mut bytes = 0u64;
        let mut buf = vec![0u8; 256 * 1024];
        // The database is kept to check it below.
        let mut keep = (f.name == SQLITE_ENTRY)
            .then(|| File::create(work.path().join("benteng.db")))
            .transpose()?;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(n) => n,
                Err(e) => {
                    problems.push(format!("{}: cannot be read ({e})", f.name));
                    break;
                }
            };
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
            bytes += n as u64;
            if let Some(k) = keep.as_mut() {
                k.write_all(&buf[..n])?;
            }
        }
        if bytes != f.bytes || hex(&hash.finalize()) != f.sha256 {
            problems.push(format!("{}: damaged (its checksum differs)", f.name));
        }
    }
    let db_path = work.path().join("benteng.db");
    if manifest.backend == "sqlite" && problems.is_empty() && db_path.exists() {
        let copy = Db::connect(&format!("sqlite://{}", db_path.display())).await?;
        let check = copy.integrity_check().await?;
        if check != "ok" {
            problems.push(format!("{SQLITE_ENTRY}: integrity check: {check}"));
        }
        for (table, n) in copy.table_counts().await? {
            match manifest.tables.get(&table) {
                Some(want) if *want == n => {}
                Some(want) => {
                    problems.push(format!("table {table}: {n} rows, the manifest says {want}"))
                }
                None => problems.push(format!("table {table}: not in the manifest")),
            }
        }
        copy.close().await;
    }
    Ok((problems, manifest))
}

/// Restore an archive into `dir` (a new folder, or an empty one).
pub async fn restore(path: &Path, dir: &Path, database: Option<&str>) -> anyhow::Result<PathBuf> {
    if let Some(url) = database {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            bail!("--database must be a PostgreSQL URL, postgres://… (a SQLite archive restores into the folder)");
        }
    }
    if dir.join("benteng.db").exists() || dir.join("benteng.toml").exists() {
        bail!(
            "{} already holds a Benteng database or configuration; restore into a new folder",
            dir.display()
        );
    }
    let (problems, manifest) = verify(path).await?;
    if !problems.is_empty() {
        bail!(
            "the archive is damaged, nothing was restored:\n  {}",
            problems.join("\n  ")
        );
    }
    std::fs::create_dir_all(dir.join("uploads"))?;
    let mut zip = zip::ZipArchive::new(File::open(path)?)?;
    for f in &manifest.files {
        let target = match f.name.as_str() {
            SQLITE_ENTRY => dir.join("benteng.db"),
            PG_ENTRY => dir.join("benteng.dump"),
            name => match name.strip_prefix("uploads/") {
                // A flat name only: no folder, no way out of the uploads folder.
                Some(n) if !n.is_empty() && !n.contains(['/', '\\']) && n != ".." => {
                    dir.join("uploads").join(n)
                }
                _ => bail!("{name}: not a name a Benteng backup holds"),
            },
        };
        let mut entry = zip.by_name(&f.name)?;
        let mut out = File::create(&target)?;
        std::io::copy(&mut entry, &mut out)?;
        out.sync_all()?;
    }
    let dir = std::fs::canonicalize(dir)?;
    let toml = dir.join("benteng.toml");
    if manifest.backend == "sqlite" && database.is_some() {
        bail!("this archive holds a SQLite database: restore it without --database");
    }
    if manifest.backend == "sqlite" {
        let url = format!("sqlite://{}", dir.join("benteng.db").display());
        let db = Db::connect(&url).await?;
        migrate_and_hold(&db, manifest.created_at, path).await?;
        db.close().await;
        std::fs::write(
            &toml,
            format!(
                "# Written by `benteng restore` from {}.\n# Outgoing messages are held: `benteng delivery resume` lets them go.\ndatabase_url = \"{url}\"\nupload_dir = \"{}\"\n",
                path.display(),
                dir.join("uploads").display()
            ),
        )?;
        println!(
            "Dipulihkan / restored into {}\n  start it:  BENTENG_CONFIG={} benteng serve\n  pesan keluar ditahan / outgoing messages are held until: BENTENG_CONFIG={} benteng delivery resume",
            dir.display(),
            toml.display(),
            toml.display()
        );
    } else if let Some(url) = database {
        restore_pg(&dir.join("benteng.dump"), url, manifest.created_at, path).await?;
        write_private(
            &toml,
            &format!(
                "# Written by `benteng restore` from {}.\n# Outgoing messages are held: `benteng delivery resume` lets them go.\ndatabase_url = \"{url}\"\nupload_dir = \"{}\"\n",
                path.display(),
                dir.join("uploads").display()
            ),
        )?;
        println!(
            "Dipulihkan / restored into the database and {}\n  start it:  BENTENG_CONFIG={} benteng serve\n  pesan keluar ditahan / outgoing messages are held until: BENTENG_CONFIG={} benteng delivery resume",
            dir.display(),
            toml.display(),
            toml.display()
        );
    } else {
        println!(
            "The PostgreSQL dump is {}; restore it into an empty database with\n  benteng restore {} --into NEW_FOLDER --database postgres://…\n(or by hand with pg_restore, then `benteng delivery hold` before starting, docs/backup.md). Uploaded files: {}",
            dir.join("benteng.dump").display(),
            path.display(),
            dir.join("uploads").display()
        );
    }
    Ok(dir)
}

/// The worker's daily backup: after `hour` (WIB), once a day, `benteng-YYYY-MM-DD.zip` in
/// `dir`, keeping the newest `keep`. Checked every ten minutes; a day's file already there
/// (another worker, or a restart) is not made again.
pub fn spawn_scheduled(
    db: Db,
    url: String,
    upload_dir: PathBuf,
    dir: PathBuf,
    keep: usize,
    hour: u8,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let Ok(wib) = time::UtcOffset::from_hms(7, 0, 0) else {
                return;
            };
            let now = time::OffsetDateTime::now_utc().to_offset(wib);
            if now.hour() < hour {
                continue;
            }
            let path = dir.join(format!("benteng-{}.zip", now.date()));
            if path.exists() {
                continue;
            }
            match backup(&db, &url, &upload_dir, &path).await {
                Ok(m) => tracing::info!(
                    path = %path.display(),
                    tables = m.tables.len(),
                    files = m.files.len(),
                    "daily backup written"
                ),
                Err(e) => {
                    let _ = std::fs::remove_file(&path);
                    tracing::error!(error = %format!("{e:#}"), path = %path.display(), "daily backup failed");
                    continue;
                }
            }
            if let Err(e) = prune(&dir, keep) {
                tracing::warn!(error = %e, "old daily backups could not be removed");
            }
        }
    });
}

/// Delete all but the newest `keep` daily backups (`benteng-YYYY-MM-DD.zip`) in `dir`.
pub fn prune(dir: &Path, keep: usize) -> anyhow::Result<usize> {
    let mut daily: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.len() == "benteng-2026-12-07.zip".len()
                    && n.starts_with("benteng-20")
                    && n.ends_with(".zip")
            })
        })
        .collect();
    // The date in the name sorts them.
    daily.sort();
    let old = daily.len().saturating_sub(keep.max(1));
    for p in &daily[..old] {
        std::fs::remove_file(p)?;
    }
    Ok(old)
}

/// Restore a `pg_dump -Fc` file into the empty PostgreSQL database at `url` with
/// `pg_restore`, then hold its outgoing messages, so a copy restored for a test never sends
/// again what production already sent. A database that already has tables is refused.
async fn restore_pg(dump: &Path, url: &str, created_at: i64, archive: &Path) -> anyhow::Result<()> {
    let db = Db::connect(url)
        .await
        .with_context(|| "connecting to the database given by --database")?;
    let tables = db.table_counts().await?;
    if !tables.is_empty() {
        db.close().await;
        bail!(
            "the database given by --database already has {} tables; restore into an empty database",
            tables.len()
        );
    }
    let (bare, password) = pg_dump_target(url);
    let mut cmd = std::process::Command::new("pg_restore");
    cmd.args(["--no-owner", "--exit-on-error", "-d"])
        .arg(bare)
        .arg(dump);
    if let Some(pw) = password {
        cmd.env("PGPASSWORD", pw);
    }
    match cmd.status() {
        Ok(s) if s.success() => {}
        Ok(s) => bail!("pg_restore failed ({s}); see its message above"),
        Err(_) => bail!(
            "pg_restore is not installed here. Install it (apt-get install postgresql-client) and run this again"
        ),
    }
    migrate_and_hold(&db, created_at, archive).await?;
    db.close().await;
    Ok(())
}

/// Bring a restored database to this version and hold its outgoing messages, naming the
/// backup it came from (`benteng delivery status` shows it).
async fn migrate_and_hold(db: &Db, created_at: i64, archive: &Path) -> anyhow::Result<()> {
    db.migrate().await?;
    let when = time::OffsetDateTime::from_unix_timestamp(created_at)
        .map(|t| t.date().to_string())
        .unwrap_or_default();
    db.hold_delivery(&format!(
        "dipulihkan dari cadangan {when} ({}) / restored from the backup of {when}",
        archive.display()
    ))
    .await?;
    Ok(())
}

/// Write a file only its owner may read (it may hold a database password).
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(0o600);
    let mut f = o.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// `pg_dump`'s URL argument without the password, and the password for `PGPASSWORD`: an
/// argument is visible to every user of the machine (`ps`), the environment is not.
fn pg_dump_target(url: &str) -> (String, Option<String>) {
    let Ok(mut u) = url::Url::parse(url) else {
        return (url.to_string(), None);
    };
    let password = u.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    if password.is_some() && u.set_password(None).is_err() {
        return (url.to_string(), None);
    }
    (u.to_string(), password)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pg_dump_gets_the_password_in_its_environment_not_its_arguments() {
        let (arg, pw) = super::pg_dump_target(
            "postgres://benteng:rahasia%40123@db.internal:5432/benteng?sslmode=require",
        );
        assert_eq!(pw.as_deref(), Some("rahasia@123"));
        assert!(!arg.contains("rahasia"), "{arg}");
        assert_eq!(
            arg,
            "postgres://benteng@db.internal:5432/benteng?sslmode=require"
        );
        let (arg, pw) = super::pg_dump_target("postgres://postgres@127.0.0.1:5432/benteng");
        assert_eq!(pw, None);
        assert_eq!(arg, "postgres://postgres@127.0.0.1:5432/benteng");
    }

    #[test]
    fn pruning_keeps_the_newest_daily_backups_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        for d in 1..=9 {
            std::fs::write(dir.path().join(format!("benteng-2026-12-0{d}.zip")), b"x").unwrap();
        }
        std::fs::write(
            dir.path().join("benteng-backup-2026-12-01-010000.zip"),
            b"x",
        )
        .unwrap();
        std::fs::write(dir.path().join("catatan.txt"), b"x").unwrap();
        assert_eq!(super::prune(dir.path(), 3).unwrap(), 6);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "benteng-2026-12-07.zip",
                "benteng-2026-12-08.zip",
                "benteng-2026-12-09.zip",
                "benteng-backup-2026-12-01-010000.zip",
                "catatan.txt"
            ]
        );
    }
}
