//! Texts and people: report categories and their texts, suspected recruiters, jobs, and
//! fictional names, birth dates and NIKs.

use time::Date;

pub(super) const CATEGORIES: [&str; 6] = [
    "rekrutmen",
    "nonprosedural",
    "korban",
    "dokumen",
    "iklan",
    "wna",
];

pub(super) fn destinations(cat: &str) -> &'static [&'static str] {
    match cat {
        "rekrutmen" => &["MY", "SA", "HK", "TW"],
        "nonprosedural" => &["MY", "SA", "SG", "AE"],
        "korban" => &["MY", "SA", "HK", "KH", "TW"],
        "dokumen" => &["HK", "TW", "MY"],
        "iklan" => &["KH", "MM", "TH", "LA"],
        _ => &[],
    }
}

pub(super) fn country_name(code: &str) -> &'static str {
    match code {
        "MY" => "Malaysia",
        "SA" => "Arab Saudi",
        "HK" => "Hong Kong",
        "TW" => "Taiwan",
        "SG" => "Singapura",
        "AE" => "Uni Emirat Arab",
        "KH" => "Kamboja",
        "MM" => "Myanmar",
        "TH" => "Thailand",
        "LA" => "Laos",
        "KR" => "Korea Selatan",
        "JP" => "Jepang",
        _ => "luar negeri",
    }
}

/// The agency kind and purpose of a referral about a report of `cat`.
pub(super) fn agency_for(cat: &str, p: usize) -> (&'static str, &'static str) {
    match cat {
        "rekrutmen" if p % 2 == 1 => ("disnaker", "penempatan"),
        "nonprosedural" => ("disnaker", "penempatan"),
        "korban" => ("bp3mi", "perlindungan"),
        "dokumen" => ("dukcapil", "dokumen"),
        _ => ("polri", "penyidikan"),
    }
}

pub(super) fn action_text(kind: &str) -> &'static str {
    match kind {
        "polri" => "Penyelidikan dimulai; terduga perekrut dan dua saksi dimintai keterangan di Satreskrim Polres Malang.",
        "disnaker" => "Petugas Disnaker mendatangi desa, mendata warga yang ditawari kerja dan menjelaskan pendaftaran lewat LTSA.",
        "bp3mi" => "Koordinasi dengan perwakilan RI di negara tujuan untuk memeriksa kondisi dan hak gaji PMI; keluarga sudah dihubungi.",
        _ => "Data kependudukan diperiksa; perubahan data di KK dibatalkan dan pemohon dipanggil untuk klarifikasi.",
    }
}

