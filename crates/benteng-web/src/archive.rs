//! Password-protected ZIP archives for exports of personal data (the calon PMI register, the
//! HTCDS case export): AES-256 (WinZip AES, opened by 7-Zip, WinRAR, PeaZip, macOS Archive
//! Utility with a password prompt, and `7z x` on Linux), with a random password shown once on
//! the page that offers the download (`pages::exports`). A file that travels by e-mail, a
//! flash disk or a chat group is then of no use to whoever finds it without the password.

use crate::error::WebError;
use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, ZipWriter};

/// Letters and digits that cannot be mistaken for each other when read out or copied by hand
/// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";

/// A random archive password: 20 characters in groups of four (about 93 bits), e.g.
/// `K7QM-P3XD-9WRT-HA4N-C6JF`.
pub fn archive_password() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..5)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// One file in an AES-256 encrypted, deflated ZIP archive.
pub fn encrypted_zip(file_name: &str, bytes: &[u8], password: &str) -> Result<Vec<u8>, WebError> {
    let err = |e: zip::result::ZipError| WebError::internal(format!("writing an archive: {e}"));
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .with_aes_encryption(AesMode::Aes256, password);
    zip.start_file(file_name, options).map_err(err)?;
    zip.write_all(bytes)
        .map_err(|e| WebError::internal(format!("writing an archive: {e}")))?;
    Ok(zip.finish().map_err(err)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_archive_opens_with_its_password_only() {
        let pw = archive_password();
        assert_eq!(pw.len(), 24);
        assert_ne!(pw, archive_password());
        let data = b"nik,nama\n3507111234560001,Siti\n";
        let zip = encrypted_zip("calon-pmi.csv", data, &pw).unwrap();
        assert!(
            !zip.windows(8).any(|w| w == b"35071112"),
            "no plain text inside"
        );
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        assert!(a.by_index_decrypt(0, b"salah").is_err());
        let mut out = Vec::new();
        a.by_index_decrypt(0, pw.as_bytes())
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }
}
