//! Skrining: matching people against a watchlist of Indonesian names, NIKs, birth dates and
//! phones. Pure and in memory: [`Index::build`] from [`WatchEntry`]s, then [`Index::search`]
//! with a [`Query`] gives ranked [`Hit`]s with a 0–100 score, an alert flag and the
//! [`Reason`]s. The index is `Send + Sync`; share it in an `Arc` and rebuild it when the
//! watchlist changes.
//!
//! # Score
//! The name similarity (0–1, see [`score`]) times 100 is the start; then:
//! birth date exact: 60 % of the remaining distance to 100 is added, a careless date (swapped,
//! one digit, a year off) 25 %, a different date −25; the query's NIK date against the entry's
//! birth date (when one side has no birth date) +50 % / +20 % / −15; NIK exact: at least 90
//! then +50 %, NIK one digit off: at least 70 then +30 %, different NIKs −15; phone exact: at
//! least 75 then +50 %, same last nine digits +10 %; a different sex −20.
//!
//! # Ranking
//! Hits are ordered by score plus twice the *support* of identifiers and dates (a near name
//! with the same birth date above a namesake nobody can tell apart). Some name rules shape
//! the order: an initial weighs one letter on both sides ("Budi S." is as close to Budi
//! Santoso as to Budi Susanto, and closer to either than to a plain Budi); a father's name
//! (after bin/binti) met as someone's own name counts 0.8 of its similarity, and a name whose
//! only matched words are fathers' names keeps 0.6 of its score (so "Sri binti Sarito" finds
//! the Sris before a man called Sarito). A query with a name only cannot tell namesakes apart:
//! its list holds at most three hits of one and the same name before the other names it may
//! mean.
//!
//! # Alert rule
//! A hit alerts the officer when
//! 1. the NIK is the same; or
//! 2. the NIK is one digit off (or two neighbours swapped) and the name is at least 0.6 alike
//!    or a birth date fits; or
//! 3. a phone number is the same; or
//! 4. nothing contradicts (no different birth date, NIK or sex) and, with N the number of
//!    names on the list and *rarity* the Σ ln(N/df) of the matched words (so N·e^−rarity is
//!    how many people on the list would share the name by chance):
//!    a. the name is at least 0.80 alike, a birth date (or the NIK's date) is the same and
//!    rarity ≥ ln N − 8.5 (fewer than ~5,000 namesakes in a million: with birth dates spread
//!    over some 17,000 days, the chance that one of them shares an applicant's birth date
//!    stays below one in five, and such a match is worth a question in the interview); or
//!    b. the name is at least 0.88 alike, a birth date is close (swapped, one digit, a year
//!    off) and rarity ≥ ln N − 3 (fewer than ~20 namesakes); or
//!    c. there is no birth date to compare, the name is at least 0.92 alike and rarity ≥
//!    ln N + 3: fewer than one in twenty random people would share it by chance.
//!
//! A common name alone (Siti Aminah, Muhammad Rizki) therefore never alerts: it needs a birth
//! date, NIK or phone to back it.

mod index;
pub mod normalize;
mod reason;
pub(crate) mod score;

pub use index::Index;
pub use normalize::{canonical, normalize, phonetic, NameToken};
pub use reason::{reason_codes, DateMatch, NamePart, NikMatch, PartRule, PhoneMatch, Reason};

use crate::nik::Sex;
use time::Date;

/// One person (or recruiter) on the watchlist. Invalid NIKs or phones are ignored by the
/// index, not refused: watchlists hold what reports said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchEntry {
    pub id: String,
    /// The name first, then aliases.
    pub names: Vec<String>,
    pub birth_date: Option<Date>,
    /// 16 digits (separators allowed); the structure is not required to be valid.
    pub nik: Option<String>,
    pub phones: Vec<String>,
}

/// The person being screened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub name: String,
    pub birth_date: Option<Date>,
    pub nik: Option<String>,
    pub phones: Vec<String>,
    /// Declared sex; when absent the query NIK's sex is used.
    pub sex: Option<Sex>,
}

/// A watchlist entry found for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position of the entry in the list given to [`Index::build`].
    pub entry: u32,
    pub id: String,
    pub score: u8,
    pub alert: bool,
    pub reasons: Vec<Reason>,
}

impl Hit {
    /// The reasons as `;`-separated codes (the CSV `reasons` column).
    pub fn codes(&self) -> String {
        reason_codes(&self.reasons)
    }
}

