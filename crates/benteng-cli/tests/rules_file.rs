//! The operator's rules file: a mistake stops `benteng serve` at start with the entry named,
//! before it listens; a good file is loaded (checked with `benteng migrate`, which opens the
//! database the same way and exits).

use std::process::Command;

fn run_with_rules(args: &[&str], rules: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rules.toml");
    std::fs::write(&file, rules).unwrap();
    Command::new(env!("CARGO_BIN_EXE_benteng"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("BENTENG_CONFIG")
        .env(
            "BENTENG_DATABASE_URL",
            format!("sqlite://{}/b.db", dir.path().display()),
        )
        .env("BENTENG_RULES_FILE", &file)
        .output()
        .expect("run benteng serve")
}

#[test]
fn a_bad_rules_file_stops_the_start_and_names_the_mistake() {
    let out = run_with_rules(
        &["serve", "--bind", "127.0.0.1:0"],
        "[[offer]]\ncode = \"under_age\"\nlevel = \"ungu\"\nlegal = \"UU 18/2017 Pasal 5\"\neffective_from = \"2017-11-22\"\n",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("offer #1 (under_age)") && stderr.contains("ungu"),
        "{stderr}"
    );
}

#[test]
fn a_good_rules_file_is_loaded() {
    let out = run_with_rules(
        &["migrate"],
        "[[moratorium]]\ncountries = [\"SA\"]\nlegal = \"Kepmenaker 260/2015\"\neffective_from = \"2015-07-01\"\n",
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert!(all.contains("rules file loaded"), "{all}");
}
