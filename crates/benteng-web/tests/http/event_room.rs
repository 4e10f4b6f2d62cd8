//! An event opens its own room, and its invited villages are ticked from the office's desa
//! binaan: the planner chooses the invited villages' users, the officers and the partner
//! agencies (a speaker's agency ticked), lands in the room with its first announcement; the
//! village reads it from the event's page; roles that must be refused are; removal sticks.

use crate::events::{KALIPARE, SITIARJO};
use reqwest::StatusCode;

/// The id of the agency offered on the event's room form under `name`, and whether it is ticked.
fn agency_box(html: &str, name: &str) -> (String, bool) {
    let re = regex_lite::Regex::new(&format!(
        r#"name="mitra" value="(\d+)"( checked)?> {}"#,
        regex_lite::escape(name)
    ))
    .unwrap();
    let c = re
        .captures(html)
        .unwrap_or_else(|| panic!("{name} is offered"));
    (c[1].to_string(), c.get(2).is_some())
}

fn user_id_in(members_html: &str, username: &str) -> Option<String> {
    let row = members_html
        .split("<tr")
        .find(|r| r.contains(&format!("@{username}<")))?;
    regex_lite::Regex::new(r"/anggota/(\d+)/hapus")
        .unwrap()
        .captures(row)
        .map(|c| c[1].to_string())
}

fn is_active_member(members_html: &str, username: &str) -> bool {
    members_html
        .split("<tr")
        .any(|r| r.contains(&format!("@{username}<")) && !r.contains("class=\"muted\""))
}

