//! Whether writes reach the disk: storage-full errors are recognised (SQLite's
//! `SQLITE_FULL`, PostgreSQL's `disk_full`, `ENOSPC` from the file store), `/healthz` probes
//! a write, and the free space of the volumes Benteng writes to is read for the metrics, the
//! admin page and the first start.
//!
//! Decisions:
//! - **A connection never stays poisoned.** When a `COMMIT` fails (a full disk), sqlx keeps
//!   counting the transaction as open, and when SQLite had already rolled it back the later
//!   `ROLLBACK` fails too: every later `BEGIN` on that connection failed ("non-zero
//!   transaction depth") until the pool retired it 30 minutes later. The pool now checks each
//!   connection it gets back ([`release_check`]): one still inside a transaction after its
//!   queued rollback ran is closed, so writes work again as soon as space returns.
//! - **The write probe** is one `UPDATE` of a one-row table in its own transaction, run by
//!   `/healthz` on every call (a load balancer asking every few seconds costs one tiny commit
//!   each time). On a full disk such a small write can still fit in room the WAL already has
//!   while a report's larger commit fails, so `/healthz` also fails below
//!   `disk_min_free_mb` of free space (measured: the probe alone passed on the filled test
//!   volume, the free space caught it).
//! - **Free space** is read with `statvfs` (what an unprivileged process may still use).

use crate::{Db, Error, Result};
use std::path::{Path, PathBuf};

/// `ENOSPC` ("No space left on device") on Linux.
const ENOSPC: i32 = 28;

impl Error {
    /// Whether this error means the storage is full: the database's disk or the upload
    /// directory's.
    pub fn is_storage_full(&self) -> bool {
        match self {
            Error::Db(e) => sqlx_storage_full(e),
            Error::Other(e) => e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.raw_os_error() == Some(ENOSPC))
                    || c.downcast_ref::<sqlx::Error>()
                        .is_some_and(sqlx_storage_full)
            }),
            _ => false,
        }
    }
}

/// `EROFS` (read-only file system) and `EACCES` (permission denied) on Linux.
const EROFS: i32 = 30;
const EACCES: i32 = 13;

impl Error {
    /// Whether this error means the storage cannot be written at all: a read-only disk or
    /// database (SQLite's `SQLITE_READONLY`, PostgreSQL's read-only transaction, `EROFS`), or
    /// a folder the service may not write to (`EACCES`).
    pub fn is_storage_read_only(&self) -> bool {
        let io_ro = |io: &std::io::Error| matches!(io.raw_os_error(), Some(EROFS) | Some(EACCES));
        let sqlx_ro = |e: &sqlx::Error| match e {
            sqlx::Error::Database(d) => {
                let code = d.code().map(|c| c.to_string()).unwrap_or_default();
                code == "8" || code == "25006" || d.message().contains("readonly database")
            }
            sqlx::Error::Io(io) => io_ro(io),
            _ => false,
        };
        match self {
            Error::Db(e) => sqlx_ro(e),
            Error::Other(e) => e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(io_ro)
                    || c.downcast_ref::<sqlx::Error>().is_some_and(sqlx_ro)
            }),
            _ => false,
        }
    }
}

fn sqlx_storage_full(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            // SQLite: SQLITE_FULL (13); PostgreSQL: 53100 disk_full.
            let code = d.code().map(|c| c.to_string()).unwrap_or_default();
            code == "13" || code == "53100" || d.message().contains("database or disk is full")
        }
        sqlx::Error::Io(io) => io.raw_os_error() == Some(ENOSPC),
        _ => false,
    }
}

/// Bytes an unprivileged process may still write on the volume holding `path` (or its
/// nearest existing ancestor); `None` when it cannot be read.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let mut p: PathBuf = if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path.to_path_buf()
    };
    loop {
        if p.exists() {
            let s = rustix::fs::statvfs(&p).ok()?;
            return Some(s.f_bavail.saturating_mul(s.f_frsize));
        }
        if !p.pop() || p.as_os_str().is_empty() {
            p = PathBuf::from(".");
            let s = rustix::fs::statvfs(&p).ok()?;
            return Some(s.f_bavail.saturating_mul(s.f_frsize));
        }
    }
}

/// The pool's check of a connection it gets back: keep it unless it is still inside a
/// transaction after the rollback its dropped transaction queued (see the module
/// documentation).
pub(crate) async fn release_check(conn: &mut sqlx::AnyConnection) -> bool {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return true;
    }
    // A dropped transaction queues its ROLLBACK; a ping runs after it.
    if conn.ping().await.is_err() {
        return false;
    }
    if conn.is_in_transaction() {
        tracing::warn!("a database connection was left inside a failed transaction; closed");
        return false;
    }
    true
}

impl Db {
    /// The folder of the SQLite database file (`None` on PostgreSQL).
    pub fn data_dir(&self) -> Option<&Path> {
        self.sqlite_path
            .as_deref()
            .map(|p| p.parent().unwrap_or(Path::new(".")))
    }

    /// One small write in its own transaction: `Ok` when a commit reaches the disk now.
    pub async fn write_probe(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE health_probe SET at = $1 WHERE id = 1")
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Db {
    /// How many migrations this database has applied (0 for a new, empty one).
    pub async fn applied_migrations(&self) -> Result<usize> {
        match sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM benteng_migrations")
            .fetch_one(&self.pool)
            .await
        {
            Ok(n) => Ok(n.max(0) as usize),
            // No table yet: nothing applied.
            Err(sqlx::Error::Database(_)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }
}
