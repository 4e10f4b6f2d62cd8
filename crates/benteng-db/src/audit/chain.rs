//! The audit log as a hash chain: sealing new entries, and verifying the chain.
//!
//! Decisions:
//! - Entries are written unsealed (`chain_seq` and `hash` empty) by whichever transaction
//!   records them, many at once, so recording an event never waits for a chain lock. A sealer
//!   (the server's housekeeping every few seconds, and `benteng audit verify` before it walks)
//!   takes unsealed entries in id order, in batches, each batch in one transaction holding the
//!   chain head (`audit_chain`, one row): SQLite has one writer anyway (`BEGIN IMMEDIATE`);
//!   PostgreSQL locks the head row `FOR UPDATE`, so sealers of several instances take turns.
//! - Entry n's hash is SHA-256(hash of entry n-1 || the canonical encoding of entry n: its
//!   chain_seq, id and every column). Position 0's hash is 32 zero bytes. Hashes are stored as
//!   lowercase hex.
//! - On PostgreSQL a transaction may commit an entry with a lower id after one with a higher id
//!   was sealed. It is sealed in a later pass with a higher chain_seq: the chain's order is the
//!   order of sealing, and verify walks by chain_seq, not by id.
//! - The hash has no key: someone who can write the database, drops the triggers and computes
//!   every hash after a change again, head included, is not caught by the chain alone. The
//!   head is therefore written to the server log every hour, printed by verify, and verify
//!   checks an earlier head given to it (`--anchor`); see docs/security.md.

use super::Repo;
use crate::{Backend, Result};
use sha2::{Digest, Sha256};
use sqlx::AssertSqlSafe;

/// Entries sealed per transaction: short write locks on SQLite, and 3 parameters each in one
/// multi-row UPDATE (well under both databases' parameter limits).
const SEAL_BATCH: usize = 1000;

/// On SQLite a sealing transaction holds the one write lock, which report intake waits for:
/// 1,000 entries held it about 40 ms, and a busy writer then slept through SQLite's backoff
/// (1, 2, 5, 10, 15, 20 ms …) for each batch of a run, which put 300 ms into the slowest
/// reports (docs/performance.md, "Group commit"). Smaller batches hold it about 10 ms.
const SEAL_BATCH_SQLITE: usize = 250;

/// Between the batches of a run in the server's housekeeping (SQLite only), so that waiting
/// writers get the lock in between.
const SEAL_PAUSE_SQLITE: std::time::Duration = std::time::Duration::from_millis(20);
/// Entries read per page while verifying.
const VERIFY_PAGE: i64 = 5000;

const COLUMNS: &str = "id, chain_seq, hash, at, user_id, username, ip, request_id, action, entity, entity_id, region_code, sensitive, detail";

#[derive(Debug, sqlx::FromRow)]
struct Entry {
    id: i64,
    chain_seq: Option<i64>,
    hash: Option<String>,
    at: i64,
    user_id: Option<i64>,
    username: Option<String>,
    ip: Option<String>,
    request_id: Option<String>,
    action: String,
    entity: String,
    entity_id: Option<String>,
    region_code: Option<String>,
    sensitive: i64,
    detail: Option<String>,
}

/// The chain head: the last sealed position and its hash (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// An earlier head the operator wrote down: the entry at `seq` must still have `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

/// What verifying found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact(Intact),
    Broken(Break),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intact {
    /// Entries walked (positions 1 to `head.seq`).
    pub entries: i64,
    pub head: Head,
    /// Entries the verify sealed before walking.
    pub sealed_now: i64,
    /// Entries committed after that seal and not sealed yet.
    pub pending: i64,
}

/// The first broken link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The chain position where the chain stops holding.
    pub chain_seq: i64,
    /// The entry found at that position (for a missing entry: the one that follows the gap);
    /// none when the chain ends before the head.
    pub id: Option<i64>,
    pub kind: BreakKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// The entry's content or position does not give its stored hash (changed, or moved).
    Altered,
    /// No entry at this position (deleted, or moved away).
    Missing,
    /// The last entry is not the head's (entries cut off the end, or the head changed).
    HeadMismatch,
    /// The entry at the anchor's position no longer has the anchor's hash, or is gone.
    AnchorMismatch,
}

