//! Early-warning reports, referrals and cases: their categories, the state machines that say
//! which status may follow which, the trafficking indicators, the explainable priority score,
//! tracking codes and the name key used to link reports.
//!
//! Status words are stored and sent in Indonesian (they are the codes of the API); the pages
//! translate them through Fluent (`report-status-<code>` and so on).

use serde::{Deserialize, Serialize};

mod priority;
pub use priority::{priority, Priority, PriorityInput, PriorityReason, PriorityWeights};

/// An enum whose variants have fixed text codes (stored in the database and used by the API).
macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }

            /// Parse a code; the error is a Fluent message id.
            pub fn parse(s: &str) -> Result<Self, &'static str> {
                match s.trim() {
                    $($code => Ok($name::$v),)+
                    "" => Err("err-required"),
                    _ => Err("err-invalid-choice"),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use coded;

coded! {
    /// What a report is about (PRODUCT.md §4).
    Category {
        /// Suspicious recruitment: a calo promising work abroad.
        Rekrutmen = "rekrutmen",
        /// A resident leaving without the legal procedure (e.g. on a tourist visa to work).
        Nonprosedural = "nonprosedural",
        /// A victim or missing person abroad.
        Korban = "korban",
        /// Document fraud, such as a forged age.
        Dokumen = "dokumen",
        /// A suspicious job advertisement.
        Iklan = "iklan",
        /// A suspicious foreigner.
        Wna = "wna",
    }
}

coded! {
    /// Where a report came from.
    Source {
        Publik = "publik",
        Desa = "desa",
        Petugas = "petugas",
        Whatsapp = "whatsapp",
    }
}

coded! {
    /// Role of a person in a report.
    PersonRole {
        /// Victim or person at risk.
        Korban = "korban",
        /// Suspected recruiter (calo, sponsor, agent).
        Perekrut = "perekrut",
        Saksi = "saksi",
    }
}

coded! {
    /// Life of a report from intake to closure.
    ReportStatus {
        /// Received, nobody has looked at it yet.
        Baru = "baru",
        /// An officer is assessing it.
        Ditinjau = "ditinjau",
        /// Being handled: referred, investigated or turned into a case.
        Ditangani = "ditangani",
        Selesai = "selesai",
        /// Not a trafficking concern or not credible.
        Ditolak = "ditolak",
        /// A duplicate, merged into another report (final).
        Digabung = "digabung",
    }
}

/// What the public sees of a report's status: nothing internal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    Diterima,
    Diproses,
    Selesai,
}

impl PublicStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Diterima => "diterima",
            PublicStatus::Diproses => "diproses",
            PublicStatus::Selesai => "selesai",
        }
    }
}

impl ReportStatus {
    /// May a report move from `self` to `to` by an officer's decision? Merging has its own
    /// operation (it needs the report merged into) and is not offered here.
    pub fn can_move_to(self, to: ReportStatus) -> bool {
        use ReportStatus::*;
        matches!(
            (self, to),
            (Baru, Ditinjau | Ditangani | Ditolak)
                | (Ditinjau, Ditangani | Selesai | Ditolak)
                | (Ditangani, Ditinjau | Selesai)
                // Reopen.
                | (Selesai, Ditangani)
                | (Ditolak, Ditinjau)
        )
    }

    /// May a report in this status be merged into another one?
    pub fn can_merge(self) -> bool {
        !matches!(self, ReportStatus::Digabung)
    }

    /// The statuses of a report still waiting in an officer's queue.
    pub const OPEN: [ReportStatus; 3] = [
        ReportStatus::Baru,
        ReportStatus::Ditinjau,
        ReportStatus::Ditangani,
    ];

    /// Still open: waiting in an officer's queue.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    pub fn public(self) -> PublicStatus {
        use ReportStatus::*;
        match self {
            Baru => PublicStatus::Diterima,
            Ditinjau | Ditangani => PublicStatus::Diproses,
            Selesai | Ditolak | Digabung => PublicStatus::Selesai,
        }
    }
}

