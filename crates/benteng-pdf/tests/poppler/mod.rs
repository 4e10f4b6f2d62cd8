//! Read a PDF back with poppler's tools (`pdftotext`, `pdffonts`, `pdfinfo`); `.ci/run`
//! installs poppler-utils.

use std::io::Write;
use std::process::Command;

/// Run `tool` with `args` on `pdf` and return what it printed.
pub fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let path = std::env::temp_dir().join(format!(
        "benteng-pdf-{tool}-{}-{:?}.pdf",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(pdf)
        .unwrap();
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (apt-get install poppler-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
