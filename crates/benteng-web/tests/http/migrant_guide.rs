//! The guide to legal migration (public, versioned, edited by admins) and a changed checklist
//! that recomputes who left without the procedure.

use crate::harness::*;
#[allow(unused_imports)]
use crate::migrants::*;
use crate::reports_api::{errors, spawn_roomy};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A tiny valid PNG.
pub(crate) fn image_png() -> Vec<u8> {
    crate::report_pages::PNG.to_vec()
}

#[tokio::test]
async fn the_guide_is_public_and_versioned_and_only_admins_edit_it() {
    let app = spawn_roomy().await;
    let anon = client();
    let (s, html) = app.get(&anon, "/panduan").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("/panduan/jalur-resmi") && html.contains("/panduan/moratorium"));
    let (s, html) = app.get(&anon, "/panduan/dokumen").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("UU 18/2017 Pasal 13") && html.contains("<strong>"),
        "{html}"
    );
    let (s, _) = app.get(&anon, "/panduan/tidak-ada").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The rules behind the job-offer check, with their sources and dates.
    let (s, html) = app.get(&anon, "/cek-tawaran/aturan").await;
    assert_eq!(s, StatusCode::OK);
    for want in [
        "Kepmenaker 260/2015",
        "Arab Saudi",
        "Peraturan BP2MI 9/2020",
        "Pekerja rumah tangga",
        "15 Juli 2021",
    ] {
        assert!(html.contains(want), "{want}");
    }
    let r = anon
        .get(app.url("/api/v1/public/guide"))
        .send()
        .await
        .unwrap();
    let pages: Value = r.json().await.unwrap();
    assert_eq!(pages.as_array().unwrap().len(), 7);
    assert!(pages
        .as_array()
        .unwrap()
        .iter()
        .all(|p| !p["sources"].as_str().unwrap().is_empty()));

    // An admin saves a new version; raw HTML stays text; the old text stays readable.
    let admin = app.token("admin.demo").await;
    let body = json!({"title": "Dokumen wajib", "body": "Baru. <script>alert(1)</script> *(UU 18/2017 Pasal 13)*",
                      "sources": "UU 18/2017 Pasal 13", "note": "Uji", "base_version": "1"});
    let (s, b) = app
        .api(
            &admin,
            Method::PUT,
            "/api/v1/guide/dokumen",
            Some(body.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["version"], 2);
    // Saving again on top of version 1 would overwrite version 2: refused.
    let (s, b) = app
        .api(&admin, Method::PUT, "/api/v1/guide/dokumen", Some(body))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors(&b).contains(&("body".into(), "err-guide-changed".into())));
    let (s, b) = app
        .api(
            &admin,
            Method::PUT,
            "/api/v1/guide/dokumen",
            Some(json!({"title": "", "body": "x", "sources": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let e = errors(&b);
    assert!(e.contains(&("title".into(), "err-required".into())));
    assert!(e.contains(&("sources".into(), "err-required".into())));
    assert!(e.contains(&("base_version".into(), "err-required".into())));
    let (s, html) = app.get(&anon, "/panduan/dokumen").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Dokumen wajib") && html.contains("&lt;script&gt;"));
    assert!(!html.contains("<script>alert"));
    // Both pages were read before the save and are kept in memory: the save on this server
    // shows at once, on the index too.
    let (_, html) = app.get(&anon, "/panduan").await;
    assert!(html.contains("Dokumen wajib"), "{html}");
    let (_, html) = app.get(&anon, "/panduan/dokumen?versi=1").await;
    assert!(html.contains("old-version") && html.contains("Pasal 15"));
    let (s, html) = app.get(&anon, "/panduan/dokumen/riwayat").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Uji") && !html.contains("admin.demo"),
        "{html}"
    );
    let signed = app.login("kanwil.jatim").await;
    let (_, html) = app.get(&signed, "/panduan/dokumen/riwayat").await;
    assert!(html.contains("admin.demo"));

    // Nobody else may edit, on the API or the page.
    for user in [
        "kanwil.jatim",
        "pimpasa.malang",
        "disnaker.malang",
        "desa.sitiarjo",
    ] {
        let t = app.token(user).await;
        let (s, _) = app
            .api(
                &t,
                Method::PUT,
                "/api/v1/guide/dokumen",
                Some(json!({"title": "x", "body": "x", "sources": "x"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let c = app.login(user).await;
        let (s, _) = app.get(&c, "/panduan/dokumen/ubah").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }
}

#[tokio::test]
async fn a_changed_checklist_recomputes_who_left_without_the_procedure() {
    let app = spawn_roomy().await;
    let desa = app.token("desa.sitiarjo").await;
    let (id, _) = register(&app, &desa, json!({"name": "Joko Susilo"})).await;
    // Every step settled, then departure: on the legal path.
    let (_, d) = app
        .api(&desa, Method::GET, &format!("/api/v1/migrants/{id}"), None)
        .await;
    for s in d["steps"].as_array().unwrap() {
        let (st, b) = step(
            &app,
            &desa,
            id,
            json!({"step": s["code"], "status": "selesai", "done_on": "2026-01-02"}),
        )
        .await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    }
    let (_, b) = app
        .api(
            &desa,
            Method::POST,
            &format!("/api/v1/migrants/{id}/status"),
            Some(json!({"status": "berangkat", "date": "2026-02-01"})),
        )
        .await;
    assert_eq!(b["nonprocedural"], false, "{b}");

    // An admin adds a required step in force since 2026-01-15: the resident, who left after
    // it, is now flagged; a step in force only from 2026-03-01 would not have flagged them.
    let admin = app.login("admin.demo").await;
    let (s, html, _) = app
        .post_form(
            &admin,
            "/langkah-resmi",
            "/langkah-resmi",
            &[
                ("code", "Bad Code"),
                ("label", ""),
                ("effective_from", "kemarin"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Kode 2–40 huruf kecil") && html.contains("Wajib diisi"));
    let (s, _, _) = app
        .post_form(
            &admin,
            "/langkah-resmi",
            "/langkah-resmi",
            &[
                ("code", "pelatihan_bahasa"),
                ("label", "Pelatihan bahasa negara tujuan"),
                ("legal", "Peraturan uji"),
                ("effective_from", "2026-03-01"),
                ("required", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, d) = app
        .api(&desa, Method::GET, &format!("/api/v1/migrants/{id}"), None)
        .await;
    assert_eq!(d["migrant"]["nonprocedural"], 0, "{d}");
    let (s, _, _) = app
        .post_form(
            &admin,
            "/langkah-resmi",
            "/langkah-resmi/pelatihan_bahasa",
            &[
                ("label", "Pelatihan bahasa negara tujuan"),
                ("legal", "Peraturan uji"),
                ("effective_from", "2026-01-15"),
                ("required", "1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, d) = app
        .api(&desa, Method::GET, &format!("/api/v1/migrants/{id}"), None)
        .await;
    assert_eq!(d["migrant"]["nonprocedural"], 1, "{d}");
    assert_eq!(step_of(&d, "pelatihan_bahasa")["missing"], true);

    // Only admins edit the checklist; everybody who sees the register may read it.
    for user in [
        "desa.sitiarjo",
        "pimpasa.malang",
        "kanwil.jatim",
        "disnaker.malang",
    ] {
        let c = app.login(user).await;
        let (s, html) = app.get(&c, "/langkah-resmi").await;
        assert_eq!(s, StatusCode::OK, "{user}");
        assert!(html.contains("pelatihan_bahasa") && !html.contains("action=\"/langkah-resmi/"));
        let (s, _, _) = app
            .post_form(
                &c,
                "/langkah-resmi",
                "/langkah-resmi/paspor",
                &[
                    ("label", "x"),
                    ("legal", "x"),
                    ("effective_from", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }
}