coded! {
    /// A referral from the immigration office to a partner agency.
    ReferralStatus {
        /// Sent, waiting for the agency.
        Terkirim = "terkirim",
        Diterima = "diterima",
        /// Declined by the agency, with a reason (final).
        Ditolak = "ditolak",
        /// The agency has finished its part (final).
        Selesai = "selesai",
        /// Withdrawn by the sender (final).
        Dibatalkan = "dibatalkan",
    }
}

/// Which side of a referral acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralSide {
    /// The office that sent it.
    Sender,
    /// The agency it was sent to.
    Receiver,
}

impl ReferralStatus {
    /// The referral state machine (as Primero's transitions: in progress, accepted or
    /// rejected, done, revoked).
    pub fn can_move_to(self, to: ReferralStatus, side: ReferralSide) -> bool {
        use ReferralSide::*;
        use ReferralStatus::*;
        matches!(
            (self, to, side),
            (Terkirim, Diterima | Ditolak, Receiver)
                | (Diterima, Selesai, Receiver)
                | (Terkirim | Diterima, Dibatalkan, Sender)
        )
    }

    /// Still expecting work from the agency (and so able to become overdue).
    pub fn is_pending(self) -> bool {
        matches!(self, ReferralStatus::Terkirim | ReferralStatus::Diterima)
    }
}

coded! {
    /// Kinds of partner agencies a referral may go to, and what each is for.
    ReferralPurpose {
        /// Criminal investigation (Polri).
        Penyidikan = "penyidikan",
        /// Protection and repatriation (KP2MI/BP3MI).
        Perlindungan = "perlindungan",
        /// Placement matters (Disnaker).
        Penempatan = "penempatan",
        /// Document fraud (Dukcapil).
        Dokumen = "dokumen",
        /// Victim services (Dinas Sosial / P3A).
        Layanan = "layanan",
    }
}

impl ReferralPurpose {
    /// Whether an agency of `kind` (`disnaker`, `bp3mi`, `dukcapil`, `polri`, `dinsos`, `p3a`,
    /// `pemda`, `lainnya`) handles this purpose: an investigation goes to the police, document
    /// fraud to Dukcapil, and so on. A regional government or another body may receive any.
    pub fn fits_agency(self, kind: &str) -> bool {
        match kind {
            "pemda" | "lainnya" => true,
            k => match self {
                ReferralPurpose::Penyidikan => k == "polri",
                ReferralPurpose::Perlindungan => k == "bp3mi",
                ReferralPurpose::Penempatan => k == "disnaker",
                ReferralPurpose::Dokumen => k == "dukcapil",
                ReferralPurpose::Layanan => matches!(k, "dinsos" | "p3a"),
            },
        }
    }
}

#[cfg(test)]
mod purpose_tests {
    use super::ReferralPurpose;

    #[test]
    fn a_purpose_goes_to_the_agency_that_handles_it() {
        assert!(ReferralPurpose::Penyidikan.fits_agency("polri"));
        assert!(!ReferralPurpose::Dokumen.fits_agency("polri"));
        assert!(ReferralPurpose::Dokumen.fits_agency("dukcapil"));
        assert!(ReferralPurpose::Layanan.fits_agency("p3a"));
        assert!(!ReferralPurpose::Penempatan.fits_agency("bp3mi"));
        assert!(ReferralPurpose::Penempatan.fits_agency("pemda"));
    }
}

coded! {
    /// Case status, as HTCDS `cas_Status`.
    CaseStatus {
        Aktif = "aktif",
        TindakLanjut = "tindak_lanjut",
        Ditutup = "ditutup",
        DitutupDirujuk = "ditutup_dirujuk",
    }
}

impl CaseStatus {
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (Aktif, TindakLanjut | Ditutup | DitutupDirujuk)
                | (TindakLanjut, Aktif | Ditutup | DitutupDirujuk)
                | (Ditutup | DitutupDirujuk, Aktif)
        )
    }

    pub fn is_closed(self) -> bool {
        matches!(self, CaseStatus::Ditutup | CaseStatus::DitutupDirujuk)
    }

    /// The HTCDS picklist value.
    pub fn htcds(self) -> &'static str {
        match self {
            CaseStatus::Aktif => "Active",
            CaseStatus::TindakLanjut => "FollowUp",
            CaseStatus::Ditutup => "Closed",
            CaseStatus::DitutupDirujuk => "ClosedReferred",
        }
    }
}

