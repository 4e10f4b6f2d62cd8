//! Refused writes change nothing. Every update and delete of the platform core (users with
//! their roles, agencies, offices and their areas, desa binaan with their officers and
//! contacts) is tried by roles that must be refused: one of the wrong role inside the
//! record's area, one of the right role outside it, and others. Each is refused on the page and
//! on the API with the status `docs/security.md` promises, and the record read back
//! afterwards (by the admin, through the API) is exactly what it was. Then the allowed role
//! does the same write on both and the record changes, so a check that is too strict fails
//! too. The modules' writes (events, calon PMI) are in `refusals_modules.rs`.

use crate::harness::*;
use crate::two_areas::{spawn_two_areas, user_id};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;

/// A role the policy refuses this action altogether answers 403 ("Access control").
pub const ROLE: StatusCode = StatusCode::FORBIDDEN;
/// A record outside the caller's area answers 403 as well; an unknown id 404 (the "Known
/// gaps" of `docs/security.md`: ids can be enumerated, never their contents).
pub const OUTSIDE: StatusCode = StatusCode::FORBIDDEN;

/// One write, as the page's form post and as the API call (where the product has both).
pub struct Write {
    pub name: &'static str,
    /// The form's path and fields (the CSRF token is added).
    pub page: Option<(String, Vec<(&'static str, String)>)>,
    /// Method, path and JSON body of the API call.
    pub api: Option<(Method, String, Option<Value>)>,
    /// What the API answers the allowed role.
    pub api_ok: StatusCode,
    /// The API path that shows the record, read by the admin before and after.
    pub read: String,
}

/// Browser sessions and API tokens, one per user, made once (each sign-in is a login).
pub struct Callers<'a> {
    app: &'a TestApp,
    map: HashMap<String, (Client, String)>,
}

impl<'a> Callers<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Callers {
            app,
            map: HashMap::new(),
        }
    }

    pub async fn get(&mut self, user: &str) -> (Client, String) {
        if !self.map.contains_key(user) {
            let c = self.app.login(user).await;
            let t = self.app.token(user).await;
            self.map.insert(user.to_string(), (c, t));
        }
        self.map[user].clone()
    }

    pub async fn read(&mut self, path: &str) -> Value {
        let (_, admin) = self.get("admin.demo").await;
        let (s, v) = self.app.api(&admin, Method::GET, path, None).await;
        assert_eq!(s, StatusCode::OK, "read back {path}: {v}");
        v
    }

    /// Send the write as `user` on the page and on the API; the two statuses.
    async fn send(&mut self, w: &Write, user: &str) -> (Option<StatusCode>, Option<StatusCode>) {
        let (c, t) = self.get(user).await;
        let mut page = None;
        if let Some((path, fields)) = &w.page {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (s, _, _) = self.app.post_form(&c, "/akun", path, &fields).await;
            page = Some(s);
        }
        let mut api = None;
        if let Some((method, path, body)) = &w.api {
            let (s, _) = self.app.api(&t, method.clone(), path, body.clone()).await;
            api = Some(s);
        }
        (page, api)
    }

    /// Every refused user gets exactly their status on both ways in and the record stays as
    /// it was; then `allowed` (if any) succeeds on each way in and the record changes each
    /// time.
    pub async fn check(
        &mut self,
        w: &Write,
        refused: &[(&str, StatusCode)],
        allowed: Option<&str>,
    ) {
        // Sign everyone in first: a sign-in is noted on the user's own record.
        for (user, _) in refused {
            self.get(user).await;
        }
        if let Some(user) = allowed {
            self.get(user).await;
        }
        let before = self.read(&w.read).await;
        for (user, want) in refused {
            let (page, api) = self.send(w, user).await;
            if let Some(s) = page {
                assert_eq!(s, *want, "{}: {user} on the page", w.name);
            }
            if let Some(s) = api {
                assert_eq!(s, *want, "{}: {user} on the API", w.name);
            }
            let after = self.read(&w.read).await;
            assert_eq!(
                after, before,
                "{}: {user}'s refused write changed it",
                w.name
            );
        }
        let Some(user) = allowed else { return };
        let (c, t) = self.get(user).await;
        let mut before = before;
        if let Some((path, fields)) = &w.page {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (s, body, _) = self.app.post_form(&c, "/akun", path, &fields).await;
            assert_eq!(
                s,
                StatusCode::SEE_OTHER,
                "{}: {user} on the page: {body}",
                w.name
            );
            let after = self.read(&w.read).await;
            assert_ne!(
                after, before,
                "{}: {user}'s page write changed nothing",
                w.name
            );
            before = after;
        }
        if let Some((method, path, body)) = &w.api {
            let (s, b) = self.app.api(&t, method.clone(), path, body.clone()).await;
            assert_eq!(s, w.api_ok, "{}: {user} on the API: {b}", w.name);
            let after = self.read(&w.read).await;
            assert_ne!(
                after, before,
                "{}: {user}'s API write changed nothing",
                w.name
            );
        }
    }
}

