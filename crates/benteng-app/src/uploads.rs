//! Uploaded files, checked by their bytes (never by name or declared type), images re-encoded
//! so that location and camera metadata (EXIF, XMP) are gone; and photos made small for
//! printing. What is kept, and where, is `benteng_db::storage`.

pub use benteng_db::storage::{new_key, put_failed, BlobStore, CleanFile, FsStore, MAX_FILE_BYTES};

/// At most this many files in one submission (a report and its photos).
pub use benteng_db::reports::MAX_FILES;

/// Longest side of a stored image; larger photos are scaled down.
const MAX_SIDE: u32 = 2048;

/// Check an upload: size, type from the bytes (JPEG, PNG, WebP images and PDF documents), and
/// re-encode images (JPEG and WebP become JPEG, PNG stays PNG) which drops every metadata
/// block. The error is a Fluent message id.
pub fn clean_upload(file_name: &str, bytes: &[u8]) -> Result<CleanFile, &'static str> {
    if bytes.is_empty() {
        return Err("err-file-empty");
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("err-file-too-large");
    }
    let kind = infer::get(bytes).map(|k| k.mime_type());
    let name = safe_name(file_name);
    match kind {
        Some("application/pdf") if !pdf_shaped(bytes) => Err("err-file-broken"),
        Some("application/pdf") => Ok(CleanFile {
            file_name: name,
            content_type: "application/pdf",
            extension: "pdf",
            bytes: bytes.to_vec(),
        }),
        Some(mime @ ("image/jpeg" | "image/png" | "image/webp")) => {
            let format = match mime {
                "image/jpeg" => image::ImageFormat::Jpeg,
                "image/png" => image::ImageFormat::Png,
                _ => image::ImageFormat::WebP,
            };
            let mut img = decode(bytes, Some(format))?;
            if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
                img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
            }
            let mut out = std::io::Cursor::new(Vec::new());
            let (content_type, extension) = if format == image::ImageFormat::Png {
                img.write_to(&mut out, image::ImageFormat::Png)
                    .map_err(|_| "err-file-broken")?;
                ("image/png", "png")
            } else {
                img.to_rgb8()
                    .write_to(&mut out, image::ImageFormat::Jpeg)
                    .map_err(|_| "err-file-broken")?;
                ("image/jpeg", "jpg")
            };
            Ok(CleanFile {
                file_name: name,
                content_type,
                extension,
                bytes: out.into_inner(),
            })
        }
        _ => Err("err-file-type"),
    }
}

/// Widest and tallest image decoded, in pixels. A 50-megapixel phone photo is 8,160 × 6,120;
/// a small file that claims more is a decompression bomb (a 420 KB PNG of 12,000 × 12,000
/// pixels costs ~700 MB to decode).
pub const MAX_DECODE_SIDE: u32 = 10_000;

/// Most memory one decode may take. The 50-megapixel photo above needs 150 MB as RGB.
pub const MAX_DECODE_BYTES: u64 = 192 * 1024 * 1024;

/// Images decoded at the same time in this process; more wait their turn, so a burst of large
/// photos costs at most this many times [`MAX_DECODE_BYTES`].
const DECODES_AT_ONCE: usize = 2;

static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODES_AT_ONCE);

/// Decode an image with its size checked before any pixel is read: the header's width and
/// height against [`MAX_DECODE_SIDE`], and every allocation against [`MAX_DECODE_BYTES`].
fn decode(
    bytes: &[u8],
    format: Option<image::ImageFormat>,
) -> Result<image::DynamicImage, &'static str> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes));
    match format {
        Some(f) => reader.set_format(f),
        None => {
            reader = reader
                .with_guessed_format()
                .map_err(|_| "err-file-broken")?
        }
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => "err-image-too-large",
        _ => "err-file-broken",
    })
}

/// [`clean_upload`] off the request threads, at most [`DECODES_AT_ONCE`] at a time: decoding
/// and re-encoding a photo takes tens of milliseconds to seconds of one core.
pub async fn clean_upload_queued(
    file_name: String,
    bytes: Vec<u8>,
) -> Result<CleanFile, &'static str> {
    let _permit = DECODES.acquire().await.map_err(|_| "err-file-broken")?;
    tokio::task::spawn_blocking(move || clean_upload(&file_name, &bytes))
        .await
        .unwrap_or(Err("err-file-broken"))
}

/// [`clean_material`] the same way as [`clean_upload_queued`].
pub async fn clean_material_queued(
    file_name: String,
    bytes: Vec<u8>,
) -> Result<CleanFile, &'static str> {
    let _permit = DECODES.acquire().await.map_err(|_| "err-file-broken")?;
    tokio::task::spawn_blocking(move || clean_material(&file_name, &bytes))
        .await
        .unwrap_or(Err("err-file-broken"))
}

