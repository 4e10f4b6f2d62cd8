//! The passport-interview risk check (PRODUCT.md §5, issue "Skrining").
//!
//! An interviewer enters an applicant; the data layer gathers what Benteng knows (watchlist
//! hits for the applicant and the sponsor, recent reports from the village, whether the NIK's
//! district exists) and [`assess`] turns it into findings, each with its weight and reason. The
//! officer decides; the assessment never refuses anyone by itself.
//!
//! Weights are a documented starting point, not a trained model:
//!
//! | finding | weight |
//! |---|---:|
//! | watchlist alert on the applicant | 45 |
//! | sponsor's phone is a reported recruiter's | 45 |
//! | sponsor's name matches a reported recruiter (alert) | 35 |
//! | domestic work in a moratorium destination (Kepmenaker 260/2015) | 40 |
//! | under 18 | 40 |
//! | the NIK says under 18 while the declared birth date says adult | 40 |
//! | work purpose without the Disnaker passport recommendation (SE IMI-0277.GR.02.06/2017) | 35 |
//! | non-work purpose to a main placement country, 18–45, no return ticket, from a kantong PMI village | 20 |
//! | watchlist hit on the applicant below the alert rule | 15 |
//! | NIK birth date or sex differs from what was declared | 15 each |
//! | NIK not valid, or its district is not in the region list | 15 |
//! | village with reports in the last 90 days | 5 per report, at most 15 |
//!
//! The level is *tinggi* from 60, *sedang* from 25, else *rendah*; the suggested action
//! follows it (postpone and refer / deeper interview / continue).

use crate::nik::{age_on, Nik, NikFinding, Sex};
use crate::report::coded;
use serde::{Deserialize, Serialize};
use time::Date;

coded! {
    /// Why the applicant says they travel.
    Purpose {
        Wisata = "wisata",
        Umrah = "umrah",
        KunjunganKeluarga = "kunjungan_keluarga",
        Bekerja = "bekerja",
        Belajar = "belajar",
        Bisnis = "bisnis",
        Berobat = "berobat",
        Lainnya = "lainnya",
    }
}

coded! {
    /// Documents shown at the interview.
    Document {
        KtpEl = "ktp_el",
        Kk = "kk",
        AktaLahir = "akta_lahir",
        /// Surat Rekomendasi Paspor from the kabupaten/kota Disnaker.
        RekomendasiDisnaker = "rekomendasi_disnaker",
        /// ID PMI / E-PMI registration.
        EPmi = "e_pmi",
        PerjanjianKerja = "perjanjian_kerja",
        TiketPulang = "tiket_pulang",
        SuratSponsor = "surat_sponsor",
        SuratIzinKeluarga = "surat_izin_keluarga",
    }
}

coded! {
    /// The interviewer's decision.
    Decision {
        Lanjut = "lanjut",
        WawancaraLanjutan = "wawancara_lanjutan",
        Tunda = "tunda",
        Tolak = "tolak",
    }
}

impl Decision {
    /// Postponing and refusing need a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Decision::Tunda | Decision::Tolak)
    }
}

/// The main destinations of Indonesian migrant workers (BP2MI placement data), where a
/// tourist or umrah trip by a young resident of a kantong PMI village deserves a question.
pub const PLACEMENT_COUNTRIES: &[&str] = &["MY", "SA", "TW", "HK", "SG", "KR", "JP", "AE", "QA"];

/// What the applicant declared and showed, read by the interview use case (`benteng-app`).
#[derive(Debug, Clone, Default)]
pub struct Applicant {
    pub nik: Option<String>,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    pub purpose: Option<Purpose>,
    /// ISO 3166 alpha-2.
    pub destination: Option<String>,
    /// The job abroad is domestic work for a household (PRT / penata laksana rumah tangga).
    pub domestic_work: bool,
    pub documents: Vec<Document>,
}

