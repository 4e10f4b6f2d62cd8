//! One report's page: the report with its people, events, attachments and form choices in one
//! statement, masking and the audited reveal, and the linked reports (shared phone or name).

use super::*;

/// How many linked reports a report's page lists (the newest).
const LINKED_SHOWN: usize = 20;

/// What the report page reads with the report row besides the report itself.
#[derive(Debug, Clone, sqlx::FromRow)]
struct DetailExtra {
    case_id: Option<i64>,
    origin_kind: Option<String>,
    origin_id: Option<i64>,
    /// The lists below as JSON arrays of arrays ([`json_rows`]), in the order of their columns.
    people_json: String,
    events_json: String,
    attachments_json: String,
    officers_json: String,
    agencies_json: String,
    referrals_json: String,
}

/// A correlated subquery giving the rows of `from` as one JSON array of arrays (`cols` in
/// order), sorted by `order`. The report page's short lists ride on the report's row this way
/// instead of costing a statement each: on SQLite every statement is two hand-overs between
/// threads, on PostgreSQL a round trip (docs/performance.md, "One statement for the report
/// page's lists").
fn json_rows(backend: Backend, cols: &str, from: &str, order: &str) -> String {
    match backend {
        Backend::Sqlite => {
            format!("(SELECT json_group_array(json_array({cols}) ORDER BY {order}) {from})")
        }
        Backend::Postgres => format!(
            "(SELECT COALESCE(json_agg(json_build_array({cols}) ORDER BY {order}), '[]')::text {from})"
        ),
    }
}

/// Decode a [`json_rows`] column. The error names the kind and the place only: serde's own
/// message may quote the value, and these lists hold phone numbers and NIKs.
fn from_json_rows<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>> {
    serde_json::from_str(json).map_err(|e| {
        Error::Other(anyhow::anyhow!(
            "report page list: {:?} error at column {}",
            e.classify(),
            e.column()
        ))
    })
}

