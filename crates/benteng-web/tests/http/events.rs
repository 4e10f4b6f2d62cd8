//! Sosialisasi: an officer plans an event in their area; participants check in with the short
//! code on their own phone (no account, no JavaScript), a second check-in is harmless, a code
//! belongs to one event; the event shows attendance by village, sex and role; other roles and
//! areas are refused.

use crate::harness::*;
use crate::reports_api::spawn_roomy;
use reqwest::StatusCode;

pub(crate) const SITIARJO: &str = "35.07.04.2007";
pub(crate) const KALIPARE: &str = "35.07.11.2002";

pub(crate) async fn plan(
    app: &TestApp,
    c: &reqwest::Client,
    title: &str,
    region: &str,
) -> (StatusCode, String, Option<String>) {
    app.post_form(
        c,
        "/sosialisasi/baru",
        "/sosialisasi",
        &[
            ("title", title),
            ("date", "2026-12-17"),
            ("time", "08:30"),
            ("venue", "Hotel di Kepanjen"),
            ("region", region),
            ("villages", &format!("{SITIARJO}\n{KALIPARE}")),
            ("agenda", "Pembukaan\nMateri\nTanya jawab"),
            (
                "speakers",
                "Budi Santoso; Disnaker Kabupaten Malang; Prosedur penempatan\nSri Wahyuni; BP3MI Jawa Timur; Pelindungan PMI",
            ),
        ],
    )
    .await
}

