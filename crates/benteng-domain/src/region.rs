//! Kemendagri region codes: `35` provinsi, `35.07` kabupaten/kota, `35.07.11` kecamatan,
//! `35.07.11.2001` desa/kelurahan. The code's depth tells the level; every record in Benteng
//! belongs to a place through such a code, and scopes are prefixes of it.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Provinsi = 1,
    KabupatenKota = 2,
    Kecamatan = 3,
    Desa = 4,
}

impl RegionLevel {
    pub fn from_i64(n: i64) -> Option<Self> {
        Some(match n {
            1 => Self::Provinsi,
            2 => Self::KabupatenKota,
            3 => Self::Kecamatan,
            4 => Self::Desa,
            _ => return None,
        })
    }

    /// Fluent message id of the level's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Provinsi => "level-provinsi",
            Self::KabupatenKota => "level-kabkota",
            Self::Kecamatan => "level-kecamatan",
            Self::Desa => "level-desa",
        }
    }
}

/// A syntactically valid region code. Whether it exists is the region table's business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    /// Accepts the dotted form and also the bare digits of a NIK prefix (`350711` → `35.07.11`).
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let t = input.trim();
        let parts: Vec<&str> = if t.contains('.') {
            t.split('.').collect()
        } else {
            // Undotted: 2, 4, 6 or 10 digits.
            let widths: &[usize] = match t.len() {
                2 => &[2],
                4 => &[2, 2],
                6 => &[2, 2, 2],
                10 => &[2, 2, 2, 4],
                _ => return Err("err-region-code"),
            };
            let mut out = Vec::new();
            let mut at = 0;
            for w in widths {
                out.push(t.get(at..at + w).ok_or("err-region-code")?);
                at += w;
            }
            out
        };
        let widths = [2usize, 2, 2, 4];
        if parts.is_empty() || parts.len() > 4 {
            return Err("err-region-code");
        }
        for (p, w) in parts.iter().zip(widths) {
            if p.len() != w || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err("err-region-code");
            }
        }
        Ok(RegionCode(parts.join(".")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.len() {
            2 => RegionLevel::Provinsi,
            5 => RegionLevel::KabupatenKota,
            8 => RegionLevel::Kecamatan,
            _ => RegionLevel::Desa,
        }
    }

    /// The code one level up, `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        self.0
            .rfind('.')
            .map(|i| RegionCode(self.0[..i].to_string()))
    }

    /// The code of the ancestor at `level` (or itself), `None` when `level` is below this code.
    pub fn ancestor(&self, level: RegionLevel) -> Option<RegionCode> {
        let len = match level {
            RegionLevel::Provinsi => 2,
            RegionLevel::KabupatenKota => 5,
            RegionLevel::Kecamatan => 8,
            RegionLevel::Desa => 13,
        };
        (self.0.len() >= len).then(|| RegionCode(self.0[..len].to_string()))
    }

    /// True when this code is `other` or lies inside it.
    pub fn is_within(&self, other: &RegionCode) -> bool {
        self.0 == other.0
            || (self.0.len() > other.0.len()
                && self.0.starts_with(&other.0)
                && self.0.as_bytes()[other.0.len()] == b'.')
    }

    /// A desa code whose village part starts with 1 is a *kelurahan* (urban, no village head).
    pub fn is_kelurahan(&self) -> bool {
        self.level() == RegionLevel::Desa && self.0.as_bytes()[9] == b'1'
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn parses_dotted_and_bare_forms() {
        assert_eq!(rc("35.07.11.2001").as_str(), "35.07.11.2001");
        assert_eq!(rc("350711").as_str(), "35.07.11");
        assert_eq!(rc("3507112001").level(), RegionLevel::Desa);
        for bad in [
            "",
            "3",
            "35.7",
            "35.07.11.201",
            "35.07.11.2001.1",
            "ab",
            "35..07",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hierarchy() {
        let desa = rc("35.07.11.2001");
        assert_eq!(desa.parent(), Some(rc("35.07.11")));
        assert_eq!(desa.ancestor(RegionLevel::KabupatenKota), Some(rc("35.07")));
        assert!(desa.is_within(&rc("35.07")));
        assert!(desa.is_within(&desa));
        assert!(!desa.is_within(&rc("35.73")));
        assert!(!rc("35.07").is_within(&rc("35.07.11")));
        assert_eq!(rc("35").parent(), None);
        assert!(rc("35.07.05.1007").is_kelurahan());
        assert!(!desa.is_kelurahan());
    }

    proptest! {
        #[test]
        fn parse_roundtrips(p in 11u32..99, k in 1u32..99, c in 1u32..99, d in 1000u32..2999) {
            let s = format!("{p:02}.{k:02}.{c:02}.{d:04}");
            let code = rc(&s);
            prop_assert_eq!(code.as_str(), s.as_str());
            prop_assert_eq!(rc(&s.replace('.', "")), code.clone());
            prop_assert!(code.is_within(&code.ancestor(RegionLevel::Provinsi).unwrap()));
        }
    }
}
