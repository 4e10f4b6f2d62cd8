//! From the data layer's records to the documents of `benteng-pdf`. Official documents are in
//! Bahasa Indonesia whatever the user's screen language is.

use crate::i18n::Tr;
use benteng_app::migrants::LetterData;
use benteng_domain::migrant::LetterKind;
use time::Date;

const MONTHS: [&str; 12] = [
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

/// "29 November 2026".
pub fn tanggal(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[usize::from(u8::from(d.month())) - 1],
        d.year()
    )
}

pub fn permission_letter(_screen: &Tr, d: &LetterData) -> benteng_pdf::PermissionLetter {
    let id = Tr::new("id");
    let country = d
        .destination
        .as_deref()
        .map(|c| id.t(&format!("country-{}", c.to_lowercase())))
        .unwrap_or_default();
    let channel = match &d.p3mi {
        Some((name, licence)) => format!("{name} (SIP3MI {licence})"),
        None => id.t(&format!("scheme-{}", d.scheme)),
    };
    let birth = match (d.worker_birth_place.as_str(), d.worker_birth_date) {
        ("", None) => String::new(),
        (p, None) => p.to_string(),
        ("", Some(b)) => tanggal(b),
        (p, Some(b)) => format!("{p}, {}", tanggal(b)),
    };
    benteng_pdf::PermissionLetter {
        title: LetterKind::parse(&d.kind)
            .map(LetterKind::title)
            .unwrap_or("SURAT IZIN KELUARGA")
            .to_string(),
        number: d.number.clone(),
        province: d.province.clone(),
        regency: d.regency.clone(),
        district: d.district.clone(),
        village: d.village.clone(),
        giver: benteng_pdf::LetterPerson {
            name: d.giver_name.clone(),
            nik: d.giver_nik.clone(),
            birth: d.giver_birth.clone(),
            address: d.giver_address.clone(),
        },
        relation: d.relation.clone(),
        worker: benteng_pdf::LetterPerson {
            name: d.worker_name.clone(),
            nik: d.worker_nik.clone(),
            birth,
            address: d.worker_address.clone(),
        },
        destination: country,
        job: d.job.clone(),
        channel,
        place_date: format!("{}, {}", d.village, tanggal(d.issued_on)),
        head_name: d.head_name.clone(),
        legal_basis: "Undang-Undang Nomor 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia, Pasal 13".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn indonesian_dates() {
        assert_eq!(tanggal(date!(2026 - 11 - 29)), "29 November 2026");
        assert_eq!(tanggal(date!(2025 - 01 - 05)), "5 Januari 2025");
        assert_eq!(tanggal(date!(2024 - 08 - 17)), "17 Agustus 2024");
    }
}
