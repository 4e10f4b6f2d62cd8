//! The dashboard (`/dasbor`, `/api/v1/figures`): every figure against a count made here in
//! plain SQL, the WIB month boundary, scopes per role, the "< 5" rule, drill-down and files.

use crate::harness::*;
use crate::reports_api::{file_report, simple_report};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Unix seconds of `y-m-d hh:mm` WIB, computed here rather than by the product.
fn wib(y: i32, m: u8, d: u8, hh: u8, mm: u8) -> i64 {
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
    date.with_hms(hh, mm, 0)
        .unwrap()
        .assume_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
        .unix_timestamp()
}

/// The demo with its reports, referrals, cases, register and twelve months of history, as
/// `serve --demo` loads it.
pub(crate) async fn spawn_full() -> TestApp {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let store = benteng_db::storage::FsStore::new(dir.path()).unwrap();
    benteng_fixtures::demo::load_demo_reports(&app.db, &store)
        .await
        .unwrap();
    app.db.figures().forget();
    app
}

pub(crate) async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap()
}

pub(crate) async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(app.db.fixtures_pool())
        .await
        .unwrap();
}

pub(crate) async fn figures(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, b) = app
        .api(
            token,
            Method::GET,
            &format!("/api/v1/figures?{query}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{query}: {b}");
    b
}

/// The figure `key` for the period: `Some(n)` when exact, `None` when shown as "< 5".
pub(crate) fn fig(body: &Value, key: &str) -> Option<i64> {
    let f = body["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no figure {key} in {body}"));
    match f["now"]["kind"].as_str() {
        Some("exact") => Some(f["now"]["value"].as_i64().unwrap()),
        Some("few") => None,
        other => panic!("{key}: {other:?}"),
    }
}

fn has_fig(body: &Value, key: &str) -> bool {
    body["figures"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["key"] == key)
}

