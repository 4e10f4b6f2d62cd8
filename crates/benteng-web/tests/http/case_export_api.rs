//! The HTCDS case export over the JSON API, as the report journey (`report_journey_api`) ends.

use crate::harness::*;
#[allow(unused_imports)]
use crate::reports_api::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The case export of a closed case: names only for whom may see them (officers asking for
/// them), anonymised otherwise and for the Kanwil, JSON and CSV, each export in the audit log.
pub(crate) async fn the_export_names_only_whom_it_may(
    app: &TestApp,
    officer: &str,
    admin: &str,
    cid: i64,
) {
    // The export: names only when not anonymised.
    let (s, h, raw) = download(app, officer, "/api/v1/cases/export").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment; filename=\"kasus-tppo.json\""));
    let text = String::from_utf8(raw).unwrap();
    let records: Value = serde_json::from_str(&text).unwrap();
    let rec = records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["tppo_case_number"]
                .as_str()
                .is_some_and(|n| n.ends_with(&format!("{cid:05}")))
        })
        .unwrap_or_else(|| panic!("case in the export: {records}"));
    assert_eq!(rec["cas_Status"], "Closed");
    let victim = rec["victims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["prs_SecondName"] == "Kusumawardani")
        .unwrap_or_else(|| panic!("victim by name: {rec}"));
    assert_eq!(victim["prs_FirstName"], "Ratna");
    assert_eq!(victim["prs_IdentityNumber"], "3507123456780001");
    assert_eq!(victim["vic_TraffickingStatus"], "ActualVictimOfTrafficking");
    assert_eq!(
        rec["perpetrators"][0]["per_RoleInProcess"],
        "RecruiterOrIntermediary"
    );
    assert_eq!(
        rec["cas_OutgoingReferrals"][0]["cas_ReferredOrganisation"],
        "Polres Malang"
    );

    let (s, _, raw) = download(app, officer, "/api/v1/cases/export?anonymised=true").await;
    assert_eq!(s, StatusCode::OK);
    let anon_text = String::from_utf8(raw).unwrap();
    for secret in [
        "Kusumawardani",
        "Ratna",
        "Wahyuningsih",
        "Bambang",
        "3507123456780001",
        "81277788899",
        "2007-03-14",
        "LP/B/123/2025",
        "prs_IdentityNumber",
        "prs_FirstName",
        SITIARJO,
    ] {
        assert!(
            !anon_text.contains(secret),
            "{secret} in the anonymised export"
        );
    }
    // The Kanwil sees personal data masked everywhere, so its export is anonymised even
    // when it asks for names.
    let kanwil = app.token("kanwil.jatim").await;
    let (s, _, raw) = download(app, &kanwil, "/api/v1/cases/export").await;
    assert_eq!(s, StatusCode::OK);
    let kanwil_text = String::from_utf8(raw).unwrap();
    assert!(kanwil_text.contains("tppo_age_band_at_opening"));
    for secret in ["Kusumawardani", "3507123456780001", "81277788899"] {
        assert!(
            !kanwil_text.contains(secret),
            "{secret} in the Kanwil's export"
        );
    }
    let anon_records: Value = serde_json::from_str(&anon_text).unwrap();
    assert!(anon_text.contains("tppo_age_band_at_opening"));
    assert!(anon_records
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["tppo_region_code"] == "35.07"));

    let (s, h, raw) = download(app, officer, "/api/v1/cases/export?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("kasus-tppo.csv"));
    let csv = String::from_utf8(raw).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("tppo_case_number,"), "{header}");
    assert!(csv.contains("Kusumawardani"));
    let (s, _, raw) = download(
        app,
        officer,
        "/api/v1/cases/export?format=csv&anonymised=true",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(!String::from_utf8(raw).unwrap().contains("Kusumawardani"));
    let (s, p) = app
        .api(
            officer,
            Method::GET,
            "/api/v1/cases/export?format=xml",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "format", "err-invalid-choice"), "{p}");

    // Every export is in the audit log; the named one as a sensitive view.
    let (_, audit) = app
        .api(
            admin,
            Method::GET,
            "/api/v1/audit?action=export&entity=case",
            None,
        )
        .await;
    let exports = audit["items"].as_array().unwrap();
    assert_eq!(exports.len(), 5, "{audit}");
    assert_eq!(exports.iter().filter(|e| e["sensitive"] == 1).count(), 2);
    // The Kanwil reads the officer's exports in its own audit log.
    let (_, audit) = app
        .api(
            &kanwil,
            Method::GET,
            "/api/v1/audit?action=export&entity=case",
            None,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 5, "{audit}");
}
