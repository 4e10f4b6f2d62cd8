//! Why a watchlist entry was hit: structured values the web renders in Indonesian or English,
//! each with a short stable ASCII code for CSV (`name:typo`, `dob:exact`, `nik:typo1`, …).

use serde::Serialize;

/// How one part of the query name met one part of the watch name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartRule {
    /// Written the same.
    Exact,
    /// Same canonical word, written differently: old spelling, title or degree stripped
    /// (Soekarno / Sukarno).
    Spelling,
    /// An abbreviation of the same word (Moh. / Muhammad, St. / Siti, Abd. / Abdul).
    Abbreviation,
    /// Different letters, same sound (Dedy / Dedi, Setyawan / Setiawan).
    Phonetic,
    /// An initial against a full word (S. / Santoso).
    Initial,
    /// A word cut short, as on a passport's 34-character name line.
    Truncated,
    /// One word against two (Nurhayati / Nur Hayati).
    SplitJoin,
    /// Close in spelling: a typing error or a regional vowel.
    Typo,
}

impl PartRule {
    pub fn code(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Spelling => "spelling",
            Self::Abbreviation => "abbreviation",
            Self::Phonetic => "phonetic",
            Self::Initial => "initial",
            Self::Truncated => "truncated",
            Self::SplitJoin => "split_join",
            Self::Typo => "typo",
        }
    }
}

/// One aligned part of the names, as written on each side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamePart {
    pub query: String,
    pub watch: String,
    pub rule: PartRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateMatch {
    Exact,
    /// Day and month swapped (12/08 against 08/12).
    DayMonthSwapped,
    /// One field off by a typing slip: one digit in the day, month or year.
    OneDigit,
    /// Same day and month, years a year apart.
    YearOff,
    /// Nothing in common.
    Mismatch,
}

impl DateMatch {
    pub fn code(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::DayMonthSwapped => "swapped",
            Self::OneDigit => "one_digit",
            Self::YearOff => "year_off",
            Self::Mismatch => "mismatch",
        }
    }

    /// Close enough to be the same date written carelessly.
    pub fn fits(self) -> bool {
        !matches!(self, Self::Mismatch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NikMatch {
    Exact,
    /// One digit different.
    OneDigit,
    /// Two neighbouring digits swapped.
    Transposed,
    /// Both have a NIK and they differ.
    Mismatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneMatch {
    Exact,
    /// The last nine digits agree (a mistyped operator prefix).
    LastNine,
}

/// One reason for (or against) a hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The name comparison: similarity 0–100, which watch name (alias) matched, the aligned
    /// parts, and what was left over on either side.
    Name {
        score: u8,
        watch_name: String,
        parts: Vec<NamePart>,
        reordered: bool,
        query_extra: Vec<String>,
        watch_extra: Vec<String>,
        /// The matched words are common (Siti, Muhammad, Sri …): weak evidence on their own.
        common: bool,
    },
    BirthDate(DateMatch),
    /// The birth date inside the query's NIK against the entry's birth date.
    NikBirthDate(DateMatch),
    Nik(NikMatch),
    Phone(PhoneMatch),
    /// The sex implied by one side's NIK (or declared) differs from the other's.
    SexMismatch,
}

impl Reason {
    /// Short stable ASCII codes (a name reason gives one per distinct rule it used).
    pub fn codes(&self) -> Vec<String> {
        match self {
            Self::Name {
                parts,
                reordered,
                query_extra,
                common,
                ..
            } => {
                let mut rules: Vec<PartRule> = parts.iter().map(|p| p.rule).collect();
                rules.sort();
                rules.dedup();
                let mut out: Vec<String> =
                    rules.iter().map(|r| format!("name:{}", r.code())).collect();
                if *reordered {
                    out.push("name:reordered".into());
                }
                if !query_extra.is_empty() {
                    out.push("name:partial".into());
                }
                if *common {
                    out.push("name:common".into());
                }
                out
            }
            Self::BirthDate(d) => vec![format!("dob:{}", d.code())],
            Self::NikBirthDate(d) => vec![format!("nik_dob:{}", d.code())],
            Self::Nik(n) => vec![match n {
                NikMatch::Exact => "nik:exact",
                NikMatch::OneDigit => "nik:typo1",
                NikMatch::Transposed => "nik:transposed",
                NikMatch::Mismatch => "nik:mismatch",
            }
            .into()],
            Self::Phone(p) => vec![match p {
                PhoneMatch::Exact => "phone:exact",
                PhoneMatch::LastNine => "phone:last9",
            }
            .into()],
            Self::SexMismatch => vec!["sex:mismatch".into()],
        }
    }
}

/// All codes of a hit's reasons joined by `;` (the CSV `reasons` column).
pub fn reason_codes(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .flat_map(Reason::codes)
        .collect::<Vec<_>>()
        .join(";")
}
