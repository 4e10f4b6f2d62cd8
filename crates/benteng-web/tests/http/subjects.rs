//! Data-subject requests (issue 22, UU 27/2022): an officer records a request, finds what is
//! held about the person in the office's area only, hands it over as PDF and JSON, corrects
//! it, erases what may be erased, and closes the request; everyone else is refused.

use crate::harness::*;
use crate::two_areas::{spawn_two_areas, JATEN};
use benteng_app::reports::{PersonInput, ReportInput};
use benteng_db::retention::MARKER;
use benteng_db::storage::FsStore;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The person's phone, as typed and as stored.
const PHONE: &str = "0812 3333 4444";
const PHONE_E164: &str = "+6281233334444";
/// A woman born on 10 January 1990 in Kec. Sumbermanjing Wetan (35.07.04).
const NIK: &str = "3507045001900001";

struct Data {
    /// Open report: the person filed it with her phone and is named in it.
    open: i64,
    /// Closed report naming her as a victim.
    closed: i64,
    /// Closed report naming a suspected recruiter who used her phone.
    suspect: i64,
    /// Report in Blitar, outside Kanim Malang's area.
    blitar: i64,
    /// Her record in Sitiarjo's calon PMI register.
    migrant: i64,
}

fn person(role: &str, name: &str, nik: &str) -> PersonInput {
    PersonInput {
        role: role.into(),
        name: name.into(),
        phone: PHONE.into(),
        nik: nik.into(),
        ..Default::default()
    }
}

async fn report(app: &TestApp, village: &str, reporter: bool, p: PersonInput, status: &str) -> i64 {
    let store = FsStore::new(std::env::temp_dir().join("benteng-subject-test")).unwrap();
    let input = ReportInput {
        category: "korban".into(),
        description: "Dijanjikan kerja di kebun sawit, paspor ditahan agen.".into(),
        region_code: village.into(),
        destination_country: "MY".into(),
        anonymous: Some(if reporter { String::new() } else { "1".into() }),
        reporter_name: if reporter {
            "Siti Aminah".into()
        } else {
            String::new()
        },
        reporter_phone: if reporter {
            PHONE.into()
        } else {
            String::new()
        },
        people: vec![p],
        ..Default::default()
    };
    let (id, _) = benteng_app::reports::file_public(&app.db, &input, &[], &store)
        .await
        .unwrap();
    app.db
        .execute_raw(&format!(
            "UPDATE reports SET status = '{status}' WHERE id = {id}"
        ))
        .await
        .unwrap();
    id
}

