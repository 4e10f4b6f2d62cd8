//! The reports module in the browser's terms, second part: triage, referral and case
//! through the pages, and the size of the pages.

use crate::harness::*;
#[allow(unused_imports)]
use crate::report_pages::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn triage_referral_and_case_through_the_pages() {
    let app = spawn().await;
    let c = client();
    let (_, html) = public_submit(&app, &c, |t| report_form(t, BASIC)).await;
    let code = tracking_code(&html);
    let officer = app.login("pimpasa.malang").await;
    let (_, queue) = app.get(&officer, "/laporan").await;
    let id = first_report_id(&queue);
    let page = format!("/laporan/{id}");
    let (_, before) = app.get(&officer, &page).await;
    assert!(
        before.contains(r#"id="priority">35<"#),
        "25 category + 10 recruiter known"
    );
    // The forms offer the Malang office's petugas by name and the agencies whose region
    // covers the report (Kabupaten Malang and the province), not one of Blitar.
    let admin = app.token("admin.demo").await;
    let (s, _) = app
        .api(
            &admin,
            Method::POST,
            "/api/v1/agencies",
            Some(json!({"name": "Polres Blitar", "kind": "polri", "region_code": "35.05"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, before) = app.get(&officer, &page).await;
    let options = |select: &str| -> Vec<String> {
        let start = before.find(&format!(r#"name="{select}""#)).expect(select);
        let end = start + before[start..].find("</select>").unwrap();
        regex_lite::Regex::new(r#"<option value="\d+"[^>]*>([^<]+)</option>"#)
            .unwrap()
            .captures_iter(&before[start..end])
            .map(|c| c[1].to_string())
            .collect()
    };
    assert_eq!(
        options("user_id"),
        ["Agus Setiawan", "Bagus Prasetyo", "Rina Wulandari"]
    );
    let agencies = options("agency_id");
    assert!(
        agencies.iter().any(|a| a == "Polres Malang"),
        "{agencies:?}"
    );
    assert!(agencies.iter().any(|a| a.starts_with("BP3MI Jawa Timur")));
    assert!(
        !agencies.iter().any(|a| a == "Polres Blitar"),
        "{agencies:?}"
    );
    // The Kanwil sees the report but neither form.
    let kanwil = app.login("kanwil.jatim").await;
    let (s, seen) = app.get(&kanwil, &page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(seen.contains(&code));
    assert!(!seen.contains(r#"name="user_id""#) && !seen.contains(r#"name="agency_id""#));

    // Indicators: act, means and purpose all present.
    let (status, _, _) = app
        .post_form(
            &officer,
            &page,
            &format!("/laporan/{id}/indikator"),
            &[
                ("indikator", "proses_perekrutan"),
                ("indikator", "cara_penipuan"),
                ("indikator", "tujuan_eksploitasi"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, after) = app.get(&officer, &page).await;
    assert!(
        after.contains(r#"id="priority">60<"#),
        "35 + 20 all elements + 5 means"
    );
    assert!(after.contains("Unsur proses, cara dan tujuan"));

    // A status change needs a note; a forbidden one is refused.
    let (status, html, _) = app
        .post_form(
            &officer,
            &page,
            &format!("/laporan/{id}/status"),
            &[("status", "ditinjau"), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Wajib diisi."));
    let (status, _, _) = app
        .post_form(
            &officer,
            &page,
            &format!("/laporan/{id}/status"),
            &[("status", "selesai"), ("note", "x")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = app
        .post_form(
            &officer,
            &page,
            &format!("/laporan/{id}/status"),
            &[("status", "ditinjau"), ("note", "Cek ke desa")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, track) = app.get(&c, &format!("/lacak?kode={code}")).await;
    assert!(track.contains("Sedang ditangani"));

    // Referral to the police without consent or override: refused; with an override: sent.
    let polres = regex_lite::Regex::new(r#"<option value="(\d+)">Polres Malang</option>"#)
        .unwrap()
        .captures(&after)
        .expect("Polres is offered")[1]
        .to_string();
    let due = benteng_domain::values::format_date(benteng_db::today() + time::Duration::days(3));
    let base = [
        ("agency_id", polres.as_str()),
        ("purpose", "penyidikan"),
        ("due_date", due.as_str()),
        ("message", "Mohon penyelidikan calo"),
    ];
    let (status, html, _) = app
        .post_form(&officer, &page, &format!("/laporan/{id}/rujuk"), &base)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Catat persetujuan korban"));
    // A document-fraud check is Dukcapil's task, not the police's.
    let wrong = [
        ("agency_id", polres.as_str()),
        ("purpose", "dokumen"),
        ("due_date", due.as_str()),
        ("message", "Mohon cek KTP"),
        ("override_reason", "Korban di luar negeri"),
    ];
    let (status, html, _) = app
        .post_form(&officer, &page, &format!("/laporan/{id}/rujuk"), &wrong)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Keperluan ini bukan tugas instansi yang dipilih"));
    let mut with = base.to_vec();
    with.push((
        "override_reason",
        "Korban di luar negeri, belum bisa dihubungi",
    ));
    let (status, _, loc) = app
        .post_form(&officer, &page, &format!("/laporan/{id}/rujuk"), &with)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Back on the report, at its referrals.
    assert_eq!(
        loc.as_deref(),
        Some(format!("/laporan/{id}#rujukan").as_str())
    );
    let (_, back) = app.get(&officer, &page).await;
    let list = &back[back.find(r#"id="referrals""#).expect("the referrals list")..];
    let start = list.find(r#"href="/rujukan/"#).unwrap() + r#"href=""#.len();
    let referral = list[start..start + list[start..].find('"').unwrap()].to_string();
    // The report's page lists it for the officer and the Kanwil.
    for who in [&officer, &kanwil] {
        let (_, seen) = app.get(who, &page).await;
        assert!(
            seen.contains(&format!(r#"<a href="{referral}">Polres Malang</a>"#)),
            "the referral on the report's page"
        );
    }

    // Another agency does not see it; the police accept, act and finish.
    let disnaker = app.login("disnaker.malang").await;
    let (status, _) = app.get(&disnaker, &referral).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .post_form(
            &disnaker,
            "/rujukan",
            &format!("{referral}/jawab"),
            &[("status", "diterima")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let police = app.login("polres.malang").await;
    let (_, inbox) = app.get(&police, "/rujukan").await;
    assert!(inbox.contains(&code));
    let (_, notes) = app.get(&police, "/notifikasi").await;
    assert!(notes.contains("Rujukan baru untuk instansi Anda"));
    for (path, fields) in [
        (format!("{referral}/jawab"), vec![("status", "diterima")]),
        (
            format!("{referral}/tindakan"),
            vec![("body", "Terlapor dipanggil untuk klarifikasi")],
        ),
        (
            format!("{referral}/jawab"),
            vec![("status", "selesai"), ("note", "LP sudah dibuat")],
        ),
    ] {
        let (status, html, _) = app.post_form(&police, &referral, &path, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {html}");
    }
    let (_, done) = app.get(&police, &referral).await;
    assert!(done.contains(r#"id="referral-status">Selesai<"#));
    assert!(done.contains("Terlapor dipanggil"));
    // The police cannot cancel; the officer cannot accept on the agency's behalf.
    let (status, _, _) = app
        .post_form(
            &officer,
            &referral,
            &format!("{referral}/jawab"),
            &[("status", "diterima")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The case: open, add a victim, close only with a reason; export for officers only.
    let (status, _, loc) = app
        .post_form(
            &officer,
            &page,
            &format!("/laporan/{id}/kasus"),
            &[("trafficking_status", "dugaan")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let case = loc.unwrap();
    let (status, _, _) = app
        .post_form(
            &officer,
            &case,
            &format!("{case}/orang"),
            &[
                ("kind", "korban"),
                ("name", "Sri Wahyuni"),
                ("nik", "3507045505990001"),
                ("sex", "P"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app
        .post_form(
            &officer,
            &case,
            &format!("{case}/status"),
            &[("status", "ditutup"), ("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = app
        .post_form(
            &officer,
            &case,
            &format!("{case}/status"),
            &[
                ("status", "ditutup"),
                ("reason", "Berkas dilimpahkan ke kejaksaan"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (s, csv) = app.get(&officer, "/kasus/ekspor?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.starts_with("tppo_case_number,"));
    assert!(csv.contains("Sri") && csv.contains("3507045505990001"));
    let (s, anon) = app.get(&officer, "/kasus/ekspor?format=csv&anonim=1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!anon.contains("Sri") && !anon.contains("3507045505990001"));
    assert!(anon.contains("Closed"));
    let desa = app.login("desa.sitiarjo").await;
    let (status, _) = app.get(&desa, "/kasus/ekspor?format=json").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&police, &case).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "cases are not shown to partner agencies"
    );
}

#[tokio::test]
async fn report_pages_stay_small() {
    let app = spawn().await;
    let c = client();
    let (_, html) = public_submit(&app, &c, |t| report_form(t, BASIC)).await;
    let _ = tracking_code(&html);
    let officer = app.login("pimpasa.malang").await;
    let (_, queue) = app.get(&officer, "/laporan").await;
    let id = first_report_id(&queue);
    for (who, path) in [
        (&c, "/lapor".to_string()),
        (&officer, format!("/laporan/{id}")),
        (&officer, "/laporan".into()),
    ] {
        let (status, body) = app.get(who, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.len() < 60_000,
            "{path} is {} bytes uncompressed",
            body.len()
        );
    }
}
