//! Reports, their triage, referrals answered by the partner agencies, and cases.

use super::backdate::V;
use super::texts::{
    action_text, agency_for, country_name, destinations, person, report_text, CALO, CATEGORIES,
};
use super::{at, History, Month, DAY, HOUR};
use benteng_app::cases::{CaseInput, CaseStatusInput};
use benteng_app::referrals::{ReferralAnswer, ReferralInput};
use benteng_app::reports::{PersonInput, ReportInput, StatusInput};
use benteng_db::{Ctx, Result};
use benteng_domain::figures::wib_date;
use benteng_domain::values::format_date;
use time::Duration;

impl History<'_> {
    pub(super) async fn reports(&mut self, m: &Month) -> Result<()> {
        let base = 3 + (6 * m.i + 5) / 11 - usize::from(m.i % 4 == 2);
        let n = m.scaled(base);
        for k in 0..n {
            self.report(m, k, n).await?;
        }
        Ok(())
    }

    async fn report(&mut self, m: &Month, k: usize, n: usize) -> Result<()> {
        let (i, db) = (m.i, self.db);
        let case_month = k == 0 && matches!(i, 2 | 6 | 9);
        let cat = if case_month {
            "korban"
        } else {
            CATEGORIES[(i * 5 + k * 7 + k / 2) % CATEGORIES.len()]
        };
        let vi = (i * 5 + k * 7) % self.villages.len();
        let (vcode, vname) = (
            self.villages[vi].code.clone(),
            self.villages[vi].name.clone(),
        );
        let countries = destinations(cat);
        let country = if countries.is_empty() {
            ""
        } else {
            countries[(i + k) % countries.len()]
        };
        let seed = 3000 + i * 20 + k;
        let calo = CALO[(i * 3 + k) % CALO.len()];
        let calo_phone = format!("0813 3412 7{:03}", (i * 3 + k) % CALO.len() * 7 + 11);
        let (victim, victim_female) = person(seed);
        let description = if case_month {
            match i {
                2 => format!("Kakak saya dari Desa {vname} berangkat ke Malaysia lewat sponsor {calo} tanpa pelatihan. Sudah lima bulan bekerja di kebun, gaji tidak dibayar, paspor ditahan mandor dan tidak boleh keluar barak."),
                6 => format!("Adik saya dari Desa {vname} diajak teman bekerja sebagai admin di Kamboja. Ternyata dipaksa menipu orang lewat internet, dipukul bila target tidak tercapai, dan diminta tebusan Rp 30 juta untuk pulang."),
                _ => format!("Anak saya dari Desa {vname} bekerja sebagai PRT di Arab Saudi lewat jalur umrah. Majikan tidak membolehkan keluar rumah, ponselnya disita, dan gajinya tidak pernah dikirim."),
            }
        } else {
            report_text(cat, (i + 2 * k) % 3, &vname, country_name(country), calo)
        };
        let mut people = Vec::new();
        match cat {
            "rekrutmen" | "iklan" => people.push(PersonInput {
                role: "perekrut".into(),
                name: calo.into(),
                phone: calo_phone.clone(),
                ..Default::default()
            }),
            _ => {}
        }
        if matches!(cat, "korban" | "nonprosedural" | "dokumen" | "rekrutmen") {
            people.push(PersonInput {
                role: "korban".into(),
                name: victim.clone(),
                sex: if victim_female { "P" } else { "L" }.into(),
                minor: (cat == "dokumen").then(|| "1".into()),
                village: format!("Desa {vname}"),
                ..Default::default()
            });
        }
        if case_month {
            people.push(PersonInput {
                role: "perekrut".into(),
                name: calo.into(),
                phone: calo_phone.clone(),
                ..Default::default()
            });
        }
        let day = m.day(k, n);
        let t0 = at(
            day,
            7 + ((i * 3 + k * 5) % 13) as u8,
            ((i * 17 + k * 29) % 60) as u8,
        );
        let named = k % 2 == 1;
        let (reporter, _) = person(seed + 7);
        let input = ReportInput {
            category: cat.into(),
            description,
            region_code: vcode.clone(),
            destination_country: country.into(),
            incident_date: format_date(day - Duration::days((k % 5) as i64 * 3)),
            departure_soon: (matches!(cat, "rekrutmen" | "nonprosedural") && k.is_multiple_of(2))
                .then(|| "1".into()),
            anonymous: named.then(String::new),
            reporter_name: if named { reporter } else { String::new() },
            reporter_phone: if named {
                format!(
                    "0857 {:04} {:04}",
                    3300 + seed % 700,
                    1000 + (seed * 37) % 9000
                )
            } else {
                String::new()
            },
            people,
            ..Default::default()
        };
        let officer = self.officer(&self.villages[vi]).clone();
        let id = match self.desa_ctx(&vcode).cloned() {
            Some(desa) if (i + k) % 3 != 2 => {
                benteng_app::reports::file(db, &desa, &input, &[], self.store)
                    .await?
                    .0
            }
            _ if (i * 3 + k) % 7 == 4 => {
                benteng_app::reports::file(db, &officer, &input, &[], self.store)
                    .await?
                    .0
            }
            _ => {
                benteng_app::reports::file_public(db, &input, &[], self.store)
                    .await?
                    .0
            }
        };
        self.stamp(t0).await?;
        self.added.reports += 1;
        let last = self
            .triage(
                m, k, id, t0, cat, &vname, country, calo, case_month, &officer,
            )
            .await?;
        self.fix(
            "UPDATE reports SET created_at = $1, updated_at = $2 WHERE id = $3",
            vec![V::I(t0), V::I(last), V::I(id)],
        );
        Ok(())
    }

    /// What officers and partners did with report `id` filed at `t0`; answers the instant of
    /// the last change.
    #[allow(clippy::too_many_arguments)]
    async fn triage(
        &mut self,
        m: &Month,
        k: usize,
        id: i64,
        t0: i64,
        cat: &str,
        vname: &str,
        country: &str,
        calo: &str,
        case_month: bool,
        officer: &Ctx,
    ) -> Result<i64> {
        let (i, db) = (m.i, self.db);
        let t1 = t0 + (2 + ((i * 3 + k * 5) % 26) as i64) * HOUR;
        if self.now - t0 < 3 * DAY || !self.fits(t1 + 10 * 60) {
            return Ok(t0);
        }
        benteng_app::reports::assign(db, officer, id, Some(officer.actor.user_id)).await?;
        self.stamp(t1).await?;
        if matches!(cat, "rekrutmen" | "korban" | "iklan") {
            let codes: Vec<String> = match cat {
                "korban" => vec!["proses_perekrutan", "cara_penipuan", "tujuan_eksploitasi"],
                _ => vec!["proses_perekrutan", "cara_penipuan"],
            }
            .into_iter()
            .map(String::from)
            .collect();
            benteng_app::reports::set_indicators(db, officer, id, &codes).await?;
            self.stamp(t1 + 5 * 60).await?;
        }
        let note = match (i + k) % 4 {
            0 => format!("Dicek ke perangkat Desa {vname}; informasi awal sesuai."),
            1 => "Pelapor dihubungi untuk keterangan tambahan.".to_string(),
            2 => format!("Koordinasi dengan Bhabinkamtibmas dan Babinsa Desa {vname}."),
            _ => "Dicocokkan dengan data calon PMI di desa dan daftar P3MI berizin.".to_string(),
        };
        self.status(id, officer, "ditinjau", &note).await?;
        self.stamp(t1 + 10 * 60).await?;
        let mut last = t1 + 10 * 60;
        let open = self.now - t0 < 21 * DAY;
        let p = (i * 7 + k * 3) % 10;
        if !case_month && p == 0 {
            let t = t1 + (1 + (k % 3) as i64) * DAY;
            if self.fits(t) {
                self.status(id, officer, "ditolak", "Setelah dicek, lowongan berasal dari P3MI berizin dan prosesnya sesuai prosedur; bukan indikasi TPPO.").await?;
                self.stamp(t).await?;
                last = t;
            }
            return Ok(last);
        }
        if !case_month && p >= 5 {
            let t = t1 + (2 + ((i + k) % 10) as i64) * DAY;
            if !open && self.fits(t) {
                let note = match (i + k) % 4 {
                    0 => "Warga sudah diberi penjelasan prosedur penempatan resmi; calon PMI mendaftar di LTSA.",
                    1 => "Calo tidak lagi terlihat di desa; perangkat desa diminta terus memantau.",
                    2 => "Informasi diteruskan ke Seksi Intelijen dan Penindakan Keimigrasian untuk pemantauan.",
                    _ => "Keluarga sudah mendapat kabar; yang bersangkutan dalam keadaan baik.",
                };
                self.status(id, officer, "selesai", note).await?;
                self.stamp(t).await?;
                last = t;
            }
            return Ok(last);
        }
        // Referred to the agency that handles it.
        let (kind, purpose) = if case_month {
            ("bp3mi", "perlindungan")
        } else {
            agency_for(cat, p)
        };
        let Some(pi) = self.partners.iter().position(|x| x.kind == kind) else {
            return Ok(last);
        };
        let t2 = t1 + (20 + ((k * 7 + i) % 50) as i64) * HOUR;
        if !self.fits(t2) {
            return Ok(last);
        }
        let (agency, agency_name) = (self.partners[pi].agency, self.partners[pi].name.clone());
        let consent = cat == "korban";
        let message = match purpose {
            "penyidikan" => format!("Mohon penyelidikan terhadap terduga perekrut {calo} yang menawarkan kerja ke {} tanpa prosedur kepada warga Desa {vname}.", country_name(country)),
            "penempatan" => format!("Mohon pengecekan perekrutan dan pendataan calon PMI di Desa {vname}; ada dugaan penempatan tanpa prosedur ke {}.", country_name(country)),
            "perlindungan" => format!("Mohon pelindungan dan koordinasi dengan perwakilan RI untuk warga Desa {vname} yang diduga menjadi korban di {}.", country_name(country)),
            _ => format!("Mohon verifikasi data kependudukan terkait dugaan pemalsuan identitas calon PMI dari Desa {vname}."),
        };
        let referral = benteng_app::referrals::refer(
            db,
            officer,
            id,
            &ReferralInput {
                agency_id: agency.to_string(),
                purpose: purpose.into(),
                due_date: format_date(self.today + Duration::days(7)),
                message,
                consent: consent.then(|| "1".into()),
                consent_by: if consent {
                    "Keluarga korban (pelapor)".into()
                } else {
                    String::new()
                },
                override_reason: if consent {
                    String::new()
                } else {
                    "Pelapor tidak dapat dimintai persetujuan korban; perlu segera dicegah.".into()
                },
            },
        )
        .await?;
        self.stamp(t2).await?;
        self.added.referrals += 1;
        last = t2;
        let due = |days: i64| format_date(wib_date(t2) + Duration::days(days));
        let mut due_date = due(14);
        let partner = self.partners[pi].ctx.clone();
        let t3 = t2 + (18 + ((i * 11 + k * 13) % 96) as i64) * HOUR;
        // Two referrals stay unanswered past their due date: one not even accepted (September),
        // one accepted and then forgotten (October).
        let overdue = !case_month && matches!(i, 8 | 9) && !self.overdue_done.contains(&i);
        let mut case_at = None;
        match partner.filter(|_| self.fits(t3)) {
            Some(_) if overdue && i == 8 => {
                self.overdue_done.push(i);
                due_date = due(10);
            }
            Some(partner) if overdue => {
                self.answer(referral, &partner, "diterima", "").await?;
                self.stamp(t3).await?;
                last = t3;
                self.overdue_done.push(i);
                due_date = due(10);
            }
            Some(partner) if !case_month && p == 4 && i.is_multiple_of(3) && kind != "bp3mi" => {
                self.answer(referral, &partner, "ditolak", "Bukti awal belum cukup untuk kami tindak lanjuti; mohon dilengkapi keterangan saksi atau dirujuk ke instansi lain.").await?;
                self.stamp(t3).await?;
                last = t3;
                let t = t3 + 2 * DAY;
                if !open && self.fits(t) {
                    let note = format!("Rujukan ditolak {agency_name}; ditangani langsung bersama perangkat Desa {vname}.");
                    self.status(id, officer, "selesai", &note).await?;
                    self.stamp(t).await?;
                    last = t;
                }
            }
            Some(partner) => {
                self.answer(referral, &partner, "diterima", "").await?;
                self.stamp(t3).await?;
                last = t3;
                if case_month {
                    case_at = Some(t3 + 6 * HOUR);
                }
                let t4 = t3 + (2 + ((i + k) % 6) as i64) * DAY;
                if self.fits(t4) {
                    benteng_app::referrals::act(db, &partner, referral, action_text(kind)).await?;
                    self.stamp(t4).await?;
                    last = t4;
                }
                let t5 = t4 + (3 + ((i * k) % 9) as i64) * DAY;
                if !open && self.fits(t5) && !(case_month && i == 9) {
                    self.answer(referral, &partner, "selesai", "").await?;
                    self.stamp(t5).await?;
                    last = t5;
                    let t6 = t5 + DAY;
                    if !case_month && self.fits(t6) {
                        let note = format!("Rujukan ke {agency_name} selesai ditindaklanjuti.");
                        self.status(id, officer, "selesai", &note).await?;
                        self.stamp(t6).await?;
                        last = t6;
                    }
                } else {
                    // Still being worked on: due after today.
                    due_date = format_date(
                        (wib_date(t2) + Duration::days(21)).max(self.today + Duration::days(3)),
                    );
                }
            }
            None => {
                // Not answered yet (sent in the last days): due after today.
                due_date = format_date(
                    (wib_date(t2) + Duration::days(14)).max(self.today + Duration::days(3)),
                );
            }
        }
        self.fix(
            "UPDATE referrals SET created_at = $1, updated_at = $2, due_date = $3 WHERE id = $4",
            vec![V::I(t2), V::I(last.max(t2)), V::S(due_date), V::I(referral)],
        );
        if let Some(tc) = case_at.filter(|t| self.fits(*t)) {
            last = last.max(self.case(i, id, tc, officer).await?);
        }
        Ok(last)
    }

    async fn status(&mut self, id: i64, ctx: &Ctx, to: &str, note: &str) -> Result<()> {
        benteng_app::reports::change_status(
            self.db,
            ctx,
            id,
            &StatusInput {
                status: to.into(),
                note: note.into(),
            },
        )
        .await
    }

    async fn answer(&mut self, referral: i64, ctx: &Ctx, to: &str, note: &str) -> Result<()> {
        benteng_app::referrals::answer(
            self.db,
            ctx,
            referral,
            &ReferralAnswer {
                status: to.into(),
                note: note.into(),
            },
        )
        .await
    }

    /// A case opened at `t` from report `id`; answers the instant of its last change.
    async fn case(&mut self, i: usize, report: i64, t: i64, officer: &Ctx) -> Result<i64> {
        let db = self.db;
        let proven = i == 2;
        let id = benteng_app::cases::open(
            db,
            officer,
            report,
            if proven { "terbukti" } else { "dugaan" },
        )
        .await?;
        self.stamp(t).await?;
        self.added.cases += 1;
        let (exploitation, country, stage, reference, outcome) = match i {
            2 => (
                "ForcedLabour",
                "MY",
                "penuntutan",
                "LP/B/112/III/2026/SPKT/POLRES MALANG",
                "Korban dipulangkan melalui KJRI Kuching dan menerima sisa gaji; perekrut ditetapkan tersangka.",
            ),
            6 => (
                "ForcedCriminality",
                "KH",
                "penyidikan",
                "LP/B/305/VII/2026/SPKT/POLRES MALANG",
                "",
            ),
            _ => ("Servitude", "SA", "belum", "", ""),
        };
        let t_update = t + 2 * DAY;
        let mut last = t;
        if self.fits(t_update) {
            benteng_app::cases::update(
                db,
                officer,
                id,
                &CaseInput {
                    trafficking_status: if proven { "terbukti" } else { "dugaan" }.into(),
                    decision_org: if stage == "belum" { "" } else { "Police" }.into(),
                    exploitation: vec![exploitation.into()],
                    destination_country: country.into(),
                    legal_stage: stage.into(),
                    legal_reference: reference.into(),
                    outcome: outcome.into(),
                },
            )
            .await?;
            self.stamp(t_update).await?;
            last = t_update;
        }
        let (to, reason, after) = match i {
            2 => (
                "ditutup",
                "Korban sudah pulang dan mendapat layanan; perkara dilanjutkan kejaksaan.",
                70,
            ),
            6 => ("tindak_lanjut", "", 25),
            _ => ("", "", 0),
        };
        let t_status = t + after * DAY;
        let mut closed = None;
        if !to.is_empty() && self.fits(t_status) {
            benteng_app::cases::set_status(
                db,
                officer,
                id,
                &CaseStatusInput {
                    status: to.into(),
                    reason: reason.into(),
                },
            )
            .await?;
            self.stamp(t_status).await?;
            last = t_status;
            closed = (to == "ditutup").then_some(t_status);
        }
        self.fix(
            "UPDATE cases SET opened_at = $1, updated_at = $2, closed_at = $3, case_number = $4 WHERE id = $5",
            vec![
                V::I(t),
                V::I(last),
                V::O(closed),
                V::S(format!("TPPO-{}-{id:05}", wib_date(t).year())),
                V::I(id),
            ],
        );
        Ok(last)
    }
}
