//! `benteng screen`: screen a CSV of people against a watchlist and write ranked hits.
//!
//! The contract (other tools depend on it) is implemented once, in
//! `benteng_app::screening::batch`, and shared with the web's batch page and the API: input and
//! watchlist headers `id,name,birth_date,nik,phone` (extra columns ignored, `birth_date` as
//! YYYY-MM-DD, any field but `id` and `name` may be empty, several phones separated by `;`);
//! output header `query_id,rank,watch_id,score,alert,reasons,same_name_not_shown`, up to `--top` rows per query,
//! best first. Bad rows are reported on stderr with their line number and skipped; the exit
//! code is 2 when any row was skipped. Without `--watchlist` the database's watchlist is used
//! (officers' flags and imports as `w<id>`, people named in live reports as `p<id>`).

use anyhow::Context;
use benteng_app::screening::batch::{into_entries, percentile, read_people, screen_all, PersonRow};
use benteng_app::screening::RowError;
use benteng_domain::screening::{Index, WatchEntry};
use std::path::Path;
use std::time::Instant;

/// Exit code when rows were skipped.
pub const EXIT_SKIPPED: i32 = 2;

fn report(what: &str, errors: &[RowError]) {
    for e in errors {
        eprintln!(
            "{what} baris {}: {}: {}",
            e.line,
            e.field,
            benteng_web::translate("id", &e.code)
        );
    }
}

fn read(path: &Path, what: &str) -> anyhow::Result<(Vec<PersonRow>, Vec<RowError>)> {
    let data = std::fs::read(path).with_context(|| format!("membuka {}", path.display()))?;
    let (rows, errors) = read_people(&data).map_err(|code| {
        anyhow::anyhow!(
            "{}: {} (header id,name,birth_date,nik,phone)",
            path.display(),
            benteng_web::translate("id", code)
        )
    })?;
    report(what, &errors);
    Ok((rows, errors))
}

/// Read a watchlist CSV; rows with the same id become one entry with aliases. Returns the
/// entries and how many rows were skipped.
pub fn read_watchlist(path: &Path) -> anyhow::Result<(Vec<WatchEntry>, usize)> {
    let (rows, errors) = read(path, "daftar pantau")?;
    Ok((into_entries(rows), errors.len()))
}

/// Screen `input` against `watchlist` and write `output`. `skipped` counts watchlist rows
/// already skipped. Returns the process exit code.
pub fn run(
    watchlist: Vec<WatchEntry>,
    skipped: usize,
    input: &Path,
    output: &Path,
    top: usize,
) -> anyhow::Result<i32> {
    let start = Instant::now();
    let n = watchlist.len();
    let index = Index::build(watchlist);
    eprintln!(
        "indeks: {n} entri dibangun dalam {} ms",
        start.elapsed().as_millis()
    );
    let (queries, errors) = read(input, "masukan")?;
    let out = screen_all(&index, &queries, top.clamp(1, 1000));
    std::fs::write(output, &out.csv).with_context(|| format!("menulis {}", output.display()))?;
    let mut micros = out.micros;
    micros.sort_unstable();
    eprintln!(
        "{} kueri; latensi per kueri p50 {:.3} ms, p99 {:.3} ms",
        out.queries,
        percentile(&micros, 50.0) as f64 / 1000.0,
        percentile(&micros, 99.0) as f64 / 1000.0
    );
    let skipped = skipped + errors.len();
    if skipped == 0 {
        Ok(0)
    } else {
        eprintln!("{skipped} baris dilewati");
        Ok(EXIT_SKIPPED)
    }
}
