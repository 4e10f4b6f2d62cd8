//! The permission matrix: every role against every route of the platform core, allowed or
//! refused as the policy says, on the web and on the API. Written out by hand (not derived
//! from the policy) so a change to the policy must be a conscious change here too.

use crate::harness::*;
use reqwest::{Method, StatusCode};

/// Users: admin, kanwil, petugas with pimpasa, petugas without, mitra, desa (Kalipare).
const USERS: [&str; 6] = [
    "admin.demo",
    "kanwil.jatim",
    "pimpasa.malang",
    "pemeriksa.malang",
    "disnaker.malang",
    "desa.kalipare",
];
const Y: bool = true;
const N: bool = false;

#[tokio::test]
async fn web_pages_follow_the_policy() {
    let app = spawn().await;
    let kalipare = app.desa_id(KALIPARE).await;
    let sitiarjo = app.desa_id(SITIARJO).await;
    let office = app.office_id(MALANG).await;
    let admin_id = 1; // admin.demo is the first user of the demo set
    let table: Vec<(String, [bool; 6])> = vec![
        ("/".into(), [Y, Y, Y, Y, Y, Y]),
        ("/akun".into(), [Y, Y, Y, Y, Y, Y]),
        ("/wilayah?induk=35.07".into(), [Y, Y, Y, Y, Y, Y]),
        ("/kantor".into(), [Y, Y, Y, Y, N, N]),
        ("/kantor/baru".into(), [Y, N, N, N, N, N]),
        (format!("/kantor/{office}"), [Y, Y, Y, Y, N, N]),
        (format!("/kantor/{office}/ubah"), [Y, N, N, N, N, N]),
        ("/instansi".into(), [Y, Y, Y, Y, Y, N]),
        ("/instansi/baru".into(), [Y, N, N, N, N, N]),
        ("/desa-binaan".into(), [Y, Y, Y, Y, Y, Y]),
        ("/desa-binaan/baru".into(), [Y, Y, Y, Y, N, N]),
        (format!("/desa-binaan/{kalipare}"), [Y, Y, Y, Y, Y, Y]),
        // A desa user trying another village's record by id.
        (format!("/desa-binaan/{sitiarjo}"), [Y, Y, Y, Y, Y, N]),
        (format!("/desa-binaan/{kalipare}/ubah"), [Y, Y, Y, Y, N, N]),
        (
            format!("/desa-binaan/{kalipare}/kunjungan/baru"),
            [Y, N, Y, N, N, N],
        ),
        ("/pengguna".into(), [Y, Y, N, N, N, N]),
        ("/pengguna/baru".into(), [Y, N, N, N, N, N]),
        (format!("/pengguna/{admin_id}"), [Y, N, N, N, N, N]),
        ("/audit".into(), [Y, Y, N, N, N, N]),
    ];
    for (i, user) in USERS.iter().enumerate() {
        let c = app.login(user).await;
        for (path, allowed) in &table {
            let (status, _) = app.get(&c, path).await;
            let want = if allowed[i] {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, want, "{user} GET {path}");
        }
    }
    // Signed out: every page except the login page sends the visitor to /masuk; `/` is the
    // public front door.
    let anon = client();
    for (path, _) in table.iter().filter(|(p, _)| p != "/") {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "anonymous GET {path}");
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/masuk"));
    }
}

