//! The reports module in the browser's terms: the public multipart form (CSRF, honeypot, files,
//! village search), tracking, the village's report, triage, referral answers, cases, export and
//! notifications, each with a refused role.

use crate::harness::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

/// A valid 4×4 PNG.
pub const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0,
    0, 0, 38, 147, 9, 41, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 33, 32, 0, 71, 12, 196,
    113, 0, 132, 195, 14, 129, 161, 4, 197, 228, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

pub(crate) fn report_form(token: &str, fields: &[(&str, &str)]) -> Form {
    let mut f = Form::new().text("_csrf", token.to_string());
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    f
}

pub(crate) const BASIC: &[(&str, &str)] = &[
    ("anonymous_shown", "1"),
    ("anonymous", "1"),
    ("category", "rekrutmen"),
    (
        "description",
        "Calo menawarkan kerja perkebunan sawit di Malaysia lewat jalur tidak resmi",
    ),
    ("region_code", "35.07.04.2007"),
    ("p0_role", "perekrut"),
    ("p0_name", "Moch. Darto"),
    ("p0_phone", "0812-3456-7890"),
];

pub(crate) async fn public_submit(
    app: &TestApp,
    c: &Client,
    form: impl FnOnce(&str) -> Form,
) -> (StatusCode, String) {
    let (st, page) = app.get(c, "/lapor").await;
    assert!(page.contains("_csrf"), "GET /lapor: {st} {page}");
    let token = csrf_of(&page);
    let r = c
        .post(app.url("/lapor"))
        .multipart(form(&token))
        .send()
        .await
        .unwrap();
    // A report that was taken answers with a redirect to the confirmation (post/redirect/get);
    // the code is shown there, from the sender's session.
    if r.status() == StatusCode::SEE_OTHER {
        assert_eq!(r.headers()["location"], "/lapor/terkirim");
        return app.get(c, "/lapor/terkirim").await;
    }
    let s = r.status();
    (s, r.text().await.unwrap())
}