pub(super) fn report_text(
    cat: &str,
    variant: usize,
    desa: &str,
    country: &str,
    calo: &str,
) -> String {
    match (cat, variant) {
        ("rekrutmen", 0) => format!("Ada orang luar desa bernama {calo} datang ke rumah-rumah di Desa {desa} menawarkan kerja di {country} dengan gaji besar. Katanya tidak perlu kursus, paspor diurus dia, biaya dipotong dari gaji nanti."),
        ("rekrutmen", 1) => format!("Sponsor bernama {calo} mengumpulkan KTP dan KK pemuda Desa {desa} untuk didaftarkan kerja ke {country}. Sudah lima orang menyerahkan dokumen, belum ada yang ke Disnaker."),
        ("rekrutmen", _) => format!("Tetangga kami di Desa {desa} ditawari kerja sebagai PRT ke {country} oleh {calo}. Diminta uang Rp 5 juta untuk biaya proses dan dijanjikan berangkat bulan depan."),
        ("nonprosedural", 0) => format!("Dua warga Desa {desa} berangkat ke {country} memakai visa kunjungan untuk bekerja. Keluarga bilang berangkat lewat Surabaya tanpa mengurus apa pun di Disnaker."),
        ("nonprosedural", 1) => format!("Seorang warga Desa {desa} pamit kerja ke {country} lewat Batam, tidak terdaftar di desa maupun Disnaker. Keluarga khawatir karena tidak ada kontrak kerja."),
        ("nonprosedural", _) => format!("Ada rombongan empat orang dari Desa {desa} yang akan berangkat dengan visa wisata, tetapi menurut keluarga tujuannya bekerja di {country}."),
        ("korban", 0) => format!("Anak saya dari Desa {desa} bekerja di {country} sejak tahun lalu. Gaji tidak dibayar tiga bulan dan paspornya dipegang agen. Hanya bisa dihubungi sesekali lewat WhatsApp."),
        ("korban", 1) => format!("Warga Desa {desa} yang bekerja di {country} mengabarkan tidak boleh keluar mess dan diancam denda bila ingin pulang sebelum kontrak habis."),
        ("korban", _) => format!("Istri saya dari Desa {desa} bekerja sebagai PRT di {country}, tidak diberi hari libur dan sering dimarahi. Agen di Malang tidak bisa dihubungi."),
        ("dokumen", 0) => format!("Tanggal lahir seorang remaja Desa {desa} diubah di KK agar umurnya cukup untuk berangkat kerja ke {country}. Yang mengurus seorang sponsor."),
        ("dokumen", 1) => format!("Ada yang menawarkan jasa membuat KTP dengan nama lain bagi warga Desa {desa} yang pernah gagal berangkat ke {country}."),
        ("dokumen", _) => format!("Surat izin keluarga seorang calon PMI dari Desa {desa} diduga ditandatangani orang lain, bukan suaminya. Tujuannya {country}."),
        ("iklan", 0) => format!("Di grup Facebook 'Info Loker Malang Selatan' ada iklan kerja admin di {country}, gaji Rp 12 juta, tiket ditanggung, cukup paspor. Beberapa pemuda Desa {desa} sudah menghubungi nomornya."),
        ("iklan", 1) => format!("Beredar brosur lowongan kerja pabrik di {country} di warung-warung Desa {desa}, tanpa nama perusahaan, hanya nomor WhatsApp atas nama {calo}."),
        ("iklan", _) => format!("Akun TikTok menawarkan kerja customer service di {country} untuk lulusan SMA tanpa biaya. Anak tetangga di Desa {desa} diajak berangkat minggu depan."),
        (_, 0) => format!("Dua orang asing tinggal di rumah kontrakan di Desa {desa} sejak sebulan, sering didatangi pemuda setempat dan tidak melapor ke RT."),
        (_, 1) => format!("Seorang warga negara asing yang mengaku pengusaha mencari perempuan muda di Desa {desa} untuk dinikahi dan dibawa ke luar negeri."),
        _ => format!("Beberapa WNA bekerja di tambak di pesisir Desa {desa}; tidak jelas izin tinggal dan izin kerjanya."),
    }
}

/// Suspected recruiters (fictional).
pub(super) const CALO: [&str; 10] = [
    "Moch. Darto",
    "Suyono",
    "Bu Ningsih",
    "Hartono",
    "Mbak Wati",
    "Kusnan",
    "Abdul Rahman",
    "Sutikno",
    "Bu Yayuk",
    "Sarwono",
];

/// (destination, job, scheme) of calon PMI on the legal path.
pub(super) const JOBS: [(&str, &str, &str); 7] = [
    ("HK", "Penata laksana rumah tangga", "p3mi"),
    ("TW", "Perawat lansia", "p3mi"),
    ("MY", "Operator produksi pabrik", "p3mi"),
    ("KR", "Pekerja manufaktur (EPS)", "g2g"),
    ("SG", "Penata laksana rumah tangga", "p3mi"),
    ("JP", "Perawat (careworker)", "g2g"),
    ("TW", "Operator pabrik elektronik", "p3mi"),
];

pub(super) const DUSUN: [&str; 6] = [
    "Krajan",
    "Wonorejo",
    "Sumberejo",
    "Kebonsari",
    "Sidomulyo",
    "Tegalrejo",
];

