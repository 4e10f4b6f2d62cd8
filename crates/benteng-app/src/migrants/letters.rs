//! The family permission letter (surat izin keluarga): the village fills in who gives the
//! permission, the storage numbers the letter per village and year, and the web crate prints
//! it from [`LetterData`].

use benteng_db::migrants::{LetterData, NewLetter};
use benteng_db::{Ctx, Db, Error, Result};
use benteng_domain::migrant::LetterKind;
use benteng_domain::values::{optional_text, required_text};
use benteng_domain::{Action, FieldErrors, Nik};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LetterInput {
    /// suami_istri, orang_tua, wali.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub kind: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_nik: String,
    /// "Malang, 12 Maret 1985".
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_birth: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub giver_address: String,
    /// suami, istri, ayah, ibu, wali…
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub relation: String,
    /// The village head who acknowledges the letter.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub head_name: String,
}

/// Issue a numbered family permission letter for a resident; the checklist step
/// "izin_keluarga" is marked done if it was not settled. Returns the letter's id.
pub async fn issue_letter(db: &Db, ctx: &Ctx, id: i64, i: &LetterInput) -> Result<i64> {
    let place = db.migrants().migrant_place(ctx, id).await?;
    ctx.require(Action::MigrantManage, Some(&place))?;
    let mut e = FieldErrors::new();
    let kind = e.check("kind", LetterKind::parse(&i.kind));
    let giver = e.check("giver_name", required_text(&i.giver_name, 200));
    let giver_nik = match i.giver_nik.trim() {
        "" => None,
        n => e
            .check("giver_nik", Nik::parse(n))
            .map(|n| n.as_str().to_string()),
    };
    let giver_birth = e
        .check("giver_birth", optional_text(&i.giver_birth, 120))
        .flatten();
    let giver_address = e
        .check("giver_address", optional_text(&i.giver_address, 300))
        .flatten();
    let relation = e.check("relation", required_text(&i.relation, 50));
    let head = e.check("head_name", required_text(&i.head_name, 200));
    let (Some(kind), Some(giver), Some(relation), Some(head)) = (kind, giver, relation, head)
    else {
        return Err(Error::Invalid(e));
    };
    if !e.is_empty() {
        return Err(Error::Invalid(e));
    }
    let letter = NewLetter {
        kind,
        giver_name: giver,
        giver_nik,
        giver_birth,
        giver_address,
        relation,
        head_name: head,
    };
    db.migrants().issue_letter(ctx, id, &letter).await
}

/// What a letter prints, full NIKs included: roles that may see them only; audited.
pub async fn letter(db: &Db, ctx: &Ctx, id: i64, letter_id: i64) -> Result<LetterData> {
    db.migrants().letter_data(ctx, id, letter_id).await
}
