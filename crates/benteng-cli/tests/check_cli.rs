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
    let (code, out) = check(t.command().env(
        "BENTENG_DATABASE_URL",
        "postgres://benteng@127.0.0.1:9/benteng",
    ));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("MASALAH basis data tidak dapat dibuka"),
        "{out}"
    );
}

/// `serve` on a read-only disk stops at once and says why, instead of "pool timed out" after
/// ten seconds (issue 23). The disk is a real tmpfs mounted read-only, which needs root (the
/// test command runs as root on these machines and in CI). SQLite only.
#[tokio::test(flavor = "multi_thread")]
async fn serve_on_a_read_only_disk_says_so_at_once() {
    if common::postgres_url().is_some() {
        return;
    }
    let t = TestDb::new("read_only").await;
    let mnt = t.dir.path().join("disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let mount = |opts: &str| {
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(&mnt)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mounting a tmpfs needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    mount("size=64m");
    let url = format!("sqlite://{}/benteng.db", mnt.display());
    let cmd = |args: &[&str]| {
        t.command()
            .env("BENTENG_DATABASE_URL", &url)
            .env("BENTENG_UPLOAD_DIR", mnt.join("uploads"))
            .args(args)
            .output()
            .unwrap()
    };
    assert!(cmd(&["migrate"]).status.success());
    std::fs::create_dir_all(mnt.join("uploads")).unwrap();
    let remount = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(remount.success());
    let out = cmd(&["serve", "--bind", "127.0.0.1:0"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let _ = std::process::Command::new("umount")
        .arg("-l")
        .arg(&mnt)
        .status();
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("tidak dapat ditulis"), "{text}");
    assert!(!text.contains("timed out"), "{text}");
}