#[tokio::test]
async fn web_writes_follow_the_policy() {
    let app = spawn().await;
    let sitiarjo = app.desa_id(SITIARJO).await;
    let kalipare = app.desa_id(KALIPARE).await;
    let office = app.office_id(MALANG).await;
    // (path, fields, allowed per user); a refused write answers 403 and changes nothing.
    let visit = [
        ("visit_date", "2026-01-05"),
        ("findings", "Pertemuan dengan perangkat desa."),
    ];
    let contact = [
        ("name", "Bu Kader"),
        ("position", "Kader"),
        ("phone", "081234567890"),
    ];
    type Case<'a> = (String, Vec<(&'a str, &'a str)>, [bool; 6]);
    let cases: Vec<Case> = vec![
        (
            format!("/desa-binaan/{kalipare}/kunjungan"),
            visit.to_vec(),
            [Y, N, Y, N, N, N],
        ),
        (
            format!("/desa-binaan/{sitiarjo}/kontak"),
            contact.to_vec(),
            [Y, Y, Y, Y, N, N],
        ),
        (
            format!("/kantor/{office}/wilayah"),
            vec![("region_code", "35.05"), ("valid_from", "2030-01-01")],
            [Y, N, N, N, N, N],
        ),
        (
            "/instansi".into(),
            vec![("name", "X"), ("kind", "lainnya"), ("region_code", "35.07")],
            [Y, N, N, N, N, N],
        ),
        (
            "/pengguna".into(),
            vec![
                ("username", "x"),
                ("full_name", "X"),
                ("role", "admin"),
                ("password", "kuda-lari-cepat"),
            ],
            [Y, N, N, N, N, N],
        ),
    ];
    for (i, user) in USERS.iter().enumerate() {
        let c = app.login(user).await;
        for (n, (path, fields, allowed)) in cases.iter().enumerate() {
            // Make names unique so an allowed write succeeds every time.
            let unique = format!("{user}-{n}").replace('.', "-");
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| {
                    (
                        *k,
                        if *k == "name" && *v == "X" || *k == "username" {
                            unique.as_str()
                        } else {
                            *v
                        },
                    )
                })
                .collect();
            let (status, _, _) = app.post_form(&c, "/akun", path, &fields).await;
            if allowed[i] {
                assert_eq!(
                    status,
                    StatusCode::SEE_OTHER,
                    "{user} POST {path} should succeed"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{user} POST {path} should be refused"
                );
            }
        }
    }
}

