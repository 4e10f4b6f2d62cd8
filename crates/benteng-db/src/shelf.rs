//! Answers to the public's questions, kept in this process for a few seconds.
//!
//! The public pages that list what officers publish (the FAQ, upcoming events, the P3MI
//! registry) are read far more often than they change, by visitors without an account, and
//! their answer is the same for every visitor. Reading them from the database on every visit
//! was most of a visit's cost (two to forty statements). A [`Shelf`] keeps each answer, by the
//! question asked (page, village, search text), for [`TTL`].
//!
//! - A change made through this process ([`Shelf::forget`], called by the write functions of
//!   the same module) shows at once: the kept answers are dropped, and a reading that began
//!   before the change does not keep what it read.
//! - Other processes of a multi-server deployment show it within [`TTL`] (docs/scale-out.md).
//! - At most [`CAPACITY`] answers are kept per shelf, so search texts typed by visitors cannot
//!   grow memory: when it is full, answers past their time are dropped first, then all.
//! - Nothing scoped to a user is ever kept here: only what anyone may read without signing in.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an answer is kept.
pub const TTL: Duration = Duration::from_secs(10);
/// How many answers a shelf keeps at most.
pub const CAPACITY: usize = 256;

/// One kind of public answer, by the question asked.
pub struct Shelf<V> {
    kept: Mutex<HashMap<String, (Instant, V)>>,
    /// Counts the changes made through this process: a reading that began before one does
    /// not store what it read.
    changes: AtomicU64,
}

impl<V> Default for Shelf<V> {
    fn default() -> Self {
        Self {
            kept: Mutex::new(HashMap::new()),
            changes: AtomicU64::new(0),
        }
    }
}

impl<V> std::fmt::Debug for Shelf<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shelf")
            .field("changes", &self.changes.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<V: Clone> Shelf<V> {
    /// The answer to `key`: the kept one when younger than [`TTL`], else what `load` reads
    /// (kept unless a change came while it read). An error is never kept.
    pub async fn get<E, F, Fut>(&self, key: &str, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some((at, v)) = self.lock().get(key) {
            if at.elapsed() < TTL {
                return Ok(v.clone());
            }
        }
        let before = self.changes.load(Ordering::Acquire);
        let v = load().await?;
        let mut kept = self.lock();
        if self.changes.load(Ordering::Acquire) == before {
            if kept.len() >= CAPACITY && !kept.contains_key(key) {
                kept.retain(|_, (at, _)| at.elapsed() < TTL);
                if kept.len() >= CAPACITY {
                    kept.clear();
                }
            }
            kept.insert(key.to_string(), (Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// Drop every kept answer (after a change made through this process).
    pub fn forget(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        self.lock().clear();
    }

    /// How many answers are kept (for tests).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, V)>> {
        // A panic while holding the lock leaves at worst a missing entry: go on with it.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The public answers this process keeps, one shelf per kind.
#[derive(Debug, Default)]
pub struct Shelves {
    /// The FAQ by page.
    pub faq: Shelf<crate::Page<crate::events::FaqEntry>>,
    /// Upcoming events by village and page.
    pub upcoming: Shelf<crate::Page<crate::events::UpcomingEvent>>,
    /// The P3MI registry by search text and page.
    pub p3mi: Shelf<crate::Page<crate::p3mi::P3mi>>,
    /// Regions by code (public reference data, changed only by loading the region list):
    /// every report filed checks its village here.
    pub regions: Shelf<Option<crate::regions::Region>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read(shelf: &Shelf<u32>, key: &str, value: u32) -> u32 {
        shelf
            .get(key, || async { Ok::<_, ()>(value) })
            .await
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn an_answer_is_kept_until_a_change_and_an_error_is_not_kept() {
        let shelf = Shelf::<u32>::default();
        assert_eq!(read(&shelf, "a", 1).await, 1);
        // Kept: the second reading is not asked.
        assert_eq!(read(&shelf, "a", 2).await, 1);
        assert_eq!(read(&shelf, "b", 3).await, 3);
        shelf.forget();
        assert!(shelf.is_empty());
        assert_eq!(read(&shelf, "a", 4).await, 4);
        let failed: Result<u32, &str> = shelf.get("c", || async { Err("down") }).await;
        assert_eq!(failed, Err("down"));
        assert_eq!(shelf.len(), 1);
    }

    #[tokio::test]
    async fn a_reading_that_began_before_a_change_is_not_kept() {
        let shelf = Shelf::<u32>::default();
        let v = shelf
            .get("a", || async {
                shelf.forget();
                Ok::<_, ()>(1)
            })
            .await;
        assert_eq!(v, Ok(1));
        assert!(shelf.is_empty());
        assert_eq!(read(&shelf, "a", 2).await, 2);
    }

    #[tokio::test]
    async fn the_shelf_never_holds_more_than_its_capacity() {
        let shelf = Shelf::<u32>::default();
        for i in 0..(CAPACITY as u32 * 3) {
            read(&shelf, &format!("q{i}"), i).await;
            assert!(shelf.len() <= CAPACITY);
        }
        // The newest answer is always kept.
        assert_eq!(
            read(&shelf, &format!("q{}", CAPACITY * 3 - 1), 0).await,
            CAPACITY as u32 * 3 - 1
        );
    }
}
