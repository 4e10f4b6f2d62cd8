//! The `benteng screen` command-line contract: headers, ranks, alerts and reasons in the
//! output, bad rows reported with their line number and skipped, exit code 2 when any were.
//! Runs the real binary on small CSV files in a temporary directory.

use std::process::Command;

const WATCHLIST: &str = "\
id,name,birth_date,nik,phone,source
W1,Siti Aminah,1990-08-12,3507115208900001,0812-3456-7890,laporan
W2,Moch. Soekarno,,,,laporan
W2,Sukarno bin Slamet,1985-01-02,,,alias
W3,Budi Santoso,1979-13-01,,,tanggal salah
W4,Siti Aminah,1975-03-02,,,namesake
W5,,1980-01-01,,,tanpa nama
";

const QUERIES: &str = "\
id,name,birth_date,nik,phone
Q1,St. Aminah,1990-08-12,,
Q2,Muhammad Sukarno,,,
Q3,Rina,,3507115208900001,
Q4,Joko,,12345,
Q5,Pak Dedi,,,+62 812 3456 7890
Q6,Nobody Known,,,
";

#[test]
fn screens_a_csv_against_a_watchlist_file() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("watchlist.csv");
    let q = dir.path().join("queries.csv");
    let o = dir.path().join("results.csv");
    std::fs::write(&w, WATCHLIST).unwrap();
    std::fs::write(&q, QUERIES).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_benteng"))
        .args(["screen", "--watchlist"])
        .arg(&w)
        .arg("--input")
        .arg(&q)
        .arg("--output")
        .arg(&o)
        .args(["--top", "3"])
        .current_dir(dir.path())
        .env_remove("BENTENG_CONFIG")
        .output()
        .expect("run benteng screen");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "skipped rows: exit 2\n{stderr}");
    // Watchlist lines 5 (bad date) and 7 (no name), query line 5 (short NIK).
    assert!(stderr.contains("daftar pantau baris 5"), "{stderr}");
    assert!(stderr.contains("daftar pantau baris 7"), "{stderr}");
    assert!(stderr.contains("masukan baris 5"), "{stderr}");
    assert!(stderr.contains("p50") && stderr.contains("p99"), "{stderr}");
    assert!(stderr.contains("indeks: 3 entri"), "{stderr}");

    let text = std::fs::read_to_string(&o).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "query_id",
            "rank",
            "watch_id",
            "score",
            "alert",
            "reasons",
            "same_name_not_shown"
        ]
    );
    let first = |qid: &str| {
        rows.iter()
            .find(|r| r[0] == qid && r[1] == "1")
            .unwrap_or_else(|| panic!("{qid} has a first hit:\n{text}"))
    };
    // The namesake with the same birth date alerts; a common name alone does not.
    let q1 = first("Q1");
    assert_eq!((q1[2], q1[4]), ("W1", "true"), "{text}");
    assert!(q1[5].contains("dob:exact") && q1[5].contains("name:abbreviation"));
    let q1_w4 = rows.iter().find(|r| r[0] == "Q1" && r[2] == "W4").unwrap();
    assert_eq!(q1_w4[4], "false");
    // Aliases from repeated ids; old spelling and abbreviation.
    assert_eq!(first("Q2")[2], "W2");
    // NIK and phone alone.
    let q3 = first("Q3");
    assert_eq!((q3[2], q3[4]), ("W1", "true"));
    assert!(q3[5].contains("nik:exact"));
    let q5 = first("Q5");
    assert_eq!((q5[2], q5[4]), ("W1", "true"));
    assert!(q5[5].contains("phone:exact"));
    // The skipped query has no rows; ranks are 1.. and at most --top per query.
    assert!(rows.iter().all(|r| r[0] != "Q4"));
    for qid in ["Q1", "Q2", "Q3", "Q5", "Q6"] {
        let ranks: Vec<&str> = rows.iter().filter(|r| r[0] == qid).map(|r| r[1]).collect();
        assert!(ranks.len() <= 3);
        assert!(ranks
            .iter()
            .enumerate()
            .all(|(i, r)| *r == (i + 1).to_string()));
    }
}

#[test]
fn clean_files_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.csv");
    let q = dir.path().join("q.csv");
    let o = dir.path().join("o.csv");
    std::fs::write(&w, "id,name,birth_date,nik,phone\nW1,Budi Santoso,,,\n").unwrap();
    std::fs::write(&q, "id,name,birth_date,nik,phone\nQ1,Budi Santoso,,,\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_benteng"))
        .arg("screen")
        .arg("--watchlist")
        .arg(&w)
        .arg("--input")
        .arg(&q)
        .arg("--output")
        .arg(&o)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&o).unwrap();
    assert!(
        text.starts_with(
            "query_id,rank,watch_id,score,alert,reasons,same_name_not_shown\nQ1,1,W1,100,false,name:exact"
        ),
        "{text}"
    );
}

#[test]
fn without_a_watchlist_file_the_database_watchlist_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/benteng.db", dir.path().display());
    let benteng = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_benteng"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("BENTENG_CONFIG")
            .env("BENTENG_DATABASE_URL", &db)
            .env("BENTENG_UPLOAD_DIR", dir.path().join("unggahan"))
            .output()
            .unwrap()
    };
    // The demo's village reports name a recruiter, Moch. Darto, with his phone.
    let out = benteng(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let q = dir.path().join("q.csv");
    let o = dir.path().join("o.csv");
    std::fs::write(
        &q,
        "id,name,birth_date,nik,phone\nQ1,Darto,,,0812 3456 7890\n",
    )
    .unwrap();
    let out = benteng(&[
        "screen",
        "--input",
        q.to_str().unwrap(),
        "--output",
        o.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("daftar pantau dari basis data"), "{stderr}");
    let text = std::fs::read_to_string(&o).unwrap();
    let first: Vec<&str> = text.lines().nth(1).expect("a hit").split(',').collect();
    assert_eq!(first[0], "Q1");
    assert!(
        first[2].starts_with('p'),
        "a person named in a report: {text}"
    );
    assert_eq!(first[4], "true", "{text}");
    assert!(first[5].contains("phone:exact"), "{text}");
}
