//! Reports over the JSON API: attachments, word and phone search, merging duplicates, and the
//! reports part of the OpenAPI document.

use crate::harness::*;
#[allow(unused_imports)]
use crate::reports_api::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn attachments_are_checked_by_their_bytes_and_downloaded_as_files() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Foto brosur lowongan palsu."),
    )
    .await;
    let (s, p) = upload(&app, &officer, id, "brosur.png", PNG).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    let atts = detail["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 1, "{detail}");
    assert_eq!(atts[0]["content_type"], "image/png");
    assert_eq!(atts[0]["file_name"], "brosur.png");
    assert!(
        atts[0].get("storage_key").is_none(),
        "the storage key stays inside"
    );
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "info" && e["body"] == "Lampiran ditambahkan"));
    let aid = atts[0]["id"].as_i64().unwrap();
    let (s, h, bytes) = download(
        &app,
        &officer,
        &format!("/api/v1/reports/{id}/attachments/{aid}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "image/png");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"brosur.png\""));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(&bytes[..8], &PNG[..8], "a PNG comes back");
    assert_eq!(bytes.len() as i64, atts[0]["size"].as_i64().unwrap());

    // HTML is not an image, whatever it is called; an empty body is nothing.
    let (s, p) = upload(
        &app,
        &officer,
        id,
        "foto.jpg",
        b"<html><script>alert(1)</script></html>",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "file", "err-file-type"), "{p}");
    let (s, p) = upload(&app, &officer, id, "kosong.png", b"").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "file", "err-file-empty"), "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["attachments"].as_array().unwrap().len(), 1);

    // Who may not see the report may not fetch or add its files.
    let kalipare = app.token("desa.kalipare").await;
    let (s, _, _) = download(
        &app,
        &kalipare,
        &format!("/api/v1/reports/{id}/attachments/{aid}"),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = upload(&app, &kalipare, id, "x.png", PNG).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = download(
        &app,
        &officer,
        &format!("/api/v1/reports/{id}/attachments/{}", aid + 1000),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Each download is a sensitive view.
    let admin = app.token("admin.demo").await;
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    assert!(audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"] == format!("attachment={aid}")));
}

#[tokio::test]
async fn reports_are_found_by_words_and_by_phone() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        json!({"category": "nonprosedural", "region_code": SITIARJO,
               "description": "Calo mengumpulkan pemuda di pelabuhan Sendangbiru untuk dikirim ke kapal ikan asing.",
               "people": [{"role": "korban", "name": "Joko Prasetyo", "phone": "0813-1111-2222"}]}),
    )
    .await;
    let other = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Iklan lowongan pabrik di Korea."),
    )
    .await;
    let find = |q: &str| {
        let app = &app;
        let officer = &officer;
        let q = q.to_string();
        async move {
            let (s, page) = app
                .api(
                    officer,
                    Method::GET,
                    &format!("/api/v1/reports?q={q}"),
                    None,
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{q}: {page}");
            ids(&page)
        }
    };
    assert_eq!(find("sendangbiru").await, [id]);
    assert_eq!(
        find("SENDANGBIRU%20kapal").await,
        [id],
        "all words, any case"
    );
    assert_eq!(find("sendang").await, [id], "a word's beginning");
    assert_eq!(find("sen").await, [id], "three letters are a beginning too");
    // One or two letters match whole words only: "di" is a word of both descriptions,
    // "se" only begins one ("Sendangbiru").
    let di = find("di").await;
    assert!(di.contains(&id) && di.contains(&other), "{di:?}");
    assert!(!find("se").await.contains(&id));
    assert_eq!(find("prasetyo").await, [id], "people's names");
    assert!(find("Probolinggo").await.is_empty());
    assert!(find("sendangbiru%20korea").await.is_empty());
    assert_eq!(find("korea").await, [other]);
    assert_eq!(find("081311112222").await, [id], "by phone");
    assert_eq!(
        find("%2B62%20813-1111-2222").await,
        [id],
        "by phone, written otherwise"
    );
    assert!(find("081399999999").await.is_empty());
    // Added information is searchable too.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/info"),
            Some(json!({"body": "Kapal bernama Mutiara Samudra."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(find("mutiara").await, [id]);
    // Search syntax is not passed through.
    assert!(find("%22%20OR%20*").await.is_empty());
}

#[tokio::test]
async fn a_ten_letter_place_name_is_searched_as_a_word() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let id = file_report(
        &app,
        &officer,
        simple_report(
            SITIARJO,
            "Calo dari Banyuwangi merekrut warga untuk kerja di Malaysia.",
        ),
    )
    .await;
    let (_, page) = app
        .api(&officer, Method::GET, "/api/v1/reports?q=Banyuwangi", None)
        .await;
    assert_eq!(ids(&page), [id], "{page}");
}

#[tokio::test]
async fn duplicates_are_merged_into_the_other_report() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let first = file_report(
        &app,
        &officer,
        simple_report(SITIARJO, "Calo menawarkan kerja ke Jepang."),
    )
    .await;
    let code = public_report(
        &app,
        json!({"category": "rekrutmen", "description": "Ada calo kerja ke Jepang di desa kami.", "region_code": SITIARJO}),
    )
    .await;
    let dup = id_by_code(&app, &officer, &code).await;
    let merge = format!("/api/v1/reports/{dup}/merge");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &merge,
            Some(json!({"into": dup.to_string()})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "into", "err-merge-self"), "{p}");
    let (s, body) = app
        .api(
            &officer,
            Method::POST,
            &merge,
            Some(json!({"into": first.to_string(), "note": "Laporan yang sama."})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["id"], first);
    let (_, d) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{dup}"),
            None,
        )
        .await;
    assert_eq!(d["report"]["status"], "digabung");
    assert_eq!(d["report"]["merged_into"], first);
    // The reporter sees the status of the report it was merged into.
    let (_, public) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{code}"),
        None,
    )
    .await;
    assert_eq!(public["status"], "diterima");
    // A merged report takes no more information.
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{dup}/info"),
            Some(json!({"body": "Lagi."})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "body", "err-report-merged"), "{p}");
}

