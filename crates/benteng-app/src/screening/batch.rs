//! Batch screening with CSV files: the contract of `benteng screen` (issue 4), also used by the
//! web's batch page and the API ([`screen_batch`]).
//!
//! - Watchlist and queries: header `id,name,birth_date,nik,phone` (`birth_date` YYYY-MM-DD; any
//!   field but `id` and `name` may be empty; several phones separated by `;`; extra columns are
//!   ignored; columns are found by name, so their order may differ). Watchlist rows that
//!   repeat an id add aliases, phones and missing fields to that entry ([`into_entries`]).
//! - Results: header `query_id,rank,watch_id,score,alert,reasons,same_name_not_shown`, up to
//!   `top` rows per query, best first; `alert` is `true` or `false`; `reasons` `;`-separated
//!   codes; `same_name_not_shown` (the same on each row of a query) how many more entries of
//!   a name shown were found but not listed: a query with a name only lists at most three of
//!   one name, so that other names it may mean are seen too (0 when it had a birth date, NIK
//!   or phone). The column was added at the end, so readers that take columns by name or
//!   position keep working.
//! - A bad row (no id or name, a date that is not YYYY-MM-DD, a NIK that is not 16 digits, a
//!   phone that is not a phone) is reported with its line number and skipped.

use super::{RowError, WatchCache};
use crate::csv_rows::read as read_csv;
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::phone::PhoneNumber;
use benteng_domain::screening::{Index, Query, Search, WatchEntry};
use benteng_domain::values::{date, safe_cell};
use benteng_domain::Action;
use std::sync::Arc;
use std::time::Instant;

/// One person row of a watchlist or query file.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub birth_date: Option<time::Date>,
    pub nik: Option<String>,
    pub phones: Vec<String>,
}

/// Read a person CSV. Rows come back in file order; bad rows as errors with their line.
pub fn read_people(data: &[u8]) -> Result<(Vec<PersonRow>, Vec<RowError>), &'static str> {
    // No row limit here: the web and the API limit the file's size and rows themselves, and
    // the command line takes files of any size.
    let (records, mut errors) = read_csv(
        data,
        &["id", "name", "birth_date", "nik", "phone"],
        &["id", "name"],
        usize::MAX,
    )?;
    let mut rows = Vec::new();
    for record in &records {
        let line = record.line;
        let get = |i: usize| record.get(i).trim();
        let mut bad = None;
        let id = get(0).to_string();
        let name = get(1).to_string();
        if id.is_empty() {
            bad = Some(err(line, "id", "err-required"));
        } else if name.is_empty() {
            bad = Some(err(line, "name", "err-required"));
        } else if name.chars().count() > 200 || id.chars().count() > 100 {
            // The matcher's work grows with the square of a word's length.
            bad = Some(err(line, "name", "err-too-long"));
        }
        let birth_date = match get(2) {
            "" => None,
            d => match date(d) {
                Ok(d) => Some(d),
                Err(c) => {
                    bad.get_or_insert(err(line, "birth_date", c));
                    None
                }
            },
        };
        let nik = match get(3) {
            "" => None,
            n => {
                let digits: String = n
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '.' | '-'))
                    .collect();
                if digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    Some(digits)
                } else {
                    bad.get_or_insert(err(line, "nik", "err-nik-format"));
                    None
                }
            }
        };
        let mut phones = Vec::new();
        for p in get(4).split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match PhoneNumber::parse(p) {
                Ok(p) => phones.push(p.as_str().to_string()),
                Err(c) => {
                    bad.get_or_insert(err(line, "phone", c));
                }
            }
        }
        match bad {
            Some(e) => errors.push(e),
            None => rows.push(PersonRow {
                id,
                name,
                birth_date,
                nik,
                phones,
            }),
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok((rows, errors))
}

fn err(line: u64, field: &str, code: &str) -> RowError {
    RowError {
        line,
        field: field.into(),
        code: code.into(),
    }
}

