//! The activity report (Laporan Kegiatan) as a PDF in one click, for officers and the Kanwil.
//! The signer's name, title and staff number come from the download form (they change with
//! the office's head and are not stored); everything else comes from the event.

use crate::ctx::Auth;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::parse_id;
use crate::pdf::tanggal;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use benteng_app::events::{self, EventDetail, GainRow, QuizResults};
use benteng_domain::event::Zone;
use benteng_domain::values::optional_text;
use benteng_pdf::{
    ActivityReport, ReportAttendance, ReportFollowUp, ReportQuestion, ReportQuiz, ReportSpeaker,
};
use serde::Deserialize;

/// Most photos printed (two per row, about six per page).
const MAX_PHOTOS: usize = 12;

#[derive(Deserialize, Default)]
pub(super) struct SignerQuery {
    #[serde(default)]
    nama: String,
    #[serde(default)]
    jabatan: String,
    #[serde(default)]
    nip: String,
}

const DAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];

fn quiz_row(label: String, g: &GainRow) -> ReportQuiz {
    ReportQuiz {
        label,
        pre: g.pre_text(),
        post: g.post_text(),
        gain: g.gain_text(),
    }
}

/// The report's content from the event, its quiz results and the signer. Official documents
/// are in Bahasa Indonesia whatever the screen language is.
fn build(
    state: &AppState,
    d: &EventDetail,
    q: &QuizResults,
    office: Option<String>,
    photo_captions: Vec<String>,
    signer: &SignerQuery,
) -> ActivityReport {
    let id = Tr::new("id");
    let zone = Zone::parse(&d.event.zone).unwrap_or(Zone::Wib);
    let local = zone.local(d.event.starts_at);
    let date = local
        .map(|t| {
            let day = DAYS[usize::from(t.weekday().number_days_from_monday())];
            format!("{day}, {}", tanggal(t.date()))
        })
        .unwrap_or_default();
    let time = local
        .map(|t| {
            format!(
                "{:02}.{:02} {} s.d. selesai",
                t.hour(),
                t.minute(),
                zone.as_str()
            )
        })
        .unwrap_or_default();
    let other = id.t("event-other-village");
    let village = |code: &str, name: &str| {
        if code.is_empty() {
            other.clone()
        } else {
            name.to_string()
        }
    };
    let office = office.unwrap_or_else(|| "Kantor Imigrasi".to_string());
    let kota = d
        .event
        .region_name
        .clone()
        .unwrap_or_default()
        .replace("Kabupaten ", "")
        .replace("Kota ", "");
    let clip = |s: &str| optional_text(s, 200).ok().flatten().unwrap_or_default();
    ActivityReport {
        title: d.event.title.clone(),
        date,
        time,
        venue: d.event.venue.clone(),
        place: d.event.region_name.clone().unwrap_or_default(),
        basis: benteng_app::system::rules(&state.db)
            .programme_basis
            .clone(),
        agenda: d
            .event
            .agenda
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        speakers: d
            .speakers
            .iter()
            .map(|s| ReportSpeaker {
                name: s.name.clone(),
                agency: s.agency.clone().unwrap_or_default(),
                topic: s.topic.clone().unwrap_or_default(),
            })
            .collect(),
        invited: d.villages.iter().map(|v| v.name.clone()).collect(),
        attendance: d
            .by_village
            .iter()
            .map(|r| ReportAttendance {
                village: village(&r.village_code, &r.village_name),
                male: r.male,
                female: r.female,
                unknown: r.unknown_sex,
                total: r.total,
            })
            .collect(),
        attendance_total: ReportAttendance {
            village: String::new(),
            male: d.total.male,
            female: d.total.female,
            unknown: d.total.unknown_sex,
            total: d.total.total,
        },
        roles: d
            .by_role
            .iter()
            .filter(|r| r.n > 0)
            .map(|r| (id.t(&format!("attendee-role-{}", r.role)), r.n))
            .collect(),
        registered: d.registrations.len() as i64,
        registered_came: d.registrations.iter().filter(|r| r.came > 0).count() as i64,
        questions: d
            .questions
            .iter()
            .map(|x| ReportQuestion {
                question: x.question.clone(),
                asked_by: match (x.asked_by.as_deref(), x.village_name.as_deref()) {
                    (Some(a), Some(v)) => format!("{a}, {v}"),
                    (Some(a), None) => a.to_string(),
                    (None, Some(v)) => v.to_string(),
                    (None, None) => String::new(),
                },
                answer: x.answer.clone().unwrap_or_default(),
                answered_by: x.answered_by.clone().unwrap_or_default(),
            })
            .collect(),
        quiz: if q.overall.pre_n + q.overall.post_n == 0 {
            Vec::new()
        } else {
            q.questions
                .iter()
                .map(|r| quiz_row(r.question.clone(), &r.figures))
                .collect()
        },
        quiz_overall: quiz_row(String::new(), &q.overall),
        quiz_villages: q
            .villages
            .iter()
            .map(|v| quiz_row(village(&v.village_code, &v.village_name), &v.figures))
            .collect(),
        quiz_counts: format!(
            "{} peserta mengerjakan pre-test, {} peserta mengerjakan post-test; \
             nilai dan kenaikan dihitung dari {} peserta yang mengerjakan keduanya",
            q.overall.pre_n, q.overall.post_n, q.overall.paired_n
        ),
        photo_captions,
        followups: d
            .followups
            .iter()
            .map(|f| ReportFollowUp {
                action: f.action.clone(),
                owner: f.owner.clone(),
                due: f.due(),
                status: if f.done_at.is_some() {
                    "Selesai"
                } else if f.overdue {
                    "Terlambat"
                } else {
                    "Berjalan"
                }
                .to_string(),
            })
            .collect(),
        place_date: format!("{kota}, {}", tanggal(benteng_app::today())),
        signer_title: match clip(&signer.jabatan) {
            t if t.is_empty() => format!("Kepala {office}"),
            t => t,
        },
        signer_name: clip(&signer.nama),
        signer_id: match clip(&signer.nip) {
            n if n.is_empty() => String::new(),
            n => format!("NIP {n}"),
        },
        office,
    }
}

/// `/sosialisasi/{id}/laporan.pdf?nama=…&jabatan=…&nip=…`
pub(super) async fn pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(signer): Query<SignerQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    // Officers and the Kanwil only (the photos and the names of those who asked are in it).
    let (office, photos) =
        events::report_extras(&state.db, auth.ctx(), id, MAX_PHOTOS, &*state.store).await?;
    let d = events::show(&state.db, auth.ctx(), id).await?;
    let q = events::quiz_results(&state.db, auth.ctx(), id).await?;
    let chart = super::gain_chart(&Tr::new("id"), &q);
    let (captions, bytes): (Vec<String>, Vec<Vec<u8>>) = photos.into_iter().unzip();
    let report = build(&state, &d, &q, office, captions, &signer);
    let pdf =
        tokio::task::spawn_blocking(move || benteng_pdf::activity_report(&report, &chart, bytes))
            .await
            .map_err(|e| WebError::internal(e.to_string()))?
            .map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"laporan-kegiatan-{id}.pdf\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        pdf,
    )
        .into_response())
}
