//! The activity report read back from the PDF: title, attendance totals, the knowledge gain,
//! the sign-off, page numbers; the chart and photos embedded.

mod poppler;

use benteng_pdf::charts::{gain_chart, GainBar};
use benteng_pdf::*;
use poppler::poppler;

fn report() -> ActivityReport {
    ActivityReport {
        office: "Kantor Imigrasi Kelas I TPI Malang".into(),
        title: "Sosialisasi Pencegahan TPPO di Desa Binaan".into(),
        date: "Selasa, 17 September 2024".into(),
        time: "08.30 WIB".into(),
        venue: "Hotel Grand Miami, Kepanjen".into(),
        place: "Kabupaten Malang".into(),
        basis: vec!["Undang-Undang Nomor 21 Tahun 2007".into()],
        agenda: vec!["Pembukaan".into(), "Tanya jawab".into()],
        speakers: vec![ReportSpeaker {
            name: "Budi Santoso".into(),
            agency: "Disnaker Kabupaten Malang".into(),
            topic: "Prosedur penempatan".into(),
        }],
        invited: vec!["Sitiarjo".into(), "Kalipare".into()],
        attendance: vec![ReportAttendance {
            village: "Sitiarjo".into(),
            male: 14,
            female: 23,
            unknown: 0,
            total: 37,
        }],
        attendance_total: ReportAttendance {
            village: String::new(),
            male: 14,
            female: 23,
            unknown: 0,
            total: 37,
        },
        roles: vec![("Calon PMI".into(), 9)],
        registered: 40,
        registered_came: 31,
        questions: vec![ReportQuestion {
            question: "Berapa biaya ke Taiwan?".into(),
            asked_by: "Bu Sri (Sitiarjo)".into(),
            answer: "Tanpa biaya penempatan.".into(),
            answered_by: "BP3MI Jawa Timur".into(),
        }],
        quiz: vec![ReportQuiz {
            label: "Di mana mendaftar?".into(),
            pre: "40,0%".into(),
            post: "90,0%".into(),
            gain: "+50,0".into(),
        }],
        quiz_overall: ReportQuiz {
            label: String::new(),
            pre: "40,0%".into(),
            post: "90,0%".into(),
            gain: "+50,0".into(),
        },
        quiz_villages: vec![ReportQuiz {
            label: "Sitiarjo".into(),
            pre: "40,0%".into(),
            post: "90,0%".into(),
            gain: "+50,0".into(),
        }],
        quiz_counts: "37 pre-test, 35 post-test".into(),
        photo_captions: vec!["Pembukaan".into()],
        followups: vec![ReportFollowUp {
            action: "Membentuk grup koordinasi desa".into(),
            owner: "PIMPASA".into(),
            due: "24-09-2024".into(),
            status: "Berjalan".into(),
        }],
        place_date: "Malang, 18 September 2024".into(),
        signer_title: "Kepala Kantor".into(),
        signer_name: "Anggoro Widjanarko".into(),
        signer_id: String::new(),
    }
}

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

#[test]
fn the_report_prints_its_figures_and_embeds_chart_and_photo() {
    let chart = gain_chart(
        &[GainBar {
            label: "S1".into(),
            pre: Some(40.0),
            post: Some(90.0),
        }],
        ("Pre-test", "Post-test"),
    );
    let pdf = activity_report(&report(), &chart, vec![photo()]).unwrap();
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "LAPORAN KEGIATAN",
        "Sosialisasi Pencegahan TPPO di Desa Binaan",
        "Selasa, 17 September 2024",
        "Peserta hadir: 37 orang (laki-laki 14, perempuan 23)",
        "Mendaftar lebih dahulu: 40 orang, 31 di antaranya hadir",
        "Budi Santoso",
        "Berapa biaya ke Taiwan?",
        "40,0%",
        "90,0%",
        "+50,0",
        "Membentuk grup koordinasi desa",
        "Anggoro Widjanarko",
        "Halaman 2 dari",
    ] {
        assert!(flat.contains(want), "missing {want:?} in:\n{text}");
    }
    let images = poppler("pdfimages", &pdf, &["-list"]);
    assert!(
        images.lines().count() > 2,
        "the photo is embedded: {images}"
    );
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(info.contains("595.") && info.contains("841."), "{info}");
}

#[test]
fn an_event_without_quiz_photos_or_questions_still_prints() {
    let mut r = report();
    r.quiz.clear();
    r.quiz_villages.clear();
    r.photo_captions.clear();
    r.questions.clear();
    r.followups.clear();
    r.registered = 0;
    let pdf = activity_report(&r, "", Vec::new()).unwrap();
    let flat = poppler("pdftotext", &pdf, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for want in [
        "Kuis tidak diadakan",
        "Tidak ada foto",
        "Tidak ada pertanyaan",
    ] {
        assert!(flat.contains(want), "{want}: {flat}");
    }
    assert!(!flat.contains("Mendaftar lebih dahulu"));
}
