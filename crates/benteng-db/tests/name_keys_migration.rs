//! Migration 12 recomputes the name keys stored by older versions, so reports filed before an
//! upgrade still link to new reports about the same person.

use benteng_db::Db;

#[tokio::test]
async fn old_name_keys_are_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.db", dir.path().display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let (rows, _) =
        benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| c.starts_with("35"));
    db.regions().load_regions(&rows).await.unwrap();
    benteng_fixtures::demo::load_demo(&db).await.unwrap();
    benteng_fixtures::generate::generate_reports(&db, 20, 3)
        .await
        .unwrap();
    // What an older version stored for "Moch. Darto", and a key that was never set.
    db.execute_raw(
        "UPDATE report_people SET name = 'Moch. Darto', name_key = 'darto muhamad' WHERE id = 1",
    )
    .await
    .unwrap();
    db.execute_raw("UPDATE report_people SET name = 'Achmad Fauzi', name_key = NULL WHERE id = 2")
        .await
        .unwrap();
    db.execute_raw("DELETE FROM benteng_migrations WHERE version = 12")
        .await
        .unwrap();
    assert_eq!(db.migrate().await.unwrap(), 1);
    let pool = benteng_db::sqlx::AnyPool::connect(&url).await.unwrap();
    let key = |id: i64| {
        let pool = pool.clone();
        async move {
            let k: Option<String> =
                benteng_db::sqlx::query_scalar("SELECT name_key FROM report_people WHERE id = $1")
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            k
        }
    };
    assert_eq!(
        key(1).await.as_deref(),
        Some(benteng_domain::report::name_key("Muhammad Darto").as_str())
    );
    assert_eq!(
        key(2).await.as_deref(),
        Some(benteng_domain::report::name_key("Ahmad Fauzi").as_str())
    );
}
