//! `cargo run --release -p benteng-bench --bin bench-sql -- DATABASE_URL RUNS 'SQL' ['SQL' …]`
//!
//! Times statements on a benchmark database the way the app runs them (SQLite: the bundled
//! library through `Db::connect`, so with the app's own pragmas, `mmap_size` included; PostgreSQL: the same driver) and prints the plan: SQLite's
//! `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN (ANALYZE, BUFFERS)`. For the evidence behind
//! docs/performance.md; keep a database with `BENTENG_BENCH_DATABASE_URL`.

use anyhow::{Context, Result};
use benteng_db::sqlx::{self, AssertSqlSafe, Row};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .context("usage: bench-sql DATABASE_URL RUNS SQL…")?;
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    // The app's own connection: `Db::connect` sets the pragmas `benteng serve` runs with
    // (mmap_size, cache_size, temp_store, synchronous, …), so a plan or a time measured here
    // is the app's, not a bare connection's.
    let db = benteng_db::Db::connect(url).await?;
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        println!(
            "pragmas: mmap_size={} {}",
            db.sqlite_pragma("mmap_size").await?,
            db.durability().await?.settings
        );
    }
    let mut conn = db.fixtures_pool().acquire().await?;
    for sql in &args[3..] {
        println!("\n{sql}");
        let explain = if sqlite {
            format!("EXPLAIN QUERY PLAN {sql}")
        } else {
            format!("EXPLAIN (ANALYZE, BUFFERS) {sql}")
        };
        for row in sqlx::query(AssertSqlSafe(explain))
            .fetch_all(&mut *conn)
            .await?
        {
            // SQLite: id, parent, notused, detail; PostgreSQL: one text column.
            let line: String = if sqlite {
                format!(
                    "  {} {} {}",
                    row.try_get::<i64, _>(0)?,
                    row.try_get::<i64, _>(1)?,
                    row.try_get::<String, _>(3)?
                )
            } else {
                format!("  {}", row.try_get::<String, _>(0)?)
            };
            println!("{line}");
        }
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..runs {
            let t = Instant::now();
            rows = sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_all(&mut *conn)
                .await?
                .len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "  {rows} rows; {runs} runs: min {:.2} ms, median {:.2} ms, max {:.2} ms",
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    Ok(())
}
