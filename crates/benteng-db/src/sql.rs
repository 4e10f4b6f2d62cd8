//! Helpers for building SQL with numbered `$n` parameters, and the scope filter.

use crate::Backend;
use benteng_domain::report::ReportStatus;
use benteng_domain::{RegionCode, Scope};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::QueryAs;
use sqlx::{Any, AssertSqlSafe};

/// `'baru', 'ditinjau', 'ditangani'`: the open report statuses of the domain
/// ([`ReportStatus::OPEN`]) as SQL literals. Literals, not parameters, so that the planner
/// can match the partial indexes on open reports.
pub fn open_report_statuses() -> String {
    ReportStatus::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value bound to a dynamically built query.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
}

/// Accumulates the WHERE clauses and arguments of a list query.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub clauses: Vec<String>,
    pub args: Vec<Arg>,
}

impl Filter {
    /// Add `value` as the next parameter and return its placeholder.
    pub fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.arg(Arg::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    pub fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// `WHERE a AND b …`, or nothing.
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Restrict rows to `scope`, given the columns that hold a record's village (or finest)
    /// code, its kabupaten/kota code and its province code.
    pub fn scope(&mut self, scope: &Scope, village_col: &str, kab_col: &str, prov_col: &str) {
        let clause = match scope {
            Scope::All => return,
            Scope::Nothing => "1 = 0".to_string(),
            Scope::Province(p) => format!("{prov_col} = {}", self.text(p.as_str())),
            Scope::Regencies(list) if list.is_empty() => "1 = 0".to_string(),
            Scope::Regencies(list) => {
                let ps: Vec<String> = list.iter().map(|r| self.text(r.as_str())).collect();
                format!("{kab_col} IN ({})", ps.join(", "))
            }
            Scope::Village(v) => format!("{village_col} = {}", self.text(v.as_str())),
        };
        self.clauses.push(clause);
    }

    pub fn query_as<'q, T>(&'q self, sql: String) -> QueryAs<'q, Any, T, AnyArguments>
    where
        T: for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        let mut q = sqlx::query_as::<Any, T>(AssertSqlSafe(sql));
        for a in &self.args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }

    pub fn scalar<'q>(
        &'q self,
        sql: String,
    ) -> sqlx::query::QueryScalar<'q, Any, i64, AnyArguments> {
        let mut q = sqlx::query_scalar::<Any, i64>(AssertSqlSafe(sql));
        for a in &self.args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }
}

/// `%text%` for LIKE, with the wildcard characters of the user's text neutralised.
pub fn like_pattern(q: &str) -> String {
    let cleaned: String = q
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect();
    format!("%{cleaned}%")
}

/// The kabupaten/kota and province codes of a region code, for the denormalised scope columns.
pub fn kab_and_prov(code: &RegionCode) -> (Option<String>, String) {
    let kab = code
        .ancestor(benteng_domain::RegionLevel::KabupatenKota)
        .map(|c| c.as_str().to_string());
    let prov = code.as_str()[..2].to_string();
    (kab, prov)
}

/// `rows` copies of the row `row`, separated by commas, each `#` in it the next placeholder:
/// `?` on SQLite, `$1`, `$2` … on PostgreSQL. Every value is bound in the order of the text,
/// so a value a row repeats is bound once per row.
///
/// Why not `$n` on SQLite too: SQLite looks a named parameter up by a linear search when it
/// prepares the statement, and sqlx asks each parameter's name when it binds, another linear
/// search, so a multi-row statement of n values cost n² string comparisons (`perf` on intake
/// showed `sqlite3_bind_parameter_name` and `strncmp` at 8 % of the process). Plain `?` are
/// numbered in order and have no name.
pub(crate) fn values(backend: Backend, rows: usize, row: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(rows * (row.len() + 16));
    let mut n = 0;
    for i in 0..rows {
        if i > 0 {
            out.push_str(", ");
        }
        for ch in row.chars() {
            match (ch, backend) {
                ('#', Backend::Sqlite) => out.push('?'),
                ('#', Backend::Postgres) => {
                    n += 1;
                    let _ = write!(out, "${n}");
                }
                _ => out.push(ch),
            }
        }
    }
    out
}

/// At most this many rows per multi-row statement.
pub(crate) const MAX_ROWS: usize = 32;

/// `items` cut into parts of 32, 16, 8, 4, 2 or 1, largest first: a multi-row statement has
/// one of six lengths, so the few texts stay in each connection's statement cache instead
/// of one prepared statement per batch size (a batch of reports holds up to 128,
/// `reports::group`).
pub(crate) fn parts<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if items.is_empty() {
            return None;
        }
        let mut n = MAX_ROWS;
        while n > items.len() {
            n /= 2;
        }
        let (part, rest) = items.split_at(n);
        items = rest;
        Some(part)
    })
}

#[cfg(test)]
mod open_status_tests {
    /// The partial indexes on open reports (migration 0008) name the statuses literally; a
    /// query only uses them when its term is the same text.
    #[test]
    fn open_statuses_match_the_partial_indexes() {
        let migration = include_str!("../migrations/0008_report_indexes.sql");
        let term = format!("WHERE status IN ({})", super::open_report_statuses());
        assert!(migration.contains(&term), "{term}");
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    #[test]
    fn parts_have_six_lengths_and_keep_every_item_in_order() {
        for n in 0..200 {
            let items: Vec<usize> = (0..n).collect();
            let cut: Vec<&[usize]> = parts(&items).collect();
            assert!(cut.iter().all(|p| [1, 2, 4, 8, 16, 32].contains(&p.len())));
            assert_eq!(cut.concat(), items);
        }
        assert_eq!(
            values(Backend::Postgres, 2, "(#, 'x', #)"),
            "($1, 'x', $2), ($3, 'x', $4)"
        );
        assert_eq!(values(Backend::Sqlite, 2, "(#, #)"), "(?, ?), (?, ?)");
    }
}
