//! Requests sent twice create one record: the `Idempotency-Key` header (IETF draft
//! "The Idempotency-Key HTTP Header Field") on the form routes and the API alike.
//!
//! The phone's offline queue (docs/offline.md) gives every item a random key and sends it
//! until the server answers; a client that lost an answer sends the same request again. A
//! repository function that honours the key does three things:
//!
//! 1. [`earlier`] before its transaction: a key already used for the same operation returns
//!    the first answer (the same report id and tracking code), so nothing is written again;
//!    a key used for another operation is refused ("err-idempotency-reused").
//! 2. [`remember`] inside its transaction, after the record's rows: the key and the answer are
//!    committed together with the record, or not at all. A server killed between receiving
//!    and answering therefore either has both (the resend finds the answer) or neither (the
//!    resend stores the record once).
//! 3. When [`remember`] finds the key taken (a second copy of the request that ran at the same
//!    time committed first: PostgreSQL waits on the unique key, SQLite's `BEGIN IMMEDIATE`
//!    queues the writers), the function drops its transaction and answers with [`earlier`].
//!
//! The owner is the signed-in user (`u:<id>`, API tokens included), so two users' keys never
//! meet; the public report form has no user and uses [`PUBLIC_OWNER`]: its keys are 128-bit
//! random values made on the phone, which nobody else can guess. Rows are removed after
//! [`KEEP_SECONDS`] (with expired sessions), long enough for a phone that was out of signal
//! for weeks.
//!
//! Operations that honour a key: `report` (public form, signed-in form, API), `migrant`
//! (registering a calon PMI), `step` (a checklist step), `visit` (a PIMPASA visit). Check-ins
//! and attendance ticks are idempotent by their own unique row (event, name, village); quiz
//! answers are unique per participant and test, so a repeat is refused and nothing doubles.

use crate::{Ctx, Db, Error, Result};
use benteng_domain::{FieldError, FieldErrors};

/// Owner of the keys sent with the public report form.
pub const PUBLIC_OWNER: &str = "publik";

/// How long a key is remembered: 30 days.
pub const KEEP_SECONDS: i64 = 30 * 24 * 3600;

/// A checked key and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdemKey {
    pub owner: String,
    pub key: String,
}

impl IdemKey {
    /// The key of a signed-in request, if the request carried one.
    pub fn of(ctx: &Ctx) -> Option<IdemKey> {
        ctx.idempotency_key.as_ref().map(|k| IdemKey {
            owner: format!("u:{}", ctx.actor.user_id),
            key: k.clone(),
        })
    }

    /// The key of a public form's request.
    pub fn public(key: Option<&str>) -> Option<IdemKey> {
        key.map(|k| IdemKey {
            owner: PUBLIC_OWNER.into(),
            key: k.to_string(),
        })
    }
}

/// Whether a header value may be a key: 16 to 100 characters of letters, digits and
/// `-_.:` (a UUID, a ULID or a base64url value all fit). Shorter keys could be guessed.
pub fn valid_key(k: &str) -> bool {
    (16..=100).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The answer recorded for `key`, if it was used before. A key used for another operation
/// is refused.
pub(crate) async fn earlier(db: &Db, key: Option<&IdemKey>, op: &str) -> Result<Option<String>> {
    let Some(k) = key else { return Ok(None) };
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT op, answer FROM idempotency_keys WHERE owner = $1 AND idem_key = $2",
    )
    .bind(k.owner.clone())
    .bind(k.key.clone())
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some((o, answer)) if o == op => Ok(Some(answer)),
        Some(_) => Err(reused()),
        None => Ok(None),
    }
}