impl Repo<'_> {
    /// Seal every entry committed so far; returns how many were sealed.
    pub async fn seal(&self) -> Result<i64> {
        self.seal_with(false).await
    }

    /// [`Self::seal`] for the server's housekeeping: on SQLite it pauses between batches so
    /// that report intake and other writers are not held up while a large backlog is sealed.
    pub async fn seal_paced(&self) -> Result<i64> {
        self.seal_with(true).await
    }

    fn batch_size(&self) -> usize {
        match self.db.backend {
            Backend::Sqlite => SEAL_BATCH_SQLITE,
            Backend::Postgres => SEAL_BATCH,
        }
    }

    async fn seal_with(&self, paced: bool) -> Result<i64> {
        let mut total = 0;
        // Later batches of one run start after the previous batch's last id: on PostgreSQL the
        // entries just sealed stay in the unsealed index as dead entries until VACUUM, and
        // starting from the lowest id again would step over all of them each time. An entry
        // committed late with a lower id is taken by the next run, which starts at the start.
        let mut after = 0;
        loop {
            let (n, last) = self.seal_batch(after).await?;
            total += n as i64;
            if n < self.batch_size() {
                return Ok(total);
            }
            after = last;
            if paced && self.db.backend == Backend::Sqlite {
                tokio::time::sleep(SEAL_PAUSE_SQLITE).await;
            }
        }
    }

    /// Seal up to [`Self::batch_size`] entries with ids above `after`; returns how many and the
    /// last id.
    async fn seal_batch(&self, after: i64) -> Result<(usize, i64)> {
        // Most runs find nothing: ask without taking SQLite's write lock or the head's lock.
        // (A later batch of a run follows a full one and skips the question.)
        if after == 0 {
            let waiting: Option<i64> =
                sqlx::query_scalar("SELECT id FROM audit_log WHERE chain_seq IS NULL LIMIT 1")
                    .fetch_optional(&self.db.pool)
                    .await?;
            if waiting.is_none() {
                return Ok((0, after));
            }
        }
        let mut tx = self.db.begin().await?;
        if self.db.backend == Backend::Postgres {
            // Read the batch in id order from the unsealed index and stop after it. Without
            // statistics on chain_seq (a large log right after migration 0028, or autovacuum
            // off) PostgreSQL otherwise collected every unsealed entry and sorted them for each
            // batch: sealing 1,000,000 entries took 5 minutes instead of one.
            sqlx::query("SET LOCAL enable_sort = off")
                .execute(&mut *tx)
                .await?;
        }
        let head_sql = match self.db.backend {
            Backend::Sqlite => "SELECT seq, hash FROM audit_chain WHERE id = 1",
            Backend::Postgres => "SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE",
        };
        let (mut seq, head_hash): (i64, String) =
            sqlx::query_as(head_sql).fetch_one(&mut *tx).await?;
        let mut prev = from_hex(&head_hash).ok_or_else(|| {
            anyhow::anyhow!(
                "the audit chain head's hash is not a SHA-256 hash; run `benteng audit verify`"
            )
        })?;
        let entries: Vec<Entry> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log WHERE chain_seq IS NULL AND id > $1 ORDER BY id LIMIT {}",
            self.batch_size()
        )))
        .bind(after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = entries.last().map(|e| e.id) else {
            return Ok((0, after));
        };
        let mut values = Vec::with_capacity(entries.len());
        for e in &entries {
            seq += 1;
            prev = entry_hash(&prev, seq, e);
            values.push((e.id, seq, to_hex(&prev)));
        }
        let rows: Vec<String> = (0..values.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "WITH v (id, seq, hash) AS (VALUES {}) \
             UPDATE audit_log SET chain_seq = v.seq, hash = v.hash FROM v WHERE audit_log.id = v.id",
            rows.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (id, s, h) in &values {
            q = q.bind(*id).bind(*s).bind(h.clone());
        }
        q.execute(&mut *tx).await?;
        sqlx::query("UPDATE audit_chain SET seq = $1, hash = $2, sealed_at = $3 WHERE id = 1")
            .bind(seq)
            .bind(to_hex(&prev))
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((entries.len(), last))
    }

    /// The chain head as it stands.
    pub async fn chain_head(&self) -> Result<Head> {
        let (seq, hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE id = 1")
                .fetch_one(&self.db.pool)
                .await?;
        Ok(Head { seq, hash })
    }

    /// Seal what is waiting, then walk the chain from its start to the head, computing every
    /// hash again. Stops at the first broken link. With an `anchor` (an earlier head), the
    /// entry at its position must still carry its hash.
    pub async fn verify(&self, anchor: Option<&Anchor>) -> Result<Verdict> {
        let sealed_now = self.seal().await?;
        let head = self.chain_head().await?;
        let mut prev = [0u8; 32];
        let mut expected = 1i64;
        let mut anchor_seen = false;
        while expected <= head.seq {
            // A page is a range of positions, not a LIMIT: the work per page stays bounded
            // whatever plan the database picks (without statistics PostgreSQL sorted the
            // whole rest of the chain for each page).
            let end = (expected + VERIFY_PAGE).min(head.seq + 1);
            let page: Vec<Entry> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM audit_log WHERE chain_seq >= $1 AND chain_seq < $2 \
                 ORDER BY chain_seq"
            )))
            .bind(expected)
            .bind(end)
            .fetch_all(&self.db.pool)
            .await?;
            if page.is_empty() {
                // A whole page of positions is gone: name the entry after the gap, if any.
                let next: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM audit_log WHERE chain_seq >= $1 AND chain_seq <= $2 ORDER BY chain_seq LIMIT 1",
                )
                .bind(end)
                .bind(head.seq)
                .fetch_optional(&self.db.pool)
                .await?;
                if next.is_some() {
                    return Ok(Verdict::Broken(Break {
                        chain_seq: expected,
                        id: next,
                        kind: BreakKind::Missing,
                    }));
                }
                break;
            }
            for e in &page {
                let seq = e.chain_seq.unwrap_or_default();
                let broken = |kind| {
                    Ok(Verdict::Broken(Break {
                        chain_seq: expected,
                        id: Some(e.id),
                        kind,
                    }))
                };
                if seq != expected {
                    return broken(BreakKind::Missing);
                }
                let hash = entry_hash(&prev, seq, e);
                let hex = to_hex(&hash);
                if e.hash.as_deref() != Some(hex.as_str()) {
                    return broken(BreakKind::Altered);
                }
                if let Some(a) = anchor.filter(|a| a.seq == seq) {
                    anchor_seen = true;
                    if !a.hash.eq_ignore_ascii_case(&hex) {
                        return broken(BreakKind::AnchorMismatch);
                    }
                }
                prev = hash;
                expected += 1;
            }
        }
        let entries = expected - 1;
        if entries != head.seq || to_hex(&prev) != head.hash {
            return Ok(Verdict::Broken(Break {
                chain_seq: expected.min(head.seq.max(1)),
                id: None,
                kind: BreakKind::HeadMismatch,
            }));
        }
        if let Some(a) = anchor.filter(|_| !anchor_seen) {
            return Ok(Verdict::Broken(Break {
                chain_seq: a.seq,
                id: None,
                kind: BreakKind::AnchorMismatch,
            }));
        }
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL")
                .fetch_one(&self.db.pool)
                .await?;
        Ok(Verdict::Intact(Intact {
            entries,
            head,
            sealed_now,
            pending,
        }))
    }
}

