//! What a village sees of the people in reports about it: names only in its own filings;
//! in reports others filed (a resident's public report) names are hidden like phones, on the
//! page, in the API and through the word search.

use crate::harness::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

const SITIARJO: &str = "35.07.04.2007";

#[tokio::test]
async fn a_village_sees_names_only_in_its_own_filings() {
    let app = spawn().await;
    let anon = client();
    // A resident names a child victim and a recruiter in a public report about Sitiarjo.
    let r = anon
        .post(app.url("/api/v1/public/reports"))
        .json(&json!({
            "category": "rekrutmen",
            "description": "Perekrut membawa anak tetangga ke Batam.",
            "region_code": SITIARJO,
            "anonymous": true,
            "people": [
                {"role": "korban", "name": "Wulan Anak Tetangga", "minor": true},
                {"role": "perekrut", "name": "Bagus Perekrutjaya"}
            ],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // The village files one of its own, naming a resident.
    let desa_token = app.token("desa.sitiarjo").await;
    let (s, own) = app
        .api(
            &desa_token,
            Method::POST,
            "/api/v1/reports",
            Some(json!({"category": "rekrutmen",
                "description": "Warga kami ditawari kerja ke Malaysia tanpa prosedur.",
                "region_code": SITIARJO,
                "people": [{"role": "korban", "name": "Sriyatun Wargakami"}]})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{own}");
    let own_id = own["id"].as_i64().unwrap();
    let public_id: i64 =
        sqlx::query_scalar("SELECT report_id FROM report_people WHERE name = 'Bagus Perekrutjaya'")
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();

    let desa = app.login("desa.sitiarjo").await;
    let (s, page) = app.get(&desa, &format!("/laporan/{public_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("Wulan Anak Tetangga") && !page.contains("Bagus Perekrutjaya"));
    assert!(page.contains("•••"), "hidden, not dropped");
    // Revealing shows phones and NIKs where the role may, never these names.
    let (_, page) = app
        .get(&desa, &format!("/laporan/{public_id}?tampilkan=1"))
        .await;
    assert!(!page.contains("Wulan Anak Tetangga"));
    let (s, api) = app
        .api(
            &desa_token,
            Method::GET,
            &format!("/api/v1/reports/{public_id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!api.to_string().contains("Wulan"), "{api}");
    // Its own filing shows the name.
    let (_, page) = app.get(&desa, &format!("/laporan/{own_id}")).await;
    assert!(page.contains("Sriyatun Wargakami"));
    // The officer sees both names.
    let officer = app.login("pimpasa.malang").await;
    let (_, page) = app.get(&officer, &format!("/laporan/{public_id}")).await;
    assert!(page.contains("Wulan Anak Tetangga"));

    // A word search cannot confirm a hidden name: nothing for the village, the report for
    // the officer; the village still finds its own filing by name.
    let (_, list) = app.get(&desa, "/laporan?q=Perekrutjaya").await;
    assert!(
        !list.contains(&format!("/laporan/{public_id}\"")),
        "village search"
    );
    let (_, list) = app.get(&officer, "/laporan?q=Perekrutjaya").await;
    assert!(
        list.contains(&format!("/laporan/{public_id}\"")),
        "officer search"
    );
    let (_, list) = app.get(&desa, "/laporan?q=Wargakami").await;
    assert!(list.contains(&format!("/laporan/{own_id}\"")), "own filing");
}
