//! Village visits and alerts.

use super::backdate::V;
use super::{at, History, Month};
use benteng_app::rooms::alerts::AlertInput;
use benteng_app::visits::VisitInput;
use benteng_db::Result;
use benteng_domain::values::format_date;

impl History<'_> {
    pub(super) async fn visits(&mut self, m: &Month) -> Result<()> {
        let n = m.scaled(2 + (3 * m.i) / 11);
        for k in 0..n {
            let s = m.i * 10 + k;
            let v = &self.villages[(m.i * 4 + k * 5) % self.villages.len()];
            let (db_id, vname) = (v.desa_binaan, v.name.clone());
            let officer = self.officer(v).clone();
            let day = m.workday(k, n);
            let findings = match s % 5 {
                0 => format!("Pendataan warga yang akan bekerja ke luar negeri bersama perangkat Desa {vname}; {} calon PMI sedang mengurus dokumen di LTSA.", 2 + s % 5),
                1 => "Sosialisasi singkat prosedur paspor untuk calon PMI di kantor desa; warga menanyakan syarat rekomendasi Disnaker dan biaya penempatan.".to_string(),
                2 => "Pertemuan dengan kader Desa Migran Produktif; dibahas pemantauan warga yang berangkat tanpa melapor ke desa.".to_string(),
                3 => "Pengecekan papan informasi migrasi aman dan nomor pengaduan di balai desa; materi diperbarui.".to_string(),
                _ => "Kunjungan ke keluarga PMI purna untuk mendengar pengalaman bekerja di luar negeri dan masalah yang dihadapi.".to_string(),
            };
            let problems = match s % 4 {
                1 => "Ada informasi sponsor dari luar kecamatan mendatangi warga pada malam hari.",
                3 => {
                    "Beberapa warga berangkat lewat jalur umrah atau wisata tanpa melapor ke desa."
                }
                _ => "",
            };
            let follow_up = match s % 4 {
                0 => "Koordinasi dengan Disnaker Kabupaten Malang untuk verifikasi data calon PMI.",
                1 => "Informasi diteruskan ke Seksi Intelijen dan Penindakan Keimigrasian.",
                2 => "Jadwalkan sosialisasi bersama BP3MI Jawa Timur bulan depan.",
                _ => "Perangkat desa diminta mencatat setiap warga yang akan berangkat.",
            };
            let id = benteng_app::visits::record(
                self.db,
                &officer,
                db_id,
                &VisitInput {
                    visit_date: format_date(day),
                    departures_seen: (s % 6).to_string(),
                    returns_seen: (s % 3).to_string(),
                    foreigners_staying: usize::from(s % 11 == 7).to_string(),
                    findings,
                    problems: problems.into(),
                    follow_up: follow_up.into(),
                },
            )
            .await?;
            let t = at(day, 15, 30);
            self.stamp(t).await?;
            self.fix(
                "UPDATE village_visits SET created_at = $1 WHERE id = $2",
                vec![V::I(t), V::I(id)],
            );
            self.added.visits += 1;
        }
        Ok(())
    }

    pub(super) async fn alerts(&mut self, months: &[Month]) -> Result<()> {
        let list = [
            (3, "siaga", "35.07.04", "Lowongan kerja ke Kamboja lewat media sosial", "Beredar tawaran kerja admin dan customer service di Kamboja dengan gaji Rp 12–15 juta, tiket ditanggung. Ini modus penipuan daring yang menjerat korban TPPO. Mohon perangkat desa mengingatkan warga dan melapor bila ada yang akan berangkat."),
            (7, "waspada", "35.07.11", "Calo keliling menawarkan kerja ke Malaysia tanpa prosedur", "Ada laporan calo mendatangi rumah warga menawarkan kerja di kebun sawit Malaysia tanpa pelatihan dan tanpa ke Disnaker. Mohon warga tidak menyerahkan KTP/KK dan segera melapor lewat Benteng."),
            (10, "siaga", "35.07", "Modus umrah untuk bekerja di Arab Saudi", "Beberapa warga berangkat dengan visa umrah lalu bekerja sebagai PRT di Arab Saudi. Penempatan PRT perseorangan ke Arab Saudi masih dihentikan; mohon desa mencatat warga yang berangkat umrah di luar biro perjalanan resmi."),
        ];
        let officer = self.officers[0].1.clone();
        for (mi, severity, area, title, body) in list {
            let Some(m) = months.get(mi).filter(|m| m.usable > 0) else {
                continue;
            };
            let t = at(m.workday(0, 2), 10, 0);
            if !self.fits(t) {
                continue;
            }
            let (id, _) = benteng_app::rooms::alerts::post(
                self.db,
                &officer,
                &AlertInput {
                    severity: severity.into(),
                    area_code: area.into(),
                    title: title.into(),
                    body: body.into(),
                },
            )
            .await?;
            self.stamp(t).await?;
            self.fix(
                "UPDATE alerts SET created_at = $1 WHERE id = $2",
                vec![V::I(t), V::I(id)],
            );
            self.added.alerts += 1;
        }
        Ok(())
    }
}
