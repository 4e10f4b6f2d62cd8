//! Start the real app with a fresh database and log users in.

use benteng_db::Db;
use benteng_fixtures::demo::DemoReport;
use benteng_web::{Application, WebConfig};
use reqwest::{Client, StatusCode};
use std::collections::HashMap;

pub struct TestApp {
    pub base: String,
    pub logins: HashMap<String, String>,
    /// The app's database, for tests that run a delivery worker beside it.
    pub db: Db,
    _guard: DbGuard,
    _uploads: tempfile::TempDir,
}

/// Keeps a test database alive; removes it (temp dir or PostgreSQL database) when dropped.
pub struct DbGuard {
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

/// Regions the tests need: all provinces and kabupaten/kota, and everything inside Kabupaten
/// Malang (the demo) and Kabupaten Blitar (outside Kanim Malang's area).
fn test_regions() -> Vec<(benteng_domain::RegionCode, String)> {
    let (rows, bad) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.len() <= 5 || c.starts_with("35.07.") || c.starts_with("35.05.")
    });
    assert!(bad.is_empty());
    rows
}

fn random_name() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "benteng_test_{}_{}",
        std::process::id(),
        t % 1_000_000_000_000
    )
}

pub async fn fresh_db() -> (Db, DbGuard) {
    match std::env::var("BENTENG_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = random_name();
            let admin = Db::connect(&admin_url)
                .await
                .expect("connect to the PostgreSQL test server");
            admin
                .execute_raw(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap();
            let db = Db::connect(&format!("{base}/{name}")).await.unwrap();
            (
                db,
                DbGuard {
                    _dir: None,
                    pg_drop: Some((admin_url, name)),
                },
            )
        }
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
                .await
                .unwrap();
            (
                db,
                DbGuard {
                    _dir: Some(dir),
                    pg_drop: None,
                },
            )
        }
    }
}

pub async fn spawn_with(config: WebConfig) -> TestApp {
    spawn_configured(|_| async move { config }).await
}

/// An app whose configuration depends on the demo data (e.g. the id of an office). As under
/// `serve --demo`, the demo's accounts need no second factor (the tests of the second factor
/// start their app with [`spawn_with_second_factor`]).
pub async fn spawn_configured<F, Fut>(make: F) -> TestApp
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = WebConfig>,
{
    spawn_inner(make, Some(benteng_web::SecondFactorPolicy::nobody())).await
}

/// An app that requires a second factor as `config.second_factor` says (other apps leave it
/// optional, as the demo does).
pub async fn spawn_with_second_factor(config: WebConfig) -> TestApp {
    spawn_inner(|_| async move { config }, None).await
}

async fn spawn_inner<F, Fut>(
    make: F,
    second_factor: Option<benteng_web::SecondFactorPolicy>,
) -> TestApp
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = WebConfig>,
{
    let (db, guard) = fresh_db().await;
    spawn_on(db, guard, make, second_factor, None).await
}

/// The demo app on SQLite in `dir` (database and uploads there), e.g. a small volume.
pub async fn spawn_in(dir: &std::path::Path, config: WebConfig) -> TestApp {
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()))
        .await
        .unwrap();
    let guard = DbGuard {
        _dir: None,
        pg_drop: None,
    };
    spawn_on(
        db,
        guard,
        |_| async move { config },
        Some(benteng_web::SecondFactorPolicy::nobody()),
        Some(dir.join("uploads")),
    )
    .await
}

