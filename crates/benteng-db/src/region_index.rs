//! An in-memory copy of the region list for name search. The list is reference data (91,599
//! rows, about 6 MB in memory) that changes only when regions are imported, and a substring
//! scan over it in memory takes about a millisecond where a `LIKE '%…%'` scan of the table
//! takes fifteen. Each process builds it on first use and rebuilds it after its own imports;
//! an import run by another process shows after a restart.

use crate::regions::Region;
use crate::Result;
use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub(crate) struct RegionIndex {
    /// Ordered by level, then code: the order lists show.
    pub rows: Vec<(Region, String)>,
}

/// The shared slot on [`Db`]: the index once built, and a lock so that only one request
/// builds it while the others wait (fifty first requests must not load the table fifty times).
#[derive(Debug, Default)]
pub(crate) struct Slot {
    index: RwLock<Option<Arc<RegionIndex>>>,
    building: tokio::sync::Mutex<()>,
}

impl Slot {
    fn current(&self) -> Option<Arc<RegionIndex>> {
        self.index.read().ok().and_then(|g| g.clone())
    }
}

impl RegionIndex {
    /// The region with `code`, found by binary search (rows are ordered by level, code).
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.row(code).map(|(r, _)| r)
    }

    /// The region with `code` and its normalised name.
    pub(crate) fn row(&self, code: &str) -> Option<(&Region, &str)> {
        let level = match code.len() {
            2 => 1,
            5 => 2,
            8 => 3,
            _ => 4,
        };
        self.rows
            .binary_search_by(|(r, _)| (r.level, r.code.as_str()).cmp(&(level, code)))
            .ok()
            .map(|i| (&self.rows[i].0, self.rows[i].1.as_str()))
    }

    /// Villages whose own name or whose kecamatan's name contains `key`.
    pub fn villages_named(&self, key: &str) -> Vec<&Region> {
        let kecamatan: std::collections::HashSet<&str> = self
            .matching(key, Some(3))
            .map(|r| r.code.as_str())
            .collect();
        self.rows
            .iter()
            .filter(|(r, k)| {
                r.level == 4
                    && (k.contains(key)
                        || r.parent_code
                            .as_deref()
                            .is_some_and(|p| kecamatan.contains(p)))
            })
            .map(|(r, _)| r)
            .collect()
    }

    /// Rows whose search key contains `key` (already normalised), at `level` when given.
    pub fn matching<'a, 'k>(
        &'a self,
        key: &'k str,
        level: Option<i64>,
    ) -> impl Iterator<Item = &'a Region> + use<'a, 'k> {
        self.rows
            .iter()
            .filter(move |(r, k)| level.is_none_or(|l| r.level == l) && k.contains(key))
            .map(|(r, _)| r)
    }
}

impl crate::regions::Repo<'_> {
    pub(crate) async fn region_index(&self) -> Result<Arc<RegionIndex>> {
        if let Some(ix) = self.db.regions.current() {
            return Ok(ix);
        }
        let _building = self.db.regions.building.lock().await;
        if let Some(ix) = self.db.regions.current() {
            return Ok(ix);
        }
        let rows: Vec<(String, String, i64, Option<String>, String)> = sqlx::query_as(
            "SELECT code, name, level, parent_code, name_search FROM regions ORDER BY level, code",
        )
        .fetch_all(&self.db.pool)
        .await?;
        let ix = Arc::new(RegionIndex {
            rows: rows
                .into_iter()
                .map(|(code, name, level, parent_code, key)| {
                    (
                        Region {
                            code,
                            name,
                            level,
                            parent_code,
                        },
                        key,
                    )
                })
                .collect(),
        });
        if let Ok(mut g) = self.db.regions.index.write() {
            *g = Some(ix.clone());
        }
        Ok(ix)
    }

    /// Build the in-memory region list now (at start-up) instead of on the first search.
    pub async fn warm_region_index(&self) -> Result<usize> {
        Ok(self.region_index().await?.rows.len())
    }

    /// Forget the in-memory copy (after this process changed the region table).
    pub(crate) fn region_index_reset(&self) {
        if let Ok(mut g) = self.db.regions.index.write() {
            *g = None;
        }
    }
}