coded! {
    /// Where the legal process of a case stands.
    LegalStage {
        Belum = "belum",
        Penyelidikan = "penyelidikan",
        Penyidikan = "penyidikan",
        Penuntutan = "penuntutan",
        Persidangan = "persidangan",
        Putusan = "putusan",
        Dihentikan = "dihentikan",
    }
}

coded! {
    /// HTCDS `vic_TraffickingStatus`.
    TraffickingStatus {
        Dugaan = "dugaan",
        Terbukti = "terbukti",
        Bukan = "bukan",
    }
}

impl TraffickingStatus {
    pub fn htcds(self) -> &'static str {
        match self {
            TraffickingStatus::Dugaan => "PossibleVictimOfTrafficking",
            TraffickingStatus::Terbukti => "ActualVictimOfTrafficking",
            TraffickingStatus::Bukan => "NotAVictimOfTrafficking",
        }
    }
}

/// HTCDS `vic_TypeOfExploitation` values offered for a case.
pub const EXPLOITATION_TYPES: &[&str] = &[
    "ForcedLabour",
    "SexualExploitation",
    "ChildLabour",
    "ForcedMarriage",
    "Servitude",
    "OrganRemoval",
    "ForcedBegging",
    // Forced criminality: people held in online-scam compounds (Cambodia, Myanmar, Laos, the
    // Philippines) and made to defraud others, the commonest trafficking of Indonesians
    // since 2022 (domain brief 5.3). Not a value of the HTCDS picklist we export to: the
    // HTCDS export writes it as `Other` (see `htcds_exploitation`).
    "ForcedCriminality",
    "Other",
];

/// The HTCDS `vic_TypeOfExploitation` value of one of [`EXPLOITATION_TYPES`].
pub fn htcds_exploitation(v: &str) -> &str {
    match v {
        "ForcedCriminality" => "Other",
        other => other,
    }
}

/// HTCDS `spl_Type` values for services given to a victim.
pub const SERVICE_TYPES: &[&str] = &[
    "Health",
    "Legal",
    "SocialCare",
    "Financial",
    "Livelihood",
    "Education",
    "LabourExploitationRehabilitation",
    "SexualExploitationRehabilitation",
    "RightsBasedTraining",
];

/// HTCDS `per_RoleInProcess` values for suspects.
pub const PERPETRATOR_ROLES: &[&str] = &[
    "RecruiterOrIntermediary",
    "BrokerTravelAgent",
    "Transporter",
    "Exploiter",
    "Smuggler",
    "Other",
];

/// Which element a trafficking indicator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorGroup {
    /// UU 21/2007 Pasal 1 angka 1: the act (proses).
    Proses,
    /// The means (cara).
    Cara,
    /// The purpose (tujuan): exploitation.
    Tujuan,
    /// ILO indicators of forced labour (2012).
    Ilo,
}

