//! Data-subject requests (*permintaan subjek data*, UU 27/2022 tentang Pelindungan Data
//! Pribadi): a person asks the office what Benteng holds about them, to have it corrected, or
//! to have it erased. The officer records the request, finds the records by NIK, phone or name
//! within the office's area, answers, and closes it with its outcome before the deadline.
//!
//! Decisions written here because nobody could be asked:
//! - **Deadline: 3 days (3 × 24 hours) after the request is received**, for every kind. UU PDP
//!   sets 3 × 24 hours for the controller's answers to access and correction requests (not
//!   re-verified here; see the law and docs/privacy.md). The due date is stored with the
//!   request, so a later change of [`RESPONSE_DAYS`] does not move past deadlines.
//! - **What erasure may not touch** ([`withheld`]): a person named as a suspected recruiter
//!   (the record serves the prevention and prosecution of trafficking, which the law lets a
//!   controller keep), and anything in a report or case still open (the work on it is not done).
//!   Everything else found is anonymised the way the retention job anonymises it.

use crate::values::required_text;
use time::Date;

/// Days between receiving a request and its deadline.
pub const RESPONSE_DAYS: i64 = 3;

/// What the person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// See (and receive a copy of) what is held.
    Akses,
    /// Have wrong data corrected.
    Koreksi,
    /// Have the data erased or anonymised.
    Penghapusan,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [
        RequestKind::Akses,
        RequestKind::Koreksi,
        RequestKind::Penghapusan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Akses => "akses",
            RequestKind::Koreksi => "koreksi",
            RequestKind::Penghapusan => "penghapusan",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        RequestKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or("err-subject-kind")
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Received, not answered yet.
    Terbuka,
    /// Answered: done as asked (possibly in part; the outcome says what).
    Selesai,
    /// Refused, with the reason in the outcome.
    Ditolak,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 3] = [
        RequestStatus::Terbuka,
        RequestStatus::Selesai,
        RequestStatus::Ditolak,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Terbuka => "terbuka",
            RequestStatus::Selesai => "selesai",
            RequestStatus::Ditolak => "ditolak",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        RequestStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or("err-subject-status")
    }

    /// The statuses that close a request.
    pub fn closing(s: &str) -> Result<Self, &'static str> {
        match RequestStatus::parse(s)? {
            RequestStatus::Terbuka => Err("err-subject-status"),
            s => Ok(s),
        }
    }
}

/// The deadline of a request received on `received`.
pub fn due_date(received: Date) -> Date {
    received.saturating_add(time::Duration::days(RESPONSE_DAYS))
}

/// A name good enough to search by: at least two letters after trimming, at most 200
/// characters. Searching by a single letter would list half the register.
pub fn search_name(input: &str) -> Result<Option<String>, &'static str> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let t = required_text(t, 200)?;
    if t.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return Err("err-subject-name-short");
    }
    Ok(Some(t))
}

/// The kinds of records a request finds, with what the person is in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundAs {
    /// The named reporter of a report.
    Reporter,
    /// A person named in a report, with the report's role code (`korban`, `perekrut`, …).
    ReportPerson,
    /// A person in a case.
    CasePerson,
    /// A resident in the calon PMI register.
    Migrant,
    /// The family member who gave a permission letter.
    LetterGiver,
    /// A passport applicant at a screening.
    Applicant,
    /// The sponsor named at a screening.
    Sponsor,
}

impl FoundAs {
    pub fn as_str(self) -> &'static str {
        match self {
            FoundAs::Reporter => "pelapor",
            FoundAs::ReportPerson => "orang_laporan",
            FoundAs::CasePerson => "orang_kasus",
            FoundAs::Migrant => "calon_pmi",
            FoundAs::LetterGiver => "pemberi_izin",
            FoundAs::Applicant => "pemohon_paspor",
            FoundAs::Sponsor => "sponsor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            FoundAs::Reporter,
            FoundAs::ReportPerson,
            FoundAs::CasePerson,
            FoundAs::Migrant,
            FoundAs::LetterGiver,
            FoundAs::Applicant,
            FoundAs::Sponsor,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Which of the person's fields can be corrected from a request: name, NIK, phone, as
    /// far as the record holds them (a reporter and a sponsor have no NIK in Benteng, an
    /// applicant and a letter's giver no phone). The calon PMI's NIK is corrected in the
    /// register, where its NIK check runs again.
    pub fn correctable(self, field: Field) -> bool {
        use FoundAs::*;
        match field {
            Field::Name => true,
            Field::Phone => matches!(
                self,
                Reporter | ReportPerson | CasePerson | Migrant | Sponsor
            ),
            Field::Nik => matches!(self, ReportPerson | CasePerson | Applicant | LetterGiver),
        }
    }
}

/// A field a correction changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Nik,
    Phone,
}

