//! NIK (*Nomor Induk Kependudukan*), the 16-digit national population number:
//! `PP KK CC DDMMYY SSSS` — province, regency/city and district (*kecamatan*) where the NIK was
//! first registered, the birth date with 40 added to the day for women, and a serial.
//!
//! There is no check digit: only the structure can be checked. Region existence is checked
//! against the region table elsewhere; this module only exposes the code.

use crate::region::RegionCode;
use serde::Serialize;
use std::fmt;
use time::{Date, Month};

/// Sex as the NIK encodes it (and as forms declare it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A structurally valid NIK: 16 digits, non-zero region parts, a day of 01–31 (men) or
/// 41–71 (women), a month of 01–12, a date that exists, and a non-zero serial.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Nik(String);

/// Something about a NIK that does not fit what the person declared. A mismatch means "send to
/// Dukcapil for checking", never an automatic refusal: legacy NIKs keep old birth dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NikFinding {
    /// The NIK's DDMMYY is not the declared birth date (compared without the century).
    BirthDateMismatch {
        nik_day: u8,
        nik_month: u8,
        nik_yy: u8,
    },
    /// The NIK's day field says one sex, the person declared the other.
    SexMismatch { nik: Sex },
    /// Under 18 on `today`, by the declared birth date or, when none was declared, the NIK's.
    Under18 { age: u8, from_nik: bool },
    /// The declared birth date says adult but the NIK's date says under 18 (an aged-up KTP).
    NikSaysUnder18 { age: u8 },
}

impl NikFinding {
    /// Short stable ASCII code, for CSV and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BirthDateMismatch { .. } => "nik:dob_mismatch",
            Self::SexMismatch { .. } => "nik:sex_mismatch",
            Self::Under18 { .. } => "age:under_18",
            Self::NikSaysUnder18 { .. } => "nik:under_18",
        }
    }
}

