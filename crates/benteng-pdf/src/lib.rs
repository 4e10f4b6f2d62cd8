//! PDF documents typeset with Typst (the family permission letter, the activity report of an
//! awareness event) and the SVG charts used both in pages and in those documents. A crate of its own because Typst takes minutes to build and rarely changes, so
//! editing a page recompiles nothing here.
//!
//! Each document is a Typst template (in `templates/`, embedded) and a serde struct. The struct
//! goes into the template as one JSON string (`sys.inputs.data`, read with `json(bytes(..))`),
//! so a field is inserted as text and never interpreted as Typst markup: a name like
//! `#panic()` prints as written. The fonts (DejaVu Sans, regular and bold, see
//! `fonts/LICENSE-DejaVu.txt`) are embedded in the binary and in every PDF; nothing is read
//! from the server's font directories, so every server prints the same document.
//!
//! Rendering takes tens of milliseconds in a release build and blocks: call it from
//! `tokio::task::spawn_blocking`.

use serde::Serialize;
use std::sync::OnceLock;
use typst::foundations::{Bytes, Dict, Str, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

pub mod charts;
mod monthly;
mod report;

pub use monthly::{
    monthly_report, MonthlyCase, MonthlyFollowUp, MonthlyReport, MonthlyRow, MonthlySection,
};

pub use report::{
    activity_report, ActivityReport, ReportAttendance, ReportFollowUp, ReportQuestion, ReportQuiz,
    ReportSpeaker,
};

const LETTER: &str = "permission_letter.typ";
const ACTIVITY: &str = "activity_report.typ";
const SUBJECT: &str = "subject_data.typ";
const MONTHLY: &str = "monthly_report.typ";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("PDF export failed: {0}")]
    Export(String),
    #[error("document data: {0}")]
    Data(#[from] serde_json::Error),
}

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .fonts([REGULAR, BOLD])
            .with_static_source_file_resolver([
                ("common.typ", include_str!("../templates/common.typ")),
                (LETTER, include_str!("../templates/permission_letter.typ")),
                (ACTIVITY, include_str!("../templates/activity_report.typ")),
                (SUBJECT, include_str!("../templates/subject_data.typ")),
                (MONTHLY, include_str!("../templates/monthly_report.typ")),
            ])
            .build()
    })
}

/// Typeset `template` with `data` and export it as PDF.
fn render(template: &str, data: &impl Serialize) -> Result<Vec<u8>, PdfError> {
    render_with(template, data, Vec::new())
}

/// Typeset `template` with `data` and binary inputs (images: `sys.inputs.<name>` as bytes).
fn render_with(
    template: &str,
    data: &impl Serialize,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, PdfError> {
    let json = serde_json::to_string(data)?;
    let inputs: Dict = [(Str::from("data"), Value::Str(Str::from(json)))]
        .into_iter()
        .chain(
            files
                .into_iter()
                .map(|(k, v)| (Str::from(k), Value::Bytes(Bytes::new(v)))),
        )
        .collect();
    let doc: PagedDocument = engine()
        .compile_with_input(template, inputs)
        .output
        .map_err(|e| PdfError::Typeset(e.to_string()))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| PdfError::Export(format!("{e:?}")))
}

/// A person as the letter names them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LetterPerson {
    pub name: String,
    /// Masked or full, as the caller decides; empty prints a dash.
    pub nik: String,
    /// "Malang, 12 Maret 1998" or empty.
    pub birth: String,
    pub address: String,
}

/// The family permission letter (UU 18/2017 Pasal 13 huruf b): a spouse, parent or guardian
/// allows a resident to work abroad; the village head acknowledges it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PermissionLetter {
    /// "SURAT IZIN SUAMI/ISTRI", "SURAT IZIN ORANG TUA" or "SURAT IZIN WALI".
    pub title: String,
    /// The village's register number, e.g. `007/SIK/35.07.04.2007/2026`.
    pub number: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village: String,
    pub giver: LetterPerson,
    /// "suami", "istri", "ayah", … of the worker.
    pub relation: String,
    pub worker: LetterPerson,
    pub destination: String,
    pub job: String,
    /// "PT Contoh (SIP3MI 123/2023)" or how the worker goes (G to G, mandiri…).
    pub channel: String,
    /// "Sitiarjo, 29 November 2026".
    pub place_date: String,
    pub head_name: String,
    /// The legal basis printed under the title.
    pub legal_basis: String,
}

/// The letter as a one-page A4 PDF.
pub fn permission_letter(letter: &PermissionLetter) -> Result<Vec<u8>, PdfError> {
    render(LETTER, letter)
}

/// One record in a data-subject answer: a heading and its "label : value" rows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubjectRecord {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

/// The answer to a data-subject request (UU 27/2022): what is held about one person, every
/// text already in the reader's words (no codes, no ISO dates).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubjectData {
    pub office: String,
    pub title: String,
    /// The request's reference, e.g. "Permintaan No. 12".
    pub reference: String,
    /// Who asked, when, searched by what.
    pub header: Vec<(String, String)>,
    pub intro: String,
    pub records: Vec<SubjectRecord>,
    /// Printed instead of the records when nothing was found.
    pub empty: String,
    pub closing: String,
    pub place_date: String,
    pub signer: String,
}

/// The answer as an A4 PDF.
pub fn subject_data(data: &SubjectData) -> Result<Vec<u8>, PdfError> {
    render(SUBJECT, data)
}
