//! The registry of licensed placement companies (P3MI): anyone searches it before paying a
//! company anything; admins keep it by hand or by CSV import. The entries are read here into
//! [`P3miEntry`]; the storage keeps them, matches an import's licence numbers and audits.

use crate::de::ticked;
use benteng_db::p3mi::{P3miEntry, IMPORT_COLUMNS};
use benteng_db::screening::RowError;
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::p3mi::{countries, licence_no};
use benteng_domain::values::{date, format_date, optional_text, required_text};
use benteng_domain::{Action, FieldErrors, PhoneNumber};
use serde::Deserialize;

pub use benteng_db::p3mi::P3mi;
pub use benteng_db::screening::ImportOutcome;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct P3miInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub name: String,
    /// SIP3MI licence number.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub licence_no: String,
    /// YYYY-MM-DD.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub licence_date: String,
    /// Last day of validity, YYYY-MM-DD.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub valid_until: String,
    /// Ticked when the ministry revoked or suspended the licence.
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub revoked: Option<String>,
    /// Destination countries (ISO codes, separated by commas).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub countries: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub address: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub phone: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub note: String,
}

/// Search by part of the name or the licence number; anyone may (no actor). Each entry
/// carries its licence status today.
pub async fn search(db: &Db, q: &str, page: Option<i64>) -> Result<Page<P3mi>> {
    db.p3mi().search_p3mi(q, page).await
}

/// One company (public).
pub async fn show(db: &Db, id: i64) -> Result<P3mi> {
    db.p3mi().get_p3mi(id).await
}

/// Companies whose licence is valid today, for choosing one in a form: (id, name, licence
/// number) by name.
pub async fn choices(db: &Db) -> Result<Vec<(i64, String, String)>> {
    db.p3mi().p3mi_choices().await
}

/// Add a company (admins), or change one (`id`). Returns its id.
pub async fn save(db: &Db, ctx: &Ctx, id: Option<i64>, i: &P3miInput) -> Result<i64> {
    ctx.require(Action::P3miManage, None)?;
    let mut e = FieldErrors::new();
    let v = match read(i, &mut e) {
        Some(v) if e.is_empty() => v,
        _ => return Err(Error::Invalid(e)),
    };
    db.p3mi().save_p3mi(ctx, id, &v).await
}

/// Import a CSV (header `name,licence_no,licence_date,valid_until,revoked,countries,address,phone,note`;
/// `name` and `licence_no` required; columns found by name). A row whose licence number is
/// already registered updates that entry. Every bad row is reported with its line; with
/// `all_or_nothing` one bad row imports nothing.
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    data: &[u8],
    all_or_nothing: bool,
) -> Result<ImportOutcome> {
    ctx.require(Action::P3miManage, None)?;
    let (rows, mut errors) =
        crate::csv_rows::read(data, &IMPORT_COLUMNS, &["name", "licence_no"], 20_000)
            .map_err(|c| crate::invalid("file", c))?;
    let mut good: Vec<P3miEntry> = Vec::new();
    for row in &rows {
        let line = row.line;
        let input = P3miInput {
            name: row.get(0).into(),
            licence_no: row.get(1).into(),
            licence_date: row.get(2).into(),
            valid_until: row.get(3).into(),
            revoked: matches!(
                row.get(4).to_lowercase().as_str(),
                "1" | "ya" | "yes" | "true" | "dicabut"
            )
            .then(|| "1".to_string()),
            countries: row.get(5).into(),
            address: row.get(6).into(),
            phone: row.get(7).into(),
            note: row.get(8).into(),
        };
        let mut e = FieldErrors::new();
        match read(&input, &mut e) {
            Some(v) if e.is_empty() => {
                if good.iter().any(|g| g.licence_no == v.licence_no) {
                    errors.push(RowError {
                        line,
                        field: "licence_no".into(),
                        code: "err-licence-twice".into(),
                    });
                } else {
                    good.push(v);
                }
            }
            _ => errors.extend(e.0.iter().map(|x| RowError {
                line,
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
    db.p3mi().import_p3mi(ctx, &good, errors.len()).await?;
    Ok(ImportOutcome {
        imported: good.len(),
        errors,
    })
}

/// Read an entry: `None` (with the errors in `e`) when a required field is wrong; other
/// errors are only in `e`.
fn read(i: &P3miInput, e: &mut FieldErrors) -> Option<P3miEntry> {
    let name = e.check("name", required_text(&i.name, 200));
    let licence = e.check("licence_no", licence_no(&i.licence_no));
    let licence_date = match i.licence_date.trim() {
        "" => None,
        d => e.check("licence_date", date(d)).map(format_date),
    };
    let valid_until = match i.valid_until.trim() {
        "" => None,
        d => e.check("valid_until", date(d)).map(format_date),
    };
    let list = e.check("countries", countries(&i.countries));
    let address = e.check("address", optional_text(&i.address, 300)).flatten();
    let phone = match i.phone.trim() {
        "" => None,
        p => e
            .check("phone", PhoneNumber::parse(p))
            .map(|p| p.as_str().to_string()),
    };
    let note = e.check("note", optional_text(&i.note, 1000)).flatten();
    Some(P3miEntry {
        name: name?,
        licence_no: licence?,
        licence_date,
        valid_until,
        revoked: ticked(&i.revoked),
        countries: list?.join(","),
        address,
        phone,
        note,
    })
}
