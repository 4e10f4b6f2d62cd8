//! What Benteng holds about the person of a request, found by NIK, phone or name within the
//! viewer's scope, and its correction and erasure.
//!
//! A record is found when any identifier of the request matches: the NIK or the phone exactly
//! (both are stored normalised), the name by its linking key (`name_key`: titles dropped, old
//! spellings modernised, word order ignored), after a `LIKE` on its longest word narrows the
//! rows. Each finding says what matched; a finding matched by the name alone may be someone
//! else of the same name, and the page says so. At most [`LIMIT`] rows are read per kind.
//!
//! Where it looks (and what it leaves, docs/privacy.md): reports (the named reporter, every
//! person named), cases (their people), the calon PMI register (the resident, the giver of a
//! permission letter), screenings (the applicant, the sponsor), each filtered as the area's
//! own lists are. Not searched: the watchlist (kept for the prevention of trafficking, which
//! the law lets a controller keep from the person), user accounts (corrected by the person in
//! their account page), village contacts, event attendance and WhatsApp messages.

use super::Repo;
use crate::audit::{self, Event};
use crate::retention::MARKER;
use crate::sql::Filter;
use crate::storage::BlobStore;
use crate::{Ctx, Error, Result};
use benteng_domain::report::name_key;
use benteng_domain::retention::Kind;
use benteng_domain::subject::{withheld, Field, FoundAs, RequestKind, RequestStatus};
use benteng_domain::{Role, Scope};
use serde::Serialize;

/// Rows read per kind of record.
pub const LIMIT: i64 = 200;

/// One record that holds data about the person.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// What the person is in the record (`pelapor`, `orang_laporan`, `orang_kasus`,
    /// `calon_pmi`, `pemberi_izin`, `pemohon_paspor`, `sponsor`).
    pub found_as: String,
    /// The report, case, calon PMI or screening the data is in.
    pub record_id: i64,
    /// The person's own row (what a correction or an erasure names).
    pub row_id: i64,
    /// The record's reference: tracking code, case number, letter number, or empty.
    pub label: String,
    /// The person's role in the record (report: `korban`, `perekrut`, `saksi`; case: the
    /// person's kind; letter: the relation), when it has one.
    pub role: Option<String>,
    pub name: Option<String>,
    pub nik: Option<String>,
    pub phone: Option<String>,
    /// Birth date (`YYYY-MM-DD`), when the record holds it.
    pub birth_date: Option<String>,
    /// Address or village as written in the record.
    pub address: Option<String>,
    pub note: Option<String>,
    /// The record's village.
    pub place: Option<String>,
    /// The record's status code.
    pub status: String,
    /// The report or case is still being worked on.
    pub open: bool,
    /// When the record was made (Unix seconds).
    pub at: i64,
    /// Which identifiers matched: `nik`, `phone`, `name`.
    pub matched_by: Vec<String>,
    /// Why it may not be erased on request (a message id), if it may not.
    pub withheld: Option<String>,
}

impl Finding {
    pub fn found(&self) -> Option<FoundAs> {
        FoundAs::parse(&self.found_as)
    }

    /// Matched by the name only: possibly someone else of the same name.
    pub fn name_only(&self) -> bool {
        self.matched_by.iter().all(|m| m == "name")
    }

    /// `pelapor:12`: how a form names this finding.
    pub fn key(&self) -> String {
        format!("{}:{}", self.found_as, self.row_id)
    }
}

/// Everything found for a request.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Findings {
    pub items: Vec<Finding>,
    /// Some kind had more than [`LIMIT`] matches: narrow the search (a NIK rather than a name).
    pub truncated: bool,
}

/// A correction of one field of one finding, checked (the value is already normalised).
#[derive(Debug, Clone)]
pub struct Correction {
    pub found_as: FoundAs,
    pub row_id: i64,
    pub field: Field,
    pub value: String,
}

#[derive(sqlx::FromRow)]
struct Raw {
    row_id: i64,
    record_id: i64,
    label: Option<String>,
    role: Option<String>,
    name: Option<String>,
    nik: Option<String>,
    phone: Option<String>,
    birth: Option<String>,
    address: Option<String>,
    note: Option<String>,
    place: Option<String>,
    status: Option<String>,
    open: i64,
    at: i64,
}

