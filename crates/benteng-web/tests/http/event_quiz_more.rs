//! Sosialisasi, third part: the quiz over the API, every role against the event pages, and
//! a village behind one address checking in while code guessing is stopped.

#[allow(unused_imports)]
use crate::event_quiz::*;
use crate::events::{code_of, SITIARJO};
use crate::harness::*;
use crate::reports_api::spawn_roomy;
use benteng_domain::quiz::INITIAL_BANK;
use reqwest::StatusCode;

#[tokio::test]
async fn the_quiz_over_the_api() {
    use reqwest::Method;
    use serde_json::json;
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let day = benteng_domain::values::format_date(benteng_db::today() + time::Duration::days(10));
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/events",
            Some(json!({"title": "Sosialisasi API", "date": day, "time": "09:00", "venue": "Balai desa",
                        "region": SITIARJO, "villages": SITIARJO})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, d) = app
        .api(&officer, Method::GET, &format!("/api/v1/events/{id}"), None)
        .await;
    let code = d["event"]["checkin_code"].as_str().unwrap().to_string();
    let r = client()
        .post(app.url(&format!("/api/v1/public/checkin/{code}")))
        .json(&json!({"name": "Siti", "village": SITIARJO}))
        .send()
        .await
        .unwrap();
    let b: serde_json::Value = r.json().await.unwrap();
    let token = b["token"].as_str().unwrap().to_string();
    let quiz = format!("/api/v1/public/quiz/{code}/{token}");
    let b: serde_json::Value = client()
        .get(app.url(&quiz))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(b["open"], "pre");
    assert_eq!(b["items"].as_array().unwrap().len(), 8);
    assert!(
        b["items"][0].get("correct").is_none(),
        "the answer is not sent"
    );
    let right: Vec<usize> = INITIAL_BANK.iter().map(|q| q.3).collect();
    for (want_status, want_now) in [(StatusCode::OK, true), (StatusCode::OK, false)] {
        let r = client()
            .post(app.url(&quiz))
            .json(&json!({"kind": "pre", "answers": right}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), want_status);
        let b: serde_json::Value = r.json().await.unwrap();
        assert_eq!(b["recorded_now"], want_now);
        assert_eq!(b["score"], 8);
    }
    let r = client()
        .post(app.url(&quiz))
        .json(&json!({"kind": "post", "answers": [0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, q) = app
        .api(
            &officer,
            Method::GET,
            &format!("/api/v1/events/{id}/quiz"),
            None,
        )
        .await;
    assert_eq!(q["overall"]["pre_pct"], 100.0);
    assert_eq!(q["overall"]["pre_n"], 1);
    // Refused: a village changing the stage, an officer writing the bank.
    let desa = app.token("desa.sitiarjo").await;
    let (s, _) = app
        .api(
            &desa,
            Method::PUT,
            &format!("/api/v1/events/{id}/quiz"),
            Some(json!({"stage": "post"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/events/{id}/quiz"),
            Some(json!({"stage": "later"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let bank = json!({"topic": "dokumen", "question": "Visa kerja?", "options": "Ya\nTidak", "correct": 1, "active": 1});
    let (s, _) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/quiz/bank",
            Some(bank.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let kanwil = app.token("kanwil.jatim").await;
    let (s, b) = app
        .api(&kanwil, Method::POST, "/api/v1/quiz/bank", Some(bank))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, _) = app
        .api(
            &desa,
            Method::POST,
            &format!("/api/v1/events/{id}/followups"),
            Some(json!({"action": "x", "owner": "y", "due_date": "2027-01-01"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Upcoming events are public.
    let b: serde_json::Value = client()
        .get(app.url(&format!("/api/v1/public/events?desa={SITIARJO}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(b["items"][0]["title"], "Sosialisasi API");
}

#[tokio::test]
async fn event_pages_follow_the_policy_for_every_role() {
    const Y: bool = true;
    const N: bool = false;
    let app = spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;
    let (at, _) = plan_ahead(&app, &officer, "Sosialisasi hak akses").await;
    let users = [
        "admin.demo",
        "kanwil.jatim",
        "pimpasa.malang",
        "pemeriksa.malang",
        "disnaker.malang",
        "desa.kalipare",
    ];
    let pages: Vec<(String, [bool; 6])> = vec![
        ("/sosialisasi".into(), [Y, Y, Y, Y, Y, Y]),
        ("/sosialisasi/baru".into(), [Y, Y, Y, Y, N, N]),
        ("/sosialisasi/kuis".into(), [Y, Y, Y, Y, N, N]),
        ("/sosialisasi/kuis/baru".into(), [Y, Y, N, N, N, N]),
        ("/sosialisasi/kuis/1".into(), [Y, Y, N, N, N, N]),
        (at.clone(), [Y, Y, Y, Y, Y, Y]),
        (format!("{at}/ubah"), [Y, Y, Y, Y, N, N]),
        (format!("{at}/laporan.pdf"), [Y, Y, Y, Y, N, N]),
    ];
    for (i, user) in users.iter().enumerate() {
        let c = app.login(user).await;
        for (path, allowed) in &pages {
            let (s, _) = app.get(&c, path).await;
            if allowed[i] {
                assert_eq!(s, StatusCode::OK, "{user} {path}");
            } else {
                assert!(
                    s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
                    "{user} {path}: {s}"
                );
            }
        }
    }
    // Nobody signed in: internal pages send to the login page, public ones answer.
    let anon = client();
    for (path, _) in &pages {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/masuk"));
    }
    for path in ["/kegiatan", "/faq", "/hadir"] {
        let (s, _) = app.get(&anon, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_village_behind_one_address_checks_in_while_guessing_codes_is_stopped() {
    // The public report form allows 2 an hour per address here; an event's participants all
    // come from 127.0.0.1, as from a venue's Wi-Fi or a mobile carrier's NAT.
    let app = spawn_with(benteng_web::WebConfig {
        public_reports_per_hour: 2,
        ..Default::default()
    })
    .await;
    let officer = app.login("pimpasa.malang").await;
    let (at, _) = plan_ahead(&app, &officer, "Sosialisasi satu alamat").await;
    let (_, html) = app.get(&officer, &at).await;
    let code = code_of(&html);
    for i in 0..12 {
        let link = check_in(&app, &code, &format!("Peserta {i}"), SITIARJO).await;
        let (s, html) = submit(&app, &link, &answers("pre", i % 8)).await;
        assert_eq!(s, StatusCode::OK, "participant {i}: {html}");
    }
    // Guessing: unknown codes count, and soon the address is refused.
    let mut refused = false;
    for guess in ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"] {
        let (s, _) = app.get(&client(), &format!("/hadir/{guess}")).await;
        assert!(s == StatusCode::NOT_FOUND || s == StatusCode::TOO_MANY_REQUESTS);
        refused |= s == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(refused, "guessing codes is rate limited");
    // The real code still works for the next participant.
    check_in(&app, &code, "Peserta terakhir", SITIARJO).await;
}

#[tokio::test]
async fn a_participant_registered_ahead_checks_in_without_typing_again() {
    let app = spawn().await;
    let officer = app.login("pimpasa.malang").await;
    let (at, id) = plan_ahead(&app, &officer, "Sosialisasi tanpa ketik ulang").await;
    let (_, page) = app.get(&officer, &at).await;
    let code = code_of(&page);
    // A resident registers ahead on her phone.
    let phone = client();
    let public = format!("/kegiatan/{id}");
    let (s, html, _) = app
        .post_form(
            &phone,
            &public,
            &public,
            &[
                ("name", "Bu Sri Rahayu"),
                ("village", SITIARJO),
                ("sex", "p"),
                ("role", "calon_pmi"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Pendaftaran Anda tercatat"));
    // At the event, the same phone finds the check-in form filled in.
    let form = format!("/hadir/{code}");
    let (s, html) = app.get(&phone, &form).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"value="Bu Sri Rahayu""#), "name filled in");
    assert!(html.contains(&format!(r#"<option value="{SITIARJO}" selected>"#)));
    assert!(html.contains(r#"<option value="calon_pmi" selected>"#));
    // Another phone, or another event, starts empty.
    let (_, html) = app.get(&client(), &form).await;
    assert!(!html.contains("Bu Sri Rahayu"));
    let (other_at, _) = plan_ahead(&app, &officer, "Sosialisasi lain").await;
    let (_, other) = app.get(&officer, &other_at).await;
    let (_, html) = app
        .get(&phone, &format!("/hadir/{}", code_of(&other)))
        .await;
    assert!(!html.contains("Bu Sri Rahayu"));
    // Checking in: the answer shows the quiz link; the form for someone else is folded.
    let (s, html, _) = app
        .post_form(
            &phone,
            &form,
            &form,
            &[
                ("name", "Bu Sri Rahayu"),
                ("village", SITIARJO),
                ("sex", "p"),
                ("role", "calon_pmi"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(r#"id="quiz-link""#));
    let form_at = html.find(r#"<form method="post" action="/hadir/"#).unwrap();
    let details_at = html.find(r#"<details class="group"><summary>Catat kehadiran orang lain"#);
    assert!(details_at.is_some_and(|d| d < form_at), "folded form");
}

/// The public lists are kept for seconds in each process (`benteng_db::shelf`): a change made
/// through this process shows on them at once, not after the keeping time.
#[tokio::test]
async fn a_planned_or_changed_event_shows_at_once_on_the_public_list() {
    use reqwest::Method;
    use serde_json::json;
    let app = spawn_roomy().await;
    let officer = app.token("pimpasa.malang").await;
    let anon = client();
    let list = format!("/kegiatan?desa={SITIARJO}");
    let (s, html) = app.get(&anon, &list).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("Sosialisasi tampil segera"));
    let day = benteng_domain::values::format_date(benteng_db::today() + time::Duration::days(12));
    let mut body = json!({"title": "Sosialisasi tampil segera", "date": day, "time": "09:00",
                          "venue": "Balai desa", "region": SITIARJO, "villages": SITIARJO});
    let (s, b) = app
        .api(&officer, Method::POST, "/api/v1/events", Some(body.clone()))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, html) = app.get(&anon, &list).await;
    assert!(html.contains("Sosialisasi tampil segera"), "planned");
    body["title"] = json!("Sosialisasi pindah jadwal");
    let (s, b) = app
        .api(
            &officer,
            Method::PUT,
            &format!("/api/v1/events/{id}"),
            Some(body),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (_, html) = app.get(&anon, &list).await;
    assert!(
        html.contains("Sosialisasi pindah jadwal") && !html.contains("Sosialisasi tampil segera"),
        "changed"
    );
}
