//! The village's register of calon PMI (prospective migrant workers): where each resident is
//! on the legal path, and who left without it.
//!
//! The legal checklist is data: [`DEFAULT_STEPS`] is what a new database starts with (each
//! step with its legal source and the date from which it applies); admins change it in the
//! database when a rule changes, and the register reads the steps from there. This module
//! holds the statuses, the rule that says who "left without the procedure", and the checks
//! of what a village enters (NIK, age).

use crate::nik::{age_on, Nik, NikFinding, Sex};
use crate::report::coded;
use serde::{Deserialize, Serialize};
use time::macros::date;
use time::Date;

coded! {
    /// Where a resident is on the way abroad and back.
    MigrantStatus {
        /// Thinking about it, or looking for a job.
        Rencana = "rencana",
        /// Going through the steps.
        Proses = "proses",
        Berangkat = "berangkat",
        /// Working abroad.
        LuarNegeri = "luar_negeri",
        Pulang = "pulang",
        /// In trouble (abroad or on the way): the village should tell the officers.
        Bermasalah = "bermasalah",
    }
}

impl MigrantStatus {
    /// The resident has left the country at some point.
    pub fn has_left(self) -> bool {
        matches!(
            self,
            MigrantStatus::Berangkat | MigrantStatus::LuarNegeri | MigrantStatus::Pulang
        )
    }

    fn rank(self) -> u8 {
        match self {
            MigrantStatus::Rencana => 0,
            MigrantStatus::Proses => 1,
            MigrantStatus::Berangkat => 2,
            MigrantStatus::LuarNegeri => 3,
            MigrantStatus::Pulang => 4,
            MigrantStatus::Bermasalah => 5,
        }
    }

    /// A move that needs a note: back along the way (a correction), into or out of
    /// "bermasalah". Forward moves, skipping steps included (a resident who left suddenly),
    /// need none.
    pub fn needs_note(from: MigrantStatus, to: MigrantStatus) -> bool {
        from == MigrantStatus::Bermasalah
            || to == MigrantStatus::Bermasalah
            || to.rank() < from.rank()
    }
}

coded! {
    /// One checklist step of one resident.
    StepStatus {
        Belum = "belum",
        Proses = "proses",
        Selesai = "selesai",
        /// Does not apply to this resident (e.g. no placement agreement for an independent
        /// worker); needs a note.
        TidakPerlu = "tidak_perlu",
    }
}

impl StepStatus {
    /// Counts as done for the "left without the procedure" rule.
    pub fn settled(self) -> bool {
        matches!(self, StepStatus::Selesai | StepStatus::TidakPerlu)
    }
}

coded! {
    /// Who places the worker (UU 18/2017 Pasal 49 and Pasal 61–63).
    Scheme {
        /// Government to government, through KP2MI/BP2MI.
        G2g = "g2g",
        /// A licensed placement company.
        P3mi = "p3mi",
        /// A company placing its own employees.
        PerusahaanSendiri = "perusahaan_sendiri",
        /// Independent, with a legal-entity employer.
        Mandiri = "mandiri",
        /// Not known yet.
        BelumTahu = "belum_tahu",
    }
}

coded! {
    /// Who signs the family permission letter (UU 18/2017 Pasal 13: husband or wife,
    /// parents, or guardian).
    LetterKind {
        SuamiIstri = "suami_istri",
        OrangTua = "orang_tua",
        Wali = "wali",
    }
}

impl LetterKind {
    /// The letter's title.
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::SuamiIstri => "SURAT IZIN SUAMI/ISTRI",
            LetterKind::OrangTua => "SURAT IZIN ORANG TUA",
            LetterKind::Wali => "SURAT IZIN WALI",
        }
    }
}

/// A checklist step as the database keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Stable code, also the message id suffix when no label is stored.
    pub code: String,
    pub label: String,
    pub legal: String,
    /// From this day the step applies to residents who have not left yet.
    pub effective_from: Date,
    /// The step no longer applies from this day (kept for residents who did it).
    pub effective_until: Option<Date>,
    /// Must be done (or marked not applicable) before leaving.
    pub required: bool,
    pub position: i64,
}

impl Step {
    /// Does the step apply on `day`?
    pub fn in_force(&self, day: Date) -> bool {
        self.effective_from <= day && self.effective_until.is_none_or(|u| day < u)
    }
}