/// Record `answer` for `key` in the record's transaction. `false` when another request with
/// the same key committed first: the caller drops its transaction and answers with
/// [`earlier`].
pub(crate) async fn remember(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: Option<&IdemKey>,
    op: &str,
    answer: &str,
) -> Result<bool> {
    let Some(k) = key else { return Ok(true) };
    let n = sqlx::query(
        "INSERT INTO idempotency_keys (owner, idem_key, op, answer, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (owner, idem_key) DO NOTHING",
    )
    .bind(k.owner.clone())
    .bind(k.key.clone())
    .bind(op.to_string())
    .bind(answer.to_string())
    .bind(crate::now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// [`remember`] for many requests at once, before their records are written (the intake
/// writer's batch, `reports::group`): each key is recorded for `op` with an empty answer, in
/// one statement per part. `true` for each request whose key this transaction took: the first
/// request of the batch with that key, when no committed request had it. The others are
/// repeats (or reuse a key of another operation): [`answer_in`] gives their answer once
/// [`settle`] has written the takers'. The empty answer never commits: `settle` fills it in
/// the same transaction.
pub(crate) async fn claim(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    keys: &[&IdemKey],
    op: &str,
) -> Result<Vec<bool>> {
    // The first request of the batch with each key tries for it.
    let mut firsts: Vec<&IdemKey> = Vec::new();
    for k in keys {
        if !firsts.contains(k) {
            firsts.push(k);
        }
    }
    let now = crate::now();
    let mut taken: Vec<(String, String)> = Vec::new();
    for part in crate::sql::parts(&firsts) {
        let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO idempotency_keys (owner, idem_key, op, answer, created_at) VALUES {} \
             ON CONFLICT (owner, idem_key) DO NOTHING RETURNING owner, idem_key",
            crate::sql::values(backend, part.len(), "(#, #, #, '', #)")
        )));
        for k in part {
            q = q
                .bind(k.owner.clone())
                .bind(k.key.clone())
                .bind(op.to_string())
                .bind(now);
        }
        taken.extend(q.fetch_all(&mut **tx).await?);
    }
    let mut seen: Vec<&IdemKey> = Vec::new();
    Ok(keys
        .iter()
        .map(|k| {
            let first = !seen.contains(k);
            seen.push(k);
            first && taken.iter().any(|(o, key)| *o == k.owner && *key == k.key)
        })
        .collect())
}

/// The answers of the keys [`claim`] took, in one statement per part.
pub(crate) async fn settle(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::Backend,
    answers: &[(&IdemKey, String)],
    op: &str,
) -> Result<()> {
    let now = crate::now();
    for part in crate::sql::parts(answers) {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO idempotency_keys (owner, idem_key, op, answer, created_at) VALUES {} \
             ON CONFLICT (owner, idem_key) DO UPDATE SET answer = excluded.answer",
            crate::sql::values(backend, part.len(), "(#, #, #, #, #)")
        )));
        for (k, answer) in part {
            q = q
                .bind(k.owner.clone())
                .bind(k.key.clone())
                .bind(op.to_string())
                .bind(answer.clone())
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The answer recorded under `key` as this transaction sees it (an entry written earlier in
/// the same transaction included).
pub(crate) async fn answer_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: Option<&IdemKey>,
    op: &str,
) -> Result<String> {
    let Some(k) = key else {
        return Err(Error::Other(anyhow::anyhow!("no idempotency key")));
    };
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT op, answer FROM idempotency_keys WHERE owner = $1 AND idem_key = $2",
    )
    .bind(k.owner.clone())
    .bind(k.key.clone())
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some((o, answer)) if o == op => Ok(answer),
        Some(_) => Err(reused()),
        None => Err(Error::Other(anyhow::anyhow!(
            "idempotency key taken but not found"
        ))),
    }
}

/// The first answer after [`remember`] found the key taken.
pub(crate) async fn first_answer(db: &Db, key: Option<&IdemKey>, op: &str) -> Result<String> {
    earlier(db, key, op)
        .await?
        .ok_or_else(|| Error::Other(anyhow::anyhow!("idempotency key taken but not found")))
}

fn reused() -> Error {
    Error::Invalid(FieldErrors(vec![FieldError {
        field: "idempotency_key",
        code: "err-idempotency-reused",
    }]))
}

/// Remove keys older than [`KEEP_SECONDS`].
pub(crate) async fn purge(db: &Db, now: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
            .bind(now - KEEP_SECONDS)
            .execute(&db.pool)
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_are_long_and_plain() {
        assert!(valid_key("0b6f9a7e-3c1d-4e8a-9f2b-5d4c3b2a1908"));
        assert!(valid_key("01J9ZKX3T5Q6W7E8R9T0Y1U2I3"));
        assert!(!valid_key("short"));
        assert!(!valid_key("has space in it, long enough"));
        assert!(!valid_key(&"a".repeat(101)));
        assert!(!valid_key("ключ-ключ-ключ-ключ"));
    }
}
