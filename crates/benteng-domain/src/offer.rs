//! Cek Tawaran Kerja: a resident answers a few questions about a job offer abroad and gets a
//! green, yellow or red verdict, each reason with its legal source and the next step.
//!
//! The rules are data ([`crate::rules::RuleSet`], shipped in `rules/default.toml` and
//! replaceable by the operator): a code, a level, the legal reference and the days on which it
//! applies, so that a change of law is a change of that file, not of the logic. What each code
//! tests is in [`applies`] (the codes are [`RULE_CODES`]). A rule not in force on the check's
//! date is skipped.

use crate::report::coded;
use crate::rules::{OfferRule, RuleSet};
use serde::{Deserialize, Serialize};
use time::Date;

coded! {
    /// What the register says about the company that made the offer.
    Company {
        /// Found, licence valid, and its permits cover the destination.
        Terdaftar = "terdaftar",
        /// Found, licence valid, but the destination is not among its countries.
        NegaraLain = "negara_lain",
        Kedaluwarsa = "kedaluwarsa",
        Dicabut = "dicabut",
        /// Not in the register.
        TidakTerdaftar = "tidak_terdaftar",
        /// The resident does not know the company's name.
        TidakTahu = "tidak_tahu",
    }
}

coded! {
    Visa {
        Kerja = "kerja",
        Turis = "turis",
        Umrah = "umrah",
        TidakTahu = "tidak_tahu",
    }
}

coded! {
    Recruiter {
        /// Staff of a licensed company, met at its office or the LTSA.
        P3mi = "p3mi",
        /// The Disnaker or LTSA job fair.
        Disnaker = "disnaker",
        /// A sponsor or agent going from house to house (calo).
        Calo = "calo",
        /// A relative or neighbour.
        Kenalan = "kenalan",
        /// Social media or a messaging group.
        Internet = "internet",
    }
}

coded! {
    Job {
        Prt = "prt",
        Perawat = "perawat",
        Pabrik = "pabrik",
        Perkebunan = "perkebunan",
        Konstruksi = "konstruksi",
        Kapal = "kapal",
        Restoran = "restoran",
        Lainnya = "lainnya",
    }
}

/// The resident's answers.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub company: Option<Company>,
    /// ISO 3166 alpha-2.
    pub destination: Option<String>,
    pub job: Option<Job>,
    pub visa: Option<Visa>,
    /// Money asked before leaving, in rupiah.
    pub fee_rp: Option<i64>,
    pub contract_seen: bool,
    /// Training or accommodation at a place that is not an official LPK/BLK, or none at all.
    pub unofficial_training: bool,
    pub age: Option<i64>,
    pub recruiter: Option<Recruiter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Hijau,
    Kuning,
    Merah,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Hijau => "hijau",
            Verdict::Kuning => "kuning",
            Verdict::Merah => "merah",
        }
    }
}

/// What the offer rules can test; each rule in the rule set names one of these (message ids
/// `offer-rule-<code>` and `offer-step-<code>`).
pub const RULE_CODES: &[&str] = &[
    "company_unregistered",
    "licence_not_valid",
    "country_not_permitted",
    "visit_visa_for_work",
    "domestic_moratorium",
    "under_age",
    "fee_zero_cost_job",
    "fee_asked",
    "no_contract",
    "unofficial_training",
    "recruited_informally",
    "scam_compound_country",
    "company_unknown",
];

/// Whether the rule `code` applies to these answers.
fn applies(code: &str, a: &Answers, rules: &RuleSet, day: Date) -> bool {
    let dest = a.destination.as_deref().map(str::to_uppercase);
    let zero_cost = a.job.is_some_and(|j| rules.zero_cost(j, day));
    match code {
        "company_unregistered" => a.company == Some(Company::TidakTerdaftar),
        "licence_not_valid" => matches!(a.company, Some(Company::Kedaluwarsa | Company::Dicabut)),
        "country_not_permitted" => a.company == Some(Company::NegaraLain),
        "visit_visa_for_work" => matches!(a.visa, Some(Visa::Turis | Visa::Umrah)),
        "domestic_moratorium" => {
            a.job == Some(Job::Prt)
                && dest
                    .as_deref()
                    .is_some_and(|d| rules.moratorium(d, day).is_some())
        }
        "under_age" => a.age.is_some_and(|x| x < 18),
        "fee_zero_cost_job" => zero_cost && a.fee_rp.is_some_and(|f| f > 0),
        "fee_asked" => !zero_cost && a.fee_rp.is_some_and(|f| f > 0),
        "no_contract" => !a.contract_seen,
        "unofficial_training" => a.unofficial_training,
        "recruited_informally" => {
            matches!(
                a.recruiter,
                Some(Recruiter::Calo | Recruiter::Kenalan | Recruiter::Internet)
            )
        }
        "scam_compound_country" => dest.as_deref().is_some_and(|d| rules.scam_risk(d, day)),
        "company_unknown" => a.company == Some(Company::TidakTahu) || a.company.is_none(),
        _ => false,
    }
}