async fn spawn_on<F, Fut>(
    db: Db,
    guard: DbGuard,
    make: F,
    second_factor: Option<benteng_web::SecondFactorPolicy>,
    upload_dir: Option<std::path::PathBuf>,
) -> TestApp
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = WebConfig>,
{
    db.migrate().await.unwrap();
    db.regions().load_regions(&test_regions()).await.unwrap();
    let report: DemoReport = benteng_fixtures::demo::load_demo(&db).await.unwrap();
    let logins = report
        .logins
        .iter()
        .map(|l| (l.username.clone(), l.password.clone()))
        .collect();
    let mut config = make(db.clone()).await;
    if let Some(p) = second_factor {
        config.second_factor = p;
    }
    let uploads = tempfile::tempdir().unwrap();
    let app = Application::build(
        WebConfig {
            bind: "127.0.0.1:0".parse().unwrap(),
            upload_dir: upload_dir.unwrap_or_else(|| uploads.path().to_path_buf()),
            ..config
        },
        db.clone(),
    )
    .await
    .unwrap();
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        base,
        logins,
        db,
        _guard: guard,
        _uploads: uploads,
    }
}

/// A second server on the same database, as after a restart or beside it behind a load
/// balancer: its base URL (the first keeps running).
pub async fn second_instance(app: &TestApp, config: WebConfig) -> String {
    let uploads = std::env::temp_dir().join(random_name());
    std::fs::create_dir_all(&uploads).unwrap();
    let mut config = config;
    config.second_factor = benteng_web::SecondFactorPolicy::nobody();
    let server = Application::build(
        WebConfig {
            bind: "127.0.0.1:0".parse().unwrap(),
            upload_dir: uploads,
            ..config
        },
        app.db.clone(),
    )
    .await
    .unwrap();
    let base = format!("http://{}", server.local_addr());
    tokio::spawn(server.run_until(std::future::pending()));
    base
}

pub async fn spawn() -> TestApp {
    spawn_with(WebConfig::default()).await
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            // Drop the test database from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(admin) = Db::connect(&admin_url).await {
                        let _ = admin
                            .execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let re = regex_lite::Regex::new(r#"name="_csrf" value="([0-9a-f]+)""#).unwrap();
    re.captures(html)
        .map(|c| c[1].to_string())
        .expect("page has a CSRF token")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn password(&self, user: &str) -> String {
        self.logins
            .get(user)
            .cloned()
            .unwrap_or_else(|| panic!("no demo login {user}"))
    }

    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.unwrap();
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// A browser-like session signed in as `user`.
    pub async fn login(&self, user: &str) -> Client {
        let c = client();
        let pw = self.password(user);
        let status = self.login_with(&c, user, &pw).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {user}");
        c
    }

    pub async fn login_with(&self, c: &Client, user: &str, pw: &str) -> StatusCode {
        let (_, page) = self.get(c, "/masuk").await;
        let token = csrf_of(&page);
        c.post(self.url("/masuk"))
            .form(&[
                ("_csrf", token.as_str()),
                ("username", user),
                ("password", pw),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Post a form from a signed-in session, with the CSRF token taken from `form_page`.
    pub async fn post_form(
        &self,
        c: &Client,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let (_, page) = self.get(c, form_page).await;
        let token = csrf_of(&page);
        let mut body: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        body.extend_from_slice(fields);
        let r = c.post(self.url(path)).form(&body).send().await.unwrap();
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        (status, r.text().await.unwrap(), location)
    }

    /// An API bearer token for `user`.
    pub async fn token(&self, user: &str) -> String {
        let r = client()
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": user, "password": self.password(user)}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "token for {user}");
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut req = client().request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Id of the desa binaan at `code`.
    pub async fn desa_id(&self, code: &str) -> i64 {
        let t = self.token("admin.demo").await;
        let (_, body) = self
            .api(
                &t,
                reqwest::Method::GET,
                &format!("/api/v1/desa-binaan?kab={}", &code[..5]),
                None,
            )
            .await;
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["region_code"] == code)
            .unwrap_or_else(|| panic!("desa {code}"))["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn office_id(&self, name: &str) -> i64 {
        let t = self.token("admin.demo").await;
        let (_, body) = self
            .api(&t, reqwest::Method::GET, "/api/v1/offices", None)
            .await;
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }
}

pub const KALIPARE: &str = "35.07.11.2002";
pub const SITIARJO: &str = "35.07.04.2007";
pub const MALANG: &str = "Kantor Imigrasi Kelas I TPI Malang";
