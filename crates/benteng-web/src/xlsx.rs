//! XLSX exports, written with rust_xlsxwriter: a header row in bold, frozen, with an
//! autofilter, every cell as text (NIKs and phone numbers must not become numbers).

use crate::error::WebError;
use benteng_db::migrants::{export_rows, Migrant, EXPORT_COLUMNS};
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

/// The first sheet of an uploaded XLSX file as CSV bytes, so that one reader (line numbers,
/// columns by name, row limit) serves both formats. Dates become `YYYY-MM-DD`; whole numbers
/// lose the `.0` a spreadsheet gives them (a NIK typed as a number stays 16 digits). The
/// error is a Fluent message id.
pub fn first_sheet_as_csv(bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|_| "err-xlsx-unreadable")?;
    let range = book
        .worksheet_range_at(0)
        .ok_or("err-xlsx-unreadable")?
        .map_err(|_| "err-xlsx-unreadable")?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => {
                    if *b {
                        "1".into()
                    } else {
                        String::new()
                    }
                }
                Data::DateTime(d) => serial_date(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
                Data::Error(_) => String::new(),
            })
            .collect();
        w.write_record(&cells).map_err(|_| "err-xlsx-unreadable")?;
    }
    w.into_inner().map_err(|_| "err-xlsx-unreadable")
}

/// A spreadsheet date serial (days since 1899-12-30) as `YYYY-MM-DD`.
fn serial_date(serial: f64) -> String {
    let epoch = time::macros::date!(1899 - 12 - 30);
    match epoch.checked_add(time::Duration::days(serial.floor() as i64)) {
        Some(d) => benteng_domain::values::format_date(d),
        None => String::new(),
    }
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
}
