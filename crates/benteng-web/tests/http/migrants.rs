//! The calon PMI register: a village records a resident (the NIK checked and flagged, never
//! refused for a mismatch), moves them through checklist steps and statuses, issues the
//! numbered family permission letter as a PDF; Disnaker verifies; officers and the Kanwil see
//! figures; every other role and village is refused.

use crate::harness::*;
use crate::reports_api::{errors, spawn_roomy};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub(crate) const SITIARJO: &str = "35.07.04.2007";

/// 15 July 1990, female, registered in Kec. Gedangan (35.07.04).
pub(crate) const NIK: &str = "3507045507900002";

pub(crate) async fn register(app: &TestApp, token: &str, body: Value) -> (i64, Vec<String>) {
    let (s, b) = app
        .api(token, Method::POST, "/api/v1/migrants", Some(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let flags = b["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    (b["id"].as_i64().unwrap(), flags)
}

pub(crate) async fn step(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/api/v1/migrants/{id}/steps"),
        Some(body),
    )
    .await
}

pub(crate) fn step_of<'a>(detail: &'a Value, code: &str) -> &'a Value {
    detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("no step {code} in {detail}"))
}

pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("benteng-letter-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn a_village_keeps_its_register_and_the_agencies_follow_it() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;

    // Validation: an impossible NIK, a birth date in the future, an unknown channel, a
    // phone that is not one; nothing is stored.
    let (s, p) = app
        .api(
            &desa,
            Method::POST,
            "/api/v1/migrants",
            Some(
                json!({"name": "", "nik": "1234", "birth_date": "2030-01-01",
                        "scheme": "calo", "phone": "12", "destination": "Malaysia"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let e = errors(&p);
    for (field, code) in [
        ("name", "err-required"),
        ("nik", "err-nik-format"),
        ("birth_date", "err-date-future"),
        ("scheme", "err-invalid-choice"),
        ("destination", "err-country-code"),
    ] {
        assert!(e.contains(&(field.into(), code.into())), "{field}: {p}");
    }
    assert!(e.iter().any(|(f, _)| f == "phone"), "{p}");

    // A NIK that disagrees with the declared birth date and sex is kept and flagged; the
    // village a desa user sends is ignored (their own is used).
    let (id, flags) = register(
        &app,
        &desa,
        json!({"name": "Siti Aminah", "nik": NIK, "birth_place": "Malang", "birth_date": "1991-07-15",
               "sex": "l", "phone": "0812 3456 7890", "address": "Dusun Krajan RT 01 RW 02",
               "village": "35.07.11.2002", "destination": "TW", "job": "Perawat lansia", "scheme": "mandiri"}),
    )
    .await;
    assert_eq!(flags, ["nik:dob_mismatch", "nik:sex_mismatch"]);
    // Under 18 by the declared birth date, without a NIK.
    let (minor, flags) = register(
        &app,
        &desa,
        json!({"name": "Anak Muda", "birth_date": "2012-03-01"}),
    )
    .await;
    assert_eq!(flags, ["age:under_18"]);

    // Steps: done without a date means today; "not applicable" needs a note; an unknown step
    // is refused.
    for code in ["daftar_disnaker", "kesehatan", "paspor"] {
        let (s, b) = step(&app, &desa, id, json!({"step": code, "status": "selesai"})).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{code}: {b}");
    }
    let (s, b) = step(
        &app,
        &desa,
        id,
        json!({"step": "perjanjian_penempatan", "status": "tidak_perlu"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors(&b).contains(&("note".into(), "err-note-required".into())));
    let (s, _) = step(
        &app,
        &desa,
        id,
        json!({"step": "perjanjian_penempatan", "status": "tidak_perlu", "note": "PMI mandiri"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = step(
        &app,
        &desa,
        id,
        json!({"step": "terbang", "status": "selesai"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

    // Disnaker verifies a done step, not an open one; the police are no labour agency.
    let disnaker = app.token("disnaker.malang").await;
    let (s, _) = app
        .api(
            &disnaker,
            Method::POST,
            &format!("/api/v1/migrants/{id}/steps/daftar_disnaker/verify"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app
        .api(
            &disnaker,
            Method::POST,
            &format!("/api/v1/migrants/{id}/steps/bpjs/verify"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let police = app.token("polres.malang").await;
    for path in [
        "/api/v1/migrants".to_string(),
        format!("/api/v1/migrants/{id}"),
    ] {
        let (s, _) = app.api(&police, Method::GET, &path, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    // The village can't verify its own steps; Disnaker can't edit them.
    let (s, _) = app
        .api(
            &desa,
            Method::POST,
            &format!("/api/v1/migrants/{id}/steps/kesehatan/verify"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = step(
        &app,
        &disnaker,
        id,
        json!({"step": "bpjs", "status": "selesai"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Going back along the way needs a note; leaving with steps open is flagged.
    let status = |body: Value| {
        let app = &app;
        let desa = desa.clone();
        async move {
            app.api(
                &desa,
                Method::POST,
                &format!("/api/v1/migrants/{id}/status"),
                Some(body),
            )
            .await
        }
    };
    let (s, b) = status(json!({"status": "proses"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["nonprocedural"], false);
    let (s, b) = status(json!({"status": "rencana"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors(&b).contains(&("note".into(), "err-note-required".into())));
    let (s, b) = status(json!({"status": "berangkat", "date": "2030-01-01"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = status(json!({"status": "berangkat", "date": "2026-01-10"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["nonprocedural"], true);
    let (s, b) = status(json!({"status": "pulang", "date": "2025-12-31"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(errors(&b).contains(&("date".into(), "err-return-before-departure".into())));

    // The detail: masked for the Kanwil even when asked, full for the village when asked.
    let kanwil = app.token("kanwil.jatim").await;
    let (s, d) = app
        .api(
            &kanwil,
            Method::GET,
            &format!("/api/v1/migrants/{id}?reveal=true"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["revealed"], false);
    assert_eq!(d["migrant"]["nik"], "350704••••••••••");
    assert_eq!(d["migrant"]["village_code"], SITIARJO);
    assert_eq!(d["migrant"]["nonprocedural"], 1);
    let (_, d) = app
        .api(
            &desa,
            Method::GET,
            &format!("/api/v1/migrants/{id}?reveal=true"),
            None,
        )
        .await;
    assert_eq!(d["revealed"], true);
    assert_eq!(d["migrant"]["nik"], NIK);
    assert_eq!(d["migrant"]["phone"], "+6281234567890");
    assert_eq!(
        step_of(&d, "daftar_disnaker")["verified_by"],
        "disnaker.malang"
    );
    assert_eq!(
        step_of(&d, "kesehatan")["done_on"].as_str().map(str::len),
        Some(10)
    );
    assert_eq!(step_of(&d, "bpjs")["missing"], true);
    assert_eq!(step_of(&d, "paspor")["missing"], false);
    assert_eq!(step_of(&d, "perjanjian_penempatan")["missing"], false);

    // Another village sees nothing of it.
    let other = app.token("desa.kalipare").await;
    let (s, _) = app
        .api(&other, Method::GET, &format!("/api/v1/migrants/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, list) = app.api(&other, Method::GET, "/api/v1/migrants", None).await;
    assert_eq!(list["total"], 0, "{list}");
    let (s, _) = step(
        &app,
        &other,
        id,
        json!({"step": "bpjs", "status": "selesai"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Lists: the officer sees both residents, masked; filters by flag.
    let officer = app.token("pimpasa.malang").await;
    let (s, list) = app
        .api(&officer, Method::GET, "/api/v1/migrants", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 2, "{list}");
    assert!(list["items"][0]["nik"].is_null() || !list.to_string().contains(NIK));
    let (_, list) = app
        .api(&officer, Method::GET, "/api/v1/migrants?flag=1", None)
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    let (_, list) = app
        .api(&officer, Method::GET, "/api/v1/migrants?flag=nik", None)
        .await;
    assert_eq!(list["total"], 2);
    let (s, _) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/migrants?status=hilang",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Figures for the Kanwil: one departure without the procedure, one resident planning.
    let (s, f) = app
        .api(&kanwil, Method::GET, "/api/v1/migrants/figures", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(f["total"]["departed_nonprocedural"], 1, "{f}");
    assert_eq!(f["total"]["departed_procedural"], 0);
    assert_eq!(f["villages"][0]["village_code"], SITIARJO);
    assert_eq!(f["villages"][0]["by_status"], json!([1, 0, 1, 0, 0, 0]));

    // Letters: numbered per village and year; the first marks the family permission step.
    let letter = json!({"kind": "suami_istri", "giver_name": "Slamet Riyadi", "relation": "suami",
                        "giver_nik": "3507041203850001", "head_name": "Bambang Sutejo"});
    let (s, b) = app
        .api(
            &desa,
            Method::POST,
            &format!("/api/v1/migrants/{minor}/letters"),
            Some(json!({"kind": "keluarga", "giver_name": "", "giver_nik": "12"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = errors(&b);
    for f in ["kind", "giver_name", "giver_nik", "relation", "head_name"] {
        assert!(e.iter().any(|(x, _)| x == f), "{f}: {b}");
    }
    let mut letters = Vec::new();
    for _ in 0..2 {
        let (s, b) = app
            .api(
                &desa,
                Method::POST,
                &format!("/api/v1/migrants/{id}/letters"),
                Some(letter.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        letters.push(b["id"].as_i64().unwrap());
    }
    let (_, d) = app
        .api(&desa, Method::GET, &format!("/api/v1/migrants/{id}"), None)
        .await;
    let year = time::OffsetDateTime::now_utc().year();
    let numbers: Vec<&str> = d["letters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            format!("002/SIK/{SITIARJO}/{year}"),
            format!("001/SIK/{SITIARJO}/{year}")
        ]
    );
    assert_eq!(step_of(&d, "izin_keluarga")["status"], "selesai");
    // Only the village may issue them.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/migrants/{id}/letters"),
            Some(letter.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The PDF, read back: number, names, full NIKs, destination, village head.
    let c = app.login("desa.sitiarjo").await;
    let r = c
        .get(app.url(&format!("/calon-pmi/{id}/surat/{}.pdf", letters[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes().await.unwrap());
    for want in [
        format!("001/SIK/{SITIARJO}/{year}"),
        "SURAT IZIN SUAMI/ISTRI".into(),
        "DESA SITIARJO".into(),
        "Slamet Riyadi".into(),
        "3507041203850001".into(),
        NIK.into(),
        "Siti Aminah".into(),
        "Taiwan".into(),
        "Kepala Desa Sitiarjo".into(),
        "Bambang Sutejo".into(),
    ] {
        assert!(text.contains(&want), "{want} missing in {text}");
    }
    // The Kanwil may see the register, not print full NIKs.
    let k = app.login("kanwil.jatim").await;
    let (s, _) = app
        .get(&k, &format!("/calon-pmi/{id}/surat/{}.pdf", letters[0]))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The audit log holds the revealing views and the printed letter, never the NIK.
    let admin = app.token("admin.demo").await;
    let (s, audit) = app
        .api(&admin, Method::GET, "/api/v1/audit?entity=migrant", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let text = audit.to_string();
    assert!(
        text.contains("view_sensitive") && text.contains("print_letter"),
        "{text}"
    );
    assert!(!text.contains(NIK) && !text.contains("81234567890"));

    // Export: full for the village, masked for the Kanwil; formula-looking cells defused.
    let csv = c
        .get(app.url("/calon-pmi/ekspor?format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("id,village,village_name,name,nik"), "{csv}");
    assert!(
        csv.contains(NIK) && csv.contains("'+6281234567890"),
        "{csv}"
    );
    let csv = k
        .get(app.url("/calon-pmi/ekspor?format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains(NIK) && csv.contains("350704••••"), "{csv}");
    let r = c
        .get(app.url("/calon-pmi/ekspor?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
}

#[tokio::test]
async fn the_register_imports_a_csv_and_reports_bad_rows_by_line() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;
    let csv = "\u{feff}name,nik,birth_date,sex,phone,destination,scheme\n\
               Budi Santoso,3507041203850001,1985-03-12,l,'+6281111111111,MY,p3mi\n\
               ,3507041203850002,,,,,\n\
               Dewi Lestari,35070412,,,,,\n\
               Budi Kembar,3507041203850001,,,,,\n\
               Rina,,2001-02-30,,,SG,\n";
    let import = |partial: bool| {
        client()
            .post(app.url(&format!(
                "/api/v1/migrants/import{}",
                if partial { "?partial=true" } else { "" }
            )))
            .bearer_auth(&desa)
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
    assert_eq!(lines, [3, 4, 5, 6], "{b}");
    let (_, list) = app.api(&desa, Method::GET, "/api/v1/migrants", None).await;
    assert_eq!(list["total"], 0);
    let r = import(true).await.unwrap();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["imported"], 1, "{b}");
    let (_, list) = app
        .api(&desa, Method::GET, "/api/v1/migrants?q=budi", None)
        .await;
    assert_eq!(list["total"], 1);
    let (_, d) = app
        .api(
            &desa,
            Method::GET,
            &format!(
                "/api/v1/migrants/{}?reveal=true",
                list["items"][0]["id"].as_i64().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(d["migrant"]["phone"], "+6281111111111");
    assert_eq!(d["migrant"]["scheme"], "p3mi");
    // Importing the same NIK again into the same village is a bad row.
    let r = import(true).await.unwrap();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["imported"], 0, "{b}");
    assert!(b.to_string().contains("err-migrant-exists"));
    // The list pages through a longer register, on the page and in the API.
    let many: String = std::iter::once("name\n".to_string())
        .chain((1..=30).map(|i| format!("Warga Uji {i:02}\n")))
        .collect();
    let r = client()
        .post(app.url("/api/v1/migrants/import"))
        .bearer_auth(&desa)
        .header("content-type", "text/csv")
        .body(many)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let c = app.login("desa.sitiarjo").await;
    let (_, p1) = app.get(&c, "/calon-pmi?q=warga").await;
    let (_, p2) = app.get(&c, "/calon-pmi?q=warga&hal=2").await;
    let names = |html: &str| -> Vec<String> {
        regex_lite::Regex::new(r">(Warga Uji \d+)<")
            .unwrap()
            .captures_iter(html)
            .map(|c| c[1].to_string())
            .collect()
    };
    let (n1, n2) = (names(&p1), names(&p2));
    assert_eq!((n1.len(), n2.len()), (25, 5), "{n2:?}");
    assert!(n1.iter().all(|n| !n2.contains(n)));
    assert!(p1.contains("hal=2"), "the pager links to page 2");
    let (_, api2) = app
        .api(&desa, Method::GET, "/api/v1/migrants?q=warga&page=2", None)
        .await;
    assert_eq!(api2["items"].as_array().unwrap().len(), 5);

    // Officers may not import into villages.
    let officer = app.token("pimpasa.malang").await;
    let r = client()
        .post(app.url("/api/v1/migrants/import"))
        .bearer_auth(&officer)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
