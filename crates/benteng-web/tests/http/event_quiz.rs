//! Sosialisasi, second part: participants take the pre-test and post-test once on their own
//! phone through the link they get at check-in; the event shows the knowledge gain (a desa
//! user their own village's); the activity report PDF carries the title, totals and gain;
//! materials go to participants, photos stay with officers; follow-ups; registration ahead on
//! the public page; the question bank is edited by the Kanwil and admins only.

use crate::events::{code_of, KALIPARE, SITIARJO};
use crate::harness::*;
use crate::migrants::pdf_text;
use crate::reports_api::spawn_roomy;
use benteng_domain::quiz::INITIAL_BANK;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

/// Plan an event a month from today (so it is upcoming whenever the tests run).
pub(crate) async fn plan_ahead(app: &TestApp, c: &reqwest::Client, title: &str) -> (String, i64) {
    let day = benteng_domain::values::format_date(benteng_db::today() + time::Duration::days(30));
    let (s, _, at) = app
        .post_form(
            c,
            "/sosialisasi/baru",
            "/sosialisasi",
            &[
                ("title", title),
                ("date", &day),
                ("time", "08:30"),
                ("venue", "Hotel di Kepanjen"),
                ("region", "35.07"),
                ("villages", &format!("{SITIARJO}\n{KALIPARE}")),
                ("agenda", "Pembukaan\nMateri\nTanya jawab"),
                (
                    "speakers",
                    "Budi Santoso; Disnaker Kabupaten Malang; Prosedur",
                ),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let at = at.unwrap();
    let id = at.rsplit('/').next().unwrap().parse().unwrap();
    (at, id)
}

/// Check in on a phone and return the personal quiz link.
pub(crate) async fn check_in(app: &TestApp, code: &str, name: &str, village: &str) -> String {
    let phone = client();
    let form = format!("/hadir/{code}");
    let (s, html, _) = app
        .post_form(
            &phone,
            &form,
            &form,
            &[("name", name), ("village", village), ("sex", "p")],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    regex_lite::Regex::new(&format!(r#"href="(/hadir/{code}/kuis/[0-9a-f]{{32}})""#))
        .unwrap()
        .captures(&html)
        .map(|c| c[1].to_string())
        .expect("the check-in answer links to the quiz")
}

/// The answers that get `right` of the shipped bank's questions right (the first ones).
pub(crate) fn answers(kind: &str, right: usize) -> Vec<(String, String)> {
    let mut f = vec![("kind".to_string(), kind.to_string())];
    for (i, (_, _, options, correct, _)) in INITIAL_BANK.iter().enumerate() {
        let choice = if i < right {
            *correct
        } else {
            (correct + 1) % options.len()
        };
        f.push((format!("q{}", i + 1), choice.to_string()));
    }
    f
}

pub(crate) async fn submit(
    app: &TestApp,
    link: &str,
    fields: &[(String, String)],
) -> (StatusCode, String) {
    let phone = client();
    let (_, html) = app.get(&phone, link).await;
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), csrf_of(&html))];
    form.extend_from_slice(fields);
    let r = phone.post(app.url(link)).form(&form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn participants_take_each_test_once_and_the_report_shows_the_gain() {
    let app = spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;
    let (at, _) = plan_ahead(&app, &officer, "Sosialisasi Desa Binaan Kepanjen").await;
    let (_, html) = app.get(&officer, &at).await;
    let code = code_of(&html);

    let siti = check_in(&app, &code, "Siti Aminah", SITIARJO).await;
    let dewi = check_in(&app, &code, "Dewi Lestari", KALIPARE).await;
    // Checking in again shows the same link.
    assert_eq!(check_in(&app, &code, "siti aminah", SITIARJO).await, siti);

    let (s, page) = app.get(&client(), &siti).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Pre-test") && page.contains("Siti Aminah"));
    assert_eq!(page.matches("<fieldset").count(), INITIAL_BANK.len());

    // Every question must be answered; nothing is stored until then.
    let mut partial = answers("pre", 0);
    partial.pop();
    let (s, html) = submit(&app, &siti, &partial).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Jawab semua pertanyaan"));
    // Siti gets none right, Dewi half.
    let (s, html) = submit(&app, &siti, &answers("pre", 0)).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Jawaban Anda tersimpan") && html.contains("0 dari 8 benar"));
    let (s, _) = submit(&app, &dewi, &answers("pre", 4)).await;
    assert_eq!(s, StatusCode::OK);
    // A second try changes nothing.
    let (s, html) = submit(&app, &siti, &answers("pre", 8)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("sudah Anda kerjakan") && html.contains("0 dari 8 benar"));
    // The post-test is not open yet.
    let (s, html) = submit(&app, &siti, &answers("post", 8)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("tidak sedang dibuka"));
    // A link that is not a participant's.
    let (s, _) = app
        .get(&client(), &format!("/hadir/{code}/kuis/{}", "0".repeat(32)))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Only the officer opens the post-test.
    let village = app.login("desa.sitiarjo").await;
    let (s, _, _) = app
        .post_form(&village, &at, &format!("{at}/kuis"), &[("stage", "post")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = app
        .post_form(&officer, &at, &format!("{at}/kuis"), &[("stage", "post")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, html) = submit(&app, &siti, &answers("post", 8)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("8 dari 8 benar") && html.contains("Pre-test: 0 dari 8 benar"));
    // The pre-test closed with the post-test's opening.
    let late = check_in(&app, &code, "Tamu Terlambat", "").await;
    let (s, _) = submit(&app, &late, &answers("pre", 8)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The gain compares the same people: only Siti took both (0 of 8, then 8 of 8), so
    // +100 points, not the +75 of all pre-test takers (0 and 4 of 8) against the post-test's.
    let (_, html) = app.get(&officer, &at).await;
    assert!(html.contains("id=\"quiz-gain\">+100,0<"), "{html}");
    assert!(html.contains("dihitung dari 1 peserta yang mengerjakan pre-test dan post-test"));
    assert!(html.contains("<svg") && html.contains("class=\"chart\""));
    let villages = html.split("id=\"quiz-villages\"").nth(1).unwrap();
    assert!(villages.contains("<td>Sitiarjo</td><td>0,0%</td><td>100,0%</td><td>+100,0</td>"));
    assert!(villages.contains("<td>Kalipare</td><td>50,0%</td><td>–</td><td>–</td>"));
    // The village sees its own participants' results only.
    let (s, html) = app.get(&village, &at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"quiz-gain\">+100,0<"), "{html}");
    assert!(!html.contains("Dewi Lestari") && !html.contains("<td>Kalipare</td><td>50,0%"));

    // The activity report: the officer's one click; the village may not download it.
    let r = officer
        .get(app.url(&format!(
            "{at}/laporan.pdf?nama=Anggoro+Widjanarko&nip=19700101+199003+1+001"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes().await.unwrap());
    for want in [
        "LAPORAN KEGIATAN",
        "Sosialisasi Desa Binaan Kepanjen",
        "Peserta hadir: 3 orang (laki-laki 0, perempuan 3)",
        "Rata-rata semua peserta",
        "nilai dan kenaikan dihitung dari 1 peserta yang mengerjakan keduanya",
        "Rata-rata semua peserta 0,0% 100,0% +100,0",
        "Budi Santoso",
        "Pemberantasan Tindak Pidana Perdagangan Orang",
        "Anggoro Widjanarko",
        "NIP 19700101 199003 1 001",
    ] {
        assert!(text.contains(want), "missing {want:?} in {text}");
    }
    let (s, _) = app.get(&village, &format!("{at}/laporan.pdf")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_question_bank_is_edited_by_the_kanwil_and_events_keep_their_copy() {
    let app = spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;
    let (at, _) = plan_ahead(&app, &officer, "Sosialisasi bank soal").await;
    let (_, html) = app.get(&officer, &at).await;
    let code = code_of(&html);
    let link = check_in(&app, &code, "Siti", SITIARJO).await;
    let (_, page) = app.get(&client(), &link).await;
    assert_eq!(page.matches("<fieldset").count(), 8);

    // Officers read the bank but do not change it; villages do not see it.
    let (s, html) = app.get(&officer, "/sosialisasi/kuis").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("0800-1000") && !html.contains("/sosialisasi/kuis/baru"));
    let q = [
        ("topic", "tanda_bahaya"),
        (
            "question",
            "Sponsor meminta paspor Anda disimpan olehnya. Ini?",
        ),
        ("options", "Wajar\nTanda bahaya"),
        ("correct", "2"),
        ("source", "UU 21/2007"),
        ("active", "1"),
    ];
    let (s, _, _) = app
        .post_form(&officer, "/sosialisasi/kuis", "/sosialisasi/kuis", &q)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let village = app.login("desa.sitiarjo").await;
    let (s, _) = app.get(&village, "/sosialisasi/kuis").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let kanwil = app.login("kanwil.jatim").await;
    let (s, html, _) = app
        .post_form(
            &kanwil,
            "/sosialisasi/kuis/baru",
            "/sosialisasi/kuis",
            &[
                ("topic", "x"),
                ("question", "?"),
                ("options", "satu"),
                ("correct", "3"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Isi 2 sampai 5 pilihan") && html.contains("Pilihan tidak dikenal"));
    let (s, _, _) = app
        .post_form(&kanwil, "/sosialisasi/kuis/baru", "/sosialisasi/kuis", &q)
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&kanwil, "/sosialisasi/kuis").await;
    assert!(html.contains("Sponsor meminta paspor") && html.contains("Tanda bahaya ✓"));

    // The running event keeps its eight questions; a new event asks nine.
    let (_, page) = app.get(&client(), &link).await;
    assert_eq!(page.matches("<fieldset").count(), 8);
    let (at2, _) = plan_ahead(&app, &officer, "Sosialisasi berikutnya").await;
    let (_, html) = app.get(&officer, &at2).await;
    let link2 = check_in(&app, &code_of(&html), "Siti", SITIARJO).await;
    let (_, page) = app.get(&client(), &link2).await;
    assert_eq!(page.matches("<fieldset").count(), 9);
    // A quiz link belongs to its event.
    let other = link2.replace(&code_of(&html), &code);
    let (s, _) = app.get(&client(), &other).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn materials_photos_follow_ups_and_registration_ahead() {
    let app = spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;
    let (at, id) = plan_ahead(&app, &officer, "Sosialisasi migrasi aman").await;
    let (_, html) = app.get(&officer, &at).await;
    let code = code_of(&html);
    let token = csrf_of(&html);
    let upload = |kind: &'static str, caption: &'static str, part: Part| {
        officer
            .post(app.url(&format!("{at}/berkas")))
            .multipart(
                Form::new()
                    .text("_csrf", token.clone())
                    .text("kind", kind)
                    .text("caption", caption)
                    .part("file", part),
            )
            .send()
    };
    let slides = crate::reports_api::TINY_PDF.to_vec();
    // A material needs a title; a text file is neither a material nor a photo.
    let r = upload("materi", "", Part::bytes(slides.clone()).file_name("m.pdf"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Wajib diisi"));
    let r = upload(
        "materi",
        "Catatan",
        Part::bytes(b"hanya teks".to_vec()).file_name("a.txt"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = upload(
        "foto",
        "Dokumen",
        Part::bytes(slides.clone()).file_name("f.pdf"),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a PDF is no photo"
    );
    let r = upload(
        "materi",
        "Prosedur penempatan PMI",
        Part::bytes(slides.clone()).file_name("materi-disnaker.pdf"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = upload(
        "foto",
        "Pembukaan oleh Kepala Kantor",
        Part::bytes(crate::report_pages::PNG.to_vec()).file_name("pembukaan.png"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get(&officer, &at).await;
    let ids: Vec<String> = regex_lite::Regex::new(&format!(r#"{at}/berkas/(\d+)"#))
        .unwrap()
        .captures_iter(&html)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{html}");
    let (material, photo) = (&ids[0], &ids[1]);

    // Participants with the code download the material; the photo is not theirs.
    let r = client()
        .get(app.url(&format!("/hadir/{code}/materi/{material}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), slides);
    let (s, _) = app
        .get(&client(), &format!("/hadir/{code}/materi/{photo}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let form = format!("/hadir/{code}");
    let (_, html, _) = app
        .post_form(&client(), &form, &form, &[("name", "Siti")])
        .await;
    assert!(
        html.contains("Prosedur penempatan PMI"),
        "materials after check-in"
    );
    let village = app.login("desa.sitiarjo").await;
    let (s, _) = app.get(&village, &format!("{at}/berkas/{material}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get(&village, &format!("{at}/berkas/{photo}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&officer, &format!("{at}/berkas/{photo}")).await;
    assert_eq!(s, StatusCode::OK);
    let disnaker = app.login("disnaker.malang").await;
    let (_, html) = app.get(&disnaker, &at).await;
    let csrf = csrf_of(&html);
    let r = disnaker
        .post(app.url(&format!("{at}/berkas")))
        .multipart(
            Form::new()
                .text("_csrf", csrf)
                .text("kind", "materi")
                .text("caption", "x")
                .part("file", Part::bytes(slides.clone()).file_name("m.pdf")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Follow-ups: validated, overdue when the day has passed, then done.
    let (s, html, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/tindak-lanjut"),
            &[("action", "Grup koordinasi")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Wajib diisi"));
    let (s, _, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/tindak-lanjut"),
            &[
                ("action", "Membentuk grup koordinasi desa"),
                ("owner", "PIMPASA Malang"),
                ("due_date", "2026-01-10"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&officer, &at).await;
    assert!(html.contains("Membentuk grup koordinasi desa") && html.contains("terlambat"));
    let f = regex_lite::Regex::new(&format!(r#"{at}/tindak-lanjut/(\d+)"#))
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_string();
    let (s, _, _) = app
        .post_form(
            &village,
            &at,
            &format!("{at}/tindak-lanjut/{f}"),
            &[("done", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/tindak-lanjut/{f}"),
            &[("done", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&officer, &at).await;
    let list = html.split("id=\"followups\"").nth(1).unwrap();
    assert!(list.contains("selesai") && !list.split("</ol>").next().unwrap().contains("terlambat"));

    // The public finds the event from its village and registers ahead; twice is harmless.
    let anon = client();
    let (s, html) = app.get(&anon, "/kegiatan?cari=sitiarjo").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("/kegiatan?desa={SITIARJO}")));
    let (s, html) = app.get(&anon, &format!("/kegiatan?desa={SITIARJO}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Sosialisasi migrasi aman"));
    assert!(!html.contains(&code), "the check-in code is not public");
    let (s, html) = app.get(&anon, "/kegiatan?desa=35.05.01.2001").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !html.contains("Sosialisasi migrasi aman"),
        "a village elsewhere"
    );
    let page = format!("/kegiatan/{id}");
    for want in ["Pendaftaran Anda tercatat", "sudah terdaftar"] {
        let (s, html, _) = app
            .post_form(
                &anon,
                &page,
                &page,
                &[
                    ("name", "Bu Sri"),
                    ("village", SITIARJO),
                    ("role", "calon_pmi"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(want), "{want}");
    }
    let (s, html, _) = app
        .post_form(
            &anon,
            &page,
            &page,
            &[("name", ""), ("village", "35.05.01.2001")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Wajib diisi"));
    check_in_plain(&app, &code, "bu sri", SITIARJO).await;
    let (_, html) = app.get(&officer, &at).await;
    assert!(
        html.contains("1 mendaftar lebih dahulu") && html.contains("Bu Sri · Sitiarjo · ✓ hadir")
    );
    // The village does not see who registered.
    let (s, html) = app.get(&village, &at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Sosialisasi migrasi aman") && !html.contains("mendaftar lebih dahulu"));
}

pub(crate) async fn check_in_plain(app: &TestApp, code: &str, name: &str, village: &str) {
    let form = format!("/hadir/{code}");
    let (s, _, _) = app
        .post_form(
            &client(),
            &form,
            &form,
            &[("name", name), ("village", village)],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}