#[tokio::test]
async fn a_report_at_2359_wib_on_the_last_day_counts_in_that_month() {
    let app = spawn().await;
    let desa = app.token("desa.kalipare").await;
    let late = file_report(
        &app,
        &desa,
        simple_report(KALIPARE, "Ada calo datang malam hari."),
    )
    .await;
    let early = file_report(
        &app,
        &desa,
        simple_report(KALIPARE, "Ada calo datang pagi hari."),
    )
    .await;
    let before = file_report(
        &app,
        &desa,
        simple_report(KALIPARE, "Calo datang akhir Februari."),
    )
    .await;
    // 31 March 2025 23:59 WIB, 1 April 00:00 WIB, 28 February 23:59 WIB.
    for (id, at) in [
        (late, wib(2025, 3, 31, 23, 59)),
        (early, wib(2025, 4, 1, 0, 0)),
        (before, wib(2025, 2, 28, 23, 59)),
    ] {
        exec(
            &app,
            &format!("UPDATE reports SET created_at = {at} WHERE id = {id}"),
        )
        .await;
    }
    let officer = app.token("pimpasa.malang").await;
    let march = figures(&app, &officer, "periode=2025-03&tren=reports").await;
    let in_sql = |a: i64, b: i64| {
        format!("SELECT COUNT(*) FROM reports WHERE kab_code = '35.07' AND created_at >= {a} AND created_at < {b}")
    };
    let n = scalar(&app, &in_sql(wib(2025, 3, 1, 0, 0), wib(2025, 4, 1, 0, 0))).await;
    assert_eq!(n, 1, "only the 23:59 report is in March");
    assert_eq!(fig(&march, "reports.filed"), Some(n));
    assert_eq!(march["previous"]["first"], "2025-02-01");
    let feb = figures(&app, &officer, "periode=2025-02").await;
    assert_eq!(fig(&feb, "reports.filed"), Some(1));
    let april = figures(&app, &officer, "periode=2025-04").await;
    assert_eq!(
        fig(&april, "reports.filed"),
        Some(scalar(&app, &in_sql(wib(2025, 4, 1, 0, 0), wib(2025, 5, 1, 0, 0))).await)
    );
    // The trend ends with the chosen month: February 1, March 1.
    let months: Vec<&str> = march["trend"]["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11], "2025-03");
    assert_eq!(march["trend"]["values"][11]["value"], 1);
    assert_eq!(march["trend"]["values"][10]["value"], 1);
    // A quarter and a custom span count the same reports.
    let q1 = figures(&app, &officer, "periode=2025-Q1").await;
    assert_eq!(fig(&q1, "reports.filed"), Some(2));
    let span = figures(&app, &officer, "dari=2025-03-31&sampai=2025-04-01").await;
    assert_eq!(fig(&span, "reports.filed"), Some(2));
    assert_eq!(span["previous"]["first"], "2025-03-29");
}

/// Figures older than five minutes are shown while one background task counts them again;
/// older than half an hour more, the viewer waits for a new count.
#[tokio::test]
async fn old_figures_are_shown_while_counted_again() {
    let app = spawn().await;
    let desa = app.token("desa.kalipare").await;
    let officer = app.token("pimpasa.malang").await;
    let first = figures(&app, &officer, "").await;
    let n = fig(&first, "reports.filed").unwrap();
    file_report(
        &app,
        &desa,
        simple_report(KALIPARE, "Ada calo datang lagi."),
    )
    .await;
    // Fresh: the same figures, counted at the same time.
    let again = figures(&app, &officer, "").await;
    assert_eq!(fig(&again, "reports.filed"), Some(n));
    assert_eq!(again["counted_at"], first["counted_at"]);
    // Stale: shown at once as they were, and counted again behind the viewer's back.
    app.db.figures().age(benteng_db::figures::CACHE_SECS + 5);
    let stale = figures(&app, &officer, "").await;
    assert_eq!(fig(&stale, "reports.filed"), Some(n));
    let mut counted = None;
    for _ in 0..100 {
        let b = figures(&app, &officer, "").await;
        if fig(&b, "reports.filed") == Some(n + 1) {
            counted = Some(b);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let counted = counted.expect("counted again in the background");
    assert!(counted["counted_at"].as_i64() >= first["counted_at"].as_i64());
    // Too old to show: the viewer gets a new count.
    file_report(
        &app,
        &desa,
        simple_report(KALIPARE, "Calo menawarkan kerja di kapal."),
    )
    .await;
    app.db
        .figures()
        .age(benteng_db::figures::CACHE_SECS + benteng_db::figures::STALE_SECS + 5);
    let fresh = figures(&app, &officer, "").await;
    assert_eq!(fig(&fresh, "reports.filed"), Some(n + 2));
}

#[tokio::test]
async fn every_figure_equals_a_count_made_in_sql() {
    let app = spawn_full().await;
    let year = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
        .year();
    let (a, b) = (wib(year, 1, 1, 0, 0), wib(year + 1, 1, 1, 0, 0));
    let (da, db) = (format!("{year}-01-01"), format!("{}-01-01", year + 1));
    // The officer of Kanim Malang (exact numbers), narrowed to Kabupaten Malang.
    let officer = app.token("pimpasa.malang").await;
    let body = figures(&app, &officer, &format!("periode={year}&wilayah=35.07")).await;
    let kab = "kab_code = '35.07'";
    let checks: Vec<(&str, String)> = vec![
        ("reports.filed", format!("SELECT COUNT(*) FROM reports WHERE {kab} AND created_at >= {a} AND created_at < {b}")),
        ("reports.category.rekrutmen", format!("SELECT COUNT(*) FROM reports WHERE {kab} AND category = 'rekrutmen' AND created_at >= {a} AND created_at < {b}")),
        ("reports.source.desa", format!("SELECT COUNT(*) FROM reports WHERE {kab} AND source = 'desa' AND created_at >= {a} AND created_at < {b}")),
        ("reports.status.baru", format!("SELECT COUNT(*) FROM reports WHERE {kab} AND status = 'baru' AND created_at >= {a} AND created_at < {b}")),
        ("reports.priority.tinggi", format!("SELECT COUNT(*) FROM reports WHERE {kab} AND priority >= 60 AND created_at >= {a} AND created_at < {b}")),
        ("referrals.sent", format!("SELECT COUNT(*) FROM referrals WHERE {kab} AND created_at >= {a} AND created_at < {b}")),
        ("cases.opened", format!("SELECT COUNT(*) FROM cases WHERE {kab} AND opened_at >= {a} AND opened_at < {b}")),
        ("events.held", format!("SELECT COUNT(*) FROM events WHERE {kab} AND starts_at >= {a} AND starts_at < {b}")),
        ("events.participants", format!("SELECT COUNT(*) FROM event_attendees x JOIN events e ON e.id = x.event_id WHERE e.{kab} AND e.starts_at >= {a} AND e.starts_at < {b}")),
        ("events.sex.p", format!("SELECT COUNT(*) FROM event_attendees x JOIN events e ON e.id = x.event_id WHERE x.sex = 'p' AND e.{kab} AND e.starts_at >= {a} AND e.starts_at < {b}")),
        ("migrants.registered", format!("SELECT COUNT(*) FROM migrants WHERE {kab} AND created_at >= {a} AND created_at < {b}")),
        ("migrants.departed_nonprocedural", format!("SELECT COUNT(*) FROM migrants WHERE {kab} AND nonprocedural = 1 AND departure_date >= '{da}' AND departure_date < '{db}'")),
        ("migrants.status.proses", format!("SELECT COUNT(*) FROM migrants WHERE {kab} AND status = 'proses'")),
        ("desa.total", format!("SELECT COUNT(*) FROM desa_binaan WHERE {kab}")),
        ("desa.status.aktif", format!("SELECT COUNT(*) FROM desa_binaan WHERE {kab} AND status = 'aktif'")),
        ("desa.visits", format!("SELECT COUNT(*) FROM village_visits v JOIN desa_binaan d ON d.id = v.desa_binaan_id WHERE d.{kab} AND v.visit_date >= '{da}' AND v.visit_date < '{db}'")),
        ("screenings.done", format!("SELECT COUNT(*) FROM screenings WHERE {kab} AND office_id = (SELECT office_id FROM users WHERE username = 'pimpasa.malang') AND created_at >= {a} AND created_at < {b}")),
        ("alerts.sent", format!("SELECT COUNT(*) FROM alerts WHERE substr(area_code, 1, 5) = '35.07' AND created_at >= {a} AND created_at < {b}")),
    ];
    let mut nonzero = 0;
    for (key, sql) in &checks {
        let want = scalar(&app, sql).await;
        nonzero += (want > 0) as usize;
        assert_eq!(fig(&body, key), Some(want), "{key}: {sql}");
    }
    assert!(
        nonzero >= 8,
        "the demo gives most figures something to count ({nonzero})"
    );
    // The per-area table adds up to the area's figure.
    let measures: Vec<&str> = body["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let k = measures.iter().position(|m| *m == "reports").unwrap();
    let sum: i64 = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["values"][k]["value"].as_i64().unwrap())
        .sum();
    assert_eq!(Some(sum), fig(&body, "reports.filed"));
    let kalipare_kec = &KALIPARE[..8];
    let row = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == kalipare_kec)
        .unwrap();
    let want = scalar(&app, &format!("SELECT COUNT(*) FROM reports WHERE region_code LIKE '{kalipare_kec}.%' AND created_at >= {a} AND created_at < {b}")).await;
    assert_eq!(row["values"][k]["value"].as_i64(), Some(want));
    assert_eq!(
        row["desa_binaan"].as_i64(),
        Some(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM desa_binaan WHERE region_code LIKE '{kalipare_kec}.%'"
                )
            )
            .await
        )
    );
}