/// The checklist a new database starts with: UU 18/2017 Pasal 5 (registration, social
/// security) and Pasal 13 (documents), the Disnaker passport recommendation (SE Dirjen
/// Imigrasi IMI-0277.GR.02.06/2017), and the pre-departure orientation and E-PMI run by BP3MI
/// (Peraturan BP2MI 7/2022 on the pre-employment process). Dates are when the rule began to
/// apply (UU 18/2017 was enacted 22 November 2017).
pub const DEFAULT_STEPS: &[(&str, &str, &str, Date)] = &[
    (
        "daftar_disnaker",
        "Terdaftar sebagai CPMI di Disnaker/LTSA (SIAPkerja)",
        "UU 18/2017 Pasal 1 angka 2 dan Pasal 5",
        date!(2017 - 11 - 22),
    ),
    (
        "izin_keluarga",
        "Surat izin suami/istri, orang tua atau wali, diketahui kepala desa",
        "UU 18/2017 Pasal 13",
        date!(2017 - 11 - 22),
    ),
    (
        "sertifikat_kompetensi",
        "Sertifikat kompetensi kerja",
        "UU 18/2017 Pasal 13",
        date!(2017 - 11 - 22),
    ),
    (
        "kesehatan",
        "Surat keterangan sehat (pemeriksaan kesehatan dan psikologi)",
        "UU 18/2017 Pasal 13",
        date!(2017 - 11 - 22),
    ),
    (
        "bpjs",
        "Kepesertaan BPJS Ketenagakerjaan",
        "UU 18/2017 Pasal 5",
        date!(2017 - 11 - 22),
    ),
    (
        "rekomendasi_paspor",
        "Surat rekomendasi paspor dari Disnaker",
        "SE Dirjen Imigrasi IMI-0277.GR.02.06 Tahun 2017",
        date!(2017 - 02 - 24),
    ),
    (
        "paspor",
        "Paspor dari kantor imigrasi setempat",
        "UU 18/2017 Pasal 13",
        date!(2017 - 11 - 22),
    ),
    (
        "visa_kerja",
        "Visa kerja",
        "UU 18/2017 Pasal 13",
        date!(2017 - 11 - 22),
    ),
    (
        "perjanjian_penempatan",
        "Perjanjian penempatan (dengan P3MI; tidak perlu untuk PMI mandiri)",
        "UU 18/2017 Pasal 13",
        date!(2017 - 11 - 22),
    ),
    (
        "perjanjian_kerja",
        "Perjanjian kerja yang telah ditandatangani",
        "UU 18/2017 Pasal 13 dan Pasal 15",
        date!(2017 - 11 - 22),
    ),
    (
        "opp",
        "Orientasi pra pemberangkatan (OPP) di BP3MI",
        "Peraturan BP2MI 7/2022",
        date!(2022 - 01 - 01),
    ),
    (
        "e_pmi",
        "E-PMI (ID-PMI) terbit",
        "Peraturan BP2MI 7/2022",
        date!(2022 - 01 - 01),
    ),
];

/// The required steps (in force on the departure day, or today when the departure date is
/// unknown) that a resident who has left had not settled: empty means they left on the legal
/// path. `steps` pairs each checklist step with this resident's status of it (`None` when
/// never touched).
pub fn missing_steps(
    status: MigrantStatus,
    departed_on: Option<Date>,
    today: Date,
    steps: &[(Step, Option<StepStatus>)],
) -> Vec<&Step> {
    let left = status.has_left() || (status == MigrantStatus::Bermasalah && departed_on.is_some());
    if !left {
        return Vec::new();
    }
    let day = departed_on.unwrap_or(today);
    steps
        .iter()
        .filter(|(s, st)| s.required && s.in_force(day) && !st.is_some_and(StepStatus::settled))
        .map(|(s, _)| s)
        .collect()
}

/// What the register checks about a resident it records: the NIK against the declared birth
/// date and sex, and age 18 (UU 18/2017 Pasal 5). Without a NIK the declared birth date alone
/// gives the age. Findings are flags for Dukcapil, never a refusal.
pub fn check_person(
    nik: Option<&Nik>,
    birth: Option<Date>,
    sex: Option<Sex>,
    today: Date,
) -> Vec<NikFinding> {
    match nik {
        Some(n) => n.check(birth, sex, today),
        None => match birth.map(|b| age_on(b, today)) {
            Some(a) if a < 18 => vec![NikFinding::Under18 {
                age: a.max(0) as u8,
                from_nik: false,
            }],
            _ => Vec::new(),
        },
    }
}

