//! The bench's data beyond the demo: offices, every village as a desa binaan with visits,
//! sosialisasi with participants and passport screenings, written with plain SQL (this is data
//! generation, not the product's write path).

use anyhow::{Context, Result};
use benteng_db::Db;

/// An office for every province's remaining kabupaten/kota, every village a desa binaan, two
/// visits each. Plain SQL: this is data generation, not the product's write path.
pub async fn seed(db: &Db) -> Result<()> {
    let now = 1_767_225_600;
    db.execute_raw(&format!(
        "INSERT INTO offices (name, kind, province_code, active, created_at, updated_at) \
         SELECT 'Kantor Imigrasi Bench ' || code, 'kanim', code, 1, {now}, {now} FROM regions WHERE level = 1"
    ))
    .await?;
    db.execute_raw(&format!(
        "INSERT INTO office_areas (office_id, region_code, valid_from, created_at) \
         SELECT o.id, r.code, '2020-01-01', {now} FROM regions r JOIN offices o ON o.province_code = substr(r.code, 1, 2) AND o.name LIKE 'Kantor Imigrasi Bench %' \
         WHERE r.level = 2 AND r.code NOT IN (SELECT region_code FROM office_areas)"
    ))
    .await?;
    db.execute_raw(&format!(
        "INSERT INTO desa_binaan (region_code, kab_code, prov_code, office_id, sk_number, sk_date, status, population, residents_abroad, kantong_pmi, created_at, updated_at) \
         SELECT r.code, substr(r.code, 1, 5), substr(r.code, 1, 2), (SELECT a.office_id FROM office_areas a WHERE a.region_code = substr(r.code, 1, 5) ORDER BY a.valid_from DESC LIMIT 1), \
         'SK/BENCH/' || r.code, '2025-01-01', CASE WHEN length(r.name) % 3 = 0 THEN 'persiapan' ELSE 'aktif' END, 5000, 200, length(r.name) % 2, {now}, {now} \
         FROM regions r WHERE r.level = 4 AND r.code NOT IN (SELECT region_code FROM desa_binaan)"
    ))
    .await?;
    seed_events_and_screenings(db, benteng_db::now()).await?;
    for (day, officer) in [("2026-03-01", 3), ("2026-06-01", 4)] {
        db.execute_raw(&format!(
            "INSERT INTO village_visits (desa_binaan_id, visit_date, officer_id, departures_seen, returns_seen, foreigners_staying, findings, created_at) \
             SELECT id, '{day}', {officer}, 2, 1, 0, 'Kunjungan rutin: sosialisasi prosedur PMI di balai desa.', {now} FROM desa_binaan"
        ))
        .await?;
    }
    Ok(())
}

/// 10,000 sosialisasi with 20 participants each (200,000) and 100,000 passport screenings,
/// spread over the twelve months before `now` and over the villages (one event in about
/// every eighth village, screenings by the village's office), for the dashboard at scale.
async fn seed_events_and_screenings(db: &Db, now: i64) -> Result<()> {
    let series = |n: usize| {
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})")
    };
    let villages = "(SELECT COUNT(*) FROM desa_binaan)";
    db.execute_raw(&format!(
        "{} INSERT INTO events (office_id, region_code, kab_code, prov_code, title, starts_at, zone, venue, agenda, \
         checkin_code, created_by, created_at, updated_at, quiz_stage) \
         SELECT d.office_id, d.region_code, d.kab_code, d.prov_code, 'Sosialisasi Migrasi Aman dan Pencegahan TPPO', \
         {now} - (n.i % 365) * 86400 - 7200, 'WIB', 'Balai desa', NULL, 'BENCH' || n.i, NULL, \
         {now} - (n.i % 365) * 86400 - 864000, {now} - (n.i % 365) * 86400 - 864000, 'closed' \
         FROM n JOIN desa_binaan d ON d.id = 1 + (n.i * 8) % {villages}",
        series(10_000)
    ))
    .await?;
    db.execute_raw(&format!(
        "{} INSERT INTO event_attendees (event_id, name, name_key, village_code, sex, role, via, checked_in_at) \
         SELECT e.id, 'Peserta ' || n.i, 'peserta ' || n.i, e.region_code, \
         CASE WHEN n.i % 2 = 0 THEN 'p' ELSE 'l' END, \
         CASE n.i % 5 WHEN 0 THEN 'warga' WHEN 1 THEN 'calon_pmi' WHEN 2 THEN 'pmi_purna' WHEN 3 THEN 'perangkat_desa' ELSE 'tokoh' END, \
         'petugas', e.starts_at + 60 * n.i FROM events e CROSS JOIN n WHERE e.checkin_code LIKE 'BENCH%'",
        series(20)
    ))
    .await?;
    let officer: i64 = db
        .users()
        .user_id_by_name("pemeriksa.malang")
        .await?
        .context("the demo's interviewer")?;
    db.execute_raw(&format!(
        "{} INSERT INTO screenings (office_id, prov_code, region_code, kab_code, officer_id, applicant_name, sex, purpose, \
         destination, documents, score, level, findings, hits, decision, decided_by, decided_at, created_at) \
         SELECT d.office_id, d.prov_code, d.region_code, d.kab_code, {officer}, 'Pemohon ' || n.i, \
         CASE WHEN n.i % 2 = 0 THEN 'P' ELSE 'L' END, 'bekerja', \
         CASE n.i % 4 WHEN 0 THEN 'MY' WHEN 1 THEN 'TW' WHEN 2 THEN 'HK' ELSE 'SA' END, '', (n.i * 37) % 100, \
         CASE WHEN (n.i * 37) % 100 >= 70 THEN 'tinggi' WHEN (n.i * 37) % 100 >= 40 THEN 'sedang' ELSE 'rendah' END, \
         '[]', CASE WHEN n.i % 50 = 0 THEN '[1]' ELSE '[]' END, \
         CASE WHEN n.i % 20 = 0 THEN 'tunda' WHEN n.i % 97 = 0 THEN 'tolak' ELSE NULL END, \
         CASE WHEN n.i % 20 = 0 OR n.i % 97 = 0 THEN {officer} ELSE NULL END, \
         CASE WHEN n.i % 20 = 0 OR n.i % 97 = 0 THEN {now} - (n.i % 365) * 86400 ELSE NULL END, \
         {now} - (n.i % 365) * 86400 - (n.i % 28800) \
         FROM n JOIN desa_binaan d ON d.id = 1 + (n.i * 13) % {villages}",
        series(100_000)
    ))
    .await?;
    Ok(())
}
