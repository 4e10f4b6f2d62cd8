//! Writing generated rows: SQL literals, the multi-row INSERT statements of one batch, and the
//! batches and transactions a run is cut into.

use super::{Gen, GenRow, GenerateReport};
use benteng_db::{Backend, Db, Result};
use benteng_domain::report::name_key;
use sqlx::{AssertSqlSafe, Executor};
use std::fmt::Write;

/// Reports per INSERT statement.
const PER_STATEMENT: usize = 500;
/// Reports per transaction.
const PER_TRANSACTION: usize = 10_000;

/// A text literal for SQL: single quotes doubled (standard strings on both backends).
pub(crate) fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars().filter(|c| *c != '\0') {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

pub(super) fn opt(s: &Option<String>) -> String {
    s.as_deref().map(lit).unwrap_or_else(|| "NULL".into())
}

pub(super) async fn insert_generated(
    db: &Db,
    conn: &mut sqlx::AnyConnection,
    g: &mut Gen,
    out: &mut GenerateReport,
) -> Result<()> {
    let n = g.n;
    let mut done = 0;
    while done < n {
        let in_tx = PER_TRANSACTION.min(n - done);
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let mut k = 0;
        while k < in_tx {
            let m = PER_STATEMENT.min(in_tx - k);
            let rows: Vec<GenRow> = (0..m)
                .map(|j| {
                    let i = done + k + j;
                    g.row(i, out.first_id + i as i64)
                })
                .collect();
            for sql in insert_sql(db, g, &rows) {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *tx).await?;
            }
            out.reports += rows.len();
            out.people += rows.iter().map(|r| r.people.len()).sum::<usize>();
            out.events += rows.len();
            out.open += rows
                .iter()
                .filter(|r| matches!(r.status, "baru" | "ditinjau" | "ditangani"))
                .count();
            k += m;
        }
        tx.commit().await?;
        done += in_tx;
    }
    if db.backend == Backend::Postgres && n > 0 {
        // Ids were given explicitly: move the identity past them.
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT MAX(id) FROM reports))",
        )
        .await?;
    }
    Ok(())
}

/// The statements for one batch: reports, their people, events and full-text entries.
fn insert_sql(db: &Db, g: &Gen, rows: &[GenRow]) -> Vec<String> {
    let pg = db.backend == Backend::Postgres;
    let mut reports = String::from(
        "INSERT INTO reports (id, tracking_code, category, status, source, region_code, kab_code, prov_code, \
         description, places, destination_country, incident_date, departure_soon, anonymous, reporter_name, \
         reporter_phone, assigned_to, indicators, priority, priority_reasons, search_text, created_at, updated_at) VALUES ",
    );
    let mut people = String::from(
        "INSERT INTO report_people (report_id, role, name, name_key, phone, nik, sex, minor, village, note, kab_code) VALUES ",
    );
    let mut events = String::from(
        "INSERT INTO report_events (report_id, at, user_id, kind, from_status, to_status, body) VALUES ",
    );
    let mut fts = String::from("INSERT INTO report_fts (rowid, body) VALUES ");
    let mut first_person = true;
    for (j, r) in rows.iter().enumerate() {
        let sep = if j == 0 { "" } else { "," };
        let code = &g.villages[r.region].0;
        // What `index_report` writes: code, description, places, names and villages.
        let mut text = format!(
            "{} {} {}",
            r.code,
            r.description,
            r.places.clone().unwrap_or_default()
        );
        for p in &r.people {
            text.push(' ');
            text.push_str(p.name.as_deref().unwrap_or(""));
            text.push(' ');
            text.push_str(p.village.as_deref().unwrap_or(""));
        }
        let _ = write!(
            reports,
            "{sep}({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            r.id,
            lit(&r.code),
            lit(r.category.as_str()),
            lit(r.status),
            lit(r.source),
            lit(code),
            lit(&code[..5]),
            lit(&code[..2]),
            lit(&r.description),
            opt(&r.places),
            opt(&r.country.map(str::to_string)),
            opt(&r.incident_date),
            r.departure_soon as i64,
            r.anonymous as i64,
            opt(&r.reporter_name),
            opt(&r.reporter_phone),
            r.assigned_to.map(|u| u.to_string()).unwrap_or_else(|| "NULL".into()),
            lit(&r.indicators),
            r.priority.score,
            lit(&r.priority.encode_reasons()),
            if pg { lit(&text) } else { "NULL".into() },
            r.created_at,
            r.updated_at,
        );
        for p in &r.people {
            let key = p.name.as_deref().map(name_key).filter(|k| !k.is_empty());
            let _ = write!(
                people,
                "{}({}, {}, {}, {}, {}, {}, {}, {}, {}, NULL, {})",
                if first_person { "" } else { "," },
                r.id,
                lit(p.role),
                opt(&p.name),
                opt(&key),
                opt(&p.phone),
                opt(&p.nik),
                lit(p.sex),
                p.minor as i64,
                opt(&p.village),
                lit(&code[..5]),
            );
            first_person = false;
        }
        let _ = write!(
            events,
            "{sep}({}, {}, NULL, 'created', NULL, 'baru', NULL)",
            r.id, r.created_at
        );
        if !pg {
            let _ = write!(fts, "{sep}({}, {})", r.id, lit(&text));
        }
    }
    let mut out = vec![reports];
    if !first_person {
        out.push(people);
    }
    out.push(events);
    if !pg {
        out.push(fts);
    }
    out
}
