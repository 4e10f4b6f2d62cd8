//! Storage on the backend under test: connection settings, migrations, region loading.

use crate::harness::*;

#[tokio::test]
async fn migrations_and_region_loading_are_idempotent() {
    let (db, _guard) = fresh_db().await;
    assert_eq!(
        db.migrate().await.unwrap(),
        benteng_db::migration_count(),
        "every migration applies on a fresh database"
    );
    assert_eq!(
        db.migrate().await.unwrap(),
        0,
        "a second run applies nothing"
    );
    let (rows, _) =
        benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| c.starts_with("35"));
    let first = db.regions().load_regions(&rows).await.unwrap();
    assert!(!first.skipped_already_loaded);
    assert_eq!(
        db.regions().region_count().await.unwrap(),
        rows.len() as i64
    );
    // Loading again writes the same rows: nothing is duplicated, a rename is taken over.
    let mut renamed = rows.clone();
    let last = renamed.len() - 1;
    renamed[last].1 = "Nama Baru".into();
    let second = db.regions().load_regions(&renamed).await.unwrap();
    assert!(!second.skipped_already_loaded);
    assert_eq!(
        db.regions().region_count().await.unwrap(),
        rows.len() as i64
    );
    let code = renamed[last].0.as_str().to_string();
    assert_eq!(
        db.regions().region_name(&code).await.unwrap().as_deref(),
        Some("Nama Baru")
    );
    let levels = db.regions().region_level_counts().await.unwrap();
    assert_eq!(levels[0], (1, 1), "one province");
    assert_eq!(levels[1], (2, 38), "Jawa Timur has 38 kabupaten/kota");
    assert_eq!(levels[2], (3, 666), "and 666 kecamatan");
    if std::env::var("BENTENG_TEST_DATABASE_URL").is_ok() {
        db.execute_raw("SELECT 1").await.unwrap();
    } else {
        assert_eq!(db.sqlite_pragma("journal_mode").await.unwrap(), "wal");
        assert_eq!(db.sqlite_pragma("foreign_keys").await.unwrap(), "1");
        // Pages are read through a memory map (capped by the SQLite build's maximum).
        let mmap: i64 = db
            .sqlite_pragma("mmap_size")
            .await
            .unwrap()
            .parse()
            .unwrap();
        assert!(mmap >= 1 << 30, "mmap_size {mmap}");
        // The bundled SQLite is built without the global allocation counter and with stable
        // plans (.cargo/config.toml); without them report pages served a third as many.
        assert_eq!(db.sqlite_pragma("qpsg").await.unwrap(), "1");
        assert_eq!(db.sqlite_pragma("memstatus_off").await.unwrap(), "1");
        // Word searches read prefixes of 3 to 16 letters from their own indexes (0025).
        let fts = db.sqlite_pragma("report_fts").await.unwrap();
        assert!(
            fts.contains("prefix = '3 4 5 6 7 8 9 10 11 12 13 14 15 16'"),
            "{fts}"
        );
    }
}

#[tokio::test]
async fn the_full_shipped_list_loads() {
    let (db, _guard) = fresh_db().await;
    db.migrate().await.unwrap();
    let r = db.regions().load_shipped_regions().await.unwrap();
    assert!(r.bad.is_empty() && !r.skipped_already_loaded);
    assert_eq!(db.regions().region_count().await.unwrap(), 91_599);
    assert!(
        db.regions()
            .load_shipped_regions()
            .await
            .unwrap()
            .skipped_already_loaded,
        "later starts only check"
    );
    let levels = db.regions().region_level_counts().await.unwrap();
    assert_eq!(levels, vec![(1, 38), (2, 514), (3, 7_285), (4, 83_762)]);
}

#[tokio::test]
async fn foreign_keys_hold_on_both_backends() {
    let (db, _guard) = fresh_db().await;
    db.migrate().await.unwrap();
    let err = db.execute_raw("INSERT INTO office_areas (office_id, region_code, valid_from, created_at) VALUES (999, '35.07', '2020-01-01', 0)").await;
    assert!(err.is_err(), "an area of a missing office must be refused");
}
