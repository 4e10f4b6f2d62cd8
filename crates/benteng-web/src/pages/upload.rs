//! The one reader of multipart forms (forms with files). The CSRF middleware cannot read a
//! multipart body without buffering its files twice, so it leaves these requests to
//! [`read_form`], which checks the `_csrf` field against the session before returning
//! anything. Every file is checked and cleaned by [`benteng_app::uploads::clean_upload`].

use crate::ctx::Viewer;
use crate::error::WebError;
use axum::extract::multipart::{Multipart, MultipartRejection};
use benteng_app::uploads::clean_upload_queued;
use benteng_app::uploads::CleanFile;

/// The fields and files of a multipart form.
#[derive(Default)]
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<CleanFile>,
    /// The first problem with a file (a Fluent id), if any file was refused.
    pub file_error: Option<&'static str>,
}

impl UploadForm {
    pub fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }
}

/// At most this many files are read from one form; the rest is refused.
const MAX_FILES: usize = benteng_app::uploads::MAX_FILES;

pub async fn read_form(
    v: &Viewer,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<UploadForm, WebError> {
    let mut mp = mp.map_err(|_| WebError::BadRequest)?;
    let mut form = UploadForm::default();
    let mut count = 0usize;
    // Our forms send `_csrf` first. A file before a valid token is refused before it is
    // decoded, so a forged or foreign request cannot make the server re-encode images.
    let mut verified = false;
    while let Some(field) = mp.next_field().await.map_err(|_| WebError::BadRequest)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(_) if !verified => return Err(WebError::Csrf),
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| WebError::BadRequest)?;
                // An empty file input sends a part with no name and no bytes.
                if bytes.is_empty() && file_name.is_empty() {
                    continue;
                }
                count += 1;
                if count > MAX_FILES {
                    form.file_error.get_or_insert("err-too-many-files");
                    continue;
                }
                match clean_upload_queued(file_name, bytes.to_vec()).await {
                    Ok(f) => form.files.push(f),
                    Err(code) => {
                        form.file_error.get_or_insert(code);
                    }
                }
            }
            None => {
                let text = field.text().await.map_err(|_| WebError::BadRequest)?;
                if name == "_csrf" {
                    verified = valid_token(&text, &v.csrf);
                }
                if form.fields.len() < 200 {
                    form.fields.push((name, text));
                }
            }
        }
    }
    if !verified || !valid_token(&form.get("_csrf"), &v.csrf) {
        return Err(WebError::Csrf);
    }
    Ok(form)
}

fn valid_token(token: &str, expected: &str) -> bool {
    !token.is_empty() && crate::security::same(token.as_bytes(), expected.as_bytes())
}

/// The fields of a form with one data file, and the file (or why it was refused).
pub struct DataForm {
    pub fields: Vec<(String, String)>,
    /// `Ok(None)`: no file chosen; `Err`: a Fluent id (too large).
    pub file: Result<Option<Vec<u8>>, &'static str>,
    /// The chosen file's name as the browser sent it (unchecked; clean it before use).
    pub file_name: String,
}

impl DataForm {
    pub fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// A form with one CSV file (imports, batch screening): the fields and the file's bytes, at
/// most `max_bytes`. The CSRF token must come before the file, as in [`read_form`].
pub async fn read_csv_form(
    v: &Viewer,
    mp: Result<Multipart, MultipartRejection>,
    max_bytes: usize,
) -> Result<DataForm, WebError> {
    let mut mp = mp.map_err(|_| WebError::BadRequest)?;
    let mut fields = Vec::new();
    let mut file = None;
    let mut file_name = String::new();
    let mut verified = false;
    while let Some(mut field) = mp.next_field().await.map_err(|_| WebError::BadRequest)? {
        let name = field.name().unwrap_or("").to_string();
        if let Some(sent) = field.file_name() {
            if !verified {
                return Err(WebError::Csrf);
            }
            file_name = sent.chars().take(300).collect();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| WebError::BadRequest)? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > max_bytes {
                    return Ok(DataForm {
                        fields,
                        file: Err("err-file-too-large"),
                        file_name,
                    });
                }
            }
            if !bytes.is_empty() {
                file = Some(bytes);
            }
        } else {
            let text = field.text().await.map_err(|_| WebError::BadRequest)?;
            if name == "_csrf" {
                verified = valid_token(&text, &v.csrf);
            }
            if fields.len() < 50 {
                fields.push((name, text));
            }
        }
    }
    if !verified {
        return Err(WebError::Csrf);
    }
    Ok(DataForm {
        fields,
        file: Ok(file),
        file_name,
    })
}
