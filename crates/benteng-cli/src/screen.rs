//! `benteng screen`: screen a CSV of people against a watchlist and write ranked hits.
//!
//! The contract (other tools depend on it): input and watchlist headers
//! `id,name,birth_date,nik,phone` (extra columns ignored, `birth_date` as YYYY-MM-DD, any field
//! but `id` and `name` may be empty, several phones separated by `;`); output header
//! `query_id,rank,watch_id,score,alert,reasons`, up to `--top` rows per query, best first.
//! Bad rows are reported on stderr with their line number and skipped; the exit code is 2 when
//! any row was skipped. Watchlist rows that repeat an id add aliases, phones and missing fields
//! to that entry.

use anyhow::{bail, Context};
use benteng_domain::nik::nik_digits;
use benteng_domain::screening::{Index, Query, WatchEntry};
use benteng_domain::values::optional_date;
use benteng_domain::PhoneNumber;
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Exit code when rows were skipped.
pub const EXIT_SKIPPED: i32 = 2;

/// One parsed row of either file.
struct Row {
    id: String,
    name: String,
    birth_date: Option<time::Date>,
    nik: Option<String>,
    phones: Vec<String>,
}

/// A row that could not be read: its line number and the message id of the reason.
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

fn read_rows(path: &Path, bad: &mut Vec<BadRow>) -> anyhow::Result<Vec<Row>> {
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("membuka {}", path.display()))?;
    let headers = rd
        .headers()
        .with_context(|| format!("membaca kepala kolom {}", path.display()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(id_c), Some(name_c)) = (col("id"), col("name")) else {
        bail!(
            "{}: kolom id dan name wajib ada (header id,name,birth_date,nik,phone)",
            path.display()
        );
    };
    let (dob_c, nik_c, phone_c) = (col("birth_date"), col("nik"), col("phone"));
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(BadRow {
                    line,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        match parse_row(
            get(Some(id_c)),
            get(Some(name_c)),
            get(dob_c),
            get(nik_c),
            get(phone_c),
        ) {
            Ok(r) => out.push(r),
            Err((field, code)) => bad.push(BadRow {
                line,
                reason: format!("{field}: {}", benteng_web::translate("id", code)),
            }),
        }
    }
    Ok(out)
}

fn parse_row(
    id: &str,
    name: &str,
    dob: &str,
    nik: &str,
    phone: &str,
) -> Result<Row, (&'static str, &'static str)> {
    if id.is_empty() {
        return Err(("id", "err-required"));
    }
    if name.is_empty() {
        return Err(("name", "err-required"));
    }
    let birth_date = optional_date(dob).map_err(|c| ("birth_date", c))?;
    let nik = if nik.is_empty() {
        None
    } else {
        Some(nik_digits(nik).ok_or(("nik", "err-nik-format"))?)
    };
    let phones = phone
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            PhoneNumber::parse(p)
                .map(|p| p.as_str().to_string())
                .map_err(|c| ("phone", c))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Row {
        id: id.to_string(),
        name: name.to_string(),
        birth_date,
        nik,
        phones,
    })
}

/// Read a watchlist CSV; rows with the same id become one entry with aliases.
pub fn read_watchlist(path: &Path, bad: &mut Vec<BadRow>) -> anyhow::Result<Vec<WatchEntry>> {
    let mut entries: Vec<WatchEntry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for r in read_rows(path, bad)? {
        match by_id.get(&r.id) {
            Some(&i) => {
                let e = &mut entries[i];
                if !e.names.contains(&r.name) {
                    e.names.push(r.name);
                }
                e.birth_date = e.birth_date.or(r.birth_date);
                e.nik = e.nik.take().or(r.nik);
                for p in r.phones {
                    if !e.phones.contains(&p) {
                        e.phones.push(p);
                    }
                }
            }
            None => {
                by_id.insert(r.id.clone(), entries.len());
                entries.push(WatchEntry {
                    id: r.id,
                    names: vec![r.name],
                    birth_date: r.birth_date,
                    nik: r.nik,
                    phones: r.phones,
                });
            }
        }
    }
    Ok(entries)
}

fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Screen `input` against `watchlist` and write `output`. `bad` carries rows already skipped
/// while reading the watchlist. Returns the process exit code.
pub fn run(
    watchlist: Vec<WatchEntry>,
    mut bad: Vec<BadRow>,
    input: &Path,
    output: &Path,
    top: usize,
) -> anyhow::Result<i32> {
    let watch_bad = bad.len();
    for b in &bad {
        eprintln!("daftar pantau baris {}: {}", b.line, b.reason);
    }
    let start = Instant::now();
    let n = watchlist.len();
    let index = Index::build(watchlist);
    eprintln!(
        "indeks: {n} entri dibangun dalam {} ms",
        start.elapsed().as_millis()
    );
    let queries = read_rows(input, &mut bad)?;
    for b in &bad[watch_bad..] {
        eprintln!("masukan baris {}: {}", b.line, b.reason);
    }
    let mut out =
        csv::Writer::from_path(output).with_context(|| format!("menulis {}", output.display()))?;
    out.write_record(["query_id", "rank", "watch_id", "score", "alert", "reasons"])?;
    let mut times = Vec::with_capacity(queries.len());
    for q in &queries {
        let query = Query {
            name: q.name.clone(),
            birth_date: q.birth_date,
            nik: q.nik.clone(),
            phones: q.phones.clone(),
            sex: None,
        };
        let t = Instant::now();
        let hits = index.search(&query, top);
        times.push(t.elapsed());
        for (rank, h) in hits.iter().enumerate() {
            out.write_record([
                q.id.as_str(),
                &(rank + 1).to_string(),
                &h.id,
                &h.score.to_string(),
                if h.alert { "true" } else { "false" },
                &h.codes(),
            ])?;
        }
    }
    out.flush()?;
    times.sort_unstable();
    eprintln!(
        "{} kueri; latensi per kueri p50 {:.3} ms, p99 {:.3} ms",
        queries.len(),
        percentile_ms(&times, 0.5),
        percentile_ms(&times, 0.99)
    );
    if bad.is_empty() {
        Ok(0)
    } else {
        eprintln!("{} baris dilewati", bad.len());
        Ok(EXIT_SKIPPED)
    }
}
