//! The report lists: the triage queue and all reports of the actor's scope, filtered, paged
//! and searched (full text, phone, tracking code). On PostgreSQL an officer's unfiltered lists
//! are read one kabupaten/kota at a time and merged.

use super::*;

/// Which statuses a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    Any,
    /// Every open status, by priority: the officer's queue.
    Open,
    One(ReportStatus),
}

/// Whose reports a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssignedFilter {
    #[default]
    Anyone,
    /// The actor's.
    Me,
    /// Nobody's yet.
    Nobody,
    User(i64),
}

/// What the search box held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSearch {
    /// A tracking code, normalised.
    Code(String),
    /// A phone number of someone in the report.
    Phone(PhoneNumber),
    /// Words of the description, places and names, as typed (reduced to letters and digits
    /// here, so nothing reaches the query syntax).
    Words(String),
}

/// The report list's filters, read and checked by `benteng_app::reports::list`.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub search: Option<ReportSearch>,
    pub status: StatusFilter,
    pub category: Option<Category>,
    /// A kabupaten, kecamatan or desa (or province) the report must lie in.
    pub region: Option<RegionCode>,
    /// Created on or after this day (WIB).
    pub from: Option<time::Date>,
    /// Created on or before this day (WIB).
    pub to: Option<time::Date>,
    /// At least this priority score (the lower bound of a level of [`Priority::level`]).
    pub min_priority: Option<i64>,
    pub assigned: AssignedFilter,
    pub page: Option<i64>,
}

/// Words shorter than this match whole words only; longer ones also match words they begin
/// ("sendang" finds "Sendangbiru"). SQLite's full-text table keeps a prefix index for every
/// beginning of 3 to 16 letters (migration 0025), so such a search reads the matches newest
/// first and stops at the page; a one- or two-letter beginning would gather thousands of
/// words' matches before the first row ("pa": nearly every report) and finds little anyone
/// wants.
const PREFIX_FROM: usize = 3;

/// At most this many words of `report_words` drive one PostgreSQL word search
/// ([`crate::reports::Repo::driving_forms`]).
const MAX_FORMS: usize = 32;

/// The first string after every string that begins with `prefix`, in byte order (the order of
/// `report_words.word`, `COLLATE "C"`): `prefix` with its last character's successor.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = (u32::from(last) + 1..=0x10FFFF).find_map(char::from_u32)?;
    chars.push(next);
    Some(chars.into_iter().collect())
}

/// PostgreSQL: where a word search's ids come from when `report_words` drives it: one part
/// per form, each read from the primary key newest first, merged in that order (Merge
/// Append). The full-text condition on the report still decides each id, so a report is found
/// as the GIN index alone finds it (the table holds the same lexemes, those of 3 letters or
/// more, and a driving word has at least 3).
fn word_table_source(f: &mut Filter, forms: Vec<String>) -> String {
    let parts: Vec<String> = forms
        .into_iter()
        .map(|w| {
            let ph = f.text(w);
            format!(
                "(SELECT report_id FROM report_words WHERE word = {ph} ORDER BY report_id DESC)"
            )
        })
        .collect();
    format!("({}) w", parts.join(" UNION ALL "))
}

