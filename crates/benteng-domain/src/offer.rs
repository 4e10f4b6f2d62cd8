//! Cek Tawaran Kerja: a resident answers a few questions about a job offer abroad and gets a
//! green, yellow or red verdict, each reason with its legal source and the next step.
//!
//! The rules are data ([`RULES`]): a code, a level, the legal reference and the date from which
//! it applies, so that a change of law is a change of this table (and its test), not of the
//! logic. What each code tests is in [`applies`]. A rule whose `effective_from` is after the
//! check's date is skipped.

use crate::passport::MORATORIUM;
use crate::report::coded;
use serde::{Deserialize, Serialize};
use time::macros::date;
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

impl Job {
    /// Occupations placed without placement costs (Peraturan BP2MI 9/2020: housekeeper,
    /// carers, cook, driver, gardener, cleaner, farm/plantation worker, fishing-vessel crew).
    pub fn zero_cost(self) -> bool {
        matches!(self, Job::Prt | Job::Perawat | Job::Perkebunan | Job::Kapal)
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

/// One rule: its code (message ids `offer-rule-<code>` and `offer-step-<code>`), the level it
/// raises, its legal source and the date from which it applies.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub code: &'static str,
    pub level: Verdict,
    pub legal: &'static str,
    pub effective_from: Date,
}

/// The rule set. Sources: UU 18/2017 on the protection of Indonesian migrant workers (Pasal 5
/// requirements, Pasal 13 documents, Pasal 30 no placement costs, Pasal 49 who may place),
/// Peraturan BP2MI 9/2020 (zero-cost occupations), Kepmenaker 260/2015 (Middle-East
/// moratorium), SE Dirjen Imigrasi IMI-0277.GR.02.06/2017 (work needs the Disnaker passport
/// recommendation; no working on a visit visa), UU 21/2007 (TPPO).
pub const RULES: &[Rule] = &[
    Rule {
        code: "company_unregistered",
        level: Verdict::Merah,
        legal: "UU 18/2017 Pasal 49",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "licence_not_valid",
        level: Verdict::Merah,
        legal: "UU 18/2017 Pasal 49",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "country_not_permitted",
        level: Verdict::Merah,
        legal: "UU 18/2017 Pasal 49; izin penempatan (SIP2MI) per negara tujuan",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "visit_visa_for_work",
        level: Verdict::Merah,
        legal: "UU 18/2017 Pasal 13; SE Dirjen Imigrasi IMI-0277.GR.02.06/2017",
        effective_from: date!(2017 - 02 - 24),
    },
    Rule {
        code: "domestic_moratorium",
        level: Verdict::Merah,
        legal: "Kepmenaker 260/2015",
        effective_from: date!(2015 - 07 - 01),
    },
    Rule {
        code: "under_age",
        level: Verdict::Merah,
        legal: "UU 18/2017 Pasal 5",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "fee_zero_cost_job",
        level: Verdict::Merah,
        legal: "UU 18/2017 Pasal 30; Peraturan BP2MI 9/2020",
        effective_from: date!(2021 - 07 - 15),
    },
    Rule {
        code: "fee_asked",
        level: Verdict::Kuning,
        legal: "UU 18/2017 Pasal 30; Peraturan BP2MI 2/2020 Pasal 3",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "no_contract",
        level: Verdict::Kuning,
        legal: "UU 18/2017 Pasal 13",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "unofficial_training",
        level: Verdict::Kuning,
        legal: "UU 18/2017 Pasal 13 huruf c (sertifikat kompetensi dari lembaga resmi)",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "recruited_informally",
        level: Verdict::Kuning,
        legal: "UU 18/2017 (informasi dan pendaftaran calon PMI lewat Disnaker/LTSA)",
        effective_from: date!(2017 - 11 - 22),
    },
    Rule {
        code: "company_unknown",
        level: Verdict::Kuning,
        legal: "UU 18/2017 Pasal 49",
        effective_from: date!(2017 - 11 - 22),
    },
];

/// Whether the rule `code` applies to these answers.
fn applies(code: &str, a: &Answers) -> bool {
    let dest = a.destination.as_deref().map(str::to_uppercase);
    match code {
        "company_unregistered" => a.company == Some(Company::TidakTerdaftar),
        "licence_not_valid" => matches!(a.company, Some(Company::Kedaluwarsa | Company::Dicabut)),
        "country_not_permitted" => a.company == Some(Company::NegaraLain),
        "visit_visa_for_work" => matches!(a.visa, Some(Visa::Turis | Visa::Umrah)),
        "domestic_moratorium" => {
            a.job == Some(Job::Prt) && dest.as_deref().is_some_and(|d| MORATORIUM.contains(&d))
        }
        "under_age" => a.age.is_some_and(|x| x < 18),
        "fee_zero_cost_job" => a.job.is_some_and(Job::zero_cost) && a.fee_rp.is_some_and(|f| f > 0),
        "fee_asked" => !a.job.is_some_and(Job::zero_cost) && a.fee_rp.is_some_and(|f| f > 0),
        "no_contract" => !a.contract_seen,
        "unofficial_training" => a.unofficial_training,
        "recruited_informally" => {
            matches!(
                a.recruiter,
                Some(Recruiter::Calo | Recruiter::Kenalan | Recruiter::Internet)
            )
        }
        "company_unknown" => a.company == Some(Company::TidakTahu) || a.company.is_none(),
        _ => false,
    }
}

/// The check: the rules that apply on `today`, strongest first, and the verdict (the
/// strongest level, green when none applies).
pub fn check(a: &Answers, today: Date) -> (Verdict, Vec<Rule>) {
    let mut hits: Vec<Rule> = RULES
        .iter()
        .filter(|r| r.effective_from <= today && applies(r.code, a))
        .copied()
        .collect();
    hits.sort_by_key(|r| std::cmp::Reverse(r.level));
    let verdict = hits.first().map_or(Verdict::Hijau, |r| r.level);
    (verdict, hits)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn codes(a: &Answers) -> (Verdict, Vec<&'static str>) {
        let (v, hits) = check(a, TODAY);
        (v, hits.iter().map(|r| r.code).collect())
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
            let rule = RULES.iter().find(|r| r.code == code).unwrap();
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
        let (_, before) = check(&a, date!(2021 - 07 - 14));
        assert!(before.iter().all(|r| r.code != "fee_zero_cost_job"));
        let (_, after) = check(&a, date!(2021 - 07 - 15));
        assert!(after.iter().any(|r| r.code == "fee_zero_cost_job"));
    }

    #[test]
    fn every_rule_has_a_source_and_a_test() {
        for r in RULES {
            assert!(!r.legal.is_empty(), "{}", r.code);
            let a = Answers::default();
            let _ = applies(r.code, &a);
        }
        assert!(!applies("unknown_rule", &legal()));
    }
}