/// Everything known about one query–entry pair, before it becomes a score.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Evidence {
    pub name: f32,
    /// Rarity of the matched name words (Σ sim · ln(N/df)).
    pub name_info: f32,
    pub dob: Option<DateMatch>,
    pub nik_dob: Option<DateMatch>,
    pub nik: Option<NikMatch>,
    pub phone: Option<PhoneMatch>,
    pub sex_mismatch: bool,
}

impl Evidence {
    pub(crate) fn score(&self) -> u8 {
        let mut s = 100.0 * self.name;
        let toward = |s: f32, f: f32| s + (100.0 - s) * f;
        match self.dob {
            Some(DateMatch::Exact) => s = toward(s, 0.6),
            Some(DateMatch::Mismatch) => s -= 25.0,
            Some(_) => s = toward(s, 0.25),
            None => {}
        }
        match self.nik_dob {
            Some(DateMatch::Exact) => s = toward(s, 0.5),
            Some(DateMatch::Mismatch) => s -= 15.0,
            Some(_) => s = toward(s, 0.2),
            None => {}
        }
        match self.nik {
            Some(NikMatch::Exact) => s = toward(s.max(90.0), 0.5),
            Some(NikMatch::OneDigit | NikMatch::Transposed) => s = toward(s.max(70.0), 0.3),
            Some(NikMatch::Mismatch) => s -= 15.0,
            None => {}
        }
        match self.phone {
            Some(PhoneMatch::Exact) => s = toward(s.max(75.0), 0.5),
            Some(PhoneMatch::LastNine) => s = toward(s, 0.1),
            None => {}
        }
        if self.sex_mismatch {
            s -= 20.0;
        }
        s.round().clamp(0.0, 100.0) as u8
    }

    /// How much the identifiers and dates back the hit; breaks ties between equal scores
    /// (a name-only match of 100 ranks below the same name with the same birth date).
    pub(crate) fn support(&self) -> i8 {
        let date = |d: Option<DateMatch>, exact: i8| match d {
            Some(DateMatch::Exact) => exact,
            Some(DateMatch::Mismatch) => -exact,
            Some(_) => exact / 2,
            None => 0,
        };
        let nik = match self.nik {
            Some(NikMatch::Exact) => 6,
            Some(NikMatch::OneDigit | NikMatch::Transposed) => 3,
            Some(NikMatch::Mismatch) => -3,
            None => 0,
        };
        let phone = match self.phone {
            Some(PhoneMatch::Exact) => 5,
            Some(PhoneMatch::LastNine) => 1,
            None => 0,
        };
        date(self.dob, 4) + date(self.nik_dob, 3) + nik + phone - 3 * i8::from(self.sex_mismatch)
    }

    /// The alert rule of the module documentation; `ln_n` is ln N.
    pub(crate) fn alert(&self, ln_n: f32) -> bool {
        let nik_typo = matches!(self.nik, Some(NikMatch::OneDigit | NikMatch::Transposed));
        let date_fits = |d: Option<DateMatch>| d.is_some_and(DateMatch::fits);
        let date_exact = |d: Option<DateMatch>| d == Some(DateMatch::Exact);
        if self.nik == Some(NikMatch::Exact) || self.phone == Some(PhoneMatch::Exact) {
            return true;
        }
        if nik_typo && (self.name >= 0.6 || date_fits(self.dob) || date_fits(self.nik_dob)) {
            return true;
        }
        let contradicted = self.dob == Some(DateMatch::Mismatch)
            || self.nik_dob == Some(DateMatch::Mismatch)
            || self.nik == Some(NikMatch::Mismatch)
            || self.sex_mismatch;
        if contradicted {
            return false;
        }
        let rarity = self.name_info;
        if self.name >= 0.80
            && (date_exact(self.dob) || date_exact(self.nik_dob))
            && rarity >= ln_n - 8.5
        {
            return true;
        }
        if self.name >= 0.88
            && (date_fits(self.dob) || date_fits(self.nik_dob))
            && rarity >= ln_n - 3.0
        {
            return true;
        }
        self.dob.is_none() && self.nik_dob.is_none() && self.name >= 0.92 && rarity >= ln_n + 3.0
    }

    /// The name is rare enough to alert on its own (rule 4c).
    pub(crate) fn distinctive(&self, ln_n: f32) -> bool {
        self.name_info >= ln_n + 3.0
    }
}

#[cfg(test)]
mod tests;
