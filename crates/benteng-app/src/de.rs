//! Serde helpers for input types: API clients may send numbers or booleans where forms send
//! text, and every field is read as text first so that its parser gives the error.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    S(String),
    I(i64),
    F(f64),
    B(bool),
}

/// Accept a string, number or boolean (or null) and keep it as text for parsing.
pub fn loose<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        None => String::new(),
        Some(Loose::S(s)) => s,
        Some(Loose::I(i)) => i.to_string(),
        Some(Loose::F(f)) => f.to_string(),
        Some(Loose::B(b)) => (if b { "1" } else { "" }).to_string(),
    })
}

/// Like [`loose`], for checkboxes: absent, null and false mean unticked.
pub fn loose_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = loose(d)?;
    Ok((!s.is_empty()).then_some(s))
}

/// A checkbox counts as ticked for any value a form or a JSON client may send.
pub fn ticked(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("1" | "on" | "true" | "ya" | "yes"))
}
