//! The register of an area: its filters and the paged list, newest change first, with NIKs
//! and phones masked.

use super::*;

/// The list filters, checked (`benteng_app::migrants` reads them from the query string).
#[derive(Debug, Clone, Default)]
pub struct MigrantQuery {
    /// Part of the name, trimmed, not empty.
    pub name: Option<String>,
    pub status: Option<MigrantStatus>,
    pub village: Option<RegionCode>,
    pub flag: Option<RegisterFlag>,
    pub page: Option<i64>,
}

/// The flag filter of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterFlag {
    /// Left without the procedure.
    Nonprocedural,
    /// The NIK check found something.
    Nik,
}

impl crate::migrants::Repo<'_> {
    /// The register of the actor's area, newest change first.
    pub async fn list_migrants(&self, ctx: &Ctx, f: &MigrantQuery) -> Result<Page<Migrant>> {
        let (page, per_page, offset) = crate::paging(f.page, 25);
        let (filter, scope) = self.migrant_filter(ctx, f).await?;
        // A name search counts only a little past the page: "Siti" matches thousands, and
        // counting them all cost more than the page itself (the pager then offers "next").
        let cap = if f.name.is_some() {
            offset + 2 * per_page
        } else {
            crate::count_cap(offset, per_page)
        };
        let total = filter
            .scalar(format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM migrants m{} LIMIT {cap}) c",
                filter.where_sql(),
            ))
            .fetch_one(&self.db.pool)
            .await?;
        let sql = match &scope {
            // An office's area of several regencies: the newest rows of each regency, read
            // in order from (kab_code, updated_at), then merged. One query over the whole area
            // made the planners sort every row of the area when a filter was added (130 ms
            // at 200,000 residents on SQLite). Branches reuse the placeholders: `$1…$k` are
            // the regencies (the scope clause comes first), the rest are the filters.
            Scope::Regencies(list) if list.len() > 1 => {
                let rest: String = filter.clauses[1..]
                    .iter()
                    .map(|c| format!(" AND {c}"))
                    .collect();
                let branches: Vec<String> = (1..=list.len())
                    .map(|i| {
                        format!(
                            "SELECT id, updated_at FROM (SELECT m.id, m.updated_at FROM migrants m \
                             WHERE m.kab_code = ${i}{rest} ORDER BY m.updated_at DESC, m.id DESC LIMIT {}) b{i}",
                            offset + per_page
                        )
                    })
                    .collect();
                format!(
                    "{SELECT} WHERE m.id IN (SELECT id FROM ({}) u ORDER BY updated_at DESC, id DESC \
                     LIMIT {per_page} OFFSET {offset}) ORDER BY m.updated_at DESC, m.id DESC",
                    branches.join(" UNION ALL ")
                )
            }
            _ => format!(
                "{SELECT}{} ORDER BY m.updated_at DESC, m.id DESC LIMIT {per_page} OFFSET {offset}",
                filter.where_sql()
            ),
        };
        let mut items: Vec<Migrant> = filter.query_as(sql).fetch_all(&self.db.pool).await?;
        items.iter_mut().for_each(Migrant::mask);
        let more = total >= cap;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more,
        })
    }

    pub(super) async fn migrant_filter(
        &self,
        ctx: &Ctx,
        f: &MigrantQuery,
    ) -> Result<(Filter, Scope)> {
        let scope = self.migrant_scope(ctx).await?;
        let mut filter = Filter::default();
        filter.scope(&scope, "m.village_code", "m.kab_code", "m.prov_code");
        if let Some(q) = &f.name {
            let p = filter.text(like_pattern(q));
            filter.push(format!("m.name_search LIKE {p}"));
        }
        if let Some(s) = f.status {
            let p = filter.text(s.as_str());
            filter.push(format!("m.status = {p}"));
        }
        if let Some(code) = &f.village {
            let p = filter.text(code.as_str());
            filter.push(format!("m.village_code = {p}"));
        }
        match f.flag {
            None => {}
            Some(RegisterFlag::Nonprocedural) => filter.push("m.nonprocedural = 1".into()),
            Some(RegisterFlag::Nik) => filter.push("m.nik_flags <> ''".into()),
        }
        Ok((filter, scope))
    }
}
