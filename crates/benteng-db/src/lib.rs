//! Storage for Benteng: the only crate that knows SQL.
//!
//! SQLite (default, one file, WAL, foreign keys on) and PostgreSQL run the same code through
//! sqlx's `Any` driver. The schema keeps to the types both read the same way (see the
//! migration file), and SQL uses `$1` placeholders, which both drivers accept.
//!
//! Every repository function that touches a record takes a [`Ctx`] (the acting user with their
//! scope) and asks [`benteng_domain::can`] before it reads or writes; lists are filtered by the
//! scope in SQL. There is no unscoped "list all" for a handler to call by mistake.

pub mod agencies;
pub mod area_names;
pub mod audit;
pub mod backup;
pub mod cases;
pub mod copy;
mod credentials;
pub mod delivery;
pub mod desa_binaan;
pub mod events;
pub mod figures;
pub mod guide;
pub mod health;
pub mod idempotency;
pub mod limits;
pub mod migrants;
mod migrate;
pub mod offices;
pub mod outbox;
pub mod p3mi;
pub mod referrals;
mod region_index;
pub mod regions;
pub mod reports;
pub mod retention;
pub mod rooms;
pub mod screening;
pub mod second_factor;
pub mod sessions;
pub mod shelf;
mod sql;
pub mod storage;
pub mod subjects;
pub mod users;
pub mod village_search;
pub mod visits;
pub mod webhooks;

use benteng_domain::{can, Action, Actor, FieldErrors, RegionCode};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;
use time::{Date, OffsetDateTime, UtcOffset};

pub use migrate::count as migration_count;
pub use sqlx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the whole app; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    pub backend: Backend,
    pub(crate) regions: std::sync::Arc<region_index::Slot>,
    /// Weights of the report priority score (configuration `[priority]`).
    pub(crate) weights: std::sync::Arc<benteng_domain::report::PriorityWeights>,
    /// Rule sets that follow the law (configuration `rules_file`; the shipped ones otherwise).
    pub(crate) rules: std::sync::Arc<benteng_domain::rules::RuleSet>,
    /// Register figures per scope, kept for a minute (see `migrants::io`).
    pub(crate) figures: migrants::FiguresCache,
    /// Dashboard figures per scope, area and period, kept for five minutes (see `figures`).
    pub(crate) dashboards: figures::Cache,
    /// Public answers (FAQ, upcoming events, P3MI registry), kept for seconds (see `shelf`).
    pub(crate) shelves: std::sync::Arc<shelf::Shelves>,
    /// The SQLite database file (`None` on PostgreSQL), for its volume's free space.
    pub(crate) sqlite_path: Option<std::path::PathBuf>,
    /// The queue to this process's report writer (group commit, `reports::group`).
    pub(crate) intake: std::sync::Arc<reports::group::Writer>,
    /// Held by every clone: the SQLite checkpoint task ends when the last clone is gone.
    _alive: std::sync::Arc<()>,
}

