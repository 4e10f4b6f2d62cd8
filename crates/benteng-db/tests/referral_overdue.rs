//! Overdue referrals: the sweep announces each one once to both sides, and the overdue filter
//! finds it (SQLite; the HTTP tests run the same flows on PostgreSQL).

use benteng_app::referrals::{ReferralInput, ReferralQuery};
use benteng_app::reports::{PersonInput, ReportInput};
use benteng_db::storage::FsStore;
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
async fn overdue_referrals_are_announced_once_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let (rows, _) = benteng_db::regions::parse_csv(benteng_db::regions::WILAYAH_CSV, |c| {
        c.len() <= 5 || c.starts_with("35.07.")
    });
    db.regions().load_regions(&rows).await.unwrap();
    benteng_fixtures::demo::load_demo(&db).await.unwrap();
    let store = FsStore::new(dir.path().join("up")).unwrap();
    let (report, _) = benteng_app::reports::file_public(
        &db,
        &ReportInput {
            category: "korban".into(),
            description: "Kakak saya ditahan paspornya oleh majikan".into(),
            region_code: "35.07.04.2007".into(),
            people: vec![PersonInput {
                role: "korban".into(),
                name: "Sulastri".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        &[],
        &store,
    )
    .await
    .unwrap();
    let officer = ctx(&db, "pimpasa.malang").await;
    let bp3mi: i64 = db
        .agencies()
        .agency_choices(&ctx(&db, "admin.demo").await)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.kind == "bp3mi")
        .unwrap()
        .id;
    let due = benteng_domain::values::format_date(benteng_db::today());
    let referral = benteng_app::referrals::refer(
        &db,
        &officer,
        report,
        &ReferralInput {
            agency_id: bp3mi.to_string(),
            purpose: "perlindungan".into(),
            due_date: due,
            message: "Mohon pendampingan pemulangan".into(),
            consent: Some("1".into()),
            consent_by: "Ibu korban".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Due today: not overdue yet.
    assert_eq!(db.referrals().notify_overdue_referrals().await.unwrap(), 0);
    let agency_user = ctx(&db, "bp3mi.jatim").await;
    let overdue = ReferralQuery {
        overdue: Some("1".into()),
        ..Default::default()
    };
    assert_eq!(
        benteng_app::referrals::list(&db, &agency_user, &overdue, 25)
            .await
            .unwrap()
            .total,
        0
    );
    // A week later (the due date moved back, as time would).
    db.execute_raw(&format!(
        "UPDATE referrals SET due_date = '2020-01-01' WHERE id = {referral}"
    ))
    .await
    .unwrap();
    assert_eq!(db.referrals().notify_overdue_referrals().await.unwrap(), 1);
    assert_eq!(
        db.referrals().notify_overdue_referrals().await.unwrap(),
        0,
        "announced once"
    );
    let page = benteng_app::referrals::list(&db, &agency_user, &overdue, 25)
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert!(page.items[0].overdue());
    // Both sides got the notice.
    for who in [&agency_user, &officer] {
        let notes = db.outbox().notifications(who, None).await.unwrap();
        assert!(
            notes.items.iter().any(|n| n.kind == "referral_overdue"),
            "{}",
            who.actor.username
        );
    }
    // Another agency's user neither sees it nor is notified.
    let police = ctx(&db, "polres.malang").await;
    assert_eq!(
        benteng_app::referrals::list(&db, &police, &overdue, 25)
            .await
            .unwrap()
            .total,
        0
    );
    assert!(db
        .outbox()
        .notifications(&police, None)
        .await
        .unwrap()
        .items
        .iter()
        .all(|n| n.kind != "referral_overdue"));
}