pub(crate) fn tracking_code(html: &str) -> String {
    let re = regex_lite::Regex::new(r#"id="tracking-code">(LP-[0-9A-Z]{5}-[0-9A-Z]{5})<"#).unwrap();
    re.captures(html)
        .map(|c| c[1].to_string())
        .expect("the page shows a tracking code")
}

pub(crate) fn first_report_id(html: &str) -> i64 {
    let re = regex_lite::Regex::new(r#"href="/laporan/(\d+)""#).unwrap();
    re.captures(html).expect("a report link")[1]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_resident_reports_with_a_photo_and_follows_it_by_code() {
    let app = spawn().await;
    let c = client();
    let (status, html) = public_submit(&app, &c, |t| {
        report_form(t, BASIC).part(
            "files",
            Part::bytes(PNG.to_vec())
                .file_name("layar.png")
                .mime_str("image/png")
                .unwrap(),
        )
    })
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let code = tracking_code(&html);
    // Reloading the confirmation shows the same code and files nothing new; another browser
    // has no confirmation to see and is sent to the form.
    let (status, again) = app.get(&c, "/lapor/terkirim").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tracking_code(&again), code);
    let r = client()
        .get(app.url("/lapor/terkirim"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/lapor");

    // Public status only: the description and the recruiter are not on the tracking page.
    let (status, page) = app
        .get(
            &c,
            &format!("/lacak?kode={}", code.to_lowercase().replace('-', "+")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="public-status">Diterima<"#), "{page}");
    assert!(!page.contains("Darto") && !page.contains("sawit"));
    let (status, _) = app.get(&c, "/lacak?kode=LP-22222-22222").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The officer of the area is notified and sees it first in the queue, with the photo.
    let officer = app.login("pimpasa.malang").await;
    let (_, notes) = app.get(&officer, "/notifikasi").await;
    assert!(
        notes.contains("Laporan baru di wilayah Anda: Perekrutan mencurigakan"),
        "{notes}"
    );
    let (_, queue) = app.get(&officer, "/laporan").await;
    assert!(queue.contains(&code));
    let id = first_report_id(&queue);
    let (s, detail) = app.get(&officer, &format!("/laporan/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        detail.contains("+62••••••••890"),
        "phones are masked by default"
    );
    assert!(!detail.contains("+6281234567890"));
    let link = regex_lite::Regex::new(r#"href="(/laporan/\d+/lampiran/\d+)""#)
        .unwrap()
        .captures(&detail)
        .expect("attachment link")[1]
        .to_string();
    let r = officer.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..8], &PNG[..8], "still a PNG (re-encoded)");
    // A deliberate click shows the numbers.
    let (_, shown) = app
        .get(&officer, &format!("/laporan/{id}?tampilkan=1"))
        .await;
    assert!(shown.contains("+6281234567890"));
    // The public cannot reach the attachment or the report.
    let r = client().get(app.url(&link)).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous users are sent to sign in"
    );
    // Nor can another village's official.
    let other = app.login("desa.kalipare").await;
    let (status, _) = app.get(&other, &format!("/laporan/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = other.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_public_form_refuses_forgery_spam_bad_files_and_bad_fields() {
    let app = spawn().await;
    let c = client();
    // No or a wrong CSRF token in a multipart form: refused.
    let _ = app.get(&c, "/lapor").await;
    let r = c
        .post(app.url("/lapor"))
        .multipart(report_form("0000", BASIC))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The honeypot.
    let (status, html) = public_submit(&app, &c, |t| {
        report_form(t, BASIC).text("website", "http://spam.example")
    })
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Formulir ditolak."));
    // A file that is not an image or PDF, whatever its name says.
    let (status, html) = public_submit(&app, &c, |t| {
        report_form(t, BASIC).part(
            "files",
            Part::bytes(b"<html><script>alert(1)</script>".to_vec()).file_name("foto.jpg"),
        )
    })
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Hanya foto (JPEG, PNG, WebP) atau PDF yang diterima."));
    // Missing fields and a reporter who is not anonymous without contact details.
    let (status, html) = public_submit(&app, &c, |t| {
        report_form(
            t,
            &[
                ("anonymous_shown", "1"),
                ("description", "ada calo"),
                ("region_code", "35.07"),
                ("p0_role", "saksi"),
                ("p0_phone", "12"),
            ],
        )
    })
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "Wajib diisi.",
        "Harus sebuah desa atau kelurahan",
        "Nomor telepon tidak valid",
    ] {
        assert!(html.contains(msg), "{msg} in the page");
    }
    assert!(
        html.contains(">ada calo</textarea>"),
        "what was typed is kept"
    );
    // No village chosen at all: the resident is asked to choose one, not told a code is wrong.
    let (status, html) = public_submit(&app, &c, |t| {
        report_form(
            t,
            &[("category", "iklan"), ("description", "iklan kerja palsu")],
        )
    })
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Pilih desa tempat kejadian"), "{html}");
    assert!(!html.contains("Kode wilayah tidak valid"));
    // Nothing of that was stored.
    let officer = app.login("pimpasa.malang").await;
    let (_, queue) = app.get(&officer, "/laporan").await;
    assert!(queue.contains("0 laporan"), "no report stored");
}

#[tokio::test]
async fn the_village_search_inside_the_form_keeps_what_was_typed() {
    let app = spawn().await;
    let c = client();
    let (status, html) = public_submit(&app, &c, |t| {
        report_form(
            t,
            &[
                ("anonymous_shown", "1"),
                ("description", "Tetangga berangkat pakai visa turis"),
                ("cari", "sitiarjo"),
                ("_cari", "1"),
            ],
        )
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"value="35.07.04.2007""#),
        "Sitiarjo is offered"
    );
    assert!(html.contains(">Tetangga berangkat pakai visa turis</textarea>"));
}

#[tokio::test]
async fn a_photo_chosen_before_a_re_render_is_still_sent() {
    let app = spawn().await;
    let c = client();
    // Each request posts the token of the page it came from, as a browser does (a new GET of
    // /lapor starts a fresh form and forgets kept files).
    let post = |token: String, fields: &[(&str, &str)], photo: Option<Part>| {
        let c = c.clone();
        let url = app.url("/lapor");
        // The token first, as the form sends it: files before it are refused.
        let mut form = report_form(&token, fields);
        if let Some(p) = photo {
            form = form.part("files", p);
        }
        async move {
            let r = c.post(url).multipart(form).send().await.unwrap();
            if r.status() == StatusCode::SEE_OTHER {
                return (StatusCode::OK, String::new());
            }
            (r.status(), r.text().await.unwrap())
        }
    };
    let (_, page) = app.get(&c, "/lapor").await;
    let photo = || {
        Part::bytes(PNG.to_vec())
            .file_name("bukti.png")
            .mime_str("image/png")
            .unwrap()
    };
    // The resident attaches a photo but forgets the category: the form comes back with the
    // photo listed as still attached.
    let (status, html) = post(
        csrf_of(&page),
        &[
            ("anonymous_shown", "1"),
            ("description", "Calo datang lagi membawa brosur"),
            ("region_code", SITIARJO),
        ],
        Some(photo()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="kept-files""#), "{html}");
    assert!(html.contains("bukti.png"));
    // A village search in between keeps it too.
    let (status, html) = post(
        csrf_of(&html),
        &[("keep_files", "1"), ("cari", "kalipare"), ("_cari", "1")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("bukti.png"), "{html}");
    // The next submit, with the box still ticked and no new file, carries the photo.
    let (status, html) = post(
        csrf_of(&html),
        &[
            ("anonymous_shown", "1"),
            ("anonymous", "1"),
            ("category", "rekrutmen"),
            ("description", "Calo datang lagi membawa brosur"),
            ("region_code", SITIARJO),
            ("keep_files", "1"),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (_, done) = app.get(&c, "/lapor/terkirim").await;
    tracking_code(&done);
    let officer = app.login("pimpasa.malang").await;
    let (_, queue) = app.get(&officer, "/laporan").await;
    let id = first_report_id(&queue);
    let (_, detail) = app.get(&officer, &format!("/laporan/{id}")).await;
    assert!(
        detail.contains("/lampiran/"),
        "the photo is attached: {detail}"
    );
    // A fresh form forgets it.
    let (s, fresh) = app.get(&c, "/lapor").await;
    assert_eq!(s, StatusCode::OK);
    assert!(fresh.contains(r#"name="_csrf""#) && !fresh.contains(r#"id="kept-files""#));
}

#[tokio::test]
async fn the_public_form_is_rate_limited_per_address() {
    let app = spawn_with(benteng_web::WebConfig {
        public_reports_per_hour: 2,
        ..Default::default()
    })
    .await;
    let c = client();
    for _ in 0..2 {
        let (status, _) = public_submit(&app, &c, |t| report_form(t, BASIC)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, html) = public_submit(&app, &c, |t| report_form(t, BASIC)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Terlalu banyak permintaan"));
}

#[tokio::test]
async fn a_village_reports_for_its_own_village_only() {
    let app = spawn().await;
    let desa = app.login("desa.sitiarjo").await;
    let (status, form) = app.get(&desa, "/laporan/baru").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Sitiarjo"), "the village is filled in");
    let token = csrf_of(&form);
    // Another village's code is ignored: the account's village is used.
    let r = desa
        .post(app.url("/laporan"))
        .multipart(report_form(
            &token,
            &[
                ("category", "nonprosedural"),
                ("description", "Warga RT 3 berangkat ke Kamboja lewat Batam"),
                ("region_code", "35.07.11.2002"),
                ("destination_country", "KH"),
                ("departure_soon", "1"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&desa, &to).await;
    assert!(
        page.contains("Desa Sitiarjo") || page.contains("Sitiarjo,"),
        "{page}"
    );
    assert!(
        page.contains("Akan segera berangkat"),
        "the priority explains itself"
    );
    // The village adds information; it cannot triage.
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    assert!(!page.contains("Simpan indikator"));
    let (status, _, _) = app
        .post_form(
            &desa,
            &to,
            &format!("/laporan/{id}/indikator"),
            &[("indikator", "cara_penipuan")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = csrf_of(&page);
    let r = desa
        .post(app.url(&format!("/laporan/{id}/info")))
        .multipart(report_form(
            &token,
            &[("body", "Sudah berangkat tadi pagi dengan travel")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&desa, &to).await;
    assert!(page.contains("Sudah berangkat tadi pagi"));
    // Full-text search finds it by a word of the added information.
    let officer = app.login("pimpasa.malang").await;
    let (_, found) = app.get(&officer, "/laporan?q=travel&status=semua").await;
    assert!(
        found.contains(&format!("href=\"/laporan/{id}\"")),
        "{found}"
    );
    let (_, none) = app
        .get(&officer, "/laporan?q=kapal+pesiar&status=semua")
        .await;
    assert!(none.contains("0 laporan"));
    // A mitra has no report list.
    let mitra = app.login("disnaker.malang").await;
    let (status, _) = app.get(&mitra, "/laporan").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