#[tokio::test]
async fn each_role_sees_its_own_area_and_no_other() {
    let app = spawn_full().await;
    // The village: its own reports only, no cases, referrals or screenings.
    let desa = app.token("desa.kalipare").await;
    let year = time::OffsetDateTime::now_utc().year();
    let body = figures(&app, &desa, &format!("periode={year}")).await;
    let (a, b) = (wib(year, 1, 1, 0, 0), wib(year + 1, 1, 1, 0, 0));
    assert_eq!(
        fig(&body, "reports.filed"),
        Some(scalar(&app, &format!("SELECT COUNT(*) FROM reports WHERE region_code = '{KALIPARE}' AND created_at >= {a} AND created_at < {b}")).await)
    );
    for hidden in ["cases.opened", "referrals.sent", "screenings.done"] {
        assert!(
            !has_fig(&body, hidden),
            "{hidden} is not the village's to see"
        );
    }
    assert!(body["areas"].as_array().unwrap().is_empty());
    assert_eq!(body["suppressed"], false);
    // Another village, another regency, another province: refused.
    for (user, area) in [
        ("desa.kalipare", SITIARJO),
        ("desa.kalipare", "35.07"),
        ("pimpasa.malang", "35"),
        ("pimpasa.malang", "35.05"),
        ("kanwil.jatim", "51"),
    ] {
        let t = app.token(user).await;
        let (s, _) = app
            .api(
                &t,
                Method::GET,
                &format!("/api/v1/figures?wilayah={area}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} in {area}");
    }
    // Partner agencies work from their referrals: no dashboard, no menu item.
    let t = app.token("disnaker.malang").await;
    let (s, _) = app.api(&t, Method::GET, "/api/v1/figures", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let c = app.login("disnaker.malang").await;
    let (s, _) = app.get(&c, "/dasbor").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, home) = app.get(&c, "/").await;
    assert!(!home.contains("href=\"/dasbor\""));
    let (s, _) = app.get(&c, "/dasbor/unduh?format=csv").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Anonymous: to the sign-in page.
    let (s, _) = app.get(&client(), "/api/v1/figures").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Bad input is a clear error on the API; a region that does not exist is not found;
    // two dates in the wrong order are read the right way round.
    let officer = app.token("pimpasa.malang").await;
    for q in [
        "periode=2026-13",
        "wilayah=abc",
        "tren=xyz",
        "dari=2026-02-30",
    ] {
        let (s, b) = app
            .api(&officer, Method::GET, &format!("/api/v1/figures?{q}"), None)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {b}");
    }
    let (s, _) = app
        .api(&officer, Method::GET, "/api/v1/figures?wilayah=99.99", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let b = figures(&app, &officer, "dari=2026-05-10&sampai=2026-05-01").await;
    assert_eq!(b["period"]["first"], "2026-05-01");
    assert_eq!(b["period"]["last"], "2026-05-10");
}

#[tokio::test]
async fn people_counts_below_five_show_as_fewer_than_five_outside_the_office() {
    let app = spawn_full().await;
    // Two cases opened in March 2025 in Kabupaten Malang.
    let cases = scalar(&app, "SELECT COUNT(*) FROM cases").await;
    assert!(cases >= 1, "the demo opens a case");
    let desa = app.token("desa.kalipare").await;
    let officer = app.token("pimpasa.malang").await;
    if cases < 2 {
        // A second case: a report, triaged, opened as a case.
        let id = file_report(
            &app,
            &desa,
            simple_report(KALIPARE, "Warga disekap di penampungan."),
        )
        .await;
        let (s, b) = app
            .api(
                &officer,
                Method::POST,
                &format!("/api/v1/reports/{id}/case"),
                Some(serde_json::json!({"trafficking_status": "dugaan"})),
            )
            .await;
        assert!(s.is_success(), "open a case: {s} {b}");
    }
    exec(&app, &format!("UPDATE cases SET opened_at = {} WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 2)", wib(2025, 3, 10, 9, 0))).await;
    let n = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM cases WHERE opened_at >= {} AND opened_at < {}",
            wib(2025, 3, 1, 0, 0),
            wib(2025, 4, 1, 0, 0)
        ),
    )
    .await;
    assert_eq!(n, 2);
    // The office sees the exact number; the Kanwil and the administrator see "< 5", in the
    // figure, its parts, the area table's cell and total, and the files.
    let own = figures(&app, &officer, "periode=2025-03&tren=cases").await;
    assert_eq!(fig(&own, "cases.opened"), Some(2));
    assert_eq!(own["suppressed"], false);
    for user in ["kanwil.jatim", "admin.demo"] {
        let t = app.token(user).await;
        let body = figures(&app, &t, "periode=2025-03&tren=cases").await;
        assert_eq!(body["suppressed"], true);
        assert_eq!(fig(&body, "cases.opened"), None, "{user}");
        assert_eq!(fig(&body, "cases.status.aktif"), None, "{user}");
        // The reports are not people: exact.
        assert!(fig(&body, "reports.filed").is_some());
        assert_eq!(body["trend"]["values"][11]["kind"], "few");
        let k = body["measures"]
            .as_array()
            .unwrap()
            .iter()
            .position(|m| m == "cases")
            .unwrap();
        let shown: Vec<&str> = body["areas"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["values"][k]["kind"].as_str())
            .collect();
        assert!(shown.contains(&"few"), "{user}: {shown:?}");
        let raw = serde_json::to_string(&body).unwrap();
        assert!(!raw.contains("\"cases.opened\",\"unit\":\"people\",\"snapshot\":false,\"now\":{\"kind\":\"exact\",\"value\":2"));
    }
    let c = app.login("kanwil.jatim").await;
    let (s, html) = app.get(&c, "/dasbor?periode=2025-03").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("&#60; 5"), "the page shows < 5");
    let r = c
        .get(app.url("/dasbor/unduh?periode=2025-03&format=csv&tabel=angka"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with("cases.opened,"))
        .unwrap();
    assert!(line.contains("< 5"), "{line}");
    let c = app.login("pimpasa.malang").await;
    let r = c
        .get(app.url("/dasbor/unduh?periode=2025-03&format=csv&tabel=angka"))
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with("cases.opened,"))
        .unwrap();
    assert!(line.contains(",2,"), "{line}");
}

