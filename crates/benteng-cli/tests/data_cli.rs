//! `benteng import p3mi|watchlist` and `benteng export cases|register|audit` on the real binary
//! (issue 23): they act as a named user, with that user's rights and scope, report bad rows by
//! line, and are audited. SQLite, and PostgreSQL with `BENTENG_TEST_DATABASE_URL`.

mod common;

use benteng_db::Db;
use common::TestDb;

fn run(t: &TestDb, args: &[&str]) -> (i32, String, String) {
    let out = t.command().args(args).output().expect("run benteng");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

async fn count(db: &Db, sql: &str) -> i64 {
    benteng_db::sqlx::query_scalar(benteng_db::sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.fixtures_pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn imports_and_exports_act_as_the_named_user() {
    let t = TestDb::new("data_cli").await;
    let (code, _, err) = run(&t, &["demo"]);
    assert_eq!(code, 0, "{err}");
    let db = Db::connect(&t.url).await.unwrap();
    let dir = t.dir.path();

    // A watchlist file: two good rows, one with a bad birth date on line 3.
    let csv = "name,birth_date,category,note,region_code\n\
               Budi Perekrut,1980-02-03,perekrut,Dilaporkan warga,35.07.04.2007\n\
               Sari Calo,31-31-1990,perekrut,,35.07.04.2007\n\
               Tono Sponsor,,perekrut,,35.07.04.2007\n";
    std::fs::write(dir.join("pantau.csv"), csv).unwrap();
    let before = count(&db, "SELECT COUNT(*) FROM watchlist").await;

    // A village head may not manage the watchlist; nothing is imported.
    let (code, _, err) = run(
        &t,
        &["import", "watchlist", "pantau.csv", "--as", "desa.sitiarjo"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("tidak berhak"), "{err}");
    // Nobody of that name.
    let (code, _, err) = run(&t, &["import", "watchlist", "pantau.csv", "--as", "siapa"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("siapa tidak ada"), "{err}");

    // All or nothing: the bad row is named by line and field, nothing is imported.
    let (code, out, err) = run(
        &t,
        &[
            "import",
            "watchlist",
            "pantau.csv",
            "--as",
            "pimpasa.malang",
            "--all-or-nothing",
        ],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("baris 3: birth_date"), "{err}");
    assert_eq!(err.lines().count(), 1, "one bad row: {err}");
    assert!(out.contains("0 baris diimpor, 1 ditolak"), "{out}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM watchlist").await, before);

    // Without it, the good rows go in; still exit 2 for the bad one.
    let (code, out, err) = run(
        &t,
        &[
            "import",
            "watchlist",
            "pantau.csv",
            "--as",
            "pimpasa.malang",
        ],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("2 baris diimpor, 1 ditolak"), "{out}");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM watchlist").await,
        before + 2
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'watchlist' AND username = 'pimpasa.malang' AND request_id = 'cli'"
        )
        .await,
        1
    );

    // P3MI: admins only; a clean file exits 0.
    std::fs::write(
        dir.join("p3mi.csv"),
        "name,licence_no,valid_until,countries\nPT Maju Jaya Abadi,KEP.123/2025,2030-01-01,MY\n",
    )
    .unwrap();
    let (code, _, err) = run(
        &t,
        &["import", "p3mi", "p3mi.csv", "--as", "pimpasa.malang"],
    );
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = run(&t, &["import", "p3mi", "p3mi.csv", "--as", "admin.demo"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM p3mi WHERE licence_no = 'KEP.123/2025'"
        )
        .await,
        1
    );

    // The register: a village head gets their own village only, as on the web.
    let (code, _, err) = run(
        &t,
        &[
            "export",
            "register",
            "--as",
            "desa.sitiarjo",
            "--out",
            "r.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.join("r.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let village = header
        .iter()
        .position(|h| h.contains("desa") || h.contains("village"))
        .unwrap_or_else(|| panic!("a village column in {header:?}"));
    let villages: std::collections::BTreeSet<String> = rdr
        .records()
        .map(|r| r.unwrap()[village].to_string())
        .collect();
    let in_sitiarjo = count(
        &db,
        "SELECT COUNT(*) FROM migrants WHERE village_code = '35.07.04.2007'",
    )
    .await;
    let all = count(&db, "SELECT COUNT(*) FROM migrants").await;
    assert!(
        in_sitiarjo > 0 && all > in_sitiarjo,
        "the demo has residents elsewhere"
    );
    assert_eq!(villages.len(), 1, "{villages:?}");
    assert_eq!(text.lines().count() as i64 - 1, in_sitiarjo);
    let (code, _, err) = run(
        &t,
        &[
            "export",
            "register",
            "--as",
            "desa.sitiarjo",
            "--format",
            "xlsx",
            "--out",
            "r.xlsx",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(dir.join("r.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
    // XLSX to standard output is refused before anything is exported (and audited).
    let entries = "SELECT COUNT(*) FROM audit_log WHERE username = 'desa.sitiarjo'";
    let audited = count(&db, entries).await;
    let (code, _, err) = run(
        &t,
        &[
            "export",
            "register",
            "--as",
            "desa.sitiarjo",
            "--format",
            "xlsx",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("--out"), "{err}");
    assert_eq!(count(&db, entries).await, audited);

    // Cases: refused to a village head, HTCDS JSON for the office.
    let (code, _, _) = run(&t, &["export", "cases", "--as", "desa.sitiarjo"]);
    assert_eq!(code, 1);
    let (code, out, err) = run(&t, &["export", "cases", "--as", "pimpasa.malang"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.is_array(), "{out}");

    // The audit log for today: the imports above are in it, and the export is recorded.
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
        .to_string();
    let (code, _, _) = run(
        &t,
        &[
            "export",
            "audit",
            "--as",
            "pimpasa.malang",
            "--from",
            &today,
            "--to",
            &today,
        ],
    );
    assert_eq!(code, 1, "officers do not read the audit log");
    let (code, _, err) = run(
        &t,
        &[
            "export",
            "audit",
            "--as",
            "admin.demo",
            "--from",
            "2026-13-01",
            "--to",
            &today,
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (code, _, err) = run(
        &t,
        &[
            "export",
            "audit",
            "--as",
            "admin.demo",
            "--from",
            &today,
            "--to",
            &today,
            "--out",
            "audit.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let log = std::fs::read_to_string(dir.join("audit.csv")).unwrap();
    assert!(log.starts_with("id,waktu_utc,username"), "{log}");
    assert!(
        log.lines()
            .any(|l| l.contains("pimpasa.malang") && l.contains(",import,watchlist,")),
        "{log}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'audit' AND username = 'admin.demo'"
        )
        .await,
        1
    );
    db.close().await;
}
