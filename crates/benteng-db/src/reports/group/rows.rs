//! The rows of a batch of new reports (`reports::group`): who hears of them, read once per
//! batch, and one multi-row statement per table for the reports, their people, events,
//! word-search entries, audit entries and notices.

use super::*;
use crate::sql::{parts, values};

/// Who hears of the batch's reports: the officers of each kabupaten/kota with the channels
/// they chose, and the webhook subscriptions for new reports. Read inside the batch's
/// transaction (so exactly as of its commit), three statements for the whole batch however
/// many reports and areas it holds.
pub(super) struct Audience {
    /// Per kabupaten/kota: recipient and channel.
    notices: Vec<(String, Vec<(i64, Channel)>)>,
    hooks: Vec<(i64, Option<String>)>,
}

impl Audience {
    pub(super) async fn read(
        tx: &mut Tx,
        batch: impl Iterator<Item = &Pending>,
    ) -> Result<Audience> {
        let mut kabs: Vec<&str> = Vec::new();
        for p in batch {
            if !kabs.contains(&p.kab.as_str()) {
                kabs.push(&p.kab);
            }
        }
        let officers = outbox::area_officers_of(tx, &kabs).await?;
        let mut everyone: Vec<i64> = officers.iter().map(|(_, u)| *u).collect();
        everyone.sort_unstable();
        everyone.dedup();
        let channels = crate::rooms::prefs::channels_for(tx, &everyone, "report_new").await?;
        let notices = kabs
            .iter()
            .map(|kab| {
                let planned = officers
                    .iter()
                    .filter(|(k, _)| k == kab)
                    .flat_map(|(_, u)| {
                        channels
                            .iter()
                            .filter(move |(r, _)| r == u)
                            .flat_map(|(r, cs)| cs.iter().map(move |c| (*r, *c)))
                    })
                    .collect();
                (kab.to_string(), planned)
            })
            .collect();
        let hooks = crate::webhooks::queue::subscribed(tx, EventKind::ReportFiled).await?;
        Ok(Audience { notices, hooks })
    }

    fn notices(&self, kab: &str) -> &[(i64, Channel)] {
        self.notices
            .iter()
            .find(|(k, _)| k == kab)
            .map(|(_, n)| n.as_slice())
            .unwrap_or_default()
    }
}

/// The reports `ps` with their people, files, event, word-search entry, webhook deliveries,
/// the notices to their area's officers and their audit entries, in `tx`: one multi-row
/// statement per table for all of them (so a batch of 50 is about as many statements as a
/// batch of one). Each one's id and tracking code, in the order of `ps`.
pub(super) async fn write_rows(
    tx: &mut Tx,
    ps: &[&Pending],
    audience: &Audience,
) -> Result<Vec<(i64, String)>> {
    let Some(first) = ps.first() else {
        return Ok(Vec::new());
    };
    let backend = first.db.backend;
    let now = crate::now();
    let mut written: Vec<(i64, String)> = Vec::with_capacity(ps.len());
    for part in parts(ps) {
        written.extend(insert_reports(tx, part, backend, now).await?);
    }
    let all: Vec<(&Pending, i64, &str)> = ps
        .iter()
        .zip(&written)
        .map(|(p, (id, code))| (*p, *id, code.as_str()))
        .collect();
    insert_people(tx, &all, backend).await?;
    for part in parts(&all) {
        insert_events(tx, part, backend, now).await?;
        if backend == Backend::Sqlite {
            insert_words(tx, part).await?;
        }
        insert_audit(tx, part, backend, now).await?;
    }
    for &(p, id, _) in &all {
        for a in &p.attachments {
            sqlx::query("INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(a.key.clone())
                .bind(a.content_type)
                .bind(a.size)
                .bind(a.file_name.clone())
                .bind(p.ctx.as_ref().map(|c| c.actor.user_id))
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        let v = &p.report;
        let hooks = crate::webhooks::queue::covering_among(
            &audience.hooks,
            EventKind::ReportFiled,
            v.village.as_str(),
        );
        crate::webhooks::queue::deliver(
            tx,
            &hooks,
            EventKind::ReportFiled,
            v.village.as_str(),
            &serde_json::json!({
                "report": {
                    "id": id,
                    "category": v.category.as_str(),
                    "source": p.source.as_str(),
                    "status": "baru",
                },
                "links": { "api": format!("/api/v1/reports/{id}"), "web": format!("/laporan/{id}") },
            }),
        )
        .await?;
    }
    insert_notices(tx, &all, audience, backend, now).await?;
    Ok(written)
}

/// The reports' rows, with the word-search text on PostgreSQL (its triggers index it);
/// each one's id and code in the order of `ps`.
async fn insert_reports(
    tx: &mut Tx,
    ps: &[&Pending],
    backend: Backend,
    now: i64,
) -> Result<Vec<(i64, String)>> {
    let codes: Vec<String> = ps
        .iter()
        .map(|_| tracking_code(&rand::random::<[u8; TRACKING_CODE_LEN]>()))
        .collect();
    let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO reports (tracking_code, category, source, region_code, kab_code, prov_code, description, places, \
         destination_country, incident_date, departure_soon, anonymous, reporter_name, reporter_phone, reporter_user_id, \
         priority, priority_reasons, priority_linked, search_text, status, created_at, updated_at) VALUES {} RETURNING id, tracking_code",
        values(
            backend,
            ps.len(),
            "(#, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #, 'baru', #, #)"
        )
    )));
    for (p, code) in ps.iter().zip(&codes) {
        let v = &p.report;
        let search_text = (backend == Backend::Postgres).then(|| index_text_of(p, code));
        q = q
            .bind(code.clone())
            .bind(v.category.as_str())
            .bind(p.source.as_str())
            .bind(v.village.as_str().to_string())
            .bind(p.kab.clone())
            .bind(p.prov.clone())
            .bind(v.description.clone())
            .bind(v.places.clone())
            .bind(v.destination_country.clone())
            .bind(v.incident_date.clone())
            .bind(v.departure_soon as i64)
            .bind(v.anonymous as i64)
            .bind(v.reporter_name.clone())
            .bind(v.reporter_phone.clone())
            .bind(p.ctx.as_ref().map(|c| c.actor.user_id))
            .bind(p.priority.score)
            .bind(p.priority.encode_reasons())
            .bind(p.priority.linked_part())
            .bind(search_text)
            .bind(now)
            .bind(now);
    }
    let returned = q.fetch_all(&mut **tx).await?;
    // RETURNING gives no promised order: match by the (unique) tracking code.
    codes
        .into_iter()
        .map(|code| {
            returned
                .iter()
                .find(|(_, c)| *c == code)
                .map(|(id, _)| (*id, code))
                .ok_or_else(|| Error::Other(anyhow::anyhow!("a report's row was not returned")))
        })
        .collect()
}