async fn seed(app: &TestApp) -> Data {
    let open = report(
        app,
        KALIPARE,
        true,
        person("korban", "Siti Aminah", NIK),
        "baru",
    )
    .await;
    let closed = report(
        app,
        KALIPARE,
        false,
        person("korban", "Siti Aminah", ""),
        "selesai",
    )
    .await;
    let suspect = report(
        app,
        KALIPARE,
        false,
        person("perekrut", "Pak Darto", ""),
        "selesai",
    )
    .await;
    let blitar = report(
        app,
        JATEN,
        true,
        person("korban", "Siti Aminah", NIK),
        "selesai",
    )
    .await;
    let desa = app.token("desa.sitiarjo").await;
    let (s, b) = app
        .api(
            &desa,
            Method::POST,
            "/api/v1/migrants",
            Some(
                json!({"name": "Siti Aminah", "nik": NIK, "birth_date": "1990-01-10", "sex": "p",
                        "phone": PHONE, "destination": "MY", "scheme": "belum_tahu"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    Data {
        open,
        closed,
        suspect,
        blitar,
        migrant: b["id"].as_i64().unwrap(),
    }
}

/// Record a request through the page; returns its id.
async fn record(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> i64 {
    let (s, body, to) = app
        .post_form(c, "/privasi/permintaan/baru", "/privasi/permintaan", fields)
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    to.unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

/// `(found_as, record_id)` of every finding, and the findings themselves.
async fn findings(app: &TestApp, token: &str, id: i64) -> (BTreeSet<(String, i64)>, Vec<Value>) {
    let (s, b) = app
        .api(
            token,
            Method::GET,
            &format!("/api/v1/subject-requests/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let items = b["findings"]["items"].as_array().unwrap().clone();
    let set = items
        .iter()
        .map(|f| {
            (
                f["found_as"].as_str().unwrap().to_string(),
                f["record_id"].as_i64().unwrap(),
            )
        })
        .collect();
    (set, items)
}

fn key_of(items: &[Value], found_as: &str, record: i64) -> String {
    let f = items
        .iter()
        .find(|f| f["found_as"] == found_as && f["record_id"] == record)
        .unwrap_or_else(|| panic!("{found_as} {record} in {items:?}"));
    format!("{found_as}:{}", f["row_id"])
}

async fn count(app: &TestApp, s: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(s.to_string()))
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

async fn text(app: &TestApp, s: &str) -> Option<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(s.to_string()))
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[tokio::test]
async fn an_officer_finds_what_is_held_in_the_area_and_hands_it_over() {
    let (app, _) = spawn_two_areas().await;
    let d = seed(&app).await;
    let c = app.login("pimpasa.malang").await;
    let token = app.token("pimpasa.malang").await;

    // The form refuses a request without anything to search by, and a name too short.
    let (s, body, _) = app
        .post_form(
            &c,
            "/privasi/permintaan/baru",
            "/privasi/permintaan",
            &[
                ("kind", "akses"),
                ("requester_name", "Siti Aminah"),
                ("name", "Al"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Nama terlalu pendek"), "{body}");
    let (s, body, _) = app
        .post_form(
            &c,
            "/privasi/permintaan/baru",
            "/privasi/permintaan",
            &[("kind", "lihat"), ("requester_name", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in ["Pilih jenis permintaan", "Isi NIK, nomor telepon atau nama"] {
        assert!(body.contains(msg), "{msg}");
    }

    let id = record(
        &app,
        &c,
        &[
            ("kind", "akses"),
            ("requester_name", "Siti Aminah"),
            ("requester_contact", "datang ke kantor"),
            ("phone", PHONE),
        ],
    )
    .await;

    // By phone, within Kanim Malang's area only: the Blitar report is not found.
    let (found, items) = findings(&app, &token, id).await;
    let expected: BTreeSet<(String, i64)> = [
        ("pelapor", d.open),
        ("orang_laporan", d.open),
        ("orang_laporan", d.closed),
        ("orang_laporan", d.suspect),
        ("calon_pmi", d.migrant),
    ]
    .into_iter()
    .map(|(k, r)| (k.to_string(), r))
    .collect();
    assert_eq!(found, expected);
    assert!(!found.iter().any(|(_, r)| *r == d.blitar));
    for f in &items {
        assert_eq!(f["matched_by"], json!(["phone"]), "{f}");
        assert_eq!(f["phone"], PHONE_E164);
    }
    // What may not be erased says why: the open report, the suspected recruiter.
    let withheld = |k: &str, r: i64| {
        items
            .iter()
            .find(|f| f["found_as"] == k && f["record_id"] == r)
            .unwrap()["withheld"]
            .clone()
    };
    assert_eq!(withheld("orang_laporan", d.open), "subject-withheld-open");
    assert_eq!(
        withheld("orang_laporan", d.suspect),
        "subject-withheld-suspect"
    );
    assert_eq!(withheld("orang_laporan", d.closed), Value::Null);
    assert_eq!(withheld("calon_pmi", d.migrant), Value::Null);

    // The page in words, the answer as PDF and JSON.
    let (s, page) = app.get(&c, &format!("/privasi/permintaan/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("5 data ditemukan"), "{page}");
    assert!(page.contains("Terduga perekrut"));
    let r = c
        .get(app.url(&format!("/privasi/permintaan/{id}/jawaban.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = crate::migrants::pdf_text(&r.bytes().await.unwrap());
    assert!(pdf.contains("DATA PRIBADI YANG TERSIMPAN"), "{pdf}");
    assert!(
        pdf.contains(PHONE_E164) && pdf.contains("Siti Aminah"),
        "{pdf}"
    );
    assert!(
        pdf.contains("Orang dalam laporan") && pdf.contains("Calon PMI"),
        "{pdf}"
    );
    let r = c
        .get(app.url(&format!("/privasi/permintaan/{id}/jawaban.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let json: Value = r.json().await.unwrap();
    assert_eq!(json["data"].as_array().unwrap().len(), 5);

    // Each view is audited as sensitive, the exports too; no entry holds the phone.
    let views = count(
        &app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'subject_request_find' AND entity_id = '{id}' AND sensitive = 1"),
    )
    .await;
    assert!(views >= 3, "{views}");
    let exports = count(
        &app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'subject_request_export' AND entity_id = '{id}'"),
    )
    .await;
    assert_eq!(exports, 2);
    let leaks = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%33334444%' OR detail LIKE '%Aminah%'",
    )
    .await;
    assert_eq!(leaks, 0);

    // Closing needs an outcome; a closed request cannot be closed again.
    let path = format!("/privasi/permintaan/{id}");
    let (s, body, _) = app
        .post_form(
            &c,
            &path,
            &format!("{path}/tutup"),
            &[("status", "selesai"), ("outcome", " ")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, _, _) = app
        .post_form(
            &c,
            &path,
            &format!("{path}/tutup"),
            &[
                ("status", "selesai"),
                ("outcome", "Salinan PDF diserahkan langsung."),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, b) = app
        .api(
            &token,
            Method::POST,
            &format!("/api/v1/subject-requests/{id}/close"),
            Some(json!({"status": "ditolak", "outcome": "lagi"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let (_, page) = app.get(&c, &path).await;
    assert!(page.contains("Salinan PDF diserahkan langsung.") && page.contains("Jawaban diunduh"));

    // A request received ten days ago is past its deadline and listed as such.
    let old = (benteng_app::today() - time::Duration::days(10)).to_string();
    let late = record(
        &app,
        &c,
        &[
            ("kind", "akses"),
            ("requester_name", "Warga Lain"),
            ("nik", NIK),
            ("received_on", &old),
        ],
    )
    .await;
    let (_, list) = app.get(&c, "/privasi/permintaan?terlambat=1").await;
    assert!(
        list.contains(&format!("/privasi/permintaan/{late}\"")),
        "{list}"
    );
    assert!(!list.contains(&format!("/privasi/permintaan/{id}\"")));
    assert!(list.contains("Lewat batas waktu"));
}

#[tokio::test]
async fn corrections_and_erasures_change_only_what_may_change() {
    let (app, _) = spawn_two_areas().await;
    let d = seed(&app).await;
    let c = app.login("pimpasa.malang").await;
    let token = app.token("pimpasa.malang").await;

    // Correction, by NIK: her person in the open report and her register entry.
    let fix = record(
        &app,
        &c,
        &[
            ("kind", "koreksi"),
            ("requester_name", "Siti Aminah"),
            ("nik", NIK),
        ],
    )
    .await;
    let (found, items) = findings(&app, &token, fix).await;
    let expected: BTreeSet<(String, i64)> = [
        ("orang_laporan".to_string(), d.open),
        ("calon_pmi".to_string(), d.migrant),
    ]
    .into();
    assert_eq!(found, expected);
    let person = key_of(&items, "orang_laporan", d.open);
    let path = format!("/privasi/permintaan/{fix}");
    let (s, body, _) = app
        .post_form(
            &c,
            &path,
            &format!("{path}/koreksi"),
            &[("finding", &person), ("field", "phone"), ("value", "12")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, _, _) = app
        .post_form(
            &c,
            &path,
            &format!("{path}/koreksi"),
            &[
                ("finding", &person),
                ("field", "phone"),
                ("value", "0813 5555 6666"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let row = person.split(':').nth(1).unwrap();
    assert_eq!(
        text(
            &app,
            &format!("SELECT phone FROM report_people WHERE id = {row}")
        )
        .await
        .as_deref(),
        Some("+6281355556666")
    );
    // The register's NIK is corrected in the register, where its check runs again.
    let migrant = key_of(&items, "calon_pmi", d.migrant);
    let (s, b) = app
        .api(
            &token,
            Method::POST,
            &format!("/api/v1/subject-requests/{fix}/corrections"),
            Some(json!({"finding": migrant, "field": "nik", "value": "3507045001900002"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // A finding of another request, or of nobody, is not corrected.
    let (s, _) = app
        .api(&token, Method::POST, &format!("/api/v1/subject-requests/{fix}/corrections"),
            Some(json!({"finding": format!("orang_laporan:{}", 1_000_000), "field": "name", "value": "X Y Z"})))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // No erasure on a correction request.
    let (s, _) = app
        .api(
            &token,
            Method::POST,
            &format!("/api/v1/subject-requests/{fix}/erasures"),
            Some(json!({"findings": [migrant]})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Erasure, by phone: the open report's person no longer has it (corrected above).
    let del = record(
        &app,
        &c,
        &[
            ("kind", "penghapusan"),
            ("requester_name", "Siti Aminah"),
            ("phone", PHONE),
        ],
    )
    .await;
    let (_, items) = findings(&app, &token, del).await;
    let path = format!("/privasi/permintaan/{del}");
    // What is withheld refuses the whole erasure, and nothing changes.
    for k in [
        key_of(&items, "orang_laporan", d.suspect),
        key_of(&items, "pelapor", d.open),
    ] {
        let (s, body, _) = app
            .post_form(
                &c,
                &path,
                &format!("{path}/hapus"),
                &[
                    ("pilih", &k),
                    ("pilih", &key_of(&items, "calon_pmi", d.migrant)),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{k}");
        assert!(body.contains("tidak dapat dihapus"), "{body}");
    }
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM migrants WHERE id = {} AND anonymised_at IS NULL",
                d.migrant
            )
        )
        .await,
        1
    );
    let closed = key_of(&items, "orang_laporan", d.closed);
    let (s, _, _) = app
        .post_form(
            &c,
            &path,
            &format!("{path}/hapus"),
            &[
                ("pilih", &closed),
                ("pilih", &key_of(&items, "calon_pmi", d.migrant)),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let row = closed.split(':').nth(1).unwrap();
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM report_people WHERE id = {row} AND name IS NULL AND phone IS NULL AND nik IS NULL")).await,
        1
    );
    assert_eq!(
        text(
            &app,
            &format!("SELECT name FROM migrants WHERE id = {}", d.migrant)
        )
        .await
        .as_deref(),
        Some(MARKER)
    );
    // The report itself stays for the figures, with its other people.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM reports WHERE id = {} AND status = 'selesai'",
                d.closed
            )
        )
        .await,
        1
    );
    // Erased records are no longer found; the withheld ones still are.
    let (found, _) = findings(&app, &token, del).await;
    let expected: BTreeSet<(String, i64)> = [
        ("pelapor".to_string(), d.open),
        ("orang_laporan".to_string(), d.suspect),
    ]
    .into();
    assert_eq!(found, expected);
    let (_, page) = app.get(&c, &path).await;
    assert!(page.contains("Data dihapus"), "{page}");
    let erased = text(
        &app,
        &format!("SELECT detail FROM audit_log WHERE action = 'subject_request_erase' AND entity_id = '{del}'"),
    )
    .await
    .unwrap();
    assert!(erased.starts_with("erased=2 "), "{erased}");
}

#[tokio::test]
async fn requests_are_refused_to_other_roles_and_hidden_from_other_offices() {
    let (app, _) = spawn_two_areas().await;
    seed(&app).await;
    let c = app.login("pimpasa.malang").await;
    let id = record(
        &app,
        &c,
        &[
            ("kind", "akses"),
            ("requester_name", "Siti Aminah"),
            ("nik", NIK),
        ],
    )
    .await;

    for user in [
        "kanwil.jatim",
        "desa.sitiarjo",
        "disnaker.malang",
        "polres.malang",
    ] {
        let c = app.login(user).await;
        let (_, home) = app.get(&c, "/").await;
        assert!(
            !home.contains("/privasi/permintaan"),
            "{user} sees the menu item"
        );
        for path in [
            "/privasi/permintaan",
            "/privasi/permintaan/baru",
            &format!("/privasi/permintaan/{id}"),
            &format!("/privasi/permintaan/{id}/jawaban.pdf"),
        ] {
            let (s, _) = app.get(&c, path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{user} {path}");
        }
        let (s, _, _) = app
            .post_form(
                &c,
                "/",
                "/privasi/permintaan",
                &[("kind", "akses"), ("requester_name", "X"), ("nik", NIK)],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} records");
        let t = app.token(user).await;
        for (m, p, b) in [
            (Method::GET, "/api/v1/subject-requests".to_string(), None),
            (
                Method::POST,
                "/api/v1/subject-requests".to_string(),
                Some(json!({"kind": "akses", "requester_name": "X", "nik": NIK})),
            ),
            (Method::GET, format!("/api/v1/subject-requests/{id}"), None),
            (
                Method::POST,
                format!("/api/v1/subject-requests/{id}/close"),
                Some(json!({"status": "selesai", "outcome": "x"})),
            ),
        ] {
            let (s, _) = app.api(&t, m.clone(), &p, b).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{user} {m} {p}");
        }
    }

    // Another office's officer does not learn that the request exists.
    let c = app.login("petugas.blitar").await;
    let (_, list) = app.get(&c, "/privasi/permintaan").await;
    assert!(!list.contains(&format!("/privasi/permintaan/{id}\"")));
    for path in [
        format!("/privasi/permintaan/{id}"),
        format!("/privasi/permintaan/{id}/jawaban.json"),
    ] {
        let (s, _) = app.get(&c, &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let t = app.token("petugas.blitar").await;
    let (s, _) = app
        .api(
            &t,
            Method::POST,
            &format!("/api/v1/subject-requests/{id}/close"),
            Some(json!({"status": "selesai", "outcome": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Its own request finds only what is in Blitar.
    let (s, b) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/subject-requests",
            Some(json!({"kind": "akses", "requester_name": "Siti", "nik": NIK})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let own = b["id"].as_i64().unwrap();
    let (found, _) = findings(&app, &t, own).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found.iter().all(|(k, _)| k == "orang_laporan"));
}
