//! The Kabupaten Malang demo set: Kantor Imigrasi Kelas I TPI Malang with its working area,
//! the Kanwil Jawa Timur, partner agencies, desa binaan in the big sending kecamatan of south
//! Malang and one user of every role. Everything goes through the same validated functions as
//! real input. Which villages Kanim Malang really mentors is not public: these are examples in
//! real villages, with made-up decree numbers, people and phone numbers.

use benteng_app::agencies::AgencyInput;
use benteng_app::desa_binaan::{ContactInput, DesaBinaanInput};
use benteng_app::offices::{AreaInput, OfficeInput};
use benteng_app::users::{random_password, UserInput};
use benteng_app::visits::VisitInput;
use benteng_app::{agencies, desa_binaan, offices, users, visits};
use benteng_db::{Ctx, Db, Error, Result};

pub const MALANG_OFFICE: &str = "Kantor Imigrasi Kelas I TPI Malang";

/// Villages (code, kantong PMI, population, residents abroad).
pub(crate) const VILLAGES: &[(&str, bool, i64, i64)] = &[
    ("35.07.04.2011", true, 9_850, 610),  // Sumbermanjing Wetan
    ("35.07.04.2007", true, 7_420, 480),  // Sitiarjo
    ("35.07.04.2014", true, 6_130, 395),  // Tambakrejo
    ("35.07.04.2012", false, 5_270, 150), // Ringinsari
    ("35.07.11.2002", true, 8_960, 540),  // Kalipare
    ("35.07.11.2008", true, 7_780, 430),  // Arjowilangun
    ("35.07.11.2004", false, 6_010, 210), // Sukowilangun
    ("35.07.05.2003", true, 8_340, 505),  // Srimulyo
    ("35.07.05.2004", true, 7_150, 390),  // Baturetno
    ("35.07.05.2012", false, 4_880, 140), // Jambangan
    ("35.07.03.2003", true, 9_120, 470),  // Bantur
    ("35.07.01.2006", true, 8_450, 455),  // Donomulyo
    ("35.07.29.2004", false, 6_720, 260), // Gedangan
];

/// A demo account and its password, printed once by the command line.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub password: String,
}

#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub already_loaded: bool,
    pub logins: Vec<DemoLogin>,
    pub desa_binaan: usize,
}

fn user(username: &str, name: &str, role: &str) -> UserInput {
    UserInput {
        username: username.into(),
        full_name: name.into(),
        role: role.into(),
        password: random_password(),
        active: Some("1".into()),
        ..Default::default()
    }
}

