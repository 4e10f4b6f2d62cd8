//! Indonesian phone numbers, normalised to `+62…` from every local way of writing them.

use serde::Serialize;
use std::fmt;

/// A phone number in E.164 form. Indonesian numbers written as `08…`, `8…`, `62…`, `+62…`,
/// `0062…`, with spaces, dots, dashes or brackets all become `+628…`. Foreign numbers must
/// start with `+` or `00`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let t = input.trim();
        let plus = t.starts_with('+');
        let mut digits = String::with_capacity(t.len());
        for c in t.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '/' => {}
                '+' if digits.is_empty() => {}
                _ => return Err("err-phone"),
            }
        }
        let e164 = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_string()
        } else if let Some(rest) = digits.strip_prefix('0') {
            format!("62{rest}")
        } else if digits.starts_with("62") {
            digits
        } else if digits.starts_with('8') {
            format!("62{digits}")
        } else {
            return Err("err-phone");
        };
        // Indonesian mobile and landline numbers have 9..=13 national digits.
        let ok = if let Some(national) = e164.strip_prefix("62") {
            (8..=13).contains(&national.len()) && !national.starts_with('0')
        } else {
            (8..=15).contains(&e164.len())
        };
        if !ok {
            return Err("err-phone");
        }
        Ok(PhoneNumber(format!("+{e164}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but the last three digits hidden, for roles that may not see it.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Hide all but the country code and the last three digits of a stored phone number.
pub fn mask_phone(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 3 || i + 3 >= n { c } else { '•' })
        .collect()
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_forms_become_plus_62() {
        for s in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "81234567890",
            "0062 812 3456 7890",
            "(0812) 3456.7890",
        ] {
            assert_eq!(
                PhoneNumber::parse(s).unwrap().as_str(),
                "+6281234567890",
                "{s}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+852 9123 4567").unwrap().as_str(),
            "+85291234567"
        );
    }

    #[test]
    fn bad_numbers_are_refused() {
        for s in [
            "",
            "abc",
            "0812",
            "12345",
            "+62 0812 3456 7890",
            "0812x3456789",
        ] {
            assert_eq!(PhoneNumber::parse(s), Err("err-phone"), "{s}");
        }
    }

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask_phone("+6281234567890"), "+62••••••••890");
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(s in "[0+ 8-9][0-9 -]{6,16}") {
            if let Ok(p) = PhoneNumber::parse(&s) {
                prop_assert_eq!(PhoneNumber::parse(p.as_str()).unwrap(), p);
            }
        }
    }
}
