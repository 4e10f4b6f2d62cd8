//! `benteng copy --to postgres://…`: move a SQLite deployment to PostgreSQL, table by table.
//!
//! Decisions:
//! - **The target's schema comes from the migrations**, not from the copy: the target is
//!   migrated first, so both databases are at the same version, and the copy moves rows only.
//!   The tables, their columns, keys and foreign keys are read from PostgreSQL's catalogue.
//!   Columns PostgreSQL computes (the reports' `search_tsv`) are left out; SQLite's full-text
//!   tables (`report_fts…`) have no PostgreSQL twin and are not copied (PostgreSQL searches the
//!   generated column). PostgreSQL's derived tables ([`DERIVED`]: the word table its triggers
//!   fill from that column) are not copied either; they fill as the reports arrive.
//! - **One consistent snapshot.** Every table is read inside one read transaction on the
//!   source, so a copy taken while something still writes is still the state of one moment
//!   (the operator should stop `serve` all the same: what is written afterwards stays behind).
//! - **Foreign keys in order.** Tables are copied parents first (from the catalogue's foreign
//!   keys). A column that points into its own table (a report merged into another, a reply to
//!   a message) is written empty first and set after the whole table is in, so row order never
//!   matters.
//! - **Re-runnable.** Every batch is an upsert on the table's primary key (the audit log's
//!   entries, which may never change, are inserted or left), so a copy interrupted half way is
//!   finished by running it again; a table whose count and checksum already agree is skipped.
//!   A target that holds data the copy did not put there is refused unless asked for.
//! - **Checked.** After the copy every table's row count and an order-independent checksum
//!   (the sum of each row's SHA-256 over its typed values) are compared on both sides, and the
//!   identity sequences are moved past the highest id.

use crate::{Backend, Db, Error, Result};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Row};
use std::collections::{BTreeMap, BTreeSet};

/// PostgreSQL tables that its own triggers derive from other tables (migration 0039): no
/// SQLite twin, left out of the copy and its comparison.
pub const DERIVED: &[&str] = &["report_words"];

/// How a column's values are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Real,
    Text,
    Bytes,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    /// The PostgreSQL type, for the casts of the insert.
    pub pg_type: String,
    pub nullable: bool,
}

/// One table to copy.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Primary-key columns (indexes into `columns`).
    pub key: Vec<usize>,
    /// Columns that point into this same table, written after the table is in.
    pub deferred: Vec<usize>,
    /// Rows the comparison leaves out (the copy's own flag in `server_flags`).
    pub compare_filter: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// A table's row count and checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest256 {
    pub rows: i64,
    pub sum: [u64; 4],
}

impl Digest256 {
    pub fn hex(&self) -> String {
        self.sum.iter().map(|w| format!("{w:016x}")).collect()
    }
}

/// Tables the migrations themselves fill (the system user, the audit chain's head, the
/// checklist, the guide and the quiz's questions, flags) and the migration bookkeeping, with
/// how many rows they may hold in a target that is still empty.
const SEEDED: &[(&str, i64)] = &[
    ("users", 1),
    ("audit_chain", 1),
    ("health_probe", 1),
    ("server_flags", i64::MAX),
    ("benteng_migrations", i64::MAX),
    ("checklist_steps", i64::MAX),
    ("guide_pages", i64::MAX),
    ("guide_versions", i64::MAX),
    ("quiz_questions", i64::MAX),
];

/// The flag the copy leaves in the target: which source it is filling, so a re-run after an
/// interruption is let through the "not empty" check.
pub const COPY_FLAG: &str = "copy_source";

fn other(e: impl std::fmt::Display) -> Error {
    Error::Other(anyhow::anyhow!("{e}"))
}

fn safe_ident(s: &str) -> Result<&str> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(s)
    } else {
        Err(other(format!("unexpected name in the catalogue: {s}")))
    }
}

