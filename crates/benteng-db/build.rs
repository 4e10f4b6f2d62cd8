//! Collects `migrations/NNNN_name.sql` into the list the binary carries, so that a new
//! migration is one new file and nothing else. Numbers must start at 1 and have no gaps or
//! repeats: a mistake stops the build with the file named.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time, not baked in with env!(): the compiled build script is shared by
    // every checkout that uses the same target directory (CI's clean clones do), and must
    // read this checkout's migrations.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(i64, String, String)> = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("migrations/ is readable") {
        let path = entry.expect("a directory entry").path();
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let (number, name) = stem
            .split_once('_')
            .unwrap_or_else(|| panic!("migration {file}: expected NNNN_name.sql"));
        let number: i64 = number
            .parse()
            .unwrap_or_else(|_| panic!("migration {file}: expected NNNN_name.sql"));
        files.push((number, name.to_string(), path.display().to_string()));
    }
    files.sort();
    let mut out = String::from("const MIGRATIONS: &[(i64, &str, &str)] = &[\n");
    for (i, (number, name, path)) in files.iter().enumerate() {
        assert_eq!(
            *number,
            i as i64 + 1,
            "migration {path}: numbers must run 1, 2, 3 … without gaps or repeats"
        );
        writeln!(out, "    ({number}, {name:?}, include_str!({path:?})),").unwrap();
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
