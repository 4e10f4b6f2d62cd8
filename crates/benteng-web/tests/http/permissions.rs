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
    // Signed out: every page except the login page sends the visitor to /masuk.
    let anon = client();
    for (path, _) in &table {
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