/// The last part of an uploaded file's name, without control characters or quotes, at most
/// 100 characters ("lampiran" when nothing is left).
fn safe_name(file_name: &str) -> String {
    let name: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(100)
        .collect();
    if name.trim().is_empty() {
        "lampiran".to_string()
    } else {
        name
    }
}

/// The name a stored file is downloaded under: the uploaded name reduced to safe characters,
/// with the extension of the type its bytes were found to be (a PDF uploaded as `poly.html`
/// downloads as `poly.pdf`; an image named `foto.exe` as `foto.jpg`), so that no browser or
/// desktop opens it as anything else. `fallback` stands in for a name with nothing left.
pub fn download_name(name: &str, content_type: &str, fallback: &str) -> String {
    let extension = match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.oasis.opendocument.presentation" => "odp",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/csv" | "text/csv; charset=utf-8" => "csv",
        _ => "bin",
    };
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let stem = safe
        .rsplit_once('.')
        .map_or(safe.as_str(), |(stem, _)| stem)
        .trim_matches('.');
    let stem = if stem.is_empty() { fallback } else { stem };
    format!("{stem}.{extension}")
}

/// Largest speaker's material (slides are often large).
pub const MAX_MATERIAL_BYTES: usize = 20 * 1024 * 1024;

/// Whether bytes that start like a PDF have a PDF's frame: a `%PDF-n.n` header, at least one
/// object, and at the end (last 2 KB, where every PDF writer puts it, incremental updates
/// included) a `startxref` with a number and the `%%EOF` marker. `%PDF-1.4` followed by
/// anything else was accepted before (issue 23). The objects themselves are not parsed:
/// viewers repair slightly broken cross-reference tables, and so a scanner app's PDF with a
/// wrong offset is still taken.
fn pdf_shaped(bytes: &[u8]) -> bool {
    let header = bytes.len() >= 8
        && bytes.starts_with(b"%PDF-")
        && bytes[5].is_ascii_digit()
        && bytes[6] == b'.'
        && bytes[7].is_ascii_digit();
    if !header {
        return false;
    }
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    let Some(sx) = find(tail, b"startxref") else {
        return false;
    };
    let after = &tail[sx + b"startxref".len()..];
    let digits = after
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .count();
    let eof = find(after, b"%%EOF").is_some();
    let has_object = bytes.windows(3).any(|w| w == b"obj");
    digits > 0 && eof && has_object
}

/// Check a speaker's material: a PDF, PowerPoint (PPTX) or OpenDocument (ODP) presentation up
/// to [`MAX_MATERIAL_BYTES`], kept as uploaded; or an image, cleaned like any upload.
pub fn clean_material(file_name: &str, bytes: &[u8]) -> Result<CleanFile, &'static str> {
    if bytes.len() > MAX_MATERIAL_BYTES {
        return Err("err-file-too-large");
    }
    let kept = |content_type: &'static str, extension: &'static str| CleanFile {
        file_name: safe_name(file_name),
        content_type,
        extension,
        bytes: bytes.to_vec(),
    };
    match infer::get(bytes).map(|k| k.mime_type()) {
        Some("application/pdf") if !pdf_shaped(bytes) => Err("err-file-broken"),
        Some("application/pdf") => Ok(kept("application/pdf", "pdf")),
        Some(m @ "application/vnd.openxmlformats-officedocument.presentationml.presentation") => {
            Ok(kept(m, "pptx"))
        }
        Some(m @ "application/vnd.oasis.opendocument.presentation") => Ok(kept(m, "odp")),
        _ => clean_upload(file_name, bytes),
    }
}

