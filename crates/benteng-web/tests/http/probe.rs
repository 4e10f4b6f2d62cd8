//! The holes a probe of the running product found (issue 22), each refused: priority counting
//! reports the filer cannot see, search rebuilding masked fields, image bombs, room members
//! and event invitations from outside the area, formulas in the batch screening CSV, download
//! names that keep a foreign extension, and the CSRF token skipped on body-less multipart
//! posts. Also: the API's 413 and a browser cookie on the API (passwords, shared limits and
//! encrypted exports are in `protections.rs`).

use crate::harness::*;
use crate::reports_api::{anon, file_report, has_error, spawn_roomy};
use benteng_web::WebConfig;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A village of Kabupaten Blitar (35.05), outside Kanim Malang's area.
const JATEN_BLITAR: &str = "35.05.01.2001";

fn reason_codes(reasons: &Value) -> Vec<String> {
    reasons
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn detail(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, d) = app
        .api(token, Method::GET, &format!("/api/v1/reports/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    d
}

fn with_recruiter(region: &str, description: &str, phone: &str) -> Value {
    json!({"category": "rekrutmen", "description": description, "region_code": region,
           "people": [{"role": "perekrut", "name": "Pak Harjo", "phone": phone}]})
}

#[tokio::test]
async fn priority_counts_only_links_the_viewer_may_see() {
    let app = spawn_roomy().await;
    // Reports carrying two recruiter phones: one in Blitar (another kabupaten, outside the
    // Malang office), one in Sitiarjo (the same kabupaten as Kalipare, another village).
    for (region, phone) in [(JATEN_BLITAR, "081299990001"), (SITIARJO, "081299990002")] {
        let (s, b) = anon(
            &app,
            Method::POST,
            "/api/v1/public/reports",
            Some(with_recruiter(
                region,
                "Perekrut menjanjikan kerja di Malaysia.",
                phone,
            )),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let desa = app.token("desa.kalipare").await;
    let officer = app.token("pimpasa.malang").await;
    let far = file_report(
        &app,
        &desa,
        with_recruiter(KALIPARE, "Ada perekrut datang ke desa.", "081299990001"),
    )
    .await;
    let near = file_report(
        &app,
        &desa,
        with_recruiter(
            KALIPARE,
            "Ada perekrut lain datang ke desa.",
            "081299990002",
        ),
    )
    .await;
    let plain = file_report(
        &app,
        &desa,
        with_recruiter(KALIPARE, "Perekrut ketiga datang ke desa.", "081299990003"),
    )
    .await;
    let base = detail(&app, &desa, plain).await["report"]["priority"]
        .as_i64()
        .unwrap();

    // Blitar's report is in nobody's view of a Kalipare report: no link counted at all.
    for token in [&desa, &officer] {
        let d = detail(&app, token, far).await;
        assert!(
            !reason_codes(&d["reasons"]).contains(&"linked".to_string()),
            "{}",
            d["reasons"]
        );
        assert_eq!(d["report"]["priority"], base, "{}", d["report"]);
        assert!(
            !d["report"]["priority_reasons"]
                .as_str()
                .unwrap()
                .contains("linked"),
            "{}",
            d["report"]
        );
    }
    // Sitiarjo's report counts for the office that triages (it sees that report) …
    let d = detail(&app, &officer, near).await;
    assert!(
        reason_codes(&d["reasons"]).contains(&"linked".to_string()),
        "{}",
        d["reasons"]
    );
    let full = d["report"]["priority"].as_i64().unwrap();
    assert!(full > base, "{full} > {base}");
    assert!(d["linked"].as_array().is_some_and(|l| !l.is_empty()));
    // … and not for the village, in the report, the list, its order and its filter.
    let d = detail(&app, &desa, near).await;
    assert!(
        !reason_codes(&d["reasons"]).contains(&"linked".to_string()),
        "{}",
        d["reasons"]
    );
    assert_eq!(d["report"]["priority"], base);
    assert_eq!(d["linked"], json!([]));
    let (s, list) = app
        .api(&desa, Method::GET, "/api/v1/reports?status=terbuka", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let row = |id: i64| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(near)["priority"], base);
    assert_eq!(row(far)["priority"], base);
    let (_, list) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/reports?status=terbuka",
            None,
        )
        .await;
    let officer_row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == near)
        .cloned()
        .unwrap();
    assert_eq!(officer_row["priority"], full);
}

#[tokio::test]
async fn search_matches_no_field_the_viewer_sees_masked() {
    let app = spawn_with(WebConfig {
        login_attempts_per_minute: 1000,
        searches_per_minute: 5,
        ..Default::default()
    })
    .await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        json!({"category": "korban", "description": "Korban dibawa ke Malaysia.", "region_code": SITIARJO,
               "people": [{"role": "korban", "name": "Wulan", "phone": "081277776666", "village": "Dusun Rahasiakarto RT 03"}]}),
    )
    .await;
    let kanwil = app.token("kanwil.jatim").await;
    let desa = app.token("desa.sitiarjo").await;
    // The Kanwil and the village see the address and the phone masked …
    for token in [&kanwil, &desa] {
        let d = detail(&app, token, id).await;
        assert_eq!(d["people"][0]["village"], "•••", "{}", d["people"]);
        // … so neither a prefix of the address nor the full phone finds the report.
        for q in ["Rahasiak", "Rahasiakarto", "081277776666"] {
            let (s, page) = app
                .api(token, Method::GET, &format!("/api/v1/reports?q={q}"), None)
                .await;
            assert_eq!(s, StatusCode::OK, "{page}");
            assert!(
                !page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["id"] == id),
                "{q}: {page}"
            );
        }
    }
    // The officer, who sees the phone, finds the report by it; the name is visible to all.
    let (s, page) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/reports?q=081277776666",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id));
    let (_, page) = app
        .api(&kanwil, Method::GET, "/api/v1/reports?q=Wulan", None)
        .await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id));
    // Searches are rate limited per user (5 a minute here: the Kanwil used 4).
    let (s, _) = app
        .api(&kanwil, Method::GET, "/api/v1/reports?q=Korban", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, p) = app
        .api(&kanwil, Method::GET, "/api/v1/reports?q=Korban", None)
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{p}");
    // Lists without a search still answer; the officer has his own allowance.
    let (s, _) = app.api(&kanwil, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(s, StatusCode::OK);
    let web = app.login("desa.kalipare").await;
    for _ in 0..5 {
        assert_eq!(app.get(&web, "/laporan?q=Korban").await.0, StatusCode::OK);
    }
    let (s, html) = app.get(&web, "/laporan?q=Korban").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Terlalu banyak pencarian"), "{html}");
}