fn kind_of(pg_type: &str) -> Option<Kind> {
    match pg_type {
        "bigint" | "integer" | "smallint" => Some(Kind::Int),
        "double precision" | "real" | "numeric" => Some(Kind::Real),
        "text" | "character varying" | "character" => Some(Kind::Text),
        "bytea" => Some(Kind::Bytes),
        _ => None,
    }
}

impl Db {
    /// The tables of this (PostgreSQL) database in copy order, parents first.
    pub async fn copy_plan(&self) -> Result<Vec<Table>> {
        if self.backend != Backend::Postgres {
            return Err(other("the copy's target must be PostgreSQL"));
        }
        let cols: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT CAST(c.table_name AS TEXT), CAST(c.column_name AS TEXT), CAST(c.data_type AS TEXT), \
             CAST(c.is_nullable AS TEXT), CAST(c.is_generated AS TEXT) \
             FROM information_schema.columns c JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
             ORDER BY c.table_name, c.ordinal_position",
        )
        .fetch_all(&self.pool)
        .await?;
        let keys: Vec<(String, String)> = sqlx::query_as(
            "SELECT CAST(tc.table_name AS TEXT), CAST(k.column_name AS TEXT) \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage k \
               ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema \
             WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY' \
             ORDER BY tc.table_name, k.ordinal_position",
        )
        .fetch_all(&self.pool)
        .await?;
        // (child table, child column, parent table) of every foreign key.
        let fks: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT CAST(cl.relname AS TEXT), CAST(a.attname AS TEXT), CAST(pcl.relname AS TEXT) \
             FROM pg_constraint con \
             JOIN pg_class cl ON cl.oid = con.conrelid \
             JOIN pg_class pcl ON pcl.oid = con.confrelid \
             JOIN pg_namespace n ON n.oid = cl.relnamespace \
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey) \
             WHERE con.contype = 'f' AND n.nspname = current_schema()",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for (table, column, ty, nullable, generated) in cols {
            if generated == "ALWAYS" || DERIVED.contains(&table.as_str()) {
                continue;
            }
            let t = tables.entry(table.clone()).or_insert_with(|| Table {
                name: table.clone(),
                columns: Vec::new(),
                key: Vec::new(),
                deferred: Vec::new(),
                compare_filter: (table == "server_flags").then_some("name <> 'copy_source'"),
            });
            let kind = kind_of(&ty).ok_or_else(|| {
                other(format!(
                    "{table}.{column}: type {ty} is not known to the copy"
                ))
            })?;
            t.columns.push(Column {
                name: column,
                kind,
                pg_type: ty,
                nullable: nullable == "YES",
            });
        }
        for (table, column) in keys {
            if let Some(t) = tables.get_mut(&table) {
                if let Some(i) = t.columns.iter().position(|c| c.name == column) {
                    t.key.push(i);
                }
            }
        }
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (child, column, parent) in fks {
            let Some(t) = tables.get_mut(&child) else {
                continue;
            };
            if child == parent {
                if let Some(i) = t.columns.iter().position(|c| c.name == column) {
                    if t.columns[i].nullable && !t.deferred.contains(&i) {
                        t.deferred.push(i);
                    }
                }
            } else {
                parents.entry(child).or_default().insert(parent);
            }
        }
        // Parents first (Kahn's order; names sorted for a stable order).
        let mut order = Vec::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        while done.len() < tables.len() {
            let ready: Vec<String> = tables
                .keys()
                .filter(|n| !done.contains(*n))
                .filter(|n| {
                    parents.get(*n).is_none_or(|ps| {
                        ps.iter()
                            .all(|p| done.contains(p) || !tables.contains_key(p))
                    })
                })
                .cloned()
                .collect();
            if ready.is_empty() {
                let left: Vec<&String> = tables.keys().filter(|n| !done.contains(*n)).collect();
                return Err(other(format!(
                    "the foreign keys of these tables form a cycle the copy cannot order: {left:?}"
                )));
            }
            for n in ready {
                done.insert(n.clone());
                order.push(n);
            }
        }
        let mut out = Vec::with_capacity(order.len());
        for n in order {
            let t = tables.remove(&n).expect("every ordered name is a table");
            safe_ident(&t.name)?;
            for c in &t.columns {
                safe_ident(&c.name)?;
            }
            out.push(t);
        }
        Ok(out)
    }

    /// Whether this target holds data beyond what the migrations put there, and which
    /// source an earlier copy into it was filling (its [`COPY_FLAG`]).
    pub async fn copy_target_state(
        &self,
        plan: &[Table],
    ) -> Result<(Vec<(String, i64)>, Option<String>)> {
        let mut holding = Vec::new();
        for t in plan {
            let n: i64 =
                sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", t.name)))
                    .fetch_one(&self.pool)
                    .await?;
            let allowed = SEEDED
                .iter()
                .find(|(name, _)| *name == t.name)
                .map_or(0, |(_, n)| *n);
            if n > allowed {
                holding.push((t.name.clone(), n));
            }
        }
        let flag: Option<String> =
            sqlx::query_scalar("SELECT value FROM server_flags WHERE name = $1")
                .bind(COPY_FLAG)
                .fetch_optional(&self.pool)
                .await?;
        Ok((holding, flag))
    }

    /// Mark this target as being filled from `source`.
    pub async fn set_copy_flag(&self, source: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO server_flags (name, value, set_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, set_at = EXCLUDED.set_at",
        )
        .bind(COPY_FLAG)
        .bind(source)
        .bind(crate::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every uploaded file's key the tables refer to (columns named `storage_key`).
    pub async fn storage_keys(&self, plan: &[Table]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for t in plan {
            if t.columns.iter().any(|c| c.name == "storage_key") {
                let keys: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT storage_key FROM {} WHERE storage_key IS NOT NULL",
                    t.name
                )))
                .fetch_all(&self.pool)
                .await?;
                out.extend(keys);
            }
        }
        Ok(out)
    }

    /// Move every identity sequence past its table's highest id, so the next row the
    /// application inserts does not collide with a copied one.
    pub async fn reset_identities(&self, plan: &[Table]) -> Result<()> {
        for t in plan {
            if t.key.len() != 1 || t.columns[t.key[0]].kind != Kind::Int {
                continue;
            }
            let col = &t.columns[t.key[0]].name;
            let seq: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)")
                .bind(&t.name)
                .bind(col)
                .fetch_one(&self.pool)
                .await?;
            if let Some(seq) = seq {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT setval($1, GREATEST((SELECT COALESCE(MAX({col}), 0) FROM {}), 1), \
                     (SELECT COUNT(*) > 0 FROM {}))",
                    t.name, t.name
                )))
                .bind(seq)
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(())
    }
}

