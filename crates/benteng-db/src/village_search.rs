//! The village search of the enrol form: villages inside the actor's scope whose name or code
//! matches, from the in-memory region list, with whether each is already a desa binaan.

use crate::regions::Region;
use crate::sql::Filter;
use crate::{Ctx, Result};
use benteng_domain::{Action, RegionCode};

impl crate::regions::Repo<'_> {
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
            .fetch_all(&self.db.pool)
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

impl crate::regions::Repo<'_> {
    /// Villages anywhere whose name or code matches `q`, for the public report form (no
    /// account, so no scope): at most 20, as (code, village, kecamatan, kabupaten/kota).
    pub async fn public_village_choices(
        &self,
        q: &str,
    ) -> Result<Vec<(String, String, String, String)>> {
        let q = q.trim();
        if q.chars().count() < 3 {
            return Ok(Vec::new());
        }
        let ix = self.region_index().await?;
        let found: Vec<&Region> = if let Ok(code) = RegionCode::parse(q) {
            ix.rows
                .iter()
                .map(|(r, _)| r)
                .filter(|r| r.level == 4 && r.code.starts_with(code.as_str()))
                .take(20)
                .collect()
        } else {
            ix.matching(&crate::regions::search_key(q), Some(4))
                .take(20)
                .collect()
        };
        let name = |c: Option<&str>| {
            c.and_then(|c| ix.get(c))
                .map(|r| r.name.clone())
                .unwrap_or_default()
        };
        Ok(found
            .into_iter()
            .map(|r| {
                let kec = r.parent_code.as_deref();
                let kab = kec
                    .and_then(|k| ix.get(k))
                    .and_then(|k| k.parent_code.as_deref());
                (r.code.clone(), r.name.clone(), name(kec), name(kab))
            })
            .collect())
    }

    /// A village's name with its kecamatan, for showing a chosen code.
    pub async fn village_label(&self, code: &str) -> Result<Option<String>> {
        let ix = self.region_index().await?;
        Ok(ix.get(code).filter(|r| r.level == 4).map(|r| {
            let kec = r
                .parent_code
                .as_deref()
                .and_then(|p| ix.get(p))
                .map(|k| k.name.clone())
                .unwrap_or_default();
            format!("{}, {kec}", r.name)
        }))
    }
}
