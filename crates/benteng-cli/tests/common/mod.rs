//! A database for a test of the real binary: a SQLite file in a temporary directory, or with
//! `BENTENG_TEST_DATABASE_URL` a fresh PostgreSQL database on that server, dropped afterwards.

#![allow(dead_code)]

use std::process::Command;

pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub url: String,
    pg: Option<(String, String)>,
}

pub fn postgres_url() -> Option<String> {
    std::env::var("BENTENG_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

impl TestDb {
    pub async fn new(name: &str) -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        match postgres_url() {
            Some(admin_url) => {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
                    % 1_000_000_000_000;
                let db_name = format!("benteng_{name}_{}_{t}", std::process::id());
                let admin = benteng_db::Db::connect(&admin_url).await.unwrap();
                admin
                    .execute_raw(&format!("CREATE DATABASE {db_name}"))
                    .await
                    .unwrap();
                admin.close().await;
                let base = admin_url.rsplit_once('/').unwrap().0.to_string();
                TestDb {
                    url: format!("{base}/{db_name}"),
                    dir,
                    pg: Some((admin_url, db_name)),
                }
            }
            None => TestDb {
                url: format!("sqlite://{}/{name}.db", dir.path().display()),
                dir,
                pg: None,
            },
        }
    }

    /// The `benteng` binary with a clean environment pointing at this database.
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_benteng"));
        c.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BENTENG_DATABASE_URL", &self.url)
            .env("BENTENG_UPLOAD_DIR", self.dir.path().join("uploads"))
            .env("BENTENG_LOG_LEVEL", "warn");
        c
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else {
            return;
        };
        // From a thread of its own: Drop cannot await, and may run inside a runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(admin) = benteng_db::Db::connect(&admin_url).await {
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
