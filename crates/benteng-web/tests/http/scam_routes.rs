//! The commonest trafficking of Indonesians since 2022: offers to Cambodia, Myanmar, Laos or
//! the Philippines that end in online-scam compounds. The offer check warns of it, a case can
//! record it as forced criminality, and the HTCDS export stays within its picklist.

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_offer_to_cambodia_is_warned_of_scam_compounds() {
    let app = spawn().await;
    let c = client();
    let (_, form) = app.get(&c, "/cek-tawaran").await;
    let token = csrf_of(&form);
    let check = |dest: &'static str| {
        vec![
            ("_csrf", token.clone()),
            ("company", String::new()),
            ("destination", dest.to_string()),
            ("job", "pabrik".into()),
            ("visa", "kerja".into()),
            ("fee", "0".into()),
            ("contract", "ya".into()),
            ("age", "24".into()),
            ("recruiter", "disnaker".into()),
        ]
    };
    let r = c
        .post(app.url("/cek-tawaran"))
        .form(&check("KH"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"data-code="scam_compound_country""#),
        "{html}"
    );
    assert!(html.contains("markas penipuan daring"));
    // The same offer to Taiwan carries no such warning.
    let r = c
        .post(app.url("/cek-tawaran"))
        .form(&check("TW"))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains(r#"data-code="scam_compound_country""#));
    // The rule is listed with its source.
    let (_, rules) = app.get(&c, "/cek-tawaran/aturan").await;
    assert!(rules.contains("Kamboja, Myanmar, Laos atau Filipina"));
}

#[tokio::test]
async fn a_case_records_forced_criminality_and_exports_it_as_other() {
    let app = spawn().await;
    let officer = app.login("pimpasa.malang").await;
    let token = app.token("pimpasa.malang").await;
    let report = crate::reports_api::file_report(
        &app,
        &token,
        json!({"category": "rekrutmen",
               "description": "Ditawari kerja IT di Kamboja lewat Facebook, paspor ditahan.",
               "region_code": "35.07.04.2007",
               "people": [{"role": "korban", "name": "Andi Korban"}]}),
    )
    .await;
    let (s, created) = app
        .api(
            &token,
            Method::POST,
            &format!("/api/v1/reports/{report}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let case_id = created["id"].as_i64().unwrap();
    let (s, page) = app.get(&officer, &format!("/kasus/{case_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"value="ForcedCriminality""#));
    assert!(page.contains("Kriminalitas paksa"));
    let (s, p) = app
        .api(
            &token,
            Method::PUT,
            &format!("/api/v1/cases/{case_id}"),
            Some(
                json!({"trafficking_status": "terbukti", "decision_org": "Police",
                        "exploitation": ["ForcedCriminality", "ForcedLabour"],
                        "destination_country": "KH", "legal_stage": "penyidikan"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, page) = app.get(&officer, &format!("/kasus/{case_id}")).await;
    assert!(
        page.contains(r#"value="ForcedCriminality" checked"#),
        "recorded"
    );
    // The HTCDS export has no such value: it says Other, once.
    let r = client()
        .get(app.url("/api/v1/cases/export"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let records: serde_json::Value = r.json().await.unwrap();
    let text = records.to_string();
    assert!(!text.contains("ForcedCriminality"), "{text}");
    let victims: Vec<&serde_json::Value> = records
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["victims"].as_array().into_iter().flatten())
        .collect();
    assert!(
        victims
            .iter()
            .any(|v| v["vic_TypeOfExploitation"] == json!(["Other", "ForcedLabour"])),
        "{text}"
    );
}
