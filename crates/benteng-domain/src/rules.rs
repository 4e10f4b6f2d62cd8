//! Rule sets that follow the law and the ministry's decisions, kept as data: the job-offer
//! check's rules (level, legal source, dates), the moratorium countries and the zero-cost
//! occupations. Benteng ships them in `rules/default.toml`; an operator replaces them with a
//! file of their own (configuration `rules_file`) when a rule changes, without a new release.
//! What each offer rule *tests* stays in the program ([`crate::offer`]); the file decides
//! whether it applies, how strongly, on which days, and which source it cites.
//!
//! Every entry applies from `effective_from` and, when set, until the day before
//! `effective_until`: an old rule stays in the file as history instead of being deleted.

use crate::offer::{Job, Verdict, RULE_CODES};
use crate::values::date;
use serde::Deserialize;
use std::sync::OnceLock;
use time::Date;

const DEFAULT: &str = include_str!("../rules/default.toml");

/// A rule's legal source and the days it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validity {
    pub legal: String,
    pub effective_from: Date,
    pub effective_until: Option<Date>,
}

impl Validity {
    pub fn in_force(&self, day: Date) -> bool {
        self.effective_from <= day && self.effective_until.is_none_or(|u| day < u)
    }
}

/// One job-offer rule: what it tests (`code`), how strongly, and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRule {
    pub code: String,
    pub level: Verdict,
    pub validity: Validity,
}

/// A group of country codes or job codes under one legal source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeList {
    pub codes: Vec<String>,
    pub validity: Validity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub offer: Vec<OfferRule>,
    pub moratorium: Vec<CodeList>,
    /// Countries where job offers often end in online-scam compounds (forced criminality).
    pub scam_risk: Vec<CodeList>,
    pub zero_cost: Vec<CodeList>,
    /// The programme's legal basis, printed under "Dasar" in activity reports.
    pub programme_basis: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    offer: Vec<RawOffer>,
    #[serde(default)]
    moratorium: Vec<RawCountries>,
    #[serde(default)]
    scam_risk: Vec<RawCountries>,
    #[serde(default)]
    zero_cost: Vec<RawJobs>,
    #[serde(default)]
    programme_basis: Vec<String>,
}

