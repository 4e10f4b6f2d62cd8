//! The letter's text, read back from the PDF with poppler's `pdftotext` (and its fonts with
//! `pdffonts`): not only that a file came out. `.ci/run` installs poppler-utils.

mod poppler;

use benteng_pdf::{permission_letter, LetterPerson, PermissionLetter};
use poppler::poppler;

fn letter() -> PermissionLetter {
    PermissionLetter {
        title: "SURAT IZIN SUAMI/ISTRI".into(),
        number: "007/SIK/35.07.04.2007/2026".into(),
        province: "Jawa Timur".into(),
        regency: "Kabupaten Malang".into(),
        district: "Gedangan".into(),
        village: "Sitiarjo".into(),
        giver: LetterPerson {
            name: "Slamet Riyadi".into(),
            nik: "3507041203850001".into(),
            birth: "Malang, 12 Maret 1985".into(),
            address: "Dusun Krajan RT 01 RW 02, Sitiarjo".into(),
        },
        relation: "suami".into(),
        worker: LetterPerson {
            name: "Siti Aminah #panic(\"x\") *tebal* $x$".into(),
            nik: "3507045507900002".into(),
            birth: String::new(),
            address: "Dusun Krajan RT 01 RW 02, Sitiarjo".into(),
        },
        destination: "Taiwan".into(),
        job: "Perawat lansia".into(),
        channel: "PT Contoh Jaya (SIP3MI DEMO.001/2023)".into(),
        place_date: "Sitiarjo, 29 November 2026".into(),
        head_name: "Bambang Sutejo".into(),
        legal_basis: "UU 18/2017 Pasal 13 huruf b".into(),
    }
}

#[test]
fn letter_text_is_in_the_pdf() {
    let pdf = permission_letter(&letter()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "PEMERINTAH KABUPATEN MALANG",
        "DESA SITIARJO",
        "SURAT IZIN SUAMI/ISTRI",
        "Nomor: 007/SIK/35.07.04.2007/2026",
        "Slamet Riyadi",
        "3507041203850001",
        "Taiwan",
        "Perawat lansia",
        "PT Contoh Jaya (SIP3MI DEMO.001/2023)",
        "UU 18/2017 Pasal 13 huruf b",
        "Sitiarjo, 29 November 2026",
        "Kepala Desa Sitiarjo",
        "Bambang Sutejo",
        "Halaman 1 dari 1",
    ] {
        assert!(flat.contains(want), "missing {want:?} in:\n{text}");
    }
    // Typst markup in the data is printed as written, not run.
    assert!(
        flat.contains("Siti Aminah #panic(\"x\") *tebal* $x$"),
        "name not literal in:\n{text}"
    );
    // An empty field prints a dash rather than nothing.
    assert!(
        flat.contains("Tempat/tanggal lahir : --") || flat.contains("lahir : –"),
        "{text}"
    );
}

#[test]
fn fonts_are_embedded_and_the_page_is_a4() {
    let pdf = permission_letter(&letter()).unwrap();
    let fonts = poppler("pdffonts", &pdf, &[]);
    let embedded: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| l.contains("DejaVuSans"))
        .collect();
    assert!(embedded.len() >= 2, "{fonts}");
    for l in embedded {
        let cols: Vec<&str> = l.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        assert!(cols.contains(&"yes"), "not embedded: {l}");
    }
    let info = poppler("pdfinfo", &pdf, &[]);
    assert!(
        info.contains("595.") && info.contains("841."),
        "not A4: {info}"
    );
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(str::trim);
    assert_eq!(pages, Some("1"), "{info}");
}
