//! Durability pinned: the settings behind "an acknowledged report is never lost" (power loss
//! included) on every pooled connection of the app's database (docs/security.md, "Durability").
//! The crash test (crates/benteng-cli/tests/crash.rs) kills the process and cannot see a
//! weaker setting; these tests read the setting itself.

use crate::harness::*;
use benteng_db::{sqlx, Db};
use reqwest::StatusCode;

fn postgres() -> bool {
    std::env::var("BENTENG_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

async fn text(db: &Db, sql: &str) -> String {
    sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// "An acknowledged report is never lost", power loss included: every pooled connection runs
/// SQLite in WAL with synchronous = FULL, or PostgreSQL with synchronous_commit on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_are_power_safe_on_every_pooled_connection() {
    let app = spawn().await;
    // Several at once, so that several connections of the pool answer.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let db = app.db.clone();
        tasks.spawn(async move { db.durability().await.unwrap() });
    }
    while let Some(d) = tasks.join_next().await {
        let d = d.unwrap();
        if postgres() {
            assert!(
                d.settings.starts_with("synchronous_commit=on ")
                    && d.settings.contains("fsync=on")
                    && d.settings.contains("full_page_writes=on"),
                "{}",
                d.settings
            );
        } else {
            assert_eq!(d.settings, "journal_mode=wal synchronous=full");
        }
        assert!(d.power_safe, "{}", d.settings);
    }
    let r = client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["durability"], "power_safe", "{v}");
}

/// A PostgreSQL database set to `synchronous_commit = off` does not weaken Benteng's sessions.
#[tokio::test]
async fn a_server_set_to_lose_commits_is_overruled() {
    let Ok(admin_url) = std::env::var("BENTENG_TEST_DATABASE_URL") else {
        return;
    };
    if admin_url.is_empty() {
        return;
    }
    let (db, _guard) = fresh_db().await;
    db.migrate().await.unwrap();
    let name = text(&db, "SELECT current_database()::text").await;
    db.execute_raw(&format!(
        "ALTER DATABASE {name} SET synchronous_commit = off"
    ))
    .await
    .unwrap();
    let base = admin_url.rsplit_once('/').unwrap().0;
    let other = Db::connect(&format!("{base}/{name}")).await.unwrap();
    // The session's default is now off (the test would pass for nothing otherwise) …
    assert_eq!(
        text(
            &other,
            "SELECT reset_val FROM pg_settings WHERE name = 'synchronous_commit'"
        )
        .await,
        "off"
    );
    // … and Benteng's connection runs with it on.
    let d = other.durability().await.unwrap();
    assert!(
        d.settings.starts_with("synchronous_commit=on "),
        "{}",
        d.settings
    );
    assert!(d.power_safe);
    other.close().await;
}
