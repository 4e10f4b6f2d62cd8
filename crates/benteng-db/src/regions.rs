//! The Kemendagri region list: loading it and reading it. Regions are public reference data,
//! so reading needs only a signed-in user (the policy's `RegionView`).

use crate::sql::Filter;
use crate::{Backend, Ctx, Page, Result};
use benteng_domain::{Action, RegionCode, RegionLevel};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// The shipped region list (data/wilayah.csv, MIT, see data/NOTICE), embedded in the binary
/// so the program never reads outside its own files at run time.
pub const WILAYAH_CSV: &str = include_str!("../../../data/wilayah.csv");

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
}

impl Region {
    pub fn level(&self) -> RegionLevel {
        RegionLevel::from_i64(self.level).unwrap_or(RegionLevel::Desa)
    }
}

/// A region with the names of its ancestors, for "Desa X, Kec. Y, Kab. Z" labels.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionPath {
    pub region: Region,
    pub ancestors: Vec<Region>,
}

impl RegionPath {
    /// "Kalipare › Kabupaten Malang › Jawa Timur".
    pub fn label(&self) -> String {
        let mut parts = vec![self.region.name.clone()];
        parts.extend(self.ancestors.iter().rev().map(|r| r.name.clone()));
        parts.join(", ")
    }
}

/// Lower-case, single-spaced, punctuation-free name for searching.
pub fn search_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for w in name
        .to_lowercase()
        .replace(['\'', '"', '`'], "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A row of the region file that failed to parse, with its 1-based line number and the reason
/// for the operator (Indonesian, English in brackets, as the other commands print).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub read: usize,
    pub inserted: u64,
    pub bad: Vec<BadRow>,
    pub skipped_already_loaded: bool,
}

/// Parse `kode,nama` CSV; bad rows are reported with their line number, good rows kept.
pub fn parse_csv(
    data: &str,
    keep: impl Fn(&str) -> bool,
) -> (Vec<(RegionCode, String)>, Vec<BadRow>) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(data.as_bytes());
    let mut rows = Vec::with_capacity(92_000);
    let mut bad = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(0);
                let (Some(code), Some(name)) = (r.get(0), r.get(1)) else {
                    bad.push(BadRow {
                        line,
                        reason: "harus dua kolom: kode,nama (expected kode,nama)".into(),
                    });
                    continue;
                };
                if !keep(code) {
                    continue;
                }
                match RegionCode::parse(code) {
                    Ok(c) if !name.trim().is_empty() => rows.push((c, name.trim().to_string())),
                    Ok(_) => bad.push(BadRow {
                        line,
                        reason: "nama kosong (empty name)".into(),
                    }),
                    Err(_) => bad.push(BadRow {
                        line,
                        reason: format!("kode wilayah tidak valid (bad code) {code:?}"),
                    }),
                }
            }
            Err(e) => bad.push(BadRow {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: format!("baris CSV tidak terbaca (unreadable CSV row): {e}"),
            }),
        }
    }
    (rows, bad)
}