/// Form fields from literal pairs.
pub fn fields(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

#[tokio::test]
async fn user_changes_and_role_changes_are_the_admins_alone() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let siti = user_id(&app, "desa.kalipare").await;
    // Making a village user an admin: only an admin may.
    let promote = |name: &str| json!({"username": "desa.kalipare", "full_name": name, "role": "admin", "active": "1"});
    let w = Write {
        name: "make a user admin",
        page: Some((
            format!("/pengguna/{siti}"),
            fields(&[
                ("username", "desa.kalipare"),
                ("full_name", "Siti Aminah (halaman)"),
                ("role", "admin"),
                ("active", "1"),
            ]),
        )),
        api: Some((
            Method::PUT,
            format!("/api/v1/users/{siti}"),
            Some(promote("Siti Aminah (API)")),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: format!("/api/v1/users/{siti}"),
    };
    callers
        .check(
            &w,
            &[
                // The Kanwil sees Jawa Timur's users but manages none.
                ("kanwil.jatim", ROLE),
                ("kanwil.bali", ROLE),
                ("pimpasa.malang", ROLE),
                ("disnaker.malang", ROLE),
                // The user herself.
                ("desa.kalipare", ROLE),
            ],
            Some("admin.demo"),
        )
        .await;
    let after = callers.read(&format!("/api/v1/users/{siti}")).await;
    assert_eq!(after["role"], "admin");
    assert_eq!(after["full_name"], "Siti Aminah (API)");

    // Nobody but an admin changes their own role, on the page or the API.
    for (user, role) in [
        ("kanwil.jatim", "kanwil"),
        ("pimpasa.malang", "petugas"),
        ("disnaker.malang", "mitra"),
        ("desa.sitiarjo", "desa"),
    ] {
        let id = user_id(&app, user).await;
        let body = json!({"username": user, "full_name": "Ingin Jadi Admin", "role": "admin", "active": "1"});
        let w = Write {
            name: "change one's own role",
            page: Some((
                format!("/pengguna/{id}"),
                fields(&[
                    ("username", user),
                    ("full_name", "Ingin Jadi Admin"),
                    ("role", "admin"),
                    ("active", "1"),
                ]),
            )),
            api: Some((Method::PUT, format!("/api/v1/users/{id}"), Some(body))),
            api_ok: StatusCode::NO_CONTENT,
            read: format!("/api/v1/users/{id}"),
        };
        callers.check(&w, &[(user, ROLE)], None).await;
        assert_eq!(
            callers.read(&format!("/api/v1/users/{id}")).await["role"],
            role
        );
    }
    // An admin cannot demote themselves either (a field error, 422), and nothing changes.
    let admin = user_id(&app, "admin.demo").await;
    let w = Write {
        name: "an admin demotes themselves",
        page: Some((
            format!("/pengguna/{admin}"),
            fields(&[
                ("username", "admin.demo"),
                ("full_name", "Admin Demo"),
                ("role", "kanwil"),
                ("region_code", "35"),
                ("active", "1"),
            ]),
        )),
        api: Some((
            Method::PUT,
            format!("/api/v1/users/{admin}"),
            Some(
                json!({"username": "admin.demo", "full_name": "Admin Demo", "role": "kanwil",
                        "region_code": "35", "active": "1"}),
            ),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: format!("/api/v1/users/{admin}"),
    };
    callers
        .check(
            &w,
            &[("admin.demo", StatusCode::UNPROCESSABLE_ENTITY)],
            None,
        )
        .await;
}

#[tokio::test]
async fn agencies_are_changed_by_admins_only() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let (_, t) = callers.get("admin.demo").await;
    let disnaker =
        crate::reports_api::agency_id(&app, &t, "Dinas Tenaga Kerja Kabupaten Malang").await;
    let body = |name: &str| json!({"name": name, "kind": "disnaker", "region_code": "35.07"});
    let w = Write {
        name: "update an agency",
        page: Some((
            format!("/instansi/{disnaker}"),
            fields(&[
                ("name", "Disnaker Malang (halaman)"),
                ("kind", "disnaker"),
                ("region_code", "35.07"),
            ]),
        )),
        api: Some((
            Method::PUT,
            format!("/api/v1/agencies/{disnaker}"),
            Some(body("Disnaker Malang (API)")),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: format!("/api/v1/agencies/{disnaker}"),
    };
    callers
        .check(
            &w,
            &[
                ("kanwil.jatim", ROLE),
                ("pimpasa.malang", ROLE),
                // The agency's own staff.
                ("disnaker.malang", ROLE),
                ("disnaker.blitar", ROLE),
                ("desa.kalipare", ROLE),
            ],
            Some("admin.demo"),
        )
        .await;
    assert_eq!(
        callers.read(&format!("/api/v1/agencies/{disnaker}")).await["name"],
        "Disnaker Malang (API)"
    );
}

#[tokio::test]
async fn offices_and_their_areas_are_changed_by_admins_only() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let malang = app.office_id(MALANG).await;
    let read = format!("/api/v1/offices/{malang}");
    let refused: &[(&str, StatusCode)] = &[
        ("kanwil.jatim", ROLE),
        // The office's own officers.
        ("pimpasa.malang", ROLE),
        ("pemeriksa.malang", ROLE),
        ("petugas.blitar", ROLE),
        ("disnaker.malang", ROLE),
        ("desa.kalipare", ROLE),
    ];
    let office = |name: &str| json!({"name": name, "kind": "kanim", "province_code": "35"});
    let w = Write {
        name: "update an office",
        page: Some((
            format!("/kantor/{malang}"),
            fields(&[
                ("name", "Kanim Malang (halaman)"),
                ("kind", "kanim"),
                ("province_code", "35"),
            ]),
        )),
        api: Some((
            Method::PUT,
            format!("/api/v1/offices/{malang}"),
            Some(office("Kanim Malang (API)")),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("admin.demo")).await;
    assert_eq!(
        callers.read(&read).await["office"]["name"],
        "Kanim Malang (API)"
    );

    let w = Write {
        name: "give an office an area",
        page: Some((
            format!("/kantor/{malang}/wilayah"),
            fields(&[("region_code", "35.06"), ("valid_from", "2030-01-01")]),
        )),
        api: Some((
            Method::POST,
            format!("/api/v1/offices/{malang}/areas"),
            Some(json!({"region_code": "35.09", "valid_from": "2030-01-01"})),
        )),
        api_ok: StatusCode::CREATED,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("admin.demo")).await;

    let areas = callers.read(&read).await["areas"].clone();
    let area = |code: &str| {
        areas
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["region_code"] == code && a["valid_to"].is_null())
            .unwrap_or_else(|| panic!("Malang holds {code}: {areas}"))["id"]
            .as_i64()
            .unwrap()
    };
    let (kota_batu, kota_pasuruan) = (area("35.79"), area("35.75"));
    let w = Write {
        name: "end an office's area",
        page: Some((
            format!("/kantor/{malang}/wilayah/{kota_batu}/akhiri"),
            fields(&[("valid_to", "2099-01-01")]),
        )),
        api: Some((
            Method::POST,
            format!("/api/v1/offices/{malang}/areas/{kota_pasuruan}/end"),
            Some(json!({"valid_to": "2099-01-01"})),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("admin.demo")).await;
}

#[tokio::test]
async fn desa_binaan_records_officers_and_contacts_are_changed_inside_the_area_only() {
    let (app, _) = spawn_two_areas().await;
    let mut callers = Callers::new(&app);
    let id = app.desa_id(KALIPARE).await;
    let malang = app.office_id(MALANG).await.to_string();
    let read = format!("/api/v1/desa-binaan/{id}");
    let refused: &[(&str, StatusCode)] = &[
        // Inside the area, the wrong role: a partner agency, the village itself.
        ("disnaker.malang", ROLE),
        ("desa.kalipare", ROLE),
        // The right role, outside the area: an officer of Blitar, the Kanwil of Bali.
        ("petugas.blitar", OUTSIDE),
        ("kanwil.bali", OUTSIDE),
    ];
    let record = |sk: &str| {
        json!({"office_id": malang, "sk_number": sk, "sk_date": "2024-09-02", "status": "aktif",
               "population": "9000", "residents_abroad": "500"})
    };
    let w = Write {
        name: "update a desa binaan",
        page: Some((
            format!("/desa-binaan/{id}"),
            fields(&[
                ("office_id", &malang),
                ("sk_number", "SK/halaman"),
                ("sk_date", "2024-09-02"),
                ("status", "aktif"),
                ("population", "9000"),
                ("residents_abroad", "500"),
            ]),
        )),
        api: Some((Method::PUT, read.clone(), Some(record("SK/API")))),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("pimpasa.malang")).await;
    assert_eq!(callers.read(&read).await["desa"]["sk_number"], "SK/API");

    let (rina, bagus) = (
        user_id(&app, "pimpasa.malang").await,
        user_id(&app, "pimpasa2.malang").await,
    );
    let w = Write {
        name: "assign a desa binaan's officers",
        page: Some((
            format!("/desa-binaan/{id}/petugas"),
            vec![("officer", bagus.to_string())],
        )),
        api: Some((
            Method::PUT,
            format!("{read}/officers"),
            Some(json!({"user_ids": [rina, bagus]})),
        )),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("pimpasa.malang")).await;
    let officers: Vec<i64> = callers.read(&read).await["officers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(officers.len(), 2, "{officers:?}");

    let w = Write {
        name: "add a contact to a desa binaan",
        page: Some((
            format!("/desa-binaan/{id}/kontak"),
            fields(&[
                ("name", "Bu Kader"),
                ("position", "Kader"),
                ("phone", "081234567890"),
            ]),
        )),
        api: Some((
            Method::POST,
            format!("{read}/contacts"),
            Some(json!({"name": "Pak Kader", "position": "Kader", "phone": "081234567891"})),
        )),
        api_ok: StatusCode::CREATED,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("pimpasa.malang")).await;

    let contacts = callers.read(&read).await["contacts"].clone();
    let contact = |name: &str| {
        contacts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {contacts}"))["id"]
            .as_i64()
            .unwrap()
    };
    let (first, second) = (contact("Bu Kader"), contact("Pak Kader"));
    let w = Write {
        name: "remove a contact of a desa binaan",
        page: Some((format!("/desa-binaan/{id}/kontak/{first}/hapus"), vec![])),
        api: Some((Method::DELETE, format!("{read}/contacts/{second}"), None)),
        api_ok: StatusCode::NO_CONTENT,
        read: read.clone(),
    };
    callers.check(&w, refused, Some("pimpasa.malang")).await;
    let left = callers.read(&read).await["contacts"].to_string();
    assert!(!left.contains("Kader"), "{left}");
}