/// The full-text query for `words` (from [`search_words`]): every word must match.
fn text_query(backend: Backend, words: &[String]) -> String {
    let prefix = |w: &String| w.chars().count() >= PREFIX_FROM;
    match backend {
        Backend::Sqlite => words
            .iter()
            .map(|w| {
                if prefix(w) {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => words
            .iter()
            .map(|w| {
                if prefix(w) {
                    format!("{w}:*")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

/// Words of a search, reduced to letters and digits (nothing reaches the query syntax).
fn search_words(q: &str) -> Vec<String> {
    q.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .take(8)
        .collect()
}

impl crate::reports::Repo<'_> {
    /// The reports in the actor's scope, filtered and paged. The officer's queue is this list
    /// with `status = terbuka`, sorted by priority; other lists are newest first.
    pub async fn list_reports(
        &self,
        ctx: &Ctx,
        q: &ReportFilter,
        per_page: i64,
    ) -> Result<Page<ReportRow>> {
        ctx.require(Action::ReportView, None)?;
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "r.region_code",
            "r.kab_code",
            "r.prov_code",
        );
        let mut by_priority = false;
        match q.status {
            StatusFilter::Any => {}
            StatusFilter::Open => {
                by_priority = true;
                f.push(format!(
                    "r.status IN ({})",
                    crate::sql::open_report_statuses()
                ));
            }
            StatusFilter::One(s) => {
                // One open status is a queue too (the home page's "waiting for triage"):
                // the most urgent first, as for all open reports.
                by_priority = ReportStatus::OPEN.contains(&s);
                let ph = f.text(s.as_str());
                f.push(format!("r.status = {ph}"));
            }
        }
        if let Some(c) = q.category {
            let ph = f.text(c.as_str());
            f.push(format!("r.category = {ph}"));
        }
        if let Some(code) = &q.region {
            match code.level() {
                RegionLevel::Provinsi => {
                    let ph = f.text(code.as_str());
                    f.push(format!("r.prov_code = {ph}"));
                }
                RegionLevel::KabupatenKota => {
                    let ph = f.text(code.as_str());
                    f.push(format!("r.kab_code = {ph}"));
                }
                RegionLevel::Kecamatan => {
                    let ph = f.text(format!("{}.%", code.as_str()));
                    f.push(format!("r.region_code LIKE {ph}"));
                }
                RegionLevel::Desa => {
                    let ph = f.text(code.as_str());
                    f.push(format!("r.region_code = {ph}"));
                }
            }
        }
        let day_start = |d: time::Date| {
            d.midnight()
                .assume_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
                .unix_timestamp()
        };
        if let Some(d) = q.from {
            let ph = f.int(day_start(d));
            f.push(format!("r.created_at >= {ph}"));
        }
        if let Some(d) = q.to {
            let next = d.next_day().unwrap_or(d);
            let ph = f.int(day_start(next));
            f.push(format!("r.created_at < {ph}"));
        }
        // Spliced, not bound: a number, and the statement's text stays what the plans know.
        // A village's users see priorities without their linked-report part (migration 0026):
        // the links may lie in other villages, and an order or a filter on the full score
        // would show them as surely as the number.
        let prio = if matches!(ctx.actor.scope, Scope::Village(_)) {
            "(r.priority - r.priority_linked)"
        } else {
            "r.priority"
        };
        if let Some(min) = q.min_priority {
            f.push(format!("{prio} >= {min}"));
        }
        match q.assigned {
            AssignedFilter::Anyone => {}
            AssignedFilter::Me => {
                let ph = f.int(ctx.actor.user_id);
                f.push(format!("r.assigned_to = {ph}"));
            }
            AssignedFilter::Nobody => f.push("r.assigned_to IS NULL".into()),
            AssignedFilter::User(n) => {
                let ph = f.int(n);
                f.push(format!("r.assigned_to = {ph}"));
            }
        }
        // Where the ids come from: the reports table, or on SQLite the FTS5 table joined to it
        // so that a word search streams matches newest first (by rowid, which follows
        // creation) and stops at the page instead of reading and sorting every match.
        let mut from = "reports r".to_string();
        let mut text_search = false;
        // PostgreSQL reads a word search's ids from `report_words`, in id order.
        let mut by_word_table = false;
        // A phone number is matched against people's phones only for those who see them
        // unmasked; for others it is a word search of what they do see (a number written
        // in a description), so a search cannot confirm a masked number.
        let search = match &q.search {
            Some(ReportSearch::Phone(p)) if !ctx.allows(Action::ReportSensitiveView, None) => {
                Some(ReportSearch::Words(p.as_str().to_string()))
            }
            other => other.clone(),
        };
        match &search {
            None => {}
            Some(ReportSearch::Code(code)) => {
                let ph = f.text(code.clone());
                f.push(format!("r.tracking_code = {ph}"));
            }
            Some(ReportSearch::Phone(phone)) => {
                let ph = f.text(phone.as_str());
                f.push(format!(
                    "r.id IN (SELECT report_id FROM report_people WHERE phone = {ph})"
                ));
            }
            Some(ReportSearch::Words(text)) => {
                let words = search_words(text);
                // The word index holds people's names, which a village sees only in its own
                // filings: a village's word search covers those alone, so that a search
                // cannot confirm a name the village sees hidden.
                if ctx.actor.role == benteng_domain::Role::Desa {
                    f.push("r.source = 'desa'".into());
                }
                if words.is_empty() {
                    f.push("1 = 0".into());
                } else {
                    text_search = true;
                    let ph = f.text(text_query(self.db.backend, &words));
                    match self.db.backend {
                        Backend::Sqlite => {
                            from = "report_fts f JOIN reports r ON r.id = f.rowid".into();
                            f.push(format!("report_fts MATCH {ph}"));
                        }
                        Backend::Postgres => {
                            f.push(format!("r.search_tsv @@ to_tsquery('simple', {ph})"));
                            // A queue orders by priority and needs every match anyway.
                            let forms = if by_priority {
                                None
                            } else {
                                self.driving_forms(&words).await?
                            };
                            match forms {
                                None => {}
                                // No report has a word with that beginning.
                                Some(forms) if forms.is_empty() => f.push("1 = 0".into()),
                                Some(forms) => {
                                    from = word_table_source(&mut f, forms);
                                    by_word_table = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        let (page, per_page, offset) = crate::paging(q.page, per_page);
        // A word search counts less far: each counted match is an FTS hit joined to its report
        // to check the area, so "more than 100" is what a search page shows.
        let cap = if text_search {
            (offset + 4 * per_page).max(100)
        } else {
            crate::count_cap(offset, per_page)
        };
        let where_sql = f.where_sql();
        let by_priority_order = format!("{prio} DESC, r.created_at DESC, r.id DESC");
        let order = if by_priority {
            by_priority_order.as_str()
        } else if text_search && self.db.backend == Backend::Sqlite {
            "f.rowid DESC"
        } else if by_word_table {
            "w.report_id DESC"
        } else {
            "r.created_at DESC, r.id DESC"
        };
        let outer_order = if by_priority {
            order
        } else if (text_search && self.db.backend == Backend::Sqlite) || by_word_table {
            "r.id DESC"
        } else {
            "r.created_at DESC, r.id DESC"
        };
        let row_cols = format!(
            "r.id, r.tracking_code, r.category, r.status, r.source, {prio} AS priority, r.region_code, \
             COALESCE(v.name, '') AS village_name, r.description, r.assigned_to, u.full_name AS assigned_name, r.created_at"
        );
        let row_from = "FROM reports r LEFT JOIN regions v ON v.code = r.region_code LEFT JOIN users u ON u.id = r.assigned_to";
        let row_select = format!("SELECT {row_cols} {row_from}");
        if text_search {
            // A word search evaluates its match once: the ids up to the count's bound, in
            // order, from which the page is cut (a common word's match list is the costly
            // part, and counting and paging separately built it twice). On PostgreSQL the
            // planner chooses between the full-text index (rare words) and walking the date
            // index testing the stored vector (common words): "paspor" 1,591 → 9 ms against
            // the MATERIALIZED list of matches used before (docs/performance.md).
            let ids_sql = if by_word_table {
                // Each merged id is checked against the report's row through its primary key,
                // in a subquery PostgreSQL may not pull up (`OFFSET 0`): joined, the planner
                // preferred the GIN index's bitmap of every match, sorted (1.3 s for "paspor"
                // against 9 ms). Two forms of a beginning ("paspor", "paspornya") can both be
                // in one report: the merged ids are then adjacent, and DISTINCT keeps one.
                format!(
                    "SELECT DISTINCT w.report_id FROM {from} WHERE EXISTS \
                     (SELECT 1 FROM reports r{where_sql} AND r.id = w.report_id OFFSET 0) \
                     ORDER BY {order} LIMIT {}",
                    cap + 1
                )
            } else {
                format!(
                    "SELECT r.id FROM {from}{where_sql} ORDER BY {order} LIMIT {}",
                    cap + 1
                )
            };
            let ids: Vec<i64> = f.scalar(ids_sql).fetch_all(&self.db.pool).await?;
            let counted = ids.len() as i64;
            let shown: Vec<i64> = ids
                .into_iter()
                .skip(offset as usize)
                .take(per_page as usize)
                .collect();
            let items = if shown.is_empty() {
                Vec::new()
            } else {
                // Bound, not spliced: the statement's text depends only on the page's length.
                let mut g = Filter::default();
                let phs: Vec<String> = shown.iter().map(|id| g.int(*id)).collect();
                g.query_as::<ReportRow>(format!(
                    "{row_select} WHERE r.id IN ({}) ORDER BY {outer_order}",
                    phs.join(", ")
                ))
                .fetch_all(&self.db.pool)
                .await?
            };
            return Ok(Page {
                items,
                total: counted.min(cap),
                page,
                per_page,
                more: counted > cap,
            });
        }
        let count_sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {from}{where_sql} LIMIT {}) x",
            cap + 1
        );
        // The page's ids come from the indexes alone; only those rows are joined.
        let mut g = f.clone();
        let ids = match (&ctx.actor.scope, self.db.backend) {
            // PostgreSQL does not merge the ranges of an IN list in index order: it read all
            // 12,496 open reports of an officer's eight kabupaten/kota and sorted them for
            // each page. One ordered, limited part per kabupaten/kota, merged (Merge Append),
            // reads only what the page needs. SQLite's plans are fast as they are. Not with
            // a search or a place: a phone's or a code's few reports are found from the
            // other side, and each part would walk its kabupaten/kota looking for them.
            (Scope::Regencies(list), Backend::Postgres)
                if list.len() > 1 && q.search.is_none() && q.region.is_none() =>
            {
                let parts: Vec<String> = list
                    .iter()
                    .map(|k| {
                        let ph = g.text(k.as_str());
                        format!(
                            "(SELECT r.id, r.priority, r.created_at FROM {from}{where_sql} AND r.kab_code = {ph} \
                             ORDER BY {order} LIMIT {})",
                            offset + per_page
                        )
                    })
                    .collect();
                format!(
                    "SELECT r.id FROM ({}) r ORDER BY {order} LIMIT {per_page} OFFSET {offset}",
                    parts.join(" UNION ALL ")
                )
            }
            _ => format!(
                "SELECT r.id FROM {from}{where_sql} ORDER BY {order} LIMIT {per_page} OFFSET {offset}"
            ),
        };
        // The count comes with the rows, as a column computed once (an uncorrelated subquery:
        // SQLite runs it once, PostgreSQL as an InitPlan), one statement fewer on every list
        // and queue page; it uses only the filter's own parameters, which come first in `g`.
        // A page past the end has no row to carry it and counts apart.
        #[derive(sqlx::FromRow)]
        struct Counted {
            #[sqlx(flatten)]
            row: ReportRow,
            total: i64,
        }
        let rows = g
            .query_as::<Counted>(format!(
                "SELECT {row_cols}, ({count_sql}) AS total {row_from} WHERE r.id IN ({ids}) ORDER BY {outer_order}"
            ))
            .fetch_all(&self.db.pool)
            .await?;
        let counted = match rows.first() {
            Some(r) => r.total,
            None if offset == 0 => 0,
            None => f.scalar(count_sql).fetch_one(&self.db.pool).await?,
        };
        let items = rows.into_iter().map(|r| r.row).collect();
        Ok(Page {
            items,
            total: counted.min(cap),
            page,
            per_page,
            more: counted > cap,
        })
    }

    /// PostgreSQL: the words of `report_words` that drive a word search, or `None` to leave
    /// it to the GIN index. The driver is the longest search word of at least
    /// [`PREFIX_FROM`] letters (a longer word is usually a rarer one) whose beginning stands
    /// for at most [`MAX_FORMS`] words; each of those words' matches is read in id order and
    /// merged. A beginning with more forms ("kal") is left to the GIN index, which gathers
    /// them all at once. The forms are found by jumping from one to the next in the key
    /// (each step one index probe), never by reading every match of the beginning.
    async fn driving_forms(&self, words: &[String]) -> Result<Option<Vec<String>>> {
        let mut candidates: Vec<&String> = words
            .iter()
            .filter(|w| w.chars().count() >= PREFIX_FROM)
            .collect();
        candidates.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        candidates.dedup();
        for word in candidates.into_iter().take(2) {
            let Some(end) = prefix_end(word) else {
                continue;
            };
            let forms: Vec<String> = sqlx::query_scalar(
                "WITH RECURSIVE f(w) AS ( \
                   SELECT (SELECT min(word) FROM report_words WHERE word >= $1 AND word < $2) \
                   UNION ALL \
                   SELECT (SELECT min(word) FROM report_words WHERE word > f.w AND word < $2) \
                   FROM f WHERE f.w IS NOT NULL) \
                 SELECT w FROM f WHERE w IS NOT NULL LIMIT $3",
            )
            .bind(word.as_str())
            .bind(end)
            .bind(MAX_FORMS as i64 + 1)
            .fetch_all(&self.db.pool)
            .await?;
            if forms.len() <= MAX_FORMS {
                return Ok(Some(forms));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_match_whole_words_longer_ones_their_beginnings() {
        let words = search_words("Di  SENDANG, k-a 12 pt.");
        assert_eq!(words, ["di", "sendang", "ka", "12", "pt"]);
        assert_eq!(
            text_query(Backend::Sqlite, &words),
            r#""di" "sendang"* "ka" "12" "pt""#
        );
        assert_eq!(
            text_query(Backend::Postgres, &words),
            "di & sendang:* & ka & 12 & pt"
        );
        // Three letters, counted as characters (not bytes), begin to match as a prefix.
        let words = search_words("pas ÉÉ");
        assert_eq!(text_query(Backend::Sqlite, &words), r#""pas"* "éé""#);
        assert_eq!(text_query(Backend::Postgres, &words), "pas:* & éé");
    }

    #[test]
    fn a_beginning_ends_before_the_first_word_that_does_not_have_it() {
        assert_eq!(prefix_end("paspor").as_deref(), Some("paspos"));
        assert_eq!(prefix_end("kerz").as_deref(), Some("ker{"));
        // Characters, not bytes: "é" (U+00E9) is followed by "ê" (U+00EA).
        assert_eq!(prefix_end("café").as_deref(), Some("cafê"));
        assert_eq!(prefix_end(""), None);
        for word in ["paspornya", "paspor", "paspor2"] {
            assert!(word >= "paspor" && word < prefix_end("paspor").unwrap().as_str());
        }
        assert!("paspos" >= prefix_end("paspor").unwrap().as_str());
    }
}
