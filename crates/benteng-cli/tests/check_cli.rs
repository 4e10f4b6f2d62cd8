//! `benteng check` on the real binary (issue 23): all checks pass on a migrated database and a
//! writable upload folder; a folder that cannot be made, an unreachable database and pending
//! migrations are named in plain words. SQLite, or PostgreSQL with `BENTENG_TEST_DATABASE_URL`.

mod common;

use common::TestDb;

fn check(c: &mut std::process::Command) -> (i32, String) {
    let out = c.arg("check").output().expect("run benteng check");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread")]
async fn check_says_what_is_wrong_in_plain_words() {
    let t = TestDb::new("check_cli").await;

    // Not migrated yet: a warning, not a failure.
    let (code, out) = check(&mut t.command());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("migrasi belum dijalankan"), "{out}");

    let migrated = t.command().arg("migrate").status().unwrap();
    assert!(migrated.success());
    let (code, out) = check(&mut t.command());
    assert_eq!(code, 0, "{out}");
    for want in [
        "basis data menerima tulisan",
        "skema basis data terbaru",
        "dapat ditulis",
        "pesan keluar tidak ditahan",
        "Semua pemeriksaan lulus",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }

    // An upload folder that cannot exist (under a file), and a held delivery.
    let file = t.dir.path().join("bukan-folder");
    std::fs::write(&file, b"x").unwrap();
    assert!(t
        .command()
        .args(["delivery", "hold", "--reason", "uji"])
        .status()
        .unwrap()
        .success());
    let (code, out) = check(t.command().env("BENTENG_UPLOAD_DIR", file.join("uploads")));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MASALAH folder unggahan"), "{out}");
    assert!(out.contains("pesan keluar DITAHAN (uji)"), "{out}");
    assert!(out.contains("1 masalah ditemukan"), "{out}");

    // A database nobody answers at.
    let (code, out) = check(
        t.command()
            .env("BENTENG_DATABASE_URL", "postgres://benteng@127.0.0.1:9/benteng"),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MASALAH basis data tidak dapat dibuka"), "{out}");
}