/// The identifiers a search runs with.
struct Ids {
    nik: Option<String>,
    phone: Option<String>,
    /// `%word%` of the name's longest word, and its key.
    name: Option<(String, String)>,
}

impl Ids {
    fn of(req: &super::SubjectRequest) -> Ids {
        let name = req.name.as_deref().and_then(|n| {
            let key = name_key(n);
            let word = n
                .split(|c: char| !c.is_alphabetic())
                .max_by_key(|w| w.chars().count())
                .unwrap_or("")
                .to_lowercase();
            (!key.is_empty() && word.chars().count() >= 2).then(|| (format!("%{word}%"), key))
        });
        Ids {
            nik: req.nik.clone(),
            phone: req.phone.clone(),
            name,
        }
    }
}

const OPEN_REPORT: &str = "CASE WHEN r.status IN ('baru', 'ditinjau', 'ditangani') OR EXISTS (SELECT 1 FROM cases oc \
     WHERE oc.report_id = r.id AND oc.status NOT IN ('ditutup', 'ditutup_dirujuk')) THEN 1 ELSE 0 END";

impl Repo<'_> {
    /// Everything held about the person of request `id`, within the actor's scope. Shows
    /// NIKs and phones unmasked, so each call is audited as a sensitive view.
    pub async fn find(&self, ctx: &Ctx, id: i64) -> Result<Findings> {
        let req = self.get(ctx, id).await?;
        let found = self.search(ctx, &req).await?;
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "subject_request_find",
                entity: "subject_request",
                entity_id: Some(id.to_string()),
                sensitive: true,
                detail: Some(format!("found={}", found.items.len())),
                ..Default::default()
            },
        )
        .await?;
        Ok(found)
    }

    /// Record that the findings were handed to the person (`format`: `pdf` or `json`).
    pub async fn exported(&self, ctx: &Ctx, id: i64, format: &str, count: usize) -> Result<()> {
        self.get(ctx, id).await?;
        let mut tx = self.db.begin().await?;
        let detail = format!("format={format} found={count}");
        self.step(&mut tx, ctx, id, "diekspor", Some(detail.clone()))
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "subject_request_export",
                entity: "subject_request",
                entity_id: Some(id.to_string()),
                sensitive: true,
                detail: Some(detail),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn search(&self, ctx: &Ctx, req: &super::SubjectRequest) -> Result<Findings> {
        let ids = Ids::of(req);
        let mut out = Findings {
            items: Vec::new(),
            truncated: false,
        };
        for kind in [
            FoundAs::Reporter,
            FoundAs::ReportPerson,
            FoundAs::CasePerson,
            FoundAs::Migrant,
            FoundAs::LetterGiver,
            FoundAs::Applicant,
            FoundAs::Sponsor,
        ] {
            let Some((f, sql)) = query(ctx, kind, &ids) else {
                continue;
            };
            let rows = f
                .query_as::<Raw>(format!(
                    "{sql}{} ORDER BY 14 DESC LIMIT {}",
                    f.where_sql(),
                    LIMIT + 1
                ))
                .fetch_all(&self.db.pool)
                .await?;
            if rows.len() as i64 > LIMIT {
                out.truncated = true;
            }
            for raw in rows.into_iter().take(LIMIT as usize) {
                if let Some(found) = finding(kind, raw, &ids) {
                    out.items.push(found);
                }
            }
        }
        Ok(out)
    }

    /// Correct one field of one finding of an open correction request.
    pub async fn correct(&self, ctx: &Ctx, id: i64, c: &Correction) -> Result<()> {
        let req = self.open_request(ctx, id, RequestKind::Koreksi).await?;
        if !c.found_as.correctable(c.field) {
            return Err(Error::Conflict("field", "err-subject-field"));
        }
        let found = self.search(ctx, &req).await?;
        if !found
            .items
            .iter()
            .any(|f| f.found() == Some(c.found_as) && f.row_id == c.row_id)
        {
            return Err(Error::NotFound);
        }
        let (table, column, key_col) = match (c.found_as, c.field) {
            (FoundAs::Reporter, Field::Name) => ("reports", "reporter_name", "id"),
            (FoundAs::Reporter, Field::Phone) => ("reports", "reporter_phone", "id"),
            (FoundAs::ReportPerson, Field::Name) => ("report_people", "name", "id"),
            (FoundAs::ReportPerson, Field::Nik) => ("report_people", "nik", "id"),
            (FoundAs::ReportPerson, Field::Phone) => ("report_people", "phone", "id"),
            (FoundAs::CasePerson, Field::Name) => ("case_people", "name", "id"),
            (FoundAs::CasePerson, Field::Nik) => ("case_people", "nik", "id"),
            (FoundAs::CasePerson, Field::Phone) => ("case_people", "phone", "id"),
            (FoundAs::Migrant, Field::Name) => ("migrants", "name", "id"),
            (FoundAs::Migrant, Field::Phone) => ("migrants", "phone", "id"),
            (FoundAs::LetterGiver, Field::Name) => ("permission_letters", "giver_name", "id"),
            (FoundAs::LetterGiver, Field::Nik) => ("permission_letters", "giver_nik", "id"),
            (FoundAs::Applicant, Field::Name) => ("screenings", "applicant_name", "id"),
            (FoundAs::Applicant, Field::Nik) => ("screenings", "nik", "id"),
            (FoundAs::Sponsor, Field::Name) => ("screenings", "sponsor_name", "id"),
            (FoundAs::Sponsor, Field::Phone) => ("screenings", "sponsor_phone", "id"),
            _ => return Err(Error::Conflict("field", "err-subject-field")),
        };
        let mut tx = self.db.begin().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET {column} = $1 WHERE {key_col} = $2"
        )))
        .bind(c.value.clone())
        .bind(c.row_id)
        .execute(&mut *tx)
        .await?;
        // Derived columns follow the name: the linking key, the register's search name.
        match (c.found_as, c.field) {
            (FoundAs::ReportPerson, Field::Name) => {
                sqlx::query("UPDATE report_people SET name_key = $1 WHERE id = $2")
                    .bind(name_key(&c.value))
                    .bind(c.row_id)
                    .execute(&mut *tx)
                    .await?;
            }
            (FoundAs::Migrant, Field::Name) => {
                sqlx::query("UPDATE migrants SET name_search = $1, updated_at = $2 WHERE id = $3")
                    .bind(c.value.to_lowercase())
                    .bind(crate::now())
                    .bind(c.row_id)
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
        if let Some(report) = self.report_of(&mut tx, c.found_as, c.row_id).await? {
            self.db.reports().index_report(&mut tx, report).await?;
        }
        let detail = format!(
            "record={}:{} field={}",
            c.found_as.as_str(),
            c.row_id,
            c.field.as_str()
        );
        self.step(&mut tx, ctx, id, "dikoreksi", Some(detail.clone()))
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "subject_request_correct",
                entity: "subject_request",
                entity_id: Some(id.to_string()),
                detail: Some(detail),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Erase (anonymise) the chosen findings of an open erasure request, as the retention job
    /// does, except those [`withheld`]. Returns how many were erased.
    pub async fn erase(
        &self,
        ctx: &Ctx,
        id: i64,
        chosen: &[(FoundAs, i64)],
        store: &dyn BlobStore,
    ) -> Result<usize> {
        let req = self.open_request(ctx, id, RequestKind::Penghapusan).await?;
        let found = self.search(ctx, &req).await?;
        let mut targets = Vec::new();
        for (kind, row) in chosen {
            let f = found
                .items
                .iter()
                .find(|f| f.found() == Some(*kind) && f.row_id == *row)
                .ok_or(Error::NotFound)?;
            if f.withheld.is_some() {
                return Err(Error::Conflict("pilih", "err-subject-withheld"));
            }
            targets.push((*kind, *row, f.record_id));
        }
        let retention = self.db.retention();
        let mut keys = Vec::new();
        let mut tx = self.db.begin().await?;
        let mut reindex = Vec::new();
        for &(kind, row, record) in &targets {
            match kind {
                FoundAs::Reporter => {
                    exec(&mut tx, "UPDATE reports SET reporter_name = NULL, reporter_phone = NULL, anonymous = 1 WHERE id = $1", row).await?;
                    reindex.push(row);
                }
                FoundAs::ReportPerson => {
                    exec(&mut tx, "UPDATE report_people SET name = NULL, name_key = NULL, phone = NULL, nik = NULL, \
                         village = NULL, note = NULL WHERE id = $1", row).await?;
                    reindex.push(record);
                }
                FoundAs::CasePerson => {
                    exec(&mut tx, &format!("UPDATE case_people SET name = '{MARKER}', nik = NULL, birth_date = NULL, \
                         phone = NULL, note = NULL WHERE id = $1"), row).await?;
                }
                FoundAs::Migrant => {
                    let (_, k) = retention.change(&mut tx, Kind::Migrants, &[row]).await?;
                    keys.extend(k);
                }
                FoundAs::LetterGiver => {
                    exec(&mut tx, &format!("UPDATE permission_letters SET giver_name = '{MARKER}', giver_nik = NULL, \
                         giver_birth = NULL, giver_address = NULL WHERE id = $1"), row).await?;
                }
                FoundAs::Applicant => {
                    retention.change(&mut tx, Kind::Screenings, &[row]).await?;
                }
                FoundAs::Sponsor => {
                    exec(&mut tx, "UPDATE screenings SET sponsor_name = NULL, sponsor_phone = NULL WHERE id = $1", row).await?;
                }
            }
        }
        reindex.sort_unstable();
        reindex.dedup();
        for report in reindex {
            self.db.reports().index_report(&mut tx, report).await?;
        }
        let detail = format!(
            "erased={} {}",
            targets.len(),
            targets
                .iter()
                .map(|(k, r, _)| format!("{}:{r}", k.as_str()))
                .collect::<Vec<_>>()
                .join(",")
        );
        self.step(&mut tx, ctx, id, "dihapus", Some(detail.clone()))
            .await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "subject_request_erase",
                entity: "subject_request",
                entity_id: Some(id.to_string()),
                detail: Some(detail),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        for key in keys {
            if let Err(e) = store.delete(&key).await {
                tracing::warn!(error = %e, "deleting an erased resident's file failed");
            }
        }
        Ok(targets.len())
    }

    /// The request, if it is open and of `kind` (a correction is made on a correction request,
    /// an erasure on an erasure request).
    async fn open_request(
        &self,
        ctx: &Ctx,
        id: i64,
        kind: RequestKind,
    ) -> Result<super::SubjectRequest> {
        let req = self.get(ctx, id).await?;
        if req.status != RequestStatus::Terbuka.as_str() {
            return Err(Error::Conflict("status", "err-subject-closed"));
        }
        if req.kind != kind.as_str() {
            return Err(Error::Conflict("kind", "err-subject-wrong-kind"));
        }
        Ok(req)
    }

    /// The report a reporter's or report person's row belongs to (its word-search entry is
    /// written again after a change).
    async fn report_of(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        kind: FoundAs,
        row: i64,
    ) -> Result<Option<i64>> {
        Ok(match kind {
            FoundAs::Reporter => Some(row),
            FoundAs::ReportPerson => Some(
                sqlx::query_scalar("SELECT report_id FROM report_people WHERE id = $1")
                    .bind(row)
                    .fetch_one(&mut **tx)
                    .await?,
            ),
            _ => None,
        })
    }
}

async fn exec(tx: &mut sqlx::Transaction<'static, sqlx::Any>, sql: &str, id: i64) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The `(a = $n OR b = $m …)` clause of the identifiers a kind of record holds.
fn matching(
    f: &mut Filter,
    ids: &Ids,
    nik: Option<&str>,
    phone: Option<&str>,
    name: Option<&str>,
) -> Option<String> {
    let mut ors = Vec::new();
    if let (Some(col), Some(v)) = (nik, &ids.nik) {
        let ph = f.text(v.clone());
        ors.push(format!("{col} = {ph}"));
    }
    if let (Some(col), Some(v)) = (phone, &ids.phone) {
        let ph = f.text(v.clone());
        ors.push(format!("{col} = {ph}"));
    }
    if let (Some(col), Some((like, key))) = (name, &ids.name) {
        if col == "p.name_key" {
            let ph = f.text(key.clone());
            ors.push(format!("{col} = {ph}"));
        } else {
            let ph = f.text(like.clone());
            ors.push(format!("LOWER({col}) LIKE {ph}"));
        }
    }
    (!ors.is_empty()).then(|| format!("({})", ors.join(" OR ")))
}

/// The query of one kind of record, with its identifiers and the actor's scope.
fn query(ctx: &Ctx, kind: FoundAs, ids: &Ids) -> Option<(Filter, String)> {
    let mut f = Filter::default();
    let scope = &ctx.actor.scope;
    let (sql, m) = match kind {
        FoundAs::Reporter => {
            let m = matching(
                &mut f,
                ids,
                None,
                Some("r.reporter_phone"),
                Some("r.reporter_name"),
            )?;
            f.scope(scope, "r.region_code", "r.kab_code", "r.prov_code");
            (format!("SELECT r.id AS row_id, r.id AS record_id, r.tracking_code AS label, CAST(NULL AS TEXT) AS role, \
                 r.reporter_name AS name, CAST(NULL AS TEXT) AS nik, r.reporter_phone AS phone, CAST(NULL AS TEXT) AS birth, \
                 CAST(NULL AS TEXT) AS address, CAST(NULL AS TEXT) AS note, v.name AS place, r.status, {OPEN_REPORT} AS open, \
                 r.created_at AS at FROM reports r LEFT JOIN regions v ON v.code = r.region_code"), m)
        }
        FoundAs::ReportPerson => {
            let m = matching(
                &mut f,
                ids,
                Some("p.nik"),
                Some("p.phone"),
                Some("p.name_key"),
            )?;
            f.scope(scope, "r.region_code", "p.kab_code", "r.prov_code");
            (format!("SELECT p.id AS row_id, r.id AS record_id, r.tracking_code AS label, p.role, p.name, p.nik, p.phone, \
                 CAST(NULL AS TEXT) AS birth, p.village AS address, p.note, v.name AS place, r.status, {OPEN_REPORT} AS open, \
                 r.created_at AS at FROM report_people p JOIN reports r ON r.id = p.report_id \
                 LEFT JOIN regions v ON v.code = r.region_code"), m)
        }
        FoundAs::CasePerson => {
            let m = matching(
                &mut f,
                ids,
                Some("cp.nik"),
                Some("cp.phone"),
                Some("cp.name"),
            )?;
            f.scope(scope, "c.region_code", "c.kab_code", "c.prov_code");
            ("SELECT cp.id AS row_id, c.id AS record_id, c.case_number AS label, cp.kind AS role, cp.name, cp.nik, cp.phone, \
              cp.birth_date AS birth, CAST(NULL AS TEXT) AS address, cp.note, v.name AS place, c.status, \
              CASE WHEN c.status IN ('ditutup', 'ditutup_dirujuk') THEN 0 ELSE 1 END AS open, c.opened_at AS at \
              FROM case_people cp JOIN cases c ON c.id = cp.case_id LEFT JOIN regions v ON v.code = c.region_code".to_string(), m)
        }
        FoundAs::Migrant => {
            let m = matching(&mut f, ids, Some("m.nik"), Some("m.phone"), Some("m.name"))?;
            f.scope(scope, "m.village_code", "m.kab_code", "m.prov_code");
            f.push("m.anonymised_at IS NULL".into());
            ("SELECT m.id AS row_id, m.id AS record_id, CAST(NULL AS TEXT) AS label, CAST(NULL AS TEXT) AS role, m.name, m.nik, \
              m.phone, m.birth_date AS birth, m.address, m.note, v.name AS place, m.status, 0 AS open, m.created_at AS at \
              FROM migrants m LEFT JOIN regions v ON v.code = m.village_code".to_string(), m)
        }
        FoundAs::LetterGiver => {
            let m = matching(&mut f, ids, Some("l.giver_nik"), None, Some("l.giver_name"))?;
            f.scope(scope, "m.village_code", "m.kab_code", "m.prov_code");
            ("SELECT l.id AS row_id, m.id AS record_id, l.number AS label, l.relation AS role, l.giver_name AS name, \
              l.giver_nik AS nik, CAST(NULL AS TEXT) AS phone, l.giver_birth AS birth, l.giver_address AS address, \
              CAST(NULL AS TEXT) AS note, v.name AS place, m.status, 0 AS open, l.created_at AS at \
              FROM permission_letters l JOIN migrants m ON m.id = l.migrant_id LEFT JOIN regions v ON v.code = m.village_code"
                .to_string(), m)
        }
        FoundAs::Applicant | FoundAs::Sponsor => {
            let m = if kind == FoundAs::Applicant {
                matching(&mut f, ids, Some("s.nik"), None, Some("s.applicant_name"))?
            } else {
                matching(
                    &mut f,
                    ids,
                    None,
                    Some("s.sponsor_phone"),
                    Some("s.sponsor_name"),
                )?
            };
            // As the screening list: an officer sees the office's own interviews.
            if !(ctx.actor.role == Role::Admin || matches!(scope, Scope::All)) {
                match ctx.actor.office_id {
                    Some(o) => {
                        let ph = f.int(o);
                        f.push(format!("s.office_id = {ph}"));
                    }
                    None => f.push("1 = 0".into()),
                }
            }
            f.push("s.anonymised_at IS NULL".into());
            let (name, nik, phone) = if kind == FoundAs::Applicant {
                ("s.applicant_name", "s.nik", "CAST(NULL AS TEXT)")
            } else {
                ("s.sponsor_name", "CAST(NULL AS TEXT)", "s.sponsor_phone")
            };
            let birth = if kind == FoundAs::Applicant {
                "s.birth_date"
            } else {
                "CAST(NULL AS TEXT)"
            };
            (format!("SELECT s.id AS row_id, s.id AS record_id, CAST(NULL AS TEXT) AS label, s.purpose AS role, {name} AS name, \
                 {nik} AS nik, {phone} AS phone, {birth} AS birth, CAST(NULL AS TEXT) AS address, CAST(NULL AS TEXT) AS note, \
                 v.name AS place, COALESCE(s.decision, s.level) AS status, 0 AS open, s.created_at AS at \
                 FROM screenings s LEFT JOIN regions v ON v.code = s.region_code"), m)
        }
    };
    f.push(m);
    Some((f, sql))
}

/// A row as a finding, if it really matches (a name found by `LIKE` must have the same key).
fn finding(kind: FoundAs, raw: Raw, ids: &Ids) -> Option<Finding> {
    let mut matched_by = Vec::new();
    if ids.nik.is_some() && raw.nik.is_some() && raw.nik == ids.nik {
        matched_by.push("nik".to_string());
    }
    if ids.phone.is_some() && raw.phone.is_some() && raw.phone == ids.phone {
        matched_by.push("phone".to_string());
    }
    if let (Some((_, key)), Some(name)) = (&ids.name, &raw.name) {
        if name_key(name) == *key {
            matched_by.push("name".to_string());
        }
    }
    if matched_by.is_empty() {
        return None;
    }
    let open = raw.open != 0;
    Some(Finding {
        found_as: kind.as_str().to_string(),
        record_id: raw.record_id,
        row_id: raw.row_id,
        label: raw.label.unwrap_or_default(),
        withheld: withheld(kind, raw.role.as_deref(), open).map(str::to_string),
        role: raw.role,
        name: raw.name,
        nik: raw.nik,
        phone: raw.phone,
        birth_date: raw.birth,
        address: raw.address,
        note: raw.note,
        place: raw.place,
        status: raw.status.unwrap_or_default(),
        open,
        at: raw.at,
        matched_by,
    })
}
