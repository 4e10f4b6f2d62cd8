//! Long report lists count only up to a bound: past it the page says "more than N" and offers
//! the next page, and a word search still finds the newest matches in scope first.

use benteng_app::reports::ReportQuery;
use benteng_db::{Ctx, Db};

async fn ctx(db: &Db, user: &str) -> Ctx {
    let id = db.users().user_id_by_name(user).await.unwrap().unwrap();
    let (actor, _) = db.users().actor(id).await.unwrap().unwrap();
    Ctx {
        actor,
        ip: None,
        request_id: None,
        idempotency_key: None,
    }
}

#[tokio::test]
async fn long_lists_count_to_a_bound_and_search_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let (rows, _) =
        benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| c.starts_with("35"));
    db.regions().load_regions(&rows).await.unwrap();
    benteng_fixtures::demo::load_demo(&db).await.unwrap();
    benteng_fixtures::generate::generate_reports(&db, 3000, 7)
        .await
        .unwrap();
    let kanwil = ctx(&db, "kanwil.jatim").await;

    let all = ReportQuery {
        status: Some("semua".into()),
        ..Default::default()
    };
    let first = benteng_app::reports::list(&db, &kanwil, &all, 25)
        .await
        .unwrap();
    assert!(first.more, "3,000 reports are more than the bound");
    assert_eq!(first.total, 1000);
    assert_eq!(first.items.len(), 25);
    // Deep in the list the bound moves with the page, so "next" stays truthful.
    let deep = benteng_app::reports::list(
        &db,
        &kanwil,
        &ReportQuery {
            page: Some(100),
            ..all.clone()
        },
        25,
    )
    .await
    .unwrap();
    assert_eq!(deep.items.len(), 25);
    assert!(deep.more && deep.total >= 100 * 25);
    // A short list is counted exactly.
    let officer = ctx(&db, "pimpasa.malang").await;
    let open = benteng_app::reports::list(
        &db,
        &officer,
        &ReportQuery {
            status: Some("terbuka".into()),
            ..Default::default()
        },
        25,
    )
    .await
    .unwrap();
    assert!(!open.more);
    assert!(open.total < 1000);

    // A word search: only reports of the officer's area, newest (highest id) first.
    let found = benteng_app::reports::list(
        &db,
        &officer,
        &ReportQuery {
            status: Some("semua".into()),
            q: Some("paspor".into()),
            ..Default::default()
        },
        25,
    )
    .await
    .unwrap();
    assert!(
        !found.items.is_empty(),
        "the generator writes 'paspor' often"
    );
    let ids: Vec<i64> = found.items.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
    for r in &found.items {
        assert!(
            db.reports().get_report(&officer, r.id, false).await.is_ok(),
            "report {} in {} is outside the officer's area",
            r.id,
            r.region_code
        );
    }
}
