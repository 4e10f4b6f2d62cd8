//! The calon PMI register in the browser's terms: the pages work without JavaScript and
//! refuse other roles.

use crate::harness::*;
#[allow(unused_imports)]
use crate::migrant_guide::image_png;
#[allow(unused_imports)]
use crate::migrants::*;
use crate::reports_api::spawn_roomy;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

#[tokio::test]
async fn the_pages_work_without_javascript_and_refuse_other_roles() {
    let app = spawn_roomy().await;
    let c = app.login("desa.sitiarjo").await;
    // Create through the form: an error keeps the values, then success redirects.
    let (s, html, _) = app
        .post_form(
            &c,
            "/calon-pmi/baru",
            "/calon-pmi",
            &[("name", "Sri Wahyuni"), ("nik", "35070455079")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"Sri Wahyuni\"") && html.contains("NIK harus 16 angka"));
    let (s, _, at) = app
        .post_form(
            &c,
            "/calon-pmi/baru",
            "/calon-pmi",
            &[
                ("name", "Sri Wahyuni"),
                ("nik", NIK),
                ("birth_date", "1990-07-15"),
                ("sex", "p"),
                ("destination", "HK"),
                ("scheme", "p3mi"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let at = at.unwrap();
    // The new entry's page, showing what was just typed.
    assert!(at.ends_with("?tampilkan=1"), "{at}");
    let id: i64 = at
        .trim_end_matches("?tampilkan=1")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (s, html) = app.get(&c, &at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Sri Wahyuni") && html.contains("Langkah resmi"));
    assert!(
        !html.contains("flag-nik"),
        "a consistent NIK raises no flag"
    );

    // A step with an evidence photo (multipart), then a file that is not one.
    let token = csrf_of(&html);
    let png = {
        let img = image_png();
        Part::bytes(img)
            .file_name("paspor.png")
            .mime_str("image/png")
            .unwrap()
    };
    let r = c
        .post(app.url(&format!("/calon-pmi/{id}/langkah")))
        .multipart(
            Form::new()
                .text("_csrf", token.clone())
                .text("step", "paspor")
                .text("status", "selesai")
                .text("done_on", "2026-01-05")
                .part("file", png),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .post(app.url(&format!("/calon-pmi/{id}/langkah")))
        .multipart(
            Form::new()
                .text("_csrf", token.clone())
                .text("step", "visa_kerja")
                .text("status", "selesai")
                .part(
                    "file",
                    Part::bytes(b"MZ\x90\x00 not an image".to_vec()).file_name("visa.jpg"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, html) = app.get(&c, &format!("/calon-pmi/{id}")).await;
    assert!(html.contains("paspor.png"), "evidence listed");
    let r = c
        .get(app.url(&format!("/calon-pmi/{id}/langkah/paspor/berkas")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    // A step form without the CSRF token is refused.
    let r = c
        .post(app.url(&format!("/calon-pmi/{id}/langkah")))
        .multipart(Form::new().text("step", "bpjs").text("status", "selesai"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Status through the form; the list and the figures pages render.
    let (s, _, _) = app
        .post_form(
            &c,
            &format!("/calon-pmi/{id}"),
            &format!("/calon-pmi/{id}/status"),
            &[("status", "proses")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, html) = app.get(&c, "/calon-pmi").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Sri Wahyuni") && html.contains("Dalam proses"));
    assert!(html.len() < 60_000);
    let (s, _) = app.get(&c, "/calon-pmi/angka").await;
    assert_eq!(s, StatusCode::OK);

    // Who may open what: (path, [admin, kanwil, petugas, disnaker, police, own village,
    // other village]).
    let users = [
        "admin.demo",
        "kanwil.jatim",
        "pimpasa.malang",
        "disnaker.malang",
        "polres.malang",
        "desa.sitiarjo",
        "desa.kalipare",
    ];
    const Y: bool = true;
    const N: bool = false;
    let pages: Vec<(String, [bool; 7])> = vec![
        ("/calon-pmi".into(), [Y, Y, Y, Y, N, Y, Y]),
        ("/calon-pmi/baru".into(), [Y, N, N, N, N, Y, Y]),
        ("/calon-pmi/angka".into(), [Y, Y, Y, Y, N, Y, Y]),
        (format!("/calon-pmi/{id}"), [Y, Y, Y, Y, N, Y, N]),
        (format!("/calon-pmi/{id}/ubah"), [Y, N, N, N, N, Y, N]),
        (
            format!("/calon-pmi/{id}/langkah/paspor/berkas"),
            [Y, N, Y, Y, N, Y, N],
        ),
    ];
    for (i, user) in users.iter().enumerate() {
        let u = app.login(user).await;
        for (path, allowed) in &pages {
            let (s, _) = app.get(&u, path).await;
            if allowed[i] {
                assert_eq!(s, StatusCode::OK, "{user} {path}");
            } else {
                assert!(
                    s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
                    "{user} {path}: {s}"
                );
            }
        }
        // Writes by anyone but the village (and admins) are refused.
        if !matches!(*user, "admin.demo" | "desa.sitiarjo") {
            let (s, _, _) = app
                .post_form(
                    &u,
                    "/",
                    &format!("/calon-pmi/{id}/status"),
                    &[("status", "rencana"), ("note", "uji")],
                )
                .await;
            assert!(
                s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
                "{user} status: {s}"
            );
        }
    }
}
