//! Reports over the JSON API: linked reports, masking and its audited reveal, and the roles
//! that are refused.

use crate::harness::*;
#[allow(unused_imports)]
use crate::reports_api::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn reports_sharing_a_phone_or_a_recruiter_are_linked() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let report = |description: &str, person: Value| json!({"category": "rekrutmen", "description": description, "region_code": SITIARJO, "people": [person]});
    let first = public_report(
        &app,
        report(
            "Perekrut menjanjikan gaji besar di Taiwan.",
            json!({"role": "perekrut", "name": "Moch. Soekarno", "phone": "0812-3456-7890"}),
        ),
    )
    .await;
    let same_phone = public_report(
        &app,
        report(
            "Anak saya dihubungi lewat WhatsApp untuk kerja di kapal.",
            json!({"role": "korban", "name": "Lina Marlina", "phone": "+6281234567890"}),
        ),
    )
    .await;
    let same_recruiter = public_report(
        &app,
        report(
            "Sponsor mengumpulkan KTP warga.",
            json!({"role": "perekrut", "name": "Muhammad Sukarno"}),
        ),
    )
    .await;
    let unrelated = public_report(
        &app,
        report(
            "Iklan lowongan di media sosial.",
            json!({"role": "perekrut", "name": "Agus Salim", "phone": "081399988877"}),
        ),
    )
    .await;
    // The same recruiter's phone in Kabupaten Blitar, outside the officer's area.
    let elsewhere = public_report(
        &app,
        json!({"category": "rekrutmen", "description": "Perekrut yang sama datang ke desa kami.", "region_code": JATEN_BLITAR,
               "people": [{"role": "perekrut", "name": "Pak Harjo", "phone": "081234567890"}]}),
    )
    .await;
    let a = id_by_code(&app, &officer, &first).await;
    let b = id_by_code(&app, &officer, &same_phone).await;
    let c = id_by_code(&app, &officer, &same_recruiter).await;
    let d = id_by_code(&app, &officer, &unrelated).await;
    let kanwil = app.token("kanwil.jatim").await;
    let admin = app.token("admin.demo").await;
    let e = id_by_code(&app, &kanwil, &elsewhere).await;
    // The kanwil (the province) and the admin (everything) see the link to Blitar.
    for (who, token) in [("kanwil", &kanwil), ("admin", &admin)] {
        let (s, linked) = app
            .api(
                token,
                Method::GET,
                &format!("/api/v1/reports/{a}/linked"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{who}: {linked}");
        assert!(
            linked.as_array().unwrap().iter().any(|l| l["id"] == e),
            "{who}: {linked}"
        );
    }

    let (s, linked) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{a}/linked"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{linked}");
    let list = linked.as_array().unwrap();
    let reasons = |id: i64| -> Vec<String> {
        list.iter()
            .find(|l| l["id"] == id)
            .map(|l| {
                l["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(reasons(b), ["phone"], "{linked}");
    let rc = reasons(c);
    assert!(
        rc.contains(&"name".to_string()) && rc.contains(&"recruiter".to_string()),
        "{linked}"
    );
    assert!(!list.iter().any(|l| l["id"] == d), "{linked}");
    // Outside the officer's area a link does not exist for them.
    assert!(!list.iter().any(|l| l["id"] == e), "{linked}");
    assert!(list
        .iter()
        .any(|l| l["tracking_code"] == same_phone.as_str()));
    // Seen from the other side, and in the report itself.
    let (_, back) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{b}/linked"),
            None,
        )
        .await;
    assert!(
        back.as_array().unwrap().iter().any(|l| l["id"] == a),
        "{back}"
    );
    let (_, detail) = app
        .api(&officer, Method::GET, &format!("/api/v1/reports/{c}"), None)
        .await;
    assert!(detail["linked"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == a));
    // A later report sharing something starts with a higher priority.
    assert!(
        reason_codes(&detail["reasons"]).contains(&"linked".to_string()),
        "{}",
        detail["reasons"]
    );
    // Outside the caller's villages the report (and so its links) does not exist.
    let kalipare = app.token("desa.kalipare").await;
    let (s, _) = app
        .api(
            &kalipare,
            Method::GET,
            &format!("/api/v1/reports/{a}/linked"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn contacts_are_masked_unless_revealed_by_an_officer_and_the_view_is_audited() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let admin = app.token("admin.demo").await;
    let code = public_report(
        &app,
        json!({"category": "korban", "description": "Kakak saya tidak bisa pulang dari Arab Saudi.", "region_code": SITIARJO,
               "destination_country": "SA", "anonymous": false, "reporter_name": "Siti Pelapor", "reporter_phone": "081234567001",
               "people": [{"role": "korban", "name": "Ayu Wulandari", "phone": "081298765432", "nik": "3507011234560002"}]}),
    )
    .await;
    let id = id_by_code(&app, &officer, &code).await;

    let (s, masked) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let phone = masked["report"]["reporter_phone"].as_str().unwrap();
    assert!(phone.contains('•'), "{phone}");
    assert!(!phone.contains("234567"), "{phone}");
    assert_eq!(masked["report"]["reporter_name"], "•••");
    assert!(masked["people"][0]["phone"].as_str().unwrap().contains('•'));
    assert!(masked["people"][0]["nik"].as_str().unwrap().contains('•'));
    assert_eq!(masked["unmasked"], false);
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    assert_eq!(
        audit["total"], 0,
        "a masked view is not a sensitive view: {audit}"
    );

    let (s, full) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{id}?reveal=true"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(full["report"]["reporter_phone"], "+6281234567001");
    assert_eq!(full["report"]["reporter_name"], "Siti Pelapor");
    assert_eq!(full["people"][0]["nik"], "3507011234560002");
    assert_eq!(full["people"][0]["phone"], "+6281298765432");
    assert_eq!(full["unmasked"], true);
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["username"], "pimpasa.malang");
    assert_eq!(entries[0]["entity_id"], id.to_string());
    assert_eq!(entries[0]["sensitive"], 1);
    assert_eq!(entries[0]["region_code"], SITIARJO);
    let detail = entries[0]["detail"].as_str().unwrap_or("");
    assert!(
        !detail.contains("234567"),
        "no contact in the audit detail: {detail}"
    );

    // Roles that may not see contacts get them masked even when they ask.
    for user in ["desa.sitiarjo", "kanwil.jatim"] {
        let t = app.token(user).await;
        let (s, d) = app
            .api(
                &t,
                Method::GET,
                &format!("/api/v1/reports/{id}?reveal=true"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{user}: {d}");
        assert_eq!(d["unmasked"], false, "{user}");
        assert!(
            d["report"]["reporter_phone"]
                .as_str()
                .unwrap()
                .contains('•'),
            "{user}"
        );
        assert!(
            d["people"][0]["nik"].as_str().unwrap().contains('•'),
            "{user}"
        );
    }
    let (_, audit) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=view_sensitive&entity=report",
            None,
        )
        .await;
    assert_eq!(audit["total"], 1, "no sensitive view was recorded for them");
}

#[tokio::test]
async fn refused_roles_get_403_or_do_not_see_the_report_at_all() {
    let app = spawn_roomy().await;
    let sitiarjo = app.token("desa.sitiarjo").await;
    let kalipare = app.token("desa.kalipare").await;
    let officer = app.token("pimpasa.malang").await;
    let kanwil = app.token("kanwil.jatim").await;
    let mitra = app.token("disnaker.malang").await;
    let admin = app.token("admin.demo").await;
    let id = file_report(
        &app,
        &sitiarjo,
        simple_report(SITIARJO, "Laporan dari Sitiarjo."),
    )
    .await;

    // Another village's report does not exist for a village user.
    let (s, _) = app
        .api(
            &kalipare,
            Method::GET,
            &format!("/api/v1/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = app
        .api(&kalipare, Method::GET, "/api/v1/reports", None)
        .await;
    assert!(!ids(&list).contains(&id));
    let (s, _) = app
        .api(
            &kalipare,
            Method::POST,
            &format!("/api/v1/reports/{id}/info"),
            Some(json!({"body": "Info tambahan."})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A partner agency has no report list.
    let (s, p) = app.api(&mitra, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    let (s, _) = app
        .api(&mitra, Method::GET, &format!("/api/v1/reports/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The Kanwil watches but does not triage.
    let (s, _) = app
        .api(&kanwil, Method::GET, &format!("/api/v1/reports/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .api(
            &kanwil,
            Method::POST,
            &format!("/api/v1/reports/{id}/status"),
            Some(json!({"status": "ditinjau", "note": "Dari Kanwil."})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A village files and adds information but does not refer.
    let polres = agency_id(&app, &officer, "Polres Malang").await;
    let (s, _) = app
        .api(
            &sitiarjo,
            Method::POST,
            &format!("/api/v1/reports/{id}/referrals"),
            Some(json!({"agency_id": polres, "purpose": "penyidikan", "due_date": "2099-01-31", "message": "Tolong.",
                        "consent": true, "consent_by": "Korban"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .api(
            &sitiarjo,
            Method::POST,
            &format!("/api/v1/reports/{id}/info"),
            Some(json!({"body": "Calo datang lagi kemarin."})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Nothing without a token.
    for (method, path) in [
        (Method::GET, "/api/v1/reports".to_string()),
        (Method::GET, format!("/api/v1/reports/{id}")),
        (Method::POST, "/api/v1/reports".to_string()),
        (Method::GET, "/api/v1/referrals".to_string()),
        (Method::GET, "/api/v1/cases".to_string()),
        (Method::GET, "/api/v1/cases/export".to_string()),
        (Method::GET, "/api/v1/notifications".to_string()),
    ] {
        let (s, p) = anon(&app, method.clone(), &path, Some(json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {p}");
    }

    // A report in Kabupaten Blitar (outside Kanim Malang's area): the admin files it, the
    // Malang officers never see it, the provincial office does.
    let (s, p) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/reports",
            Some(simple_report(JATEN_BLITAR, "Di Blitar.")),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "outside the officer's area"
    );
    assert!(
        has_error(&p, "region_code", "err-region-out-of-scope"),
        "{p}"
    );
    let blitar = file_report(
        &app,
        &admin,
        simple_report(JATEN_BLITAR, "Laporan di Blitar."),
    )
    .await;
    let (s, _) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/reports/{blitar}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/reports/{blitar}/indicators"),
            Some(json!({"indicators": []})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = app
        .api(&officer, Method::GET, "/api/v1/reports", None)
        .await;
    assert!(!ids(&list).contains(&blitar));
    assert!(ids(&list).contains(&id));
    let (s, _) = app
        .api(
            &kanwil,
            Method::GET,
            &format!("/api/v1/reports/{blitar}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}
