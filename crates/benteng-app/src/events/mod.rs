//! Sosialisasi events: what the activity report (*Laporan Kegiatan*) needs beyond the
//! event's page.

use benteng_db::storage::BlobStore;
use benteng_db::{Ctx, Db, Error, Result};

/// The organising office's name and the event's photos made small for printing, with their
/// captions (at most `max`; a stored file that is no image is left out). Officers and the
/// Kanwil only: the storage checks.
pub async fn report_extras(
    db: &Db,
    ctx: &Ctx,
    id: i64,
    max: usize,
    store: &dyn BlobStore,
) -> Result<(Option<String>, Vec<(String, Vec<u8>)>)> {
    let (office, stored) = db.report_extras(ctx, id, max, store).await?;
    let mut photos = Vec::new();
    for (caption, bytes) in stored {
        // Scaling takes tens of milliseconds per photo: off the async threads.
        let small = tokio::task::spawn_blocking(move || crate::uploads::print_size(&bytes, 1200))
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("scaling a photo failed: {e}")))?;
        if let Some(small) = small {
            photos.push((caption, small));
        }
    }
    Ok((office, photos))
}
