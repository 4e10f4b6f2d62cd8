//! Every list is cut to the viewer's area, with data on both sides of each line: villages of
//! two kabupaten in Jawa Timur (Malang, Blitar) and of Kota Denpasar in Bali, three offices,
//! and the village users of four villages. For each viewer the expected rows are written out by
//! name (the names the test gave the records), never derived from the product's scope code,
//! and checked in the API list, the page list and the exports where the list has them.

use crate::harness::*;
use crate::reports_api::{file_report, simple_report};
use crate::two_areas::{enrol, spawn_two_areas, JATEN, SERANGAN};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Names the test gave its records, by id.
type Known = BTreeMap<i64, &'static str>;

fn named(known: &Known, ids: impl IntoIterator<Item = i64>) -> Vec<&'static str> {
    let mut v: Vec<&str> = ids
        .into_iter()
        .filter_map(|id| known.get(&id).copied())
        .collect();
    v.sort();
    v
}

/// The known rows of an API list (one page is enough here) and its total.
async fn api_rows(
    app: &TestApp,
    token: &str,
    path: &str,
    known: &Known,
) -> (Vec<&'static str>, i64) {
    let (s, b) = app.api(token, Method::GET, path, None).await;
    assert_eq!(s, StatusCode::OK, "{path}: {b}");
    let items = b["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: {b}"));
    assert!(
        items.len() as i64 == b["total"].as_i64().unwrap(),
        "{path}: everything on one page: {b}"
    );
    (
        named(known, items.iter().map(|i| i["id"].as_i64().unwrap())),
        b["total"].as_i64().unwrap(),
    )
}

