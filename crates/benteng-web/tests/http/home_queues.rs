//! Home pages as work queues: each role's waiting work, counted here in SQL and compared.

use crate::harness::*;
use reqwest::StatusCode;

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap()
}

/// The text of the `<section id="{id}">` block.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<section class=\"queue\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no {id} in {html}"));
    let rest = &html[at..];
    &rest[..rest.find("</section>").unwrap()]
}

#[tokio::test]
async fn each_role_sees_its_waiting_work_first() {
    let app = crate::dashboard::spawn_full().await;
    let office = "(SELECT office_id FROM users WHERE username = 'pimpasa.malang')";
    let kabs = format!(
        "(SELECT region_code FROM office_areas WHERE office_id = {office} AND valid_to IS NULL)"
    );

    // The officer: reports waiting, referrals late or declined, villages not visited.
    let c = app.login("pimpasa.malang").await;
    let (s, html) = app.get(&c, "/").await;
    assert_eq!(s, StatusCode::OK);
    let waiting = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM reports WHERE status = 'baru' AND kab_code IN {kabs}"),
    )
    .await;
    assert!(waiting > 0, "the demo leaves a report waiting");
    let q = section(&html, "q-reports");
    assert!(
        q.contains(&format!("Laporan menunggu ditinjau: {waiting}")),
        "{q}"
    );
    let top: i64 = scalar(&app, &format!("SELECT id FROM reports WHERE status = 'baru' AND kab_code IN {kabs} ORDER BY priority DESC, created_at DESC, id DESC LIMIT 1")).await;
    let first = &q[q.find("href=\"/laporan/").expect("a report") + 15..];
    assert!(
        first.starts_with(&format!("{top}\"")),
        "the highest priority first ({top}): {q}"
    );
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
        .date();
    let late = scalar(&app, &format!("SELECT COUNT(*) FROM referrals WHERE status IN ('terkirim', 'diterima') AND due_date < '{today}' AND kab_code IN {kabs}")).await;
    let declined = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM referrals WHERE status = 'ditolak' AND kab_code IN {kabs}"),
    )
    .await;
    assert!(late > 0, "the demo history leaves referrals past due");
    let q = section(&html, "q-referrals");
    assert!(q.contains(&format!(": {}", late + declined)), "{q}");
    assert!(q.contains("Lewat tenggat"));
    let since = today - time::Duration::days(90);
    let unvisited = scalar(&app, &format!(
        "SELECT COUNT(*) FROM desa_binaan d WHERE d.status <> 'nonaktif' AND d.kab_code IN {kabs} AND NOT EXISTS \
         (SELECT 1 FROM village_visits v WHERE v.desa_binaan_id = d.id AND v.visit_date >= '{since}')"
    )).await;
    assert!(section(&html, "q-unvisited").contains(&format!("90 hari: {unvisited}")));
    assert!(section(&html, "q-events").contains("Sosialisasi mendatang"));

    // The police: referrals waiting for their answer, and their late ones.
    let c = app.login("polres.malang").await;
    let (_, html) = app.get(&c, "/").await;
    let agency = "(SELECT agency_id FROM users WHERE username = 'polres.malang')";
    let waiting = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM referrals WHERE status = 'terkirim' AND agency_id = {agency}"
        ),
    )
    .await;
    assert!(section(&html, "q-waiting").contains(&format!("jawaban Anda: {waiting}")));
    let late = scalar(&app, &format!("SELECT COUNT(*) FROM referrals WHERE status IN ('terkirim', 'diterima') AND due_date < '{today}' AND agency_id = {agency}")).await;
    assert!(section(&html, "q-late").contains(&format!("lewat tenggat: {late}")));
    assert!(
        !html.contains("id=\"q-reports\""),
        "no triage queue for a partner"
    );

    // The village: its register by status, its reports, the next event, the latest alert.
    let c = app.login("desa.kalipare").await;
    let (_, html) = app.get(&c, "/").await;
    let n = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM migrants WHERE village_code = '{KALIPARE}'"),
    )
    .await;
    assert!(section(&html, "q-migrants").contains(&format!("desa ini: {n}")));
    let own = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM reports WHERE region_code = '{KALIPARE}'"),
    )
    .await;
    assert!(section(&html, "q-own-reports").contains(&format!("dari desa ini: {own}")));
    section(&html, "q-alert");
    assert!(!html.contains("id=\"q-referrals\""));

    // The Kanwil: the offices side by side this month.
    let c = app.login("kanwil.jatim").await;
    let (_, html) = app.get(&c, "/").await;
    let table = &html[html.find("id=\"office-table\"").expect("the office table")..];
    assert!(table.contains(MALANG), "{table}");
    let desa = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM desa_binaan WHERE kab_code IN {kabs}"),
    )
    .await;
    assert!(
        table.contains(&format!("data-label=\"Desa binaan\">{desa}<")),
        "{table}"
    );
}
