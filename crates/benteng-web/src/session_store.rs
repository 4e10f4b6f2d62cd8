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
                &self.0,
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
            &self.0,
            &record.id.to_string(),
            &data,
            record.expiry_date.unix_timestamp(),
            &meta(record),
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
