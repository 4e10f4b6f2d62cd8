//! The village search of the enrol form: villages inside the actor's scope whose name or code
//! matches, from the in-memory region list, with whether each is already a desa binaan.

use crate::regions::Region;
use crate::sql::Filter;
use crate::{Ctx, Db, Result};
use benteng_domain::{Action, RegionCode};

impl Db {
    /// Villages the actor could enrol whose name or code matches `q` (for the enrol form's
    /// search, which works without JavaScript). At most 30, with their kecamatan.
    pub async fn desa_choices(
        &self,
        ctx: &Ctx,
        q: &str,
    ) -> Result<Vec<(String, String, String, bool)>> {
        ctx.require(Action::DesaBinaanManage, None)?;
        let q = q.trim();
        if q.chars().count() < 3 {
            return Ok(Vec::new());
        }
        let ix = self.region_index().await?;
        let in_scope =
            |r: &Region| RegionCode::parse(&r.code).is_ok_and(|c| ctx.actor.scope.contains(&c));
        let found: Vec<&Region> = if let Ok(code) = RegionCode::parse(q) {
            let prefix = code.as_str();
            ix.rows
                .iter()
                .map(|(r, _)| r)
                .filter(|r| r.level == 4 && r.code.starts_with(prefix) && in_scope(r))
                .take(30)
                .collect()
        } else {
            let key = crate::regions::search_key(q);
            ix.matching(&key, Some(4))
                .filter(|r| in_scope(r))
                .take(30)
                .collect()
        };
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let mut f = Filter::default();
        let ps: Vec<String> = found.iter().map(|r| f.text(r.code.clone())).collect();
        let enrolled: Vec<String> = f
            .query_as::<(String,)>(format!(
                "SELECT region_code FROM desa_binaan WHERE region_code IN ({})",
                ps.join(", ")
            ))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(c,)| c)
            .collect();
        Ok(found
            .into_iter()
            .map(|r| {
                let kec = r
                    .parent_code
                    .as_deref()
                    .and_then(|p| ix.get(p))
                    .map(|k| k.name.clone())
                    .unwrap_or_default();
                (
                    r.code.clone(),
                    r.name.clone(),
                    kec,
                    enrolled.contains(&r.code),
                )
            })
            .collect())
    }
}
