//! Retention (issue 22, docs/privacy.md): what is past its period is anonymised or deleted,
//! what is within it or still open is untouched, the dry run changes nothing and counts what
//! the run then does, files leave the store, search forgets the names, figures stay.

use crate::harness::*;
use benteng_app::reports::{PersonInput, ReportInput};
use benteng_db::retention::MARKER;
use benteng_db::storage::{BlobStore, CleanFile, FsStore};
use benteng_domain::retention::{Kind, Retention};
use reqwest::{Method, StatusCode};

const VILLAGE: &str = "35.07.04.2007";

fn file(name: &str) -> CleanFile {
    CleanFile {
        file_name: name.into(),
        content_type: "application/pdf",
        extension: "pdf",
        bytes: b"%PDF-1.4 test".to_vec(),
    }
}

async fn report(
    app: &TestApp,
    store: &FsStore,
    person: &str,
    files: &[CleanFile],
    status: &str,
    updated: i64,
) -> i64 {
    let input = ReportInput {
        category: "korban".into(),
        description: format!("{person} bekerja di luar negeri dan tidak bisa dihubungi."),
        region_code: VILLAGE.into(),
        destination_country: "MY".into(),
        anonymous: Some(String::new()),
        reporter_name: "Pelapor Wiryosentono".into(),
        reporter_phone: "0857 1234 5678".into(),
        people: vec![PersonInput {
            role: "korban".into(),
            name: person.into(),
            phone: "0812 1111 2222".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let (id, _) = benteng_app::reports::file_public(&app.db, &input, files, store)
        .await
        .unwrap();
    sql(
        app,
        &format!("UPDATE reports SET status = '{status}', updated_at = {updated} WHERE id = {id}"),
    )
    .await;
    id
}

async fn sql(app: &TestApp, s: &str) {
    app.db
        .execute_raw(s)
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"));
}

async fn text(app: &TestApp, s: &str) -> Option<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(s.to_string()))
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

async fn count(app: &TestApp, s: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(s.to_string()))
        .fetch_one(app.db.fixtures_pool())
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Reports per category, region and status: what the figures are made of.
async fn figures(app: &TestApp) -> Vec<(String, String, String, i64)> {
    sqlx::query_as(
        "SELECT category, region_code, status, COUNT(*) FROM reports \
         GROUP BY category, region_code, status ORDER BY category, region_code, status",
    )
    .fetch_all(app.db.fixtures_pool())
    .await
    .unwrap()
}

async fn found(app: &TestApp, token: &str, q: &str) -> usize {
    let (s, page) = app
        .api(token, Method::GET, &format!("/api/v1/reports?q={q}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .len()
}

fn counts(runs: &[benteng_db::retention::KindRun]) -> Vec<(Kind, i64, i64)> {
    runs.iter().map(|r| (r.kind, r.records, r.files)).collect()
}

#[tokio::test]
async fn retention_anonymises_and_deletes_only_what_is_past_its_period() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let now = benteng_db::now();
    let old = now - 11 * 366 * 86_400;
    let recent = now - 20 * 86_400;

    // Reports: closed long ago (anonymised), closed recently, open long ago, and two with a
    // case, one closed long ago (goes with its case) and one still open (untouched).
    let closed_old = report(
        &app,
        &store,
        "Sutarmiyati Wulandari",
        &[file("ktp.pdf")],
        "selesai",
        old,
    )
    .await;
    let closed_new = report(&app, &store, "Kartolo Budiharjo", &[], "ditolak", recent).await;
    let open_old = report(&app, &store, "Tukiyem Sembiring", &[], "baru", old).await;
    let case_old = report(
        &app,
        &store,
        "Paijo Cokrodiharjo",
        &[file("paspor.pdf")],
        "ditangani",
        old,
    )
    .await;
    let case_open = report(&app, &store, "Ngatinem Suryowati", &[], "selesai", old).await;
    let key_of =
        |id: i64| format!("SELECT storage_key FROM report_attachments WHERE report_id = {id}");
    let closed_key = text(&app, &key_of(closed_old)).await.unwrap();
    let case_key = text(&app, &key_of(case_old)).await.unwrap();
    for (n, (rid, status, closed)) in [(case_old, "ditutup", Some(old)), (case_open, "aktif", None)]
        .into_iter()
        .enumerate()
    {
        let closed = closed
            .map(|c| c.to_string())
            .unwrap_or_else(|| "NULL".into());
        sql(&app, &format!(
            "INSERT INTO cases (case_number, report_id, status, region_code, kab_code, prov_code, trafficking_status, \
             legal_stage, outcome, opened_at, closed_at, updated_at) \
             VALUES ('RET-{n}', {rid}, '{status}', '{VILLAGE}', '35.07', '35', 'terduga', 'penyelidikan', 'Putusan atas nama Korban', {old}, {closed}, {old})"
        ))
        .await;
        sql(&app, &format!(
            "INSERT INTO case_people (case_id, kind, name, nik, phone, birth_date, note) \
             SELECT id, 'korban', 'Korban Kasus {n}', '3507014101990001', '+6281233334444', '1999-01-01', 'catatan pribadi' \
             FROM cases WHERE case_number = 'RET-{n}'"
        ))
        .await;
    }

    // Calon PMI: back home long ago (anonymised, with a step file), back home recently, and
    // abroad long ago (untouched).
    for (name, status, at) in [
        ("Migran Pulang Lama", "pulang", old),
        ("Migran Pulang Baru", "pulang", recent),
        ("Migran Masih Pergi", "luar_negeri", old),
    ] {
        sql(&app, &format!(
            "INSERT INTO migrants (village_code, kab_code, prov_code, name, name_search, nik, phone, address, birth_date, \
             status, note, created_at, updated_at) VALUES ('{VILLAGE}', '35.07', '35', '{name}', lower('{name}'), \
             '3507014101990002', '+6281255556666', 'Dusun Krajan RT 1', '1999-01-01', '{status}', 'catatan', {at}, {at})"
        ))
        .await;
    }
    let step_key = "abc123migran.pdf";
    store.put(step_key, b"%PDF ktp").await.unwrap();
    sql(&app, &format!(
        "INSERT INTO migrant_steps (migrant_id, step, status, note, storage_key, content_type, file_name, updated_at) \
         SELECT m.id, (SELECT code FROM checklist_steps ORDER BY position LIMIT 1), 'selesai', 'catatan', '{step_key}', \
         'application/pdf', 'ktp.pdf', {old} FROM migrants m WHERE m.name = 'Migran Pulang Lama'"
    ))
    .await;

    // Screenings: one long ago, one recent.
    for (name, at) in [
        ("Pemohon Lama Sukoco", old),
        ("Pemohon Baru Sukoco", recent),
    ] {
        sql(&app, &format!(
            "INSERT INTO screenings (officer_id, applicant_name, nik, sponsor_name, sponsor_phone, purpose, destination, \
             score, level, findings, hits, created_at) SELECT id, '{name}', '3507014101990003', 'Sponsor Darto', \
             '+6281277778888', 'bekerja', 'MY', 40, 'sedang', '[]', '[{{\"name\":\"Darto\"}}]', {at} \
             FROM users WHERE username = 'pimpasa.malang'"
        ))
        .await;
    }

    // Room messages: a thread all old (deleted with its file), an old message with a recent
    // reply (kept whole), a recent message.
    sql(&app, &format!(
        "INSERT INTO rooms (kind, ref_key, name, created_at) VALUES ('kantor', 'retensi-uji', 'Ruang uji', {old})"
    ))
    .await;
    let msg = |body: &str, parent: &str, at: i64| {
        format!(
            "INSERT INTO room_messages (room_id, author_id, parent_id, kind, body, search_text, created_at) \
             SELECT (SELECT id FROM rooms WHERE ref_key = 'retensi-uji'), (SELECT id FROM users WHERE username = 'pimpasa.malang'), \
             {parent}, 'pesan', '{body}', lower('{body}'), {at}"
        )
    };
    let parent = |body: &str| format!("(SELECT id FROM room_messages WHERE body = '{body}')");
    sql(&app, &msg("Utas lama", "NULL", old)).await;
    sql(&app, &msg("Balasan lama", &parent("Utas lama"), old + 60)).await;
    sql(&app, &msg("Utas hidup", "NULL", old)).await;
    sql(&app, &msg("Balasan baru", &parent("Utas hidup"), recent)).await;
    sql(&app, &msg("Pesan baru", "NULL", recent)).await;
    let room_key = "abc123ruang.pdf";
    store.put(room_key, b"%PDF ruang").await.unwrap();
    sql(&app, &format!(
        "INSERT INTO room_message_files (message_id, storage_key, content_type, size, file_name, created_at) \
         SELECT id, '{room_key}', 'application/pdf', 10, 'foto.pdf', {old} FROM room_messages WHERE body = 'Balasan lama'"
    ))
    .await;

    let officer = app.token("pimpasa.malang").await;
    assert_eq!(
        found(&app, &officer, "Sutarmiyati").await,
        1,
        "found before"
    );
    assert_eq!(
        found(&app, &officer, "Cokrodiharjo").await,
        1,
        "found before"
    );
    let figures_before = figures(&app).await;
    let messages_before = count(&app, "SELECT COUNT(*) FROM room_messages").await;

    // The dry run counts and changes nothing.
    let policy = Retention::default();
    let at = time::OffsetDateTime::now_utc();
    let plan = app.db.retention().plan(&policy, at).await.unwrap();
    let expected = vec![
        (Kind::Reports, 1, 1),
        (Kind::Cases, 1, 1),
        (Kind::Migrants, 1, 1),
        (Kind::Screenings, 1, 0),
        (Kind::RoomMessages, 2, 1),
    ];
    assert_eq!(counts(&plan), expected);
    assert!(plan
        .iter()
        .all(|r| r.cutoff.is_some_and(|c| c < now && c > old)));
    let reporter = format!("SELECT reporter_name FROM reports WHERE id = {closed_old}");
    assert_eq!(
        text(&app, &reporter).await.as_deref(),
        Some("Pelapor Wiryosentono")
    );
    assert!(store.get(&closed_key).await.unwrap().is_some());
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM room_messages").await,
        messages_before
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'retention%'"
        )
        .await,
        0
    );
    assert_eq!(
        found(&app, &officer, "Sutarmiyati").await,
        1,
        "the dry run changed nothing"
    );

    // The run does what the dry run said.
    let applied = app.db.retention().apply(&policy, at, &store).await.unwrap();
    assert_eq!(counts(&applied), expected);

    // The closed report past its period: personal fields gone, figures' fields kept.
    let row: (String, String, String, String, Option<String>, Option<String>, Option<i64>) = sqlx::query_as(
        sqlx::AssertSqlSafe(format!(
            "SELECT category, region_code, status, description, reporter_name, reporter_phone, anonymised_at \
             FROM reports WHERE id = {closed_old}"
        )),
    )
    .fetch_one(app.db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "korban".into(),
            VILLAGE.into(),
            "selesai".into(),
            MARKER.into(),
            None,
            None,
            row.6
        )
    );
    assert!(row.6.is_some(), "marked as anonymised");
    let person = |id: i64| format!("SELECT name FROM report_people WHERE report_id = {id}");
    let phone = |id: i64| format!("SELECT phone FROM report_people WHERE report_id = {id}");
    assert_eq!(text(&app, &person(closed_old)).await, None);
    assert_eq!(text(&app, &phone(closed_old)).await, None);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM report_attachments WHERE report_id = {closed_old}")
        )
        .await,
        0
    );
    assert!(
        store.get(&closed_key).await.unwrap().is_none(),
        "the file is deleted"
    );
    // The report of the closed case went with the case.
    assert_eq!(text(&app, &person(case_old)).await, None);
    assert!(store.get(&case_key).await.unwrap().is_none());
    // Within the period, open, or with an open case: untouched.
    for (id, name) in [
        (closed_new, "Kartolo Budiharjo"),
        (open_old, "Tukiyem Sembiring"),
        (case_open, "Ngatinem Suryowati"),
    ] {
        assert_eq!(text(&app, &person(id)).await.as_deref(), Some(name));
        assert_eq!(
            text(&app, &phone(id)).await.as_deref(),
            Some("+6281211112222")
        );
        assert_eq!(
            text(
                &app,
                &format!("SELECT reporter_name FROM reports WHERE id = {id}")
            )
            .await
            .as_deref(),
            Some("Pelapor Wiryosentono")
        );
    }
    // Search forgets the anonymised names only.
    assert_eq!(found(&app, &officer, "Sutarmiyati").await, 0);
    assert_eq!(found(&app, &officer, "Cokrodiharjo").await, 0);
    assert_eq!(found(&app, &officer, "Budiharjo").await, 1);
    assert_eq!(found(&app, &officer, "Sembiring").await, 1);
    assert_eq!(
        figures(&app).await,
        figures_before,
        "figures by category, region and status"
    );

    // Cases.
    let case_row = |n: i64| {
        format!(
            "SELECT p.name || '|' || COALESCE(p.nik, '-') || '|' || COALESCE(p.phone, '-') || '|' || COALESCE(p.note, '-') \
             || '|' || COALESCE(c.outcome, '-') || '|' || c.status FROM case_people p JOIN cases c ON c.id = p.case_id \
             WHERE c.case_number = 'RET-{n}'"
        )
    };
    assert_eq!(
        text(&app, &case_row(0)).await.unwrap(),
        format!("{MARKER}|-|-|-|-|ditutup")
    );
    assert_eq!(
        text(&app, &case_row(1)).await.unwrap(),
        "Korban Kasus 1|3507014101990001|+6281233334444|catatan pribadi|Putusan atas nama Korban|aktif"
    );

    // Calon PMI.
    let migrant = |name: &str| {
        format!(
            "SELECT name || '|' || COALESCE(nik, '-') || '|' || COALESCE(phone, '-') || '|' || COALESCE(address, '-') \
             || '|' || status || '|' || village_code FROM migrants WHERE id = (SELECT MIN(id) FROM migrants WHERE name = '{name}' \
             OR (name = '{MARKER}' AND '{name}' = 'Migran Pulang Lama'))"
        )
    };
    assert_eq!(
        text(&app, &migrant("Migran Pulang Lama")).await.unwrap(),
        format!("{MARKER}|-|-|-|pulang|{VILLAGE}")
    );
    for name in ["Migran Pulang Baru", "Migran Masih Pergi"] {
        assert!(text(&app, &migrant(name))
            .await
            .unwrap()
            .starts_with(&format!(
                "{name}|3507014101990002|+6281255556666|Dusun Krajan RT 1|"
            )));
    }
    assert!(
        store.get(step_key).await.unwrap().is_none(),
        "the step's file is deleted"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM migrant_steps WHERE storage_key IS NOT NULL AND note = 'catatan'"
        )
        .await,
        0
    );

    // Screenings.
    let screening = |at: i64| {
        format!(
            "SELECT applicant_name || '|' || COALESCE(nik, '-') || '|' || COALESCE(sponsor_name, '-') || '|' || hits \
             || '|' || level FROM screenings WHERE created_at = {at} AND purpose = 'bekerja' AND destination = 'MY' \
             AND score = 40"
        )
    };
    assert_eq!(
        text(&app, &screening(old)).await.unwrap(),
        format!("{MARKER}|-|-|[]|sedang")
    );
    assert_eq!(
        text(&app, &screening(recent)).await.unwrap(),
        "Pemohon Baru Sukoco|3507014101990003|Sponsor Darto|[{\"name\":\"Darto\"}]|sedang"
    );

    // Room messages: the old thread and its file are gone, the rest stays.
    let bodies: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM room_messages WHERE room_id = (SELECT id FROM rooms WHERE ref_key = 'retensi-uji') ORDER BY id",
    )
    .fetch_all(app.db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!(bodies, ["Utas hidup", "Balasan baru", "Pesan baru"]);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM room_messages").await,
        messages_before - 2
    );
    assert!(store.get(room_key).await.unwrap().is_none());

    // One audit entry per kind, with counts and no personal data.
    let details: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, entity, detail FROM audit_log WHERE action LIKE 'retention%' ORDER BY id",
    )
    .fetch_all(app.db.fixtures_pool())
    .await
    .unwrap();
    assert_eq!(details.len(), 5, "{details:?}");
    assert_eq!(details[0].0, "retention_anonymise");
    assert_eq!(details[0].1, "reports");
    assert!(details[0].2.contains("records=1 files=1"), "{details:?}");
    assert_eq!(details[4].0, "retention_delete");
    assert_eq!(details[4].1, "room_messages");
    assert!(details[4].2.contains("records=2 files=1"), "{details:?}");
    // No name, NIK or phone of the records (the cutoff is a timestamp,
    // which may well contain "3507" by chance: look for the identifiers).
    for (_, _, d) in &details {
        assert!(
            !d.contains("Sutarmiyati") && !d.contains("35070141019900") && !d.contains("+62812"),
            "{d}"
        );
    }

    // A second run finds nothing more; a kind turned off is left alone.
    let again = app.db.retention().apply(&policy, at, &store).await.unwrap();
    assert!(
        again.iter().all(|r| r.records == 0 && r.files == 0),
        "{again:?}"
    );
    let off = Retention {
        reports_closed_months: 0,
        ..Retention::default()
    };
    let later = at + time::Duration::days(60);
    let plan = app.db.retention().plan(&off, later).await.unwrap();
    assert_eq!(plan[0].cutoff, None);
    assert_eq!(plan[0].records, 0);
}