const FEMALE: [&str; 30] = [
    "Siti", "Sri", "Dewi", "Nur", "Sulastri", "Suwarni", "Lilik", "Yuli", "Endang", "Wahyuni",
    "Ani", "Tutik", "Eni", "Sumiati", "Mardiyah", "Winarti", "Puji", "Kartini", "Umi", "Fitri",
    "Ratna", "Indah", "Yeni", "Lestari", "Sukarni", "Nanik", "Ika", "Rohmah", "Anik", "Susi",
];
const FEMALE_LAST: [&str; 20] = [
    "Rahayu",
    "Handayani",
    "Astuti",
    "Kurniawati",
    "Susanti",
    "Suryani",
    "Aminah",
    "Fatimah",
    "Hidayati",
    "Purwanti",
    "Setyowati",
    "Mulyani",
    "Anggraini",
    "Utami",
    "Rahmawati",
    "Pratiwi",
    "Safitri",
    "Ningsih",
    "Wijayanti",
    "Maesaroh",
];
const MALE: [&str; 30] = [
    "Agus",
    "Budi",
    "Eko",
    "Joko",
    "Slamet",
    "Bambang",
    "Hadi",
    "Wahyu",
    "Dedi",
    "Sugeng",
    "Heru",
    "Rudi",
    "Teguh",
    "Yudi",
    "Imam",
    "Arif",
    "Didik",
    "Supriyadi",
    "Dwi",
    "Hendra",
    "Iwan",
    "Nanang",
    "Samsul",
    "Edi",
    "Fajar",
    "Rahmat",
    "Sutrisno",
    "Suparno",
    "Gatot",
    "Mujiono",
];
const MALE_LAST: [&str; 20] = [
    "Santoso",
    "Susilo",
    "Wibowo",
    "Hidayat",
    "Purnomo",
    "Saputra",
    "Nugroho",
    "Kurniawan",
    "Haryanto",
    "Wijaya",
    "Pratama",
    "Firmansyah",
    "Siswanto",
    "Sugiarto",
    "Rohman",
    "Hariyanto",
    "Maulana",
    "Efendi",
    "Sholeh",
    "Mustofa",
];

/// A fictional name from a seed, and whether it is a woman's (three in five: most calon PMI
/// from Malang are women).
pub(super) fn person(seed: usize) -> (String, bool) {
    let female = seed % 5 < 3;
    let (first, last) = if female {
        (&FEMALE[..], &FEMALE_LAST[..])
    } else {
        (&MALE[..], &MALE_LAST[..])
    };
    let name = format!(
        "{} {}",
        first[seed % first.len()],
        last[(seed * 7 + seed / 30) % last.len()]
    );
    (name, female)
}

/// A birth date 20 to 37 years before `year`.
pub(super) fn birth_date(seed: usize, year: i32) -> Date {
    let y = year - 20 - (seed % 18) as i32;
    let month = time::Month::try_from(1 + (seed * 5 % 12) as u8).unwrap_or(time::Month::January);
    let day = 1 + (seed * 7 % 28) as u8;
    Date::from_calendar_date(y, month, day).unwrap_or(Date::MIN)
}

/// A NIK that fits the person: the village's kecamatan, the birth date (day + 40 for a
/// woman) and a serial number.
pub(super) fn nik(village: &str, birth: Date, female: bool, serial: u32) -> String {
    let kec: String = village
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    let day = birth.day() + if female { 40 } else { 0 };
    format!(
        "{kec}{day:02}{:02}{:02}{:04}",
        u8::from(birth.month()),
        birth.year() % 100,
        serial % 9000 + 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn niks_parse_and_fit_the_person() {
        let birth = Date::from_calendar_date(1998, time::Month::March, 8).unwrap();
        let n = nik("35.07.04.2007", birth, true, 3001);
        assert_eq!(&n[..12], "350704480398");
        let parsed = benteng_domain::Nik::parse(&n).unwrap();
        assert!(parsed
            .check(
                Some(birth),
                Some(benteng_domain::Sex::Female),
                birth.replace_year(2026).unwrap()
            )
            .is_empty());
    }

    #[test]
    fn names_in_one_event_differ() {
        let names: std::collections::HashSet<_> = (0..40).map(|j| person(350 + j).0).collect();
        assert_eq!(names.len(), 40);
    }
}
