//! Files chosen in a report form survive a re-render of that form (a village search, a
//! forgotten field): a browser never refills a file input, so without this a resident on a
//! phone would lose the photo they just took. Only when the form is shown again are the cleaned
//! files written to the store, their keys kept in the session; the re-rendered form shows their
//! names with a ticked box, and the next submit takes them along. A report that is saved
//! stores its files itself, so nothing is written twice. Kept files of a form that is then
//! abandoned stay in the upload directory like every stored file (see docs/backup.md); on the
//! public form new files are kept at most `public_reports_per_hour` times an hour per address.

use crate::ctx::Viewer;
use crate::error::WebError;
use crate::AppState;
use benteng_app::uploads::clean_upload_queued;
use benteng_app::uploads::{new_key, CleanFile, MAX_FILES};
use serde::{Deserialize, Serialize};

const SESSION_KEPT: &str = "kept_files";

#[derive(Clone, Serialize, Deserialize)]
struct Kept {
    key: String,
    name: String,
}

/// The files of one submit: the kept ones first (already stored), then the new ones.
pub struct Merged {
    pub files: Vec<CleanFile>,
    kept: Vec<Kept>,
}

impl Merged {
    fn new_files(&self) -> &[CleanFile] {
        &self.files[self.kept.len().min(self.files.len())..]
    }

    /// Whether keeping these for a re-render would write anything.
    pub fn has_new(&self) -> bool {
        !self.new_files().is_empty()
    }
}

async fn kept_list(v: &Viewer) -> Result<Vec<Kept>, WebError> {
    Ok(v.session
        .get(SESSION_KEPT)
        .await
        .map_err(WebError::session)?
        .unwrap_or_default())
}

/// The files of this submit: those kept from the previous render (when `keep` is ticked)
/// followed by the newly chosen ones, at most [`MAX_FILES`]. Nothing is written.
pub async fn merge(
    state: &AppState,
    v: &Viewer,
    new: Vec<CleanFile>,
    keep: bool,
) -> Result<Merged, WebError> {
    let mut files = Vec::new();
    let mut kept = Vec::new();
    if keep {
        for k in kept_list(v).await? {
            let bytes = state
                .store
                .get(&k.key)
                .await
                .map_err(|e| WebError::internal(format!("reading a kept file: {e}")))?;
            // Cleaned when first uploaded; checked again since it comes back from disk.
            let cleaned = match bytes {
                Some(b) => clean_upload_queued(k.name.clone(), b).await.ok(),
                None => None,
            };
            if let Some(f) = cleaned {
                files.push(f);
                kept.push(k);
            }
        }
    }
    files.extend(new);
    files.truncate(MAX_FILES);
    kept.truncate(files.len());
    Ok(Merged { files, kept })
}

/// Keep the files for the form about to be shown again: the new ones are written (when
/// `allow_new`), and the list goes to the session.
pub async fn keep(
    state: &AppState,
    v: &Viewer,
    m: &Merged,
    allow_new: bool,
) -> Result<(), WebError> {
    let mut list = m.kept.clone();
    if allow_new {
        for f in m.new_files() {
            let key = new_key(f);
            state
                .store
                .put(&key, &f.bytes)
                .await
                .map_err(|e| WebError::from(benteng_app::uploads::put_failed(e)))?;
            list.push(Kept {
                key,
                name: f.file_name.clone(),
            });
        }
    }
    if list.is_empty() {
        return clear(v).await;
    }
    v.session
        .insert(SESSION_KEPT, &list)
        .await
        .map_err(WebError::session)
}

/// Names of the files kept for the form being rendered.
pub async fn names(v: &Viewer) -> Result<Vec<String>, WebError> {
    Ok(kept_list(v).await?.into_iter().map(|k| k.name).collect())
}

/// Forget the kept files (after the report was saved, on a fresh form, or for a form refused
/// as spam or over its limit).
pub async fn clear(v: &Viewer) -> Result<(), WebError> {
    let had: Option<Vec<Kept>> = v
        .session
        .get(SESSION_KEPT)
        .await
        .map_err(WebError::session)?;
    if had.is_some() {
        v.session
            .remove::<Vec<Kept>>(SESSION_KEPT)
            .await
            .map_err(WebError::session)?;
    }
    Ok(())
}