/// The check: the rules in force on `today` that apply, strongest first, and the verdict (the
/// strongest level, green when none applies).
pub fn check(a: &Answers, rules: &RuleSet, today: Date) -> (Verdict, Vec<OfferRule>) {
    let mut hits: Vec<OfferRule> = rules
        .offer_rules(today)
        .filter(|r| applies(&r.code, a, rules, today))
        .cloned()
        .collect();
    hits.sort_by_key(|r| std::cmp::Reverse(r.level));
    let verdict = hits.first().map_or(Verdict::Hijau, |r| r.level);
    (verdict, hits)
}

/// What the register's entry says about an offer for `destination`: a revoked or expired
/// licence first, then whether the company's placement permits cover the country.
pub fn company_standing(
    licence: crate::p3mi::LicenceStatus,
    countries: &[&str],
    destination: Option<&str>,
) -> Company {
    use crate::p3mi::LicenceStatus;
    match licence {
        LicenceStatus::Kedaluwarsa => Company::Kedaluwarsa,
        LicenceStatus::Dicabut => Company::Dicabut,
        LicenceStatus::Aktif if destination.is_some_and(|d| !countries.contains(&d)) => {
            Company::NegaraLain
        }
        LicenceStatus::Aktif => Company::Terdaftar,
    }
}

