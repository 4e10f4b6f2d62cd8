//! The raw material of the generated data: a small seeded random generator that gives the
//! same numbers everywhere, and the pools of names, places and phrases the rows draw from.

/// SplitMix64: small, fast and the same on every platform and version.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    pub(super) fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total as u64) as u32;
        for (v, w) in xs {
            if x < *w {
                return *v;
            }
            x -= w;
        }
        xs[xs.len() - 1].0
    }
}

pub(super) fn mix(a: u64, b: u64) -> u64 {
    Rng::new(a.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ b).next()
}

pub(super) const FEMALE_FIRST: &[&str] = &[
    "Siti",
    "Sri",
    "Dewi",
    "Nur",
    "Ani",
    "Rina",
    "Yuli",
    "Eka",
    "Dwi",
    "Tri",
    "Ratna",
    "Suci",
    "Endang",
    "Indah",
    "Fitri",
    "Nurul",
    "Umi",
    "Anik",
    "Erna",
    "Lilik",
    "Ika",
    "Puji",
    "Mariyam",
    "Lina",
    "Wiwik",
    "Yeni",
    "Rini",
    "Novi",
    "Desi",
    "Lia",
    "Maya",
    "Ayu",
    "Retno",
    "Tutik",
    "Kusmiati",
    "Sumarni",
    "Winarti",
    "Darmi",
    "Sulis",
    "Evi",
    "Nining",
    "Heni",
    "Luluk",
    "Titin",
    "Aisyah",
    "Khusnul",
    "Laili",
    "Mutmainah",
    "Rohmah",
    "Zahro",
];
const FEMALE_LAST: &[&str] = &[
    "Aminah",
    "Rahayu",
    "Wulandari",
    "Lestari",
    "Handayani",
    "Susanti",
    "Purwanti",
    "Setiawati",
    "Hidayati",
    "Kurniawati",
    "Rahmawati",
    "Maryani",
    "Utami",
    "Puspitasari",
    "Safitri",
    "Anggraini",
    "Fatimah",
    "Khotimah",
    "Zulaikha",
    "Yuliana",
    "Ningsih",
    "Sulistyowati",
    "Wahyuni",
    "Astutik",
    "Indriani",
    "Mulyani",
    "Nurhayati",
    "Pratiwi",
    "Rohmawati",
    "Suryani",
    "Triana",
    "Widayati",
    "Yuniarti",
    "Zuhriyah",
    "Nikmah",
];
pub(super) const MALE_FIRST: &[&str] = &[
    "Agus", "Budi", "Joko", "Eko", "Dwi", "Bambang", "Hadi", "Rudi", "Ahmad", "Muhammad", "Moch",
    "Abdul", "Andi", "Arif", "Bagus", "Dedi", "Fajar", "Hendra", "Imam", "Irfan", "Yusuf", "Wahyu",
    "Teguh", "Slamet", "Rizky", "Nanang", "Heru", "Didik", "Gatot", "Khoirul", "Lukman", "Mujib",
    "Nur", "Rahmat", "Samsul", "Sugeng", "Taufik", "Wawan", "Yanto", "Zainal", "Ali", "Dimas",
    "Edi", "Fauzan", "Gilang", "Hari", "Iwan", "Kukuh", "Rendra", "Toni",
];
const MALE_LAST: &[&str] = &[
    "Santoso",
    "Prasetyo",
    "Hidayat",
    "Setiawan",
    "Wibowo",
    "Saputra",
    "Nugroho",
    "Susanto",
    "Hartono",
    "Kurniawan",
    "Purnomo",
    "Gunawan",
    "Firmansyah",
    "Hermawan",
    "Riyadi",
    "Suryadi",
    "Wahyudi",
    "Syahputra",
    "Maulana",
    "Ramadhan",
    "Hakim",
    "Arifin",
    "Fauzi",
    "Anwar",
    "Mustofa",
    "Rohman",
    "Ikhsan",
    "Sholeh",
    "Effendi",
    "Haryanto",
    "Kusuma",
    "Pratama",
    "Utomo",
    "Sutrisno",
    "Yulianto",
];
/// Javanese single names: they never link reports on their own.
const MONONYMS: &[&str] = &[
    "Suparman",
    "Sutrisno",
    "Suwarni",
    "Sumiati",
    "Painem",
    "Tukiyem",
    "Paijo",
    "Sugiono",
    "Mujiati",
    "Sukarti",
    "Suyatno",
    "Kasiyem",
    "Sarmi",
    "Jumadi",
    "Tumini",
    "Poniman",
    "Sukirah",
    "Wagiman",
    "Katiran",
    "Sumini",
    "Supriyadi",
    "Ngatini",
    "Rusmini",
    "Saminah",
    "Karsiman",
    "Warsini",
    "Tarmuji",
    "Sulastri",
    "Mulyono",
    "Sudarmi",
];
pub(super) const CALLS: &[&str] = &["Pak", "Bu", "Mas", "Mbak", "Haji", "Bang"];

