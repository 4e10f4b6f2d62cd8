//! Figures, export (CSV; the web crate writes XLSX from the same rows) and CSV import (the
//! rows are read in `benteng_app::migrants`).

use super::*;

/// Figures per scope, counted at most once a minute per process: counting a province's
/// register takes tens of milliseconds, and a dashboard opened by many officers at once would
/// otherwise count it for each of them. A change shows in the figures within a minute.
#[derive(Debug, Clone, Default)]
pub struct FiguresCache(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, MigrantFigures>>>,
    /// One count at a time: when many officers open the dashboard at once, the first counts
    /// and the others wait for its result instead of all counting together.
    std::sync::Arc<tokio::sync::Mutex<()>>,
);

const FIGURES_SECS: i64 = 60;

impl FiguresCache {
    fn get(&self, key: &str, now: i64) -> Option<MigrantFigures> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|f| now - f.counted_at < FIGURES_SECS)
            .cloned()
    }

    fn put(&self, key: String, f: MigrantFigures) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Scopes are few (one per office, province or village); drop old ones anyway.
        map.retain(|_, v| f.counted_at - v.counted_at < FIGURES_SECS);
        map.insert(key, f);
    }
}

impl crate::migrants::Repo<'_> {
    /// Calon PMI per village and status in the actor's scope (the 200 villages with the most
    /// residents registered), and departures with and without the procedure.
    pub async fn migrant_figures(&self, ctx: &Ctx) -> Result<MigrantFigures> {
        let scope = self.migrant_scope(ctx).await?;
        let key = format!("{scope:?}");
        let now = crate::now();
        if let Some(f) = self.db.figures.get(&key, now) {
            return Ok(f);
        }
        let _counting = self.db.figures.1.lock().await;
        if let Some(f) = self.db.figures.get(&key, crate::now()) {
            return Ok(f);
        }
        let mut f = Filter::default();
        f.scope(&scope, "m.village_code", "m.kab_code", "m.prov_code");
        // Counted from the figures indexes alone; names are looked up for the villages shown.
        let rows: Vec<(String, String, i64, i64)> = f
            .query_as(format!(
                "SELECT m.village_code, m.status, m.nonprocedural, COUNT(*) FROM migrants m{} \
                 GROUP BY m.village_code, m.status, m.nonprocedural",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        let mut villages: Vec<VillageFigures> = Vec::new();
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut total = VillageFigures {
            by_status: vec![0; MigrantStatus::ALL.len()],
            ..Default::default()
        };
        for (code, status, nonproc, n) in rows {
            let Some(i) = MigrantStatus::ALL.iter().position(|s| s.as_str() == status) else {
                continue;
            };
            let st = MigrantStatus::ALL[i];
            let pos = *at.entry(code.clone()).or_insert_with(|| {
                villages.push(VillageFigures {
                    village_code: code,
                    by_status: vec![0; MigrantStatus::ALL.len()],
                    ..Default::default()
                });
                villages.len() - 1
            });
            for v in [&mut villages[pos], &mut total] {
                v.by_status[i] += n;
                if nonproc == 1 {
                    v.departed_nonprocedural += n;
                } else if st.has_left() {
                    v.departed_procedural += n;
                }
            }
        }
        villages.sort_by(|a, b| {
            b.total()
                .cmp(&a.total())
                .then(a.village_code.cmp(&b.village_code))
        });
        villages.truncate(200);
        if !villages.is_empty() {
            let mut names = Filter::default();
            let ps: Vec<String> = villages
                .iter()
                .map(|v| names.text(v.village_code.clone()))
                .collect();
            let found: Vec<(String, String)> = names
                .query_as(format!(
                    "SELECT code, name FROM regions WHERE code IN ({})",
                    ps.join(", ")
                ))
                .fetch_all(&self.db.pool)
                .await?;
            let found: std::collections::HashMap<String, String> = found.into_iter().collect();
            for v in &mut villages {
                v.village_name = found.get(&v.village_code).cloned().unwrap_or_default();
            }
        }
        let figures = MigrantFigures {
            villages,
            total,
            counted_at: now,
        };
        self.db.figures.put(key, figures.clone());
        Ok(figures)
    }

    /// Every resident matching the filter (up to 50,000), for CSV/XLSX export. NIK and phone
    /// in full only for roles that may see them; the export is audited with its row count.
    pub async fn export_migrants(&self, ctx: &Ctx, f: &MigrantQuery) -> Result<Vec<Migrant>> {
        let (filter, _) = self.migrant_filter(ctx, f).await?;
        let full = ctx.allows(Action::MigrantSensitiveView, None)
            && (ctx.actor.role != Role::Mitra || self.labour_agency(ctx).await?);
        let mut items: Vec<Migrant> = filter
            .query_as(format!(
                "{SELECT}{} ORDER BY m.village_code, m.name_search, m.id LIMIT 50000",
                filter.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        if !full {
            items.iter_mut().for_each(Migrant::mask);
        }
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "export",
                entity: "migrant",
                sensitive: full,
                detail: Some(format!("rows={} full={full}", items.len())),
                ..Default::default()
            },
        )
        .await?;
        Ok(items)
    }

    /// Register the good rows of an import (read by `benteng_app::migrants`, a NIK already
    /// registered in the same village left out) in one transaction; the audit entry counts
    /// them and the `errors` of the bad ones.
    pub async fn import_migrants(
        &self,
        ctx: &Ctx,
        rows: &[NewMigrant],
        errors: usize,
    ) -> Result<()> {
        ctx.require(Action::MigrantManage, None)?;
        let mut good = Vec::with_capacity(rows.len());
        for v in rows {
            ctx.require(Action::MigrantManage, Some(&v.village))?;
            good.push((v, self.person_flags(v).await?));
        }
        let mut tx = self.db.begin().await?;
        for (v, flags) in &good {
            insert_migrant(
                &mut tx,
                ctx,
                v,
                flags,
                MigrantStatus::Rencana,
                Some("import"),
            )
            .await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "import",
                entity: "migrant",
                detail: Some(format!("rows={} errors={errors}", good.len())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Columns an import reads, by name (a desa user's rows go to their village whatever
/// `village` says).
pub const IMPORT_COLUMNS: [&str; 12] = [
    "name",
    "nik",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "address",
    "village",
    "destination",
    "job",
    "scheme",
    "note",
];

/// Columns of the export (the import reads the ones it knows by name, so an exported file
/// can be edited and imported into another village's register).
pub const EXPORT_COLUMNS: [&str; 20] = [
    "id",
    "village",
    "village_name",
    "name",
    "nik",
    "nik_flags",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "address",
    "destination",
    "job",
    "scheme",
    "p3mi",
    "status",
    "departure_date",
    "return_date",
    "nonprocedural",
    "note",
];

pub use benteng_domain::values::safe_cell;

/// The export as rows of text, in [`EXPORT_COLUMNS`] order.
pub fn export_rows(items: &[Migrant]) -> Vec<Vec<String>> {
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    items
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.village_code.clone(),
                o(&m.village_name),
                m.name.clone(),
                o(&m.nik),
                m.nik_flags.clone(),
                o(&m.birth_place),
                o(&m.birth_date),
                o(&m.sex),
                o(&m.phone),
                o(&m.address),
                o(&m.destination),
                o(&m.job),
                m.scheme.clone(),
                o(&m.p3mi_name),
                m.status.clone(),
                o(&m.departure_date),
                o(&m.return_date),
                m.nonprocedural.to_string(),
                o(&m.note),
            ]
            .into_iter()
            .map(|c| safe_cell(&c))
            .collect()
        })
        .collect()
}

/// The export as CSV (UTF-8, comma separated, header row).
pub fn migrants_csv(items: &[Migrant]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(EXPORT_COLUMNS)
        .map_err(|e| Error::Other(e.into()))?;
    for row in export_rows(items) {
        w.write_record(&row).map_err(|e| Error::Other(e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Other(e.into()))
}
