//! Passport screening and the watchlist: the interviewer's page and decision, the office's and
//! the Kanwil's figures, batch screening, the watchlist with its import, and who is refused.

use crate::harness::*;
use crate::reports_api::{errors, file_report, spawn_roomy};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A village report naming a recruiter (with a phone) and a woman at risk.
async fn report_with_recruiter(app: &TestApp) -> i64 {
    let officer = app.token("pimpasa.malang").await;
    file_report(
        app,
        &officer,
        json!({
            "category": "rekrutmen",
            "description": "Calo menawarkan kerja di kebun sawit Malaysia tanpa lewat Disnaker.",
            "region_code": KALIPARE,
            "people": [
                {"role": "perekrut", "name": "Moch. Darto", "phone": "0812-3456-7890"},
                {"role": "korban", "name": "Siti Nurhayati", "sex": "P"}
            ]
        }),
    )
    .await
}

fn codes(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x[key].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_interviewer_sees_the_village_report_behind_an_applicant_and_decides() {
    let app = spawn_roomy().await;
    let report = report_with_recruiter(&app).await;
    let c = app.login("pemeriksa.malang").await;

    // The form, then the screening through the page.
    let (status, form) = app.get(&c, "/skrining/baru").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_of(&form);
    let fields: Vec<(&str, &str)> = vec![
        ("_csrf", token.as_str()),
        ("name", "Siti Nur Hayati"),
        ("birth_date", "1999-04-12"),
        ("sex", "P"),
        ("region_code", KALIPARE),
        ("purpose", "wisata"),
        ("destination", "MY"),
        ("sponsor_name", "Muhammad Darto"),
        ("sponsor_phone", "+62 812 3456 7890"),
        ("documents", "ktp_el"),
        ("documents", "kk"),
    ];
    let r = c
        .post(app.url("/skrining"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let (status, page) = app.get(&c, &at).await;
    assert_eq!(status, StatusCode::OK);
    // Every reason is on the page: the sponsor is the reported recruiter (phone and name), the
    // applicant is the woman named in the report, the village has a recent report.
    for code in [
        "sponsor_phone_recruiter",
        "sponsor_name_recruiter",
        "village_reports",
    ] {
        assert!(
            page.contains(&format!("data-code=\"{code}\"")),
            "{code}: {page}"
        );
    }
    assert!(page.contains("Telepon sponsor milik perekrut yang dilaporkan."));
    assert!(page.contains("Risiko tinggi"), "{page}");
    assert!(
        page.contains(&format!("href=\"/laporan/{report}\"")),
        "the hit links its report"
    );
    assert!(page.contains("telepon sama"), "the phone reason in words");
    assert!(page.contains("Siti Nurhayati"));
    assert!(
        !page.contains("id=\"name-only\""),
        "a birth date was given: no name-only hint"
    );

    // The same applicant with a name only: the page says namesakes cannot be told apart.
    let (_, form) = app.get(&c, "/skrining/baru").await;
    let token2 = csrf_of(&form);
    let r = c
        .post(app.url("/skrining"))
        .form(&[
            ("_csrf", token2.as_str()),
            ("name", "Siti Nur Hayati"),
            ("purpose", "wisata"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let only_name = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page2) = app.get(&c, &only_name).await;
    assert!(page2.contains("Siti Nurhayati"), "{page2}");
    assert!(page2.contains("id=\"name-only\""), "{page2}");
    assert!(page2.contains("nama saja tidak dapat membedakan orang senama"));

    // Refusing needs a reason; then the decision stands and is counted for the village.
    let (_, page) = app.get(&c, &at).await;
    let token = csrf_of(&page);
    let r = c
        .post(app.url(&format!("{at}/keputusan")))
        .form(&[("_csrf", token.as_str()), ("decision", "tolak")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Wajib"));
    let r = c
        .post(app.url(&format!("{at}/keputusan")))
        .form(&[
            ("_csrf", token.as_str()),
            ("decision", "tolak"),
            ("reason", "Sponsor adalah calo yang dilaporkan desa."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, &at).await;
    assert!(page.contains("<strong>Ditolak</strong>: Sponsor adalah calo"));
    let (_, list) = app.get(&c, "/skrining").await;
    assert!(list.contains("Siti Nur Hayati"));
    let per_village = list
        .split("id=\"per-village\"")
        .nth(1)
        .expect("village table");
    assert!(per_village.contains("Kalipare"), "{per_village}");

    // The Kanwil follows it; a village mentor without the interviewer flag cannot screen.
    let kanwil = app.login("kanwil.jatim").await;
    let (status, page) = app.get(&kanwil, &at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("/keputusan"),
        "no decision form for the Kanwil"
    );
    let mentor = app.login("pimpasa.malang").await;
    let (status, _) = app.get(&mentor, "/skrining/baru").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = app.get(&mentor, "/skrining").await;
    let token = csrf_of(&page);
    let r = mentor
        .post(app.url("/skrining"))
        .form(&[
            ("_csrf", token.as_str()),
            ("name", "X"),
            ("purpose", "wisata"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for user in ["desa.kalipare", "disnaker.malang"] {
        let u = app.login(user).await;
        let (status, _) = app.get(&u, "/skrining").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
        let (status, _) = app.get(&u, &at).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{user}");
    }
}

#[tokio::test]
async fn the_api_validates_assesses_and_masks() {
    let app = spawn_roomy().await;
    report_with_recruiter(&app).await;
    let t = app.token("pemeriksa.malang").await;

    let (s, p) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/screenings",
            Some(json!({"name": "", "purpose": "jalan", "sponsor_phone": "12", "region_code": "35.07",
                        "birth_date": "12-04-1999", "documents": ["paspor_palsu"]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = errors(&p);
    for (field, code) in [
        ("name", "err-required"),
        ("purpose", "err-invalid-choice"),
        ("sponsor_phone", "err-phone"),
        ("region_code", "err-region-need-desa"),
        ("documents", "err-invalid-choice"),
    ] {
        assert!(
            e.iter().any(|(f, c)| f == field && c.starts_with(code)),
            "{field} {code}: {p}"
        );
    }
    assert!(e.iter().any(|(f, _)| f == "birth_date"), "{p}");

    // A 16-year-old girl whose NIK says she is a boy of another date, to work as a domestic
    // worker in Saudi Arabia without the Disnaker letter.
    let (s, b) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/screenings",
            Some(json!({"name": "Ani Lestari", "nik": "3507110101900001", "birth_date": "2010-05-05",
                        "sex": "P", "purpose": "bekerja", "destination": "SA", "domestic_work": true})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (s, d) = app
        .api(&t, Method::GET, &format!("/api/v1/screenings/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let found = codes(&d["finding_list"], "code");
    for code in [
        "under_18",
        "domestic_moratorium",
        "work_without_recommendation",
        "nik_birth_date",
        "nik_sex",
    ] {
        assert!(found.iter().any(|c| c == code), "{code} in {found:?}");
    }
    assert_eq!(d["level"], "tinggi");
    assert_eq!(d["suggestion"], "tunda");
    assert_eq!(d["nik"], "3507110101900001", "the interviewer sees the NIK");
    assert_eq!(d["hit_list"], json!([]), "nobody on the watchlist");

    // The Kanwil sees it masked; others of another office do not see it at all.
    let kanwil = app.token("kanwil.jatim").await;
    let (s, d) = app
        .api(
            &kanwil,
            Method::GET,
            &format!("/api/v1/screenings/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["nik"], "350711••••••••••");
    let (s, _) = app
        .api(
            &kanwil,
            Method::POST,
            &format!("/api/v1/screenings/{id}/decision"),
            Some(json!({"decision": "lanjut"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Decision, stats, and the list filters.
    let (s, p) = app
        .api(
            &t,
            Method::POST,
            &format!("/api/v1/screenings/{id}/decision"),
            Some(json!({"decision": "tunda"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors(&p).contains(&("reason".into(), "err-reason-required".into())));
    let (s, _) = app
        .api(
            &t,
            Method::POST,
            &format!("/api/v1/screenings/{id}/decision"),
            Some(json!({"decision": "tunda", "reason": "Rujuk ke Disnaker dan orang tua."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, stats) = app
        .api(&kanwil, Method::GET, "/api/v1/screenings/stats", None)
        .await;
    assert_eq!(stats["months"][0][1], 1, "{stats}");
    assert_eq!(stats["months"][0][2], 1, "one postponed: {stats}");
    let (_, page) = app
        .api(&t, Method::GET, "/api/v1/screenings?decision=tunda", None)
        .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["nik"], "350711••••••••••", "lists mask");
    let (_, page) = app
        .api(&t, Method::GET, "/api/v1/screenings?decision=belum", None)
        .await;
    assert_eq!(page["total"], 0);
    let (s, p) = app
        .api(&t, Method::GET, "/api/v1/screenings?month=2026-13", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
}

#[tokio::test]
async fn officers_flag_and_import_people_and_the_index_follows() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let t = app.token("pemeriksa.malang").await;

    // An officer's flag with an old spelling, found by a modern one with the same birth date.
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/watchlist",
            Some(json!({"name": "Soekarti binti Djoko", "aliases": "Bu Karti", "birth_date": "1980-02-03",
                        "category": "perekrut", "region_code": KALIPARE, "phones": "0813 1111 2222"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let flagged = b["id"].as_i64().unwrap();
    let screen = |name: &str| json!({"name": name, "birth_date": "1980-02-03", "purpose": "umrah", "destination": "SA"});
    let (_, b) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/screenings",
            Some(screen("Sukarti binti Joko")),
        )
        .await;
    let (_, d) = app
        .api(
            &t,
            Method::GET,
            &format!("/api/v1/screenings/{}", b["id"]),
            None,
        )
        .await;
    let hit = &d["hit_list"][0];
    assert_eq!(hit["watch_id"], format!("w{flagged}"), "{d}");
    assert_eq!(hit["alert"], true, "{d}");
    assert!(codes(&d["finding_list"], "code").contains(&"applicant_watch_alert".to_string()));

    // Invalid entries and the import: all or nothing by default, partial on request.
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/watchlist",
            Some(
                json!({"name": "X", "category": "calo", "nik": "123", "phones": "abc",
                        "region_code": "35.05.01.2001"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = errors(&p);
    for f in ["category", "nik", "phones", "region_code"] {
        assert!(e.iter().any(|(x, _)| x == f), "{f}: {p}");
    }
    let csv = "name,category,birth_date,phones,region_code\nBudi Santoso,perekrut,,0812 9999 0000,35.07.11.2002\n,berisiko,,,35.07.11.2002\nJoko,calo,,,35.07.11.2002\nSri Wahyuni,hilang,1990-31-01,,35.07.11.2002\n";
    let import = |partial: bool| {
        client()
            .post(app.url(&format!(
                "/api/v1/watchlist/import{}",
                if partial { "?partial=true" } else { "" }
            )))
            .bearer_auth(&officer)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let r = import(false).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["imported"], 0);
    let lines: Vec<i64> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5], "{b}");
    assert_eq!(b["errors"][0]["message"], "Wajib diisi.");
    let r = import(true).await.unwrap();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["imported"], 1, "{b}");
    let (_, list) = app
        .api(&officer, Method::GET, "/api/v1/watchlist?q=budi", None)
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["source"], "impor");
    assert_eq!(list["items"][0]["phones"], "+62••••••••000", "masked");

    // Ending the flag takes it out of the index at the next screening.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/watchlist/{flagged}/end"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, b) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/screenings",
            Some(screen("Sukarti binti Joko")),
        )
        .await;
    let (_, d) = app
        .api(
            &t,
            Method::GET,
            &format!("/api/v1/screenings/{}", b["id"]),
            None,
        )
        .await;
    assert!(
        codes(&d["hit_list"], "watch_id")
            .iter()
            .all(|w| *w != format!("w{flagged}")),
        "{d}"
    );

    // Who may: the Kanwil reads, a village and a partner agency do not; only admins end a
    // national (village-less) entry.
    for (user, list, create) in [
        ("kanwil.jatim", 200, 403),
        ("desa.kalipare", 403, 403),
        ("disnaker.malang", 403, 403),
    ] {
        let u = app.token(user).await;
        let (s, _) = app.api(&u, Method::GET, "/api/v1/watchlist", None).await;
        assert_eq!(s.as_u16(), list, "{user} list");
        let (s, _) = app
            .api(
                &u,
                Method::POST,
                "/api/v1/watchlist",
                Some(json!({"name": "Y", "category": "lainnya"})),
            )
            .await;
        assert_eq!(s.as_u16(), create, "{user} create");
    }
    // An officer's entry needs a village; entries without one are national, made and ended
    // by admins only.
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/watchlist",
            Some(json!({"name": "Calo Nasional", "category": "perekrut"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors(&p).contains(&("region_code".into(), "err-watch-village-required".into())));
    let admin = app.token("admin.demo").await;
    let (s, b) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/watchlist",
            Some(json!({"name": "Calo Nasional", "category": "perekrut"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let national = b["id"].as_i64().unwrap();
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/watchlist/{national}/end"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .api(
            &admin,
            Method::POST,
            &format!("/api/v1/watchlist/{national}/end"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn batch_screening_reports_bad_lines_and_answers_in_the_cli_format() {
    let app = spawn_roomy().await;
    report_with_recruiter(&app).await;
    let t = app.token("pemeriksa.malang").await;
    let csv =
        "id,name,birth_date,nik,phone\nA1,Budi,,,081234567890\nA2,,,,\nA3,Siti Nurhayati,,,\n";
    let batch = |q: &'static str, token: &str| {
        client()
            .post(app.url(&format!("/api/v1/screenings/batch{q}")))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let r = batch("", &t).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["errors"][0]["line"], 3, "{b}");
    let r = batch("?skip_bad_rows=true", &t).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-skipped-rows"], "1");
    let text = r.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("query_id,rank,watch_id,score,alert,reasons,same_name_not_shown")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let a1 = rows.iter().find(|r| r[0] == "A1").expect("A1 has a hit");
    assert_eq!(a1[4], "true", "the recruiter's phone alerts: {text}");
    assert!(a1[5].contains("phone:exact"));
    assert!(
        rows.iter().any(|r| r[0] == "A3" && r[1] == "1"),
        "the woman named in the report is found: {text}"
    );
    let mentor = app.token("pimpasa.malang").await;
    assert_eq!(
        batch("", &mentor).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // The same through the page; a form without the CSRF token is refused before the file.
    let c = app.login("pemeriksa.malang").await;
    let (_, page) = app.get(&c, "/skrining/massal").await;
    let token = csrf_of(&page);
    let file = || {
        Part::bytes(csv.as_bytes().to_vec())
            .file_name("pemohon.csv")
            .mime_str("text/csv")
            .unwrap()
    };
    let r = c
        .post(app.url("/skrining/massal"))
        .multipart(Form::new().part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(app.url("/skrining/massal"))
        .multipart(
            Form::new()
                .text("_csrf", token.clone())
                .part("file", file()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("<td>3</td>"), "line 3 is listed: {html}");
    let r = c
        .post(app.url("/skrining/massal"))
        .multipart(
            Form::new()
                .text("_csrf", token)
                .text("lewati", "1")
                .part("file", file()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("hasil-skrining.csv"));
    assert!(r.text().await.unwrap().starts_with("query_id,rank"));
}

/// POST a JSON body that must be created; the new record's id.
async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let (s, b) = app.api(token, Method::POST, path, Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {b}");
    b["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_common_first_name_alone_adds_no_risk_and_the_page_says_what_it_left_out() {
    let app = spawn_roomy().await;
    report_with_recruiter(&app).await; // names the recruiter "Moch. Darto"
    let officer = app.token("pimpasa.malang").await;
    let t = app.token("pemeriksa.malang").await;
    let flag = |name: &str, category: &str| json!({"name": name, "category": category, "region_code": KALIPARE});
    created(
        &app,
        &officer,
        "/api/v1/watchlist",
        flag("Muhammad Darto", "perekrut"),
    )
    .await;
    // Seven listed people of one name, without birth dates.
    for _ in 0..7 {
        let body = flag("Sumarni Wulandari", "berisiko");
        created(&app, &officer, "/api/v1/watchlist", body).await;
    }

    // A documented applicant who shares only "Muhammad" with the two Dartos.
    let body = json!({"name": "Muhammad Yusuf", "birth_date": "1990-05-17", "purpose": "bekerja",
                      "destination": "KR", "documents": ["rekomendasi_disnaker", "ktp_el"]});
    let id = created(&app, &t, "/api/v1/screenings", body).await;
    let (_, d) = app
        .api(&t, Method::GET, &format!("/api/v1/screenings/{id}"), None)
        .await;
    assert_eq!(d["hit_list"].as_array().map(Vec::len), Some(0), "{d}");
    let findings = codes(&d["finding_list"], "code");
    assert!(
        !findings.iter().any(|c| c.starts_with("applicant_watch")),
        "{d}"
    );
    assert!(d["common_name_only"].as_i64().unwrap() >= 2, "{d}");
    let c = app.login("pemeriksa.malang").await;
    let (_, page) = app.get(&c, &format!("/skrining/{id}")).await;
    assert!(page.contains("id=\"common-only\""), "{page}");
    assert!(page.contains("nama depan yang sangat umum"), "{page}");
    // The risk score and the match score are named apart; the birth date is in words.
    assert!(page.contains("Skor risiko"), "{page}");
    assert!(page.contains("17 Mei 1990"), "{page}");
    assert!(!page.contains("1990-05-17"), "{page}");

    // A name only: five of the seven are listed, and the page says two more were not.
    let body = json!({"name": "Sumarni Wulandari", "purpose": "wisata"});
    let id = created(&app, &t, "/api/v1/screenings", body).await;
    let (_, page) = app.get(&c, &format!("/skrining/{id}")).await;
    assert!(page.contains("Kecocokan 100/100"), "{page}");
    assert!(page.contains("id=\"namesakes-hidden\""), "{page}");
    assert!(
        page.contains("2 orang lain dengan nama yang sama"),
        "{page}"
    );
}
