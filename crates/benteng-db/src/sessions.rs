//! Server-side session records (the web layer's session store writes here), so several app
//! instances behind a load balancer share them. Each record notes its user, so all of a
//! user's sessions can be ended at once.

use crate::Result;

impl crate::sessions::Repo<'_> {
    /// Update a session that exists; `user_id` is the signed-in user, if any. A session deleted
    /// meanwhile (its user changed the password elsewhere, or signed out) stays deleted: the
    /// store creates new sessions through [`crate::sessions::Repo::session_create`], never here.
    pub async fn session_save(
        &self,
        id: &str,
        data: &str,
        expires_at: i64,
        user_id: Option<i64>,
    ) -> Result<()> {
        sqlx::query("UPDATE sessions SET data = $1, expires_at = $2, user_id = $3 WHERE id = $4")
            .bind(data.to_string())
            .bind(expires_at)
            .bind(user_id)
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
        user_id: Option<i64>,
    ) -> Result<bool> {
        let n = sqlx::query("INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
            .bind(id.to_string())
            .bind(data.to_string())
            .bind(expires_at)
            .bind(user_id)
            .execute(&self.db.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
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

    /// Remove expired sessions and API tokens; returns how many rows went.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = crate::now();
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
        Ok(a + b)
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
