//! tower-sessions' store on Benteng's own database, so sessions survive restarts and are
//! shared by every app instance (the sqlx store crate is pinned to another sqlx line).

use async_trait::async_trait;
use benteng_app::account;
use benteng_app::Db;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

#[derive(Debug, Clone)]
pub struct DbStore {
    db: Db,
    prefetched: std::sync::Arc<Prefetched>,
}

impl DbStore {
    pub fn new(db: Db, prefetched: std::sync::Arc<Prefetched>) -> DbStore {
        DbStore { db, prefetched }
    }
}

/// Session records already read by this request, waiting for tower-sessions to load them.
///
/// A signed-in page reads its session and the session's user with their area in one
/// statement (`ctx::Viewer`, `account::actor_for_session`), before tower-sessions loads the
/// session. The record read then waits here, by session id, and [`DbStore::load`] takes it
/// instead of reading it again. Whatever the request did not take is dropped by it right
/// after (`Prefetched::take`), so at most the requests in flight hold one entry each.
#[derive(Debug, Default)]
pub struct Prefetched(std::sync::Mutex<Vec<(String, String)>>);

impl Prefetched {
    pub(crate) fn put(&self, id: String, data: String) {
        let mut kept = self.lock();
        // Bounded whatever happens: requests in flight are far fewer.
        if kept.len() >= 1024 {
            kept.clear();
        }
        kept.push((id, data));
    }

    /// The record waiting for session `id`, removed.
    pub(crate) fn take(&self, id: &str) -> Option<String> {
        let mut kept = self.lock();
        let i = kept.iter().position(|(k, _)| k == id)?;
        Some(kept.swap_remove(i).1)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, String)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

/// What is stored beside a session record: its signed-in user (so their sessions can be
/// ended), and for the account page's list when it began, when it was last used, the
/// browser's short name and the network.
fn meta(record: &Record) -> account::SessionMeta {
    use crate::ctx::*;
    let int = |k: &str| record.data.get(k).and_then(|v| v.as_i64());
    let text = |k: &str| {
        record
            .data
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let user_id = int(SESSION_USER);
    let signed_in_at = int(SESSION_SIGNED_IN_AT);
    account::SessionMeta {
        user_id,
        signed_in_at,
        last_seen_at: int(SESSION_TOUCHED).or(signed_in_at),
        device: text(SESSION_DEVICE),
        network: text(SESSION_NETWORK),
    }
}

#[async_trait]
impl SessionStore for DbStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
            if account::session_create(
                &self.db,
                &record.id.to_string(),
                &data,
                record.expiry_date.unix_timestamp(),
                &meta(record),
            )
            .await
            .map_err(backend)?
            {
                return Ok(());
            }
            // An id collision is astronomically unlikely; pick another rather than overwrite.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
        account::session_save(
            &self.db,
            &record.id.to_string(),
            &data,
            record.expiry_date.unix_timestamp(),
            &meta(record),
        )
        .await
        .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let id = id.to_string();
        if let Some(data) = self.prefetched.take(&id) {
            return Ok(Some(
                serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?,
            ));
        }
        match account::session_load(&self.db, &id)
            .await
            .map_err(backend)?
        {
            Some(data) => Ok(Some(
                serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?,
            )),
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        account::session_delete(&self.db, &id.to_string())
            .await
            .map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::Prefetched;

    /// A record waits for its own session only, is taken once, and the list never grows
    /// past its bound whatever is left in it.
    #[test]
    fn a_prefetched_record_is_taken_once_by_its_session() {
        let p = Prefetched::default();
        p.put("a".into(), "{\"a\":1}".into());
        p.put("b".into(), "{\"b\":2}".into());
        assert_eq!(p.take("b").as_deref(), Some("{\"b\":2}"));
        assert_eq!(p.take("b"), None);
        assert_eq!(p.take("c"), None);
        assert_eq!(p.take("a").as_deref(), Some("{\"a\":1}"));
        for i in 0..5000 {
            p.put(format!("s{i}"), String::new());
        }
        assert!(p.lock().len() <= 1024);
    }
}
