//! The Kemendagri region list as users browse it (public reference data: any signed-in user),
//! and the reading of a region code typed into a form.

use benteng_db::{Ctx, Db, Page, Result};
use benteng_domain::{FieldErrors, RegionCode, RegionLevel, Scope};

pub use benteng_db::area_names::{AreaChoice, AreaMatch};
pub use benteng_db::regions::{Region, RegionPath};

/// Children of `parent` (provinces when `None`), paged, in code order.
pub async fn children(
    db: &Db,
    ctx: &Ctx,
    parent: Option<&str>,
    page: Option<i64>,
    per_page: i64,
) -> Result<Page<Region>> {
    db.regions()
        .region_children(ctx, parent, page, per_page)
        .await
}

/// Regions whose code starts with `q` or whose name holds it, optionally at one level.
pub async fn search(
    db: &Db,
    ctx: &Ctx,
    q: &str,
    level: Option<RegionLevel>,
    page: Option<i64>,
    per_page: i64,
) -> Result<Page<Region>> {
    db.regions()
        .region_search(ctx, q, level, page, per_page)
        .await
}

/// One region with its ancestors, `None` when the code is unknown.
pub async fn path(db: &Db, ctx: &Ctx, code: &str) -> Result<Option<RegionPath>> {
    db.regions().region_path(ctx, code).await
}

pub(crate) const ALL_LEVELS: [RegionLevel; 4] = [
    RegionLevel::Provinsi,
    RegionLevel::KabupatenKota,
    RegionLevel::Kecamatan,
    RegionLevel::Desa,
];

/// A place typed into `field`, as a code or a name (`benteng_db::area_names`): parsed, at a level `accepts` (otherwise the error
/// `wrong_level`) and in the region list (otherwise `err-region-unknown`).
pub(crate) async fn known_region(
    db: &Db,
    input: &str,
    field: &'static str,
    e: &mut FieldErrors,
    accepts: impl Fn(RegionLevel) -> bool,
    wrong_level: &'static str,
) -> Result<Option<RegionCode>> {
    let levels: Vec<RegionLevel> = ALL_LEVELS.into_iter().filter(|l| accepts(*l)).collect();
    let Some(input) = db.regions().typed_area(input, field, &levels, e).await? else {
        return Ok(None);
    };
    Ok(match RegionCode::parse(&input) {
        Ok(c) if accepts(c.level()) => {
            if db.regions().region_by_code(c.as_str()).await?.is_some() {
                Some(c)
            } else {
                e.add(field, "err-region-unknown");
                None
            }
        }
        Ok(_) => {
            e.add(field, wrong_level);
            None
        }
        Err(code) => {
            e.add(field, code);
            None
        }
    })
}

/// Villages whose name begins like `text`, for the village pickers of public and signed-in
/// forms: (code, village, kecamatan, kabupaten/kota).
pub async fn village_choices(db: &Db, text: &str) -> Result<Vec<(String, String, String, String)>> {
    db.regions().public_village_choices(text).await
}

/// "Desa X, Kec. Y, Kab. Z" for a village code; `None` when it is not a village.
pub async fn village_label(db: &Db, code: &str) -> Result<Option<String>> {
    db.regions().village_label(code).await
}

/// The places a typed name fits at `levels` (for a form to offer when it fits several), with
/// full labels, those in `near` (the user's scope) first, then those in the same provinces,
/// at most [`benteng_db::area_names::MAX_CHOICES`]; empty for a code or an empty field.
pub async fn area_choices(
    db: &Db,
    text: &str,
    levels: &[RegionLevel],
    near: Option<&Scope>,
) -> Result<Vec<AreaChoice>> {
    if !text.chars().any(char::is_alphabetic) {
        return Ok(Vec::new());
    }
    let mut choices = match db.regions().area_by_name(text, levels).await? {
        AreaMatch::Several { choices, .. } => choices,
        _ => return Ok(Vec::new()),
    };
    if let Some(scope) = near {
        choices.sort_by_key(|c| nearness(scope, &c.code));
    }
    choices.truncate(benteng_db::area_names::MAX_CHOICES);
    Ok(choices)
}

/// 0 inside the scope, 1 in a province the scope touches, 2 elsewhere.
fn nearness(scope: &Scope, code: &str) -> u8 {
    let Ok(c) = RegionCode::parse(code) else {
        return 2;
    };
    if scope.contains(&c) {
        return 0;
    }
    let province = &code[..2.min(code.len())];
    let touches = match scope {
        Scope::Province(p) => p.as_str() == province,
        Scope::Regencies(list) => list.iter().any(|r| r.as_str().starts_with(province)),
        Scope::Village(v) => v.as_str().starts_with(province),
        _ => false,
    };
    if touches {
        1
    } else {
        2
    }
}

/// Suggestions while typing a place: up to `limit` places whose name is, begins with or
/// holds `text`, those `near` (the user's scope) first.
pub async fn area_suggestions(
    db: &Db,
    text: &str,
    levels: &[RegionLevel],
    limit: usize,
    near: Option<&Scope>,
) -> Result<Vec<AreaChoice>> {
    if search_len(text) < 3 {
        return Ok(Vec::new());
    }
    let mut found = db
        .regions()
        .area_suggestions(text, levels, benteng_db::area_names::MAX_CANDIDATES)
        .await?;
    if let Some(scope) = near {
        found.sort_by_key(|c| nearness(scope, &c.code));
    }
    found.truncate(limit);
    Ok(found)
}

fn search_len(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// "Sitiarjo, Sumbermanjing Wetan, Kabupaten Malang, Jawa Timur" for a code (what a place
/// field shows for a place already chosen); the code itself when it is unknown.
pub async fn area_label(db: &Db, code: &str) -> Result<String> {
    if code.trim().is_empty() || code.chars().any(char::is_alphabetic) {
        return Ok(code.to_string());
    }
    Ok(db
        .regions()
        .area_label(code.trim())
        .await?
        .unwrap_or_else(|| code.to_string()))
}

/// What a place typed as a name (or a code) is, at `levels`.
pub async fn read_area(db: &Db, text: &str, levels: &[RegionLevel]) -> Result<AreaMatch> {
    db.regions().area_by_name(text, levels).await
}
