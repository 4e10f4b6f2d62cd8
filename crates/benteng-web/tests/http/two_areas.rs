//! Two more areas beside the Malang demo, for the refusal and list-scope tests: Kantor Imigrasi
//! Blitar (Kabupaten Blitar, Jawa Timur, outside Kanim Malang's area) and Kantor Imigrasi
//! Denpasar (Kota Denpasar, Bali), each with its own officer, village user and (Blitar) labour
//! agency, and a Kanwil for Bali. Offices, areas and the agency are made through the admin's
//! API; the accounts with the operator's command (`benteng user add`), so they need no first
//! password change.

use crate::harness::*;
use benteng_app::users::UserInput;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A village of Kabupaten Blitar (Kec. Wonodadi), outside Kanim Malang's area.
pub const JATEN: &str = "35.05.01.2001";
/// A kelurahan of Kota Denpasar (Kec. Denpasar Selatan), Bali.
pub const SERANGAN: &str = "51.71.01.1001";

pub struct Areas {
    pub blitar_office: i64,
    pub denpasar_office: i64,
}

/// The Malang demo plus the two areas. Accounts added:
/// - `petugas.blitar`: petugas of Kantor Imigrasi Blitar, village mentor and interviewer;
/// - `desa.jaten`: the village of Jaten (Blitar);
/// - `disnaker.blitar`: mitra of Dinas Tenaga Kerja Kabupaten Blitar;
/// - `kanwil.bali`: the Kanwil of Bali (province 51);
/// - `petugas.denpasar`: petugas of Kantor Imigrasi Denpasar, mentor and interviewer;
/// - `desa.serangan`: the kelurahan of Serangan (Denpasar).
pub async fn spawn_two_areas() -> (TestApp, Areas) {
    let mut app = crate::reports_api::spawn_roomy().await;
    // The harness loads villages of Malang and Blitar only; Kota Denpasar's are added here.
    let (rows, bad) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.starts_with("51.71.")
    });
    assert!(bad.is_empty() && !rows.is_empty());
    app.db.regions().load_regions(&rows).await.unwrap();

    let admin = app.token("admin.demo").await;
    let office = |name: &'static str, province: &'static str, area: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let (s, b) = app
                .api(
                    admin,
                    Method::POST,
                    "/api/v1/offices",
                    Some(json!({"name": name, "kind": "kanim", "province_code": province})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{name}: {b}");
            let id = b["id"].as_i64().unwrap();
            let (s, b) = app
                .api(
                    admin,
                    Method::POST,
                    &format!("/api/v1/offices/{id}/areas"),
                    Some(json!({"region_code": area, "valid_from": "2020-01-01"})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{name} {area}: {b}");
            id
        }
    };
    let blitar_office = office("Kantor Imigrasi Blitar", "35", "35.05").await;
    let denpasar_office = office("Kantor Imigrasi Denpasar", "51", "51.71").await;
    let (s, b) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/agencies",
            Some(json!({"name": "Dinas Tenaga Kerja Kabupaten Blitar", "kind": "disnaker", "region_code": "35.05"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let disnaker_blitar = b["id"].as_i64().unwrap();

    let officer = |username: &str, office: i64| UserInput {
        username: username.into(),
        full_name: format!("Petugas {username}"),
        role: "petugas".into(),
        office_id: office.to_string(),
        pimpasa: Some("1".into()),
        pemeriksa: Some("1".into()),
        ..Default::default()
    };
    let homed = |username: &str, role: &str, region: &str| UserInput {
        username: username.into(),
        full_name: format!("Pengguna {username}"),
        role: role.into(),
        region_code: region.into(),
        ..Default::default()
    };
    let accounts = [
        officer("petugas.blitar", blitar_office),
        homed("desa.jaten", "desa", JATEN),
        UserInput {
            username: "disnaker.blitar".into(),
            full_name: "Staf Disnaker Blitar".into(),
            role: "mitra".into(),
            agency_id: disnaker_blitar.to_string(),
            ..Default::default()
        },
        homed("kanwil.bali", "kanwil", "51"),
        officer("petugas.denpasar", denpasar_office),
        homed("desa.serangan", "desa", SERANGAN),
    ];
    for mut u in accounts {
        u.password = benteng_app::users::random_password();
        u.active = Some("1".into());
        benteng_app::users::create_as_operator(&app.db, &u, false)
            .await
            .unwrap_or_else(|e| panic!("account {}: {e}", u.username));
        app.logins.insert(u.username.clone(), u.password.clone());
    }
    (
        app,
        Areas {
            blitar_office,
            denpasar_office,
        },
    )
}

/// The id of an account, by its username.
pub async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.db
        .users()
        .user_id_by_name(username)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {username}"))
}

/// Enrol a village in the programme for `office`, as `token`; its id.
pub async fn enrol(app: &TestApp, token: &str, village: &str, office: i64) -> i64 {
    let (s, b) = app
        .api(
            token,
            Method::POST,
            "/api/v1/desa-binaan",
            Some(json!({"region_code": village, "office_id": office, "sk_number": format!("SK/{village}"),
                        "sk_date": "2025-01-02", "status": "aktif"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "enrol {village}: {b}");
    b["id"].as_i64().unwrap()
}
