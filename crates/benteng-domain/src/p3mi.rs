//! Licensed placement companies (*P3MI*, Perusahaan Penempatan Pekerja Migran Indonesia, UU
//! 18/2017 Pasal 49): a company may recruit only with a valid SIP3MI licence, and place
//! workers only in the countries its placement permits (SIP2MI) cover. A licence past its end
//! date is shown as expired without anyone editing the entry.

use serde::Serialize;
use time::Date;

/// The state of a licence on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Aktif,
    /// Past its end date.
    Kedaluwarsa,
    /// Revoked or suspended by the ministry.
    Dicabut,
}

impl LicenceStatus {
    /// A revoked licence stays revoked; otherwise the end date decides (valid through that day;
    /// no end date recorded counts as valid).
    pub fn on(valid_until: Option<Date>, revoked: bool, today: Date) -> LicenceStatus {
        if revoked {
            LicenceStatus::Dicabut
        } else if valid_until.is_some_and(|d| d < today) {
            LicenceStatus::Kedaluwarsa
        } else {
            LicenceStatus::Aktif
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceStatus::Aktif => "aktif",
            LicenceStatus::Kedaluwarsa => "kedaluwarsa",
            LicenceStatus::Dicabut => "dicabut",
        }
    }
}

/// A licence number as written on SIP3MI decisions: letters, digits and `/ . -` separators,
/// 3–60 characters, compared without case and spaces.
pub fn licence_no(input: &str) -> Result<String, &'static str> {
    let s: String = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("")
        .to_uppercase();
    if s.is_empty() {
        return Err("err-required");
    }
    let ok = (3..=60).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-'))
        && s.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(s)
    } else {
        Err("err-licence-no")
    }
}

/// Destination countries as ISO 3166 alpha-2 codes, from `MY, sg;HK` in any mix of
/// separators; each code two letters.
pub fn countries(input: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for c in input
        .split([',', ';', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        if c.len() != 2 || !c.chars().all(|x| x.is_ascii_alphabetic()) {
            return Err("err-country-code");
        }
        let c = c.to_uppercase();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn status_follows_the_end_date_unless_revoked() {
        let today = date!(2026 - 11 - 29);
        assert_eq!(
            LicenceStatus::on(Some(today), false, today),
            LicenceStatus::Aktif,
            "valid through its last day"
        );
        assert_eq!(
            LicenceStatus::on(Some(date!(2026 - 11 - 28)), false, today),
            LicenceStatus::Kedaluwarsa
        );
        assert_eq!(LicenceStatus::on(None, false, today), LicenceStatus::Aktif);
        assert_eq!(
            LicenceStatus::on(Some(date!(2030 - 01 - 01)), true, today),
            LicenceStatus::Dicabut
        );
    }

    #[test]
    fn licence_numbers_and_countries_are_normalised() {
        assert_eq!(licence_no(" kep 123 / 2024 ").unwrap(), "KEP123/2024");
        assert_eq!(licence_no(""), Err("err-required"));
        assert_eq!(licence_no("ABC"), Err("err-licence-no"), "needs a digit");
        assert_eq!(licence_no("12<script>"), Err("err-licence-no"));
        assert_eq!(countries("my, SG;hk my").unwrap(), ["MY", "SG", "HK"]);
        assert_eq!(countries(""), Ok(vec![]));
        assert_eq!(countries("Malaysia"), Err("err-country-code"));
    }
}