/// A PNG of `side` × `side` grey pixels: a few hundred KB, gigabytes when decoded.
fn bomb(side: u32) -> Vec<u8> {
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, side, side);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        let mut stream = w.stream_writer().unwrap();
        let row = vec![0u8; side as usize];
        for _ in 0..side {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    png
}

#[tokio::test]
async fn an_image_bomb_on_the_public_form_is_refused_before_decoding() {
    let app = spawn_roomy().await;
    let png = bomb(12_000);
    assert!(png.len() < 1024 * 1024, "{}", png.len());
    let c = client();
    let (_, page) = app.get(&c, "/lapor").await;
    let form = Form::new()
        .text("_csrf", csrf_of(&page))
        .text("category", "iklan")
        .text("description", "Iklan kerja ke luar negeri di media sosial.")
        .text("region_code", SITIARJO)
        .part(
            "files",
            Part::bytes(png)
                .file_name("iklan.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let started = std::time::Instant::now();
    let r = c
        .post(app.url("/lapor"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Gambar terlalu besar"), "{html}");
    // Refused from the header: a decode of 144 million pixels takes seconds.
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[tokio::test]
async fn only_users_whose_scope_covers_a_room_can_be_added_to_it() {
    let app = spawn_roomy().await;
    let admin = app.token("admin.demo").await;
    for (username, role, region) in [
        ("desa.jaten", "desa", JATEN_BLITAR),
        ("kanwil.jateng", "kanwil", "33"),
    ] {
        let (s, b) = app
            .api(&admin, Method::POST, "/api/v1/users", Some(json!({"username": username, "full_name": username, "role": role, "region_code": region, "password": "gunung kelud meletus lagi"})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let officer = app.login("pimpasa.malang").await;
    let (s, rooms) = app
        .api(
            &app.token("desa.sitiarjo").await,
            Method::GET,
            "/api/v1/rooms",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let room = rooms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Desa Sitiarjo")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let members = format!("/ruang/{room}/anggota");
    for outsider in ["desa.jaten", "kanwil.jateng", "desa.kalipare"] {
        let (s, html, _) = app
            .post_form(&officer, &members, &members, &[("username", outsider)])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{outsider}");
        assert!(html.contains("di luar wilayah ruang ini"), "{outsider}");
    }
    let (_, html) = app.get(&officer, &members).await;
    for outsider in ["desa.jaten", "kanwil.jateng", "desa.kalipare"] {
        assert!(!html.contains(outsider), "{outsider} is not a member");
    }
    // Someone of the area (the Kanwil of Jawa Timur) is added.
    let (s, _, _) = app
        .post_form(
            &officer,
            &members,
            &members,
            &[("username", "kanwil.jatim")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&officer, &members).await;
    assert!(html.contains("Dewi Kartikasari"), "{html}");
}

#[tokio::test]
async fn events_cannot_invite_villages_outside_the_planners_area() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let body = json!({"title": "Sosialisasi migrasi aman", "date": "2026-12-20", "time": "09:00", "zone": "WIB",
                      "venue": "Balai desa", "region": SITIARJO, "villages": format!("{SITIARJO},{JATEN_BLITAR}")});
    let (s, b) = app
        .api(&officer, Method::POST, "/api/v1/events", Some(body.clone()))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(has_error(&b, "villages", "err-region-out-of-scope"), "{b}");
    let mut ok = body.clone();
    ok["villages"] = json!(SITIARJO);
    let (s, b) = app
        .api(&officer, Method::POST, "/api/v1/events", Some(ok))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    // Nor by changing the plan afterwards.
    let (s, b) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/events/{id}"),
            Some(body),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (_, d) = app
        .api(&officer, Method::GET, &format!("/api/v1/events/{id}"), None)
        .await;
    let invited: Vec<&str> = d["villages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(invited, [SITIARJO], "{d}");
}

#[tokio::test]
async fn batch_screening_results_carry_no_formulas() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    file_report(
        &app,
        &officer,
        json!({"category": "rekrutmen", "description": "Calo menawarkan kerja di kebun sawit.", "region_code": KALIPARE,
               "people": [{"role": "perekrut", "name": "Moch. Darto", "phone": "0812-3456-7890"}]}),
    )
    .await;
    let t = app.token("pemeriksa.malang").await;
    let csv = "id,name,birth_date,nik,phone\n=HYPERLINK(\"http://x\"),Darto,,,081234567890\n";
    let r = client()
        .post(app.url("/api/v1/screenings/batch"))
        .bearer_auth(&t)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty(), "the recruiter's phone is a hit: {text}");
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a formula cell: {cell:?} in {text}"
            );
        }
    }
    assert_eq!(&rows[0][0], "'=HYPERLINK(\"http://x\")");
}

#[tokio::test]
async fn downloads_carry_the_extension_of_their_sniffed_type() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        json!({"category": "iklan", "description": "Iklan lowongan palsu.", "region_code": SITIARJO}),
    )
    .await;
    // A PDF that is also an HTML page, named .html; a PNG named .exe.
    let poly =
        b"%PDF-1.4\n1 0 obj\n<html><script>alert(1)</script></html>\nendobj\nstartxref\n9\n%%EOF\n"
            .to_vec();
    for (name, bytes) in [
        ("poly.html", poly),
        ("gnp.exe", crate::reports_api::PNG.to_vec()),
    ] {
        let r = client()
            .post(app.url(&format!("/api/v1/reports/{id}/attachments?name={name}")))
            .bearer_auth(&officer)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{name}");
    }
    let d = detail(&app, &officer, id).await;
    let mut names = Vec::new();
    for a in d["attachments"].as_array().unwrap() {
        let aid = a["id"].as_i64().unwrap();
        let r = client()
            .get(app.url(&format!("/api/v1/reports/{id}/attachments/{aid}")))
            .bearer_auth(&officer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        names.push(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    names.sort();
    assert_eq!(
        names,
        [
            "attachment; filename=\"gnp.png\"",
            "attachment; filename=\"poly.pdf\""
        ]
    );
    // The page serves the same names.
    let web = app.login("pimpasa.malang").await;
    let aid = d["attachments"][0]["id"].as_i64().unwrap();
    let r = web
        .get(app.url(&format!("/laporan/{id}/lampiran/{aid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.ends_with(".pdf\"") || disposition.ends_with(".png\""),
        "{disposition}"
    );
}

/// `%PDF-1.4` followed by anything was stored as a PDF (issue 23); the frame of a PDF is
/// checked now, on the API and the form alike, and a real PDF still goes through.
#[tokio::test]
async fn a_pdf_header_before_garbage_is_refused_as_a_broken_file() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        json!({"category": "iklan", "description": "Iklan lowongan palsu.", "region_code": SITIARJO}),
    )
    .await;
    let send = |name: &'static str, bytes: Vec<u8>| {
        client()
            .post(app.url(&format!("/api/v1/reports/{id}/attachments?name={name}")))
            .bearer_auth(&officer)
            .header("content-type", "application/octet-stream")
            .header("accept-language", "id")
            .body(bytes)
            .send()
    };
    let r = send(
        "palsu.pdf",
        b"%PDF-1.4\n\x00\x01 bukan dokumen sama sekali".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("rusak"), "{body}");
    assert_eq!(detail(&app, &officer, id).await["attachments"], json!([]));
    let r = send("asli.pdf", crate::reports_api::TINY_PDF.to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        detail(&app, &officer, id).await["attachments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Every `POST` route of the pages, read from the router's source: `.route("/path", …post(…))`.
fn page_post_routes() -> Vec<String> {
    let re = regex_lite::Regex::new(r#"\.route\(\s*"(/[^"]*)",\s*[^\n]*post\("#).unwrap();
    let mut out = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/pages"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for c in re.captures_iter(&text) {
                    out.push(c[1].to_string());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[tokio::test]
async fn every_page_post_without_the_token_is_refused_whatever_its_body() {
    let app = spawn_roomy().await;
    let routes = page_post_routes();
    assert!(routes.len() > 50, "{routes:?}");
    assert!(routes.iter().any(|r| r == "/daftar-pantau/{id}/akhiri"));
    let admin = app.login("admin.demo").await;
    // A signed-in session (the admin may do most), no token: a urlencoded body, a multipart
    // body with other fields, a multipart body with a wrong token, and no body at all.
    for route in &routes {
        let path = regex_lite::Regex::new(r"\{[^}]+\}")
            .unwrap()
            .replace_all(route, "1")
            .to_string();
        let attempts = [
            admin
                .post(app.url(&path))
                .form(&[("name", "x")])
                .send()
                .await
                .unwrap()
                .status(),
            admin
                .post(app.url(&path))
                .multipart(Form::new().text("name", "x"))
                .send()
                .await
                .unwrap()
                .status(),
            admin
                .post(app.url(&path))
                .multipart(Form::new().text("_csrf", "0".repeat(64)).text("name", "x"))
                .send()
                .await
                .unwrap()
                .status(),
            admin
                .post(app.url(&path))
                .header("content-type", "multipart/form-data; boundary=x")
                .send()
                .await
                .unwrap()
                .status(),
            admin.post(app.url(&path)).send().await.unwrap().status(),
        ];
        for (i, s) in attempts.iter().enumerate() {
            assert_eq!(*s, StatusCode::FORBIDDEN, "{route} attempt {i}");
        }
    }
    // With the token in a multipart body (first field), an action that reads no body works.
    let (_, page) = app.get(&admin, "/notifikasi").await;
    let r = admin
        .post(app.url("/notifikasi/baca-semua"))
        .multipart(Form::new().text("_csrf", csrf_of(&page)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_api_takes_no_browser_cookie_and_answers_413_for_a_large_body() {
    let app = spawn_roomy().await;
    let web = app.login("admin.demo").await;
    let (s, _) = app.get(&web, "/api/v1/reports").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = web
        .post(app.url("/api/v1/reports"))
        .json(&json!({"category": "iklan", "description": "x", "region_code": SITIARJO}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let t = app.token("pimpasa.malang").await;
    let big = format!(
        "{{\"category\": \"iklan\", \"region_code\": \"{SITIARJO}\", \"description\": \"{}\"}}",
        "a".repeat(3 * 1024 * 1024)
    );
    let r = client()
        .post(app.url("/api/v1/reports"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["status"], 413, "{b}");
    // Beyond the server's body limit (26 MB) the answer came from the limit itself, before
    // any route: plain text "length limit exceeded" (issue 23). It is a problem+json in the
    // caller's language too.
    for (lang, title) in [("id", "terlalu besar"), ("en", "too large")] {
        let r = client()
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .header("accept-language", lang)
            .body(vec![b' '; 27 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let b: Value = r.json().await.unwrap();
        assert!(
            b["title"].as_str().unwrap().to_lowercase().contains(title),
            "{lang}: {b}"
        );
    }
}
