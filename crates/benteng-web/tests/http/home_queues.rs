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

/// The home's recent visits read the newest visits first and fall back to the scope's own
/// when the newest 2,000 lie elsewhere: both ways the same five as a plain sorted query.
#[tokio::test]
async fn recent_visits_are_the_scopes_newest_even_behind_many_elsewhere() {
    let (app, areas) = crate::two_areas::spawn_two_areas().await;
    let officer = app.login("pimpasa.malang").await;
    let shown = |html: &str| -> Vec<String> {
        let list = html
            .split("<h2>Kunjungan terakhir</h2>")
            .nth(1)
            .unwrap_or("");
        let list = list.split("</ul>").next().unwrap_or("");
        list.split("<li><a href=\"/desa-binaan/")
            .skip(1)
            .filter_map(|s| s.split('>').nth(1).and_then(|t| t.split('<').next()))
            .map(str::to_string)
            .collect()
    };
    let before = newest_in_malang(&app).await;
    assert!(!before.is_empty(), "the demo has visits in Malang");
    let (_, html) = app.get(&officer, "/").await;
    assert_eq!(shown(&html), before);
    // 2,100 newer visits to a village of Blitar, outside the officer's area.
    let admin = app.token("admin.demo").await;
    let jaten =
        crate::two_areas::enrol(&app, &admin, crate::two_areas::JATEN, areas.blitar_office).await;
    let author = crate::two_areas::user_id(&app, "petugas.blitar").await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2100) \
         INSERT INTO village_visits (desa_binaan_id, visit_date, officer_id, departures_seen, returns_seen, \
         foreigners_staying, findings, created_at) SELECT {jaten}, '2099-01-01', {author}, 0, 0, 0, 'x', 0 FROM n"
    )))
    .execute(app.db.fixtures_pool())
    .await
    .unwrap();
    let (s, html) = app.get(&officer, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(shown(&html), before, "the scope's own newest, not Blitar's");
    assert!(!html.contains("Jaten"));
}

/// The officer's five newest visits, in SQL.
async fn newest_in_malang(app: &TestApp) -> Vec<String> {
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT r.name FROM village_visits k JOIN desa_binaan d ON d.id = k.desa_binaan_id \
         JOIN regions r ON r.code = d.region_code \
         WHERE d.kab_code IN (SELECT region_code FROM office_areas WHERE office_id = \
           (SELECT office_id FROM users WHERE username = 'pimpasa.malang') AND valid_to IS NULL) \
         ORDER BY k.visit_date DESC, k.id DESC LIMIT 5",
    )
    .fetch_all(app.db.fixtures_pool())
    .await
    .unwrap();
    names.into_iter().map(|(n,)| n).collect()
}
