//! Early-warning reports, referrals and cases: their categories, the state machines that say
//! which status may follow which, the trafficking indicators, the explainable priority score,
//! tracking codes and the name key used to link reports.
//!
//! Status words are stored and sent in Indonesian (they are the codes of the API); the pages
//! translate them through Fluent (`report-status-<code>` and so on).

use serde::{Deserialize, Serialize};

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

    /// Still open: waiting in an officer's queue.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReportStatus::Baru | ReportStatus::Ditinjau | ReportStatus::Ditangani
        )
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
    "Other",
];

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

/// The weights of the priority score. Each factor that applies adds its weight; the sum is
/// capped at 100. Set in configuration (`[priority]`); these defaults favour people in danger
/// now (a victim abroad, a minor, a departure within days) over background information.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityWeights {
    pub category_korban: i64,
    pub category_nonprosedural: i64,
    pub category_rekrutmen: i64,
    pub category_dokumen: i64,
    pub category_iklan: i64,
    pub category_wna: i64,
    /// A minor is among the victims or people at risk.
    pub minor: i64,
    /// The reporter says someone is about to leave (within days).
    pub departure_soon: i64,
    /// A suspected recruiter is named or has a phone number.
    pub recruiter_known: i64,
    /// All three elements (act, means, purpose) of UU 21/2007 are ticked.
    pub all_elements: i64,
    /// Per ticked "means" indicator.
    pub per_means: i64,
    /// Per ticked ILO forced-labour indicator.
    pub per_ilo: i64,
    /// Per linked report (counted up to `linked_max`).
    pub per_linked: i64,
    pub linked_max: i64,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            category_korban: 40,
            category_nonprosedural: 30,
            category_rekrutmen: 25,
            category_dokumen: 20,
            category_iklan: 10,
            category_wna: 10,
            minor: 25,
            departure_soon: 20,
            recruiter_known: 10,
            all_elements: 20,
            per_means: 5,
            per_ilo: 3,
            per_linked: 5,
            linked_max: 4,
        }
    }
}

/// What the priority is computed from.
#[derive(Debug, Clone, Default)]
pub struct PriorityInput<'a> {
    pub category: Option<Category>,
    pub indicators: &'a [&'a str],
    pub minor: bool,
    pub departure_soon: bool,
    pub recruiter_known: bool,
    pub linked_reports: i64,
}

/// One reason that raised the priority, with its weight (Fluent id `priority-reason-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorityReason {
    pub code: String,
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Priority {
    pub score: i64,
    pub reasons: Vec<PriorityReason>,
}

impl Priority {
    /// tinggi (≥ 60), sedang (≥ 30) or rendah.
    pub fn level(score: i64) -> &'static str {
        if score >= 60 {
            "tinggi"
        } else if score >= 30 {
            "sedang"
        } else {
            "rendah"
        }
    }

    /// Reasons as stored: `code:weight;code:weight`.
    pub fn encode_reasons(&self) -> String {
        self.reasons
            .iter()
            .map(|r| format!("{}:{}", r.code, r.weight))
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn decode_reasons(s: &str) -> Vec<PriorityReason> {
        s.split(';')
            .filter_map(|p| {
                let (c, w) = p.split_once(':')?;
                Some(PriorityReason {
                    code: c.to_string(),
                    weight: w.parse().ok()?,
                })
            })
            .collect()
    }
}