/// (ISO code, name, cities, jobs, weight).
pub(super) type Destination = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    u32,
);
pub(super) const DESTINATIONS: &[Destination] = &[
    (
        "MY",
        "Malaysia",
        &[
            "Kuala Lumpur",
            "Johor Bahru",
            "Penang",
            "Kota Kinabalu",
            "Tawau",
            "Kuching",
        ],
        &[
            "buruh perkebunan sawit",
            "pekerja pabrik",
            "asisten rumah tangga",
            "pelayan restoran",
            "buruh bangunan",
        ],
        30,
    ),
    (
        "TW",
        "Taiwan",
        &["Taipei", "Taichung", "Kaohsiung", "Taoyuan"],
        &[
            "perawat lansia",
            "pekerja pabrik",
            "ABK kapal ikan",
            "asisten rumah tangga",
        ],
        15,
    ),
    (
        "HK",
        "Hong Kong",
        &["Hong Kong", "Kowloon"],
        &["asisten rumah tangga", "perawat lansia"],
        12,
    ),
    (
        "SA",
        "Arab Saudi",
        &["Riyadh", "Jeddah", "Dammam", "Madinah"],
        &[
            "asisten rumah tangga",
            "sopir keluarga",
            "pekerja kebersihan",
        ],
        8,
    ),
    (
        "SG",
        "Singapura",
        &["Singapura"],
        &["asisten rumah tangga", "perawat lansia"],
        6,
    ),
    (
        "KH",
        "Kamboja",
        &["Phnom Penh", "Sihanoukville", "Bavet"],
        &[
            "operator komputer",
            "admin judi online",
            "customer service",
            "marketing daring",
        ],
        8,
    ),
    (
        "MM",
        "Myanmar",
        &["Myawaddy", "Shwe Kokko"],
        &["operator komputer", "customer service"],
        3,
    ),
    (
        "KR",
        "Korea Selatan",
        &["Busan", "Ansan", "Gimhae"],
        &["ABK kapal ikan", "pekerja pabrik"],
        6,
    ),
    (
        "JP",
        "Jepang",
        &["Osaka", "Nagoya", "Saitama"],
        &["pekerja pabrik", "perawat lansia", "peserta magang"],
        5,
    ),
    (
        "BN",
        "Brunei",
        &["Bandar Seri Begawan"],
        &["pelayan restoran", "buruh bangunan"],
        3,
    ),
    (
        "AE",
        "Uni Emirat Arab",
        &["Dubai", "Abu Dhabi"],
        &["asisten rumah tangga", "pelayan hotel"],
        3,
    ),
    (
        "PL",
        "Polandia",
        &["Warsawa", "Wroclaw"],
        &["pekerja gudang", "buruh perkebunan"],
        1,
    ),
];
pub(super) const TRANSITS: &[&str] = &[
    "Batam",
    "Tanjung Pinang",
    "Entikong",
    "Nunukan",
    "Dumai",
    "Tanjung Balai Karimun",
    "Bandara Juanda",
    "Bandara Soekarno-Hatta",
    "Pelabuhan Tanjung Perak",
];
pub(super) const PLACES: &[&str] = &[
    "Terminal Arjosari",
    "Terminal Bungurasih",
    "Bandara Juanda",
    "Pelabuhan Tanjung Perak",
    "Stasiun Malang",
    "Stasiun Gubeng",
    "rumah sponsor di desa sebelah",
    "penampungan di Surabaya",
    "penampungan di Jakarta Timur",
    "kantor cabang di Tulungagung",
    "balai desa",
    "pasar desa",
    "Batam",
    "Nunukan",
    "warung kopi dekat pasar",
    "rumah kontrakan di Sidoarjo",
];
pub(super) const COMPANY_WORDS: &[&str] = &[
    "Sinar",
    "Jaya",
    "Abadi",
    "Mandiri",
    "Sejahtera",
    "Karya",
    "Bumi",
    "Putra",
    "Mitra",
    "Global",
    "Insani",
    "Nusantara",
    "Harapan",
    "Makmur",
    "Sentosa",
    "Utama",
    "Cahaya",
    "Bintang",
    "Surya",
    "Mulia",
    "Barokah",
    "Amanah",
    "Lancar",
    "Perkasa",
    "Gemilang",
    "Samudra",
    "Permata",
    "Delta",
    "Rezeki",
    "Berkah",
];
pub(super) const MEDIA: &[&str] = &[
    "Facebook",
    "TikTok",
    "grup WhatsApp",
    "Instagram",
    "Telegram",
];
pub(super) const MONTHS: &[&str] = &[
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
pub(super) const NATIONALITIES: &[&str] = &[
    "Tiongkok", "Malaysia", "Taiwan", "Kamboja", "Nigeria", "India", "Korea",
];

pub(crate) fn person_name(r: &mut Rng, female: bool) -> String {
    let x = r.below(100);
    if x < 30 {
        return r.pick(MONONYMS).to_string();
    }
    let (first, last) = if female {
        (FEMALE_FIRST, FEMALE_LAST)
    } else {
        (MALE_FIRST, MALE_LAST)
    };
    if x < 85 {
        format!("{} {}", r.pick(first), r.pick(last))
    } else {
        format!("{} {} {}", r.pick(first), r.pick(first), r.pick(last))
    }
}

/// An Indonesian mobile number, `+628xx` and eight digits.
pub(crate) fn phone(r: &mut Rng) -> String {
    const OPERATORS: &[&str] = &[
        "11", "12", "13", "21", "22", "23", "51", "52", "53", "55", "56", "57", "58", "77", "78",
        "81", "82", "83", "95", "96", "97", "98",
    ];
    format!("+628{}{:08}", r.pick(OPERATORS), r.below(100_000_000))
}

/// Another way of writing the same name (folded together by `name_key`).
pub(super) fn variant(name: &str) -> String {
    for (from, to) in [
        ("Muhammad ", "Moch. "),
        ("Moch ", "Muhammad "),
        ("Ahmad ", "Achmad "),
        ("Abdul ", "Abd. "),
        ("Nur ", "Noor "),
        ("Siti ", "St. "),
        ("Yusuf", "Joesoef"),
        ("Sutrisno", "Soetrisno"),
        ("Suparman", "Soeparman"),
    ] {
        if name.contains(from) {
            return name.replacen(from, to, 1);
        }
    }
    format!("H. {name}")
}
