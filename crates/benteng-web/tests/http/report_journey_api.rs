//! A village report over the JSON API, from filing through triage, assignment, status,
//! referral and case to its closing and the case export.

use crate::harness::*;
#[allow(unused_imports)]
use crate::reports_api::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn a_village_report_goes_through_triage_referral_and_case_to_the_export() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;
    let officer = app.token("pimpasa.malang").await;
    let admin = app.token("admin.demo").await;

    // The village files it; its own village is used whatever region is sent.
    let (s, created) = app
        .api(
            &desa,
            Method::POST,
            "/api/v1/reports",
            Some(json!({
                "category": "rekrutmen",
                "description": "Warga ditawari kerja sebagai ART di Malaysia oleh sponsor tanpa dokumen resmi.",
                "region_code": KALIPARE,
                "destination_country": "MY",
                "people": [
                    {"role": "korban", "name": "Sri Wahyuningsih", "sex": "P"},
                    {"role": "perekrut", "name": "Bambang Sponsor", "phone": "081355500022"}
                ]
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let code = created["tracking_code"].as_str().unwrap().to_string();
    let (s, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["report"]["region_code"], SITIARJO);
    assert_eq!(detail["report"]["source"], "desa");
    assert_eq!(detail["report"]["status"], "baru");
    assert_eq!(detail["report"]["tracking_code"], code.as_str());
    let p0 = detail["report"]["priority"].as_i64().unwrap();

    // The queue.
    let (s, queue) = app
        .api(
            &officer,
            Method::GET,
            "/api/v1/reports?status=terbuka",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ids(&queue).contains(&id), "{queue}");
    assert_eq!(queue["per_page"], 50);
    let (s, p) = app
        .api(&officer, Method::GET, "/api/v1/reports?status=entah", None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_field(&p, "status"), "{p}");

    // Indicators raise the priority, with the reasons.
    let (s, prio) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(
                json!({"indicators": ["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{prio}");
    let score = prio["score"].as_i64().unwrap();
    assert!(score > p0, "{score} > {p0}");
    let codes = reason_codes(&prio["reasons"]);
    assert!(codes.contains(&"all_elements".to_string()), "{codes:?}");
    assert!(codes.contains(&"means".to_string()), "{codes:?}");
    let sum: i64 = prio["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_i64().unwrap())
        .sum();
    assert_eq!(sum.min(100), score, "the score is its reasons");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["priority"], score);
    assert_eq!(
        detail["indicators"],
        json!(["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"])
    );
    // Without the purpose element the three elements are no longer all there.
    let (s, prio) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(json!({"indicators": ["proses_perekrutan", "cara_penipuan"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{prio}");
    assert!(!reason_codes(&prio["reasons"]).contains(&"all_elements".to_string()));
    assert!(prio["score"].as_i64().unwrap() < score);
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(json!({"indicators": ["proses_perekrutan", "bukan_indikator"]})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "indicators", "err-invalid-choice"), "{p}");
    let (s, _) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/indicators"),
            Some(
                json!({"indicators": ["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"]}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Assignment: to another officer of the area; not to someone who is not an officer.
    let second = user_id(&app, &admin, "pimpasa2.malang").await;
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/assignee"),
            Some(json!({"user_id": second})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["assigned_to"], second);
    let mitra = user_id(&app, &admin, "disnaker.malang").await;
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{id}/assignee"),
            Some(json!({"user_id": mitra})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&p, "assigned_to", "err-officer-not-eligible"),
        "{p}"
    );
    let (_, mine) = app
        .api(
            &app.token("pimpasa2.malang").await,
            Method::GET,
            "/api/v1/reports?assigned=saya",
            None,
        )
        .await;
    assert!(ids(&mine).contains(&id), "{mine}");

    // Status: only the moves the state machine allows, each with a note.
    let status = |to: &str, note: &str| json!({"status": to, "note": note});
    let path = format!("/api/v1/reports/{id}/status");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &path,
            Some(status("selesai", "Langsung selesai.")),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "baru -> selesai");
    assert!(has_error(&p, "status", "err-status-transition"), "{p}");
    let (s, p) = app
        .api(&officer, Method::POST, &path, Some(status("ditinjau", "")))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a note is required");
    assert!(has_field(&p, "note"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &path,
            Some(status("ditinjau", "Diverifikasi bersama perangkat desa.")),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &path,
            Some(status("digabung", "Duplikat.")),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "merging is not a status change"
    );
    assert!(has_error(&p, "status", "err-status-transition"), "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["status"], "ditinjau");
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "status"
            && e["to_status"] == "ditinjau"
            && e["body"] == "Diverifikasi bersama perangkat desa."));
    let (_, public) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{code}"),
        None,
    )
    .await;
    assert_eq!(public["status"], "diproses");

    // Referral to the police: consent or a named override.
    let polres = agency_id(&app, &officer, "Polres Malang").await;
    let referral = |extra: Value| {
        let mut b = json!({"agency_id": polres, "purpose": "penyidikan", "due_date": "2099-01-31",
                           "message": "Mohon penyelidikan terhadap sponsor."});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let rpath = format!("/api/v1/reports/{id}/referrals");
    let (s, p) = app
        .api(&officer, Method::POST, &rpath, Some(referral(json!({}))))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "consent", "err-consent-required"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &rpath,
            Some(referral(
                json!({"due_date": "2001-01-01", "override_reason": "x"}),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "due_date", "err-date-past"), "{p}");
    let (s, created) = app
        .api(
            &officer,
            Method::POST,
            &rpath,
            Some(referral(
                json!({"override_reason": "Korban diancam; menunggu persetujuan membahayakan."}),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let rid = created["id"].as_i64().unwrap();
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(
        detail["report"]["status"], "ditangani",
        "a referral moves the report on"
    );

    // The police see it, accept, act, finish.
    let police = app.token("polres.malang").await;
    let (s, list) = app
        .api(&police, Method::GET, "/api/v1/referrals", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rid)
        .unwrap_or_else(|| panic!("referral in the police list: {list}"))
        .clone();
    assert_eq!(row["status"], "terkirim");
    assert_eq!(row["tracking_code"], code.as_str());
    let (s, notes) = app
        .api(&police, Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "referral_new" && n["link"] == format!("/rujukan/{rid}")));
    let answer = format!("/api/v1/referrals/{rid}/answer");
    let actions = format!("/api/v1/referrals/{rid}/actions");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &actions,
            Some(json!({"body": "Terlalu cepat."})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not accepted yet: {p}");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &answer,
            Some(json!({"status": "diterima"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &actions,
            Some(json!({"body": "Penyelidikan dimulai, saksi dipanggil."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, p) = app
        .api(
            &police,
            Method::POST,
            &answer,
            Some(json!({"status": "selesai"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, fd) = app
        .api(
            &police,
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{fd}");
    assert_eq!(fd["referral"]["status"], "selesai");
    assert_eq!(fd["receiver"], true);
    assert!(fd["referral"]["override_reason"]
        .as_str()
        .unwrap()
        .starts_with("Korban diancam"));
    assert!(fd["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["kind"] == "tindakan" && a["body"] == "Penyelidikan dimulai, saksi dipanggil."));
    // The sender may not answer in the agency's place.
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &answer,
            Some(json!({"status": "ditolak", "note": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Another agency neither sees nor answers it.
    let other = app.token("disnaker.malang").await;
    let (s, _) = app
        .api(
            &other,
            Method::GET,
            &format!("/api/v1/referrals/{rid}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for (path, body) in [
        (&answer, json!({"status": "diterima"})),
        (&actions, json!({"body": "Ikut campur."})),
    ] {
        // A referral not sent to the agency does not exist for it (docs/security.md: "A
        // report, referral or case outside the user's scope answers not found").
        let (s, _) = app.api(&other, Method::POST, path, Some(body)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "disnaker POST {path}");
    }
    let (_, theirs) = app
        .api(&other, Method::GET, "/api/v1/referrals", None)
        .await;
    assert!(!ids(&theirs).contains(&rid), "{theirs}");

    // A case: the report's victim and named recruiter come along; one case per report.
    let (s, created) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let cid = created["id"].as_i64().unwrap();
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{id}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a second case for the same report");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/people"),
            Some(json!({"kind": "korban", "name": "Ratna Kusumawardani", "nik": "3507123456780001", "sex": "P",
                        "birth_date": "2007-03-14", "phone": "081277788899", "consent": true})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/people"),
            Some(json!({"kind": "saksi", "name": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_field(&p, "kind") && has_field(&p, "name"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/cases/{cid}/services"),
            Some(json!({"service_date": "2025-01-15", "service_type": "Health", "provider": "Puskesmas Sitiarjo"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/cases/{cid}"),
            Some(json!({"trafficking_status": "terbukti", "decision_org": "Police", "exploitation": ["ForcedLabour"],
                        "destination_country": "MY", "legal_stage": "penyidikan", "legal_reference": "LP/B/123/2025"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (s, cases) = app
        .api(&officer, Method::GET, "/api/v1/cases?status=aktif", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ids(&cases).contains(&cid), "{cases}");
    let (s, case) = app
        .api(&officer, Method::GET, &format!("/api/v1/cases/{cid}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{case}");
    assert_eq!(case["case"]["legal_stage"], "penyidikan");
    let people = case["people"].as_array().unwrap();
    let names: Vec<&str> = people.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for n in ["Sri Wahyuningsih", "Bambang Sponsor", "Ratna Kusumawardani"] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let ratna = people
        .iter()
        .find(|p| p["name"] == "Ratna Kusumawardani")
        .unwrap();
    assert!(
        ratna["nik"].as_str().unwrap().contains('•'),
        "masked: {ratna}"
    );
    assert_eq!(case["services"][0]["provider"], "Puskesmas Sitiarjo");
    let (_, case) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/cases/{cid}?reveal=true"),
            None,
        )
        .await;
    assert!(case["people"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["nik"] == "3507123456780001"));

    // Closing needs a reason; it closes the report too.
    let cstatus = format!("/api/v1/cases/{cid}/status");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &cstatus,
            Some(json!({"status": "ditutup"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&p, "reason", "err-reason-required"), "{p}");
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            &cstatus,
            Some(json!({"status": "ditutup", "reason": "Berkas diserahkan ke kejaksaan."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{p}");
    let (_, detail) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["report"]["status"], "selesai");
    assert_eq!(detail["case_id"], cid);
    let (_, public) = anon(
        &app,
        Method::GET,
        &format!("/api/v1/public/reports/{code}"),
        None,
    )
    .await;
    assert_eq!(public["status"], "selesai");
    let steps: Vec<&str> = public["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[1].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["diterima", "diproses", "selesai"]);

    crate::case_export_api::the_export_names_only_whom_it_may(&app, &officer, &admin, cid).await;
}
