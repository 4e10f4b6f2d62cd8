//! `benteng`: the one binary. `serve` runs the product; the other commands are for operators.

mod audit;
mod backup;
mod check;
mod config;
mod copy;
mod data;
mod ops;
mod screen;

use anyhow::Context;
use benteng_app::users::{random_password, UserInput};
use benteng_db::Db;
use clap::{Parser, Subcommand};
use config::Config;
use ops::{check_disk, spawn_backups, DeliveryCommand};
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

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

#[derive(Subcommand)]
enum ImportCommand {
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

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from $BENTENG_NEW_PASSWORD or the first line of
    /// standard input; with --random-password one is generated and printed.
    Add {
        #[arg(long)]
        username: String,
        /// admin, kanwil, petugas, mitra or desa.
        #[arg(long)]
        role: String,
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Office id (petugas).
        #[arg(long)]
        office_id: Option<i64>,
        /// Agency id (mitra).
        #[arg(long)]
        agency_id: Option<i64>,
        /// Province code (kanwil) or village code (desa).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        pimpasa: bool,
        #[arg(long)]
        pemeriksa: bool,
        #[arg(long)]
        random_password: bool,
    },
    /// Set a user's password (and re-activate the account); same password sources as `add`.
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long)]
        random_password: bool,
    },
    /// Remove a user's second factor (TOTP) and sign them out everywhere, e.g. the only admin
    /// who lost their phone (audited as `totp_reset`).
    #[command(name = "reset-2fa")]
    ResetTotp {
        #[arg(long)]
        username: String,
    },
}