/// A stored photo made small for printing (at most `max_side` pixels, JPEG), so a report with a
/// dozen phone photos stays a file one can e-mail. `None` when the bytes are no image.
pub fn print_size(bytes: &[u8], max_side: u32) -> Option<Vec<u8>> {
    let mut img = decode(bytes, None).ok()?;
    if img.width() > max_side || img.height() > max_side {
        img = img.resize(max_side, max_side, image::imageops::FilterType::Triangle);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let rgb = img.to_rgb8();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    enc.encode_image(&rgb).ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real one-page PDF (pdfinfo reads it).
    pub(crate) const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n";

    /// A PDF of `size` bytes: the tiny one with blank lines before its cross-reference table.
    fn padded_pdf(size: usize) -> Vec<u8> {
        let split = TINY_PDF.windows(4).position(|w| w == b"xref").unwrap();
        let mut out = TINY_PDF[..split].to_vec();
        out.resize(size - (TINY_PDF.len() - split), b'\n');
        out.extend_from_slice(&TINY_PDF[split..]);
        out
    }

    #[test]
    fn a_pdf_header_before_garbage_is_refused() {
        assert!(clean_upload("a.pdf", TINY_PDF).is_ok());
        for bad in [
            &b"%PDF-1.4 test"[..],
            b"%PDF-1.4\n<html><script>alert(1)</script></html>",
            b"%PDF-1.4\n%%EOF\n",
            b"%PDF-x.y\n1 0 obj\nstartxref\n9\n%%EOF\n",
            b"%PDF-1.4\n1 0 obj\nstartxref\n%%EOF\n",
        ] {
            assert_eq!(clean_upload("a.pdf", bad).unwrap_err(), "err-file-broken");
            assert_eq!(clean_material("a.pdf", bad).unwrap_err(), "err-file-broken");
        }
    }

    fn jpeg_with_exif() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 10, 10]));
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .unwrap();
        let plain = out.into_inner();
        // Insert an APP1 Exif segment (with a GPS-looking payload) right after SOI.
        let payload = b"Exif\0\0GPSLatitude-7.98GPSLongitude112.63";
        let len = (payload.len() + 2) as u16;
        let mut with = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with.extend_from_slice(&len.to_be_bytes());
        with.extend_from_slice(payload);
        with.extend_from_slice(&plain[2..]);
        with
    }

    #[test]
    fn images_lose_their_metadata() {
        let src = jpeg_with_exif();
        assert!(src.windows(11).any(|w| w == b"GPSLatitude"));
        let clean = clean_upload("foto.jpg", &src).unwrap();
        assert_eq!(clean.content_type, "image/jpeg");
        assert!(!clean.bytes.windows(11).any(|w| w == b"GPSLatitude"));
        assert!(!clean.bytes.windows(4).any(|w| w == b"Exif"));
        image::load_from_memory(&clean.bytes).expect("still a valid image");
    }

    #[test]
    fn type_comes_from_the_bytes_not_the_name() {
        assert_eq!(
            clean_upload("foto.jpg", b"MZ\x90\x00 not an image").unwrap_err(),
            "err-file-type"
        );
        assert_eq!(
            clean_upload("x.html", b"<html><script>alert(1)</script>").unwrap_err(),
            "err-file-type"
        );
        let big = image::RgbImage::from_fn(1600, 900, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut png = std::io::Cursor::new(Vec::new());
        big.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let small = print_size(&png.into_inner(), 800).unwrap();
        let back = image::load_from_memory(&small).unwrap();
        assert_eq!(
            (back.width(), back.height()),
            (800, 450),
            "scaled, proportions kept"
        );
        assert!(print_size(b"%PDF-1.4", 800).is_none());
        let slides = clean_material("materi.pdf", TINY_PDF).unwrap();
        assert_eq!(slides.extension, "pdf");
        assert_eq!(
            clean_material("catatan.txt", b"bukan dokumen").unwrap_err(),
            "err-file-type"
        );
        let large = padded_pdf(MAX_FILE_BYTES + 10);
        assert!(
            clean_material("besar.pdf", &large).is_ok(),
            "slides may exceed 5 MB"
        );
        let large = padded_pdf(MAX_MATERIAL_BYTES + 1);
        assert_eq!(
            clean_material("besar.pdf", &large).unwrap_err(),
            "err-file-too-large"
        );
        let pdf = clean_upload("../../etc/surat.pdf", TINY_PDF).unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(pdf.file_name, "surat.pdf");
        // A JPEG header with garbage after it is refused, not stored.
        assert_eq!(
            clean_upload(
                "a.jpg",
                &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 2, 3]
            )
            .unwrap_err(),
            "err-file-broken"
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // 12,000 × 12,000 pixels of one colour: a few hundred KB as PNG, ~430 MB decoded.
        let mut png = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png, 12_000, 12_000);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            let mut stream = w.stream_writer().unwrap();
            let row = vec![0u8; 12_000];
            for _ in 0..12_000 {
                std::io::Write::write_all(&mut stream, &row).unwrap();
            }
            stream.finish().unwrap();
        }
        assert!(
            png.len() < MAX_FILE_BYTES,
            "the bomb is small: {}",
            png.len()
        );
        assert_eq!(
            clean_upload("bom.png", &png).err(),
            Some("err-image-too-large")
        );
        assert!(print_size(&png, 1200).is_none());
    }

    #[test]
    fn download_names_follow_the_sniffed_type() {
        assert_eq!(
            download_name("poly.html", "application/pdf", "x"),
            "poly.pdf"
        );
        assert_eq!(download_name("gnp.exe", "image/png", "x"), "gnp.png");
        assert_eq!(download_name("foto", "image/jpeg", "x"), "foto.jpg");
        assert_eq!(download_name("a.b.html", "application/pdf", "x"), "a.b.pdf");
        assert_eq!(
            download_name("\"<>.html", "image/jpeg", "lampiran"),
            "lampiran.jpg"
        );
        assert_eq!(download_name("../../etc/passwd", "text/html", "x"), "x.bin");
        assert_eq!(
            download_name("../laporan.pdf", "application/pdf", "x"),
            "laporan.pdf"
        );
    }

    #[test]
    fn size_is_limited() {
        assert_eq!(clean_upload("a.pdf", b"").unwrap_err(), "err-file-empty");
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert_eq!(
            clean_upload("a.pdf", &big).unwrap_err(),
            "err-file-too-large"
        );
    }
}
