//! Daftar pantau: an officer's own flag, a CSV import with every bad row reported by its line,
//! the entries of my area, and ending one. The input is read and checked here; the storage
//! checks the policy and the area again, keeps the entries and writes the audit log. People
//! named in reports are on the watchlist without appearing here: they are managed through
//! their reports.

use super::invalid;
use crate::csv_rows::read as read_csv;
use benteng_db::screening::{split_list, NewWatch, WatchFilter};
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::nik::Nik;
use benteng_domain::phone::PhoneNumber;
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, RegionCode, RegionLevel};
use serde::Deserialize;

pub use benteng_db::screening::{ImportOutcome, RowError, WatchRow};

/// Kinds of watchlist entries.
pub const CATEGORIES: &[&str] = &["perekrut", "berisiko", "hilang", "lainnya"];

/// Most rows of one imported list.
const IMPORT_ROWS: usize = 100_000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WatchInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    /// Other names, one per line (or separated by `;`).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub aliases: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub birth_date: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub nik: String,
    /// Phones, one per line (or separated by `;`), any local form.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phones: String,
    /// perekrut, berisiko, hilang or lainnya.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub category: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
    /// The person's village (desa code), optional.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    /// Last day the entry counts (YYYY-MM-DD), optional.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub valid_until: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WatchQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    /// `1` to include ended entries.
    pub all: Option<String>,
    pub page: Option<i64>,
}

/// An officer flags a person. Returns the entry's id.
pub async fn flag(db: &Db, ctx: &Ctx, i: &WatchInput) -> Result<i64> {
    ctx.require(Action::WatchlistManage, None)?;
    let mut e = FieldErrors::new();
    let v = read(db, ctx, i, &mut e).await?;
    match v {
        Some(v) if e.is_empty() => db.screening().create_watch(ctx, &v).await,
        _ => Err(Error::Invalid(e)),
    }
}

/// Import a CSV list (header `name,aliases,birth_date,nik,phones,category,note,region_code,valid_until`;
/// only `name` and `category` are required; extra columns are ignored). Every bad row is
/// reported with its line number. With `all_or_nothing`, one bad row imports nothing;
/// otherwise the good rows are imported.
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    data: &[u8],
    all_or_nothing: bool,
) -> Result<ImportOutcome> {
    ctx.require(Action::WatchlistManage, None)?;
    let (rows, mut errors) = read_csv(
        data,
        &[
            "name",
            "aliases",
            "birth_date",
            "nik",
            "phones",
            "category",
            "note",
            "region_code",
            "valid_until",
        ],
        &["name", "category"],
        IMPORT_ROWS,
    )
    .map_err(|c| invalid("file", c))?;
    let mut good = Vec::new();
    for row in &rows {
        let input = WatchInput {
            name: row.get(0).into(),
            aliases: row.get(1).into(),
            birth_date: row.get(2).into(),
            nik: row.get(3).into(),
            phones: row.get(4).into(),
            category: row.get(5).into(),
            note: row.get(6).into(),
            region_code: row.get(7).into(),
            valid_until: row.get(8).into(),
        };
        let mut e = FieldErrors::new();
        match read(db, ctx, &input, &mut e).await? {
            Some(v) if e.is_empty() => good.push(v),
            _ => errors.extend(e.0.iter().map(|x| RowError {
                line: row.line,
                field: x.field.to_string(),
                code: x.code.to_string(),
            })),
        }
    }
    errors.sort_by_key(|e| e.line);
    if all_or_nothing && !errors.is_empty() {
        return Ok(ImportOutcome {
            imported: 0,
            errors,
        });
    }
    let imported = db
        .screening()
        .import_watch(ctx, &good, errors.len())
        .await?;
    Ok(ImportOutcome { imported, errors })
}

/// Watchlist entries of my area, and entries without a village (national lists), newest
/// first; NIKs and phones masked.
pub async fn list(db: &Db, ctx: &Ctx, q: &WatchQuery, per_page: i64) -> Result<Page<WatchRow>> {
    ctx.require(Action::WatchlistView, None)?;
    let category = match q.category.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) if CATEGORIES.contains(&c) => Some(c.to_string()),
        Some(_) => return Err(invalid("category", "err-invalid-choice")),
    };
    let f = WatchFilter {
        q: q.q.clone(),
        category,
        all: q.all.as_deref() == Some("1"),
        page: q.page,
    };
    db.screening().list_watch(ctx, &f, per_page).await
}

/// End an entry: it stays for the record, no longer matched.
pub async fn end(db: &Db, ctx: &Ctx, id: i64) -> Result<()> {
    db.screening().end_watch(ctx, id).await
}

/// Read an entry into `e`, then check its village against my area (a lookup in the storage).
/// `None` when the name is missing; other errors are in `e` alone.
async fn read(db: &Db, ctx: &Ctx, i: &WatchInput, e: &mut FieldErrors) -> Result<Option<NewWatch>> {
    // The village may be typed by name; a name that fits none or several is an error here.
    let mut typed = i.clone();
    typed.region_code = db
        .regions()
        .typed_area(&i.region_code, "region_code", &[RegionLevel::Desa], e)
        .await?
        .unwrap_or_default();
    let v = parse(&typed, e);
    if let Some(v) = &v {
        db.screening()
            .check_watch_place(ctx, v.region.as_ref(), e)
            .await?;
    }
    Ok(v)
}

fn parse(i: &WatchInput, e: &mut FieldErrors) -> Option<NewWatch> {
    let name = e.check("name", required_text(&i.name, 200));
    let aliases: Vec<&str> = split_list(&i.aliases).collect();
    if aliases.len() > 20 || aliases.iter().any(|a| a.chars().count() > 200) {
        e.add("aliases", "err-too-long");
    }
    let birth_date = match i.birth_date.trim() {
        "" => None,
        d => e.check("birth_date", date(d)).map(format_date),
    };
    let nik = match i.nik.trim() {
        "" => None,
        n => e
            .check("nik", Nik::parse(n))
            .map(|n| n.as_str().to_string()),
    };
    let mut phones = Vec::new();
    for p in split_list(&i.phones) {
        match PhoneNumber::parse(p) {
            Ok(p) => phones.push(p.as_str().to_string()),
            Err(c) => {
                e.add("phones", c);
                break;
            }
        }
    }
    let category = i.category.trim();
    if category.is_empty() {
        e.add("category", "err-required");
    } else if !CATEGORIES.contains(&category) {
        e.add("category", "err-invalid-choice");
    }
    let note = e.check("note", optional_text(&i.note, 1000)).flatten();
    let region = match i.region_code.trim() {
        "" => None,
        r => match RegionCode::parse(r) {
            Ok(c) if c.level() == RegionLevel::Desa => Some(c),
            Ok(_) => {
                e.add("region_code", "err-region-need-desa");
                None
            }
            Err(c) => {
                e.add("region_code", c);
                None
            }
        },
    };
    let valid_until = match i.valid_until.trim() {
        "" => None,
        d => e.check("valid_until", date(d)).map(format_date),
    };
    Some(NewWatch {
        name: name?,
        aliases: aliases.join("\n"),
        birth_date,
        nik,
        phones: phones.join("\n"),
        category: category.to_string(),
        note,
        region,
        valid_until,
    })
}
