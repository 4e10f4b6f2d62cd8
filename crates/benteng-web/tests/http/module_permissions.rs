//! The permission matrix of the module pages (reports, referrals, cases, notifications,
//! screening, watchlist): every role against every page and a write of each kind, written out
//! by hand like `permissions.rs`. A refused request answers 403, or 404 where the record must
//! not be known to exist for that user.

use crate::harness::*;
use crate::reports_api::{agency_id, file_report, simple_report, spawn_roomy};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// admin, kanwil, petugas with pimpasa, petugas with pemeriksa, mitra (Disnaker), desa.
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

fn refused(s: StatusCode) -> bool {
    s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND
}

#[tokio::test]
async fn module_pages_and_writes_follow_the_policy() {
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let report = file_report(
        &app,
        &officer,
        simple_report(KALIPARE, "Laporan uji hak akses."),
    )
    .await;
    let disnaker = agency_id(&app, &officer, "Dinas Tenaga Kerja Kabupaten Malang").await;
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{report}/referrals"),
            Some(
                json!({"agency_id": disnaker, "purpose": "penempatan", "due_date": "2099-01-31",
                        "message": "Mohon pendataan.", "consent": true, "consent_by": "Korban"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let referral = b["id"].as_i64().unwrap();
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            &format!("/api/v1/reports/{report}/case"),
            Some(json!({"trafficking_status": "dugaan"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let case = b["id"].as_i64().unwrap();
    let interviewer = app.token("pemeriksa.malang").await;
    let (s, b) = app
        .api(
            &interviewer,
            Method::POST,
            "/api/v1/screenings",
            Some(json!({"name": "Pemohon Uji", "purpose": "wisata"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let screening = b["id"].as_i64().unwrap();

    let pages: Vec<(String, [bool; 6])> = vec![
        ("/laporan".into(), [Y, Y, Y, Y, N, Y]),
        ("/laporan/baru".into(), [Y, N, Y, Y, N, Y]),
        (format!("/laporan/{report}"), [Y, Y, Y, Y, N, Y]),
        ("/rujukan".into(), [Y, Y, Y, Y, Y, N]),
        (format!("/rujukan/{referral}"), [Y, Y, Y, Y, Y, N]),
        ("/kasus".into(), [Y, Y, Y, Y, N, N]),
        (format!("/kasus/{case}"), [Y, Y, Y, Y, N, N]),
        (
            "/kasus/ekspor?format=csv&anonim=1".into(),
            [Y, Y, Y, Y, N, N],
        ),
        ("/notifikasi".into(), [Y, Y, Y, Y, Y, Y]),
        ("/skrining".into(), [Y, Y, Y, Y, N, N]),
        ("/skrining/baru".into(), [Y, N, N, Y, N, N]),
        ("/skrining/massal".into(), [Y, N, N, Y, N, N]),
        (format!("/skrining/{screening}"), [Y, Y, Y, Y, N, N]),
        ("/daftar-pantau".into(), [Y, Y, Y, Y, N, N]),
    ];
    // (path, fields, allowed): each allowed write succeeds with a redirect.
    type Write = (String, Vec<(&'static str, &'static str)>, [bool; 6]);
    let writes: Vec<Write> = vec![
        (
            format!("/laporan/{report}/petugas"),
            vec![("user_id", "")],
            [Y, N, Y, Y, N, N],
        ),
        ("/notifikasi/baca-semua".into(), vec![], [Y, Y, Y, Y, Y, Y]),
        (
            "/skrining".into(),
            vec![("name", "Pemohon Kedua"), ("purpose", "umrah")],
            [Y, N, N, Y, N, N],
        ),
        (
            format!("/skrining/{screening}/keputusan"),
            vec![("decision", "lanjut")],
            [Y, N, N, Y, N, N],
        ),
        (
            "/daftar-pantau".into(),
            vec![
                ("name", "Calo Uji"),
                ("category", "perekrut"),
                ("region_code", KALIPARE),
            ],
            [Y, N, Y, Y, N, N],
        ),
    ];
    for (i, user) in USERS.iter().enumerate() {
        let c = app.login(user).await;
        for (path, allowed) in &pages {
            let (status, _) = app.get(&c, path).await;
            if allowed[i] {
                assert_eq!(status, StatusCode::OK, "{user} GET {path}");
            } else {
                assert!(refused(status), "{user} GET {path}: {status}");
            }
        }
        for (path, fields, allowed) in &writes {
            let (status, body, _) = app.post_form(&c, "/akun", path, fields).await;
            if allowed[i] {
                assert_eq!(status, StatusCode::SEE_OTHER, "{user} POST {path}: {body}");
            } else {
                assert!(refused(status), "{user} POST {path}: {status}");
            }
        }
    }
    // Signed out, every one of them sends the visitor to the login page.
    let anon = client();
    for (path, _) in &pages {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "anonymous GET {path}");
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/masuk"));
    }
}

#[tokio::test]
async fn screening_api_follows_the_policy() {
    let app = spawn_roomy().await;
    let interviewer = app.token("pemeriksa.malang").await;
    let (_, b) = app
        .api(
            &interviewer,
            Method::POST,
            "/api/v1/screenings",
            Some(json!({"name": "Pemohon Uji", "purpose": "wisata"})),
        )
        .await;
    let screening = b["id"].as_i64().unwrap();
    const OK: u16 = 200;
    const CR: u16 = 201;
    const NC: u16 = 204;
    const FB: u16 = 403;
    for (i, user) in USERS.iter().enumerate() {
        let t = app.token(user).await;
        let (_, w) = app
            .api(
                &app.token("admin.demo").await,
                Method::POST,
                "/api/v1/watchlist",
                Some(json!({"name": "Entri Uji", "category": "lainnya", "region_code": KALIPARE})),
            )
            .await;
        let entry = w["id"].as_i64().unwrap();
        type Row = (Method, String, Option<serde_json::Value>, [u16; 6]);
        let table: Vec<Row> = vec![
            (
                Method::GET,
                "/api/v1/screenings".into(),
                None,
                [OK, OK, OK, OK, FB, FB],
            ),
            (
                Method::GET,
                "/api/v1/screenings/stats".into(),
                None,
                [OK, OK, OK, OK, FB, FB],
            ),
            (
                Method::POST,
                "/api/v1/screenings".into(),
                Some(json!({"name": "Pemohon", "purpose": "bisnis"})),
                [CR, FB, FB, CR, FB, FB],
            ),
            (
                Method::GET,
                format!("/api/v1/screenings/{screening}"),
                None,
                [OK, OK, OK, OK, FB, FB],
            ),
            (
                Method::POST,
                format!("/api/v1/screenings/{screening}/decision"),
                Some(json!({"decision": "wawancara_lanjutan"})),
                [NC, FB, FB, NC, FB, FB],
            ),
            (
                Method::GET,
                "/api/v1/watchlist".into(),
                None,
                [OK, OK, OK, OK, FB, FB],
            ),
            (
                Method::POST,
                "/api/v1/watchlist".into(),
                Some(json!({"name": "Calo", "category": "perekrut", "region_code": KALIPARE})),
                [CR, FB, CR, CR, FB, FB],
            ),
            (
                Method::POST,
                format!("/api/v1/watchlist/{entry}/end"),
                None,
                [NC, FB, NC, NC, FB, FB],
            ),
        ];
        for (method, path, body, want) in table {
            let (s, b) = app.api(&t, method.clone(), &path, body).await;
            assert_eq!(s.as_u16(), want[i], "{user} {method} {path}: {b}");
        }
        // The CSV endpoints, with a valid body: refused before it is read, or done (200).
        let watch_csv = format!("name,category,region_code\nCalo Impor {i},perekrut,{KALIPARE}\n");
        for (path, csv, allowed) in [
            (
                "/api/v1/screenings/batch",
                "id,name\nq1,Budi Santoso\n".to_string(),
                [Y, N, N, Y, N, N][i],
            ),
            ("/api/v1/watchlist/import", watch_csv, [Y, N, Y, Y, N, N][i]),
        ] {
            let r = client()
                .post(app.url(path))
                .bearer_auth(&t)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap();
            let want = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            let status = r.status();
            assert_eq!(status, want, "{user} {path}: {}", r.text().await.unwrap());
        }
    }
}
