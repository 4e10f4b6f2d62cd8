//! Reading uploaded CSV files (watchlist and P3MI imports, batch screening): one reader for the rules
//! they share — columns found by name (in any order, extra ones ignored, Excel's byte-order
//! mark tolerated), true line numbers (quoted fields may span lines), an unreadable line
//! reported and skipped, and a limit on the number of rows.

use benteng_db::screening::RowError;

/// One data row: its line in the file and the values of the asked columns, in the order asked
/// (empty for a column the file does not have).
pub struct CsvRow {
    pub line: u64,
    pub values: Vec<String>,
}

impl CsvRow {
    pub fn get(&self, i: usize) -> &str {
        self.values.get(i).map(String::as_str).unwrap_or("")
    }
}

pub fn row_error(line: u64, field: &str, code: &str) -> RowError {
    RowError {
        line,
        field: field.into(),
        code: code.into(),
    }
}

/// Read `columns` of every row. The header must name each of `required` (else
/// `err-csv-header`); at most `max_rows` rows are read, the rest is reported once.
pub fn read(
    data: &[u8],
    columns: &[&str],
    required: &[&str],
    max_rows: usize,
) -> Result<(Vec<CsvRow>, Vec<RowError>), &'static str> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let headers = rdr.headers().map_err(|_| "err-csv-header")?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    if required.iter().any(|r| col(r).is_none()) {
        return Err("err-csv-header");
    }
    let cols: Vec<Option<usize>> = columns.iter().map(|c| col(c)).collect();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                errors.push(row_error(line, "file", "err-csv-row"));
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        if rows.len() + errors.len() >= max_rows {
            errors.push(row_error(line, "file", "err-csv-too-many"));
            break;
        }
        let values = cols
            .iter()
            .map(|c| c.and_then(|c| record.get(c)).unwrap_or("").to_string())
            .collect();
        rows.push(CsvRow { line, values });
    }
    Ok((rows, errors))
}