/// The job on generated bench data (docs/performance.md, "Retention on bench data"): run with
/// `cargo test -p benteng-web --test http retention_on_bench_data -- --ignored --nocapture`
/// (`BENTENG_RETENTION_BENCH_REPORTS`, default 100,000). Prints counts before and after and
/// the run time; checks that the dry run counts what the run does, that nothing changed after
/// its cut-off was touched, and that the figures stay.
#[tokio::test]
#[ignore]
async fn retention_on_bench_data() {
    let n: usize = std::env::var("BENTENG_RETENTION_BENCH_REPORTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let (db, _guard) = fresh_db().await;
    db.migrate().await.unwrap();
    db.regions().load_shipped_regions().await.unwrap();
    benteng_fixtures::demo::load_demo(&db).await.unwrap();
    let t = std::time::Instant::now();
    benteng_fixtures::generate::generate_reports(&db, n, 20_261_129)
        .await
        .unwrap();
    benteng_fixtures::generate_migrants::generate_migrants(&db, n / 5, 20_261_129)
        .await
        .unwrap();
    println!(
        "generated {n} reports and {} calon PMI in {:.1} s",
        n / 5,
        t.elapsed().as_secs_f64()
    );
    let q = |s: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(s)
                .fetch_one(db.fixtures_pool())
                .await
                .unwrap()
        }
    };
    let figures = || async {
        sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT category, kab_code, status, COUNT(*) FROM reports GROUP BY category, kab_code, status \
             ORDER BY category, kab_code, status",
        )
        .fetch_all(db.fixtures_pool())
        .await
        .unwrap()
    };
    let before = figures().await;
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::new(dir.path()).unwrap();
    let at = time::OffsetDateTime::now_utc();
    // The defaults, then every period at 12 months (the generated reports span three years).
    for (label, policy) in [
        ("defaults", Retention::default()),
        (
            "12 months",
            Retention {
                reports_closed_months: 12,
                cases_closed_months: 12,
                migrants_returned_months: 12,
                screenings_months: 12,
                room_messages_months: 12,
            },
        ),
    ] {
        let reports_left = q("SELECT COUNT(*) FROM reports WHERE anonymised_at IS NULL").await;
        let named = q("SELECT COUNT(*) FROM report_people WHERE name IS NOT NULL").await;
        let migrants_left = q("SELECT COUNT(*) FROM migrants WHERE anonymised_at IS NULL").await;
        let t = std::time::Instant::now();
        let plan = db.retention().plan(&policy, at).await.unwrap();
        let plan_s = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let applied = db.retention().apply(&policy, at, &store).await.unwrap();
        let apply_s = t.elapsed().as_secs_f64();
        assert_eq!(counts(&plan), counts(&applied), "{label}");
        println!("{label}: dry run {plan_s:.1} s, run {apply_s:.1} s");
        for r in &applied {
            println!(
                "  {:<14} {:>8} records {:>6} files",
                r.kind.as_str(),
                r.records,
                r.files
            );
        }
        println!(
            "  reports not anonymised {reports_left} -> {}, named people {named} -> {}, calon PMI not anonymised {migrants_left} -> {}",
            q("SELECT COUNT(*) FROM reports WHERE anonymised_at IS NULL").await,
            q("SELECT COUNT(*) FROM report_people WHERE name IS NOT NULL").await,
            q("SELECT COUNT(*) FROM migrants WHERE anonymised_at IS NULL").await,
        );
        let cutoff = applied[0].cutoff.unwrap();
        let touched: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM reports WHERE anonymised_at IS NOT NULL AND updated_at >= {cutoff}"
        )))
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap();
        assert_eq!(touched, 0, "nothing within its period is touched");
        let open_touched = q(
            "SELECT COUNT(*) FROM reports WHERE anonymised_at IS NOT NULL AND status IN ('baru', 'ditinjau', 'ditangani') \
             AND id NOT IN (SELECT report_id FROM cases)",
        )
        .await;
        assert_eq!(open_touched, 0, "open reports are untouched");
        assert_eq!(figures().await, before, "{label}: figures unchanged");
    }
}