/// SHA-256(prev || canonical encoding of the entry at `seq`). Each field is tagged so that no
/// two different entries encode alike: 0 for NULL, 1 and eight big-endian bytes for a number,
/// 2, the length as eight big-endian bytes and the UTF-8 bytes for a text.
fn entry_hash(prev: &[u8; 32], seq: i64, e: &Entry) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    let int = |h: &mut Sha256, v: Option<i64>| match v {
        None => h.update([0u8]),
        Some(n) => {
            h.update([1u8]);
            h.update(n.to_be_bytes());
        }
    };
    let text = |h: &mut Sha256, v: Option<&str>| match v {
        None => h.update([0u8]),
        Some(s) => {
            h.update([2u8]);
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
    };
    int(&mut h, Some(seq));
    int(&mut h, Some(e.id));
    int(&mut h, Some(e.at));
    int(&mut h, e.user_id);
    text(&mut h, e.username.as_deref());
    text(&mut h, e.ip.as_deref());
    text(&mut h, e.request_id.as_deref());
    text(&mut h, Some(&e.action));
    text(&mut h, Some(&e.entity));
    text(&mut h, e.entity_id.as_deref());
    text(&mut h, e.region_code.as_deref());
    int(&mut h, Some(e.sensitive));
    text(&mut h, e.detail.as_deref());
    h.finalize().into()
}

fn to_hex(b: &[u8; 32]) -> String {
    use std::fmt::Write;
    b.iter().fold(String::with_capacity(64), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn from_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in s.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            id: 7,
            chain_seq: None,
            hash: None,
            at: 1_700_000_000,
            user_id: Some(3),
            username: Some("pimpasa.malang".into()),
            ip: Some("10.0.0.1".into()),
            request_id: None,
            action: "status".into(),
            entity: "report".into(),
            entity_id: Some("12".into()),
            region_code: Some("35.07".into()),
            sensitive: 0,
            detail: Some("baru -> ditinjau".into()),
        }
    }

    #[test]
    fn every_field_and_the_position_change_the_hash() {
        let prev = [0u8; 32];
        let base = entry_hash(&prev, 1, &entry());
        assert_eq!(from_hex(&to_hex(&base)), Some(base));
        assert_ne!(entry_hash(&prev, 2, &entry()), base, "position");
        assert_ne!(entry_hash(&[1u8; 32], 1, &entry()), base, "previous hash");
        let changes: Vec<fn(&mut Entry)> = vec![
            |e| e.id = 8,
            |e| e.at += 1,
            |e| e.user_id = None,
            |e| e.username = Some("pimpasa.malanG".into()),
            |e| e.ip = None,
            |e| e.request_id = Some(String::new()),
            |e| e.action = "statu".into(),
            |e| e.entity = "case".into(),
            |e| e.entity_id = Some("13".into()),
            |e| e.region_code = None,
            |e| e.sensitive = 1,
            |e| e.detail = None,
        ];
        for (i, change) in changes.into_iter().enumerate() {
            let mut e = entry();
            change(&mut e);
            assert_ne!(entry_hash(&prev, 1, &e), base, "change {i}");
        }
        // Moving text between neighbouring fields changes the encoding too.
        let mut a = entry();
        a.action = "stat".into();
        a.entity = "usreport".into();
        assert_ne!(entry_hash(&prev, 1, &a), base);
    }

    #[test]
    fn hex_is_checked() {
        assert!(from_hex("00").is_none());
        assert!(from_hex(&"g".repeat(64)).is_none());
        assert_eq!(from_hex(&"0".repeat(64)), Some([0u8; 32]));
    }
}