/// How often the SQLite write-ahead log is copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copy the SQLite write-ahead log into the database file every [`CHECKPOINT_EVERY`], beside
/// the writers (`PASSIVE`: it never waits for them or holds them up), until the [`Db`] is
/// dropped. Connections set `wal_autocheckpoint = 0`, so no commit does this work while
/// others wait. A commit is on disk once the log is synced (`synchronous = FULL`); the
/// checkpoint only keeps the log short. The last connection to close checkpoints what is
/// left.
async fn checkpoints(pool: AnyPool, alive: std::sync::Weak<()>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if alive.upgrade().is_none() || pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A uniqueness rule was broken; the payload is the field and a Fluent message id.
    #[error("conflict on {0}")]
    Conflict(&'static str, &'static str),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<FieldErrors> for Error {
    fn from(e: FieldErrors) -> Self {
        Error::Invalid(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Who acts and from where: the actor for the policy, the rest for the audit log.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// The request's `Idempotency-Key` header, checked (see [`idempotency`]).
    pub idempotency_key: Option<String>,
}

impl Ctx {
    /// Refuse unless the policy allows `action` on a record at `place`.
    pub fn require(&self, action: Action, place: Option<&RegionCode>) -> Result<()> {
        if can(&self.actor, action, place) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub fn allows(&self, action: Action, place: Option<&RegionCode>) -> bool {
        can(&self.actor, action, place)
    }
}

/// One page of a list, with the total for the pager.
///
/// Lists that can grow to hundreds of thousands of rows (reports) count only up to a bound
/// (see [`count_cap`]): then `more` is true and `total` is a lower bound ("1.000+"), and the
/// pager offers the next page instead of the last one. Counting every row of a million-row
/// table on each page view cost 10–110 ms; the bounded count costs well under one.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// `total` is a lower bound: more rows match than were counted.
    #[serde(default)]
    pub more: bool,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    /// Cut a page out of an already filtered list (for small tables filtered in Rust).
    pub fn slice(all: Vec<T>, page: i64, per_page: i64) -> Self {
        let total = all.len() as i64;
        let page = page.max(1);
        let items = all
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        Page {
            items,
            total,
            page,
            per_page,
            more: false,
        }
    }
}

/// How many rows a bounded count reads: at least 1,000, and always ten pages past the one
/// shown, so that "next" stays truthful deep in a list.
pub fn count_cap(offset: i64, per_page: i64) -> i64 {
    (offset + 10 * per_page).max(1000)
}

/// A page request: 1-based page number, clamped page size.
pub fn paging(page: Option<i64>, per_page: i64) -> (i64, i64, i64) {
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let per_page = per_page.clamp(1, 200);
    (page, per_page, (page - 1) * per_page)
}

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Today's date in Indonesia's western time zone (WIB, UTC+7), which decides which office
/// area is in force. Offices in WITA/WIT change areas at the same date line in practice.
pub fn today() -> Date {
    let wib = UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::now_utc().to_offset(wib).date()
}

impl Db {
    /// Connect to `url` (`sqlite://path` or `postgres://…`). A SQLite file and its folder are
    /// created when missing; SQLite runs in WAL mode with foreign keys on and
    /// `synchronous = FULL`; PostgreSQL sessions never run with `synchronous_commit = off`.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("database_url must start with sqlite:// or postgres://");
        };
        let mut url = url.to_string();
        let mut sqlite_path = None;
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:")
                .split('?')
                .next()
                .unwrap_or("")
                .to_string();
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            if !path.is_empty() && !path.starts_with(':') {
                sqlite_path = Some(std::path::PathBuf::from(&path));
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let options = sqlx::any::AnyConnectOptions::from_str(&url)?;
        let max = if backend == Backend::Sqlite { 8 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection before handing it out; every statement here takes
            // its own connection, so that doubled the round trips to SQLite's worker thread
            // or to PostgreSQL (docs/performance.md, "SQLite's global locks"). Only PostgreSQL
            // connections that sat idle are checked (`before_acquire` below); connections are
            // retired after 30 minutes in any case.
            .test_before_acquire(false)
            .max_lifetime(Duration::from_secs(30 * 60))
            // A PostgreSQL connection idle for a second or more is pinged before use: one
            // that died while idle (the server restarted) is replaced instead of failing the
            // request that meets it. Busy connections are reused without the extra round
            // trip; SQLite's are local and never go stale.
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if backend == Backend::Postgres && meta.idle_for >= Duration::from_secs(1) {
                        use sqlx::Connection;
                        return Ok(conn.ping().await.is_ok());
                    }
                    Ok(true)
                })
            })
            // A connection left inside a failed transaction (a COMMIT on a full disk) is
            // closed instead of failing every later write (see `health`).
            .after_release(|conn, _| Box::pin(async move { Ok(health::release_check(conn).await) }))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while one writer writes; foreign keys are on by
                        // sqlx's default and asserted again here so it never silently changes.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // Sorts and temporary indexes stay in memory; a larger page cache per connection.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        conn.execute("PRAGMA cache_size = -16000").await?;
                        // Read the file through a memory map shared by every connection (the
                        // operating system's page cache) instead of copying each page into
                        // each connection's cache: report pages with linked reports got 3–4
                        // times cheaper at 1,000,000 reports (docs/performance.md). An I/O
                        // error on the file then ends the process instead of failing a query.
                        conn.execute("PRAGMA mmap_size = 4294967296").await?;
                        // An acknowledged write survives power loss: in WAL mode FULL syncs
                        // the log at every commit (NORMAL only at checkpoints, and can lose
                        // the last commits when the power fails). FULL is SQLite's default;
                        // it is set here so that no URL parameter or build flag weakens it
                        // (docs/security.md, "Durability"; pinned by a test).
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        // Checkpoints (copying the WAL into the database file) run in the
                        // background task started below, not inside whichever commit crossed
                        // the WAL's size: a checkpoint there held every waiting report for
                        // its duration (docs/performance.md, "Group commit").
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    } else {
                        pg_durable_session(conn).await?;
                        // No JIT compilation: Benteng's statements are short, and a word search
                        // that stops after a few hundred rows of a long ordered scan is
                        // estimated as the whole scan, which made PostgreSQL spend 16–70 ms
                        // compiling a 9 ms statement (docs/performance.md, "Word search on
                        // PostgreSQL at 1,000,000 reports").
                        conn.execute("SET jit = off").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let alive = std::sync::Arc::new(());
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoints(pool.clone(), std::sync::Arc::downgrade(&alive)));
        }
        Ok(Db {
            _alive: alive,
            pool,
            backend,
            regions: Default::default(),
            weights: Default::default(),
            rules: std::sync::Arc::new(benteng_domain::rules::RuleSet::builtin().clone()),
            figures: Default::default(),
            dashboards: Default::default(),
            shelves: Default::default(),
            sqlite_path,
            intake: Default::default(),
        })
    }

    /// Use this rule set from now on (set once at start from the configuration).
    pub fn with_rules(mut self, rules: benteng_domain::rules::RuleSet) -> Db {
        self.rules = std::sync::Arc::new(rules);
        self
    }

    /// The rule set in force, to hand to a domain rule that keeps it.
    pub fn rule_set(&self) -> std::sync::Arc<benteng_domain::rules::RuleSet> {
        self.rules.clone()
    }

    /// The rule set in force.
    pub fn rules(&self) -> &benteng_domain::rules::RuleSet {
        &self.rules
    }

    /// The priority weights in force.
    pub fn priority_weights(&self) -> &benteng_domain::report::PriorityWeights {
        &self.weights
    }

    /// Use these priority weights from now on (set once at start from the configuration).
    pub fn with_priority_weights(mut self, w: benteng_domain::report::PriorityWeights) -> Db {
        self.weights = std::sync::Arc::new(w);
        self
    }

    /// Apply pending migrations; returns how many ran.
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        migrate::run(self).await
    }

    /// A cheap round trip for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// How durable a commit is, as one pooled connection reports it (for `/healthz`, the log
    /// at start, and the test that pins it).
    pub async fn durability(&self) -> Result<Durability> {
        use sqlx::Row;
        let mut conn = self.pool.acquire().await?;
        Ok(match self.backend {
            Backend::Sqlite => {
                let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(&mut *conn)
                    .await?;
                let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut *conn)
                    .await?;
                let name = match sync {
                    0 => "off",
                    1 => "normal",
                    2 => "full",
                    _ => "extra",
                };
                Durability {
                    settings: format!("journal_mode={journal} synchronous={name}"),
                    power_safe: journal == "wal" && sync >= 2,
                }
            }
            Backend::Postgres => {
                let row = sqlx::query(
                    "SELECT current_setting('synchronous_commit'), current_setting('fsync'), current_setting('full_page_writes')",
                )
                .fetch_one(&mut *conn)
                .await?;
                let (commit, fsync, pages): (String, String, String) =
                    (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                Durability {
                    power_safe: commit != "off" && fsync == "on" && pages == "on",
                    settings: format!(
                        "synchronous_commit={commit} fsync={fsync} full_page_writes={pages}"
                    ),
                }
            }
        })
    }

    /// SQLite only: read a pragma or a build flag, for tests that check the connection setup.
    pub async fn sqlite_pragma(&self, name: &str) -> Result<String> {
        let sql = match name {
            "journal_mode" => "PRAGMA journal_mode",
            "foreign_keys" => "PRAGMA foreign_keys",
            "mmap_size" => "PRAGMA mmap_size",
            // Build flags from .cargo/config.toml (1 when the bundled SQLite has them).
            "qpsg" => "SELECT sqlite_compileoption_used('ENABLE_QPSG')",
            "memstatus_off" => "SELECT sqlite_compileoption_used('DEFAULT_MEMSTATUS=0')",
            // The full-text table's definition (migration 0025 adds prefix indexes).
            "report_fts" => {
                "SELECT COALESCE((SELECT sql FROM sqlite_master WHERE name = 'report_fts'), '')"
            }
            _ => return Err(Error::NotFound),
        };
        let row = sqlx::query(sql).fetch_one(&self.pool).await?;
        use sqlx::Row;
        Ok(row
            .try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))?)
    }
}