#[tokio::test]
async fn api_follows_the_policy() {
    let app = spawn().await;
    let kalipare = app.desa_id(KALIPARE).await;
    let sitiarjo = app.desa_id(SITIARJO).await;
    let office = app.office_id(MALANG).await;
    let reads: Vec<(String, [bool; 6])> = vec![
        ("/api/v1/me".into(), [Y, Y, Y, Y, Y, Y]),
        ("/api/v1/regions?parent=35.07".into(), [Y, Y, Y, Y, Y, Y]),
        ("/api/v1/offices".into(), [Y, Y, Y, Y, N, N]),
        (format!("/api/v1/offices/{office}"), [Y, Y, Y, Y, N, N]),
        ("/api/v1/agencies".into(), [Y, Y, Y, Y, Y, N]),
        ("/api/v1/desa-binaan".into(), [Y, Y, Y, Y, Y, Y]),
        (
            format!("/api/v1/desa-binaan/{kalipare}"),
            [Y, Y, Y, Y, Y, Y],
        ),
        (
            format!("/api/v1/desa-binaan/{sitiarjo}"),
            [Y, Y, Y, Y, Y, N],
        ),
        (
            format!("/api/v1/desa-binaan/{sitiarjo}/visits"),
            [Y, Y, Y, Y, Y, N],
        ),
        ("/api/v1/users".into(), [Y, Y, N, N, N, N]),
        ("/api/v1/audit".into(), [Y, Y, N, N, N, N]),
    ];
    for (i, user) in USERS.iter().enumerate() {
        let t = app.token(user).await;
        for (path, allowed) in &reads {
            let (status, body) = app.api(&t, Method::GET, path, None).await;
            let want = if allowed[i] {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, want, "{user} GET {path}: {body}");
        }
        // Writes: a valid body, so the only reason to refuse is the policy.
        let free = [
            "35.07.11.2001",
            "35.07.11.2003",
            "35.07.11.2005",
            "35.07.11.2006",
            "35.07.11.2007",
            "35.07.11.2009",
        ];
        let enrol = serde_json::json!({"region_code": free[i], "office_id": office, "sk_number": "SK/1", "sk_date": "2025-01-02", "status": "aktif"});
        let (status, body) = app
            .api(&t, Method::POST, "/api/v1/desa-binaan", Some(enrol))
            .await;
        let want = if [Y, Y, Y, Y, N, N][i] {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, want, "{user} POST /api/v1/desa-binaan: {body}");
        let office_body = serde_json::json!({"name": format!("Kantor {user}"), "kind": "kanim", "province_code": "35"});
        let (status, _) = app
            .api(&t, Method::POST, "/api/v1/offices", Some(office_body))
            .await;
        assert_eq!(
            status,
            if i == 0 {
                StatusCode::CREATED
            } else {
                StatusCode::FORBIDDEN
            },
            "{user} POST /api/v1/offices"
        );
        let (status, _) = app
            .api(
                &t,
                Method::POST,
                &format!("/api/v1/desa-binaan/{sitiarjo}/visits"),
                Some(serde_json::json!({"visit_date": "2026-02-02", "findings": "ok"})),
            )
            .await;
        assert_eq!(
            status,
            if [Y, N, Y, N, N, N][i] {
                StatusCode::CREATED
            } else {
                StatusCode::FORBIDDEN
            },
            "{user} POST visit"
        );
    }
    // No token, or a wrong one: 401 with a problem body.
    let r = client()
        .get(app.url("/api/v1/desa-binaan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let (status, _) = app.api("nonsense", Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The reports module's API: every route against every role. A refusal is 403 when the caller
/// may see the record but not do this to it, and 404 when the record does not exist for them
/// (outside their villages, or a partner agency and a report not referred to it).
#[tokio::test]
async fn reports_api_follows_the_policy() {
    use crate::reports_api::{agency_id, file_report, simple_report, upload, PNG};
    use serde_json::json;
    let app = spawn_with(benteng_web::WebConfig {
        login_attempts_per_minute: 100,
        ..Default::default()
    })
    .await;
    let setup = app.token("pimpasa.malang").await;
    let disnaker = agency_id(&app, &setup, "Dinas Tenaga Kerja Kabupaten Malang").await;
    let refer = json!({"agency_id": disnaker, "purpose": "penempatan", "due_date": "2099-01-31",
                       "message": "Mohon pendataan.", "consent": true, "consent_by": "Korban"});
    // A report in Kalipare with an attachment, a referral to Disnaker (still unanswered) and a case.
    let shared = file_report(&app, &setup, simple_report(KALIPARE, "Laporan bersama.")).await;
    let (s, _) = upload(&app, &setup, shared, "foto.png", PNG).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, d) = app
        .api(
            &setup,
            Method::GET,
            &format!("/api/v1/reports/{shared}"),
            None,
        )
        .await;
    let aid = d["attachments"][0]["id"].as_i64().unwrap();
    let (s, b) = app
        .api(
            &setup,
            Method::POST,
            &format!("/api/v1/reports/{shared}/referrals"),
            Some(refer.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let shared_referral = b["id"].as_i64().unwrap();
    let (s, b) = app
        .api(
            &setup,
            Method::POST,
            &format!("/api/v1/reports/{shared}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let shared_case = b["id"].as_i64().unwrap();

    const OK: u16 = 200;
    const CR: u16 = 201;
    const NC: u16 = 204;
    const FB: u16 = 403;
    const NF: u16 = 404;
    for (i, user) in USERS.iter().enumerate() {
        let t = app.token(user).await;
        // Fresh records for the writes that change state, so every allowed write can succeed.
        let own = file_report(
            &app,
            &setup,
            simple_report(KALIPARE, "Laporan untuk diubah."),
        )
        .await;
        let dup = file_report(&app, &setup, simple_report(KALIPARE, "Laporan duplikat.")).await;
        let with_case = file_report(
            &app,
            &setup,
            simple_report(KALIPARE, "Laporan dengan kasus."),
        )
        .await;
        let (_, b) = app
            .api(
                &setup,
                Method::POST,
                &format!("/api/v1/reports/{with_case}/case"),
                Some(json!({"trafficking_status": "dugaan"})),
            )
            .await;
        let case = b["id"].as_i64().unwrap();
        let (_, b) = app
            .api(
                &setup,
                Method::POST,
                &format!("/api/v1/reports/{with_case}/referrals"),
                Some(refer.clone()),
            )
            .await;
        let referral = b["id"].as_i64().unwrap();

        type Row = (Method, String, Option<serde_json::Value>, [u16; 6]);
        // Columns: admin, kanwil, pimpasa, pemeriksa, disnaker (mitra), desa.kalipare.
        let table: Vec<Row> = vec![
            (
                Method::GET,
                "/api/v1/reports".into(),
                None,
                [OK, OK, OK, OK, FB, OK],
            ),
            (
                Method::POST,
                "/api/v1/reports".into(),
                Some(simple_report(KALIPARE, "Laporan baru.")),
                [CR, FB, CR, CR, FB, CR],
            ),
            (
                Method::GET,
                format!("/api/v1/reports/{shared}"),
                None,
                [OK, OK, OK, OK, NF, OK],
            ),
            (
                Method::GET,
                format!("/api/v1/reports/{shared}/linked"),
                None,
                [OK, OK, OK, OK, NF, OK],
            ),
            (
                Method::GET,
                format!("/api/v1/reports/{shared}/attachments/{aid}"),
                None,
                [OK, OK, OK, OK, NF, OK],
            ),
            (
                Method::PUT,
                format!("/api/v1/reports/{own}/indicators"),
                Some(json!({"indicators": ["proses_perekrutan"]})),
                [OK, FB, OK, OK, NF, FB],
            ),
            (
                Method::PUT,
                format!("/api/v1/reports/{own}/assignee"),
                Some(json!({"user_id": null})),
                [NC, FB, NC, NC, NF, FB],
            ),
            (
                Method::POST,
                format!("/api/v1/reports/{own}/status"),
                Some(json!({"status": "ditinjau", "note": "Ditinjau."})),
                [NC, FB, NC, NC, NF, FB],
            ),
            (
                Method::POST,
                format!("/api/v1/reports/{own}/info"),
                Some(json!({"body": "Informasi tambahan."})),
                [NC, FB, NC, NC, NF, NC],
            ),
            (
                Method::POST,
                format!("/api/v1/reports/{own}/referrals"),
                Some(refer.clone()),
                [CR, FB, CR, CR, NF, FB],
            ),
            (
                Method::POST,
                format!("/api/v1/reports/{own}/case"),
                Some(json!({"trafficking_status": "dugaan"})),
                [CR, FB, CR, CR, NF, FB],
            ),
            (
                Method::POST,
                format!("/api/v1/reports/{dup}/merge"),
                Some(json!({"into": shared.to_string()})),
                [OK, FB, OK, OK, NF, FB],
            ),
            (
                Method::GET,
                "/api/v1/referrals".into(),
                None,
                [OK, OK, OK, OK, OK, FB],
            ),
            (
                Method::GET,
                format!("/api/v1/referrals/{shared_referral}"),
                None,
                [OK, OK, OK, OK, OK, NF],
            ),
            (
                Method::POST,
                format!("/api/v1/referrals/{referral}/answer"),
                Some(json!({"status": "diterima"})),
                [NC, FB, FB, FB, NC, NF],
            ),
            (
                Method::POST,
                format!("/api/v1/referrals/{referral}/actions"),
                Some(json!({"body": "Pendataan dimulai."})),
                [NC, FB, FB, FB, NC, NF],
            ),
            (
                Method::GET,
                "/api/v1/cases".into(),
                None,
                [OK, OK, OK, OK, FB, FB],
            ),
            (
                Method::GET,
                "/api/v1/cases/export?anonymised=true".into(),
                None,
                [OK, OK, OK, OK, FB, FB],
            ),
            (
                Method::GET,
                format!("/api/v1/cases/{shared_case}"),
                None,
                [OK, OK, OK, OK, NF, NF],
            ),
            (
                Method::PUT,
                format!("/api/v1/cases/{shared_case}"),
                Some(json!({"trafficking_status": "dugaan", "legal_stage": "belum"})),
                [NC, FB, NC, NC, NF, NF],
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{shared_case}/people"),
                Some(json!({"kind": "korban", "name": "Korban Uji"})),
                [CR, FB, CR, CR, NF, NF],
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{shared_case}/services"),
                Some(
                    json!({"service_date": "2025-01-15", "service_type": "Legal", "provider": "LBH"}),
                ),
                [CR, FB, CR, CR, NF, NF],
            ),
            (
                Method::POST,
                format!("/api/v1/cases/{case}/status"),
                Some(json!({"status": "tindak_lanjut"})),
                [NC, FB, NC, NC, NF, NF],
            ),
            (Method::GET, "/api/v1/notifications".into(), None, [OK; 6]),
            (
                Method::POST,
                "/api/v1/notifications/read-all".into(),
                None,
                [NC; 6],
            ),
        ];
        for (method, path, body, want) in &table {
            let (status, b) = app.api(&t, method.clone(), path, body.clone()).await;
            assert_eq!(status.as_u16(), want[i], "{user} {method} {path}: {b}");
        }
        // Attachments are added by those who may add information.
        let (status, b) = upload(&app, &t, own, "foto.png", PNG).await;
        assert_eq!(
            status.as_u16(),
            [NC, FB, NC, NC, NF, NC][i],
            "{user} upload: {b}"
        );
        if i == 0 {
            // Signed out: every route of the table answers 401.
            for (method, path, body, _) in &table {
                let (status, _) =
                    crate::reports_api::anon(&app, method.clone(), path, body.clone()).await;
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "anonymous {method} {path}"
                );
            }
        }
    }
}