/// The copy's source: one read transaction over the SQLite database, so every table comes
/// from the same moment.
pub struct Source {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl Source {
    pub async fn open(db: &Db) -> Result<Source> {
        if db.backend != Backend::Sqlite {
            return Err(other("the copy's source must be SQLite"));
        }
        let mut tx = db.pool.begin().await?;
        // The snapshot starts at the first read.
        sqlx::query("SELECT COUNT(*) FROM sqlite_master")
            .execute(&mut *tx)
            .await?;
        Ok(Source { tx })
    }

    /// Whether the source has this table (a table PostgreSQL has and SQLite lacks would be a
    /// migration difference).
    pub async fn has_table(&mut self, name: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        )
        .bind(name)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(n > 0)
    }

    /// The source table's count and checksum.
    pub async fn digest(&mut self, t: &Table) -> Result<Digest256> {
        digest(&mut self.tx, t).await
    }

    /// Copy `t` into `target` in batches; returns the rows written. `progress` hears the
    /// running count.
    pub async fn copy_table(
        &mut self,
        target: &Db,
        t: &Table,
        mut progress: impl FnMut(u64),
    ) -> Result<u64> {
        let per_batch = (30_000 / t.columns.len().max(1)).clamp(1, 500);
        let sql = select_sql(t);
        let mut later: Vec<(Vec<Val>, Vec<Val>)> = Vec::new();
        let mut batch: Vec<Vec<Val>> = Vec::with_capacity(per_batch);
        let mut written = 0u64;
        {
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *self.tx);
            while let Some(row) = rows.try_next().await? {
                let mut vals = read_row(&row, t)?;
                if !t.deferred.is_empty() {
                    let set: Vec<Val> = t
                        .deferred
                        .iter()
                        .map(|&i| std::mem::replace(&mut vals[i], Val::Null))
                        .collect();
                    if set.iter().any(|v| *v != Val::Null) {
                        let key = t.key.iter().map(|&i| vals[i].clone()).collect();
                        later.push((key, set));
                    }
                }
                batch.push(vals);
                if batch.len() == per_batch {
                    written += insert(target, t, &batch).await?;
                    batch.clear();
                    progress(written);
                }
            }
        }
        if !batch.is_empty() {
            written += insert(target, t, &batch).await?;
            progress(written);
        }
        // The self-references, written once their rows exist: one statement for every row,
        // `col = CAST($n AS type)` for the deferred columns, then the key's.
        let assign = |cols: &[usize], first: usize| -> Vec<String> {
            cols.iter()
                .enumerate()
                .map(|(j, &i)| {
                    let c = &t.columns[i];
                    format!("{} = CAST(${} AS {})", c.name, first + j, c.pg_type)
                })
                .collect()
        };
        let update = format!(
            "UPDATE {} SET {} WHERE {}",
            t.name,
            assign(&t.deferred, 1).join(", "),
            assign(&t.key, 1 + t.deferred.len()).join(" AND ")
        );
        for (key, set) in later {
            let mut query = sqlx::query(AssertSqlSafe(update.clone()));
            for v in set.into_iter().chain(key) {
                query = bind(query, v);
            }
            query.execute(&target.pool).await?;
        }
        Ok(written)
    }

    pub async fn finish(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// The target table's count and checksum.
pub async fn target_digest(target: &Db, t: &Table) -> Result<Digest256> {
    let mut conn = target.pool.acquire().await?;
    digest(&mut conn, t).await
}

fn select_sql(t: &Table) -> String {
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let order: Vec<&str> = t.key.iter().map(|&i| t.columns[i].name.as_str()).collect();
    let mut sql = format!("SELECT {} FROM {}", cols.join(", "), t.name);
    if !order.is_empty() {
        sql.push_str(" ORDER BY ");
        sql.push_str(&order.join(", "));
    }
    sql
}

async fn digest(conn: &mut sqlx::AnyConnection, t: &Table) -> Result<Digest256> {
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let mut sql = format!("SELECT {} FROM {}", cols.join(", "), t.name);
    if let Some(f) = t.compare_filter {
        sql.push_str(" WHERE ");
        sql.push_str(f);
    }
    let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(conn);
    let mut d = Digest256 {
        rows: 0,
        sum: [0; 4],
    };
    while let Some(row) = rows.try_next().await? {
        let vals = read_row(&row, t)?;
        let mut h = Sha256::new();
        for v in &vals {
            match v {
                Val::Null => h.update([0u8]),
                Val::Int(n) => {
                    h.update([1u8]);
                    h.update(n.to_le_bytes());
                }
                Val::Real(f) => {
                    h.update([2u8]);
                    h.update(f.to_bits().to_le_bytes());
                }
                Val::Text(s) => {
                    h.update([3u8]);
                    h.update((s.len() as u64).to_le_bytes());
                    h.update(s.as_bytes());
                }
                Val::Bytes(b) => {
                    h.update([4u8]);
                    h.update((b.len() as u64).to_le_bytes());
                    h.update(b);
                }
            }
        }
        let out = h.finalize();
        for (lane, chunk) in d.sum.iter_mut().zip(out.chunks_exact(8)) {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            *lane = lane.wrapping_add(w);
        }
        d.rows += 1;
    }
    Ok(d)
}

fn read_row(row: &sqlx::any::AnyRow, t: &Table) -> Result<Vec<Val>> {
    let mut out = Vec::with_capacity(t.columns.len());
    for (i, c) in t.columns.iter().enumerate() {
        let bad = |e: sqlx::Error| {
            other(format!(
                "{}.{}: a value that is not {:?} ({e})",
                t.name, c.name, c.kind
            ))
        };
        let v = match c.kind {
            Kind::Int => row.try_get::<Option<i64>, _>(i).map_err(bad)?.map(Val::Int),
            Kind::Real => row
                .try_get::<Option<f64>, _>(i)
                .map_err(bad)?
                .map(Val::Real),
            Kind::Text => row
                .try_get::<Option<String>, _>(i)
                .map_err(bad)?
                .map(Val::Text),
            Kind::Bytes => row
                .try_get::<Option<Vec<u8>>, _>(i)
                .map_err(bad)?
                .map(Val::Bytes),
        };
        out.push(v.unwrap_or(Val::Null));
    }
    Ok(out)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind(q: AnyQuery<'_>, v: Val) -> AnyQuery<'_> {
    match v {
        // A typed null: the CAST in the statement gives it the column's type.
        Val::Null => q.bind(Option::<String>::None),
        Val::Int(n) => q.bind(n),
        Val::Real(f) => q.bind(f),
        Val::Text(s) => q.bind(s),
        Val::Bytes(b) => q.bind(b),
    }
}

/// One multi-row upsert of `rows` into `t`; returns the rows sent.
async fn insert(target: &Db, t: &Table, rows: &[Vec<Val>]) -> Result<u64> {
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", t.name, cols.join(", "));
    let mut n = 0;
    for (r, _) in rows.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (j, c) in t.columns.iter().enumerate() {
            if j > 0 {
                sql.push_str(", ");
            }
            n += 1;
            // NULLs are bound as text; the cast reads them as the column's type.
            if matches!(rows[r][j], Val::Null) {
                sql.push_str(&format!("CAST(CAST(${n} AS TEXT) AS {})", c.pg_type));
            } else {
                sql.push_str(&format!("CAST(${n} AS {})", c.pg_type));
            }
        }
        sql.push(')');
    }
    if !t.key.is_empty() {
        let key: Vec<&str> = t.key.iter().map(|&i| t.columns[i].name.as_str()).collect();
        let rest: Vec<String> = t
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| !t.key.contains(i))
            .map(|(_, c)| format!("{0} = EXCLUDED.{0}", c.name))
            .collect();
        // Audit entries may never change (a trigger refuses it): a re-run leaves them.
        if rest.is_empty() || t.name == "audit_log" {
            sql.push_str(&format!(" ON CONFLICT ({}) DO NOTHING", key.join(", ")));
        } else if t.name == "audit_chain" {
            // The chain's head only moves forward (a trigger refuses the rest): a target that
            // sealed more entries since keeps its head, and the comparison says it differs.
            sql.push_str(&format!(
                " ON CONFLICT ({}) DO UPDATE SET {} WHERE audit_chain.seq <= EXCLUDED.seq",
                key.join(", "),
                rest.join(", ")
            ));
        } else {
            sql.push_str(&format!(
                " ON CONFLICT ({}) DO UPDATE SET {}",
                key.join(", "),
                rest.join(", ")
            ));
        }
    }
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for row in rows {
        for v in row {
            q = bind(q, v.clone());
        }
    }
    q.execute(&target.pool).await?;
    Ok(rows.len() as u64)
}
