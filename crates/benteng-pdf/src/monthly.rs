//! The monthly report (Laporan Bulanan) of an office or a province: cover, summary in
//! sentences, each module's figures beside the month before, the areas, the trend chart,
//! notable cases without names, the follow-ups due, and the sign-off block.

use crate::{render_with, PdfError};
use serde::Serialize;

/// One figure: its label, this month, the month before (texts, already formatted; "< 5" for
/// hidden counts).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthlyRow {
    pub label: String,
    pub now: String,
    pub before: String,
    /// A part of the figure above (indented).
    pub part: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthlySection {
    pub title: String,
    pub rows: Vec<MonthlyRow>,
}

/// A case opened in the month, without anyone's name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthlyCase {
    pub opened: String,
    pub place: String,
    pub exploitation: String,
    pub destination: String,
    pub status: String,
}

/// An open referral with its due date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthlyFollowUp {
    pub agency: String,
    pub purpose: String,
    pub due: String,
    pub late: bool,
}

/// Everything the report prints; texts come formatted from the caller.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthlyReport {
    /// "Kantor Imigrasi Kelas I TPI Malang" or "Kantor Wilayah Jawa Timur".
    pub office: String,
    /// The area the figures cover ("Wilayah kerja kantor", "Jawa Timur").
    pub area: String,
    /// "November 2026".
    pub month: String,
    pub previous: String,
    /// Sentences: "Laporan masuk: 12, 3 lebih banyak dari Oktober 2026."
    pub summary: Vec<String>,
    pub sections: Vec<MonthlySection>,
    /// The areas one level down: header and rows.
    pub areas_title: String,
    pub areas_header: Vec<String>,
    pub areas: Vec<Vec<String>>,
    pub trend_title: String,
    pub cases: Vec<MonthlyCase>,
    pub followups: Vec<MonthlyFollowUp>,
    /// "Dihitung Selasa, 1 Desember 2026, 01.00 WIB; kalender WIB."
    pub counted: String,
    /// "Malang, 1 Desember 2026".
    pub place_date: String,
    pub signer_title: String,
}

/// The report as an A4 PDF; `chart` is the trend chart as SVG (empty: none). Blocking.
pub fn monthly_report(report: &MonthlyReport, chart: &str) -> Result<Vec<u8>, PdfError> {
    let files = if chart.is_empty() {
        Vec::new()
    } else {
        vec![("chart".to_string(), chart.as_bytes().to_vec())]
    };
    render_with(crate::MONTHLY, report, files)
}
