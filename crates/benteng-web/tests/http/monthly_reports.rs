//! The monthly report job (`benteng_web::monthly_job`): each office's and each Kanwil
//! province's report made once per month whatever the number of workers, a dead worker's
//! claim taken over, the PDF stored and announced in the office's room, and read only by
//! the office, its Kanwil and the administrator.

use crate::dashboard::{exec, scalar};
use crate::harness::*;
use crate::two_areas::spawn_two_areas;
use benteng_domain::figures::{wib_date, Period};
use benteng_web::monthly_job::make_month;
use reqwest::StatusCode;

/// The reports a month should have, counted here: offices with a working area on the
/// month's last day, and provinces with a Kanwil.
async fn expected(app: &TestApp, last_day: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT (SELECT COUNT(*) FROM offices o WHERE o.kind = 'kanim' AND o.active = 1 AND EXISTS \
             (SELECT 1 FROM office_areas a WHERE a.office_id = o.id AND a.valid_from <= '{last_day}' \
              AND (a.valid_to IS NULL OR a.valid_to > '{last_day}'))) \
             + (SELECT COUNT(DISTINCT province_code) FROM offices WHERE kind = 'kanwil' AND active = 1)"
        ),
    )
    .await
}

fn report_link(html: &str, name: &str) -> Option<String> {
    html.lines()
        .find(|l| l.contains(name) && l.contains("/laporan-bulanan/"))
        .and_then(|l| l.split("href=\"/laporan-bulanan/").nth(1))
        .and_then(|rest| rest.split('"').next())
        .map(|id| format!("/laporan-bulanan/{id}"))
}

#[tokio::test]
async fn each_report_is_made_once_by_two_workers_and_announced() {
    let (app, areas) = spawn_two_areas().await;
    let month = Period::month_of(wib_date(benteng_app::now())).previous();
    let key = month.key().unwrap();
    let last_day = benteng_domain::values::format_date(month.last);
    let want = expected(&app, &last_day).await;
    assert!(want >= 4, "Malang, Blitar, Denpasar and Jawa Timur: {want}");

    // Two workers at once, then a third pass later: each report exactly once.
    let (a, b) = tokio::join!(make_month(&app.db, &month), make_month(&app.db, &month));
    assert_eq!(a.unwrap() + b.unwrap(), want as usize);
    assert_eq!(make_month(&app.db, &month).await.unwrap(), 0);
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM monthly_reports WHERE month = '{key}' AND status = 'siap' AND bytes > 1000")
        )
        .await,
        want
    );
    // Announced once in the Malang office's room, by the system's own account.
    let malang = app.office_id(MALANG).await;
    let announced = format!(
        "SELECT COUNT(*) FROM room_messages x JOIN rooms r ON r.id = x.room_id JOIN users u ON u.id = x.author_id \
         WHERE r.kind = 'kantor' AND r.ref_key = '{malang}' AND x.body LIKE '%/laporan-bulanan/%' \
         AND u.username = 'benteng.sistem'"
    );
    assert_eq!(scalar(&app, &announced).await, 1);

    // The month before: Malang's claim was left by a worker that died an hour ago and is
    // taken over; Blitar's was claimed a moment ago by a live worker and is left to it.
    let before = month.previous();
    let bkey = before.key().unwrap();
    let now = benteng_app::now();
    for (office, at) in [(malang, now - 3600), (areas.blitar_office, now)] {
        exec(&app, &format!(
            "INSERT INTO monthly_reports (kind, ref_key, office_id, province_code, month, status, claimed_at) \
             VALUES ('kantor', '{office}', {office}, '35', '{bkey}', 'proses', {at})"
        ))
        .await;
    }
    let made = make_month(&app.db, &before).await.unwrap();
    let bwant = expected(&app, &benteng_domain::values::format_date(before.last)).await;
    assert_eq!(made as i64, bwant - 1);
    assert_eq!(
        scalar(&app, &format!(
            "SELECT COUNT(*) FROM monthly_reports WHERE month = '{bkey}' AND ref_key = '{}' AND status = 'proses'",
            areas.blitar_office
        ))
        .await,
        1
    );
    assert_eq!(scalar(&app, &announced).await, 2);

    // The office's officer: its own reports, as a PDF naming the office and the month.
    let c = app.login("pimpasa.malang").await;
    let (s, html) = app.get(&c, "/laporan-bulanan").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !html.contains("Blitar") && !html.contains("Denpasar"),
        "{html}"
    );
    let href = report_link(&html, MALANG).expect("Malang's report listed");
    let r = c.get(app.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let flat = crate::migrants::pdf_text(&r.bytes().await.unwrap())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let tr = benteng_i18n::Tr::new("id");
    for want in ["LAPORAN BULANAN", MALANG, &tr.period(&month)] {
        assert!(flat.contains(want), "{want} in {flat}");
    }
    // The announcement is in the room, by its author's name.
    let room = scalar(
        &app,
        &format!("SELECT id FROM rooms WHERE kind = 'kantor' AND ref_key = '{malang}'"),
    )
    .await;
    let (s, page) = app.get(&c, &format!("/ruang/{room}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Benteng (otomatis)") && page.contains(&href),
        "{page}"
    );

    // Another office's officer: its own list, and Malang's report is not found.
    let blitar = app.login("petugas.blitar").await;
    let (_, html) = app.get(&blitar, "/laporan-bulanan").await;
    assert!(html.contains("Blitar") && !html.contains(MALANG), "{html}");
    assert_eq!(app.get(&blitar, &href).await.0, StatusCode::NOT_FOUND);

    // The Kanwil: its province's report and its offices', not another province's.
    let k = app.login("kanwil.jatim").await;
    let (_, html) = app.get(&k, "/laporan-bulanan").await;
    assert!(html.contains(MALANG) && html.contains("Blitar"), "{html}");
    assert!(
        html.contains("Jawa Timur") && !html.contains("Denpasar"),
        "{html}"
    );
    let bali = app.login("kanwil.bali").await;
    let (_, html) = app.get(&bali, "/laporan-bulanan").await;
    assert!(
        html.contains("Denpasar") && !html.contains(MALANG),
        "{html}"
    );
    assert_eq!(app.get(&bali, &href).await.0, StatusCode::NOT_FOUND);

    // Villages and partner agencies do not read them.
    for who in ["desa.sitiarjo", "disnaker.malang"] {
        let c = app.login(who).await;
        assert_eq!(
            app.get(&c, "/laporan-bulanan").await.0,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(app.get(&c, &href).await.0, StatusCode::FORBIDDEN, "{who}");
    }

    // The system's account is no one's login and not in the user list.
    let anon = client();
    assert_ne!(
        app.login_with(&anon, "benteng.sistem", "!").await,
        StatusCode::SEE_OTHER
    );
    let admin = app.login("admin.demo").await;
    let (_, users) = app.get(&admin, "/pengguna?q=benteng").await;
    assert!(!users.contains("benteng.sistem"), "{users}");
}
