//! tower-sessions' store on Benteng's own database, so sessions survive restarts and are
//! shared by every app instance (the sqlx store crate is pinned to another sqlx line).

use async_trait::async_trait;
use benteng_app::account;
use benteng_app::Db;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

#[derive(Debug, Clone)]
pub struct DbStore(pub Db);

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

/// The signed-in user of a session record, stored beside it so their sessions can be ended.
fn owner(record: &Record) -> Option<i64> {
    record
        .data
        .get(crate::ctx::SESSION_USER)
        .and_then(|v| v.as_i64())
}

#[async_trait]
impl SessionStore for DbStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
            if account::session_create(
                &self.0,
                &record.id.to_string(),
                &data,
                record.expiry_date.unix_timestamp(),
                owner(record),
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
            &self.0,
            &record.id.to_string(),
            &data,
            record.expiry_date.unix_timestamp(),
            owner(record),
        )
        .await
        .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match account::session_load(&self.0, &id.to_string())
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
        account::session_delete(&self.0, &id.to_string())
            .await
            .map_err(backend)
    }
}