/// The letter number: `007/SIK/35.07.04.2007/2026` (serial per village and year).
pub fn letter_number(seq: i64, village: &str, year: i32) -> String {
    format!("{seq:03}/SIK/{village}/{year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps() -> Vec<Step> {
        DEFAULT_STEPS
            .iter()
            .enumerate()
            .map(|(i, (code, label, legal, from))| Step {
                code: code.to_string(),
                label: label.to_string(),
                legal: legal.to_string(),
                effective_from: *from,
                effective_until: None,
                required: true,
                position: i as i64,
            })
            .collect()
    }

    const TODAY: Date = date!(2026 - 11 - 29);

    #[test]
    fn nobody_who_stayed_is_flagged() {
        let s: Vec<_> = steps().into_iter().map(|s| (s, None)).collect();
        for st in [
            MigrantStatus::Rencana,
            MigrantStatus::Proses,
            MigrantStatus::Bermasalah,
        ] {
            assert!(missing_steps(st, None, TODAY, &s).is_empty(), "{st}");
        }
        // In trouble after leaving counts as having left.
        let gone = missing_steps(
            MigrantStatus::Bermasalah,
            Some(date!(2026 - 01 - 10)),
            TODAY,
            &s,
        );
        assert_eq!(gone.len(), DEFAULT_STEPS.len());
    }

    #[test]
    fn a_departure_with_every_step_settled_is_procedural() {
        let mut s: Vec<_> = steps()
            .into_iter()
            .map(|s| (s, Some(StepStatus::Selesai)))
            .collect();
        s[8].1 = Some(StepStatus::TidakPerlu);
        assert!(missing_steps(MigrantStatus::Berangkat, None, TODAY, &s).is_empty());
        // One step still in progress is enough to flag.
        s[6].1 = Some(StepStatus::Proses);
        let m = missing_steps(MigrantStatus::LuarNegeri, None, TODAY, &s);
        assert_eq!(
            m.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
            ["paspor"]
        );
        assert!(!missing_steps(MigrantStatus::Pulang, None, TODAY, &s).is_empty());
    }

    #[test]
    fn steps_count_by_their_dates_on_the_departure_day() {
        let mut all = steps();
        // A step introduced later does not apply to someone who left before it.
        all[10].effective_from = date!(2026 - 06 - 01);
        // A step retired before the departure does not apply either.
        all[11].effective_until = Some(date!(2025 - 01 - 01));
        // An optional step never flags.
        all[2].required = false;
        let s: Vec<_> = all
            .into_iter()
            .map(|s| {
                let done = !matches!(s.code.as_str(), "opp" | "e_pmi" | "sertifikat_kompetensi");
                (s, done.then_some(StepStatus::Selesai))
            })
            .collect();
        assert!(missing_steps(
            MigrantStatus::Berangkat,
            Some(date!(2026 - 05 - 01)),
            TODAY,
            &s
        )
        .is_empty());
        let m = missing_steps(
            MigrantStatus::Berangkat,
            Some(date!(2026 - 07 - 01)),
            TODAY,
            &s,
        );
        assert_eq!(
            m.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
            ["opp"]
        );
    }

    #[test]
    fn status_moves_that_need_a_note() {
        use MigrantStatus::*;
        assert!(!MigrantStatus::needs_note(Rencana, Proses));
        assert!(!MigrantStatus::needs_note(Rencana, Berangkat));
        assert!(!MigrantStatus::needs_note(LuarNegeri, Pulang));
        assert!(MigrantStatus::needs_note(Berangkat, Proses));
        assert!(MigrantStatus::needs_note(Proses, Bermasalah));
        assert!(MigrantStatus::needs_note(Bermasalah, LuarNegeri));
    }

    #[test]
    fn person_checks() {
        let woman = Nik::parse("3507045507900002").unwrap(); // 15-07-1990, female
        assert!(check_person(
            Some(&woman),
            Some(date!(1990 - 07 - 15)),
            Some(Sex::Female),
            TODAY
        )
        .is_empty());
        let f = check_person(
            Some(&woman),
            Some(date!(1991 - 07 - 15)),
            Some(Sex::Male),
            TODAY,
        );
        let codes: Vec<_> = f.iter().map(|f| f.code()).collect();
        assert_eq!(codes, ["nik:dob_mismatch", "nik:sex_mismatch"]);
        // No NIK: the declared birth date still gives the age.
        let minor = check_person(None, Some(date!(2010 - 01 - 01)), None, TODAY);
        assert_eq!(minor[0].code(), "age:under_18");
        assert!(check_person(None, None, None, TODAY).is_empty());
    }

    #[test]
    fn letter_numbers() {
        assert_eq!(
            letter_number(7, "35.07.04.2007", 2026),
            "007/SIK/35.07.04.2007/2026"
        );
        assert_eq!(
            letter_number(1234, "35.07.04.2007", 2026),
            "1234/SIK/35.07.04.2007/2026"
        );
        assert_eq!(LetterKind::parse("orang_tua"), Ok(LetterKind::OrangTua));
        assert_eq!(LetterKind::parse(""), Err("err-required"));
    }
}
