//! `benteng import regions FILE` (issue 23, item 5): bad rows are named by line in Indonesian
//! and the command fails, while the good rows are loaded.

use std::process::Command;

#[test]
fn rejected_region_rows_are_named_and_fail_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wilayah.csv");
    std::fs::write(
        &file,
        "kode,nama\n35,JAWA TIMUR\n35.07,KAB. MALANG\n35.7x,SALAH\n35.07.04,\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_benteng"))
        .args(["import", "regions", "--file"])
        .arg(&file)
        .current_dir(dir.path())
        .env_remove("BENTENG_CONFIG")
        .env(
            "BENTENG_DATABASE_URL",
            format!("sqlite://{}/b.db", dir.path().display()),
        )
        .output()
        .expect("run benteng import regions");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("baris 4: kode wilayah tidak valid"),
        "{stderr}"
    );
    assert!(stderr.contains("baris 5: nama kosong"), "{stderr}");
    assert!(
        stderr.contains("2 baris ditolak; baris lain sudah dimuat"),
        "{stderr}"
    );
    assert!(
        stdout.contains("2 wilayah dibaca, 2 ditulis, 2 baris ditolak"),
        "{stdout}"
    );
}