#[tokio::test]
async fn an_event_opens_its_room_for_the_invited_villages_officers_and_speakers_agencies() {
    let app = crate::reports_api::spawn_roomy().await;
    let officer = app.login("pimpasa.malang").await;

    // The form offers the office's desa binaan as tick boxes, with their kecamatan.
    let (s, form) = app.get(&officer, "/sosialisasi/baru").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        form.contains(&format!(r#"name="desa" value="{SITIARJO}""#)),
        "Sitiarjo is a tick box"
    );
    assert!(form.contains("Sitiarjo, Kec. Sumbermanjing Wetan"));

    // Two ticked and none typed: both are invited.
    let (s, _, at) = app
        .post_form(
            &officer,
            "/sosialisasi/baru",
            "/sosialisasi",
            &[
                ("title", "Sosialisasi Bersama Dua Desa"),
                ("date", "2026-12-17"),
                ("time", "08:30"),
                ("venue", "Balai Desa Sitiarjo"),
                ("region", SITIARJO),
                ("desa", SITIARJO),
                ("desa", KALIPARE),
                ("villages", ""),
                (
                    "speakers",
                    "Tri Handayani; Dinas Tenaga Kerja Kabupaten Malang; Prosedur penempatan\nHendra; Polres Kab. Malang; Modus perekrutan",
                ),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let event = at.unwrap();
    let id = event.rsplit('/').next().unwrap().to_string();
    let (_, page) = app.get(&officer, &event).await;
    let invited = page.split(r#"id="villages">"#).nth(1).unwrap();
    let invited = invited.split("</p>").next().unwrap();
    assert!(
        invited.contains("Sitiarjo") && invited.contains("Kalipare"),
        "{invited}"
    );

    // Editing keeps them ticked.
    let (_, edit) = app.get(&officer, &format!("{event}/ubah")).await;
    assert!(edit.contains(&format!(r#"name="desa" value="{KALIPARE}" checked"#)));

    // The room form: the speakers' agencies are ticked, the others are not.
    assert!(page.contains(r#"id="event-room-form""#));
    let (disnaker, ticked) = agency_box(&page, "Dinas Tenaga Kerja Kabupaten Malang");
    assert!(ticked, "a speaker's agency is ticked");
    let (polres, ticked) = agency_box(&page, "Polres Malang");
    assert!(ticked, "Polres Kab. Malang names Polres Malang");
    let (dukcapil, ticked) = agency_box(&page, "Dispendukcapil Kabupaten Malang");
    assert!(!ticked, "no speaker from Dukcapil");

    // Those who may not manage the event are refused, and see no form.
    let village = app.login("desa.sitiarjo").await;
    let (s, vpage) = app.get(&village, &event).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!vpage.contains("event-room-form") && !vpage.contains(r#"id="event-room""#));
    let open_path = format!("/sosialisasi/{id}/ruang");
    for user in ["desa.sitiarjo", "disnaker.malang", "dukcapil.malang"] {
        let c = app.login(user).await;
        let (s, _, _) = app
            .post_form(&c, "/akun", &open_path, &[("desa", "1"), ("petugas", "1")])
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{user} may not open the room");
    }
    // The planner opens it with the villages, the officers and Disnaker only (Polres
    // unticked by hand; an agency id from nowhere is ignored).
    let (s, _, room) = app
        .post_form(
            &officer,
            &event,
            &open_path,
            &[
                ("desa", "1"),
                ("petugas", "1"),
                ("mitra", &disnaker),
                ("mitra", "999999"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let room = room.unwrap();
    assert!(room.starts_with("/ruang/"), "{room}");
    let (s, rpage) = app.get(&officer, &room).await;
    assert_eq!(s, StatusCode::OK);
    assert!(rpage.contains("Kegiatan: Sosialisasi Bersama Dua Desa"));
    assert!(
        rpage.contains("Balai Desa Sitiarjo"),
        "the announcement says where"
    );
    assert!(
        rpage.contains("anggota ditambahkan"),
        "the flash says how many"
    );

    let (_, members) = app.get(&officer, &format!("{room}/anggota")).await;
    for (user, want) in [
        ("pimpasa.malang", true),
        ("desa.sitiarjo", true),
        ("desa.kalipare", true),
        ("disnaker.malang", true),
        ("polres.malang", false),
        ("dukcapil.malang", false),
        ("kanwil.jatim", false),
        ("pemeriksa.malang", true),
    ] {
        assert_eq!(is_active_member(&members, user), want, "{user}");
    }
    let _ = (polres, dukcapil);

    // The village finds the room on the event's page and reads it; Polres may not.
    let (_, vpage) = app.get(&village, &event).await;
    assert!(
        vpage.contains(&format!(r#"href="{room}""#)),
        "link for a member"
    );
    let (s, vroom) = app.get(&village, &room).await;
    assert_eq!(s, StatusCode::OK);
    assert!(vroom.contains("Balai Desa Sitiarjo"));
    // An invited village whose event is held in another village finds it too.
    let kalipare_user = app.login("desa.kalipare").await;
    let (s, kpage) = app.get(&kalipare_user, &event).await;
    assert_eq!(s, StatusCode::OK, "the event's page of an invited village");
    assert!(kpage.contains(&format!(r#"href="{room}""#)));
    assert_eq!(app.get(&kalipare_user, &room).await.0, StatusCode::OK);
    let polres_user = app.login("polres.malang").await;
    assert_eq!(app.get(&polres_user, &room).await.0, StatusCode::FORBIDDEN);
    let (_, ppage) = app.get(&polres_user, &event).await;
    assert!(
        !ppage.contains(&format!(r#"href="{room}""#)),
        "no link for a non-member"
    );

    // Removal sticks: Kalipare's user removed, opening again adds nobody back and posts no
    // second announcement.
    let kalipare = user_id_in(&members, "desa.kalipare").expect("a remove button");
    let (s, _, _) = app
        .post_form(
            &officer,
            &format!("{room}/anggota"),
            &format!("{room}/anggota/{kalipare}/hapus"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, again) = app
        .post_form(
            &officer,
            &event,
            &open_path,
            &[("desa", "1"), ("petugas", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(again.as_deref(), Some(room.as_str()), "the same room");
    let (_, members) = app.get(&officer, &format!("{room}/anggota")).await;
    assert!(
        !is_active_member(&members, "desa.kalipare"),
        "removal sticks"
    );
    let (_, rpage) = app.get(&officer, &room).await;
    assert_eq!(
        rpage.matches("Balai Desa Sitiarjo").count(),
        1,
        "one announcement"
    );

    // The room is in the village's list, named as an event's room.
    let (_, list) = app.get(&village, "/ruang").await;
    assert!(list.contains("Kegiatan: Sosialisasi Bersama Dua Desa"));

    // Opening is audited.
    let admin = app.login("admin.demo").await;
    let (_, audit) = app.get(&admin, "/audit?aksi=open_room").await;
    assert!(audit.contains("Ruang dibuka"), "audit names the action");
}