/// How durable a commit is on this database (see [`Db::durability`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Durability {
    /// The settings read, e.g. `journal_mode=wal synchronous=full` or
    /// `synchronous_commit=on fsync=on full_page_writes=on`.
    pub settings: String,
    /// An acknowledged commit survives a power loss of the database's machine.
    pub power_safe: bool,
}

/// PostgreSQL: a server configured with `synchronous_commit = off` acknowledges commits before
/// they are on disk and loses the last ones when it crashes. Benteng's sessions turn it back on
/// (a session may; `local`, `remote_write` and `remote_apply` are kept as configured) and say
/// so once. `fsync` and `full_page_writes` cannot be set per session: `Db::durability` reports
/// them and `benteng serve` warns at start.
async fn pg_durable_session(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let commit: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
        .fetch_one(&mut *conn)
        .await?;
    if commit == "off" {
        conn.execute("SET synchronous_commit = on").await?;
        WARNED.call_once(|| {
            tracing::warn!(
                "the PostgreSQL server has synchronous_commit = off; Benteng's connections set it on, so that an acknowledged report is on disk"
            )
        });
    }
    Ok(())
}

/// Turn a unique-constraint violation into a field conflict; pass everything else through.
pub(crate) fn on_unique(e: sqlx::Error, field: &'static str, key: &'static str) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Error::Conflict(field, key),
        _ => Error::Db(e),
    }
}

