//! The P3MI registry: admins add and import companies (bad rows reported by line), anyone finds
//! a company by name or licence number and sees whether its licence is valid today; nobody
//! else may change it.

use crate::harness::*;
use crate::reports_api::{anon, errors, spawn_roomy};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn admins_keep_the_registry_and_anyone_checks_a_company() {
    let app = spawn_roomy().await;
    let admin = app.token("admin.demo").await;

    let (s, b) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/p3mi",
            Some(json!({"name": "PT Contoh Karya Mandiri", "licence_no": "kep 123/2023",
                        "valid_until": "2099-02-28", "countries": "my, sg;HK", "phone": "021 555 0101"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    // Validation, and a licence number registered twice.
    let (s, p) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/p3mi",
            Some(json!({"name": "", "licence_no": "<b>", "countries": "Malaysia", "valid_until": "31-12-2099"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = errors(&p);
    for (field, code) in [
        ("name", "err-required"),
        ("licence_no", "err-licence-no"),
        ("countries", "err-country-code"),
    ] {
        assert!(e.contains(&(field.into(), code.into())), "{field}: {p}");
    }
    assert!(e.iter().any(|(f, _)| f == "valid_until"), "{p}");
    let (s, p) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/p3mi",
            Some(json!({"name": "PT Lain", "licence_no": "KEP123/2023"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{p}");

    // Seen by the public before the import (the answer is kept for seconds: the import must
    // drop it).
    let (_, page) = anon(&app, Method::GET, "/api/v1/public/p3mi?q=contoh", None).await;
    assert_eq!(page["items"][0]["countries"], "MY,SG,HK", "{page}");

    // Import: a row updates the entry with the same licence, an expired and a revoked company
    // are added, bad rows are listed by line; all or nothing unless asked otherwise.
    let csv = "\u{feff}name,licence_no,valid_until,revoked,countries\n\
               PT Contoh Karya Mandiri,KEP123/2023,2099-12-31,,MY;TW\n\
               PT Lama Sekali,KEP.9/2015,2020-01-31,,SA\n\
               PT Dibekukan,KEP.77/2022,2099-01-01,ya,HK\n\
               ,KEP.1/2020,,,\n\
               PT Dua Kali,KEP.9/2015,,,\n";
    let import = |partial: bool| {
        client()
            .post(app.url(&format!(
                "/api/v1/p3mi/import{}",
                if partial { "?partial=true" } else { "" }
            )))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let r = import(false).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["imported"], 0);
    let lines: Vec<(i64, String)> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (5, "err-required".to_string()),
            (6, "err-licence-twice".to_string())
        ],
        "{b}"
    );
    let b: Value = import(true).await.unwrap().json().await.unwrap();
    assert_eq!(b["imported"], 3, "{b}");

    // Anyone, without an account, by name or by licence number written loosely.
    let (s, page) = anon(&app, Method::GET, "/api/v1/public/p3mi?q=contoh", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(page["total"], 1, "updated, not added: {page}");
    assert_eq!(page["items"][0]["countries"], "MY,TW");
    assert_eq!(page["items"][0]["status"], "aktif");
    let (_, page) = anon(
        &app,
        Method::GET,
        "/api/v1/public/p3mi?q=kep.9%2F2015",
        None,
    )
    .await;
    assert_eq!(page["items"][0]["name"], "PT Lama Sekali");
    assert_eq!(
        page["items"][0]["status"], "kedaluwarsa",
        "expired by its date"
    );
    let (_, page) = anon(&app, Method::GET, "/api/v1/public/p3mi?q=dibekukan", None).await;
    assert_eq!(page["items"][0]["status"], "dicabut");
    let (s, _) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/p3mi/{id}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // The pages, signed out: search and the company's page.
    let c = client();
    let (s, html) = app.get(&c, "/cek-p3mi?q=lama").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Izin kedaluwarsa"), "{html}");
    let (_, html) = app.get(&c, &format!("/cek-p3mi/{id}")).await;
    assert!(html.contains("Izin berlaku"));
    assert!(html.contains("Malaysia, Taiwan"), "{html}");
    let (_, html) = app.get(&c, "/cek-p3mi?q=tidak+ada").await;
    assert!(html.contains(r#"id="p3mi-none""#));

    // Nobody but admins changes it, by API or page.
    for user in [
        "kanwil.jatim",
        "pimpasa.malang",
        "disnaker.malang",
        "desa.kalipare",
    ] {
        let t = app.token(user).await;
        let (s, _) = app
            .api(
                &t,
                Method::PUT,
                &format!("/api/v1/p3mi/{id}"),
                Some(json!({"name": "X", "licence_no": "KEP123/2023"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let r = client()
            .post(app.url("/api/v1/p3mi/import"))
            .bearer_auth(&t)
            .header("content-type", "text/csv")
            .body("name,licence_no\n")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
        let u = app.login(user).await;
        let (s, _) = app.get(&u, "/p3mi/baru").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let (s, _, _) = app
            .post_form(
                &u,
                "/akun",
                &format!("/p3mi/{id}"),
                &[("name", "X"), ("licence_no", "KEP123/2023")],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }

    // The admin's pages: edit, and an import through the form.
    let a = app.login("admin.demo").await;
    let (s, _, at) = app
        .post_form(
            &a,
            "/akun",
            &format!("/p3mi/{id}"),
            &[
                ("name", "PT Contoh Karya Mandiri"),
                ("licence_no", "KEP123/2023"),
                ("valid_until", "2099-12-31"),
                ("countries", "MY"),
                ("revoked", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&a, &at.unwrap()).await;
    assert!(html.contains("Izin dicabut"), "{html}");
    let (_, page) = app.get(&a, "/cek-p3mi").await;
    let token = csrf_of(&page);
    let r = a
        .post(app.url("/p3mi/impor"))
        .multipart(
            Form::new().text("_csrf", token).part(
                "file",
                Part::bytes(b"name,licence_no\nPT Baru Sekali,KEP.5/2026\n".to_vec())
                    .file_name("p3mi.csv")
                    .mime_str("text/csv")
                    .unwrap(),
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("1 perusahaan diimpor"));
}

#[tokio::test]
async fn a_resident_checks_an_offer_and_reports_it_without_retyping() {
    let app = spawn_roomy().await;
    let admin = app.token("admin.demo").await;
    let (s, _) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/p3mi",
            Some(
                json!({"name": "PT Contoh Karya Mandiri", "licence_no": "KEP.123/2023",
                        "valid_until": "2099-02-28", "countries": "TW"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // A legal offer through a licensed company is green; the same company for Malaysia is red.
    let legal = json!({"company": "kep.123/2023", "destination": "TW", "job": "pabrik", "visa": "kerja",
                       "fee": "0", "contract": "ya", "age": "24", "recruiter": "disnaker"});
    let (s, r) = anon(
        &app,
        Method::POST,
        "/api/v1/public/offer-check",
        Some(legal),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["verdict"], "hijau", "{r}");
    assert_eq!(r["company"]["name"], "PT Contoh Karya Mandiri");
    let (_, r) = anon(
        &app,
        Method::POST,
        "/api/v1/public/offer-check",
        Some(json!({"company": "PT Contoh Karya Mandiri", "destination": "MY", "contract": "ya", "recruiter": "p3mi"})),
    )
    .await;
    assert_eq!(r["verdict"], "merah");
    assert_eq!(r["reasons"][0]["code"], "country_not_permitted", "{r}");
    assert!(r["reasons"][0]["legal"]
        .as_str()
        .unwrap()
        .contains("UU 18/2017"));
    // Bad answers are named.
    let (s, p) = anon(
        &app,
        Method::POST,
        "/api/v1/public/offer-check",
        Some(json!({"job": "astronot", "age": "dua puluh", "contract": "mungkin"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = errors(&p);
    for (f, c) in [
        ("job", "err-invalid-choice"),
        ("age", "err-number"),
        ("contract", "err-invalid-choice"),
    ] {
        assert!(e.contains(&(f.into(), c.into())), "{f}: {p}");
    }

    // A similar name is not the registered company.
    let (_, r) = anon(
        &app,
        Method::POST,
        "/api/v1/public/offer-check",
        Some(json!({"company": "PT Contoh Karya", "destination": "TW"})),
    )
    .await;
    assert_eq!(r["verdict"], "merah", "{r}");
    assert_eq!(r["reasons"][0]["code"], "company_unregistered");
    let (_, r) = anon(
        &app,
        Method::POST,
        "/api/v1/public/offer-check",
        Some(json!({"company": "contoh karya  mandiri", "destination": "TW", "contract": "ya"})),
    )
    .await;
    assert_eq!(
        r["company"]["name"], "PT Contoh Karya Mandiri",
        "the name without PT: {r}"
    );

    // On the page: an unknown company, a tourist visa, a fee for a zero-cost job, a calo.
    let c = client();
    let (_, form) = app.get(&c, "/cek-tawaran").await;
    let token = csrf_of(&form);
    let answers = [
        ("company", "PT Tidak Ada Izinnya"),
        ("destination", "MY"),
        ("job", "perkebunan"),
        ("visa", "turis"),
        ("fee", "15.000.000"),
        ("contract", "tidak"),
        ("age", "19"),
        ("recruiter", "calo"),
    ];
    let mut body: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
    body.extend_from_slice(&answers);
    let r = c
        .post(app.url("/cek-tawaran"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Merah: jangan berangkat"), "{html}");
    for code in [
        "company_unregistered",
        "visit_visa_for_work",
        "fee_zero_cost_job",
        "no_contract",
        "recruited_informally",
    ] {
        assert!(html.contains(&format!("data-code=\"{code}\"")), "{code}");
    }
    // One click: the report form, filled in with the check.
    let r = c
        .post(app.url("/cek-tawaran/laporkan"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Hasil Cek Tawaran Kerja:"), "{html}");
    assert!(html.contains("PT Tidak Ada Izinnya"));
    assert!(
        html.contains(r#"value="rekrutmen" checked"#),
        "category chosen"
    );
    assert!(
        html.contains(r#"<option value="MY" selected"#),
        "destination kept"
    );
    // Without the token the report button is refused like every form.
    let r = c
        .post(app.url("/cek-tawaran/laporkan"))
        .form(&answers)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
