//! The description text of a generated report: a main statement built from Indonesian
//! sentence patterns for its category, then one to three details.

use super::pools::{
    Destination, Rng, COMPANY_WORDS, MEDIA, MONTHS, NATIONALITIES, PLACES, TRANSITS,
};
use benteng_domain::report::Category;

fn money(r: &mut Rng) -> String {
    format!("Rp{} juta", r.range(3, 45))
}

fn company(r: &mut Rng) -> String {
    format!(
        "PT {} {} {}",
        r.pick(COMPANY_WORDS),
        r.pick(COMPANY_WORDS),
        r.pick(COMPANY_WORDS)
    )
}

/// Sentences a report adds after its main statement.
fn detail(r: &mut Rng, dest: &Destination) -> String {
    let city = r.pick(dest.2);
    match r.below(22) {
        0 => format!("Biaya pemberangkatan {} diminta di muka.", money(r)),
        1 => "Paspor ditahan oleh majikan.".into(),
        2 => "Tidak ada kontrak kerja tertulis.".into(),
        3 => format!("Dijanjikan gaji {} per bulan.", money(r)),
        4 => format!("Keluarga kehilangan kontak sejak bulan {}.", r.pick(MONTHS)),
        5 => format!("Gaji tidak dibayar selama {} bulan.", r.range(2, 14)),
        6 => format!(
            "Sempat ditampung di {} selama {} minggu.",
            r.pick(PLACES),
            r.range(1, 8)
        ),
        7 => format!("Berangkat lewat {} dengan kapal.", r.pick(TRANSITS)),
        8 => format!("Dokumen diurus oleh {}.", company(r)),
        9 => "Korban mengirim pesan minta dipulangkan.".into(),
        10 => "Tidak pernah ikut pelatihan di BLK.".into(),
        11 => "Tidak terdaftar di Disnaker kabupaten.".into(),
        12 => format!(
            "Utang biaya keberangkatan dipotong dari gaji, sisa {}.",
            money(r)
        ),
        13 => format!(
            "Bekerja lebih dari {} jam sehari tanpa libur.",
            r.range(12, 18)
        ),
        14 => format!(
            "Dipindahkan dari {} ke kota lain tanpa pemberitahuan.",
            city
        ),
        15 => "Telepon genggam disita oleh agen.".into(),
        16 => format!("Keberangkatan direncanakan dalam {} hari.", r.range(2, 10)),
        17 => "Perangkat desa sudah mendatangi rumah keluarga.".into(),
        18 => "Keluarga takut melapor ke polisi.".into(),
        19 => format!(
            "Visa yang dipakai visa {}.",
            r.pick(&["turis", "kunjungan", "ziarah", "umrah"])
        ),
        20 => format!(
            "Ada {} warga lain yang direkrut dengan cara yang sama.",
            r.range(2, 9)
        ),
        _ => "Usia dalam dokumen dibuat lebih tua.".into(),
    }
}

pub(super) fn describe(
    r: &mut Rng,
    category: Category,
    village: &str,
    dest: Destination,
    recruiter: Option<&str>,
) -> String {
    let (_, country, cities, jobs, _) = dest;
    let city = r.pick(cities);
    let job = r.pick(jobs);
    let who = recruiter
        .map(|n| format!("seorang perekrut bernama {n}"))
        .unwrap_or_else(|| {
            r.pick(&[
                "seorang calo",
                "sponsor dari luar desa",
                "orang yang mengaku agen resmi",
                "tetangga korban",
            ])
            .to_string()
        });
    let target = r.pick(&[
        "warga",
        "pemuda",
        "ibu rumah tangga",
        "lulusan SMK",
        "beberapa warga",
        "buruh tani",
    ]);
    let mut s = match category {
        Category::Rekrutmen => format!(
            "{} {} pekerjaan sebagai {job} di {city}, {country} kepada {target} Desa {village}.",
            capital(&who),
            r.pick(&["menawarkan", "menjanjikan"]),
        ),
        Category::Nonprosedural => format!(
            "{} dari Desa {village} {} ke {country} lewat {} {} untuk bekerja sebagai {job}.",
            capital(target),
            r.pick(&["berangkat", "akan berangkat", "sudah berangkat"]),
            r.pick(TRANSITS),
            r.pick(&["tanpa prosedur resmi", "dengan visa turis", "tanpa melalui P3MI resmi", "tanpa pelatihan dan sertifikat"]),
        ),
        Category::Korban => format!(
            "{} melaporkan warga Desa {village} yang bekerja sebagai {job} di {city}, {country} {}.",
            r.pick(&["Keluarga", "Orang tua", "Suami", "Kakak", "Tetangga"]),
            r.pick(&["tidak menerima gaji", "mengalami kekerasan dari majikan", "dikurung dan tidak boleh keluar", "sakit dan tidak dirawat", "dipaksa bekerja di tempat hiburan", "hilang kontak"]),
        ),
        Category::Dokumen => format!(
            "{} dalam {} calon PMI dari Desa {village} diduga dipalsukan oleh {}.",
            r.pick(&["Umur", "Nama", "Alamat", "Tanggal lahir"]),
            r.pick(&["paspor", "KTP", "kartu keluarga", "akta kelahiran"]),
            if r.chance(0.5) { company(r) } else { who.clone() },
        ),
        Category::Iklan => format!(
            "Iklan lowongan di {} menawarkan gaji {} per bulan sebagai {job} di {country} tanpa biaya, dibagikan ke warga Desa {village}.",
            r.pick(MEDIA),
            money(r),
        ),
        Category::Wna => format!(
            "{} asal {} {} di Desa {village} dan {}.",
            r.pick(&["Seorang WNA", "Dua orang WNA", "Beberapa warga negara asing"]),
            r.pick(NATIONALITIES),
            r.pick(&["menginap di rumah warga", "menyewa rumah", "sering datang"]),
            r.pick(&["mengumpulkan fotokopi KTP warga", "menawarkan kerja ke luar negeri", "mendata pemuda desa", "mengajak warga ke Jakarta"]),
        ),
    };
    for _ in 0..r.range(1, 3) {
        s.push(' ');
        s.push_str(&detail(r, &dest));
    }
    s
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