/// The known rows a page list links to (`href="{prefix}{id}"`).
async fn page_rows(
    app: &TestApp,
    c: &Client,
    path: &str,
    prefix: &str,
    known: &Known,
) -> Vec<&'static str> {
    let (s, html) = app.get(c, path).await;
    assert_eq!(s, StatusCode::OK, "{path}");
    let re = regex_lite::Regex::new(&format!(r#"href="{prefix}(\d+)""#)).unwrap();
    let mut ids: Vec<i64> = re
        .captures_iter(&html)
        .map(|c| c[1].parse().unwrap())
        .collect();
    ids.dedup();
    named(known, ids)
}

/// A signed-in browser and an API token for `user`.
async fn both(app: &TestApp, user: &str) -> (Client, String) {
    (app.login(user).await, app.token(user).await)
}

#[tokio::test]
async fn desa_binaan_lists_hold_the_viewers_villages_only() {
    let (app, areas) = spawn_two_areas().await;
    let blitar = app.token("petugas.blitar").await;
    let denpasar = app.token("petugas.denpasar").await;
    let known: Known = [
        (app.desa_id(KALIPARE).await, "Kalipare"),
        (app.desa_id(SITIARJO).await, "Sitiarjo"),
        (
            enrol(&app, &blitar, JATEN, areas.blitar_office).await,
            "Jaten",
        ),
        (
            enrol(&app, &denpasar, SERANGAN, areas.denpasar_office).await,
            "Serangan",
        ),
    ]
    .into();
    // Beside these four, the Malang demo has 11 more desa binaan (13 in all).
    let table: [(&str, &[&str], i64); 12] = [
        (
            "admin.demo",
            &["Jaten", "Kalipare", "Serangan", "Sitiarjo"],
            15,
        ),
        ("kanwil.jatim", &["Jaten", "Kalipare", "Sitiarjo"], 14),
        ("kanwil.bali", &["Serangan"], 1),
        ("pimpasa.malang", &["Kalipare", "Sitiarjo"], 13),
        ("petugas.blitar", &["Jaten"], 1),
        ("petugas.denpasar", &["Serangan"], 1),
        ("disnaker.malang", &["Kalipare", "Sitiarjo"], 13),
        ("disnaker.blitar", &["Jaten"], 1),
        ("bp3mi.jatim", &["Jaten", "Kalipare", "Sitiarjo"], 14),
        ("desa.kalipare", &["Kalipare"], 1),
        ("desa.jaten", &["Jaten"], 1),
        ("desa.serangan", &["Serangan"], 1),
    ];
    for (user, want, total) in table {
        let (c, t) = both(&app, user).await;
        let (rows, n) = api_rows(&app, &t, "/api/v1/desa-binaan", &known).await;
        assert_eq!((rows, n), (want.to_vec(), total), "{user}: API");
        assert_eq!(
            page_rows(&app, &c, "/desa-binaan", "/desa-binaan/", &known).await,
            want,
            "{user}: page"
        );
    }
}

#[tokio::test]
async fn the_calon_pmi_register_and_its_exports_hold_the_viewers_residents_only() {
    let (app, _) = spawn_two_areas().await;
    let mut known = Known::new();
    for (village, name) in [
        ("desa.sitiarjo", "Wati Sitiarjo"),
        ("desa.kalipare", "Rina Kalipare"),
        ("desa.jaten", "Dewi Jaten"),
        ("desa.serangan", "Made Serangan"),
    ] {
        let t = app.token(village).await;
        let (s, b) = app
            .api(
                &t,
                Method::POST,
                "/api/v1/migrants",
                Some(json!({"name": name, "birth_date": "1996-02-03"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        known.insert(b["id"].as_i64().unwrap(), name);
    }
    const ALL_JATIM: &[&str] = &["Dewi Jaten", "Rina Kalipare", "Wati Sitiarjo"];
    const MALANG_TWO: &[&str] = &["Rina Kalipare", "Wati Sitiarjo"];
    let table: [(&str, &[&str]); 12] = [
        (
            "admin.demo",
            &[
                "Dewi Jaten",
                "Made Serangan",
                "Rina Kalipare",
                "Wati Sitiarjo",
            ],
        ),
        ("kanwil.jatim", ALL_JATIM),
        ("kanwil.bali", &["Made Serangan"]),
        ("pimpasa.malang", MALANG_TWO),
        ("petugas.blitar", &["Dewi Jaten"]),
        ("petugas.denpasar", &["Made Serangan"]),
        ("disnaker.malang", MALANG_TWO),
        ("disnaker.blitar", &["Dewi Jaten"]),
        ("bp3mi.jatim", ALL_JATIM),
        ("desa.sitiarjo", &["Wati Sitiarjo"]),
        ("desa.jaten", &["Dewi Jaten"]),
        ("desa.serangan", &["Made Serangan"]),
    ];
    for (user, want) in table {
        let (c, t) = both(&app, user).await;
        let (rows, n) = api_rows(&app, &t, "/api/v1/migrants", &known).await;
        assert_eq!((rows, n), (want.to_vec(), want.len() as i64), "{user}: API");
        assert_eq!(
            page_rows(&app, &c, "/calon-pmi", "/calon-pmi/", &known).await,
            want,
            "{user}: page"
        );
        // The CSV export: a row per resident, names in the fourth column.
        let r = c
            .get(app.url("/calon-pmi/ekspor?format=csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{user}: CSV");
        let csv = r.text().await.unwrap();
        let mut names: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split(',').nth(3).unwrap_or(""))
            .collect();
        names.sort();
        assert_eq!(names, want, "{user}: CSV {csv}");
        // The XLSX export: the same rows.
        let r = c
            .get(app.url("/calon-pmi/ekspor?format=xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{user}: XLSX");
        let rows = xlsx_rows(&r.bytes().await.unwrap());
        let column = rows[0].iter().position(|h| h == "name").unwrap();
        let mut names: Vec<&str> = rows[1..].iter().map(|r| r[column].as_str()).collect();
        names.sort();
        assert_eq!(names, want, "{user}: XLSX");
    }
    // A partner agency that is no labour agency is refused the register and its exports.
    let (c, t) = both(&app, "dukcapil.malang").await;
    let (s, _) = app.api(&t, Method::GET, "/api/v1/migrants", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for path in [
        "/calon-pmi",
        "/calon-pmi/ekspor?format=csv",
        "/calon-pmi/ekspor?format=xlsx",
    ] {
        let (s, _) = app.get(&c, path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
}

/// The rows of the first sheet of an XLSX file, as text.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .expect("an XLSX file");
    let range = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("a readable sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn case_lists_and_the_htcds_export_hold_the_viewers_cases_only() {
    let (app, _) = spawn_two_areas().await;
    let mut known = Known::new();
    for (officer, village, name) in [
        ("pimpasa.malang", SITIARJO, "Sitiarjo"),
        ("petugas.blitar", JATEN, "Jaten"),
        ("petugas.denpasar", SERANGAN, "Serangan"),
    ] {
        let t = app.token(officer).await;
        let report = file_report(&app, &t, simple_report(village, "Perekrutan tanpa izin.")).await;
        let (s, b) = app
            .api(
                &t,
                Method::POST,
                &format!("/api/v1/reports/{report}/case"),
                Some(json!({"trafficking_status": "dugaan"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{officer}: {b}");
        known.insert(b["id"].as_i64().unwrap(), name);
    }
    // Region codes in the export: the village for those who may see personal data, the
    // kabupaten/kota in the Kanwil's (always anonymised) export.
    let table: [(&str, &[&str], &[&str]); 7] = [
        (
            "admin.demo",
            &["Jaten", "Serangan", "Sitiarjo"],
            &[JATEN, SITIARJO, SERANGAN],
        ),
        ("kanwil.jatim", &["Jaten", "Sitiarjo"], &["35.05", "35.07"]),
        ("kanwil.bali", &["Serangan"], &["51.71"]),
        ("pimpasa.malang", &["Sitiarjo"], &[SITIARJO]),
        ("pemeriksa.malang", &["Sitiarjo"], &[SITIARJO]),
        ("petugas.blitar", &["Jaten"], &[JATEN]),
        ("petugas.denpasar", &["Serangan"], &[SERANGAN]),
    ];
    for (user, want, regions) in table {
        let (c, t) = both(&app, user).await;
        let (rows, n) = api_rows(&app, &t, "/api/v1/cases", &known).await;
        assert_eq!((rows, n), (want.to_vec(), want.len() as i64), "{user}: API");
        assert_eq!(
            page_rows(&app, &c, "/kasus", "/kasus/", &known).await,
            want,
            "{user}: page"
        );
        let (s, records) = app.api(&t, Method::GET, "/api/v1/cases/export", None).await;
        assert_eq!(s, StatusCode::OK, "{user}: export");
        let mut got: Vec<String> = records
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["tppo_region_code"].as_str().unwrap().to_string())
            .collect();
        got.sort();
        assert_eq!(got, regions, "{user}: API export");
        let (s, csv) = app.get(&c, "/kasus/ekspor?format=csv").await;
        assert_eq!(s, StatusCode::OK, "{user}: CSV");
        let column = csv
            .lines()
            .next()
            .unwrap()
            .split(',')
            .position(|h| h == "tppo_region_code")
            .unwrap();
        let mut got: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split(',').nth(column).unwrap())
            .collect();
        got.sort();
        assert_eq!(got, regions, "{user}: CSV export");
    }
    for user in ["disnaker.malang", "desa.sitiarjo"] {
        let (c, t) = both(&app, user).await;
        let (s, _) = app.api(&t, Method::GET, "/api/v1/cases", None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let (s, _) = app.get(&c, "/kasus/ekspor?format=csv").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }
}

#[tokio::test]
async fn screening_lists_hold_the_viewers_office_or_province_only() {
    let (app, _) = spawn_two_areas().await;
    let mut known = Known::new();
    for (interviewer, name) in [
        ("pemeriksa.malang", "Pemohon Malang"),
        ("petugas.blitar", "Pemohon Blitar"),
        ("petugas.denpasar", "Pemohon Denpasar"),
    ] {
        let t = app.token(interviewer).await;
        let (s, b) = app
            .api(
                &t,
                Method::POST,
                "/api/v1/screenings",
                Some(json!({"name": name, "purpose": "wisata"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{interviewer}: {b}");
        known.insert(b["id"].as_i64().unwrap(), name);
    }
    let table: [(&str, &[&str]); 6] = [
        (
            "admin.demo",
            &["Pemohon Blitar", "Pemohon Denpasar", "Pemohon Malang"],
        ),
        ("kanwil.jatim", &["Pemohon Blitar", "Pemohon Malang"]),
        ("kanwil.bali", &["Pemohon Denpasar"]),
        // The office's screenings, whoever of its officers ran them.
        ("pimpasa.malang", &["Pemohon Malang"]),
        ("petugas.blitar", &["Pemohon Blitar"]),
        ("petugas.denpasar", &["Pemohon Denpasar"]),
    ];
    for (user, want) in table {
        let (c, t) = both(&app, user).await;
        let (rows, n) = api_rows(&app, &t, "/api/v1/screenings", &known).await;
        assert_eq!((rows, n), (want.to_vec(), want.len() as i64), "{user}: API");
        assert_eq!(
            page_rows(&app, &c, "/skrining", "/skrining/", &known).await,
            want,
            "{user}: page"
        );
    }
    for user in ["disnaker.malang", "desa.kalipare"] {
        let (c, t) = both(&app, user).await;
        let (s, _) = app.api(&t, Method::GET, "/api/v1/screenings", None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let (s, _) = app.get(&c, "/skrining").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }
}

fn event(title: &str, region: &str, villages: &str) -> Value {
    json!({"title": title, "date": "2026-12-17", "time": "08:30", "zone": "WIB",
           "venue": "Balai desa", "region": region, "villages": villages})
}

#[tokio::test]
async fn event_lists_hold_the_viewers_area_and_invitations_only() {
    let (app, _) = spawn_two_areas().await;
    let mut known = Known::new();
    for (officer, title, region, villages) in [
        (
            "pimpasa.malang",
            "Sosialisasi Kabupaten Malang",
            "35.07",
            "",
        ),
        ("pimpasa.malang", "Sosialisasi Kalipare", KALIPARE, KALIPARE),
        ("pimpasa.malang", "Sosialisasi Sitiarjo", SITIARJO, SITIARJO),
        ("petugas.blitar", "Sosialisasi Jaten", JATEN, JATEN),
        (
            "petugas.denpasar",
            "Sosialisasi Serangan",
            SERANGAN,
            SERANGAN,
        ),
    ] {
        let t = app.token(officer).await;
        let (s, b) = app
            .api(
                &t,
                Method::POST,
                "/api/v1/events",
                Some(event(title, region, villages)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{title}: {b}");
        known.insert(b["id"].as_i64().unwrap(), title);
    }
    const MALANG: &[&str] = &[
        "Sosialisasi Kabupaten Malang",
        "Sosialisasi Kalipare",
        "Sosialisasi Sitiarjo",
    ];
    let table: [(&str, &[&str]); 12] = [
        (
            "admin.demo",
            &[
                "Sosialisasi Jaten",
                "Sosialisasi Kabupaten Malang",
                "Sosialisasi Kalipare",
                "Sosialisasi Serangan",
                "Sosialisasi Sitiarjo",
            ],
        ),
        (
            "kanwil.jatim",
            &[
                "Sosialisasi Jaten",
                "Sosialisasi Kabupaten Malang",
                "Sosialisasi Kalipare",
                "Sosialisasi Sitiarjo",
            ],
        ),
        ("kanwil.bali", &["Sosialisasi Serangan"]),
        ("pimpasa.malang", MALANG),
        ("petugas.blitar", &["Sosialisasi Jaten"]),
        ("petugas.denpasar", &["Sosialisasi Serangan"]),
        ("disnaker.malang", MALANG),
        ("disnaker.blitar", &["Sosialisasi Jaten"]),
        // A village sees its kabupaten's events and its own, not its neighbour's.
        (
            "desa.kalipare",
            &["Sosialisasi Kabupaten Malang", "Sosialisasi Kalipare"],
        ),
        (
            "desa.sitiarjo",
            &["Sosialisasi Kabupaten Malang", "Sosialisasi Sitiarjo"],
        ),
        ("desa.jaten", &["Sosialisasi Jaten"]),
        ("desa.serangan", &["Sosialisasi Serangan"]),
    ];
    for (user, want) in table {
        let (c, t) = both(&app, user).await;
        let (rows, n) = api_rows(&app, &t, "/api/v1/events", &known).await;
        assert_eq!((rows, n), (want.to_vec(), want.len() as i64), "{user}: API");
        assert_eq!(
            page_rows(&app, &c, "/sosialisasi", "/sosialisasi/", &known).await,
            want,
            "{user}: page"
        );
    }
}