/// The explainable priority score: every factor that applies is a reason with its weight.
pub fn priority(w: &PriorityWeights, i: &PriorityInput<'_>) -> Priority {
    let mut reasons = Vec::new();
    let mut add = |code: &str, weight: i64| {
        if weight != 0 {
            reasons.push(PriorityReason {
                code: code.to_string(),
                weight,
            });
        }
    };
    if let Some(c) = i.category {
        let weight = match c {
            Category::Korban => w.category_korban,
            Category::Nonprosedural => w.category_nonprosedural,
            Category::Rekrutmen => w.category_rekrutmen,
            Category::Dokumen => w.category_dokumen,
            Category::Iklan => w.category_iklan,
            Category::Wna => w.category_wna,
        };
        add(&format!("category_{}", c.as_str()), weight);
    }
    if i.minor {
        add("minor", w.minor);
    }
    if i.departure_soon {
        add("departure_soon", w.departure_soon);
    }
    if i.recruiter_known {
        add("recruiter_known", w.recruiter_known);
    }
    let group = |g: IndicatorGroup| {
        i.indicators
            .iter()
            .filter(|c| INDICATORS.iter().any(|(k, kg)| k == *c && *kg == g))
            .count() as i64
    };
    let (proses, cara, tujuan, ilo) = (
        group(IndicatorGroup::Proses),
        group(IndicatorGroup::Cara),
        group(IndicatorGroup::Tujuan),
        group(IndicatorGroup::Ilo),
    );
    if proses > 0 && cara > 0 && tujuan > 0 {
        add("all_elements", w.all_elements);
    }
    if cara > 0 {
        add("means", cara * w.per_means);
    }
    if ilo > 0 {
        add("ilo", ilo * w.per_ilo);
    }
    let linked = i.linked_reports.clamp(0, w.linked_max.max(0));
    if linked > 0 {
        add("linked", linked * w.per_linked);
    }
    let score = reasons.iter().map(|r| r.weight).sum::<i64>().clamp(0, 100);
    Priority { score, reasons }
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
mod tests {
    use super::*;

    #[test]
    fn every_report_transition() {
        use ReportStatus::*;
        let allowed = [
            (Baru, Ditinjau),
            (Baru, Ditangani),
            (Baru, Ditolak),
            (Ditinjau, Ditangani),
            (Ditinjau, Selesai),
            (Ditinjau, Ditolak),
            (Ditangani, Ditinjau),
            (Ditangani, Selesai),
            (Selesai, Ditangani),
            (Ditolak, Ditinjau),
        ];
        for from in ReportStatus::ALL {
            for to in ReportStatus::ALL {
                assert_eq!(
                    from.can_move_to(*to),
                    allowed.contains(&(*from, *to)),
                    "{from} -> {to}"
                );
            }
        }
        // Merged is final and cannot be chosen as a status.
        assert!(ReportStatus::ALL.iter().all(|s| !s.can_move_to(Digabung)));
        assert!(!Digabung.can_merge());
        assert!(Selesai.can_merge());
    }

    #[test]
    fn public_status_hides_internal_states() {
        use ReportStatus::*;
        assert_eq!(Baru.public(), PublicStatus::Diterima);
        assert_eq!(Ditinjau.public(), PublicStatus::Diproses);
        assert_eq!(Ditangani.public(), PublicStatus::Diproses);
        for s in [Selesai, Ditolak, Digabung] {
            assert_eq!(s.public(), PublicStatus::Selesai);
        }
    }

    #[test]
    fn every_referral_transition() {
        use ReferralSide::*;
        use ReferralStatus::*;
        let allowed = [
            (Terkirim, Diterima, Receiver),
            (Terkirim, Ditolak, Receiver),
            (Diterima, Selesai, Receiver),
            (Terkirim, Dibatalkan, Sender),
            (Diterima, Dibatalkan, Sender),
        ];
        for from in ReferralStatus::ALL {
            for to in ReferralStatus::ALL {
                for side in [Sender, Receiver] {
                    assert_eq!(
                        from.can_move_to(*to, side),
                        allowed.contains(&(*from, *to, side)),
                        "{from} -> {to} by {side:?}"
                    );
                }
            }
        }
        assert!(Terkirim.is_pending() && Diterima.is_pending());
        assert!(!Selesai.is_pending() && !Ditolak.is_pending() && !Dibatalkan.is_pending());
    }

    #[test]
    fn every_case_transition() {
        use CaseStatus::*;
        let allowed = [
            (Aktif, TindakLanjut),
            (Aktif, Ditutup),
            (Aktif, DitutupDirujuk),
            (TindakLanjut, Aktif),
            (TindakLanjut, Ditutup),
            (TindakLanjut, DitutupDirujuk),
            (Ditutup, Aktif),
            (DitutupDirujuk, Aktif),
        ];
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                assert_eq!(
                    from.can_move_to(*to),
                    allowed.contains(&(*from, *to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn codes_round_trip_and_refuse_unknown() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Ok(*c));
        }
        assert_eq!(Category::parse("narkoba"), Err("err-invalid-choice"));
        assert_eq!(ReportStatus::parse(""), Err("err-required"));
    }

    #[test]
    fn priority_explains_every_point() {
        let w = PriorityWeights::default();
        let ind = [
            "proses_perekrutan",
            "cara_penipuan",
            "cara_jeratan_utang",
            "tujuan_eksploitasi",
            "ilo_penahanan_dokumen",
        ];
        let p = priority(
            &w,
            &PriorityInput {
                category: Some(Category::Korban),
                indicators: &ind,
                minor: false,
                departure_soon: false,
                recruiter_known: true,
                linked_reports: 2,
            },
        );
        let codes: Vec<(&str, i64)> = p
            .reasons
            .iter()
            .map(|r| (r.code.as_str(), r.weight))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("category_korban", 40),
                ("recruiter_known", 10),
                ("all_elements", 20),
                ("means", 10),
                ("ilo", 3),
                ("linked", 10),
            ]
        );
        // 93: the sum of the reasons.
        assert_eq!(p.score, 93);
        assert_eq!(Priority::level(p.score), "tinggi");
        assert_eq!(Priority::decode_reasons(&p.encode_reasons()), p.reasons);
    }

    #[test]
    fn priority_is_capped_and_linked_counts_are_bounded() {
        let w = PriorityWeights::default();
        let all: Vec<&str> = INDICATORS.iter().map(|(c, _)| *c).collect();
        let p = priority(
            &w,
            &PriorityInput {
                category: Some(Category::Korban),
                indicators: &all,
                minor: true,
                departure_soon: true,
                recruiter_known: true,
                linked_reports: 50,
            },
        );
        assert_eq!(p.score, 100);
        let linked = p.reasons.iter().find(|r| r.code == "linked").unwrap();
        assert_eq!(linked.weight, w.linked_max * w.per_linked);
        let low = priority(
            &w,
            &PriorityInput {
                category: Some(Category::Iklan),
                ..Default::default()
            },
        );
        assert_eq!(low.score, 10);
        assert_eq!(Priority::level(low.score), "rendah");
    }

    #[test]
    fn configured_weights_change_the_score() {
        let w = PriorityWeights {
            category_iklan: 45,
            ..Default::default()
        };
        let p = priority(
            &w,
            &PriorityInput {
                category: Some(Category::Iklan),
                ..Default::default()
            },
        );
        assert_eq!(p.score, 45);
    }

    #[test]
    fn indicators_are_cleaned() {
        assert_eq!(
            clean_indicators(["ilo_isolasi", "bogus", "proses_perekrutan", "ilo_isolasi"]),
            vec!["proses_perekrutan", "ilo_isolasi"]
        );
    }

    #[test]
    fn tracking_codes_round_trip_and_forgive_typing() {
        let c = tracking_code(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 200]);
        assert_eq!(c.len(), 14);
        assert_eq!(parse_tracking_code(&c), Ok(c.clone()));
        assert_eq!(
            parse_tracking_code(&c.to_lowercase().replace('-', " ")),
            Ok(c.clone())
        );
        assert_eq!(
            parse_tracking_code("LP-23456-789AB"),
            Ok("LP-23456-789AB".into())
        );
        // O for Q-like zero and I/L for J are folded; a short code is refused.
        assert_eq!(
            parse_tracking_code("lp 23456 789"),
            Err("err-tracking-code")
        );
        assert_eq!(parse_tracking_code(""), Err("err-required"));
        assert_eq!(parse_tracking_code("<script>"), Err("err-tracking-code"));
    }

    #[test]
    fn name_keys_fold_indonesian_variants() {
        assert_eq!(name_key("Moch. Soekarno"), name_key("Muhammad Sukarno"));
        assert_eq!(
            name_key("M. Djoko Santoso"),
            name_key("Muhamad Joko Santoso")
        );
        assert_eq!(name_key("Hj. Siti Aminah, S.Pd."), "aminah siti");
        assert_eq!(name_key("Budi bin Slamet"), name_key("Slamet Budi"));
        assert_eq!(name_key("Tjahjo Noor"), "cahjo nur");
        assert_eq!(name_key("St. Aminah"), name_key("Siti Aminah"));
        assert_eq!(name_key("   "), "");
        assert!(!name_key_links(&name_key("Siti")));
        assert!(name_key_links(&name_key("Siti Aminah")));
    }

    #[test]
    fn name_key_is_idempotent() {
        for n in [
            "Moch. Soekarno",
            "Hj. Siti Aminah, S.Pd.",
            "Nyoman Djaja",
            "M Ali",
        ] {
            let k = name_key(n);
            assert_eq!(name_key(&k), k, "{n}");
        }
    }
}