impl Field {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s.trim() {
            "name" => Ok(Field::Name),
            "nik" => Ok(Field::Nik),
            "phone" => Ok(Field::Phone),
            _ => Err("err-subject-field"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Nik => "nik",
            Field::Phone => "phone",
        }
    }
}

/// Why a found record may not be erased on request, as a message id; `None`: it may.
/// `role` is the person's role in a report (`perekrut`: a suspected recruiter) or kind in a
/// case (`tersangka`: a suspect); `open` says
/// whether the report or case it belongs to is still open.
pub fn withheld(found: FoundAs, role: Option<&str>, open: bool) -> Option<&'static str> {
    let suspect = match found {
        FoundAs::ReportPerson => role == Some("perekrut"),
        FoundAs::CasePerson => role == Some("tersangka"),
        _ => false,
    };
    if suspect {
        return Some("subject-withheld-suspect");
    }
    if open
        && matches!(
            found,
            FoundAs::Reporter | FoundAs::ReportPerson | FoundAs::CasePerson
        )
    {
        return Some("subject-withheld-open");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_deadline_is_three_days_after_receipt() {
        assert_eq!(due_date(date!(2026 - 12 - 06)), date!(2026 - 12 - 09));
        assert_eq!(due_date(date!(2026 - 12 - 30)), date!(2027 - 01 - 02));
    }

    #[test]
    fn kinds_and_statuses_read_their_codes_only() {
        assert_eq!(
            RequestKind::parse("penghapusan"),
            Ok(RequestKind::Penghapusan)
        );
        assert!(RequestKind::parse("hapus").is_err());
        assert_eq!(
            RequestStatus::closing("selesai"),
            Ok(RequestStatus::Selesai)
        );
        assert!(
            RequestStatus::closing("terbuka").is_err(),
            "closing needs an outcome"
        );
    }

    #[test]
    fn names_to_search_by_need_three_letters() {
        assert_eq!(search_name("  "), Ok(None));
        assert!(search_name("Al").is_err());
        assert!(search_name("1234").is_err());
        assert_eq!(search_name(" Siti Aminah "), Ok(Some("Siti Aminah".into())));
    }

    #[test]
    fn suspects_and_open_work_are_withheld_from_erasure() {
        assert_eq!(
            withheld(FoundAs::ReportPerson, Some("perekrut"), false),
            Some("subject-withheld-suspect")
        );
        assert_eq!(
            withheld(FoundAs::ReportPerson, Some("korban"), true),
            Some("subject-withheld-open")
        );
        assert_eq!(withheld(FoundAs::ReportPerson, Some("korban"), false), None);
        assert_eq!(
            withheld(FoundAs::CasePerson, None, true),
            Some("subject-withheld-open")
        );
        assert_eq!(
            withheld(FoundAs::CasePerson, Some("tersangka"), false),
            Some("subject-withheld-suspect")
        );
        assert_eq!(withheld(FoundAs::Migrant, None, true), None);
        assert_eq!(withheld(FoundAs::Applicant, None, false), None);
    }

    #[test]
    fn corrections_cover_the_fields_each_record_has() {
        assert!(FoundAs::Reporter.correctable(Field::Phone));
        assert!(!FoundAs::Reporter.correctable(Field::Nik));
        assert!(!FoundAs::Migrant.correctable(Field::Nik));
        assert!(FoundAs::Applicant.correctable(Field::Nik));
        assert!(!FoundAs::Applicant.correctable(Field::Phone));
    }
}