pub(crate) fn code_of(html: &str) -> String {
    regex_lite::Regex::new(r#"id="checkin-code">([0-9A-Z]{6})<"#)
        .unwrap()
        .captures(html)
        .map(|c| c[1].to_string())
        .expect("the event page shows its code")
}

#[tokio::test]
async fn an_officer_plans_an_event_and_residents_check_in_with_the_code() {
    let app = spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;

    // Validation keeps what was typed.
    let (s, html, _) = app
        .post_form(
            &officer,
            "/sosialisasi/baru",
            "/sosialisasi",
            &[
                ("title", "Sosialisasi"),
                ("time", "8.30"),
                ("region", "35.05"),
                ("speakers", ";tanpa nama"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for want in [
        "Wajib diisi",
        "format JJ:MM",
        "satu narasumber per baris",
        "value=\"Sosialisasi\"",
    ] {
        assert!(html.contains(want), "{want}");
    }
    assert!(html.contains("wilayah"), "out of scope region refused");

    let (s, _, at) = plan(&app, &officer, "Sosialisasi Desa Binaan Kepanjen", "35.07").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let at = at.unwrap();
    let (_, html) = app.get(&officer, &at).await;
    assert!(
        html.contains("Kamis, 17 Desember 2026, 08.30 WIB"),
        "local time and zone"
    );
    assert!(html.contains("Disnaker Kabupaten Malang") && html.contains("Sitiarjo"));
    assert!(html.contains("<svg"), "QR code inline");
    let code = code_of(&html);

    // A resident on their phone: the code typed loosely, then the form.
    let phone = client();
    let r = phone
        .get(app.url(&format!("/hadir?kode={}", code.to_lowercase())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/hadir/{code}").as_str());
    let form = format!("/hadir/{code}");
    for (name, village, sex, role) in [
        ("Siti Aminah", SITIARJO, "p", "calon_pmi"),
        ("Slamet", SITIARJO, "l", "perangkat_desa"),
        ("Dewi", KALIPARE, "p", "warga"),
        ("Tamu Luar", "", "", "lainnya"),
    ] {
        let (s, html, _) = app
            .post_form(
                &phone,
                &form,
                &form,
                &[
                    ("name", name),
                    ("village", village),
                    ("sex", sex),
                    ("role", role),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{name}");
        assert!(html.contains("kehadiran Anda tercatat"), "{name}");
    }
    // The same person again: harmless.
    let (s, html, _) = app
        .post_form(
            &phone,
            &form,
            &form,
            &[
                ("name", "  siti   AMINAH "),
                ("village", SITIARJO),
                ("sex", "p"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("sudah tercatat sebelumnya"));
    // Bad input: no name, a village not invited, an unknown role; an unknown code.
    let (s, html, _) = app
        .post_form(
            &phone,
            &form,
            &form,
            &[("name", ""), ("village", "35.05.01.2001"), ("role", "bos")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Wajib diisi") && html.contains("Pilihan tidak dikenal"));
    let (s, html) = app.get(&phone, "/hadir/ZZZZZZ").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("Kode hadir tidak dikenal"));
    let (s, _) = app.get(&phone, "/hadir?kode=12").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // A second event has its own code: the first code records nothing there.
    let (_, _, at2) = plan(&app, &officer, "Sosialisasi kedua", SITIARJO).await;
    let (_, html2) = app.get(&officer, &at2.unwrap()).await;
    let code2 = code_of(&html2);
    assert_ne!(code, code2);
    assert!(html2.contains("0 hadir"));

    // The officer ticks one more at the door; the counts.
    let (s, _, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/hadir"),
            &[
                ("name", "Bambang"),
                ("village", KALIPARE),
                ("sex", "l"),
                ("role", "tokoh"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&officer, &at).await;
    assert!(
        html.contains("5 hadir · Laki-laki 2 · Perempuan 2"),
        "totals"
    );
    let table = html.split("id=\"by-village\"").nth(1).unwrap();
    assert!(
        table.contains("<td>Sitiarjo</td><td>1</td><td>1</td><td>2</td>"),
        "{table}"
    );
    assert!(
        table.contains("<td>Kalipare</td><td>1</td><td>1</td><td>2</td>"),
        "{table}"
    );
    assert!(html.contains("Calon PMI: 1") && html.contains("Tokoh masyarakat: 1"));

    // Who sees and who plans: the village sees its kabupaten's events, cannot plan; the
    // police see, cannot plan; an officer of another area is refused the event.
    let village = app.login("desa.sitiarjo").await;
    let (s, html) = app.get(&village, "/sosialisasi").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Sosialisasi Desa Binaan Kepanjen"));
    let (s, _) = app.get(&village, &at).await;
    assert_eq!(s, StatusCode::OK);
    for user in ["desa.sitiarjo", "polres.malang", "disnaker.malang"] {
        let c = app.login(user).await;
        let (s, _) = app.get(&c, "/sosialisasi/baru").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let (s, _, _) = app
            .post_form(&c, "/sosialisasi", &format!("{at}/hadir"), &[("name", "X")])
            .await;
        // They may see the event, not record attendance (docs/security.md: a refused role
        // answers 403).
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }
    let kanwil = app.login("kanwil.jatim").await;
    let (s, _) = app.get(&kanwil, &at).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn the_event_api_follows_the_same_rules() {
    use reqwest::Method;
    use serde_json::json;
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let body = json!({"title": "Sosialisasi API", "date": "2026-12-20", "time": "09:00", "zone": "WITA",
                      "venue": "Balai desa", "region": SITIARJO, "villages": SITIARJO});
    let (s, b) = app
        .api(&officer, Method::POST, "/api/v1/events", Some(body.clone()))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, d) = app
        .api(&officer, Method::GET, &format!("/api/v1/events/{id}"), None)
        .await;
    assert_eq!(d["event"]["zone"], "WITA");
    let code = d["event"]["checkin_code"].as_str().unwrap().to_string();
    // Public check-in without a token; twice is harmless.
    for want in [true, false] {
        let r = client()
            .post(app.url(&format!("/api/v1/public/checkin/{code}")))
            .json(&json!({"name": "Siti", "village": SITIARJO, "sex": "p"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let b: serde_json::Value = r.json().await.unwrap();
        assert_eq!(b["recorded_now"], want);
    }
    let r = client()
        .post(app.url("/api/v1/public/checkin/ZZZZZZ"))
        .json(&json!({"name": "Siti"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "a well-formed code of no event"
    );
    let r = client()
        .post(app.url("/api/v1/public/checkin/ZZZ"))
        .json(&json!({"name": "Siti"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a malformed code"
    );
    let (_, d) = app
        .api(&officer, Method::GET, &format!("/api/v1/events/{id}"), None)
        .await;
    assert_eq!(d["total"]["total"], 1);
    // Refused: planning by a village, the police; a region outside the officer's area.
    for user in ["desa.sitiarjo", "polres.malang"] {
        let t = app.token(user).await;
        let (s, _) = app
            .api(&t, Method::POST, "/api/v1/events", Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        let (s, _) = app
            .api(
                &t,
                Method::POST,
                &format!("/api/v1/events/{id}/attendees"),
                Some(json!({"name": "X"})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
    }
    let mut far = body.clone();
    far["region"] = json!("35.05");
    let (s, b) = app
        .api(&officer, Method::POST, "/api/v1/events", Some(far))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b.to_string().contains("err-region-out-of-scope"));
}

#[tokio::test]
async fn questions_are_recorded_and_answers_published_to_the_public_faq() {
    let app = spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;
    let (_, _, at) = plan(&app, &officer, "Sosialisasi tanya jawab", "35.07").await;
    let at = at.unwrap();
    // A question without text is refused; one without an answer yet is kept.
    let (s, html, _) = app
        .post_form(&officer, &at, &format!("{at}/tanya"), &[("question", " ")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Wajib diisi"));
    for (q, a) in [
        ("Apakah calo boleh memberangkatkan?", ""),
        (
            "Berapa biaya menjadi PRT di Taiwan?",
            "Pengurus rumah tangga termasuk jabatan tanpa biaya penempatan.",
        ),
    ] {
        let (s, _, _) = app
            .post_form(
                &officer,
                &at,
                &format!("{at}/tanya"),
                &[
                    ("question", q),
                    ("asked_by", "Bu Sri"),
                    ("village", SITIARJO),
                    ("answer", a),
                    ("answered_by", "BP3MI Jawa Timur"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
    }
    let (_, html) = app.get(&officer, &at).await;
    let ids: Vec<String> = regex_lite::Regex::new(r#"/tanya/(\d+)/terbit"#)
        .unwrap()
        .captures_iter(&html)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(ids.len(), 1, "only the answered question can be published");
    // Publish it; the unanswered one cannot be published.
    let (s, _, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/tanya/{}/terbit", ids[0]),
            &[("publish", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let other: i64 = ids[0].parse::<i64>().unwrap() - 1;
    let (s, html, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/tanya/{other}/terbit"),
            &[("publish", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Tulis jawabannya dulu"));
    // The public FAQ shows the answer, never who asked.
    let (s, faq) = app.get(&client(), "/faq").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        faq.contains("Berapa biaya menjadi PRT di Taiwan?")
            && faq.contains("tanpa biaya penempatan")
    );
    assert!(!faq.contains("Bu Sri") && !faq.contains("calo boleh"));
    // Only officers record and publish.
    let village = app.login("desa.sitiarjo").await;
    let (s, _, _) = app
        .post_form(&village, &at, &format!("{at}/tanya"), &[("question", "x")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = app
        .post_form(
            &village,
            &at,
            &format!("{at}/tanya/{}/terbit", ids[0]),
            &[("publish", "0")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Taken back, it leaves the FAQ.
    let (s, _, _) = app
        .post_form(
            &officer,
            &at,
            &format!("{at}/tanya/{}/terbit", ids[0]),
            &[("publish", "0")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, faq) = app.get(&client(), "/faq").await;
    assert!(faq.contains("faq-none"));
}
