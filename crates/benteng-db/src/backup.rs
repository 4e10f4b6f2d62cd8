//! What `benteng backup`, `benteng backup verify` and `benteng restore` need from the
//! database: a consistent SQLite snapshot, the tables with their row counts, an integrity
//! check, and the hold on outgoing messages that a restored copy starts with.
//!
//! Decisions:
//! - **The snapshot is `VACUUM INTO`**: it reads the database in one read transaction and
//!   writes a compact copy, so writers go on (WAL) and cannot make it start over, unlike the
//!   `.backup` command, which restarted on every write and never finished at about 280
//!   writes a second (issue 23).
//! - **A restored copy holds its messages.** A restore sets `delivery_hold`; while it is set
//!   the worker claims no e-mail, WhatsApp, SMS or webhook delivery, so a copy restored for a
//!   test never sends again what production already sent. `benteng delivery resume` lifts it.

use crate::{Backend, Db, Error, Result};
use std::path::Path;

impl Db {
    /// Write a consistent copy of the SQLite database to `path` (which must not exist).
    /// PostgreSQL has `pg_dump` for this; asking here is an error.
    pub async fn snapshot_into(&self, path: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Other(anyhow::anyhow!(
                "a snapshot is made by VACUUM INTO on SQLite only; use pg_dump on PostgreSQL"
            )));
        }
        let text = path
            .to_str()
            .ok_or_else(|| Error::Other(anyhow::anyhow!("the snapshot path is not valid UTF-8")))?;
        // A string literal: VACUUM INTO takes no bound parameter.
        let quoted = text.replace('\'', "''");
        self.execute_raw(&format!("VACUUM INTO '{quoted}'")).await
    }

    /// Every table of Benteng's schema with its row count, by name.
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>> {
        let names: Vec<String> = match self.backend {
            Backend::Sqlite => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(&self.pool)
            .await?,
            Backend::Postgres => sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            )
            .fetch_all(&self.pool)
            .await?,
        };
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            // Names come from the catalogue; quoted all the same.
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{name}\""
            )))
            .fetch_one(&self.pool)
            .await?;
            out.push((name, n));
        }
        Ok(out)
    }

    /// SQLite's `PRAGMA integrity_check`: "ok" when the file is sound. PostgreSQL: "ok" (it
    /// has no such check; its dump is checked by `pg_restore --list`).
    pub async fn integrity_check(&self) -> Result<String> {
        if self.backend != Backend::Sqlite {
            return Ok("ok".into());
        }
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.join("; "))
    }

    /// Why outgoing messages are held, when they are (a restored copy).
    pub async fn delivery_hold(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM server_flags WHERE name = 'delivery_hold'")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Hold outgoing messages (e-mail, WhatsApp, SMS, webhooks), saying why.
    pub async fn hold_delivery(&self, why: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM server_flags WHERE name = 'delivery_hold'")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO server_flags (name, value, set_at) VALUES ('delivery_hold', $1, $2)",
        )
        .bind(why.to_string())
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Let outgoing messages go again; `true` when they were held.
    pub async fn resume_delivery(&self) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM server_flags WHERE name = 'delivery_hold'")
                .execute(&self.pool)
                .await?
                .rows_affected()
                > 0,
        )
    }
}
