//! One place picker for every place field. Nobody types a Kemendagri code: a place field is a
//! text box that takes the name ("Sitiarjo", "Sitiarjo, Sumbermanjing Wetan", "Kab. Malang")
//! or the code; the storage reads it (`benteng_db::area_names`). With JavaScript, typing
//! three letters lists matching places with their kecamatan and kabupaten
//! (`/wilayah/saran`, a small JSON answer) and choosing one fills in its full label. Without
//! JavaScript, a name that fits several places comes back with those places as radio
//! buttons, the rest of the form kept; a name that fits none says so.

use super::Field;
use crate::error::WebError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use benteng_app::regions::AreaChoice;
use benteng_domain::{RegionLevel, Scope};

pub fn routes() -> Router<AppState> {
    Router::new().route("/wilayah/saran", get(suggest))
}

/// The levels a village field takes.
pub const DESA: &[RegionLevel] = &[RegionLevel::Desa];
/// Any level (an alert's or an event's area, a report filter).
pub const ANY: &[RegionLevel] = &[
    RegionLevel::Provinsi,
    RegionLevel::KabupatenKota,
    RegionLevel::Kecamatan,
    RegionLevel::Desa,
];

fn levels_attr(levels: &[RegionLevel]) -> String {
    levels
        .iter()
        .map(|l| (*l as i64).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Make `f` a place field taking `levels`: a code shown as its label, and, when the typed
/// name fits several places, those places offered as choices, those `near` (the user's
/// scope) first.
pub async fn place(
    state: &AppState,
    mut f: Field,
    levels: &[RegionLevel],
    near: Option<&Scope>,
) -> Result<Field, WebError> {
    f.kind = "area";
    f.levels = levels_attr(levels);
    if f.error.is_some() {
        f.options = benteng_app::regions::area_choices(&state.db, &f.value, levels, near)
            .await?
            .into_iter()
            .map(|c| (c.code, c.label))
            .collect();
    } else {
        f.value = benteng_app::regions::area_label(&state.db, &f.value).await?;
    }
    Ok(f)
}

/// The label of a chosen code, for hand-written place inputs (the code itself if unknown).
pub async fn label(state: &AppState, code: &str) -> Result<String, WebError> {
    Ok(benteng_app::regions::area_label(&state.db, code).await?)
}

#[derive(serde::Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
    /// Levels, "4" or "1,2,3,4"; every level when absent.
    #[serde(default)]
    tingkat: String,
}

/// Up to eight places for the text typed so far (at least three letters), as
/// `[{"code": …, "label": …}]`, those in a signed-in user's scope first. Public: the region
/// list is public reference data, and the public report form uses it.
async fn suggest(
    State(state): State<AppState>,
    v: crate::ctx::Viewer,
    Query(q): Query<SuggestQuery>,
) -> Result<Response, WebError> {
    let mut levels: Vec<RegionLevel> = q
        .tingkat
        .split(',')
        .filter_map(|s| s.trim().parse::<i64>().ok())
        .filter_map(RegionLevel::from_i64)
        .collect();
    if levels.is_empty() {
        levels = ANY.to_vec();
    }
    let q: String = q.q.chars().take(100).collect();
    let found: Vec<AreaChoice> = benteng_app::regions::area_suggestions(
        &state.db,
        &q,
        &levels,
        8,
        v.ctx.as_ref().map(|c| &c.actor.scope),
    )
    .await?;
    Ok((
        [(header::CACHE_CONTROL, "private, max-age=3600")],
        Json(found),
    )
        .into_response())
}

/// [`place`] for the fields of `fields` named in `which` (name, levels), in place.
pub async fn places(
    state: &AppState,
    fields: &mut [Field],
    which: &[(&str, &[RegionLevel])],
    near: Option<&Scope>,
) -> Result<(), WebError> {
    for f in fields.iter_mut() {
        if let Some((_, levels)) = which.iter().find(|(n, _)| *n == f.name) {
            let taken = std::mem::replace(
                f,
                Field {
                    name: f.name,
                    label: String::new(),
                    kind: "text",
                    value: String::new(),
                    options: Vec::new(),
                    required: false,
                    hint: None,
                    error: None,
                    levels: String::new(),
                },
            );
            *f = place(state, taken, levels, near).await?;
        }
    }
    Ok(())
}

/// A place input written into a page's own template (`_area_input.html`, bound as `a`),
/// for forms that do not use `_fields.html`.
pub struct AreaInput {
    pub id: &'static str,
    pub name: &'static str,
    /// The label of a chosen code, or the text as typed.
    pub value: String,
    pub levels: String,
    /// When the typed name fits several places: (code, label).
    pub choices: Vec<(String, String)>,
}

impl AreaInput {
    /// The input for `value` (a code or typed text); `failed` when the field has an error,
    /// which offers the places a typed name fits.
    pub async fn new(
        state: &AppState,
        id: &'static str,
        name: &'static str,
        value: &str,
        failed: bool,
        levels: &[RegionLevel],
        near: Option<&Scope>,
    ) -> Result<AreaInput, WebError> {
        let choices = if failed {
            benteng_app::regions::area_choices(&state.db, value, levels, near)
                .await?
                .into_iter()
                .map(|c| (c.code, c.label))
                .collect()
        } else {
            Vec::new()
        };
        Ok(AreaInput {
            id,
            name,
            value: label(state, value).await?,
            levels: levels_attr(levels),
            choices,
        })
    }
}

/// A place typed into a list's filter (a GET form): the code to filter by, the input to show
/// again, and the error message key when the name fits several places (offered as choices)
/// or none. A code is passed on as typed for the list to check.
pub async fn filter(
    state: &AppState,
    id: &'static str,
    name: &'static str,
    typed: Option<&str>,
    levels: &[RegionLevel],
    near: Option<&Scope>,
) -> Result<(Option<String>, AreaInput, Option<&'static str>), WebError> {
    let text = typed.map(str::trim).unwrap_or("");
    let (code, error) = if text.is_empty() {
        (None, None)
    } else if !text.chars().any(char::is_alphabetic) {
        (Some(text.to_string()), None)
    } else {
        match benteng_app::regions::read_area(&state.db, text, levels).await? {
            benteng_app::regions::AreaMatch::One(c) => (Some(c.as_str().to_string()), None),
            benteng_app::regions::AreaMatch::Several { .. } => (None, Some("err-area-choose")),
            benteng_app::regions::AreaMatch::None => (None, Some("err-area-not-found")),
        }
    };
    let input = AreaInput::new(state, id, name, text, error.is_some(), levels, near).await?;
    Ok((code, input, error))
}
