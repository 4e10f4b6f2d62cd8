//! Server-side session records (the web layer's session store writes here), so several app
//! instances behind a load balancer share them. Each record notes its user, so all of a
//! user's sessions can be ended at once.

use crate::audit::{self, Event};
use crate::{Ctx, Error, Result};
use serde::Serialize;

/// What a session record says about itself beside its data: whose it is (so all of a user's
/// sessions can be ended at once) and what the account page lists (when it began, when it was
/// last used, the browser's short name and the network).
#[derive(Debug, Clone, Default)]
pub struct SessionMeta {
    pub user_id: Option<i64>,
    pub signed_in_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub device: Option<String>,
    pub network: Option<String>,
}

/// One of a user's sessions as the account page lists it. `handle` names it in the revoke
/// form: a hash of the session id, never the id itself (which is the cookie's secret).
#[derive(Debug, Clone, Serialize)]
pub struct SessionRow {
    pub handle: String,
    pub signed_in_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub device: Option<String>,
    pub network: Option<String>,
    pub expires_at: i64,
    /// The session this list is shown in.
    pub current: bool,
}

fn handle_of(id: &str) -> String {
    crate::credentials::token_hash(id)[..16].to_string()
}

impl crate::sessions::Repo<'_> {
    /// Update a session that exists. A session deleted meanwhile (its user changed the password
    /// elsewhere, signed out, or revoked it from another device) stays deleted: the store
    /// creates new sessions through [`crate::sessions::Repo::session_create`], never here.
    pub async fn session_save(
        &self,
        id: &str,
        data: &str,
        expires_at: i64,
        meta: &SessionMeta,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE sessions SET data = $1, expires_at = $2, user_id = $3, signed_in_at = $4, last_seen_at = $5, device = $6, network = $7 WHERE id = $8",
        )
        .bind(data.to_string())
        .bind(expires_at)
        .bind(meta.user_id)
        .bind(meta.signed_in_at)
        .bind(meta.last_seen_at)
        .bind(meta.device.clone())
        .bind(meta.network.clone())
        .bind(id.to_string())
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Insert only if the id is new; false when it already exists (the store then picks another).
    pub async fn session_create(
        &self,
        id: &str,
        data: &str,
        expires_at: i64,
        meta: &SessionMeta,
    ) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO sessions (id, data, expires_at, user_id, signed_in_at, last_seen_at, device, network) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(data.to_string())
        .bind(expires_at)
        .bind(meta.user_id)
        .bind(meta.signed_in_at)
        .bind(meta.last_seen_at)
        .bind(meta.device.clone())
        .bind(meta.network.clone())
        .execute(&self.db.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// The acting user's signed-in sessions that have not expired, newest first;
    /// `current` is the id of the session asking.
    pub async fn sessions_of(&self, ctx: &Ctx, current: Option<&str>) -> Result<Vec<SessionRow>> {
        #[derive(sqlx::FromRow)]
        struct Stored {
            id: String,
            signed_in_at: Option<i64>,
            last_seen_at: Option<i64>,
            device: Option<String>,
            network: Option<String>,
            expires_at: i64,
        }
        let rows = sqlx::query_as::<_, Stored>(
            "SELECT id, signed_in_at, last_seen_at, device, network, expires_at FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY signed_in_at DESC, id",
        )
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .fetch_all(&self.db.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SessionRow {
                handle: handle_of(&r.id),
                current: current == Some(r.id.as_str()),
                signed_in_at: r.signed_in_at,
                last_seen_at: r.last_seen_at,
                device: r.device,
                network: r.network,
                expires_at: r.expires_at,
            })
            .collect())
    }

    /// End one of the acting user's sessions, named by its handle; it is signed out at its
    /// next request. Not found: no such session of this user.
    pub async fn end_session(&self, ctx: &Ctx, handle: &str) -> Result<()> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1")
            .bind(ctx.actor.user_id)
            .fetch_all(&self.db.pool)
            .await?;
        let id = ids
            .into_iter()
            .find(|id| handle_of(id) == handle)
            .ok_or(Error::NotFound)?;
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(ctx.actor.user_id)
            .execute(&mut *tx)
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "session_revoke",
                entity: "session",
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remember that user `user_id` fully signed in from the device `device_key` (see
    /// `benteng_domain::second_factor::device_key`; only its hash is kept). When the device is
    /// new and the user had signed in before from another one, a notice of kind
    /// `account_new_device` goes to them through their channels, naming the browser's short
    /// name and the network only. Returns whether the device was new.
    pub async fn note_device(
        &self,
        user_id: i64,
        device_key: &str,
        label: &str,
        network: &str,
    ) -> Result<bool> {
        let hash = crate::credentials::token_hash(device_key);
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let known: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM known_devices WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        let new = sqlx::query(
            "INSERT INTO known_devices (user_id, device_hash, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (user_id, device_hash) DO NOTHING",
        )
        .bind(user_id)
        .bind(hash.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if new {
            if known > 0 {
                crate::outbox::notify(
                    &mut tx,
                    &[user_id],
                    &crate::outbox::Notice {
                        kind: "account_new_device",
                        link: "/akun#sesi".into(),
                        subject: format!("{label}|{network}"),
                    },
                )
                .await?;
            }
        } else {
            sqlx::query("UPDATE known_devices SET last_seen_at = $1 WHERE user_id = $2 AND device_hash = $3")
                .bind(now)
                .bind(user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    pub async fn session_load(&self, id: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id.to_string())
                .bind(crate::now())
                .fetch_optional(&self.db.pool)
                .await?,
        )
    }

    pub async fn session_delete(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    /// The installation's secret called `name` (64 hex digits), made by the first caller and
    /// read by every later one, whichever instance it runs in (the row is the agreement).
    pub async fn server_secret(&self, name: &str) -> Result<String> {
        use rand::Rng;
        let bytes: [u8; 32] = rand::rng().random();
        let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name.to_string())
        .bind(fresh)
        .bind(crate::now())
        .execute(&self.db.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
                .bind(name.to_string())
                .fetch_one(&self.db.pool)
                .await?,
        )
    }

    /// Remove expired sessions, API tokens and idempotency keys; returns how many rows went.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = crate::now();
        let c = crate::idempotency::purge(self.db, now).await?;
        let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.db.pool)
            .await?
            .rows_affected();
        let b = sqlx::query("DELETE FROM api_tokens WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.db.pool)
            .await?
            .rows_affected();
        Ok(a + b + c)
    }
}

/// End every session and API token of `user_id` inside a transaction, keeping `keep_session`
/// (the session of a user who changes their own password stays signed in).
pub(crate) async fn end_sessions_of(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    keep_session: Option<&str>,
) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or("").to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The sessions repository, reached as `db.sessions()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