impl Nik {
    /// Accepts the 16 digits with optional spaces, dots or dashes between them.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let digits = nik_digits(input).ok_or("err-nik-format")?;
        let d = digits.as_bytes();
        let two = |i: usize| (d[i] - b'0') * 10 + (d[i + 1] - b'0');
        let (prov, kab, kec) = (two(0), two(2), two(4));
        let (day, month, yy) = (two(6), two(8), two(10));
        let serial_zero = &digits[12..] == "0000";
        let day_ok = (1..=31).contains(&day) || (41..=71).contains(&day);
        if prov < 11 || kab == 0 || kec == 0 || serial_zero || !day_ok {
            return Err("err-nik-format");
        }
        // The date must exist in at least one century (29 Feb 00 exists in 2000).
        let exists = [1900, 2000]
            .iter()
            .any(|c| make_date(c + i32::from(yy), month, day % 40).is_some());
        if !exists {
            return Err("err-nik-format");
        }
        Ok(Nik(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 16 digits as a number (for compact indexes).
    pub fn as_u64(&self) -> u64 {
        self.0.parse().unwrap_or(0)
    }

    /// The district (*kecamatan*) where the NIK was first registered, as `35.07.11`.
    pub fn region_code(&self) -> RegionCode {
        RegionCode::parse(&self.0[..6]).expect("six digits always form a district code")
    }

    pub fn sex(&self) -> Sex {
        if self.day_field() > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Day, month and two-digit year as written in the NIK (day without the +40).
    pub fn birth_ddmmyy(&self) -> (u8, u8, u8) {
        (self.day_field() % 40, self.field(8), self.field(10))
    }

    /// The birth date, choosing the century so that the year is not after `reference_year`
    /// (the year of the document or of the check; nobody on record is taken to be 100 or
    /// older). `None` only for 29 February in a century year that was not a leap year.
    pub fn birth_date(&self, reference_year: i32) -> Option<Date> {
        let (day, month, yy) = self.birth_ddmmyy();
        let year = reference_year - (reference_year - i32::from(yy)).rem_euclid(100);
        make_date(year, month, day)
    }

    /// Compare the NIK with what the person declared. Findings are in a fixed order: birth
    /// date, sex, age.
    pub fn check(
        &self,
        declared_birth: Option<Date>,
        declared_sex: Option<Sex>,
        today: Date,
    ) -> Vec<NikFinding> {
        let mut out = Vec::new();
        let (nd, nm, ny) = self.birth_ddmmyy();
        if let Some(b) = declared_birth {
            let same = b.day() == nd && u8::from(b.month()) == nm && (b.year() % 100) as u8 == ny;
            if !same {
                out.push(NikFinding::BirthDateMismatch {
                    nik_day: nd,
                    nik_month: nm,
                    nik_yy: ny,
                });
            }
        }
        if let Some(s) = declared_sex {
            if s != self.sex() {
                out.push(NikFinding::SexMismatch { nik: self.sex() });
            }
        }
        let nik_age = self.birth_date(today.year()).map(|d| age_on(d, today));
        match declared_birth.map(|d| age_on(d, today)) {
            Some(a) if a < 18 => out.push(NikFinding::Under18 {
                age: a.max(0) as u8,
                from_nik: false,
            }),
            Some(_) => {
                if let Some(a) = nik_age.filter(|a| *a < 18) {
                    out.push(NikFinding::NikSaysUnder18 {
                        age: a.max(0) as u8,
                    });
                }
            }
            None => {
                if let Some(a) = nik_age.filter(|a| *a < 18) {
                    out.push(NikFinding::Under18 {
                        age: a.max(0) as u8,
                        from_nik: true,
                    });
                }
            }
        }
        out
    }

    fn field(&self, i: usize) -> u8 {
        let d = self.0.as_bytes();
        (d[i] - b'0') * 10 + (d[i + 1] - b'0')
    }

    fn day_field(&self) -> u8 {
        self.field(6)
    }
}

/// The 16 digits of something that looks like a NIK (separators removed), without checking
/// its structure. The matcher indexes such strings: watchlists hold fake NIKs too.
pub fn nik_digits(input: &str) -> Option<String> {
    let t: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect();
    (t.len() == 16 && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

/// Completed years from `birth` to `today` (negative if `birth` is in the future).
pub fn age_on(birth: Date, today: Date) -> i32 {
    let mut age = today.year() - birth.year();
    if (u8::from(today.month()), today.day()) < (u8::from(birth.month()), birth.day()) {
        age -= 1;
    }
    age
}

fn make_date(year: i32, month: u8, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Show the region part of a NIK only (the first six digits: province, kabupaten/kota,
/// kecamatan); the birth date and serial number become dots. Works on any text, so a stored
/// NIK that never parsed is masked all the same.
pub fn mask_nik(s: &str) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 6 { c } else { '•' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn parses_and_reads_the_parts() {
        let n = Nik::parse("3507 1152 0890 0001").unwrap();
        assert_eq!(n.as_str(), "3507115208900001");
        assert_eq!(n.region_code().as_str(), "35.07.11");
        assert_eq!(n.sex(), Sex::Female);
        assert_eq!(n.birth_ddmmyy(), (12, 8, 90));
        assert_eq!(n.birth_date(2026), Some(date!(1990 - 08 - 12)));
        let m = Nik::parse("3507111208050002").unwrap();
        assert_eq!(m.sex(), Sex::Male);
        assert_eq!(m.birth_date(2026), Some(date!(2005 - 08 - 12)));
        // The century is chosen relative to the reference year.
        assert_eq!(m.birth_date(2004), Some(date!(1905 - 08 - 12)));
        assert_eq!(m.birth_date(2005), Some(date!(2005 - 08 - 12)));
    }

    #[test]
    fn refuses_bad_structure() {
        for s in [
            "",
            "350711120890000",   // 15 digits
            "35071112089000011", // 17 digits
            "35071112089O0001",  // a letter O
            "0507111208900001",  // province 05
            "3500111208900001",  // regency 00
            "3507001208900001",  // district 00
            "3507113208900001",  // day 32
            "3507117208900001",  // day 72
            "3507110013900001",  // day 00, month 13
            "3507111213900001",  // month 13
            "3507113002900001",  // 30 February
            "3507112902010001",  // 29 February 1901/2001
            "3507111208900000",  // serial 0000
        ] {
            assert_eq!(Nik::parse(s), Err("err-nik-format"), "{s}");
        }
        // 29 February 2000 exists; in 1900 it did not.
        let leap = Nik::parse("3507112902000001").unwrap();
        assert_eq!(leap.birth_date(2026), Some(date!(2000 - 02 - 29)));
        assert_eq!(leap.birth_date(1999), None);
    }

    #[test]
    fn check_reports_every_mismatch() {
        let today = date!(2026 - 03 - 01);
        let n = Nik::parse("3507115208900001").unwrap(); // woman, 12 Aug 1990
        assert!(n
            .check(Some(date!(1990 - 08 - 12)), Some(Sex::Female), today)
            .is_empty());
        assert_eq!(
            n.check(Some(date!(1990 - 08 - 13)), Some(Sex::Male), today),
            vec![
                NikFinding::BirthDateMismatch {
                    nik_day: 12,
                    nik_month: 8,
                    nik_yy: 90
                },
                NikFinding::SexMismatch { nik: Sex::Female }
            ]
        );
        // A minor by the NIK whose declared birth date was moved back ("menuakan usia").
        let minor = Nik::parse("3507115208100001").unwrap(); // 12 Aug 2010
        let f = minor.check(Some(date!(2000 - 08 - 12)), None, today);
        assert_eq!(f[0].code(), "nik:dob_mismatch");
        assert_eq!(f[1], NikFinding::NikSaysUnder18 { age: 15 });
        assert_eq!(
            minor.check(None, None, today),
            vec![NikFinding::Under18 {
                age: 15,
                from_nik: true
            }]
        );
        assert_eq!(
            minor.check(Some(date!(2010 - 08 - 12)), None, today),
            vec![NikFinding::Under18 {
                age: 15,
                from_nik: false
            }]
        );
        // The 18th birthday itself is adult.
        let eighteen = Nik::parse("3507110103080001").unwrap(); // 1 Mar 2008
        assert!(eighteen.check(None, None, today).is_empty());
    }

    proptest! {
        #[test]
        fn birth_date_round_trips(days in 0i32..36_000, woman: bool, serial in 1u32..9999) {
            let birth = date!(1927 - 01 - 01) + time::Duration::days(i64::from(days));
            let day = birth.day() + if woman { 40 } else { 0 };
            let s = format!(
                "350711{day:02}{:02}{:02}{serial:04}",
                u8::from(birth.month()),
                birth.year() % 100
            );
            let n = Nik::parse(&s).unwrap();
            prop_assert_eq!(n.birth_date(2026), Some(birth));
            prop_assert_eq!(n.sex() == Sex::Female, woman);
            let findings = n.check(Some(birth), None, date!(2026 - 06 - 01));
            let mismatch = findings
                .iter()
                .any(|f| matches!(f, NikFinding::BirthDateMismatch { .. }));
            prop_assert!(!mismatch);
        }

        #[test]
        fn parse_never_panics(s in "[0-9 .-]{0,24}") {
            if let Ok(n) = Nik::parse(&s) {
                prop_assert_eq!(Nik::parse(n.as_str()).unwrap(), n);
            }
        }
    }

    #[test]
    fn masking_keeps_only_the_region() {
        assert_eq!(mask_nik("3507045708950001"), "350704••••••••••");
        assert_eq!(mask_nik("3507"), "3507");
    }
}