fn read_password(random: bool) -> anyhow::Result<(String, bool)> {
    if random {
        return Ok((random_password(), true));
    }
    if let Ok(p) = std::env::var("BENTENG_NEW_PASSWORD") {
        return Ok((p, false));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
}

/// Turn a data-layer error into a sentence for the operator (Bahasa Indonesia).
fn explain(e: benteng_db::Error) -> anyhow::Error {
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

async fn load_regions(db: &Db) -> anyhow::Result<()> {
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

fn print_demo(report: &benteng_fixtures::demo::DemoReport) {
    if report.already_loaded {
        println!("Data demo sudah dimuat sebelumnya (demo data already loaded); kata sandi tidak ditampilkan lagi.");
        return;
    }
    println!("\nData demo Kabupaten Malang dimuat: {} desa binaan. Akun demo (username / peran / kata sandi):", report.desa_binaan);
    for l in &report.logins {
        println!("  {:<18} {:<8} {}", l.username, l.role, l.password);
    }
    println!("Dengan `serve --demo` verifikasi dua langkah (TOTP) tidak diwajibkan untuk peran mana pun, agar uji coba tidak terhambat; dengan `serve` biasa, peran di totp_required_roles wajib mendaftarkannya (two-step verification is optional under `serve --demo`, required for totp_required_roles under plain `serve`).");
    println!();
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
        Command::Serve { demo, bind } => serve(cfg, demo, bind).await,
        Command::Migrate => {
            let db = open(&cfg).await?;
            println!("Migrasi selesai (migrations done).");
            db.close().await;
            Ok(())
        }
        Command::Import {
            what: ImportCommand::Regions { file },
        } => {
            let db = open(&cfg).await?;
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
        Command::Import {
            what:
                ImportCommand::P3mi {
                    file,
                    user,
                    all_or_nothing,
                },
        } => import_list(&cfg, data::ImportKind::P3mi, file, user, all_or_nothing).await,
        Command::Import {
            what:
                ImportCommand::Watchlist {
                    file,
                    user,
                    all_or_nothing,
                },
        } => {
            import_list(
                &cfg,
                data::ImportKind::Watchlist,
                file,
                user,
                all_or_nothing,
            )
            .await
        }
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
        Command::User { action } => {
            let db = open(&cfg).await?;
            load_regions(&db).await?;
            match action {
                UserCommand::Add {
                    username,
                    role,
                    full_name,
                    email,
                    office_id,
                    agency_id,
                    region,
                    pimpasa,
                    pemeriksa,
                    random_password,
                } => {
                    let (password, generated) = read_password(random_password)?;
                    let input = UserInput {
                        full_name: full_name.unwrap_or_else(|| username.clone()),
                        username,
                        email: email.unwrap_or_default(),
                        role,
                        pimpasa: pimpasa.then(|| "1".into()),
                        pemeriksa: pemeriksa.then(|| "1".into()),
                        office_id: office_id.map(|n| n.to_string()).unwrap_or_default(),
                        agency_id: agency_id.map(|n| n.to_string()).unwrap_or_default(),
                        region_code: region.unwrap_or_default(),
                        password: password.clone(),
                        active: Some("1".into()),
                    };
                    let id = benteng_app::users::create_as_operator(&db, &input, false)
                        .await
                        .map_err(explain)?;
                    println!("Pengguna {} dibuat (id {id}).", input.username);
                    if generated {
                        println!("Kata sandi: {password}");
                    }
                }
                UserCommand::ResetTotp { username } => {
                    benteng_app::account::second_factor::reset_cli(&db, &username)
                        .await
                        .map_err(explain)?;
                    println!("Verifikasi dua langkah {username} direset (second factor reset).");
                }
                UserCommand::Passwd {
                    username,
                    random_password,
                } => {
                    let (password, generated) = read_password(random_password)?;
                    benteng_app::users::set_password_cli(&db, &username, &password)
                        .await
                        .map_err(explain)?;
                    println!("Kata sandi {username} diganti.");
                    if generated {
                        println!("Kata sandi: {password}");
                    }
                }
            }
            Ok(())
        }
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
            print_retention(&runs, dry_run);
            eprintln!("({:.1} s)", start.elapsed().as_secs_f64());
            db.close().await;
            Ok(())
        }
        Command::Worker => {
            let db = open(&cfg).await?;
            spawn_retention(&cfg, &db)?;
            let notify = cfg.notify();
            let channels = benteng_app::jobs::Channels::from_config(&notify)?;
            benteng_web::monthly_job::spawn(db.clone());
            spawn_backups(&cfg, &db);
            let w = benteng_app::jobs::Worker::new(db, channels, &notify);
            println!("Benteng worker {} berjalan (Ctrl+C untuk berhenti)", w.name);
            w.run(std::time::Duration::from_secs(2), shutdown_signal())
                .await;
            Ok(())
        }
        Command::Demo => {
            let db = open(&cfg).await?;
            load_regions(&db).await?;
            print_demo(
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

async fn serve(cfg: Config, demo: bool, bind: Option<String>) -> anyhow::Result<()> {
    check_disk(&cfg)?;
    let db = open(&cfg).await?;
    load_regions(&db).await?;
    if db.users().user_count().await? == 0 {
        let password = random_password();
        let admin = UserInput {
            username: "admin".into(),
            full_name: "Administrator".into(),
            role: "admin".into(),
            password: password.clone(),
            active: Some("1".into()),
            ..Default::default()
        };
        match benteng_app::users::create_as_operator(&db, &admin, true).await {
            Ok(_) => {}
            // Another instance starting at the same moment created it first.
            Err(benteng_db::Error::Conflict(..)) => {
                tracing::info!("first admin account created by another instance");
                return serve_app(cfg, db, demo, bind).await;
            }
            Err(e) => return Err(explain(e)),
        }
        // Printed once to the operator's console, never to the log.
        println!("\nAkun pertama dibuat / first account created:\n  username: admin\n  password: {password}\nGanti kata sandi ini setelah masuk (menu Akun).\n");
    }
    serve_app(cfg, db, demo, bind).await
}

async fn serve_app(cfg: Config, db: Db, demo: bool, bind: Option<String>) -> anyhow::Result<()> {
    if demo {
        print_demo(
            &benteng_fixtures::demo::load_demo(&db)
                .await
                .map_err(explain)?,
        );
        let store = benteng_db::storage::FsStore::new(&cfg.upload_dir)?;
        let n = benteng_fixtures::demo::load_demo_reports(&db, &store)
            .await
            .map_err(explain)?;
        if n > 0 {
            println!("Laporan demo dimuat: {n} (demo reports loaded).");
        }
    }
    let mut web = cfg.web()?;
    if demo {
        // The demo's printed accounts are for a trial: the second factor stays optional for
        // every role (print_demo says so), whatever totp_required_roles says.
        web.second_factor = benteng_web::SecondFactorPolicy::nobody();
    } else {
        tracing::info!(required = ?web.second_factor.names(), "second factor required for");
    }
    if let Some(b) = bind {
        web.bind = b.parse().with_context(|| format!("--bind {b}"))?;
    }
    let warm = db.clone();
    tokio::spawn(async move {
        if let Err(e) = warm.regions().warm_region_index().await {
            tracing::warn!(error = %e, "building the in-memory region list failed; it is retried on first search");
        }
    });
    let app = benteng_web::Application::build(web, db.clone()).await?;
    benteng_app::jobs::spawn_referral_watch(db.clone());
    if cfg.worker {
        benteng_app::jobs::spawn(db.clone(), &cfg.notify())?;
        benteng_web::monthly_job::spawn(db.clone());
        spawn_retention(&cfg, &db)?;
        spawn_backups(&cfg, &db);
    }
    benteng_app::jobs::spawn_housekeeping(db);
    let addr = app.local_addr();
    println!("Benteng berjalan di http://{addr}/ (Ctrl+C untuk berhenti)");
    tracing::info!(%addr, "listening");
    app.run_until(shutdown_signal()).await
}

/// The daily retention job runs where the delivery worker runs.
fn spawn_retention(cfg: &Config, db: &Db) -> anyhow::Result<()> {
    let store = benteng_db::storage::FsStore::new(&cfg.upload_dir)?;
    benteng_app::jobs::retention::spawn_retention(
        db.clone(),
        cfg.retention,
        std::sync::Arc::new(store),
    );
    Ok(())
}

/// One line per kind: what was (or would be) anonymised or deleted, and the cut-off.
fn print_retention(runs: &[benteng_app::jobs::retention::KindRun], dry_run: bool) {
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