#[tokio::test]
async fn the_openapi_document_lists_the_reports_api() {
    let app = spawn().await;
    let (s, doc) = anon(&app, Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let expected: &[(&str, &[&str])] = &[
        ("/api/v1/public/reports", &["post"]),
        ("/api/v1/public/reports/{code}", &["get"]),
        ("/api/v1/reports", &["get", "post"]),
        ("/api/v1/reports/{id}", &["get"]),
        ("/api/v1/reports/{id}/indicators", &["put"]),
        ("/api/v1/reports/{id}/assignee", &["put"]),
        ("/api/v1/reports/{id}/status", &["post"]),
        ("/api/v1/reports/{id}/merge", &["post"]),
        ("/api/v1/reports/{id}/info", &["post"]),
        ("/api/v1/reports/{id}/attachments", &["post"]),
        ("/api/v1/reports/{id}/attachments/{aid}", &["get"]),
        ("/api/v1/reports/{id}/linked", &["get"]),
        ("/api/v1/reports/{id}/referrals", &["post"]),
        ("/api/v1/reports/{id}/case", &["post"]),
        ("/api/v1/referrals", &["get"]),
        ("/api/v1/referrals/{id}", &["get"]),
        ("/api/v1/referrals/{id}/answer", &["post"]),
        ("/api/v1/referrals/{id}/actions", &["post"]),
        ("/api/v1/cases", &["get"]),
        ("/api/v1/cases/export", &["get"]),
        ("/api/v1/cases/{id}", &["get", "put"]),
        ("/api/v1/cases/{id}/people", &["post"]),
        ("/api/v1/cases/{id}/services", &["post"]),
        ("/api/v1/cases/{id}/status", &["post"]),
        ("/api/v1/notifications", &["get"]),
        ("/api/v1/notifications/{id}/read", &["post"]),
        ("/api/v1/notifications/read-all", &["post"]),
    ];
    for (path, methods) in expected {
        for m in *methods {
            assert!(
                doc["paths"][path].get(*m).is_some(),
                "{m} {path} documented"
            );
        }
    }
    // The two public operations need no token.
    assert_eq!(
        doc["paths"]["/api/v1/public/reports"]["post"]["security"],
        json!([{}])
    );
    for schema in [
        "ReportInput",
        "ReportDetail",
        "ReportRow",
        "PublicReport",
        "PublicReportBody",
        "ReferralInput",
        "ReferralDetail",
        "CaseInput",
        "CaseDetail",
        "PriorityBody",
        "Notification",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}
