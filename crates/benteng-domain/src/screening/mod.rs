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
//! the Sris before a man called Sarito). Words written as one, letter for letter, pair
//! before anything else, so a Balinese "I" or "Ni" is not taken for an initial:
//! "Ikadekwagiman" is I Kadek Wagiman. A query with a name only cannot tell namesakes apart:
//! its list holds at most three hits of one and the same name before the other names it may
//! mean.
//!
//! # Alert rule
//! An alert tells the interviewer "this is very likely the listed person: ask". It needs
//! evidence besides the name, and the rule says how strong that evidence is from counts the
//! index has. A hit alerts when
//! 1. the NIK is the same; or
//! 2. the NIK is one digit off (or two neighbours swapped) and the name is at least 0.6 alike
//!    or a birth date fits; or
//! 3. a phone number is the same; or
//! 4. nothing contradicts (no different birth date, NIK or sex), a birth date (or the NIK's
//!    date) agrees, the name is at least [`AlertRule::min_name`] alike, and the number of
//!    people on the list expected to agree this well **by chance** is at most
//!    [`AlertRule::max_chance`]:
//!
//!    *chance* = *namesakes* × *date share*, where *namesakes* is how many names on the list
//!    bear the name (the candidate itself included): when every word of both names met
//!    (optional words, fathers' names and titles aside; not by an initial, a cut word or a
//!    typo) the list's own count of that very name, written alike by sound; otherwise, or
//!    when smaller, N·e^−rarity (N the number of names on the list, rarity the Σ
//!    sim·ln(N/df) of the matched words, where a word met only through a typo is as rare as
//!    all the words one slip away from it together: how many names would match this well
//!    if words were drawn at random). *Chance* is then the probability that an applicant
//!    who bears the name but is not the listed person agrees on the date anyway, the false
//!    alarm the rule bounds. *Date share* is the share of the list born on that day (the list's own count of the day besides the entry,
//!    smoothed towards one day in 46 years, so the first of January, where undocumented
//!    births pile up, counts as the common day it is) or, for a careless date (swapped,
//!    one digit, a year off), [`AlertRule::careless_days`] days' worth; each pair of words
//!    left over on both sides ("Tukinem Wijaya" against "Tukinem Ketut") multiplies it by
//!    [`AlertRule::conflict`].
//!
//! A birth date is strong evidence: a rare name with the same birth date alerts even written
//! with a typo, an old spelling, a title and degree or an initial, while "Siti Aminah" with
//! hundreds of namesakes alerts on the exact date but not on a careless one. A name alone
//! never alerts, however rare: a namesake of a listed person with nothing to compare cannot
//! be told from them (the hit is shown with its score and the assessment weighs it as a
//! resemblance). The parameters were chosen on the benchmark populations for at most 1 % of
//! decoys alerted (docs/screening.md gives the calibration).
//!
//! # Common first names
//! A hit whose only matched words are very common given names (Muhammad and its spellings,
//! Siti, Sri, Nur, Dewi, the Balinese birth-order names …, and any word carried by more than
//! 2 % of the names of a list of at least 2,000), while the query has other words of its
//! own, is not a hit: "Muhammad Yusuf" does not resemble "Muhammad Darto". Unless a NIK or
//! phone links them, such entries are left out and only counted
//! ([`Search::common_only`]), so the page can say why there was no hit.

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

/// The parameters of alert rule 4 (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertRule {
    /// The least name similarity an alert backed by a birth date needs.
    pub min_name: f32,
    /// The most people on the list expected to agree by chance as well as the hit does.
    pub max_chance: f32,
    /// How many days' worth of birth dates a careless date (swapped, one digit, a year off)
    /// agrees with: the number of dates that slips of one digit, a swap or a year reach.
    pub careless_days: f32,
    /// How many times likelier a chance match is for each pair of words left over on both
    /// sides ("Tukinem Wijaya" against "Tukinem Ketut"): a listed person's own name rarely
    /// changes a word for another.
    pub conflict: f32,
}

impl AlertRule {
    /// One day's share of birth dates spread evenly over 46 years.
    pub const DAY_SHARE: f32 = 1.0 / (46.0 * 365.25);
    /// How many list entries' worth the even spread weighs against the list's own counts.
    pub const PRIOR_WEIGHT: f32 = 10_000.0;
}

impl Default for AlertRule {
    /// Calibrated on `screen-bench` (docs/screening.md).
    fn default() -> Self {
        AlertRule {
            min_name: 0.6,
            max_chance: 0.06,
            careless_days: 32.0,
            conflict: 30.0,
        }
    }
}

/// A search's hits and what it left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub hits: Vec<Hit>,
    /// Name-only search: entries of a shown name beyond the few shown (at least this many;
    /// only candidates the search gathered are counted).
    pub same_name_hidden: usize,
    /// Entries left out because only a very common given name was shared.
    pub common_only: usize,
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
    /// The share of the list agreeing on the date this well by chance, when a date fits.
    pub date_chance: Option<f32>,
    /// Words of each name that met no partner in the other, counted in pairs.
    pub conflicts: u8,
    /// When the whole name met: how many names on the list are this same name.
    pub same_name: Option<u32>,
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

    /// People on the list expected to bear the name: N·e^−rarity from the matched words, or
    /// the count of the very name when the whole name met (whichever is smaller).
    pub(crate) fn namesakes(&self, ln_n: f32) -> f32 {
        let by_words = (ln_n - self.name_info).exp();
        match self.same_name {
            Some(n) => by_words.min(n as f32),
            None => by_words,
        }
    }

    /// The alert rule of the module documentation; `ln_n` is ln N.
    pub(crate) fn alert(&self, ln_n: f32, rule: &AlertRule) -> bool {
        let nik_typo = matches!(self.nik, Some(NikMatch::OneDigit | NikMatch::Transposed));
        let date_fits = |d: Option<DateMatch>| d.is_some_and(DateMatch::fits);
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
        if contradicted || self.name < rule.min_name {
            return false;
        }
        match self.date_chance {
            Some(share) => {
                let against = rule.conflict.powi(i32::from(self.conflicts));
                self.namesakes(ln_n) * share * against <= rule.max_chance
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests;