impl crate::regions::Repo<'_> {
    /// Load regions idempotently: new codes are added, existing ones get the file's name (a
    /// renamed place), nothing is deleted (old codes stay valid for old NIKs and records).
    pub async fn load_regions(&self, rows: &[(RegionCode, String)]) -> Result<LoadReport> {
        let mut report = LoadReport {
            read: rows.len(),
            ..Default::default()
        };
        let mut tx = self.db.begin().await?;
        // 5 parameters a row. PostgreSQL loads fastest in large statements (2,000 rows: 1.3 s
        // for the whole list, 11 s at 400); SQLite's driver slows down with many parameters
        // per statement, so it gets 400 (1.8 s, 7.8 s at 2,000).
        let per_statement = match self.db.backend {
            Backend::Sqlite => 400,
            Backend::Postgres => 2_000,
        };
        for chunk in rows.chunks(per_statement) {
            let mut sql = String::from(
                "INSERT INTO regions (code, name, level, parent_code, name_search) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 5;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
            sql.push_str(" ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_search = excluded.name_search");
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (code, name) in chunk {
                q = q
                    .bind(code.as_str().to_string())
                    .bind(name.clone())
                    .bind(code.level() as i64)
                    .bind(code.parent().map(|p| p.as_str().to_string()))
                    .bind(search_key(name));
            }
            report.inserted += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        self.db.shelves.regions.forget();
        self.region_index_reset();
        Ok(report)
    }

    /// Load the shipped list (all 91,599 regions). At every start after the first this only
    /// checks that the table already holds the whole list (its size and its last code).
    pub async fn load_shipped_regions(&self) -> Result<LoadReport> {
        let (rows, bad) = parse_csv(WILAYAH_CSV, |_| true);
        let have = self.region_count().await?;
        if let Some((last, _)) = rows.last() {
            if have as usize >= rows.len() && self.region_by_code(last.as_str()).await?.is_some() {
                return Ok(LoadReport {
                    read: rows.len(),
                    skipped_already_loaded: true,
                    ..Default::default()
                });
            }
        }
        let mut report = self.load_regions(&rows).await?;
        report.bad = bad;
        Ok(report)
    }

    /// The name of one region (public reference data), `None` when the code is unknown.
    pub async fn region_name(&self, code: &str) -> Result<Option<String>> {
        Ok(self.region_by_code(code).await?.map(|r| r.name))
    }

    pub async fn region_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM regions")
            .fetch_one(&self.db.pool)
            .await?)
    }

    /// Internal lookup without a policy check: region names are public reference data,
    /// kept for seconds per process ([`crate::shelf`]; a code longer than any region's is
    /// not kept).
    pub async fn region_by_code(&self, code: &str) -> Result<Option<Region>> {
        let read = || async {
            Ok(sqlx::query_as::<_, Region>(
                "SELECT code, name, level, parent_code FROM regions WHERE code = $1",
            )
            .bind(code)
            .fetch_optional(&self.db.pool)
            .await?)
        };
        if code.len() > 13 {
            return read().await;
        }
        self.db.shelves.regions.get(code, read).await
    }

    /// A place typed into `field` as a code or a name (see [`crate::area_names`]): a name
    /// that fits one place at `levels` becomes its code; one that fits several adds
    /// `err-area-choose` (the form offers the candidates), one that fits none
    /// `err-area-not-found`. A code, or an empty field, is returned as typed for the caller
    /// to check as before.
    pub async fn typed_area(
        &self,
        input: &str,
        field: &'static str,
        levels: &[RegionLevel],
        e: &mut benteng_domain::FieldErrors,
    ) -> Result<Option<String>> {
        let t = input.trim();
        if t.is_empty() || !t.chars().any(char::is_alphabetic) {
            return Ok(Some(t.to_string()));
        }
        Ok(match self.area_by_name(t, levels).await? {
            crate::area_names::AreaMatch::One(c) => Some(c.as_str().to_string()),
            crate::area_names::AreaMatch::Several { .. } => {
                e.add(field, "err-area-choose");
                None
            }
            crate::area_names::AreaMatch::None => {
                e.add(field, "err-area-not-found");
                None
            }
        })
    }

    /// A village (desa/kelurahan) typed into a form, as a code or a name: at village level
    /// and in the region list, or an error on `field` (a Fluent id) and `None`.
    pub async fn known_village(
        &self,
        input: &str,
        field: &'static str,
        e: &mut benteng_domain::FieldErrors,
    ) -> Result<Option<RegionCode>> {
        let Some(input) = self
            .typed_area(input, field, &[RegionLevel::Desa], e)
            .await?
        else {
            return Ok(None);
        };
        match RegionCode::parse(&input) {
            Ok(c) if c.level() == RegionLevel::Desa => {
                if self.region_by_code(c.as_str()).await?.is_some() {
                    Ok(Some(c))
                } else {
                    e.add(field, "err-region-unknown");
                    Ok(None)
                }
            }
            Ok(_) => {
                e.add(field, "err-region-need-desa");
                Ok(None)
            }
            Err(code) => {
                e.add(field, code);
                Ok(None)
            }
        }
    }

    /// The region with its ancestors (province first is last in the list).
    pub(crate) async fn region_path_raw(&self, code: &str) -> Result<Option<RegionPath>> {
        let Some(region) = self.region_by_code(code).await? else {
            return Ok(None);
        };
        let Ok(rc) = RegionCode::parse(code) else {
            return Ok(None);
        };
        let mut codes = Vec::new();
        let mut p = rc.parent();
        while let Some(c) = p {
            p = c.parent();
            codes.push(c);
        }
        let mut ancestors = Vec::new();
        for c in codes {
            if let Some(r) = self.region_by_code(c.as_str()).await? {
                ancestors.push(r);
            }
        }
        Ok(Some(RegionPath { region, ancestors }))
    }

    pub async fn region_path(&self, ctx: &Ctx, code: &str) -> Result<Option<RegionPath>> {
        ctx.require(Action::RegionView, None)?;
        self.region_path_raw(code).await
    }

    /// Children of `parent` (provinces when `None`), paged, in code order.
    pub async fn region_children(
        &self,
        ctx: &Ctx,
        parent: Option<&str>,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Region>> {
        ctx.require(Action::RegionView, None)?;
        let mut f = Filter::default();
        match parent {
            Some(p) => {
                let ph = f.text(p);
                f.push(format!("parent_code = {ph}"));
            }
            None => f.push("level = 1".into()),
        }
        self.region_page(f, page, per_page).await
    }

    /// Search by code prefix (dotted or bare digits) or by a part of the name.
    pub async fn region_search(
        &self,
        ctx: &Ctx,
        q: &str,
        level: Option<RegionLevel>,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Region>> {
        ctx.require(Action::RegionView, None)?;
        let ix = self.region_index().await?;
        let level = level.map(|l| l as i64);
        let q = q.trim();
        let matches: Vec<&Region> = if let Ok(code) = RegionCode::parse(q) {
            let c = code.as_str();
            let prefix = format!("{c}.");
            ix.rows
                .iter()
                .map(|(r, _)| r)
                .filter(|r| {
                    level.is_none_or(|l| r.level == l)
                        && (r.code == c || r.code.starts_with(&prefix))
                })
                .collect()
        } else {
            let key = search_key(q);
            if key.is_empty() {
                Vec::new()
            } else {
                ix.matching(&key, level).collect()
            }
        };
        let (page, per_page, offset) = crate::paging(page, per_page);
        let items = matches
            .iter()
            .skip(offset as usize)
            .take(per_page as usize)
            .map(|r| (*r).clone())
            .collect();
        Ok(Page {
            items,
            total: matches.len() as i64,
            page,
            per_page,
            more: false,
        })
    }

    async fn region_page(
        &self,
        f: Filter,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<Region>> {
        let (page, per_page, offset) = crate::paging(page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM regions{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<Region>(format!(
                "SELECT code, name, level, parent_code FROM regions{} ORDER BY level, code LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    /// Counts per level, for the region page header and the load check.
    pub async fn region_level_counts(&self) -> Result<Vec<(i64, i64)>> {
        let rows =
            sqlx::query("SELECT level, COUNT(*) AS n FROM regions GROUP BY level ORDER BY level")
                .fetch_all(&self.db.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>("level")?, r.try_get::<i64, _>("n")?)))
            .collect()
    }
}

/// The regions repository, reached as `db.regions()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_parses_completely() {
        let (rows, bad) = parse_csv(WILAYAH_CSV, |_| true);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(rows.len(), 91_599);
        let desa = rows
            .iter()
            .filter(|(c, _)| c.level() == RegionLevel::Desa)
            .count();
        assert_eq!(desa, 83_762);
    }

    #[test]
    fn bad_rows_carry_line_numbers() {
        let (rows, bad) = parse_csv("kode,nama\n35,Jawa Timur\n3x,Rusak\n35.07,\n", |_| true);
        assert_eq!(rows.len(), 1);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), vec![3, 4]);
    }

    /// A region looked up by code is kept for seconds; loading the region list drops what
    /// was kept, so a village added by a load is known at once in this process.
    #[tokio::test]
    async fn a_region_load_is_seen_at_once_by_the_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let (rows, _) = parse_csv(
            "kode,nama\n35,Jawa Timur\n35.07,Malang\n35.07.04,Kalipare\n",
            |_| true,
        );
        db.regions().load_regions(&rows).await.unwrap();
        let code = "35.07.04.2007";
        assert!(db.regions().region_by_code(code).await.unwrap().is_none());
        let (rows, _) = parse_csv("kode,nama\n35.07.04.2007,Sumberpetung\n", |_| true);
        db.regions().load_regions(&rows).await.unwrap();
        let found = db.regions().region_by_code(code).await.unwrap();
        assert_eq!(found.map(|r| r.name).as_deref(), Some("Sumberpetung"));
    }

    #[test]
    fn search_key_normalises() {
        assert_eq!(search_key("Urek - Urek"), "urek urek");
        assert_eq!(search_key("Soka'an"), "sokaan");
    }
}