/// The indicators an officer ticks in triage: the act-means-purpose elements of the definition
/// of TPPO in UU 21/2007 Pasal 1 angka 1, and the eleven ILO forced-labour indicators.
pub const INDICATORS: &[(&str, IndicatorGroup)] = &[
    ("proses_perekrutan", IndicatorGroup::Proses),
    ("proses_pengangkutan", IndicatorGroup::Proses),
    ("proses_penampungan", IndicatorGroup::Proses),
    ("proses_pengiriman", IndicatorGroup::Proses),
    ("proses_pemindahan", IndicatorGroup::Proses),
    ("proses_penerimaan", IndicatorGroup::Proses),
    ("cara_ancaman", IndicatorGroup::Cara),
    ("cara_kekerasan", IndicatorGroup::Cara),
    ("cara_penculikan", IndicatorGroup::Cara),
    ("cara_penyekapan", IndicatorGroup::Cara),
    ("cara_pemalsuan", IndicatorGroup::Cara),
    ("cara_penipuan", IndicatorGroup::Cara),
    ("cara_penyalahgunaan_kekuasaan", IndicatorGroup::Cara),
    ("cara_posisi_rentan", IndicatorGroup::Cara),
    ("cara_jeratan_utang", IndicatorGroup::Cara),
    ("cara_bayaran", IndicatorGroup::Cara),
    ("tujuan_eksploitasi", IndicatorGroup::Tujuan),
    ("ilo_kerentanan", IndicatorGroup::Ilo),
    ("ilo_penipuan", IndicatorGroup::Ilo),
    ("ilo_pembatasan_gerak", IndicatorGroup::Ilo),
    ("ilo_isolasi", IndicatorGroup::Ilo),
    ("ilo_kekerasan", IndicatorGroup::Ilo),
    ("ilo_intimidasi", IndicatorGroup::Ilo),
    ("ilo_penahanan_dokumen", IndicatorGroup::Ilo),
    ("ilo_penahanan_upah", IndicatorGroup::Ilo),
    ("ilo_jeratan_utang", IndicatorGroup::Ilo),
    ("ilo_kondisi_kerja", IndicatorGroup::Ilo),
    ("ilo_lembur_berlebihan", IndicatorGroup::Ilo),
];

/// Keep the known indicator codes of `input`, in the canonical order, without duplicates.
pub fn clean_indicators<'a>(input: impl IntoIterator<Item = &'a str>) -> Vec<&'static str> {
    let given: Vec<&str> = input.into_iter().map(str::trim).collect();
    INDICATORS
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| given.contains(c))
        .collect()
}

/// Alphabet of tracking codes: no 0/O, 1/I/L, so a code read over the phone survives.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters after the `LP` prefix (31^10 ≈ 8 × 10^14 codes).
pub const TRACKING_CODE_LEN: usize = 10;

/// Build a tracking code from random bytes (one byte per character).
pub fn tracking_code(random: &[u8; TRACKING_CODE_LEN]) -> String {
    let body: String = random
        .iter()
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect();
    format!("LP-{}-{}", &body[..5], &body[5..])
}

/// Normalise what a resident typed into the stored form `LP-XXXXX-XXXXX`: case, spaces and
/// dashes do not matter; look-alike letters are read as the digits they resemble.
pub fn parse_tracking_code(input: &str) -> Result<String, &'static str> {
    let mut s: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if s.is_empty() {
        return Err("err-required");
    }
    if let Some(rest) = s.strip_prefix("LP") {
        s = rest.to_string();
    }
    let s: String = s
        .chars()
        .map(|c| match c {
            'O' | '0' => 'Q',
            'I' | 'L' | '1' => 'J',
            c => c,
        })
        .collect();
    if s.len() != TRACKING_CODE_LEN || !s.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err("err-tracking-code");
    }
    Ok(format!("LP-{}-{}", &s[..5], &s[5..]))
}

/// The linking key of a person's name: the screening normaliser's canonical tokens (titles,
/// degrees and `bin`/`binti` dropped, old spellings modernised, abbreviations such as Moh.,
/// St., Abd. expanded; see [`crate::screening::normalize`]), sorted so word order does not
/// matter and deduplicated. Empty when nothing usable is left.
pub fn name_key(name: &str) -> String {
    let mut tokens: Vec<String> = crate::screening::normalize(name)
        .into_iter()
        .map(|t| t.canon)
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens.join(" ")
}

/// Names too common to link two reports on their own (a one-token key like "siti").
pub fn name_key_links(key: &str) -> bool {
    key.split(' ').count() >= 2 && key.len() >= 6
}

/// Destination countries offered in forms (ISO 3166-1 alpha-2, the most common for PMI first).
pub const COUNTRIES: &[&str] = &[
    "MY", "SA", "TW", "HK", "SG", "KR", "JP", "AE", "QA", "KH", "MM", "TH", "BN", "TR", "KW", "OM",
    "BH", "JO", "PL", "DE", "AU", "US", "LA", "PH", "CN",
];

#[cfg(test)]
mod tests;