/// Whether what the resident typed names this company: the same name (case, spacing and
/// punctuation aside, with or without "PT") or the same licence number. A similar name is a
/// different company, and a favourite trick of unlicensed recruiters.
pub fn same_company(name: &str, licence_no: &str, typed: &str) -> bool {
    let norm = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| w != "pt")
            .collect::<Vec<_>>()
            .join(" ")
    };
    let licence: String = typed.split_whitespace().collect::<String>().to_uppercase();
    norm(name) == norm(typed) || licence_no == licence
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_register_decides_the_company_standing() {
        use crate::p3mi::LicenceStatus::*;
        let c = ["MY", "TW"];
        assert_eq!(company_standing(Aktif, &c, Some("TW")), Company::Terdaftar);
        assert_eq!(company_standing(Aktif, &c, None), Company::Terdaftar);
        assert_eq!(company_standing(Aktif, &c, Some("SA")), Company::NegaraLain);
        assert_eq!(
            company_standing(Kedaluwarsa, &c, Some("TW")),
            Company::Kedaluwarsa
        );
        assert_eq!(company_standing(Dicabut, &c, Some("SA")), Company::Dicabut);
    }

    #[test]
    fn a_similar_name_is_another_company() {
        assert!(same_company("PT Maju Jaya", "KEP.1/2023", "maju  jaya"));
        assert!(same_company("PT Maju Jaya", "KEP.1/2023", "PT. MAJU JAYA"));
        assert!(same_company("PT Maju Jaya", "KEP.1/2023", "kep.1/2023"));
        assert!(!same_company(
            "PT Maju Jaya",
            "KEP.1/2023",
            "Maju Jaya Abadi"
        ));
    }

    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 29);

    /// A legal offer: a licensed company, a work visa, a contract seen, no fee, met at the LTSA.
    fn legal() -> Answers {
        Answers {
            company: Some(Company::Terdaftar),
            destination: Some("TW".into()),
            job: Some(Job::Pabrik),
            visa: Some(Visa::Kerja),
            fee_rp: Some(0),
            contract_seen: true,
            unofficial_training: false,
            age: Some(24),
            recruiter: Some(Recruiter::Disnaker),
        }
    }

    fn codes(a: &Answers) -> (Verdict, Vec<String>) {
        let (v, hits) = check(a, RuleSet::builtin(), TODAY);
        (v, hits.into_iter().map(|r| r.code).collect())
    }

    #[test]
    fn a_legal_offer_is_green() {
        assert_eq!(codes(&legal()), (Verdict::Hijau, vec![]));
    }

    #[test]
    fn every_rule_fires_on_its_own() {
        let cases: Vec<(&str, Answers)> = vec![
            (
                "company_unregistered",
                Answers {
                    company: Some(Company::TidakTerdaftar),
                    ..legal()
                },
            ),
            (
                "licence_not_valid",
                Answers {
                    company: Some(Company::Kedaluwarsa),
                    ..legal()
                },
            ),
            (
                "licence_not_valid",
                Answers {
                    company: Some(Company::Dicabut),
                    ..legal()
                },
            ),
            (
                "country_not_permitted",
                Answers {
                    company: Some(Company::NegaraLain),
                    ..legal()
                },
            ),
            (
                "visit_visa_for_work",
                Answers {
                    visa: Some(Visa::Turis),
                    ..legal()
                },
            ),
            (
                "visit_visa_for_work",
                Answers {
                    visa: Some(Visa::Umrah),
                    ..legal()
                },
            ),
            (
                "domestic_moratorium",
                Answers {
                    job: Some(Job::Prt),
                    destination: Some("sa".into()),
                    fee_rp: None,
                    ..legal()
                },
            ),
            (
                "under_age",
                Answers {
                    age: Some(17),
                    ..legal()
                },
            ),
            (
                "fee_zero_cost_job",
                Answers {
                    job: Some(Job::Kapal),
                    fee_rp: Some(5_000_000),
                    ..legal()
                },
            ),
            (
                "fee_asked",
                Answers {
                    fee_rp: Some(15_000_000),
                    ..legal()
                },
            ),
            (
                "no_contract",
                Answers {
                    contract_seen: false,
                    ..legal()
                },
            ),
            (
                "unofficial_training",
                Answers {
                    unofficial_training: true,
                    ..legal()
                },
            ),
            (
                "recruited_informally",
                Answers {
                    recruiter: Some(Recruiter::Calo),
                    ..legal()
                },
            ),
            (
                "recruited_informally",
                Answers {
                    recruiter: Some(Recruiter::Internet),
                    ..legal()
                },
            ),
            (
                "scam_compound_country",
                Answers {
                    destination: Some("kh".into()),
                    ..legal()
                },
            ),
            (
                "company_unknown",
                Answers {
                    company: Some(Company::TidakTahu),
                    ..legal()
                },
            ),
        ];
        for (code, a) in cases {
            let (v, hits) = codes(&a);
            assert_eq!(hits, vec![code], "{code}");
            let rule = RuleSet::builtin()
                .offer
                .iter()
                .find(|r| r.code == code)
                .unwrap();
            assert_eq!(v, rule.level, "{code}");
        }
    }

    #[test]
    fn the_strongest_level_decides_and_comes_first() {
        let a = Answers {
            recruiter: Some(Recruiter::Calo),
            visa: Some(Visa::Turis),
            contract_seen: false,
            ..legal()
        };
        let (v, hits) = codes(&a);
        assert_eq!(v, Verdict::Merah);
        assert_eq!(hits[0], "visit_visa_for_work");
        assert_eq!(hits.len(), 3);
    }

    #[test]
    fn rules_apply_from_their_effective_date() {
        let a = Answers {
            job: Some(Job::Prt),
            fee_rp: Some(1),
            ..legal()
        };
        let rules = RuleSet::builtin();
        let (_, before) = check(&a, rules, date!(2021 - 07 - 14));
        assert!(before.iter().all(|r| r.code != "fee_zero_cost_job"));
        let (_, after) = check(&a, rules, date!(2021 - 07 - 15));
        assert!(after.iter().any(|r| r.code == "fee_zero_cost_job"));
    }

    #[test]
    fn every_rule_has_a_source_and_a_test() {
        let rules = RuleSet::builtin();
        for r in &rules.offer {
            assert!(!r.validity.legal.is_empty(), "{}", r.code);
        }
        assert!(!applies("unknown_rule", &legal(), rules, TODAY));
    }

    #[test]
    fn a_rule_set_from_the_operator_changes_the_verdict() {
        // The ministry lifts the moratorium for Saudi Arabia: domestic work there is no longer
        // red by that rule; a rule set to yellow shows yellow.
        let text = include_str!("../rules/default.toml")
            .replace("\"DZ\", \"SA\", ", "\"DZ\", ")
            .replace(
                "code = \"no_contract\"\nlevel = \"kuning\"",
                "code = \"no_contract\"\nlevel = \"merah\"",
            );
        let rules = RuleSet::parse(&text).unwrap();
        let a = Answers {
            job: Some(Job::Prt),
            destination: Some("SA".into()),
            fee_rp: None,
            ..legal()
        };
        let (_, builtin) = check(&a, RuleSet::builtin(), TODAY);
        assert!(builtin.iter().any(|r| r.code == "domestic_moratorium"));
        let (v, hits) = check(&a, &rules, TODAY);
        assert_eq!(v, Verdict::Hijau, "{hits:?}");
        let (v, _) = check(
            &Answers {
                contract_seen: false,
                ..legal()
            },
            &rules,
            TODAY,
        );
        assert_eq!(v, Verdict::Merah);
    }
}
