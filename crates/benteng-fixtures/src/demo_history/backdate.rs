//! The SQL that moves the instants back: the highest ids of the child tables, the deferred
//! updates, and the transaction that writes them at the end.

use super::{History, HOUR};
use benteng_db::Result;

/// A value bound to a deferred statement.
pub(super) enum V {
    I(i64),
    O(Option<i64>),
    S(String),
}

pub(super) struct Fix {
    sql: String,
    binds: Vec<V>,
}

/// Tables whose rows a use case adds beside its record, with the column that dates them.
const CHILDREN: [(&str, &str); 6] = [
    ("report_events", "at"),
    ("referral_actions", "at"),
    ("migrant_events", "at"),
    ("event_attendees", "checked_in_at"),
    ("outbox", "created_at"),
    ("room_messages", "created_at"),
];

impl History<'_> {
    pub(super) async fn highest(&self) -> Result<[i64; 6]> {
        let sql = CHILDREN
            .iter()
            .map(|(t, _)| format!("(SELECT COALESCE(MAX(id), 0) FROM {t})"))
            .collect::<Vec<_>>()
            .join(", ");
        let row: (i64, i64, i64, i64, i64, i64) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {sql}")))
                .fetch_one(self.db.fixtures_pool())
                .await?;
        Ok([row.0, row.1, row.2, row.3, row.4, row.5])
    }

    /// Date what the last call added to the child tables at `t`.
    pub(super) async fn stamp(&mut self, t: i64) -> Result<()> {
        let now = self.highest().await?;
        for (k, (table, col)) in CHILDREN.iter().enumerate() {
            let (lo, hi) = (self.marks[k], now[k]);
            if hi <= lo {
                continue;
            }
            if *table == "outbox" {
                let read = (t < self.read_before).then_some(t + 2 * HOUR);
                self.fixes.push(Fix {
                    sql: "UPDATE outbox SET created_at = $1, next_attempt_at = $1, read_at = $2 \
                          WHERE id > $3 AND id <= $4"
                        .into(),
                    binds: vec![V::I(t), V::O(read), V::I(lo), V::I(hi)],
                });
            } else {
                self.fixes.push(Fix {
                    sql: format!("UPDATE {table} SET {col} = $1 WHERE id > $2 AND id <= $3"),
                    binds: vec![V::I(t), V::I(lo), V::I(hi)],
                });
            }
        }
        self.marks = now;
        Ok(())
    }

    pub(super) fn fix(&mut self, sql: &str, binds: Vec<V>) {
        self.fixes.push(Fix {
            sql: sql.into(),
            binds,
        });
    }

    pub(super) async fn finish(self) -> Result<usize> {
        let mut tx = self.db.fixtures_pool().begin().await?;
        for f in self.fixes {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(f.sql));
            for b in f.binds {
                q = match b {
                    V::I(v) => q.bind(v),
                    V::O(v) => q.bind(v),
                    V::S(v) => q.bind(v),
                };
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        let a = &self.added;
        Ok(a.events
            + a.attendees
            + a.reports
            + a.referrals
            + a.cases
            + a.migrants
            + a.screenings
            + a.visits
            + a.alerts)
    }
}
