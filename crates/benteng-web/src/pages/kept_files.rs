//! Files chosen in a report form survive a re-render of that form (a village search, a
//! forgotten field): a browser never refills a file input, so without this a resident on a
//! phone would lose the photo they just took. The cleaned files are written to the store and
//! their keys kept in the session; the re-rendered form shows their names with a ticked box,
//! and the next submit takes them along. Written files that end up unused stay in the upload
//! directory like every stored file (nothing is deleted; see docs/backup.md).

use crate::ctx::Viewer;
use crate::error::WebError;
use crate::AppState;
use benteng_db::reports::MAX_FILES;
use benteng_db::storage::{clean_upload, new_key, CleanFile};
use serde::{Deserialize, Serialize};

const SESSION_KEPT: &str = "kept_files";

#[derive(Serialize, Deserialize)]
struct Kept {
    key: String,
    name: String,
}

/// The files of this submit: those kept from the previous render (when `keep` is ticked)
/// followed by the newly chosen ones, at most [`MAX_FILES`]. The result is kept in turn, so a
/// further re-render still has them.
pub async fn merge(
    state: &AppState,
    v: &Viewer,
    new: Vec<CleanFile>,
    keep: bool,
) -> Result<Vec<CleanFile>, WebError> {
    let kept: Vec<Kept> = v
        .session
        .get(SESSION_KEPT)
        .await
        .map_err(WebError::session)?
        .unwrap_or_default();
    let mut out = Vec::new();
    if keep {
        for k in &kept {
            let bytes = state
                .store
                .get(&k.key)
                .await
                .map_err(|e| WebError::internal(format!("reading a kept file: {e}")))?;
            // Cleaned when first uploaded; checked again since it comes back from disk.
            if let Some(f) = bytes.and_then(|b| clean_upload(&k.name, &b).ok()) {
                out.push(f);
            }
        }
    }
    out.extend(new);
    out.truncate(MAX_FILES);
    let unchanged = keep && out.len() == kept.len();
    if !unchanged {
        let mut list = Vec::with_capacity(out.len());
        for f in &out {
            let key = new_key(f);
            state
                .store
                .put(&key, &f.bytes)
                .await
                .map_err(|e| WebError::internal(format!("keeping a file: {e}")))?;
            list.push(Kept {
                key,
                name: f.file_name.clone(),
            });
        }
        v.session
            .insert(SESSION_KEPT, &list)
            .await
            .map_err(WebError::session)?;
    }
    Ok(out)
}

/// Names of the files kept for the form being rendered.
pub async fn names(v: &Viewer) -> Result<Vec<String>, WebError> {
    let kept: Vec<Kept> = v
        .session
        .get(SESSION_KEPT)
        .await
        .map_err(WebError::session)?
        .unwrap_or_default();
    Ok(kept.into_iter().map(|k| k.name).collect())
}

/// Forget the kept files (after the report was saved, or on a fresh form).
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