/// Load the demo set once; a second call changes nothing.
pub async fn load_demo(db: &Db) -> Result<DemoReport> {
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices WHERE name = $1")
        .bind(MALANG_OFFICE)
        .fetch_one(db.fixtures_pool())
        .await?;
    if exists > 0 {
        return Ok(DemoReport {
            already_loaded: true,
            ..Default::default()
        });
    }
    let mut report = DemoReport::default();
    let mut add = |u: &UserInput| {
        report.logins.push(DemoLogin {
            username: u.username.clone(),
            role: u.role.clone(),
            password: u.password.clone(),
        });
    };

    let admin = user("admin.demo", "Admin Demo", "admin");
    let admin_id = users::create_as_operator(db, &admin, false).await?;
    add(&admin);
    let (actor, _) = db
        .users()
        .actor(admin_id)
        .await?
        .ok_or(benteng_db::Error::NotFound)?;
    let ctx = Ctx {
        actor,
        ip: None,
        request_id: Some("demo".into()),
        idempotency_key: None,
    };

    let malang = offices::create(
        db,
        &ctx,
        &OfficeInput {
            name: MALANG_OFFICE.into(),
            kind: "kanim".into(),
            province_code: "35".into(),
            address: "Jl. R. Panji Suroso No. 4, Kota Malang".into(),
            phone: "0341 491039".into(),
            email: "kanim.malang@imigrasi.go.id".into(),
        },
    )
    .await?;
    for kab in [
        "35.73", "35.07", "35.79", "35.75", "35.14", "35.74", "35.13", "35.08",
    ] {
        offices::assign_area(
            db,
            &ctx,
            malang,
            &AreaInput {
                region_code: kab.into(),
                valid_from: "2020-01-01".into(),
                note: String::new(),
            },
        )
        .await?;
    }
    offices::create(
        db,
        &ctx,
        &OfficeInput {
            name: "Kantor Wilayah Direktorat Jenderal Imigrasi Jawa Timur".into(),
            kind: "kanwil".into(),
            province_code: "35".into(),
            address: "Jl. Kayoon No. 50-52, Surabaya".into(),
            ..Default::default()
        },
    )
    .await?;

    let agency = |name: &str, kind: &str, region: &str| AgencyInput {
        name: name.into(),
        kind: kind.into(),
        region_code: region.into(),
        ..Default::default()
    };
    let disnaker = agencies::create(
        db,
        &ctx,
        &agency("Dinas Tenaga Kerja Kabupaten Malang", "disnaker", "35.07"),
    )
    .await?;
    let bp3mi = agencies::create(
        db,
        &ctx,
        &agency("BP3MI Jawa Timur (Pos KP2MI Malang)", "bp3mi", "35"),
    )
    .await?;
    let dukcapil = agencies::create(
        db,
        &ctx,
        &agency("Dispendukcapil Kabupaten Malang", "dukcapil", "35.07"),
    )
    .await?;
    let polres = agencies::create(db, &ctx, &agency("Polres Malang", "polri", "35.07")).await?;
    agencies::create(
        db,
        &ctx,
        &agency("Dinas Sosial Kabupaten Malang", "dinsos", "35.07"),
    )
    .await?;

    let mut more = vec![
        UserInput {
            region_code: "35".into(),
            ..user("kanwil.jatim", "Dewi Kartikasari", "kanwil")
        },
        UserInput {
            office_id: malang.to_string(),
            pimpasa: Some("1".into()),
            ..user("pimpasa.malang", "Rina Wulandari", "petugas")
        },
        UserInput {
            office_id: malang.to_string(),
            pimpasa: Some("1".into()),
            ..user("pimpasa2.malang", "Bagus Prasetyo", "petugas")
        },
        UserInput {
            office_id: malang.to_string(),
            pemeriksa: Some("1".into()),
            ..user("pemeriksa.malang", "Agus Setiawan", "petugas")
        },
        UserInput {
            agency_id: disnaker.to_string(),
            ..user("disnaker.malang", "Tri Handayani", "mitra")
        },
        UserInput {
            agency_id: bp3mi.to_string(),
            ..user("bp3mi.jatim", "Yusuf Hidayat", "mitra")
        },
        UserInput {
            agency_id: dukcapil.to_string(),
            ..user("dukcapil.malang", "Sri Rahayu", "mitra")
        },
        UserInput {
            agency_id: polres.to_string(),
            ..user("polres.malang", "Bripka Hendra Gunawan", "mitra")
        },
        UserInput {
            region_code: "35.07.04.2007".into(),
            ..user("desa.sitiarjo", "Suparman", "desa")
        },
        UserInput {
            region_code: "35.07.11.2002".into(),
            ..user("desa.kalipare", "Siti Aminah", "desa")
        },
    ];
    let mut ids = Vec::new();
    for u in more.drain(..) {
        ids.push(users::create_as_operator(db, &u, false).await?);
        add(&u);
    }
    let (pimpasa, pimpasa2) = (ids[1], ids[2]);
    let (p_actor, _) = db
        .users()
        .actor(pimpasa)
        .await?
        .ok_or(benteng_db::Error::NotFound)?;
    let officer = Ctx {
        actor: p_actor,
        ip: None,
        request_id: Some("demo".into()),
        idempotency_key: None,
    };

    for (n, (code, kantong, pop, abroad)) in VILLAGES.iter().enumerate() {
        let id = desa_binaan::enrol(
            db,
            &ctx,
            &DesaBinaanInput {
                region_code: (*code).into(),
                office_id: malang.to_string(),
                sk_number: format!("W15.IMI.IMI.4-GR.01.01-{:04}/2024", 310 + n),
                sk_date: if n < 8 {
                    "2024-09-02".into()
                } else {
                    "2025-03-10".into()
                },
                status: if n < 11 {
                    "aktif".into()
                } else {
                    "persiapan".into()
                },
                population: pop.to_string(),
                residents_abroad: abroad.to_string(),
                kantong_pmi: kantong.then(|| "1".into()),
                notes: String::new(),
            },
        )
        .await?;
        desa_binaan::set_officers(db, &ctx, id, &[if n % 2 == 0 { pimpasa } else { pimpasa2 }])
            .await?;
        desa_binaan::add_contact(
            db,
            &ctx,
            id,
            &ContactInput {
                name: format!("Kepala Desa {}", n + 1),
                position: "Kepala Desa".into(),
                phone: format!("0812 3300 {:04}", 1000 + n),
            },
        )
        .await?;
        desa_binaan::add_contact(
            db,
            &ctx,
            id,
            &ContactInput {
                name: format!("Sekretaris Desa {}", n + 1),
                position: "Sekretaris Desa".into(),
                phone: format!("0857 4100 {:04}", 2000 + n),
            },
        )
        .await?;
        if n < 6 {
            visits::record(db, &officer, id, &VisitInput {
                // Recent visits, a few weeks apart, whatever today is.
                    visit_date: benteng_domain::values::format_date(benteng_db::today() - time::Duration::days(20 * (6 - n as i64) + 3)),
                departures_seen: (3 + n).to_string(),
                returns_seen: (1 + n % 3).to_string(),
                foreigners_staying: "0".into(),
                findings: "Sosialisasi prosedur penempatan PMI di balai desa bersama perangkat desa; warga menanyakan biaya penempatan ke Hong Kong dan Taiwan.".into(),
                problems: if n % 3 == 0 { "Ada informasi calo menawarkan kerja ke luar negeri tanpa pelatihan di BLK.".into() } else { String::new() },
                follow_up: "Koordinasi dengan Disnaker Kabupaten Malang untuk pendataan calon PMI.".into(),
            })
            .await?;
        }
        report.desa_binaan += 1;
    }
    Ok(report)
}