/// A report's word-search entry, made from the report in hand (as `Repo::index_report` reads
/// it back later): only what every viewer of the report sees.
fn index_text_of(p: &Pending, code: &str) -> String {
    let v = &p.report;
    super::create::index_text(
        code,
        &v.description,
        v.places.as_deref(),
        v.people.iter().map(|n| n.name.as_deref().unwrap_or("")),
    )
}

/// The people named in the reports.
async fn insert_people(
    tx: &mut Tx,
    rows: &[(&Pending, i64, &str)],
    backend: Backend,
) -> Result<()> {
    let people: Vec<(&Pending, i64, &NewPerson)> = rows
        .iter()
        .flat_map(|&(p, id, _)| p.report.people.iter().map(move |n| (p, id, n)))
        .collect();
    for part in parts(&people) {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO report_people (report_id, role, name, name_key, phone, nik, sex, minor, village, note, kab_code) VALUES {}",
            values(backend, part.len(), "(#, #, #, #, #, #, #, #, #, #, #)")
        )));
        for &(p, id, n) in part {
            q = q
                .bind(id)
                .bind(n.role.as_str())
                .bind(n.name.clone())
                .bind(n.name.as_deref().map(name_key).filter(|k| !k.is_empty()))
                .bind(n.phone.clone())
                .bind(n.nik.clone())
                .bind(n.sex.clone())
                .bind(n.minor as i64)
                .bind(n.village.clone())
                .bind(n.note.clone())
                .bind(p.kab.clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Each report's first event ("created", to `baru`).
async fn insert_events(
    tx: &mut Tx,
    rows: &[(&Pending, i64, &str)],
    backend: Backend,
    now: i64,
) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO report_events (report_id, at, user_id, kind, from_status, to_status, body) VALUES {}",
        values(backend, rows.len(), "(#, #, #, 'created', NULL, 'baru', NULL)")
    )));
    for &(p, id, _) in rows {
        q = q
            .bind(id)
            .bind(now)
            .bind(p.ctx.as_ref().map(|c| c.actor.user_id));
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// SQLite's word-search entries (PostgreSQL's came with the rows).
async fn insert_words(tx: &mut Tx, rows: &[(&Pending, i64, &str)]) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO report_fts (rowid, body) VALUES {}",
        values(Backend::Sqlite, rows.len(), "(#, #)")
    )));
    for &(p, id, code) in rows {
        q = q.bind(id).bind(index_text_of(p, code));
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Each report's audit entry, as `audit::write` makes it.
async fn insert_audit(
    tx: &mut Tx,
    rows: &[(&Pending, i64, &str)],
    backend: Backend,
    now: i64,
) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO audit_log (at, user_id, username, ip, request_id, action, entity, entity_id, region_code, sensitive, detail) VALUES {}",
        values(backend, rows.len(), "(#, #, #, #, #, 'create', 'report', #, #, 0, #)")
    )));
    for &(p, id, _) in rows {
        let ctx = p.ctx.as_ref();
        q = q
            .bind(now)
            .bind(ctx.map(|c| c.actor.user_id))
            .bind(ctx.map(|c| c.actor.username.clone()))
            .bind(ctx.and_then(|c| c.ip.clone()))
            .bind(ctx.and_then(|c| c.request_id.clone()))
            .bind(id.to_string())
            .bind(p.report.village.as_str().to_string())
            .bind(format!(
                "source={} category={}",
                p.source.as_str(),
                p.report.category.as_str()
            ));
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The notices of new reports to their area's officers, on the channels each chose, as
/// `outbox::write_planned` makes them (external ones due at once).
async fn insert_notices(
    tx: &mut Tx,
    rows: &[(&Pending, i64, &str)],
    audience: &Audience,
    backend: Backend,
    now: i64,
) -> Result<()> {
    let notices: Vec<(i64, Channel, String, String)> = rows
        .iter()
        .flat_map(|&(p, id, code)| {
            let subject = format!("{}|{}", p.report.category.as_str(), code);
            audience
                .notices(&p.kab)
                .iter()
                .map(move |&(r, c)| (r, c, format!("/laporan/{id}"), subject.clone()))
        })
        .collect();
    for part in parts(&notices) {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO outbox (recipient_id, kind, channel, link, subject, status, created_at, next_attempt_at) VALUES {}",
            values(backend, part.len(), "(#, 'report_new', #, #, #, 'pending', #, #)")
        )));
        for (r, c, link, subject) in part {
            q = q
                .bind(*r)
                .bind(c.as_str())
                .bind(link.clone())
                .bind(subject.clone())
                .bind(now)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
