//! `benteng`: the one binary. `serve` runs the product; the other commands are for operators.

mod audit;
mod backup;
mod check;
mod config;
mod copy;
mod data;
mod imports;
mod ops;
mod screen;
mod serve;
mod users;

use anyhow::Context;
use benteng_db::Db;
use clap::{Parser, Subcommand};
use config::Config;
use imports::ImportCommand;
use ops::DeliveryCommand;
use std::path::PathBuf;
use std::time::Instant;
use users::UserCommand;

#[derive(Parser)]
#[command(
    name = "benteng",
    version,
    about = "Benteng — Desa Binaan Imigrasi: mencegah TPPO dari desa"
)]
struct Cli {
    /// Configuration file (TOML). Default: $BENTENG_CONFIG, else ./benteng.toml when present.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, load regions, create the first admin if needed, and serve the web app.
    Serve {
        /// Also load the Kabupaten Malang demo set (once).
        #[arg(long)]
        demo: bool,
        /// Listen address, overriding the configuration (e.g. 0.0.0.0:8080).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Export what a user may export on the web (audited under their name): the HTCDS cases,
    /// the calon PMI register, the audit log for a period.
    Export {
        #[command(subcommand)]
        what: data::ExportCommand,
    },
    /// Copy this SQLite deployment into an empty PostgreSQL database (docs/scale-out.md,
    /// "Moving an existing SQLite installation"): every table, then counts and checksums
    /// compared. Stop `serve` first. Safe to run again after an interruption.
    Copy {
        /// The PostgreSQL database to fill, postgres://user@host/db (or $BENTENG_COPY_TO).
        #[arg(long, env = "BENTENG_COPY_TO")]
        to: String,
        /// Copy into a database that already holds data (rows with the same key are
        /// overwritten; the checksums then tell what differs).
        #[arg(long)]
        into_non_empty: bool,
    },
    /// Import reference data and lists.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Manage user accounts from the command line.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Load the Kabupaten Malang demo set and print its logins.
    Demo,
    /// Deliver e-mail, WhatsApp and SMS notifications and make the daily digests, without
    /// serving pages (several may run against one database; set `worker = false` for `serve`).
    Worker,
    /// The audit log's hash chain.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Apply the retention periods (`[retention]`, docs/privacy.md): anonymise or delete what
    /// is past its period and print the counts per kind. The worker does this once a day.
    Retention {
        /// Print per kind what would be anonymised or deleted, and the cut-off date; change
        /// nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Screen a CSV of people (id,name,birth_date,nik,phone) against a watchlist; writes
    /// query_id,rank,watch_id,score,alert,reasons,same_name_not_shown. Exit code 2 when rows were skipped.
    Screen {
        /// Watchlist CSV (id,name,birth_date,nik,phone). Without it: the database's watchlist.
        #[arg(long)]
        watchlist: Option<PathBuf>,
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
        /// Hits per query.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// One archive (ZIP) of the database, the uploaded files and a manifest with row counts
    /// and checksums (docs/backup.md). SQLite: a consistent snapshot taken while Benteng runs;
    /// PostgreSQL: pg_dump. `benteng backup verify FILE` checks an archive.
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        action: Option<BackupCommand>,
        /// The archive to write. Default: benteng-backup-YYYY-MM-DD-HHMMSS.zip here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restore an archive of `benteng backup` into a new folder: the database, the files and
    /// a benteng.toml for them. Outgoing messages stay held in the copy until
    /// `benteng delivery resume`.
    Restore {
        file: PathBuf,
        /// The folder to restore into (new or empty).
        #[arg(long)]
        into: PathBuf,
        /// A PostgreSQL archive only: the empty database to restore the dump into with
        /// pg_restore (postgres://…); its outgoing messages are then held too.
        #[arg(long)]
        database: Option<String>,
    },
    /// Check the configuration, the database (reachable, migrated, durable, taking a write),
    /// the free disk space, the upload directory and the channels, and say in plain words what
    /// is wrong. Exit code 0 when nothing is, 1 otherwise.
    Check,
    /// Hold or let go the outgoing e-mail, WhatsApp, SMS and webhooks (a restored copy starts
    /// held).
    Delivery {
        #[command(subcommand)]
        action: DeliveryCommand,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Check an archive: every file against its checksum, the database's integrity and row
    /// counts. Exit code 0 when it is good, 2 naming what is wrong.
    Verify { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Seal the entries waiting, then compute every entry's hash again from the first to the
    /// chain head. Exit code 0 and the count when the chain is intact; 2 and the first broken
    /// link (chain_seq and id) when an entry was changed, deleted or reordered.
    Verify {
        /// An earlier chain head, `SEQ:HASH` (printed by an earlier verify, and hourly in the
        /// server log): the entry at SEQ must still have HASH.
        #[arg(long)]
        anchor: Option<String>,
    },
}

/// Turn a data-layer error into a sentence for the operator (Bahasa Indonesia).
pub(crate) fn explain(e: benteng_db::Error) -> anyhow::Error {
    let t = |key: &str| benteng_web::translate("id", key);
    match e {
        benteng_db::Error::Invalid(f) => {
            let list: Vec<String> =
                f.0.iter()
                    .map(|e| format!("{}: {}", e.field, t(e.code)))
                    .collect();
            anyhow::anyhow!("isian tidak valid: {}", list.join("; "))
        }
        benteng_db::Error::Conflict(field, code) => anyhow::anyhow!("{field}: {}", t(code)),
        other => anyhow::anyhow!(other),
    }
}

pub(crate) async fn open(cfg: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&cfg.database_url)
        .await
        .with_context(|| format!("connecting to {}", cfg.redacted_url()))?;
    let db = db.with_priority_weights(cfg.priority.clone());
    let db = match cfg.rules_file.trim() {
        "" => db,
        path => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the rules file {path}"))?;
            let rules = benteng_domain::rules::RuleSet::parse(&text)
                .map_err(|e| anyhow::anyhow!("rules file {path}: {e}"))?;
            tracing::info!(path, offer_rules = rules.offer.len(), "rules file loaded");
            db.with_rules(rules)
        }
    };
    let n = db.migrate().await.map_err(|e| {
        let text = format!("{e:#}");
        if text.contains("database or disk is full") || text.contains("No space left on device") {
            anyhow::anyhow!("penyimpanan penuh: basis data tidak dapat diperbarui; kosongkan ruang disk / the storage is full: the database could not be migrated; free some disk space ({e:#})")
        } else {
            e
        }
    })?;
    if n > 0 {
        tracing::info!(applied = n, "database migrated");
    }
    // What "an acknowledged report is never lost" rests on (docs/security.md, "Durability").
    let d = db.durability().await?;
    if d.power_safe {
        tracing::info!(settings = %d.settings, "commits are on disk before they are acknowledged");
    } else {
        tracing::warn!(settings = %d.settings, "the database may lose acknowledged commits on a power loss or crash; see docs/security.md, Durability");
    }
    Ok(db)
}

pub(crate) async fn load_regions(db: &Db) -> anyhow::Result<()> {
    let start = Instant::now();
    let r = db.regions().load_shipped_regions().await?;
    if r.skipped_already_loaded {
        tracing::info!(regions = r.read, "regions already loaded");
    } else {
        tracing::info!(
            regions = r.read,
            written = r.inserted,
            ms = start.elapsed().as_millis() as u64,
            "regions loaded"
        );
    }
    Ok(())
}

/// mimalloc instead of glibc's allocator: under 50 concurrent clients the server spent about a
/// tenth of its time in glibc's `malloc`/`free` (per-thread arenas, consolidation), and with
/// mimalloc every report page and list answered 25–40 % more requests a second
/// (docs/performance.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let cfg = Config::load(cli.config.as_deref())?;
    config::init_logging(&cfg);
    match cli.command {
        Command::Serve { demo, bind } => serve::serve(cfg, demo, bind).await,
        Command::Migrate => {
            let db = open(&cfg).await?;
            println!("Migrasi selesai (migrations done).");
            db.close().await;
            Ok(())
        }
        Command::Import { what } => imports::run(&cfg, what).await,
        Command::Export { what } => {
            let db = open(&cfg).await?;
            let r = data::export(&db, what).await;
            db.close().await;
            r
        }
        Command::Copy { to, into_non_empty } => {
            let code = copy::run(&cfg, &to, into_non_empty).await?;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::User { action } => users::run(&cfg, action).await,
        Command::Screen {
            watchlist,
            input,
            output,
            top,
        } => {
            let (entries, skipped) = match watchlist {
                Some(path) => screen::read_watchlist(&path)?,
                None => {
                    let db = open(&cfg).await?;
                    let t = Instant::now();
                    let entries = db.screening().watch_entries().await?;
                    eprintln!(
                        "daftar pantau dari basis data: {} entri dibaca dalam {} ms",
                        entries.len(),
                        t.elapsed().as_millis()
                    );
                    (entries, 0)
                }
            };
            let code = screen::run(entries, skipped, &input, &output, top)?;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Audit {
            action: AuditCommand::Verify { anchor },
        } => {
            let anchor = anchor.as_deref().map(audit::parse_anchor).transpose()?;
            let db = open(&cfg).await?;
            let code = audit::verify(&db, anchor.as_ref()).await?;
            db.close().await;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Backup {
            action: Some(BackupCommand::Verify { file }),
            ..
        } => ops::verify_backup(&file).await,
        Command::Backup { action: None, out } => ops::make_backup(&cfg, out).await,
        Command::Check => {
            let code = check::run(&cfg).await;
            if code != 0 {
                std::process::exit(code);
            }
            Ok(())
        }
        Command::Restore {
            file,
            into,
            database,
        } => backup::restore(&file, &into, database.as_deref())
            .await
            .map(|_| ()),
        Command::Delivery { action } => ops::delivery(&cfg, action).await,
        Command::Retention { dry_run } => {
            let db = open(&cfg).await?;
            let start = Instant::now();
            let runs = if dry_run {
                benteng_app::jobs::retention::plan(&db, &cfg.retention).await?
            } else {
                let store = benteng_db::storage::FsStore::new(&cfg.upload_dir)?;
                benteng_app::jobs::retention::apply(&db, &cfg.retention, &store).await?
            };
            ops::print_retention(&runs, dry_run);
            eprintln!("({:.1} s)", start.elapsed().as_secs_f64());
            db.close().await;
            Ok(())
        }
        Command::Worker => serve::worker(cfg).await,
        Command::Demo => {
            let db = open(&cfg).await?;
            load_regions(&db).await?;
            serve::print_demo(
                &benteng_fixtures::demo::load_demo(&db)
                    .await
                    .map_err(explain)?,
            );
            let store = benteng_db::storage::FsStore::new(&cfg.upload_dir)?;
            benteng_fixtures::demo::load_demo_reports(&db, &store)
                .await
                .map_err(explain)?;
            Ok(())
        }
    }
}