#[tokio::test]
async fn the_kanwil_drills_down_from_the_province_to_a_village_and_downloads() {
    let app = spawn_full().await;
    let c = app.login("kanwil.jatim").await;
    let (s, html) = app.get(&c, "/dasbor").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.len() < 60_000, "{} bytes", html.len());
    assert!(html.contains("Per kabupaten/kota") && html.contains("<svg"));
    let link = |html: &str, code: &str| -> String {
        let at = html
            .find(&format!("wilayah={code}"))
            .unwrap_or_else(|| panic!("a link to {code}"));
        let start = html[..at].rfind("href=\"").unwrap() + 6;
        let end = at + html[at..].find('"').unwrap();
        html[start..end].replace("&#38;", "&").replace("&amp;", "&")
    };
    let (s, html) = app.get(&c, &link(&html, "35.07")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Per kecamatan"),
        "the regency's page lists its districts: {html}"
    );
    let (s, html) = app.get(&c, &link(&html, &KALIPARE[..8])).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Per desa"));
    let (s, html) = app.get(&c, &link(&html, KALIPARE)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Kalipare") && !html.contains("Per desa"));
    // The crumbs lead back up to the province.
    assert!(html.contains("class=\"crumbs\"") && html.contains(">Jawa Timur</a>"));
    // Files: XLSX with every table, CSV per table.
    let r = c
        .get(app.url(&format!("/dasbor/unduh?wilayah={KALIPARE}&format=xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    let r = c
        .get(app.url("/dasbor/unduh?format=csv&tabel=wilayah"))
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("Kode wilayah,Wilayah,Desa binaan"), "{csv}");
    assert!(csv.contains("35.07,") && csv.contains("Jumlah"));
    let (s, _) = app.get(&c, "/dasbor/unduh?format=pdf").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A period that cannot be read shows this month with the reason.
    let (s, html) = app.get(&c, "/dasbor?periode=2026-13").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Periode tidak dikenal"));
}

#[tokio::test]
async fn the_office_and_the_kanwil_get_last_months_report_as_a_pdf() {
    let app = spawn_full().await;
    let now =
        time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap());
    let (y, m) = match now.month() {
        time::Month::January => (now.year() - 1, 12u8),
        other => (now.year(), u8::from(other) - 1),
    };
    let (a, b) = (
        wib(y, m, 1, 0, 0),
        wib(now.year(), u8::from(now.month()), 1, 0, 0),
    );
    let filed = scalar(&app, &format!(
        "SELECT COUNT(*) FROM reports WHERE kab_code IN (SELECT region_code FROM office_areas WHERE office_id = \
         (SELECT office_id FROM users WHERE username = 'pimpasa.malang')) AND created_at >= {a} AND created_at < {b}"
    )).await;
    let month = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ][m as usize - 1];
    let c = app.login("pimpasa.malang").await;
    let r = c
        .get(app.url("/dasbor/laporan-bulanan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    let text = crate::migrants::pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "LAPORAN BULANAN",
        &format!("{month} {y}"),
        MALANG,
        "Ringkasan",
        "Kasus yang menonjol",
        "Tindak lanjut",
        "NIP",
    ] {
        assert!(flat.contains(want), "{want} in {flat}");
    }
    assert!(
        flat.contains(&format!("Laporan masuk: {filed}")),
        "{filed} reports in {flat}"
    );
    // The Kanwil's provincial roll-up, a named month; a partner agency is refused.
    let c = app.login("kanwil.jatim").await;
    let r = c
        .get(app.url(&format!("/dasbor/laporan-bulanan?periode={y}-{m:02}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let flat = crate::migrants::pdf_text(&r.bytes().await.unwrap())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("Kantor Wilayah") && flat.contains("Jawa Timur"),
        "{flat}"
    );
    let (s, _) = app.get(&c, "/dasbor/laporan-bulanan?periode=2026").await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::BAD_REQUEST,
        "{s}"
    );
    let c = app.login("disnaker.malang").await;
    let (s, _) = app.get(&c, "/dasbor/laporan-bulanan").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
