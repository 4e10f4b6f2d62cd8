//! The NIK check of the verification workflow: what the calon PMI register would say about a
//! NIK and, when given, the birth date and sex the person declared (structure, the district
//! in the region list, birth date and sex, age 18), answered without storing anything. No row
//! and no audit entry is written: the check is a question about personal data, not a record
//! of it.

use super::birth_date_field;
use crate::regions::RegionPath;
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::{Action, FieldErrors, Nik, Sex};
use serde::Deserialize;
use time::Date;

/// A NIK to check, with what the person declared. Text fields are read leniently, as every
/// input is (`crate::de::loose`): a NIK sent as a number is read as its digits.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NikCheckInput {
    /// The 16 digits; spaces, dots or dashes between them are allowed.
    #[serde(deserialize_with = "crate::de::loose")]
    pub nik: String,
    /// The birth date the person declared, `YYYY-MM-DD` (empty or absent: none declared).
    #[serde(default, deserialize_with = "crate::de::loose")]
    #[schema(pattern = r"^(|[0-9]{4}-[0-9]{2}-[0-9]{2})$")]
    pub birth_date: String,
    /// The sex the person declared: `male` or `female` (empty or absent: none declared).
    #[serde(default, deserialize_with = "crate::de::loose")]
    #[schema(pattern = "^(|male|female)$")]
    pub sex: String,
}

/// What the check found.
#[derive(Debug, Clone)]
pub struct NikCheck {
    /// Why the NIK is not a NIK (`err-required`, `err-nik-format`); `None` when it is one.
    pub nik_error: Option<&'static str>,
    /// The district (*kecamatan*) of the NIK with its kabupaten/kota and province, `None`
    /// when the NIK is not valid or its district is not in the region list.
    pub region: Option<RegionPath>,
    /// The birth date in the NIK, the century chosen so that it is not after this year.
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    /// The register's flags (`nik:region_unknown`, `nik:dob_mismatch`, `nik:sex_mismatch`,
    /// `age:under_18`, `nik:under_18`), in the register's order; none for a NIK that is not
    /// valid (the register refuses such a NIK rather than flag it).
    pub findings: Vec<&'static str>,
}

/// Check a NIK as the register does (any signed-in user: only the public region list is
/// read). A declared birth date or sex that cannot be read is refused (`Invalid`, naming the
/// field); a NIK that is not one is an answer, not a refusal (`nik_error`).
pub async fn check_nik(db: &Db, ctx: &Ctx, i: &NikCheckInput) -> Result<NikCheck> {
    ctx.require(Action::RegionView, None)?;
    let mut e = FieldErrors::new();
    let declared_birth = birth_date_field(&i.birth_date, &mut e);
    let declared_sex = e.check("sex", declared_sex(&i.sex)).flatten();
    if !e.is_empty() {
        return Err(Error::Invalid(e));
    }
    let nik = match i.nik.trim() {
        "" => Err("err-required"),
        n => Nik::parse(n),
    };
    let nik = match nik {
        Ok(n) => n,
        Err(code) => {
            return Ok(NikCheck {
                nik_error: Some(code),
                region: None,
                birth_date: None,
                sex: None,
                findings: Vec::new(),
            })
        }
    };
    let region = crate::regions::path(db, ctx, nik.region_code().as_str()).await?;
    let findings = db
        .migrants()
        .person_findings(Some(&nik), declared_birth, declared_sex)
        .await?;
    Ok(NikCheck {
        nik_error: None,
        region,
        birth_date: nik.birth_date(crate::today().year()),
        sex: Some(nik.sex()),
        findings,
    })
}

/// `male` or `female` (the API's words for the register's `l` and `p`), or nothing.
fn declared_sex(s: &str) -> std::result::Result<Option<Sex>, &'static str> {
    match s.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "male" => Ok(Some(Sex::Male)),
        "female" => Ok(Some(Sex::Female)),
        _ => Err("err-invalid-choice"),
    }
}
