//! `benteng import`: the region list, and the P3MI and watchlist imports acting as a named
//! user (their row checks are in [`crate::data`]).

use crate::config::Config;
use crate::{data, open};
use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Load the Kemendagri region list (the shipped file unless --file is given).
    Regions {
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Import licensed placement companies (P3MI) from CSV or XLSX, as the web's import:
    /// bad rows are listed with their line; exit code 2 when there were any.
    P3mi {
        file: PathBuf,
        /// The user whose rights the import has (audited under their name).
        #[arg(long = "as", value_name = "USERNAME")]
        user: String,
        /// One bad row imports nothing.
        #[arg(long)]
        all_or_nothing: bool,
    },
    /// Import watchlist entries from CSV or XLSX, as the web's import: bad rows are listed
    /// with their line; exit code 2 when there were any.
    Watchlist {
        file: PathBuf,
        #[arg(long = "as", value_name = "USERNAME")]
        user: String,
        #[arg(long)]
        all_or_nothing: bool,
    },
}

pub async fn run(cfg: &Config, what: ImportCommand) -> anyhow::Result<()> {
    match what {
        ImportCommand::Regions { file } => regions(cfg, file).await,
        ImportCommand::P3mi {
            file,
            user,
            all_or_nothing,
        } => import_list(cfg, data::ImportKind::P3mi, file, user, all_or_nothing).await,
        ImportCommand::Watchlist {
            file,
            user,
            all_or_nothing,
        } => import_list(cfg, data::ImportKind::Watchlist, file, user, all_or_nothing).await,
    }
}

async fn regions(cfg: &Config, file: Option<PathBuf>) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let start = Instant::now();
    let report = match file {
        None => db.regions().load_shipped_regions().await?,
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let (rows, bad) = benteng_db::regions::parse_csv(&text, |_| true);
            let mut r = db.regions().load_regions(&rows).await?;
            r.bad = bad;
            r
        }
    };
    for b in &report.bad {
        eprintln!("baris {}: {}", b.line, b.reason);
    }
    println!(
        "{} wilayah dibaca, {} ditulis, {} baris ditolak, {} ms{}",
        report.read,
        report.inserted,
        report.bad.len(),
        start.elapsed().as_millis(),
        if report.skipped_already_loaded {
            " (sudah lengkap)"
        } else {
            ""
        }
    );
    // The good rows are loaded; a rejected row still fails the command, so a script
    // or an operator does not take a partial load for a complete one.
    if !report.bad.is_empty() {
        anyhow::bail!(
            "{} baris ditolak; baris lain sudah dimuat. Perbaiki baris itu lalu jalankan lagi \
                     ({} rows rejected; the others were loaded)",
            report.bad.len(),
            report.bad.len()
        );
    }
    Ok(())
}

async fn import_list(
    cfg: &Config,
    kind: data::ImportKind,
    file: PathBuf,
    user: String,
    all_or_nothing: bool,
) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let args = data::ImportArgs {
        user,
        file,
        all_or_nothing,
    };
    let code = data::import(&db, kind, args).await;
    db.close().await;
    let code = code?;
    if code != 0 {
        std::process::exit(code);
    }
    Ok(())
}
