//! Coordination rooms through the pages and the API: every desa binaan, office and province has
//! a room with its default members; members post (with files, mentions, replies), search and
//! see read receipts; non-members and removed members are refused; managers add and remove
//! members; a message becomes a report linked both ways; roles that must be refused are.

use crate::harness::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The id of the room called `name` in `user`'s list.
async fn room_of(app: &TestApp, user: &str, name: &str) -> Option<i64> {
    let t = app.token(user).await;
    let (s, body) = app.api(&t, Method::GET, "/api/v1/rooms", None).await;
    assert_eq!(s, StatusCode::OK);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .map(|r| r["id"].as_i64().unwrap())
}

fn fields(form: Form, pairs: &[(&str, &str)]) -> Form {
    pairs
        .iter()
        .fold(form, |f, (k, v)| f.text(k.to_string(), v.to_string()))
}

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    room: i64,
    pairs: &[(&str, &str)],
    file: Option<Part>,
) -> (StatusCode, Option<String>, String) {
    let (_, page) = app.get(c, &format!("/ruang/{room}")).await;
    let mut form = fields(Form::new().text("_csrf", csrf_of(&page)), pairs);
    if let Some(p) = file {
        form = form.part("files", p);
    }
    let r = c
        .post(app.url(&format!("/ruang/{room}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    let loc = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (s, loc, r.text().await.unwrap())
}

fn message_id(location: &str) -> i64 {
    location.rsplit("#m").next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn rooms_members_messages_threads_receipts_and_scope() {
    let app = crate::reports_api::spawn_roomy().await;

    // Default members: the village's user, its PIMPASA officer and the partner agencies of
    // the regency are in Sitiarjo's room; another village's user is not.
    let room = room_of(&app, "desa.sitiarjo", "Desa Sitiarjo")
        .await
        .expect("the village user is in the village's room");
    assert_eq!(
        room_of(&app, "pimpasa2.malang", "Desa Sitiarjo").await,
        Some(room)
    );
    assert_eq!(
        room_of(&app, "polres.malang", "Desa Sitiarjo").await,
        Some(room)
    );
    assert_eq!(room_of(&app, "desa.kalipare", "Desa Sitiarjo").await, None);
    assert!(
        room_of(&app, "pemeriksa.malang", MALANG).await.is_some(),
        "office room"
    );
    assert!(
        room_of(&app, "kanwil.jatim", "Provinsi Jawa Timur")
            .await
            .is_some()
            || room_of(&app, "kanwil.jatim", "Provinsi JAWA TIMUR")
                .await
                .is_some(),
        "province room"
    );

    let desa = app.login("desa.sitiarjo").await;
    let officer = app.login("pimpasa2.malang").await;
    let other = app.login("desa.kalipare").await;

    // A message with a photo and a mention; a message without text is refused with a reason.
    let png = Part::bytes(crate::report_pages::PNG.to_vec())
        .file_name("calo.png")
        .mime_str("image/png")
        .unwrap();
    let (s, loc, _) = post(
        &app,
        &desa,
        room,
        &[(
            "body",
            "Ada calo menawarkan kerja di Malaysia tanpa biaya. @pimpasa2.malang mohon dicek.",
        )],
        Some(png),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let first = message_id(&loc.unwrap());
    let (s, _, html) = post(&app, &desa, room, &[("body", "   ")], None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Wajib diisi"), "{html}");
    // A village user cannot post an announcement.
    let (s, _, _) = post(
        &app,
        &desa,
        room,
        &[("body", "x"), ("kind", "pengumuman")],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The mentioned officer is notified in the app.
    let t = app.token("pimpasa2.malang").await;
    let (_, n) = app
        .api(&t, Method::GET, "/api/v1/notifications", None)
        .await;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "mention"
                && x["link"].as_str().unwrap().contains(&format!("#m{first}"))),
        "{n}"
    );

    // The officer sees the message and its photo; the other village does not.
    let (s, html) = app.get(&officer, &format!("/ruang/{room}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Ada calo menawarkan kerja"));
    let file_href = regex_lite::Regex::new(r#"href="(/ruang/\d+/berkas/\d+)""#)
        .unwrap()
        .captures(&html)
        .expect("file link")[1]
        .to_string();
    assert_eq!(app.get(&officer, &file_href).await.0, StatusCode::OK);
    assert_eq!(app.get(&other, &file_href).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&other, &format!("/ruang/{room}")).await.0,
        StatusCode::FORBIDDEN
    );
    let to = app.token("desa.kalipare").await;
    let (s, _) = app
        .api(
            &to,
            Method::GET,
            &format!("/api/v1/rooms/{room}/messages"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .api(
            &to,
            Method::POST,
            &format!("/api/v1/rooms/{room}/messages"),
            Some(json!({"body": "halo"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // An announcement by the officer (a manager), a reply in its thread, read receipts.
    let (s, loc, _) = post(
        &app,
        &officer,
        room,
        &[
            ("body", "Sosialisasi hari Kamis di balai desa."),
            ("kind", "pengumuman"),
        ],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let ann = message_id(&loc.unwrap());
    let (_, html) = app
        .get(&officer, &format!("/ruang/{room}/pesan/{ann}"))
        .await;
    assert!(
        html.contains("Dibaca 0 dari"),
        "nobody has read it yet: {html}"
    );
    let (_, html) = app.get(&desa, &format!("/ruang/{room}")).await;
    assert!(html.contains("Sosialisasi hari Kamis"));
    let (_, html) = app
        .get(&officer, &format!("/ruang/{room}/pesan/{ann}"))
        .await;
    assert!(
        html.contains("Dibaca 1 dari"),
        "the village user has read it: {html}"
    );
    assert!(html.contains("✓ Suparman"));
    let (s, loc, _) = post(
        &app,
        &desa,
        room,
        &[
            ("body", "Siap, kami hadir."),
            ("parent_id", &ann.to_string()),
        ],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc
        .unwrap()
        .starts_with(&format!("/ruang/{room}/pesan/{ann}#m")));
    let (_, html) = app
        .get(&officer, &format!("/ruang/{room}/pesan/{ann}"))
        .await;
    assert!(html.contains("Siap, kami hadir."));
    // A reply to a reply is refused.
    let reply = {
        let t = app.token("desa.sitiarjo").await;
        let (_, page) = app
            .api(
                &t,
                Method::GET,
                &format!("/api/v1/rooms/{room}/messages?q=siap"),
                None,
            )
            .await;
        page["items"][0]["id"].as_i64().unwrap()
    };
    let td = app.token("desa.sitiarjo").await;
    let (s, body) = app
        .api(
            &td,
            Method::POST,
            &format!("/api/v1/rooms/{room}/messages"),
            Some(json!({"body": "lagi", "parent_id": reply})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Search the history; live updates after the last id.
    let (s, html) = app
        .get(&officer, &format!("/ruang/{room}?q=MALAYSIA"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Ada calo"));
    assert!(!html.contains("Sosialisasi hari Kamis"));
    let r = officer
        .get(app.url(&format!("/ruang/{room}/baru?setelah={first}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-last-id"].to_str().unwrap(), ann.to_string());
    assert!(r.text().await.unwrap().contains("Sosialisasi hari Kamis"));
    let r = officer
        .get(app.url(&format!("/ruang/{room}/baru?setelah={ann}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    // Members: a non-member officer of the area manages the room (adds himself), a village
    // user cannot manage; a removed member can no longer read, and the history stays.
    let pemeriksa = app.login("pemeriksa.malang").await;
    assert_eq!(
        app.get(&pemeriksa, &format!("/ruang/{room}")).await.0,
        StatusCode::FORBIDDEN
    );
    let members = format!("/ruang/{room}/anggota");
    // Another village's user is outside this room's place: refused, and still cannot read.
    let (s, html, _) = app
        .post_form(
            &pemeriksa,
            &members,
            &members,
            &[("username", "desa.kalipare")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("di luar wilayah ruang ini"), "{html}");
    assert_eq!(
        app.get(&other, &format!("/ruang/{room}")).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, _, _) = app
        .post_form(
            &pemeriksa,
            &members,
            &members,
            &[("username", "pemeriksa.malang")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&pemeriksa, &format!("/ruang/{room}")).await.0,
        StatusCode::OK
    );
    let (s, html, _) = app
        .post_form(&pemeriksa, &members, &members, &[("username", "tidak.ada")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Tidak ada pengguna aktif"));
    let (s, _, _) = app
        .post_form(&desa, &members, &members, &[("username", "desa.kalipare")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let pemeriksa_id = {
        let t = app.token("pemeriksa.malang").await;
        app.api(&t, Method::GET, "/api/v1/me", None).await.1["user_id"]
            .as_i64()
            .unwrap()
    };
    let (s, _, _) = app
        .post_form(
            &pemeriksa,
            &members,
            &format!("{members}/{pemeriksa_id}/hapus"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&pemeriksa, &format!("/ruang/{room}")).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, html) = app.get(&officer, &members).await;
    assert!(html.contains("Dikeluarkan"));
    // The room's default rules do not bring a removed member back.
    app.db
        .rooms()
        .sync_rooms(benteng_db::rooms::Sync::All)
        .await
        .unwrap();
    assert_eq!(
        app.get(&pemeriksa, &format!("/ruang/{room}")).await.0,
        StatusCode::FORBIDDEN
    );

    // A message becomes a report in one step, linked both ways; twice is refused.
    let path = format!("/ruang/{room}/pesan/{first}/laporan");
    let (s, html) = app.get(&desa, &path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Ada calo menawarkan kerja"),
        "form starts from the message"
    );
    assert!(
        html.contains("Desa Sitiarjo, Kec. Sumbermanjing Wetan"),
        "the room's village is filled in, by name"
    );
    let (s, _, loc) = app
        .post_form(
            &desa,
            &path,
            &path,
            &[
                ("category", "rekrutmen"),
                (
                    "description",
                    "Calo menawarkan kerja di Malaysia tanpa biaya (dari ruang desa).",
                ),
                ("region_code", SITIARJO),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let report = loc.unwrap();
    assert!(report.starts_with("/laporan/"), "{report}");
    let (_, html) = app.get(&officer, &report).await;
    assert!(
        html.contains("Berasal dari pesan di ruang Desa Sitiarjo"),
        "{html}"
    );
    assert!(html.contains(&format!("/ruang/{room}/pesan/{first}")));
    let (_, html) = app.get(&officer, &format!("/ruang/{room}")).await;
    assert!(
        html.contains(&format!("href=\"{report}\"")),
        "the message links to its report"
    );
    // The village that made it sees the report, no second "Jadikan laporan".
    let (_, html) = app.get(&desa, &format!("/ruang/{room}")).await;
    assert!(html.contains(&format!("href=\"{report}\"")));
    assert!(
        !html.contains(&format!("href=\"{path}\"")),
        "no link to make it again"
    );
    let (s, _, _) = app
        .post_form(
            &desa,
            &format!("/ruang/{room}"),
            &path,
            &[
                ("category", "rekrutmen"),
                ("description", "Lagi"),
                ("region_code", SITIARJO),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // A partner agency cannot file reports, so cannot turn a message into one.
    let polres = app.login("polres.malang").await;
    let (s, _, _) = app
        .post_form(
            &polres,
            &format!("/ruang/{room}"),
            &format!("/ruang/{room}/pesan/{ann}/laporan"),
            &[
                ("category", "rekrutmen"),
                ("description", "x"),
                ("region_code", SITIARJO),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn coordination_pages_refuse_the_roles_that_must_be_refused() {
    let app = crate::reports_api::spawn_roomy().await;
    let anon = client();
    for path in [
        "/ruang",
        "/waspada",
        "/akun/notifikasi",
        "/wa",
        "/ruang/1",
        "/ruang/1/anggota",
    ] {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path} asks to sign in");
    }
    for path in [
        "/api/v1/rooms",
        "/api/v1/alerts",
        "/api/v1/me/notification-preferences",
    ] {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // Only officers (and admins) read the WhatsApp inbox; only officers, the Kanwil and admins
    // post alerts.
    for user in ["desa.sitiarjo", "polres.malang", "kanwil.jatim"] {
        let c = app.login(user).await;
        assert_eq!(
            app.get(&c, "/wa").await.0,
            StatusCode::FORBIDDEN,
            "{user} /wa"
        );
    }
    for user in ["desa.sitiarjo", "polres.malang", "disnaker.malang"] {
        let c = app.login(user).await;
        let (s, _, _) = app
            .post_form(
                &c,
                "/ruang",
                "/waspada",
                &[
                    ("severity", "waspada"),
                    ("area_code", "35.07"),
                    ("title", "x"),
                    ("body", "y"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} posts an alert");
        let t = app.token(user).await;
        let (s, _) = app
            .api(
                &t,
                Method::POST,
                "/api/v1/alerts",
                Some(
                    json!({"severity": "waspada", "area_code": "35.07", "title": "x", "body": "y"}),
                ),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} API alert");
    }
    // An officer warns only inside the office's area; every field is checked.
    let t = app.token("pimpasa.malang").await;
    let (s, body) = app
        .api(
            &t,
            Method::POST,
            "/api/v1/alerts",
            Some(json!({"severity": "gawat", "area_code": "31", "title": "", "body": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["severity", "area_code", "title", "body"] {
        assert!(fields.contains(&f), "{f} in {body}");
    }
    // A room that does not exist is 404, a room of another area 403.
    let c = app.login("desa.kalipare").await;
    assert_eq!(app.get(&c, "/ruang/999999").await.0, StatusCode::NOT_FOUND);
    let sitiarjo = room_of(&app, "desa.sitiarjo", "Desa Sitiarjo")
        .await
        .unwrap();
    assert_eq!(
        app.get(&c, &format!("/ruang/{sitiarjo}")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&c, &format!("/ruang/{sitiarjo}/anggota")).await.0,
        StatusCode::FORBIDDEN
    );
}
