//! The demo's year of history: loaded through `load_demo_reports` on a fresh SQLite
//! database, spread over the last twelve months, with the September 2024 sosialisasi, and
//! loaded once.

use benteng_db::storage::FsStore;
use benteng_db::Db;
use benteng_domain::figures::{months_ending, Period};

/// All provinces and kabupaten/kota, and everything inside Kabupaten Malang (the demo) and
/// Kabupaten Blitar, as the web tests load them.
fn test_regions() -> Vec<(benteng_domain::RegionCode, String)> {
    let (rows, bad) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.len() <= 5 || c.starts_with("35.07.") || c.starts_with("35.05.")
    });
    assert!(bad.is_empty());
    rows
}

/// How many of the twelve months hold at least one row of `sql` (which selects instants).
async fn months_with(db: &Db, sql: &str, months: &[Period]) -> usize {
    let instants: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(db.fixtures_pool())
        .await
        .unwrap();
    months
        .iter()
        .filter(|p| {
            let (a, b) = p.instants();
            instants.iter().any(|t| *t >= a && *t < b)
        })
        .count()
}

/// Rows of `sql` (instants) per month, oldest first, for the test's output.
async fn per_month(db: &Db, sql: &str, months: &[Period]) -> Vec<usize> {
    let instants: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(db.fixtures_pool())
        .await
        .unwrap();
    months
        .iter()
        .map(|p| {
            let (a, b) = p.instants();
            instants.iter().filter(|t| **t >= a && **t < b).count()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_history_covers_the_year_and_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.regions().load_regions(&test_regions()).await.unwrap();
    benteng_fixtures::demo::load_demo(&db).await.unwrap();
    let store = FsStore::new(dir.path().join("uploads")).unwrap();

    let started = std::time::Instant::now();
    let n = benteng_fixtures::demo::load_demo_reports(&db, &store)
        .await
        .unwrap();
    println!(
        "load_demo_reports (with the history) took {:?}; {n} first reports",
        started.elapsed()
    );
    assert!(n > 0);

    let months = months_ending(benteng_db::today(), 12);
    let (first, _) = months[0].instants();
    let now = benteng_db::now();
    let kinds = [
        ("reports", "SELECT created_at FROM reports"),
        ("events", "SELECT starts_at FROM events"),
        ("screenings", "SELECT created_at FROM screenings"),
        ("referrals", "SELECT created_at FROM referrals"),
        ("cases", "SELECT opened_at FROM cases"),
        ("migrants", "SELECT created_at FROM migrants"),
        (
            "participants",
            "SELECT e.starts_at FROM event_attendees a JOIN events e ON e.id = a.event_id",
        ),
    ];
    for (kind, sql) in kinds {
        println!("{kind:>12}: {:?}", per_month(&db, sql, &months).await);
    }
    for sql in [
        "SELECT status, COUNT(*) FROM reports GROUP BY status",
        "SELECT source, COUNT(*) FROM reports GROUP BY source",
        "SELECT status, COUNT(*) FROM referrals GROUP BY status",
        "SELECT COALESCE(decision, '-'), COUNT(*) FROM screenings GROUP BY decision",
        "SELECT status || CASE WHEN nonprocedural = 1 THEN ' (nonprosedural)' ELSE '' END, COUNT(*) FROM migrants GROUP BY 1",
        "SELECT status, COUNT(*) FROM cases GROUP BY status",
        "SELECT 'visits', COUNT(*) FROM village_visits",
        "SELECT 'alerts', COUNT(*) FROM alerts",
        "SELECT 'unread in-app notices', COUNT(*) FROM outbox WHERE read_at IS NULL",
    ] {
        let rows: Vec<(String, i64)> = sqlx::query_as(sql)
            .fetch_all(db.fixtures_pool())
            .await
            .unwrap();
        println!("{rows:?}");
    }
    for (kind, sql) in &kinds[..3] {
        let covered = months_with(&db, sql, &months).await;
        assert!(covered >= 10, "{kind} in {covered} of the last 12 months");
    }
    // Visits are dated by day.
    let days: Vec<String> = sqlx::query_scalar("SELECT visit_date FROM village_visits")
        .fetch_all(db.fixtures_pool())
        .await
        .unwrap();
    let visited = months
        .iter()
        .filter(|p| {
            let (a, b) = p.day_bounds();
            days.iter().any(|d| *d >= a && *d < b)
        })
        .count();
    assert!(visited >= 10, "visits in {visited} of the last 12 months");

    // Nothing is dated in the future, and the history reaches back a year.
    for sql in [
        "SELECT MAX(created_at) FROM reports",
        "SELECT MAX(at) FROM report_events",
        "SELECT MAX(created_at) FROM referrals",
        "SELECT MAX(at) FROM referral_actions",
        "SELECT MAX(created_at) FROM screenings",
        "SELECT MAX(checked_in_at) FROM event_attendees",
    ] {
        let max: i64 = sqlx::query_scalar(sql)
            .fetch_one(db.fixtures_pool())
            .await
            .unwrap();
        assert!(max <= now, "{sql}: {max} after {now}");
    }
    // What follows a record is dated after it.
    for sql in [
        "SELECT COUNT(*) FROM report_events e JOIN reports r ON r.id = e.report_id WHERE e.at < r.created_at OR e.at > r.updated_at",
        "SELECT COUNT(*) FROM referrals x JOIN reports r ON r.id = x.report_id WHERE x.created_at < r.created_at",
        "SELECT COUNT(*) FROM referral_actions a JOIN referrals x ON x.id = a.referral_id WHERE a.at < x.created_at",
        "SELECT COUNT(*) FROM migrant_events e JOIN migrants m ON m.id = e.migrant_id WHERE e.at < m.created_at",
        "SELECT COUNT(*) FROM cases c JOIN reports r ON r.id = c.report_id WHERE c.opened_at < r.created_at",
        "SELECT COUNT(*) FROM screenings WHERE decided_at < created_at",
        "SELECT COUNT(*) FROM event_attendees a JOIN events e ON e.id = a.event_id \
         WHERE a.checked_in_at < e.starts_at - 3600 OR a.checked_in_at > e.starts_at + 3 * 3600",
        "SELECT COUNT(*) FROM events WHERE created_at > starts_at",
    ] {
        let bad: i64 = sqlx::query_scalar(sql)
            .fetch_one(db.fixtures_pool())
            .await
            .unwrap();
        assert_eq!(bad, 0, "{sql}");
    }
    let oldest: i64 = sqlx::query_scalar("SELECT MIN(created_at) FROM reports")
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap();
    assert!(oldest < first + 31 * 86_400);

    // The first sosialisasi, 17 September 2024 at 09:00 WIB in Sitiarjo.
    let (id, starts, region): (i64, i64, String) =
        sqlx::query_as("SELECT id, starts_at, region_code FROM events WHERE title = $1")
            .bind(benteng_fixtures::demo_history::SEPTEMBER_2024_TITLE)
            .fetch_one(db.fixtures_pool())
            .await
            .unwrap();
    assert_eq!(starts, 1_726_538_400);
    assert_eq!(region, "35.07.04.2007");
    let attendees: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM event_attendees WHERE event_id = $1")
            .bind(id)
            .fetch_one(db.fixtures_pool())
            .await
            .unwrap();
    assert!(attendees >= 30, "{attendees} attendees");
    // Its participants took the tests, and learnt: the same people score higher after.
    let (pairs, pre, post): (i64, f64, f64) = sqlx::query_as(
        "SELECT COUNT(*), AVG(1.0 * pr.score / pr.total), AVG(1.0 * po.score / po.total) \
         FROM quiz_attempts pr JOIN quiz_attempts po ON po.attendee_id = pr.attendee_id AND po.kind = 'post' \
         WHERE pr.kind = 'pre' AND pr.event_id = $1",
    )
    .bind(id)
    .fetch_one(db.fixtures_pool())
    .await
    .unwrap();
    assert!(pairs >= 20, "{pairs} took both tests");
    assert!(post > pre + 0.15, "{pre:.2} before, {post:.2} after");
    let bad: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM quiz_attempts q JOIN events e ON e.id = q.event_id \
         WHERE q.submitted_at < e.starts_at OR q.submitted_at > e.starts_at + 4 * 3600",
    )
    .fetch_one(db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!(bad, 0, "tests are dated within their event");

    // Referrals: most answered, two past their due date.
    let today = benteng_domain::values::format_date(benteng_db::today());
    let overdue: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM referrals WHERE status IN ('terkirim', 'diterima') AND due_date < $1",
    )
    .bind(today)
    .fetch_one(db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!(overdue, 2);
    let flagged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM migrants WHERE nonprocedural = 1")
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap();
    assert!(flagged >= 2, "{flagged} left without the procedure");
    // The officers' queue stays short enough for a first page (25).
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE status IN ('baru', 'ditinjau', 'ditangani')",
    )
    .fetch_one(db.fixtures_pool())
    .await
    .unwrap();
    println!("open reports: {open}");
    assert!(open <= 20, "{open} open reports");

    // A second call adds nothing.
    let count = |t: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
                .fetch_one(db.fixtures_pool())
                .await
                .unwrap()
        }
    };
    let tables = [
        "reports",
        "events",
        "event_attendees",
        "screenings",
        "migrants",
        "village_visits",
        "referrals",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(count(t).await);
    }
    assert_eq!(
        benteng_fixtures::demo_history::load_demo_history(&db, &store)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        benteng_fixtures::demo::load_demo_reports(&db, &store)
            .await
            .unwrap(),
        0
    );
    for (t, b) in tables.iter().zip(before) {
        assert_eq!(count(t).await, b, "{t} after a second load");
    }
}

/// The history alone, timed (the demo set loaded first, without its first reports).
#[tokio::test(flavor = "multi_thread")]
async fn the_history_loads_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.regions().load_regions(&test_regions()).await.unwrap();
    benteng_fixtures::demo::load_demo(&db).await.unwrap();
    let store = FsStore::new(dir.path().join("uploads")).unwrap();
    let started = std::time::Instant::now();
    let n = benteng_fixtures::demo_history::load_demo_history(&db, &store)
        .await
        .unwrap();
    let took = started.elapsed();
    println!("load_demo_history: {n} records in {took:?}");
    assert!(n > 0);
}