/// What Benteng found about the applicant, gathered by the data layer.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub today: Option<Date>,
    /// Whether the NIK's district exists in the region list (`None`: no valid NIK to check).
    pub nik_region_known: Option<bool>,
    /// The best watchlist hit on the applicant: (score, alert).
    pub applicant_hit: Option<(u8, bool)>,
    /// The best watchlist hit on the sponsor's name, among recruiters: (score, alert).
    pub sponsor_name_hit: Option<(u8, bool)>,
    /// The sponsor's phone is a reported recruiter's.
    pub sponsor_phone_hit: bool,
    /// Reports about the applicant's village in the last 90 days.
    pub village_reports_90d: i64,
    /// The village is a known sender of migrant workers (kantong PMI).
    pub kantong_pmi: bool,
    /// The rule set in force (moratorium countries); `None` uses the shipped one.
    pub rules: Option<std::sync::Arc<crate::rules::RuleSet>>,
}

/// One reason in the assessment, with its weight. Rendered by the web in the user's language
/// (message id `screening-finding-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Finding {
    NikInvalid,
    NikRegionUnknown,
    NikBirthDate,
    NikSex,
    Under18 { age: u8 },
    NikSaysUnder18 { age: u8 },
    WorkWithoutRecommendation,
    DomesticMoratorium { country: String },
    ApplicantWatchAlert { score: u8 },
    ApplicantWatchHit { score: u8 },
    SponsorPhoneRecruiter,
    SponsorNameRecruiter { score: u8 },
    VillageReports { count: i64 },
    PurposeProfile,
}

impl Finding {
    pub fn code(&self) -> &'static str {
        match self {
            Finding::NikInvalid => "nik_invalid",
            Finding::NikRegionUnknown => "nik_region_unknown",
            Finding::NikBirthDate => "nik_birth_date",
            Finding::NikSex => "nik_sex",
            Finding::Under18 { .. } => "under_18",
            Finding::NikSaysUnder18 { .. } => "nik_says_under_18",
            Finding::WorkWithoutRecommendation => "work_without_recommendation",
            Finding::DomesticMoratorium { .. } => "domestic_moratorium",
            Finding::ApplicantWatchAlert { .. } => "applicant_watch_alert",
            Finding::ApplicantWatchHit { .. } => "applicant_watch_hit",
            Finding::SponsorPhoneRecruiter => "sponsor_phone_recruiter",
            Finding::SponsorNameRecruiter { .. } => "sponsor_name_recruiter",
            Finding::VillageReports { .. } => "village_reports",
            Finding::PurposeProfile => "purpose_profile",
        }
    }

    pub fn weight(&self) -> u32 {
        match self {
            Finding::ApplicantWatchAlert { .. } | Finding::SponsorPhoneRecruiter => 45,
            Finding::DomesticMoratorium { .. }
            | Finding::Under18 { .. }
            | Finding::NikSaysUnder18 { .. } => 40,
            Finding::SponsorNameRecruiter { .. } | Finding::WorkWithoutRecommendation => 35,
            Finding::PurposeProfile => 20,
            Finding::ApplicantWatchHit { .. }
            | Finding::NikBirthDate
            | Finding::NikSex
            | Finding::NikInvalid
            | Finding::NikRegionUnknown => 15,
            Finding::VillageReports { count } => (*count).clamp(0, 3) as u32 * 5,
        }
    }

    /// One number for the message, when the message has one.
    pub fn arg(&self) -> Option<String> {
        match self {
            Finding::Under18 { age } | Finding::NikSaysUnder18 { age } => Some(age.to_string()),
            Finding::ApplicantWatchAlert { score }
            | Finding::ApplicantWatchHit { score }
            | Finding::SponsorNameRecruiter { score } => Some(score.to_string()),
            Finding::VillageReports { count } => Some(count.to_string()),
            Finding::DomesticMoratorium { country } => Some(country.clone()),
            _ => None,
        }
    }
}

coded! {
    Level {
        Rendah = "rendah",
        Sedang = "sedang",
        Tinggi = "tinggi",
    }
}