/// Watchlist rows as entries; rows that repeat an id add aliases, phones and missing fields.
pub fn into_entries(rows: Vec<PersonRow>) -> Vec<WatchEntry> {
    let mut entries: Vec<WatchEntry> = Vec::with_capacity(rows.len());
    let mut by_id: std::collections::HashMap<String, usize> = Default::default();
    for r in rows {
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
    entries
}

impl PersonRow {
    pub fn query(&self) -> Query {
        Query {
            name: self.name.clone(),
            birth_date: self.birth_date,
            nik: self.nik.clone(),
            phones: self.phones.clone(),
            sex: None,
        }
    }
}

/// The outcome of screening a query file.
pub struct BatchOutcome {
    /// The results CSV.
    pub csv: Vec<u8>,
    pub queries: usize,
    /// Per-query search time in microseconds, in file order.
    pub micros: Vec<u64>,
}

/// Screen every query against `index` and write the results CSV. The queries are split over
/// the machine's cores (the index is shared read-only); the output keeps the input order.
pub fn screen_all(index: &Index, queries: &[PersonRow], top: usize) -> BatchOutcome {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = queries.len().div_ceil(threads).max(1);
    let parts: Vec<Vec<(Search, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = queries
            .chunks(chunk)
            .map(|part| {
                let n = part.len();
                let h = scope.spawn(move || {
                    part.iter()
                        .map(|q| {
                            let t = Instant::now();
                            let found = index.search_all(&q.query(), top);
                            (found, t.elapsed().as_micros() as u64)
                        })
                        .collect::<Vec<_>>()
                });
                (n, h)
            })
            .collect();
        // A part whose thread failed answers no hits, so the rows stay aligned.
        handles
            .into_iter()
            .map(|(n, h)| h.join().unwrap_or_else(|_| vec![(Search::default(), 0); n]))
            .collect()
    });
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "query_id",
        "rank",
        "watch_id",
        "score",
        "alert",
        "reasons",
        "same_name_not_shown",
    ]);
    let mut micros = Vec::with_capacity(queries.len());
    for (q, (found, us)) in queries.iter().zip(parts.into_iter().flatten()) {
        micros.push(us);
        let hidden = found.same_name_hidden.to_string();
        for (rank, h) in found.hits.iter().enumerate() {
            // The query id comes from the uploaded file and the watch id from the list: both
            // are defused like every exported cell.
            let _ = w.write_record([
                safe_cell(&q.id).as_str(),
                &(rank + 1).to_string(),
                &safe_cell(&h.id),
                &h.score.to_string(),
                if h.alert { "true" } else { "false" },
                &safe_cell(&h.codes()),
                &hidden,
            ]);
        }
    }
    BatchOutcome {
        csv: w.into_inner().unwrap_or_default(),
        queries: queries.len(),
        micros,
    }
}

/// Screen a batch in the web or the API against the current index: an audit entry, no stored
/// screenings. The rows were read (and their number limited) by the caller.
pub async fn screen_batch(
    db: &Db,
    ctx: &Ctx,
    cache: &Arc<WatchCache>,
    rows: Vec<PersonRow>,
    top: usize,
) -> Result<BatchOutcome> {
    ctx.require(Action::ScreeningRun, None)?;
    let built = cache.current(db).await?;
    let n = rows.len();
    let out = tokio::task::spawn_blocking(move || screen_all(&built.index, &rows, top))
        .await
        .map_err(|e| Error::Other(anyhow::anyhow!("batch screening: {e}")))?;
    db.screening().audit_batch_screen(ctx, n).await?;
    Ok(out)
}

/// The p-th percentile (0–100) of a list of timings.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_header_and_bad_ones_reported_by_line() {
        let data = "name,id,nik,phone,birth_date,extra\n\
                    Siti Aminah,1,3507114506900003,0812-3456-7890,1990-06-05,x\n\
                    ,2,,,,\n\
                    Budi,3,123,,,\n\
                    \"Joko\nSantoso\",4,,,1991-13-01,\n\
                    Darto,5,,,,\n";
        let (rows, errors) = read_people(data.as_bytes()).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["1", "5"]
        );
        assert_eq!(rows[0].phones, ["+6281234567890"]);
        let lines: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(lines, [(3, "name"), (4, "nik"), (5, "birth_date")]);
        assert_eq!(read_people(b"nama,id\n").err(), Some("err-csv-header"));
    }

    #[test]
    fn repeated_ids_become_aliases() {
        let (rows, errors) = read_people(
            b"id,name,birth_date,nik,phone\nw1,Darto,,,0812-3456-7890\nw2,Sri,,,\nw1,Cak To,1970-01-02,,0813 1111 2222;0812-3456-7890\n",
        )
        .unwrap();
        assert!(errors.is_empty());
        let e = into_entries(rows);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].names, ["Darto", "Cak To"]);
        assert_eq!(e[0].phones, ["+6281234567890", "+6281311112222"]);
        assert!(e[0].birth_date.is_some());
    }

    #[test]
    fn results_follow_the_contract() {
        let (watch, _) =
            read_people(b"id,name,birth_date,nik,phone\nw1,Moch. Darto,,,081234567890\n").unwrap();
        let index = Index::build(into_entries(watch));
        let (q, _) =
            read_people(b"id,name,birth_date,nik,phone\nq1,Muhammad Darto,,,+62 812-3456-7890\n")
                .unwrap();
        let out = screen_all(&index, &q, 10);
        let text = String::from_utf8(out.csv).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("query_id,rank,watch_id,score,alert,reasons,same_name_not_shown")
        );
        let first: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(&first[..3], ["q1", "1", "w1"]);
        assert_eq!(first[4], "true", "a phone match alerts: {text}");
        assert!(first[5].contains("phone:exact"), "{text}");
        assert_eq!(percentile(&[1, 2, 3, 4], 50.0), 3);
    }
}
