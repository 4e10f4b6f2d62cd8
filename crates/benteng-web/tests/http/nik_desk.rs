//! Dukcapil's desk: the flagged NIKs of its area, masked, answered "right" or "corrected";
//! the register's flag is settled; every other role is refused and gets no menu item.

use crate::harness::*;
use crate::migrants::{register, NIK};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn dukcapil_answers_the_flagged_niks_of_its_area() {
    let app = spawn().await;
    let desa = app.token("desa.sitiarjo").await;
    // The NIK says born 15 July 1990, a woman; the village declared otherwise.
    let (flagged, flags) = register(
        &app,
        &desa,
        json!({"name": "Siti Aminah", "nik": NIK, "birth_date": "1991-07-15", "sex": "l",
               "destination": "TW", "scheme": "mandiri"}),
    )
    .await;
    assert!(!flags.is_empty());
    let (second, _) = register(
        &app,
        &desa,
        json!({"name": "Ratna Dewi", "nik": "3507045507900002", "birth_date": "1980-01-01",
               "sex": "l", "destination": "MY", "scheme": "mandiri"}),
    )
    .await;
    let (clean, flags) = register(
        &app,
        &desa,
        json!({"name": "Sri Utami", "nik": NIK, "birth_date": "1990-07-15", "sex": "p",
               "destination": "TW", "scheme": "mandiri"}),
    )
    .await;
    assert!(flags.is_empty());

    let dukcapil = app.login("dukcapil.malang").await;
    let (s, home) = app.get(&dukcapil, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(home.contains(r#"href="/cek-nik""#), "in the menu");
    let (s, desk) = app.get(&dukcapil, "/cek-nik").await;
    assert_eq!(s, StatusCode::OK);
    assert!(desk.contains(&format!(r#"id="nik-{flagged}""#)));
    assert!(desk.contains(&format!(r#"id="nik-{second}""#)));
    assert!(!desk.contains(&format!(r#"id="nik-{clean}""#)), "unflagged");
    assert!(!desk.contains(NIK), "the NIK is masked");
    assert!(desk.contains("350704"), "its region part shows");
    assert!(
        desk.contains("Tanggal lahir di NIK tidak sama"),
        "what was flagged"
    );
    // The register itself stays closed to Dukcapil.
    let (s, _) = app.get(&dukcapil, &format!("/calon-pmi/{flagged}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // "Corrected" needs a valid NIK; then the flag is settled and the entry leaves the queue.
    let at = format!("/cek-nik/{flagged}");
    let (s, html, _) = app
        .post_form(
            &dukcapil,
            "/cek-nik",
            &at,
            &[("result", "dikoreksi"), ("nik", "123")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(r#"value="dikoreksi" checked"#),
        "the answer kept"
    );
    let (s, _, loc) = app
        .post_form(
            &dukcapil,
            "/cek-nik",
            &at,
            &[("result", "dikoreksi"), ("nik", "3507041507910001")],
        )
        .await;
    assert_eq!(
        (s, loc.as_deref()),
        (StatusCode::SEE_OTHER, Some("/cek-nik"))
    );
    let (s, _, _) = app
        .post_form(
            &dukcapil,
            "/cek-nik",
            &format!("/cek-nik/{second}"),
            &[("result", "sesuai")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, desk) = app.get(&dukcapil, "/cek-nik").await;
    assert!(desk.contains(r#"id="nik-empty""#), "{desk}");
    // Answered once only.
    let (s, _, _) = app
        .post_form(&dukcapil, "/cek-nik", &at, &[("result", "sesuai")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (nik, flags, check): (String, String, String) =
        sqlx::query_as("SELECT nik, nik_flags, nik_check FROM migrants WHERE id = $1")
            .bind(flagged)
            .fetch_one(app.db.fixtures_pool())
            .await
            .unwrap();
    assert_eq!(
        (nik.as_str(), flags.as_str(), check.as_str()),
        ("3507041507910001", "", "dikoreksi")
    );
    // The village sees the answer in the history and no flag.
    let village = app.login("desa.sitiarjo").await;
    let (_, page) = app.get(&village, &format!("/calon-pmi/{second}")).await;
    assert!(page.contains("NIK dicek Dukcapil"));
    assert!(!page.contains(r#"id="flag-"#));
    // The audit log names who answered, without the NIK.
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'nik_check' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.fixtures_pool())
    .await
    .unwrap();
    assert!(
        detail.starts_with("result=dikoreksi") && !detail.contains("3507"),
        "{detail}"
    );
}

#[tokio::test]
async fn the_nik_desk_is_dukcapils_alone() {
    let app = spawn().await;
    for user in [
        "disnaker.malang",
        "polres.malang",
        "pimpasa.malang",
        "desa.sitiarjo",
        "kanwil.jatim",
        "admin.demo",
    ] {
        let c = app.login(user).await;
        let (s, _) = app.get(&c, "/cek-nik").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let (s, _, _) = app
            .post_form(&c, "/", "/cek-nik/1", &[("result", "sesuai")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} answers");
        let (_, home) = app.get(&c, "/").await;
        assert!(!home.contains(r#"href="/cek-nik""#), "{user} menu");
    }
    // Anonymous: the sign-in page.
    let r = client().get(app.url("/cek-nik")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}