impl Db {
    /// The connection pool, for `benteng-fixtures` only: its benchmark generators write
    /// hundreds of thousands of rows as multi-row statements, which no repository function
    /// should offer. Handlers and use cases never reach the pool.
    #[doc(hidden)]
    pub fn fixtures_pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Run one statement that takes no parameters (administration: CREATE/DROP DATABASE in
    /// tests and tools). Never pass user input here.
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        self.pool
            .execute(sqlx::AssertSqlSafe(sql.to_string()))
            .await?;
        Ok(())
    }
}

impl Db {
    /// Start a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so a transaction that reads before it writes waits for other writers
    /// (busy_timeout) instead of failing with SQLITE_BUSY when it tries to upgrade its lock.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }
}

/// One repository per area: `db.reports().list_reports(…)`, `db.users().actor(…)`.
impl Db {
    pub fn agencies(&self) -> agencies::Repo<'_> {
        agencies::Repo { db: self }
    }

    pub fn audit(&self) -> audit::Repo<'_> {
        audit::Repo { db: self }
    }

    pub fn cases(&self) -> cases::Repo<'_> {
        cases::Repo { db: self }
    }

    pub fn delivery(&self) -> delivery::Repo<'_> {
        delivery::Repo { db: self }
    }

    pub fn desa_binaan(&self) -> desa_binaan::Repo<'_> {
        desa_binaan::Repo { db: self }
    }

    pub fn events(&self) -> events::Repo<'_> {
        events::Repo { db: self }
    }

    pub fn guide(&self) -> guide::Repo<'_> {
        guide::Repo { db: self }
    }

    pub fn limits(&self) -> limits::Repo<'_> {
        limits::Repo { db: self }
    }

    pub fn figures(&self) -> figures::Repo<'_> {
        figures::Repo { db: self }
    }

    pub fn migrants(&self) -> migrants::Repo<'_> {
        migrants::Repo { db: self }
    }

    pub fn offices(&self) -> offices::Repo<'_> {
        offices::Repo { db: self }
    }

    pub fn outbox(&self) -> outbox::Repo<'_> {
        outbox::Repo { db: self }
    }

    pub fn p3mi(&self) -> p3mi::Repo<'_> {
        p3mi::Repo { db: self }
    }

    pub fn referrals(&self) -> referrals::Repo<'_> {
        referrals::Repo { db: self }
    }

    pub fn regions(&self) -> regions::Repo<'_> {
        regions::Repo { db: self }
    }

    pub fn reports(&self) -> reports::Repo<'_> {
        reports::Repo { db: self }
    }

    pub fn retention(&self) -> retention::Repo<'_> {
        retention::Repo { db: self }
    }

    pub fn rooms(&self) -> rooms::Repo<'_> {
        rooms::Repo { db: self }
    }

    pub fn screening(&self) -> screening::Repo<'_> {
        screening::Repo { db: self }
    }

    pub fn sessions(&self) -> sessions::Repo<'_> {
        sessions::Repo { db: self }
    }

    pub fn subjects(&self) -> subjects::Repo<'_> {
        subjects::Repo { db: self }
    }

    pub fn users(&self) -> users::Repo<'_> {
        users::Repo { db: self }
    }

    pub fn webhooks(&self) -> webhooks::Repo<'_> {
        webhooks::Repo { db: self }
    }

    pub fn visits(&self) -> visits::Repo<'_> {
        visits::Repo { db: self }
    }
}
