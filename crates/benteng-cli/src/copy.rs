//! `benteng copy --to postgres://…`: this SQLite deployment into PostgreSQL (the database
//! work is `benteng_db::copy`, which says what is copied and how).
//!
//! The command migrates the target, refuses one that holds data it did not put there (unless
//! `--into-non-empty`), copies every table parents first with a line per table, moves the id
//! sequences on, then compares every table's count and checksum and checks that every file the
//! tables refer to is in `upload_dir` (the files are not moved: the PostgreSQL instances use
//! the same folder, or a copy of it). Exit code 0 when everything agrees, 2 when a table
//! differs or a file is missing, 1 on an error. Run again after an interruption: tables that
//! already agree are skipped.

use crate::config::Config;
use benteng_db::copy::{target_digest, Source};
use benteng_db::{Backend, Db};
use std::path::Path;
use std::time::Instant;

pub async fn run(cfg: &Config, to: &str, into_non_empty: bool) -> anyhow::Result<i32> {
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        anyhow::bail!(
            "--to harus alamat PostgreSQL, postgres://… (the target must be a PostgreSQL URL)"
        );
    }
    let source = crate::open(cfg).await?;
    if source.backend != Backend::Sqlite {
        anyhow::bail!(
            "sumber harus SQLite: database_url di konfigurasi adalah {} (the source must be SQLite)",
            cfg.redacted_url()
        );
    }
    let target = Db::connect(to).await.map_err(|e| {
        anyhow::anyhow!(
            "menghubungi PostgreSQL tujuan gagal (connecting to the target failed): {e:#}"
        )
    })?;
    let applied = target.migrate().await?;
    if applied > 0 {
        println!("Basis data tujuan dimigrasi: {applied} migrasi (target migrated).");
    }
    let plan = target.copy_plan().await?;
    let source_id = source_id(cfg);
    let (holding, flag) = target.copy_target_state(&plan).await?;
    let resuming = flag.as_deref() == Some(source_id.as_str());
    if !holding.is_empty() && !resuming && !into_non_empty {
        let list: Vec<String> = holding.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        eprintln!(
            "Basis data tujuan sudah berisi data (the target already holds data): {}",
            list.join(", ")
        );
        eprintln!(
            "Tidak ada yang disalin. Gunakan basis data PostgreSQL yang kosong, atau --into-non-empty bila memang ingin menimpa baris dengan kunci yang sama."
        );
        return Ok(1);
    }
    if resuming {
        println!(
            "Melanjutkan salinan sebelumnya dari sumber yang sama (resuming an earlier copy)."
        );
    }
    target.set_copy_flag(&source_id).await?;

    let started = Instant::now();
    let mut src = Source::open(&source).await?;
    let mut differ = Vec::new();
    let mut total = 0u64;
    println!("{:<28} {:>10} {:>8}  hasil", "tabel", "baris", "detik");
    for t in &plan {
        if !src.has_table(&t.name).await? {
            // A table PostgreSQL has and SQLite lacks would be a migration difference.
            println!("{:<28} {:>10} {:>8}  tidak ada di sumber", t.name, "-", "-");
            continue;
        }
        let t0 = Instant::now();
        let want = src.digest(t).await?;
        let before = target_digest(&target, t).await?;
        if before == want {
            println!(
                "{:<28} {:>10} {:>8}  sudah sama, dilewati",
                t.name,
                want.rows,
                format!("{:.1}", t0.elapsed().as_secs_f64())
            );
            total += want.rows as u64;
            continue;
        }
        let n = src.copy_table(&target, t, |_| {}).await?;
        let after = target_digest(&target, t).await?;
        let verdict = if after == want {
            "sama"
        } else {
            differ.push(format!(
                "{}: sumber {} baris {}, tujuan {} baris {}",
                t.name,
                want.rows,
                &want.hex()[..16],
                after.rows,
                &after.hex()[..16]
            ));
            "BERBEDA"
        };
        total += n;
        println!(
            "{:<28} {:>10} {:>8}  {verdict}",
            t.name,
            n,
            format!("{:.1}", t0.elapsed().as_secs_f64())
        );
    }
    src.finish().await?;
    target.reset_identities(&plan).await?;

    // The files stay where they are; the tables only refer to them.
    let keys = target.storage_keys(&plan).await?;
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !file_present(Path::new(&cfg.upload_dir), k))
        .collect();
    println!(
        "\n{} tabel, {} baris, {:.1} s. Berkas yang dirujuk: {}, tidak ada di {}: {}.",
        plan.len(),
        total,
        started.elapsed().as_secs_f64(),
        keys.len(),
        cfg.upload_dir,
        missing.len()
    );
    for k in missing.iter().take(20) {
        eprintln!("berkas tidak ada (missing file): {k}");
    }
    source.close().await;
    target.close().await;
    if differ.is_empty() && missing.is_empty() {
        println!(
            "Selesai: jumlah baris dan checksum setiap tabel sama (every table's count and checksum agree). \
             Arahkan database_url ke PostgreSQL dan pakai upload_dir yang sama."
        );
        Ok(0)
    } else {
        for d in &differ {
            eprintln!("BERBEDA (differs): {d}");
        }
        eprintln!(
            "Salinan belum sama dengan sumber. Jalankan lagi perintah yang sama; bila tetap berbeda, simpan keluaran ini dan hubungi pengembang."
        );
        Ok(2)
    }
}

/// What the target remembers as the source: the SQLite file's full path.
fn source_id(cfg: &Config) -> String {
    let path = cfg
        .database_url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    std::fs::canonicalize(&path)
        .map(|p| format!("sqlite:{}", p.display()))
        .unwrap_or(format!("sqlite:{path}"))
}

/// Whether the file of storage key `key` is in the upload folder (keys are hex names the
/// application made; anything with a path separator is counted as missing).
fn file_present(dir: &Path, key: &str) -> bool {
    !key.contains('/') && !key.contains("..") && dir.join(key).is_file()
}
