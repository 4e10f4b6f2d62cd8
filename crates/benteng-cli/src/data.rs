//! `benteng export` and `benteng import p3mi|watchlist`: the web's exports and imports from the
//! command line, for scripts and for an operator on the server.
//!
//! Decisions:
//! - **Every command acts as a named user** (`--as USERNAME`). It gets that user's role and
//!   scope in force today, so it sees and changes exactly what the user could on the web, the
//!   same checks refuse what the user may not do, and the audit log names the user (request id
//!   `cli`). There is no "superuser" path around the scope.
//! - **The same code as the web.** Exports call the application layer's export (audited by
//!   the data layer) and the web's file writers; imports call the application layer's import,
//!   which reads CSV (or the first sheet of an XLSX file, through the web's size-checked
//!   reader) with line numbers.
//! - **Exit codes.** 0: done. 2: an import had bad rows (listed on standard error with their
//!   line, field and message; with `--all-or-nothing` nothing was imported). 1: anything else
//!   (unknown user, no right, unreadable file).
//! - Files are written whole, to a temporary name in the target folder, synced and renamed, so
//!   an interrupted export never leaves half a file under the final name.

use anyhow::Context;
use benteng_app::migrants::MigrantFilter;
use benteng_db::{Ctx, Db};
use clap::{Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The TPPO cases in the user's scope as HTCDS records (JSON or CSV).
    Cases {
        /// The user whose rights and scope the export has (audited under their name).
        #[arg(long = "as", value_name = "USERNAME")]
        user: String,
        #[arg(long, value_enum, default_value_t = CaseFormat::Json)]
        format: CaseFormat,
        /// Leave out names, NIKs, birth dates and contacts.
        #[arg(long)]
        anonymised: bool,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The calon PMI register in the user's scope (CSV or XLSX), as the web's export.
    Register {
        #[arg(long = "as", value_name = "USERNAME")]
        user: String,
        #[arg(long, value_enum, default_value_t = RegisterFormat::Csv)]
        format: RegisterFormat,
        /// Only this village (code, e.g. 35.07.30.2003).
        #[arg(long)]
        village: Option<String>,
        /// Only this status (rencana, proses, berangkat, luar_negeri, pulang, bermasalah).
        #[arg(long)]
        status: Option<String>,
        /// The file to write (default: standard output; XLSX needs --out).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The audit log for a period (CSV): days from --from to --to inclusive, in WIB.
    Audit {
        #[arg(long = "as", value_name = "USERNAME")]
        user: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD (inclusive).
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CaseFormat {
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RegisterFormat {
    Csv,
    Xlsx,
}

/// What `benteng import p3mi|watchlist` reads.
pub struct ImportArgs {
    pub user: String,
    pub file: PathBuf,
    pub all_or_nothing: bool,
}

fn ctx_error(user: &str, e: benteng_db::Error) -> anyhow::Error {
    match e {
        benteng_db::Error::NotFound => anyhow::anyhow!(
            "pengguna {user} tidak ada atau tidak aktif (no active user named {user})"
        ),
        other => anyhow::anyhow!(other),
    }
}

async fn ctx(db: &Db, user: &str) -> anyhow::Result<Ctx> {
    benteng_app::account::operator_ctx(db, user)
        .await
        .map_err(|e| ctx_error(user, e))
}

/// A refusal in plain words: the web's 403 and 400 as sentences.
fn refused(e: benteng_db::Error) -> anyhow::Error {
    match e {
        benteng_db::Error::Forbidden => {
            anyhow::anyhow!("pengguna ini tidak berhak melakukannya (this user may not do this)")
        }
        other => crate::explain(other),
    }
}

pub async fn export(db: &Db, cmd: ExportCommand) -> anyhow::Result<()> {
    match cmd {
        ExportCommand::Cases {
            user,
            format,
            anonymised,
            out,
        } => {
            let ctx = ctx(db, &user).await?;
            let records = benteng_app::cases::export(db, &ctx, anonymised)
                .await
                .map_err(refused)?;
            let bytes = match format {
                CaseFormat::Json => serde_json::to_vec_pretty(&records)?,
                CaseFormat::Csv => benteng_app::cases::cases_csv(&records)
                    .map_err(refused)?
                    .into_bytes(),
            };
            write_out(out.as_deref(), &bytes)?;
            eprintln!("{} kasus diekspor (cases exported).", records.len());
        }
        ExportCommand::Register {
            user,
            format,
            village,
            status,
            out,
        } => {
            if matches!(format, RegisterFormat::Xlsx) && out.is_none() {
                // Checked first: the export is audited as soon as it is made.
                anyhow::bail!("XLSX perlu --out FILE (XLSX is not written to standard output)");
            }
            let ctx = ctx(db, &user).await?;
            let filter = MigrantFilter {
                village,
                status,
                ..Default::default()
            };
            let items = benteng_app::migrants::export(db, &ctx, &filter)
                .await
                .map_err(refused)?;
            let bytes = match format {
                RegisterFormat::Csv => benteng_app::migrants::migrants_csv(&items)
                    .map_err(refused)?
                    .into_bytes(),
                RegisterFormat::Xlsx => benteng_web::register_xlsx(&items)?,
            };
            write_out(out.as_deref(), &bytes)?;
            eprintln!("{} calon PMI diekspor (residents exported).", items.len());
        }
        ExportCommand::Audit {
            user,
            from,
            to,
            out,
        } => {
            let (from, to) = period(&from, &to)?;
            let ctx = ctx(db, &user).await?;
            let (csv, n) = audit_csv(db, &ctx, from, to).await?;
            write_out(out.as_deref(), &csv)?;
            eprintln!("{n} entri log audit diekspor (audit entries exported).");
        }
    }
    Ok(())
}

/// The period's bounds in Unix seconds: from the start of `from` to the end of `to`, in WIB
/// (UTC+7), the time the offices work in.
fn period(from: &str, to: &str) -> anyhow::Result<(i64, i64)> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let day = |s: &str, which: &str| {
        time::Date::parse(s.trim(), &fmt).with_context(|| {
            format!("--{which} {s}: tanggal harus YYYY-MM-DD (the date must be YYYY-MM-DD)")
        })
    };
    let (a, b) = (day(from, "from")?, day(to, "to")?);
    if b < a {
        anyhow::bail!("--to sebelum --from (--to is before --from)");
    }
    let wib = time::UtcOffset::from_hms(7, 0, 0)?;
    let start = a.midnight().assume_offset(wib).unix_timestamp();
    let end = b
        .next_day()
        .unwrap_or(b)
        .midnight()
        .assume_offset(wib)
        .unix_timestamp();
    Ok((start, end))
}

/// The audit log between `from` and `to` (Unix seconds, end exclusive) as CSV, oldest first,
/// read page by page through the same scoped list the web's audit page uses. The export itself
/// is recorded in the log.
async fn audit_csv(db: &Db, ctx: &Ctx, from: i64, to: i64) -> anyhow::Result<(Vec<u8>, usize)> {
    // The list's largest page.
    const PER_PAGE: i64 = 200;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let q = benteng_app::audit::AuditQuery {
            from: Some(from),
            to: Some(to),
            page: Some(page),
            ..Default::default()
        };
        let p = benteng_app::audit::list(db, ctx, &q, PER_PAGE)
            .await
            .map_err(refused)?;
        let n = p.items.len();
        rows.extend(p.items);
        if (n as i64) < PER_PAGE {
            break;
        }
        page += 1;
    }
    // The list is newest first; a period's file reads best oldest first. An entry written
    // while the pages are read (this command's own, say) shifts later pages by one, which
    // shows an entry twice, never hides one: keep each id once.
    rows.sort_by_key(|r| r.id);
    rows.dedup_by_key(|r| r.id);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "waktu_utc",
        "username",
        "ip",
        "request_id",
        "action",
        "entity",
        "entity_id",
        "region_code",
        "sensitive",
        "detail",
    ])?;
    for r in &rows {
        let at = time::OffsetDateTime::from_unix_timestamp(r.at)
            .map(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        w.write_record([
            r.id.to_string(),
            at,
            r.username.clone().unwrap_or_default(),
            r.ip.clone().unwrap_or_default(),
            r.request_id.clone().unwrap_or_default(),
            r.action.clone(),
            r.entity.clone(),
            r.entity_id.clone().unwrap_or_default(),
            r.region_code.clone().unwrap_or_default(),
            r.sensitive.to_string(),
            r.detail.clone().unwrap_or_default(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    benteng_app::audit::record_export(db, ctx, "audit", rows.len())
        .await
        .map_err(refused)?;
    Ok((bytes, rows.len()))
}

/// Write `bytes` to `out` (temporary name, synced, renamed) or to standard output.
fn write_out(out: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(bytes)?;
            so.flush()?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("menulis di {} (writing in)", dir.display()))?;
            tmp.write_all(bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(path)
                .with_context(|| format!("menyimpan {} (saving)", path.display()))?;
        }
    }
    Ok(())
}

/// Which list an import fills.
#[derive(Clone, Copy)]
pub enum ImportKind {
    P3mi,
    Watchlist,
}

/// Import a CSV or XLSX file; returns the exit code (0, or 2 when rows were refused).
pub async fn import(db: &Db, kind: ImportKind, a: ImportArgs) -> anyhow::Result<i32> {
    let ctx = ctx(db, &a.user).await?;
    let raw = std::fs::read(&a.file)
        .with_context(|| format!("membaca {} (reading)", a.file.display()))?;
    let is_xlsx = raw.starts_with(b"PK\x03\x04")
        || a.file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let data = if is_xlsx {
        benteng_web::xlsx_first_sheet_as_csv(&raw)
            .map_err(|code| anyhow::anyhow!("{}", benteng_web::translate("id", code)))?
    } else {
        raw
    };
    let outcome = match kind {
        ImportKind::P3mi => benteng_app::p3mi::import(db, &ctx, &data, a.all_or_nothing).await,
        ImportKind::Watchlist => {
            benteng_app::screening::watchlist::import(db, &ctx, &data, a.all_or_nothing).await
        }
    }
    .map_err(refused)?;
    let t = |key: &str| benteng_web::translate("id", key);
    for e in &outcome.errors {
        eprintln!("baris {}: {}: {}", e.line, e.field, t(&e.code));
    }
    println!(
        "{} baris diimpor, {} ditolak{}",
        outcome.imported,
        outcome.errors.len(),
        if a.all_or_nothing && !outcome.errors.is_empty() {
            " (semua-atau-tidak-sama-sekali: tidak ada yang diimpor)"
        } else {
            ""
        }
    );
    Ok(if outcome.errors.is_empty() { 0 } else { 2 })
}
