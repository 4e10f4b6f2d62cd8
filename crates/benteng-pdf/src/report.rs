//! The activity report (Laporan Kegiatan) of an awareness event, as an office sends it to the
//! Kanwil: cover, legal basis, time and place, agenda, speakers, attendance by village with
//! totals, questions and answers, quiz results with the chart, photos, follow-ups and the
//! head of office's sign-off block.

use crate::{render_with, PdfError, ACTIVITY};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportSpeaker {
    pub name: String,
    pub agency: String,
    pub topic: String,
}

/// One row of the attendance table ("Dari luar desa undangan" for the empty village).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportAttendance {
    pub village: String,
    pub male: i64,
    pub female: i64,
    pub unknown: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportQuestion {
    pub question: String,
    /// "Bu Sri (Sitiarjo)" or empty.
    pub asked_by: String,
    pub answer: String,
    pub answered_by: String,
}

/// One row of the quiz table: a question (or a village, or everyone) with its figures as text.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportQuiz {
    pub label: String,
    /// "62,5%" or "–".
    pub pre: String,
    pub post: String,
    /// "+25,0" or "–".
    pub gain: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportFollowUp {
    pub action: String,
    pub owner: String,
    /// "17-12-2026".
    pub due: String,
    /// "Selesai", "Terlambat" or "Berjalan".
    pub status: String,
}

/// Everything the report prints. Dates and numbers come formatted (Indonesian) from the caller.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActivityReport {
    /// "Kantor Imigrasi Kelas I TPI Malang".
    pub office: String,
    pub title: String,
    /// "Selasa, 17 September 2024".
    pub date: String,
    /// "08.30 WIB".
    pub time: String,
    pub venue: String,
    /// The region the event belongs to ("Kabupaten Malang").
    pub place: String,
    /// The programme's legal basis, one item per entry (configured).
    pub basis: Vec<String>,
    pub agenda: Vec<String>,
    pub speakers: Vec<ReportSpeaker>,
    pub invited: Vec<String>,
    pub attendance: Vec<ReportAttendance>,
    pub attendance_total: ReportAttendance,
    /// ("Calon PMI", 12) for every role with someone in it.
    pub roles: Vec<(String, i64)>,
    /// How many registered ahead, and how many of them came.
    pub registered: i64,
    pub registered_came: i64,
    pub questions: Vec<ReportQuestion>,
    /// Per question, then `quiz_overall`, then per village.
    pub quiz: Vec<ReportQuiz>,
    pub quiz_overall: ReportQuiz,
    pub quiz_villages: Vec<ReportQuiz>,
    /// "12 pre-test, 11 post-test".
    pub quiz_counts: String,
    pub photo_captions: Vec<String>,
    pub followups: Vec<ReportFollowUp>,
    /// "Malang, 18 September 2024".
    pub place_date: String,
    /// "Kepala Kantor Imigrasi Kelas I TPI Malang".
    pub signer_title: String,
    pub signer_name: String,
    /// "NIP 19700101 199003 1 001" or empty.
    pub signer_id: String,
}

/// The report as an A4 PDF. `chart` is the knowledge-gain chart as SVG (empty: no chart);
/// `photos` are JPEG or PNG bytes, in the order of `photo_captions`.
pub fn activity_report(
    report: &ActivityReport,
    chart: &str,
    photos: Vec<Vec<u8>>,
) -> Result<Vec<u8>, PdfError> {
    let mut files = Vec::with_capacity(photos.len() + 1);
    if !chart.is_empty() {
        files.push(("chart".to_string(), chart.as_bytes().to_vec()));
    }
    for (i, p) in photos.into_iter().enumerate() {
        files.push((format!("photo{i}"), p));
    }
    render_with(ACTIVITY, report, files)
}
