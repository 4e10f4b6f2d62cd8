//! Refused writes change nothing, for the modules: awareness events (their plan, quiz stage,
//! published answers and invited villages) and the calon PMI register (particulars, status,
//! step verification, family permission letters). Same method as `refusals.rs`: the wrong
//! role inside the area, the right role outside it, each refused on the page and on the API
//! with the record read back unchanged; then the allowed role succeeds and changes it.

use crate::harness::*;
use crate::refusals::{fields, Callers, Write, OUTSIDE, ROLE};
use crate::two_areas::{spawn_two_areas, JATEN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// An event of Kabupaten Malang planned by the village mentor, inviting Kalipare and
/// Sitiarjo; its id.
async fn malang_event(app: &TestApp, officer: &str) -> i64 {
    let (s, b) = app
        .api(
            officer,
            Method::POST,
            "/api/v1/events",
            Some(event_body(
                "Sosialisasi Kalipare",
                &format!("{KALIPARE}\n{SITIARJO}"),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

fn event_body(title: &str, villages: &str) -> Value {
    json!({"title": title, "date": "2026-12-17", "time": "08:30", "zone": "WIB",
           "venue": "Balai Desa Kalipare", "region": "35.07", "villages": villages})
}

fn event_form(title: &'static str) -> Vec<(&'static str, String)> {
    fields(&[
        ("title", title),
        ("date", "2026-12-17"),
        ("time", "08:30"),
        ("zone", "WIB"),
        ("venue", "Balai Desa Kalipare"),
        ("region", "35.07"),
        ("villages", &format!("{KALIPARE}\n{SITIARJO}")),
    ])
}

/// Inside the area with the wrong role, and the right role outside it.
const EVENT_REFUSED: [(&str, StatusCode); 4] = [
    // An invited village and a partner agency follow events but do not run them.
    ("desa.kalipare", ROLE),
    ("disnaker.malang", ROLE),
    ("petugas.blitar", OUTSIDE),
    ("kanwil.bali", OUTSIDE),
];

#[tokio::test]
async fn events_are_changed_by_officers_of_their_area_only() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let (officer_web, officer) = callers.get("pimpasa.malang").await;
    let id = malang_event(&app, &officer).await;
    let read = format!("/api/v1/events/{id}");

    let w = Write {
        name: "update an event",
        page: Some((
            format!("/sosialisasi/{id}"),
            event_form("Sosialisasi Kalipare (halaman)"),
        )),
        api: Some((
            Method::PUT,
            read.clone(),
            Some(event_body(
                "Sosialisasi Kalipare (API)",
                &format!("{KALIPARE}\n{SITIARJO}"),
            )),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers
        .check(&w, &EVENT_REFUSED, Some("pimpasa.malang"))
        .await;
    assert_eq!(
        callers.read(&read).await["event"]["title"],
        "Sosialisasi Kalipare (API)"
    );
    // Its own officer cannot move it out of the area either (a field error, 422).
    let mut form = event_form("Sosialisasi Kalipare (API)");
    form.retain(|(k, _)| !matches!(*k, "region" | "villages"));
    form.push(("region", "35.05".into()));
    let mut moved = event_body("Sosialisasi Kalipare (API)", "");
    moved["region"] = json!("35.05");
    let w = Write {
        name: "move an event out of the area",
        page: Some((format!("/sosialisasi/{id}"), form)),
        api: Some((Method::PUT, read.clone(), Some(moved))),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers
        .check(
            &w,
            &[("pimpasa.malang", StatusCode::UNPROCESSABLE_ENTITY)],
            None,
        )
        .await;

    let w = Write {
        name: "open or close an event's quiz",
        page: Some((
            format!("/sosialisasi/{id}/kuis"),
            fields(&[("stage", "post")]),
        )),
        api: Some((
            Method::PUT,
            format!("{read}/quiz"),
            Some(json!({"stage": "closed"})),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers
        .check(&w, &EVENT_REFUSED, Some("pimpasa.malang"))
        .await;
    assert_eq!(callers.read(&read).await["event"]["quiz_stage"], "closed");

    // An answered question, published to the public FAQ: on the page only.
    let (s, _, _) = app
        .post_form(
            &officer_web,
            "/akun",
            &format!("/sosialisasi/{id}/tanya"),
            &[
                ("question", "Apakah kursus bahasa wajib?"),
                ("answer", "Ya, sebelum penempatan."),
                ("answered_by", "BP3MI Jawa Timur"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let question = callers.read(&read).await["questions"][0]["id"]
        .as_i64()
        .unwrap();
    let w = Write {
        name: "publish an answer",
        page: Some((
            format!("/sosialisasi/{id}/tanya/{question}/terbit"),
            fields(&[("publish", "1")]),
        )),
        api: None,
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers
        .check(&w, &EVENT_REFUSED, Some("pimpasa.malang"))
        .await;
    let (s, faq) = app.get(&client(), "/faq").await;
    assert_eq!(s, StatusCode::OK);
    assert!(faq.contains("Apakah kursus bahasa wajib?"), "{faq}");
}

/// An officer may invite only villages of their own area: a Blitar village invited to a
/// Malang event would see it and its check-in code (issue 22, finding 5).
#[tokio::test]
async fn an_officer_cannot_invite_villages_outside_the_area() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let (_, officer) = callers.get("pimpasa.malang").await;
    // Not when planning: nothing is stored.
    let (_, before) = app.api(&officer, Method::GET, "/api/v1/events", None).await;
    let (s, b) = app
        .api(
            &officer,
            Method::POST,
            "/api/v1/events",
            Some(event_body(
                "Sosialisasi Jaten",
                &format!("{KALIPARE}\n{JATEN}"),
            )),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (_, after) = app.api(&officer, Method::GET, "/api/v1/events", None).await;
    assert_eq!(after["total"], before["total"]);
    // Nor by changing the plan, on the page or the API.
    let id = malang_event(&app, &officer).await;
    let read = format!("/api/v1/events/{id}");
    let mut form = event_form("Sosialisasi Kalipare");
    form.retain(|(k, _)| *k != "villages");
    form.push(("villages", format!("{KALIPARE}\n{JATEN}")));
    let w = Write {
        name: "invite a village outside the area",
        page: Some((format!("/sosialisasi/{id}"), form)),
        api: Some((
            Method::PUT,
            read.clone(),
            Some(event_body(
                "Sosialisasi Kalipare",
                &format!("{KALIPARE}\n{JATEN}"),
            )),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers
        .check(
            &w,
            &[("pimpasa.malang", StatusCode::UNPROCESSABLE_ENTITY)],
            None,
        )
        .await;
    // Jaten's village user does not see the event.
    let (_, jaten) = callers.get("desa.jaten").await;
    let (_, list) = app.api(&jaten, Method::GET, "/api/v1/events", None).await;
    assert_eq!(list["total"], 0, "{list}");
}

/// A resident of Sitiarjo, registered by the village, with two steps done; its id.
async fn sitiarjo_resident(app: &TestApp, village: &str) -> i64 {
    let (s, b) = app
        .api(
            village,
            Method::POST,
            "/api/v1/migrants",
            Some(
                json!({"name": "Wati Rahayu", "birth_date": "1995-05-05", "destination": "TW",
                        "scheme": "mandiri"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    for step in ["kesehatan", "paspor"] {
        let (s, b) = app
            .api(
                village,
                Method::POST,
                &format!("/api/v1/migrants/{id}/steps"),
                Some(json!({"step": step, "status": "selesai"})),
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{step}: {b}");
    }
    id
}

#[tokio::test]
async fn the_register_is_changed_by_its_own_village_only() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let (_, village) = callers.get("desa.sitiarjo").await;
    let id = sitiarjo_resident(&app, &village).await;
    let read = format!("/api/v1/migrants/{id}");
    let refused: &[(&str, StatusCode)] = &[
        // Inside the area, the wrong role: officers, the Kanwil, Disnaker follow the register.
        ("pimpasa.malang", ROLE),
        ("kanwil.jatim", ROLE),
        ("disnaker.malang", ROLE),
        // The right role, another village: in the same kabupaten and in Blitar.
        ("desa.kalipare", OUTSIDE),
        ("desa.jaten", OUTSIDE),
    ];
    let particulars = |name: &str| json!({"name": name, "birth_date": "1995-05-05", "destination": "TW", "scheme": "mandiri"});
    let w = Write {
        name: "update a resident",
        page: Some((
            format!("/calon-pmi/{id}"),
            fields(&[
                ("name", "Wati Rahayu (halaman)"),
                ("birth_date", "1995-05-05"),
                ("destination", "TW"),
                ("scheme", "mandiri"),
            ]),
        )),
        api: Some((
            Method::PUT,
            read.clone(),
            Some(particulars("Wati Rahayu (API)")),
        )),
        api_ok: StatusCode::OK,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("desa.sitiarjo")).await;
    assert_eq!(
        callers.read(&read).await["migrant"]["name"],
        "Wati Rahayu (API)"
    );

    let w = Write {
        name: "change a resident's status",
        page: Some((
            format!("/calon-pmi/{id}/status"),
            fields(&[("status", "proses")]),
        )),
        api: Some((
            Method::POST,
            format!("{read}/status"),
            Some(json!({"status": "berangkat", "date": "2026-11-01"})),
        )),
        api_ok: StatusCode::OK,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("desa.sitiarjo")).await;
    assert_eq!(callers.read(&read).await["migrant"]["status"], "berangkat");

    let letter = [
        ("kind", "suami_istri"),
        ("giver_name", "Slamet Riyadi"),
        ("relation", "suami"),
        ("giver_nik", "3507041203850001"),
        ("head_name", "Bambang Sutejo"),
    ];
    let w = Write {
        name: "issue a family permission letter",
        page: Some((format!("/calon-pmi/{id}/surat"), fields(&letter))),
        api: Some((
            Method::POST,
            format!("{read}/letters"),
            Some(Value::Object(
                letter
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            )),
        )),
        api_ok: StatusCode::CREATED,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("desa.sitiarjo")).await;
    assert_eq!(
        callers.read(&read).await["letters"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Steps are verified by the labour agencies of the area only.
    let w = Write {
        name: "verify a resident's step",
        page: Some((
            format!("/calon-pmi/{id}/langkah/kesehatan/verifikasi"),
            vec![],
        )),
        api: Some((Method::POST, format!("{read}/steps/paspor/verify"), None)),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers
        .check(
            &w,
            &[
                // The village keeps the register but does not verify its own steps.
                ("desa.sitiarjo", ROLE),
                ("pimpasa.malang", ROLE),
                ("kanwil.jatim", ROLE),
                // A partner agency of the area that is no labour agency.
                ("dukcapil.malang", ROLE),
                // A labour agency of another kabupaten.
                ("disnaker.blitar", OUTSIDE),
            ],
            Some("disnaker.malang"),
        )
        .await;
    let d = callers.read(&read).await;
    for step in ["kesehatan", "paspor"] {
        let s = d["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == step)
            .unwrap();
        assert_eq!(s["verified_by"], "disnaker.malang", "{step}");
    }
}