/// Lists of two-letter country codes, each under its legal source (`what` names the table).
fn country_lists(what: &str, raw: &[RawCountries]) -> Result<Vec<CodeList>, String> {
    let mut out = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let what = format!("{what} #{}", i + 1);
        let mut codes = Vec::new();
        for c in &r.countries {
            let c = c.trim().to_uppercase();
            if c.len() != 2 || !c.chars().all(|x| x.is_ascii_uppercase()) {
                return Err(format!("{what}: `{c}` is not a two-letter country code"));
            }
            codes.push(c);
        }
        out.push(CodeList {
            codes,
            validity: validity(
                &what,
                &r.legal,
                &r.effective_from,
                r.effective_until.as_deref(),
            )?,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffer {
    code: String,
    level: String,
    legal: String,
    effective_from: String,
    effective_until: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountries {
    countries: Vec<String>,
    legal: String,
    effective_from: String,
    effective_until: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobs {
    jobs: Vec<String>,
    legal: String,
    effective_from: String,
    effective_until: Option<String>,
}

fn validity(what: &str, legal: &str, from: &str, until: Option<&str>) -> Result<Validity, String> {
    if legal.trim().is_empty() {
        return Err(format!("{what}: `legal` must name the legal source"));
    }
    let effective_from =
        date(from).map_err(|_| format!("{what}: effective_from `{from}` is not YYYY-MM-DD"))?;
    let effective_until = match until {
        None => None,
        Some(u) => {
            let d =
                date(u).map_err(|_| format!("{what}: effective_until `{u}` is not YYYY-MM-DD"))?;
            if d <= effective_from {
                return Err(format!(
                    "{what}: effective_until is not after effective_from"
                ));
            }
            Some(d)
        }
    };
    Ok(Validity {
        legal: legal.trim().to_string(),
        effective_from,
        effective_until,
    })
}

impl RuleSet {
    /// The rules Benteng ships. The file is checked by a unit test, so this cannot fail in
    /// a released binary.
    pub fn builtin() -> &'static RuleSet {
        static SET: OnceLock<RuleSet> = OnceLock::new();
        SET.get_or_init(|| {
            RuleSet::parse(DEFAULT).expect("the shipped rules/default.toml is valid")
        })
    }

    /// Read a rules file. The error names the entry and the problem, for the operator.
    pub fn parse(text: &str) -> Result<RuleSet, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut offer = Vec::new();
        for (i, r) in raw.offer.iter().enumerate() {
            let what = format!("offer #{} ({})", i + 1, r.code);
            if !RULE_CODES.contains(&r.code.as_str()) {
                return Err(format!(
                    "{what}: unknown code; known codes: {}",
                    RULE_CODES.join(", ")
                ));
            }
            let level = match r.level.as_str() {
                "merah" => Verdict::Merah,
                "kuning" => Verdict::Kuning,
                other => return Err(format!("{what}: level `{other}` is not merah or kuning")),
            };
            offer.push(OfferRule {
                code: r.code.clone(),
                level,
                validity: validity(
                    &what,
                    &r.legal,
                    &r.effective_from,
                    r.effective_until.as_deref(),
                )?,
            });
        }
        let moratorium = country_lists("moratorium", &raw.moratorium)?;
        let scam_risk = country_lists("scam_risk", &raw.scam_risk)?;
        let mut zero_cost = Vec::new();
        for (i, r) in raw.zero_cost.iter().enumerate() {
            let what = format!("zero_cost #{}", i + 1);
            let mut codes = Vec::new();
            for j in &r.jobs {
                Job::parse(j).map_err(|_| {
                    let known: Vec<&str> = Job::ALL.iter().map(|j| j.as_str()).collect();
                    format!(
                        "{what}: unknown job `{j}`; known jobs: {}",
                        known.join(", ")
                    )
                })?;
                codes.push(j.trim().to_string());
            }
            zero_cost.push(CodeList {
                codes,
                validity: validity(
                    &what,
                    &r.legal,
                    &r.effective_from,
                    r.effective_until.as_deref(),
                )?,
            });
        }
        let programme_basis: Vec<String> = raw
            .programme_basis
            .iter()
            .map(|b| b.trim().to_string())
            .filter(|b| !b.is_empty())
            .collect();
        if programme_basis.iter().any(|b| b.chars().count() > 500) {
            return Err("programme_basis: an entry is longer than 500 characters".into());
        }
        Ok(RuleSet {
            offer,
            moratorium,
            scam_risk,
            zero_cost,
            programme_basis,
        })
    }

    /// The offer rules in force on `day`.
    pub fn offer_rules(&self, day: Date) -> impl Iterator<Item = &OfferRule> {
        self.offer.iter().filter(move |r| r.validity.in_force(day))
    }

    /// The moratorium entry that closes `country` (ISO alpha-2) to domestic work on `day`.
    pub fn moratorium(&self, country: &str, day: Date) -> Option<&Validity> {
        let c = country.trim().to_uppercase();
        self.moratorium
            .iter()
            .find(|m| m.validity.in_force(day) && m.codes.contains(&c))
            .map(|m| &m.validity)
    }

    /// Whether job offers to `country` often end in online-scam compounds, on `day`.
    pub fn scam_risk(&self, country: &str, day: Date) -> bool {
        let c = country.trim().to_uppercase();
        self.scam_risk
            .iter()
            .any(|m| m.validity.in_force(day) && m.codes.contains(&c))
    }

    /// Countries closed to domestic work on `day`.
    pub fn moratorium_countries(&self, day: Date) -> Vec<&str> {
        self.moratorium
            .iter()
            .filter(|m| m.validity.in_force(day))
            .flat_map(|m| m.codes.iter().map(String::as_str))
            .collect()
    }

    /// Is `job` placed without placement costs on `day`?
    pub fn zero_cost(&self, job: Job, day: Date) -> bool {
        self.zero_cost
            .iter()
            .any(|z| z.validity.in_force(day) && z.codes.iter().any(|c| c == job.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_shipped_rules_parse_and_cover_every_offer_rule() {
        let r = RuleSet::parse(DEFAULT).unwrap();
        assert!(
            r.programme_basis.len() >= 3,
            "the activity report's legal basis"
        );
        assert!(r.programme_basis[1].contains("Perdagangan Orang"));
        for code in RULE_CODES {
            assert!(r.offer.iter().any(|o| o.code == *code), "{code} missing");
        }
        assert_eq!(r.moratorium_countries(date!(2026 - 11 - 29)).len(), 21);
        assert!(r.moratorium("sa", date!(2026 - 11 - 29)).is_some());
        assert!(
            r.moratorium("SA", date!(2015 - 06 - 30)).is_none(),
            "before 1 July 2015"
        );
        assert!(r.moratorium("MY", date!(2026 - 11 - 29)).is_none());
        assert!(r.zero_cost(Job::Prt, date!(2026 - 11 - 29)));
        assert!(
            !r.zero_cost(Job::Prt, date!(2021 - 07 - 14)),
            "transition period"
        );
        assert!(!r.zero_cost(Job::Pabrik, date!(2026 - 11 - 29)));
    }

    #[test]
    fn an_ended_entry_no_longer_applies() {
        let text = DEFAULT.replace(
            "legal = \"Kepmenaker 260/2015\"\neffective_from = \"2015-07-01\"\n\n# Occupations",
            "legal = \"Kepmenaker 260/2015\"\neffective_from = \"2015-07-01\"\neffective_until = \"2026-01-01\"\n\n# Occupations",
        );
        assert_ne!(text, DEFAULT, "the replacement found its place");
        let r = RuleSet::parse(&text).unwrap();
        assert!(r.moratorium("SA", date!(2025 - 12 - 31)).is_some());
        assert!(r.moratorium("SA", date!(2026 - 01 - 01)).is_none());
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            ("[[offer]]\ncode = \"x\"\nlevel = \"merah\"\nlegal = \"a\"\neffective_from = \"2020-01-01\"\n", "unknown code"),
            ("[[offer]]\ncode = \"under_age\"\nlevel = \"hijau\"\nlegal = \"a\"\neffective_from = \"2020-01-01\"\n", "not merah or kuning"),
            ("[[offer]]\ncode = \"under_age\"\nlevel = \"merah\"\nlegal = \"\"\neffective_from = \"2020-01-01\"\n", "legal source"),
            ("[[offer]]\ncode = \"under_age\"\nlevel = \"merah\"\nlegal = \"a\"\neffective_from = \"1/1/2020\"\n", "not YYYY-MM-DD"),
            ("[[moratorium]]\ncountries = [\"Saudi\"]\nlegal = \"a\"\neffective_from = \"2020-01-01\"\n", "two-letter"),
            ("[[zero_cost]]\njobs = [\"pilot\"]\nlegal = \"a\"\neffective_from = \"2020-01-01\"\n", "unknown job"),
            ("[[zero_cost]]\njobs = [\"prt\"]\nlegal = \"a\"\neffective_from = \"2020-01-01\"\neffective_until = \"2019-01-01\"\n", "not after"),
            ("[[offer]]\ncode = \"under_age\"\nlevel = \"merah\"\nlegal = \"a\"\neffective_from = \"2020-01-01\"\nwhen = 1\n", "unknown field"),
        ];
        for (text, want) in cases {
            let e = RuleSet::parse(text).unwrap_err();
            assert!(e.contains(want), "{want}: {e}");
        }
    }
}
