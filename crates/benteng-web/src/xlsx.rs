//! XLSX exports, written with rust_xlsxwriter: a header row in bold, frozen, with an
//! autofilter, every cell as text (NIKs and phone numbers must not become numbers).

use crate::error::WebError;
use benteng_app::migrants::{export_rows, Migrant, EXPORT_COLUMNS};
use rust_xlsxwriter::{Format, Workbook};

fn sheet(name: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, WebError> {
    let err = |e: rust_xlsxwriter::XlsxError| WebError::internal(e.to_string());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(name).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    if !header.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)
            .map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

/// The calon PMI register.
pub fn migrants(items: &[Migrant]) -> Result<Vec<u8>, WebError> {
    sheet("Calon PMI", &EXPORT_COLUMNS, &export_rows(items))
}

/// The largest part (XML file) an uploaded XLSX may unpack to, and all parts together. A
/// register of 5,000 rows is a few megabytes; a 477 KB file with one huge shared string
/// unpacked to 2.2 GB in the spreadsheet reader's shared-string table before any row limit
/// applied (issue 23), so sizes are checked from the archive's directory first.
const MAX_PART: u64 = 32 << 20;
const MAX_PARTS: u64 = 96 << 20;

/// Refuse an XLSX whose parts would unpack beyond [`MAX_PART`] or [`MAX_PARTS`], from the
/// sizes its ZIP directory declares, before anything is decompressed.
fn parts_fit(bytes: &[u8]) -> Result<(), &'static str> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| "err-xlsx-unreadable")?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| "err-xlsx-unreadable")?;
        let size = part.size();
        total = total.saturating_add(size);
        if size > MAX_PART || total > MAX_PARTS {
            return Err("err-xlsx-too-large");
        }
    }
    Ok(())
}

/// Rows and columns read from an uploaded sheet; anything beyond is ignored (the register
/// import takes at most 5,000 rows and knows 12 columns).
const MAX_ROWS: u32 = 5_002;
const MAX_COLS: u32 = 60;

/// The first sheet of an uploaded XLSX file as CSV bytes, so that one reader (line numbers,
/// columns by name, row limit) serves both formats. Cells are streamed and only the first
/// rows and columns are kept, so a file that claims a huge sheet cannot make the server
/// allocate it. Dates become `YYYY-MM-DD`; whole numbers lose the `.0` a spreadsheet gives
/// them (a NIK typed as a number stays 16 digits). The error is a Fluent message id. Blocking:
/// call it from `spawn_blocking`.
pub fn first_sheet_as_csv(bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    use calamine::{DataRef, Reader, Xlsx};
    parts_fit(bytes)?;
    let unreadable = |_| "err-xlsx-unreadable";
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("err-xlsx-unreadable")?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut grid: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS {
            break;
        }
        if col >= MAX_COLS {
            continue;
        }
        let text = match cell.get_value() {
            DataRef::Empty | DataRef::Error(_) => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => {
                if *b {
                    "1".into()
                } else {
                    String::new()
                }
            }
            DataRef::DateTime(d) => serial_date(d.as_f64()),
        };
        let (row, col) = (row as usize, col as usize);
        if grid.len() <= row {
            grid.resize_with(row + 1, Vec::new);
        }
        let r = &mut grid[row];
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = text;
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    let mut w = csv::Writer::from_writer(Vec::new());
    for mut row in grid {
        row.resize(width, String::new());
        w.write_record(&row).map_err(|_| "err-xlsx-unreadable")?;
    }
    w.into_inner().map_err(|_| "err-xlsx-unreadable")
}

/// A spreadsheet date serial (days since 1899-12-30) as `YYYY-MM-DD`; empty when it is not a
/// day between the years 1900 and 9999.
fn serial_date(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return String::new();
    }
    let epoch = time::macros::date!(1899 - 12 - 30);
    match epoch.checked_add(time::Duration::days(serial.floor() as i64)) {
        Some(d) => benteng_domain::values::format_date(d),
        None => String::new(),
    }
}

/// A table of an export: its sheet name, header and rows.
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A workbook of several sheets (name, header, rows): the header bold and frozen, counts
/// (whole numbers outside the first column) as numbers so that a spreadsheet can add them,
/// every other cell as text.
pub fn book(sheets: &[Table]) -> Result<Vec<u8>, WebError> {
    let err = |e: rust_xlsxwriter::XlsxError| WebError::internal(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for Table { name, header, rows } in sheets {
        let ws = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\.
        let clean: String = name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(&clean).map_err(err)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v.parse::<i64>() {
                    Ok(n) if c > 0 => ws.write_number(r, c, n as f64).map_err(err)?,
                    _ => ws
                        .write_string(r, c, benteng_domain::values::safe_cell(v))
                        .map_err(err)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

/// One table as CSV (UTF-8, every text cell made safe for spreadsheets).
pub fn csv(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, WebError> {
    let err = |e: csv::Error| WebError::internal(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(row.iter().map(|c| benteng_domain::values::safe_cell(c)))
            .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| WebError::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Format, Workbook};

    #[test]
    fn an_xlsx_sheet_reads_back_as_csv() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "name").unwrap();
        ws.write_string(0, 1, "nik").unwrap();
        ws.write_string(0, 2, "birth_date").unwrap();
        ws.write_string(1, 0, "Siti, \"Aminah\"").unwrap();
        ws.write_number(1, 1, 3507045507900002.0).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1990, 7, 15).unwrap();
        // As Excel stores a typed date: a serial number with a date format.
        let as_date = Format::new().set_num_format("dd/mm/yyyy");
        ws.write_datetime_with_format(1, 2, &date, &as_date)
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let csv = String::from_utf8(first_sheet_as_csv(&bytes).unwrap()).unwrap();
        assert_eq!(
            csv,
            "name,nik,birth_date\n\"Siti, \"\"Aminah\"\"\",3507045507900002,1990-07-15\n"
        );
        assert_eq!(
            first_sheet_as_csv(b"name,nik\n"),
            Err("err-xlsx-unreadable")
        );
    }

    #[test]
    fn a_sheet_that_claims_to_be_huge_is_read_within_bounds() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "name").unwrap();
        ws.write_string(1, 0, "Siti").unwrap();
        // The last cell of a sheet: a full grid would be 17 billion cells.
        ws.write_string(1_048_575, 16_383, "jauh").unwrap();
        // A "date" far beyond the calendar reads as empty, not as a crash.
        let date = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_number_with_format(2, 0, 1e300, &date).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let csv = String::from_utf8(first_sheet_as_csv(&bytes).unwrap()).unwrap();
        assert_eq!(csv, "name\nSiti\n\"\"\n");
    }

    #[test]
    fn a_shared_string_bomb_is_refused_before_it_is_unpacked() {
        // One shared string of 64 MB: 65 KB once deflated, as in the 477 KB file.
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "name").unwrap();
        let sheet = book.save_to_buffer().unwrap();
        let mut from = zip::ZipArchive::new(std::io::Cursor::new(sheet)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..from.len() {
            let f = from.by_index_raw(i).unwrap();
            if f.name().unwrap() != "xl/sharedStrings.xml" {
                out.raw_copy_file(f).unwrap();
            }
        }
        out.start_file("xl/sharedStrings.xml", deflated).unwrap();
        use std::io::Write;
        out.write_all(b"<sst><si><t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            out.write_all(&chunk).unwrap();
        }
        out.write_all(b"</t></si></sst>").unwrap();
        let bomb = out.finish().unwrap().into_inner();
        assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
        assert_eq!(first_sheet_as_csv(&bomb), Err("err-xlsx-too-large"));
    }
}
