//! Render time and size of the activity report (Laporan Kegiatan) of a large event: 120
//! participants from 12 villages, 15 questions and answers, a 10-question quiz with its chart,
//! 6 photos as phones take them (re-encoded 2048×1536 JPEG), 5 follow-ups. One thread, as the
//! page renders it (on a blocking thread per request).
//!
//! `cargo run --release -p benteng-bench --bin report-bench [OUT.pdf]` (with a path, the last
//! rendering is also written there, to look at).

use benteng_pdf::charts::{gain_chart, GainBar};
use benteng_pdf::*;
use std::time::Instant;

fn photo(seed: u32) -> Vec<u8> {
    // Gradients with a little grain: about the size a phone photo has after the upload's
    // re-encoding.
    let img = image::RgbImage::from_fn(2048, 1536, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(31)) % 13;
        image::Rgb([(x / 8 + n) as u8, (y / 6 + n) as u8, ((x + y) / 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encoding a JPEG in memory");
    out.into_inner()
}

fn report() -> ActivityReport {
    let villages: Vec<String> = (1..=12).map(|i| format!("Desa Contoh {i}")).collect();
    let attendance: Vec<ReportAttendance> = villages
        .iter()
        .map(|v| ReportAttendance {
            village: v.clone(),
            male: 4,
            female: 6,
            unknown: 0,
            total: 10,
        })
        .collect();
    let quiz: Vec<ReportQuiz> = (1..=10)
        .map(|i| ReportQuiz {
            label: format!("Pertanyaan nomor {i} tentang prosedur penempatan yang resmi?"),
            pre: "45,0%".into(),
            post: "82,5%".into(),
            gain: "+37,5".into(),
        })
        .collect();
    ActivityReport {
        office: "Kantor Imigrasi Kelas I TPI Malang".into(),
        title: "Sosialisasi Pencegahan TPPO bagi Desa Binaan Imigrasi".into(),
        date: "Selasa, 17 September 2024".into(),
        time: "08.30 WIB s.d. selesai".into(),
        venue: "Hotel Grand Miami, Kepanjen".into(),
        place: "Kabupaten Malang".into(),
        basis: benteng_domain::rules::RuleSet::builtin()
            .programme_basis
            .clone(),
        agenda: vec![
            "Pembukaan".into(),
            "Materi Disnaker".into(),
            "Materi BP3MI".into(),
            "Materi Dispendukcapil".into(),
            "Tanya jawab".into(),
            "Penutup".into(),
        ],
        speakers: (1..=4)
            .map(|i| ReportSpeaker {
                name: format!("Narasumber {i}"),
                agency: "Dinas Tenaga Kerja Kabupaten Malang".into(),
                topic: "Prosedur penempatan PMI yang resmi".into(),
            })
            .collect(),
        invited: villages.clone(),
        attendance,
        attendance_total: ReportAttendance {
            village: String::new(),
            male: 48,
            female: 72,
            unknown: 0,
            total: 120,
        },
        roles: vec![("Warga".into(), 80), ("Calon PMI".into(), 30), ("Perangkat desa".into(), 10)],
        registered: 100,
        registered_came: 90,
        questions: (1..=15)
            .map(|i| ReportQuestion {
                question: format!("Pertanyaan warga nomor {i}: apakah boleh berangkat dengan visa kunjungan?"),
                asked_by: "Bu Sri, Sitiarjo".into(),
                answer: "Tidak. Bekerja di luar negeri memerlukan visa kerja dan pendaftaran di Disnaker.".into(),
                answered_by: "Disnaker Kabupaten Malang".into(),
            })
            .collect(),
        quiz_overall: quiz[0].clone(),
        quiz_villages: villages
            .iter()
            .map(|v| ReportQuiz {
                label: v.clone(),
                pre: "40,0%".into(),
                post: "80,0%".into(),
                gain: "+40,0".into(),
            })
            .collect(),
        quiz,
        quiz_counts: "118 peserta mengerjakan pre-test, 112 peserta mengerjakan post-test".into(),
        photo_captions: (1..=6).map(|i| format!("Dokumentasi {i}")).collect(),
        followups: (1..=5)
            .map(|i| ReportFollowUp {
                action: format!("Tindak lanjut nomor {i}"),
                owner: "PIMPASA".into(),
                due: "30-09-2024".into(),
                status: "Berjalan".into(),
            })
            .collect(),
        place_date: "Malang, 18 September 2024".into(),
        signer_title: "Kepala Kantor Imigrasi Kelas I TPI Malang".into(),
        signer_name: "Anggoro Widjanarko".into(),
        signer_id: "NIP 19700101 199003 1 001".into(),
    }
}

fn main() -> anyhow::Result<()> {
    let raw: Vec<Vec<u8>> = (0..6).map(photo).collect();
    let photo_bytes: usize = raw.iter().map(Vec::len).sum();
    // As the report page does: each stored photo scaled for print first.
    let t = Instant::now();
    let photos: Vec<Vec<u8>> = raw
        .iter()
        .map(|p| benteng_app::uploads::print_size(p, 1200).expect("a JPEG"))
        .collect();
    let scale_ms = t.elapsed().as_secs_f64() * 1000.0;
    let r = report();
    let bars: Vec<GainBar> = (1..=10)
        .map(|i| GainBar {
            label: format!("S{i}"),
            pre: Some(40.0 + i as f64),
            post: Some(80.0 + i as f64 / 2.0),
        })
        .collect();
    let mut chart_ms = Vec::new();
    let mut times = Vec::new();
    let mut size = 0;
    let mut last = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let chart = gain_chart(&bars, ("Pre-test", "Post-test"));
        chart_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let pdf = activity_report(&r, &chart, photos.clone())?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(pdf.starts_with(b"%PDF"), "not a PDF");
        size = pdf.len();
        last = pdf;
    }
    if let Some(out) = std::env::args().nth(1) {
        std::fs::write(&out, &last)?;
    }
    let first = times[0];
    let mut rest = times[1..].to_vec();
    rest.sort_by(|a, b| a.total_cmp(b));
    chart_ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "activity report: 120 participants, 12 villages, 15 questions, 10-question quiz with chart, 6 photos ({:.1} MB of stored JPEG)",
        photo_bytes as f64 / 1_048_576.0
    );
    println!("scaling the 6 photos for print: {scale_ms:.0} ms");
    println!(
        "render (chart + PDF): first {first:.0} ms, then p50 {:.0} ms, max {:.0} ms; chart alone p50 {:.2} ms; PDF size {:.0} KB",
        rest[rest.len() / 2],
        rest[rest.len() - 1],
        chart_ms[chart_ms.len() / 2],
        size as f64 / 1024.0
    );
    Ok(())
}