/// Reports, a referral and a case for the demo, so the queue, the referral inbox and the
/// case list have something real in them, then the year of history of
/// [`crate::demo_history`]. Loaded once (skipped when any report exists); returns how many
/// of these first reports were added. Called by `benteng demo` and `serve --demo`.
pub async fn load_demo_reports(
    db: &Db,
    store: &dyn benteng_db::storage::BlobStore,
) -> Result<usize> {
    use benteng_app::referrals::ReferralInput;
    use benteng_app::reports::StatusInput;
    use benteng_app::reports::{PersonInput, ReportInput};
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(db.fixtures_pool())
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let Some(uid) = db.users().user_id_by_name("pimpasa.malang").await? else {
        return Ok(0);
    };
    let Some((actor, _)) = db.users().actor(uid).await? else {
        return Ok(0);
    };
    let officer = Ctx {
        actor,
        ip: None,
        request_id: Some("demo".into()),
        idempotency_key: None,
    };
    let person = |role: &str, name: &str, phone: &str| PersonInput {
        role: role.into(),
        name: name.into(),
        phone: phone.into(),
        ..Default::default()
    };
    let reports = [
        ReportInput {
            category: "rekrutmen".into(),
            description: "Seorang calo bernama Pak Darto keliling dusun menawarkan kerja di kebun sawit Malaysia, gaji 8 juta, tanpa pelatihan dan tanpa ke Disnaker. Berangkat lewat Batam minggu depan.".into(),
            region_code: "35.07.04.2007".into(),
            destination_country: "MY".into(),
            departure_soon: Some("1".into()),
            people: vec![person("perekrut", "Moch. Darto", "0812 3456 7890"), person("korban", "Eko Prasetyo", "")],
            ..Default::default()
        },
        ReportInput {
            category: "korban".into(),
            description: "Adik saya bekerja sebagai PRT di Arab Saudi sejak 2024, paspornya ditahan majikan dan gajinya belum dibayar enam bulan. Sekarang tidak bisa dihubungi.".into(),
            region_code: "35.07.11.2002".into(),
            destination_country: "SA".into(),
            anonymous: Some(String::new()),
            reporter_name: "Siti Rohmah".into(),
            reporter_phone: "0857 1234 5678".into(),
            people: vec![person("korban", "Sulastri", "")],
            ..Default::default()
        },
        ReportInput {
            category: "iklan".into(),
            description: "Iklan di grup Facebook 'Loker Malang Selatan': dicari operator komputer di Kamboja, gaji 15 juta, tiket dibayari, hubungi WhatsApp. Tetangga sudah mendaftar.".into(),
            region_code: "35.07.04.2007".into(),
            destination_country: "KH".into(),
            people: vec![person("perekrut", "Muhammad Darto", "+62 812-3456-7890")],
            ..Default::default()
        },
        ReportInput {
            category: "dokumen".into(),
            description: "Umur seorang gadis 16 tahun di KTP dibuat 21 tahun oleh sponsor agar bisa berangkat ke Hong Kong.".into(),
            region_code: "35.07.20.2004".into(),
            destination_country: "HK".into(),
            people: vec![PersonInput { minor: Some("1".into()), ..person("korban", "Dewi Lestari", "") }],
            ..Default::default()
        },
    ];
    let mut ids = Vec::new();
    for r in &reports {
        match benteng_app::reports::file_public(db, r, &[], store).await {
            Ok((id, _)) => ids.push(id),
            // A village missing from a partial region list: skip that report.
            Err(Error::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
    }
    if let Some(first) = ids.first().copied() {
        benteng_app::reports::set_indicators(
            db,
            &officer,
            first,
            &[
                "proses_perekrutan".into(),
                "cara_penipuan".into(),
                "tujuan_eksploitasi".into(),
            ],
        )
        .await?;
        benteng_app::reports::change_status(
            db,
            &officer,
            first,
            &StatusInput {
                status: "ditinjau".into(),
                note: "Cek ke Kepala Desa Sitiarjo.".into(),
            },
        )
        .await?;
        let polres: Option<i64> =
            sqlx::query_scalar("SELECT id FROM agencies WHERE kind = 'polri' ORDER BY id LIMIT 1")
                .fetch_optional(db.fixtures_pool())
                .await?;
        if let Some(polres) = polres {
            benteng_app::referrals::refer(
                db,
                &officer,
                first,
                &ReferralInput {
                    agency_id: polres.to_string(),
                    purpose: "penyidikan".into(),
                    due_date: benteng_domain::values::format_date(
                        benteng_db::today() + time::Duration::days(7),
                    ),
                    message: "Mohon penyelidikan terhadap calo yang merekrut tanpa prosedur."
                        .into(),
                    override_reason:
                        "Calon korban belum dapat ditemui; keberangkatan dalam hitungan hari."
                            .into(),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    if let Some(second) = ids.get(1).copied() {
        benteng_app::cases::open(db, &officer, second, "dugaan").await?;
    }
    load_demo_p3mi(db).await?;
    load_demo_migrants(db).await?;
    // Twelve months of history for the dashboard's trends (skipped when loaded before).
    crate::demo_history::load_demo_history(db, store).await?;
    Ok(ids.len())
}

/// Three fictional placement companies for the P3MI check (a valid licence, an expired
/// one, a revoked one). Names and numbers are made up; the real registry is imported by
/// an admin from the ministry's list.
async fn load_demo_p3mi(db: &Db) -> Result<()> {
    use benteng_app::p3mi::P3miInput;
    let Some(uid) = db.users().user_id_by_name("admin.demo").await? else {
        return Ok(());
    };
    let Some((actor, _)) = db.users().actor(uid).await? else {
        return Ok(());
    };
    let admin = Ctx {
        actor,
        ip: None,
        request_id: Some("demo".into()),
        idempotency_key: None,
    };
    let today = benteng_db::today();
    let years = |n: i32| {
        today
            .replace_year(today.year() + n)
            .map(benteng_domain::values::format_date)
            .unwrap_or_default()
    };
    let entries = [
        (
            "PT Contoh Karya Mandiri (demo)",
            "DEMO.001/2023",
            years(3),
            None,
            "MY,SG,HK,TW",
        ),
        (
            "PT Contoh Lama Jaya (demo)",
            "DEMO.002/2019",
            years(-1),
            None,
            "SA,MY",
        ),
        (
            "PT Contoh Dibekukan (demo)",
            "DEMO.003/2022",
            years(2),
            Some("1".to_string()),
            "HK",
        ),
    ];
    for (name, licence, until, revoked, countries) in entries {
        let r = benteng_app::p3mi::save(
            db,
            &admin,
            None,
            &P3miInput {
                name: name.into(),
                licence_no: licence.into(),
                valid_until: until,
                revoked,
                countries: countries.into(),
                ..Default::default()
            },
        )
        .await;
        match r {
            Ok(_) | Err(Error::Conflict(..)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Three fictional residents in Sitiarjo's calon PMI register: one planning, one half way
/// through the steps with a licensed company, one who left without them (flagged).
async fn load_demo_migrants(db: &Db) -> Result<()> {
    use benteng_app::migrants::{change_status, record_step, register};
    use benteng_app::migrants::{MigrantInput, StatusInput, StepInput};
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM migrants")
        .fetch_one(db.fixtures_pool())
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let Some(uid) = db.users().user_id_by_name("desa.sitiarjo").await? else {
        return Ok(());
    };
    let Some((actor, _)) = db.users().actor(uid).await? else {
        return Ok(());
    };
    let desa = Ctx {
        actor,
        ip: None,
        request_id: Some("demo".into()),
        idempotency_key: None,
    };
    let p3mi: Option<i64> =
        sqlx::query_scalar("SELECT id FROM p3mi WHERE licence_no = 'DEMO.001/2023'")
            .fetch_optional(db.fixtures_pool())
            .await?;
    let person =
        |name: &str, nik: &str, birth: &str, dest: &str, job: &str, scheme: &str| MigrantInput {
            name: name.into(),
            nik: nik.into(),
            birth_place: "Malang".into(),
            birth_date: birth.into(),
            sex: if nik.as_bytes().get(6).is_some_and(|d| *d >= b'4') {
                "p".into()
            } else {
                "l".into()
            },
            address: "Dusun Krajan, Sitiarjo (contoh)".into(),
            destination: dest.into(),
            job: job.into(),
            scheme: scheme.into(),
            ..Default::default()
        };
    let (_, _) = register(
        db,
        &desa,
        &person(
            "Rina Wulandari (contoh)",
            "3507044803990001",
            "1999-03-08",
            "HK",
            "Pengasuh anak",
            "belum_tahu",
        ),
    )
    .await?;
    let mut second = person(
        "Dewi Anggraini (contoh)",
        "3507045011960002",
        "1996-11-10",
        "TW",
        "Perawat lansia",
        "p3mi",
    );
    second.p3mi_id = p3mi.map(|p| p.to_string()).unwrap_or_default();
    let (id, _) = register(db, &desa, &second).await?;
    for step in [
        "daftar_disnaker",
        "kesehatan",
        "bpjs",
        "sertifikat_kompetensi",
    ] {
        let i = StepInput {
            step: step.into(),
            status: "selesai".into(),
            ..Default::default()
        };
        record_step(db, &desa, id, &i, None).await?;
    }
    let status = |s: &str, date: &str| StatusInput {
        status: s.into(),
        date: date.into(),
        note: String::new(),
    };
    change_status(db, &desa, id, &status("proses", "")).await?;
    let (id, _) = register(
        db,
        &desa,
        &person(
            "Agus Setiawan (contoh)",
            "3507041505950003",
            "1995-05-15",
            "MY",
            "Pekerja kebun sawit",
            "belum_tahu",
        ),
    )
    .await?;
    let today = benteng_db::today();
    let left = today
        .checked_sub(time::Duration::days(40))
        .map(benteng_domain::values::format_date)
        .unwrap_or_default();
    change_status(db, &desa, id, &status("berangkat", &left)).await?;
    Ok(())
}