impl crate::reports::Repo<'_> {
    /// The report with what only its page needs (its case, where it came from, its people,
    /// events and attachments and, with `choices`, the officers and agencies its forms offer),
    /// checked against the actor's scope like [`crate::reports::Repo::report_place`]: one statement instead of
    /// eight.
    async fn report_detail_row(
        &self,
        ctx: &Ctx,
        id: i64,
        choices: bool,
    ) -> Result<(Report, RegionCode, DetailExtra)> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            report: Report,
            #[sqlx(flatten)]
            extra: DetailExtra,
        }
        let b = self.db.backend;
        let people = json_rows(
            b,
            "p.id, p.role, p.name, p.phone, p.nik, p.sex, p.minor, p.village, p.note, p.name_key",
            "FROM report_people p WHERE p.report_id = r.id",
            "p.id",
        );
        let events = json_rows(
            b,
            "e.id, e.at, u.full_name, e.kind, e.from_status, e.to_status, e.body",
            "FROM report_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.report_id = r.id",
            "e.at, e.id",
        );
        let attachments = json_rows(
            b,
            "t.id, t.report_id, t.content_type, t.size, t.file_name, t.created_at, t.storage_key",
            "FROM report_attachments t WHERE t.report_id = r.id",
            "t.id",
        );
        // Read for every actor and dropped below for those who may not assign, refer or see
        // referrals: the permission needs the report's place, known only from this row.
        let (officers, agencies, referrals) = if choices {
            (
                json_rows(
                    b,
                    "u.id, u.full_name",
                    "FROM users u JOIN office_areas a ON a.office_id = u.office_id \
                     WHERE u.role = 'petugas' AND u.active = 1 AND a.region_code = r.kab_code \
                     AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to > $2)",
                    "u.full_name, u.id",
                ),
                json_rows(
                    b,
                    "g.id, g.name, g.kind, g.region_code",
                    "FROM agencies g WHERE g.active = 1",
                    "g.name, g.id",
                ),
                // The order of `crate::referrals::Repo::list_referrals`.
                json_rows(
                    b,
                    "f.id, f.agency_id, g.name, f.purpose, f.status, f.due_date, f.created_at, u.full_name",
                    "FROM referrals f JOIN agencies g ON g.id = f.agency_id JOIN users u ON u.id = f.created_by \
                     WHERE f.report_id = r.id",
                    "CASE WHEN f.status IN ('terkirim', 'diterima') THEN 0 ELSE 1 END, \
                     CASE WHEN f.status IN ('terkirim', 'diterima') THEN f.due_date ELSE '' END, \
                     f.created_at DESC, f.id DESC",
                ),
            )
        } else {
            let none = || "'[]'".to_string();
            (none(), none(), none())
        };
        let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS}, (SELECT c.id FROM cases c WHERE c.report_id = r.id) AS case_id, \
             r.origin_kind, r.origin_id, {people} AS people_json, {events} AS events_json, \
             {attachments} AS attachments_json, {officers} AS officers_json, {agencies} AS agencies_json, {referrals} AS referrals_json \
             {REPORT_JOINS} WHERE r.id = $1"
        )))
        .bind(id);
        if choices {
            q = q.bind(format_date(crate::today()));
        }
        let row = q
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(Error::NotFound)?;
        let place = RegionCode::parse(&row.report.region_code).map_err(|_| Error::NotFound)?;
        // A report outside the scope does not exist for this actor.
        if !ctx.allows(Action::ReportView, Some(&place)) {
            return Err(Error::NotFound);
        }
        Ok((row.report, place, row.extra))
    }

    pub(crate) async fn report_people(&self, id: i64) -> Result<Vec<Person>> {
        Ok(sqlx::query_as::<_, Person>(
            "SELECT id, role, name, phone, nik, sex, minor, village, note, name_key FROM report_people WHERE report_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// One report with everything the triage page shows. With `reveal`, and only for roles
    /// that may, reporter contacts and people's phones and NIKs are shown in full and the view
    /// is audited; otherwise they are masked.
    pub async fn get_report(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReportDetail> {
        self.report_detail(ctx, id, reveal, false).await
    }

    /// [`crate::reports::Repo::get_report`] with the choices the page's forms offer: the officers the report
    /// may be assigned to when the actor may triage it, the agencies it may be referred to
    /// when the actor may refer it.
    pub async fn get_report_page(&self, ctx: &Ctx, id: i64, reveal: bool) -> Result<ReportDetail> {
        self.report_detail(ctx, id, reveal, true).await
    }

    async fn report_detail(
        &self,
        ctx: &Ctx,
        id: i64,
        reveal: bool,
        choices: bool,
    ) -> Result<ReportDetail> {
        let (mut report, place, extra) = self.report_detail_row(ctx, id, choices).await?;
        type PersonRow = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let mut people: Vec<Person> = from_json_rows::<PersonRow>(&extra.people_json)?
            .into_iter()
            .map(
                |(id, role, name, phone, nik, sex, minor, village, note, name_key)| Person {
                    id,
                    role,
                    name,
                    phone,
                    nik,
                    sex,
                    minor,
                    village,
                    note,
                    name_key,
                },
            )
            .collect();
        // Links are found by the real phones and names, before any masking.
        let linked = self.linked_reports(ctx, id, &people).await?;
        let unmasked = self
            .reveal_or_mask(
                ctx,
                reveal,
                ctx.allows(Action::ReportSensitiveView, Some(&place)),
                SensitiveView {
                    entity: "report",
                    id,
                    place: &place,
                    fields: "reporter,people.phone,people.nik",
                },
                || mask_report(&mut report, &mut people),
            )
            .await?;
        // A village sees the names of the people in a report only in its own filings; in
        // reports others filed about the village (a resident's anonymous report, a child
        // victim named by an officer) names are hidden like phones, revealed or not.
        if ctx.actor.role == benteng_domain::Role::Desa && report.source != "desa" {
            for p in &mut people {
                if p.name.is_some() {
                    p.name = Some("•••".into());
                }
                p.note = None;
            }
            if report.reporter_name.is_some() {
                report.reporter_name = Some("•••".into());
            }
        }
        type EventRow = (
            i64,
            i64,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let events = from_json_rows::<EventRow>(&extra.events_json)?
            .into_iter()
            .map(
                |(id, at, user_name, kind, from_status, to_status, body)| ReportEvent {
                    id,
                    at,
                    user_name,
                    kind,
                    from_status,
                    to_status,
                    body,
                },
            )
            .collect();
        type AttachmentRow = (i64, i64, String, i64, String, i64, String);
        let attachments = from_json_rows::<AttachmentRow>(&extra.attachments_json)?
            .into_iter()
            .map(
                |(id, report_id, content_type, size, file_name, created_at, storage_key)| {
                    Attachment {
                        id,
                        report_id,
                        content_type,
                        size,
                        file_name,
                        created_at,
                        storage_key,
                    }
                },
            )
            .collect();
        let officers = if ctx.allows(Action::ReportTriage, Some(&place)) {
            from_json_rows(&extra.officers_json)?
        } else {
            Vec::new()
        };
        let agencies = if ctx.allows(Action::ReferralCreate, Some(&place)) {
            from_json_rows::<(i64, String, String, String)>(&extra.agencies_json)?
                .into_iter()
                .filter(|(_, _, _, r)| RegionCode::parse(r).is_ok_and(|r| place.is_within(&r)))
                .map(|(id, name, kind, _)| (id, name, kind))
                .collect()
        } else {
            Vec::new()
        };
        let referrals = if ctx.allows(Action::ReferralView, Some(&place))
            && ctx.actor.role != Role::Mitra
        {
            type ReferralJson = (i64, i64, String, String, String, String, i64, String);
            from_json_rows::<ReferralJson>(&extra.referrals_json)?
                .into_iter()
                .map(
                    |(rid, agency_id, agency_name, purpose, status, due_date, created_at, by)| {
                        crate::referrals::ReferralRow {
                            id: rid,
                            report_id: id,
                            tracking_code: report.tracking_code.clone(),
                            category: report.category.clone(),
                            agency_id,
                            agency_name,
                            purpose,
                            status,
                            due_date,
                            created_at,
                            created_by_name: by,
                        }
                    },
                )
                .collect()
        } else {
            Vec::new()
        };
        let origin = match (extra.origin_kind, extra.origin_id) {
            (Some(kind), Some(oid)) => self.db.rooms().origin_of(&kind, oid).await?,
            _ => None,
        };
        let mut reasons = Priority::decode_reasons(&report.priority_reasons);
        // A village's users see the priority without its linked reports: those may lie in
        // other villages (migration 0026).
        if matches!(ctx.actor.scope, Scope::Village(_)) {
            let seen = Priority {
                score: report.priority,
                reasons,
            }
            .without_links();
            report.priority = seen.score;
            report.priority_reasons = seen.encode_reasons();
            report.priority_linked = 0;
            reasons = seen.reasons;
        }
        let indicators = report
            .indicators
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Ok(ReportDetail {
            report,
            origin,
            people,
            events,
            attachments,
            linked,
            reasons,
            indicators,
            unmasked,
            case_id: extra.case_id,
            officers,
            agencies,
            referrals,
        })
    }

    /// Other reports in the actor's scope that share a phone number or a distinctive name
    /// (Indonesian spelling variants folded by [`name_key`]) with this one's people (read
    /// unmasked by [`crate::reports::Repo::get_report`], which checked the report against the scope).
    async fn linked_reports(
        &self,
        ctx: &Ctx,
        id: i64,
        people: &[Person],
    ) -> Result<Vec<LinkedReport>> {
        let people: Vec<(&str, &Option<String>, &Option<String>)> = people
            .iter()
            .map(|p| (p.role.as_str(), &p.phone, &p.name_key))
            .collect();
        // Each phone and name key brings at most its LINKS_PER_KEY most recent reports (ids
        // follow creation), read from the (phone, kab_code, report_id) and (name_key,
        // kab_code, report_id) indexes; only the newest of them are joined. A syndicate
        // number in thousands of reports costs little more than one in three. The page lists
        // the 20 newest linked reports, so no key can contribute more than its 20 newest.
        const LINKS_PER_KEY: i64 = LINKED_SHOWN as i64;
        let mut f = Filter::default();
        let me = f.int(id);
        // The actor's scope, applied inside each per-key subquery (so an officer of a small
        // area still gets the newest links *in the area*) and again outside.
        // An officer's area is checked on the people's own kab_code (0024), so their
        // candidates come from the (key, kab_code, report_id) indexes alone; a province or a
        // village is checked on the report.
        let join = match &ctx.actor.scope {
            Scope::All | Scope::Regencies(_) => "",
            _ => " JOIN reports s ON s.id = q.report_id",
        };
        let before = f.clauses.len();
        f.scope(
            &ctx.actor.scope,
            "s.region_code",
            "q.kab_code",
            "s.prov_code",
        );
        let sub_scope = if f.clauses.len() > before {
            f.clauses
                .pop()
                .map(|c| format!(" AND {c}"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let mut parts = Vec::new();
        let mut matches = Vec::new();
        for &(_, phone, key) in &people {
            let mut per_key = |column: &str, value: &String, f: &mut Filter| {
                let ph = f.text(value.clone());
                matches.push(format!("p.{column} = {ph}"));
                parts.push(format!(
                    "SELECT * FROM (SELECT q.report_id FROM report_people q{join} \
                     WHERE q.{column} = {ph} AND q.report_id <> {me}{sub_scope} ORDER BY q.report_id DESC LIMIT {LINKS_PER_KEY}) x{}",
                    parts.len()
                ));
            };
            if let Some(p) = phone {
                per_key("phone", p, &mut f);
            }
            if let Some(k) = key.as_ref().filter(|k| name_key_links(k)) {
                per_key("name_key", k, &mut f);
            }
        }
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        let mut f2 = f;
        // Only the newest of all candidates can be shown: no other report is read.
        f2.push(format!(
            "r.id IN (SELECT u.report_id FROM ({}) u ORDER BY u.report_id DESC LIMIT {LINKED_SHOWN})",
            parts.join(" UNION ")
        ));
        // Only the people who match; the others of a linked report would fill the limit.
        f2.push(format!("({})", matches.join(" OR ")));
        f2.scope(
            &ctx.actor.scope,
            "r.region_code",
            "r.kab_code",
            "r.prov_code",
        );
        #[derive(sqlx::FromRow)]
        struct Hit {
            id: i64,
            tracking_code: String,
            category: String,
            status: String,
            created_at: i64,
            role: String,
            phone: Option<String>,
            name_key: Option<String>,
        }
        let hits = f2
            .query_as::<Hit>(format!(
                "SELECT r.id, r.tracking_code, r.category, r.status, r.created_at, p.role, p.phone, p.name_key \
                 FROM report_people p JOIN reports r ON r.id = p.report_id{} ORDER BY r.created_at DESC LIMIT 200",
                f2.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        let mut out: Vec<LinkedReport> = Vec::new();
        for h in hits {
            let mut reasons = Vec::new();
            for &(role, phone, key) in &people {
                let phone_hit = phone.is_some() && *phone == h.phone;
                let name_hit =
                    key.as_ref().is_some_and(|k| name_key_links(k)) && *key == h.name_key;
                if phone_hit {
                    reasons.push("phone");
                }
                if name_hit {
                    reasons.push("name");
                }
                if (phone_hit || name_hit) && role == "perekrut" && h.role == "perekrut" {
                    reasons.push("recruiter");
                }
            }
            // The other people of a linked report come along; only the matching ones count.
            if reasons.is_empty() {
                continue;
            }
            let entry = match out.iter_mut().find(|l| l.id == h.id) {
                Some(e) => e,
                None => {
                    if out.len() >= LINKED_SHOWN {
                        continue;
                    }
                    out.push(LinkedReport {
                        id: h.id,
                        tracking_code: h.tracking_code,
                        category: h.category,
                        status: h.status,
                        created_at: h.created_at,
                        reasons: Vec::new(),
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            for r in reasons {
                if !entry.reasons.iter().any(|x| x == r) {
                    entry.reasons.push(r.to_string());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_that_does_not_decode_is_an_error_without_its_values() {
        let rows: Vec<(i64, String)> = from_json_rows(r#"[[1, "Siti"], [2, "Joko"]]"#).unwrap();
        assert_eq!(rows, [(1, "Siti".to_string()), (2, "Joko".to_string())]);
        let e = from_json_rows::<(i64, i64)>(r#"[[1, "081234567890"]]"#).unwrap_err();
        let message = e.to_string();
        assert!(message.contains("report page list"), "{message}");
        assert!(!message.contains("0812"), "{message}");
    }
}
