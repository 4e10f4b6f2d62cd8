//! Small value types parsed from user input: required text, optional counts, dates.

use time::{macros::format_description, Date};

/// Trimmed text of 1..=max characters; control characters other than newline are refused.
pub fn required_text(input: &str, max: usize) -> Result<String, &'static str> {
    let t = input.trim();
    if t.is_empty() {
        return Err("err-required");
    }
    optional_text(t, max).map(|o| o.unwrap_or_default())
}

/// Trimmed text up to `max` characters; empty means `None`.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, &'static str> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err("err-too-long");
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("err-bad-characters");
    }
    Ok(Some(t.to_string()))
}

/// An ISO 3166-1 alpha-2 country code (two letters, any case); empty means `None`. Which
/// countries a form offers is the form's choice; this is only the code's shape.
pub fn optional_country(input: &str) -> Result<Option<String>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        d if d.len() == 2 && d.chars().all(|c| c.is_ascii_alphabetic()) => {
            Ok(Some(d.to_uppercase()))
        }
        _ => Err("err-invalid-choice"),
    }
}

/// A non-negative whole number up to a sane bound; empty means `None`.
pub fn optional_count(input: &str, max: i64) -> Result<Option<i64>, &'static str> {
    let t = input.trim().replace(['.', ','], "");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        Ok(_) => Err("err-out-of-range"),
        Err(_) => Err("err-not-a-number"),
    }
}

/// A calendar date as `YYYY-MM-DD` (what `<input type="date">` sends), between 1945 and 2100.
pub fn date(input: &str) -> Result<Date, &'static str> {
    let t = input.trim();
    if t.is_empty() {
        return Err("err-required");
    }
    let d =
        Date::parse(t, format_description!("[year]-[month]-[day]")).map_err(|_| "err-bad-date")?;
    if !(1945..=2100).contains(&d.year()) {
        return Err("err-bad-date");
    }
    Ok(d)
}

/// Like [`date`], but empty means `None`.
pub fn optional_date(input: &str) -> Result<Option<Date>, &'static str> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        date(input).map(Some)
    }
}

/// `YYYY-MM-DD`, the form dates are stored and sent in.
pub fn format_date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// A login name: 3..=40 of a-z, 0-9, dot, dash, underscore; stored lower-case.
pub fn username(input: &str) -> Result<String, &'static str> {
    let t = input.trim().to_lowercase();
    if t.len() < 3 || t.len() > 40 {
        return Err("err-username");
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
    {
        return Err("err-username");
    }
    Ok(t)
}

/// Words an attacker of this system tries first, beyond zxcvbn's (English) lists: the
/// product, the agency, the country and common Indonesian password words.
const LOCAL_WORDS: &[&str] = &[
    "benteng",
    "imigrasi",
    "kanim",
    "kanwil",
    "desa",
    "binaan",
    "indonesia",
    "jakarta",
    "merdeka",
    "garuda",
    "pancasila",
    "bismillah",
    "sayang",
    "rahasia",
    "katasandi",
    "sandi",
    "admin",
    "petugas",
    "password",
    "kemenkumham",
    "imipas",
    "tppo",
    "pmi",
];

/// A new password: at least 10 characters, at most 200 (the bound only stops abuse of the
/// hasher), and not guessable: the zxcvbn estimator (common passwords, words, names,
/// keyboard runs, sequences, dates, repeats, l33t) must rate it at least 3 of 4 ("safely
/// unguessable", about 10^8 guesses or more), counting `about` — the user's own username,
/// name and e-mail — and [`LOCAL_WORDS`] as known words. `1234567890`, `password123` or a
/// user's name with a year are refused; four ordinary words are welcome.
pub fn new_password(input: &str, about: &[&str]) -> Result<String, &'static str> {
    let n = input.chars().count();
    if n < 10 {
        return Err("err-password-short");
    }
    if n > 200 {
        return Err("err-too-long");
    }
    // Each of `about` as typed, its words, and its words run together ("Siti Aminah":
    // "siti", "aminah", "sitiaminah"), in lower case as the estimator compares.
    let mut known: Vec<String> = LOCAL_WORDS.iter().map(|w| w.to_string()).collect();
    for a in about {
        let a = a.to_lowercase();
        let words: Vec<&str> = a
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 3)
            .collect();
        known.extend(words.iter().map(|w| w.to_string()));
        known.push(words.concat());
        known.push(a.clone());
    }
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let score = u8::from(zxcvbn::zxcvbn(input, &known).score());
    if score < 3 {
        return Err("err-password-weak");
    }
    Ok(input.to_string())
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading apostrophe: an export must not carry code into someone's Excel. Every CSV the
/// product writes passes its text cells through this.
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// An e-mail address, checked loosely (one `@`, a dot in the domain, no spaces).
pub fn optional_email(input: &str) -> Result<Option<String>, &'static str> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let ok = t.len() <= 200
        && !t.contains(char::is_whitespace)
        && t.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !d.contains('@')
        });
    if ok {
        Ok(Some(t.to_lowercase()))
    } else {
        Err("err-email")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(optional_country(" my "), Ok(Some("MY".into())));
        assert_eq!(optional_country(""), Ok(None));
        assert_eq!(optional_country("MYS"), Err("err-invalid-choice"));
        assert_eq!(optional_country("M1"), Err("err-invalid-choice"));
    }

    use super::*;

    #[test]
    fn text_rules() {
        assert_eq!(required_text("  a ", 5), Ok("a".into()));
        assert_eq!(required_text("   ", 5), Err("err-required"));
        assert_eq!(required_text("abcdef", 5), Err("err-too-long"));
        assert_eq!(required_text("a\u{0}b", 5), Err("err-bad-characters"));
        assert_eq!(optional_text("", 5), Ok(None));
    }

    #[test]
    fn counts_and_dates() {
        assert_eq!(optional_count("1.250", 1_000_000), Ok(Some(1250)));
        assert_eq!(optional_count("-1", 10), Err("err-out-of-range"));
        assert_eq!(optional_count("x", 10), Err("err-not-a-number"));
        assert!(date("2024-09-17").is_ok());
        assert_eq!(date("2024-02-30"), Err("err-bad-date"));
        assert_eq!(date("1800-01-01"), Err("err-bad-date"));
        assert_eq!(format_date(date("2024-09-17").unwrap()), "2024-09-17");
    }

    #[test]
    fn usernames_passwords_emails() {
        assert_eq!(username(" Budi.S "), Ok("budi.s".into()));
        assert_eq!(username("a b"), Err("err-username"));
        assert_eq!(new_password("short", &[]), Err("err-password-short"));
        assert_eq!(new_password("aaaaaaaaaaaa", &[]), Err("err-password-weak"));
        assert_eq!(new_password("1234567890", &[]), Err("err-password-weak"));
        assert_eq!(new_password("password123", &[]), Err("err-password-weak"));
        assert_eq!(new_password("qwertyuiop", &[]), Err("err-password-weak"));
        assert_eq!(new_password("Benteng2026!", &[]), Err("err-password-weak"));
        // The user's own names with a year are refused for them, not for others.
        assert_eq!(
            new_password("sitiaminah1990", &["siti.aminah", "Siti Aminah"]),
            Err("err-password-weak")
        );
        assert!(new_password("kuda lari cepat sekali", &[]).is_ok());
        assert!(new_password("sapi-merah-makan-tebu", &["budi"]).is_ok());
        assert_eq!(optional_email("x@desa.id"), Ok(Some("x@desa.id".into())));
        assert_eq!(optional_email("x@@desa"), Err("err-email"));
    }
}