impl Level {
    /// What the interviewer is advised to do at this level.
    pub fn suggestion(self) -> Decision {
        match self {
            Level::Rendah => Decision::Lanjut,
            Level::Sedang => Decision::WawancaraLanjutan,
            Level::Tinggi => Decision::Tunda,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub score: u32,
    pub level: Level,
    pub findings: Vec<Finding>,
}

/// The assessment: every finding that applies, strongest first, and the level.
pub fn assess(a: &Applicant, c: &Context) -> Assessment {
    let mut f = Vec::new();
    let today = c.today;
    let nik = a.nik.as_deref().map(Nik::parse);
    match &nik {
        Some(Err(_)) => f.push(Finding::NikInvalid),
        Some(Ok(n)) => {
            if c.nik_region_known == Some(false) {
                f.push(Finding::NikRegionUnknown);
            }
            if let Some(today) = today {
                for x in n.check(a.birth_date, a.sex, today) {
                    f.push(match x {
                        NikFinding::BirthDateMismatch { .. } => Finding::NikBirthDate,
                        NikFinding::SexMismatch { .. } => Finding::NikSex,
                        NikFinding::Under18 { age, .. } => Finding::Under18 { age },
                        NikFinding::NikSaysUnder18 { age } => Finding::NikSaysUnder18 { age },
                    });
                }
            }
        }
        None => {}
    }
    // Without a valid NIK the declared birth date alone decides the age (a mistyped NIK must
    // not hide that the applicant is a child).
    if !matches!(nik, Some(Ok(_))) {
        if let (Some(b), Some(today)) = (a.birth_date, today) {
            let age = age_on(b, today);
            if age < 18 {
                f.push(Finding::Under18 {
                    age: age.clamp(0, 255) as u8,
                });
            }
        }
    }
    let dest = a.destination.as_deref().map(str::to_uppercase);
    if a.purpose == Some(Purpose::Bekerja) && !a.documents.contains(&Document::RekomendasiDisnaker)
    {
        f.push(Finding::WorkWithoutRecommendation);
    }
    let rules = c
        .rules
        .as_deref()
        .unwrap_or_else(|| crate::rules::RuleSet::builtin());
    if let (Some(d), Some(day)) = (&dest, today) {
        if a.domestic_work && rules.moratorium(d, day).is_some() {
            f.push(Finding::DomesticMoratorium { country: d.clone() });
        }
    }
    match c.applicant_hit {
        Some((score, true)) => f.push(Finding::ApplicantWatchAlert { score }),
        Some((score, false)) if score >= 60 => f.push(Finding::ApplicantWatchHit { score }),
        _ => {}
    }
    if c.sponsor_phone_hit {
        f.push(Finding::SponsorPhoneRecruiter);
    }
    if let Some((score, true)) = c.sponsor_name_hit {
        f.push(Finding::SponsorNameRecruiter { score });
    }
    if c.village_reports_90d > 0 {
        f.push(Finding::VillageReports {
            count: c.village_reports_90d,
        });
    }
    // A tourist, umrah or family trip to a main placement country by a young adult of a
    // sending village without a ticket home: the pattern SE IMI-0277/2017 asks to look at.
    let age = match (a.birth_date, today) {
        (Some(b), Some(t)) => Some(age_on(b, t)),
        _ => None,
    };
    let visit = matches!(
        a.purpose,
        Some(Purpose::Wisata | Purpose::Umrah | Purpose::KunjunganKeluarga)
    );
    if visit
        && c.kantong_pmi
        && dest
            .as_deref()
            .is_some_and(|d| PLACEMENT_COUNTRIES.contains(&d))
        && age.is_some_and(|x| (18..=45).contains(&x))
        && !a.documents.contains(&Document::TiketPulang)
    {
        f.push(Finding::PurposeProfile);
    }
    f.sort_by_key(|x| std::cmp::Reverse(x.weight()));
    let score = f.iter().map(Finding::weight).sum::<u32>().min(100);
    let level = if score >= 60 {
        Level::Tinggi
    } else if score >= 25 {
        Level::Sedang
    } else {
        Level::Rendah
    };
    Assessment {
        score,
        level,
        findings: f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ctx() -> Context {
        Context {
            today: Some(date!(2026 - 11 - 29)),
            nik_region_known: Some(true),
            ..Default::default()
        }
    }

    fn codes(a: &Assessment) -> Vec<&'static str> {
        a.findings.iter().map(Finding::code).collect()
    }

    #[test]
    fn a_tourist_with_nothing_known_is_low() {
        let a = Applicant {
            nik: Some("3507114506900003".into()),
            birth_date: Some(date!(1990 - 06 - 05)),
            sex: Some(Sex::Female),
            purpose: Some(Purpose::Wisata),
            destination: Some("JP".into()),
            ..Default::default()
        };
        let r = assess(&a, &ctx());
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_eq!(r.level, Level::Rendah);
        assert_eq!(r.level.suggestion(), Decision::Lanjut);
    }

    #[test]
    fn work_without_recommendation_and_domestic_work_in_the_moratorium() {
        let a = Applicant {
            purpose: Some(Purpose::Bekerja),
            destination: Some("sa".into()),
            domestic_work: true,
            ..Default::default()
        };
        let r = assess(&a, &ctx());
        assert_eq!(
            codes(&r),
            ["domestic_moratorium", "work_without_recommendation"]
        );
        assert_eq!(r.score, 75);
        assert_eq!(r.level, Level::Tinggi);
        let with_letter = Applicant {
            documents: vec![Document::RekomendasiDisnaker],
            destination: Some("MY".into()),
            ..a
        };
        assert!(assess(&with_letter, &ctx()).findings.is_empty());
    }

    #[test]
    fn nik_findings_and_age() {
        // A woman's NIK (day 45) declared as a man, born 2010: under 18 by the NIK.
        let a = Applicant {
            nik: Some("3507114506100003".into()),
            birth_date: Some(date!(2000 - 06 - 05)),
            sex: Some(Sex::Male),
            ..Default::default()
        };
        let r = assess(&a, &ctx());
        assert_eq!(
            codes(&r),
            ["nik_says_under_18", "nik_birth_date", "nik_sex"]
        );
        let bad = Applicant {
            nik: Some("12345".into()),
            birth_date: Some(date!(2010 - 01 - 01)),
            ..Default::default()
        };
        assert_eq!(
            codes(&assess(&bad, &ctx())),
            ["under_18", "nik_invalid"],
            "a typo in the NIK does not hide a child"
        );
        let no_nik = Applicant {
            birth_date: Some(date!(2010 - 01 - 01)),
            ..Default::default()
        };
        assert_eq!(
            assess(&no_nik, &ctx()).findings,
            [Finding::Under18 { age: 16 }]
        );
        let unknown_region = Context {
            nik_region_known: Some(false),
            ..ctx()
        };
        let a = Applicant {
            nik: Some("3507114506900003".into()),
            ..Default::default()
        };
        assert_eq!(codes(&assess(&a, &unknown_region)), ["nik_region_unknown"]);
    }

    #[test]
    fn watchlist_and_village_findings() {
        let c = Context {
            applicant_hit: Some((91, true)),
            sponsor_phone_hit: true,
            sponsor_name_hit: Some((80, true)),
            village_reports_90d: 7,
            ..ctx()
        };
        let r = assess(&Applicant::default(), &c);
        assert_eq!(
            codes(&r),
            [
                "applicant_watch_alert",
                "sponsor_phone_recruiter",
                "sponsor_name_recruiter",
                "village_reports"
            ]
        );
        assert_eq!(r.score, 100, "capped");
        // A weak name-only hit below the alert rule counts a little; a very weak one not.
        let weak = Context {
            applicant_hit: Some((70, false)),
            ..ctx()
        };
        assert_eq!(assess(&Applicant::default(), &weak).score, 15);
        let noise = Context {
            applicant_hit: Some((40, false)),
            sponsor_name_hit: Some((70, false)),
            ..ctx()
        };
        assert!(assess(&Applicant::default(), &noise).findings.is_empty());
    }

    #[test]
    fn purpose_inconsistent_with_profile() {
        let a = Applicant {
            birth_date: Some(date!(2002 - 03 - 01)),
            purpose: Some(Purpose::Umrah),
            destination: Some("SA".into()),
            ..Default::default()
        };
        let sending = Context {
            kantong_pmi: true,
            ..ctx()
        };
        assert_eq!(codes(&assess(&a, &sending)), ["purpose_profile"]);
        assert!(
            assess(&a, &ctx()).findings.is_empty(),
            "not a sending village"
        );
        let with_ticket = Applicant {
            documents: vec![Document::TiketPulang],
            ..a.clone()
        };
        assert!(assess(&with_ticket, &sending).findings.is_empty());
        let older = Applicant {
            birth_date: Some(date!(1960 - 03 - 01)),
            ..a
        };
        assert!(assess(&older, &sending).findings.is_empty());
    }

    #[test]
    fn only_postpone_and_refuse_need_a_reason() {
        assert!(Decision::Tunda.needs_reason() && Decision::Tolak.needs_reason());
        assert!(!Decision::Lanjut.needs_reason() && !Decision::WawancaraLanjutan.needs_reason());
    }
}
