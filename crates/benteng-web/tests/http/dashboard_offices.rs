//! An office's own dashboard (`kantor`): the Kanwil opens one of its offices from the table
//! of offices and sees that office's working area, and its screenings by the office; an
//! office outside the viewer's area is refused, an unknown one is not found.

use crate::dashboard::{fig, figures, scalar};
use crate::harness::*;
use crate::reports_api::{file_report, simple_report};
use crate::two_areas::{spawn_two_areas, JATEN};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn the_kanwil_opens_an_office_from_its_table() {
    let (app, areas) = spawn_two_areas().await;
    let jaten = app.token("desa.jaten").await;
    file_report(
        &app,
        &jaten,
        simple_report(JATEN, "Calo menawarkan kerja ke Taiwan."),
    )
    .await;
    let blitar = areas.blitar_office;
    let malang = app.office_id(MALANG).await;

    // The table of offices links each office's own dashboard.
    let k = app.login("kanwil.jatim").await;
    let (s, html) = app.get(&k, "/dasbor").await;
    assert_eq!(s, StatusCode::OK);
    let link = format!("kantor={blitar}&#38;periode=");
    assert!(
        html.contains(&link),
        "{link} in the office table: {}",
        html.split("office-table").nth(1).unwrap_or("")
    );
    let (s, page) = app.get(&k, &format!("/dasbor?kantor={blitar}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Kantor Imigrasi Blitar"), "{page}");
    assert!(
        !page.contains("id=\"office-table\""),
        "no table of offices inside an office"
    );

    // Its figures are its working area's (Kabupaten Blitar) and its own screenings.
    let token = app.token("kanwil.jatim").await;
    let body = figures(&app, &token, &format!("kantor={blitar}")).await;
    let month_start = benteng_domain::figures::Period::month_of(benteng_domain::figures::wib_date(
        benteng_app::now(),
    ))
    .instants()
    .0;
    let filed = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM reports WHERE kab_code = '35.05' AND created_at >= {month_start}"
        ),
    )
    .await;
    assert!(filed >= 1);
    assert_eq!(fig(&body, "reports.filed"), Some(filed));
    let screened = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM screenings WHERE office_id = {blitar} AND created_at >= {month_start}"),
    )
    .await;
    assert_eq!(fig(&body, "screenings.done"), Some(screened));
    let whole = figures(&app, &token, "").await;
    assert!(fig(&whole, "reports.filed").unwrap() >= filed);
    assert_eq!(body["office"], blitar);

    // Refused outside the viewer's area, not found when there is no such office; an
    // officer opens only its own office.
    let bali = areas.denpasar_office;
    for (who, office, want) in [
        ("kanwil.jatim", bali.to_string(), StatusCode::FORBIDDEN),
        ("kanwil.jatim", "999999".to_string(), StatusCode::NOT_FOUND),
        (
            "kanwil.jatim",
            "satu".to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("pimpasa.malang", blitar.to_string(), StatusCode::FORBIDDEN),
        ("pimpasa.malang", malang.to_string(), StatusCode::OK),
        ("desa.sitiarjo", malang.to_string(), StatusCode::FORBIDDEN),
        // A village learns nothing of which offices exist.
        ("desa.sitiarjo", "999999".to_string(), StatusCode::FORBIDDEN),
        ("admin.demo", bali.to_string(), StatusCode::OK),
    ] {
        let t = app.token(who).await;
        let (s, b) = app
            .api(
                &t,
                Method::GET,
                &format!("/api/v1/figures?kantor={office}"),
                None,
            )
            .await;
        assert_eq!(s, want, "{who} kantor={office}: {b}");
    }
}
