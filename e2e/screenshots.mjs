// Screenshots of the real UI for the operator docs: `node screenshots.mjs` (after
// `cargo build -p benteng-cli`) writes PNGs to ../docs/img/. Not a test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newContext, login } from './helpers.mjs';

const out = path.join(import.meta.dirname, '..', 'docs', 'img');
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  // A cheap Android phone's viewport.
  const ctx = await newContext(browser, { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  // The front door a resident sees, without JavaScript.
  const anonCtx = await newContext(browser, { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, javaScriptEnabled: false });
  const anon = await anonCtx.newPage();
  await anon.goto(`${server.url}/`);
  await anon.screenshot({ path: path.join(out, 'depan.png'), fullPage: true });
  await anonCtx.close();
  await page.goto(`${server.url}/masuk`);
  await page.screenshot({ path: path.join(out, 'login.png') });
  await login(page, server.url, 'pimpasa.malang', server.password('pimpasa.malang'));
  await page.screenshot({ path: path.join(out, 'home-petugas.png'), fullPage: true });
  // The Kanwil's dashboard on a phone, without JavaScript: the first screens.
  const kanwil = await newContext(browser, { viewport: { width: 360, height: 1400 }, deviceScaleFactor: 1, javaScriptEnabled: false });
  const kp = await kanwil.newPage();
  await login(kp, server.url, 'kanwil.jatim', server.password('kanwil.jatim'));
  await kp.goto(`${server.url}/dasbor?wilayah=35.07`);
  await kp.screenshot({ path: path.join(out, 'dasbor-kanwil.png') });
  // The province's map and the offices side by side.
  await kp.goto(`${server.url}/dasbor`);
  await kp.evaluate(() => document.getElementById('kantor').scrollIntoView());
  await kp.screenshot({ path: path.join(out, 'dasbor-peta.png') });
  // The reports the worker stored (it makes them within seconds of the start).
  for (let i = 0; i < 30; i++) {
    await kp.goto(`${server.url}/laporan-bulanan`);
    if ((await kp.locator('#monthly-reports a').count()) > 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await kp.screenshot({ path: path.join(out, 'laporan-bulanan.png'), clip: { x: 0, y: 0, width: 360, height: 900 } });
  await kanwil.close();
  // The menu with "Lainnya" open, and a place typed by a name many villages share.
  await page.locator('nav.main summary').click();
  await page.screenshot({ path: path.join(out, 'menu-petugas.png') });
  await page.goto(`${server.url}/laporan?wilayah=Sumberejo`);
  await page.locator('#f-wilayah').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, 'pilih-wilayah.png') });
  await page.goto(`${server.url}/desa-binaan`);
  await page.screenshot({ path: path.join(out, 'desa-binaan-list.png'), fullPage: true });
  await page.goto(`${server.url}/desa-binaan/2`);
  await page.screenshot({ path: path.join(out, 'desa-binaan-detail.png'), fullPage: true });
  await page.goto(`${server.url}/desa-binaan/baru?cari=putukrejo`);
  await page.screenshot({ path: path.join(out, 'desa-binaan-enrol.png'), fullPage: true });
  const admin = await newContext(browser, { viewport: { width: 1024, height: 700 } });
  const p2 = await admin.newPage();
  await login(p2, server.url, 'admin.demo', server.password('admin.demo'));
  await p2.goto(`${server.url}/audit`);
  await p2.screenshot({ path: path.join(out, 'audit-admin.png') });
  await p2.goto(`${server.url}/kantor/1`);
  await p2.screenshot({ path: path.join(out, 'office-area.png'), fullPage: true });

  // Reports: a resident files one on a phone (with a photo), the officer triages and
  // refers it, the police accept it and record what they did.
  const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
  const files = mkdtempSync(path.join(tmpdir(), 'benteng-shots-'));
  const photo = path.join(files, 'brosur.png');
  writeFileSync(photo, Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAf0lEQVR42gXBMQEAEQAAQHGEuBBCCCGEEEJ8CJPJZDKZTBL8XejRiGa0oh2d6EYvCp3BZLE5XB6hJyOZyUp2cpKbvCT0bGQzW9nOTnazl4VejGIWq9jFKW7xitCrUc1qVbs61a1eFXozmtmsZjenuc1rQv+Mz/ysz/6cz/28zw+yNWHBw3/BxwAAAABJRU5ErkJggg==',
    'base64',
  ));
  const resident = await newContext(browser, phone);
  const p3 = await resident.newPage();
  await p3.goto(`${server.url}/lapor`);
  await p3.check('input[name=category][value=rekrutmen]');
  await p3.fill('#f-description', 'Calo menawarkan kerja di kebun sawit Malaysia, biaya Rp 5 juta di muka, berangkat pakai visa turis minggu depan.');
  await p3.fill('#f-cari', 'Sitiarjo');
  await Promise.all([p3.waitForNavigation(), p3.locator('button[name=_cari]').click()]);
  await p3.check('input[name=region_code][value="35.07.04.2007"]');
  await p3.evaluate(() => window.scrollTo(0, 0));
  await p3.mouse.move(0, 0); // no hover left on a radio button
  await p3.screenshot({ path: path.join(out, 'lapor-form.png') });
  await p3.locator('input[name=region_code][value="35.07.04.2007"]').scrollIntoViewIfNeeded();
  await p3.evaluate(() => window.scrollBy(0, -120));
  await p3.screenshot({ path: path.join(out, 'lapor-village.png') });
  await p3.selectOption('#f-destination_country', 'MY');
  await p3.check('input[name=departure_soon]');
  await p3.selectOption('select[name=p0_role]', 'perekrut');
  await p3.fill('input[name=p0_name]', 'Pak Darto');
  await p3.fill('input[name=p0_phone]', '0813 3355 7788');
  await p3.setInputFiles('#f-files', photo);
  await Promise.all([p3.waitForNavigation(), p3.getByRole('button', { name: 'Kirim laporan', exact: true }).click()]);
  const code = (await p3.locator('#tracking-code').innerText()).trim();
  await p3.screenshot({ path: path.join(out, 'lapor-received.png') });
  await resident.close();
  rmSync(files, { recursive: true, force: true });

  const officer = await newContext(browser, { viewport: { width: 1024, height: 900 }, deviceScaleFactor: 1 });
  const p4 = await officer.newPage();
  await login(p4, server.url, 'pimpasa.malang', server.password('pimpasa.malang'));
  await p4.goto(`${server.url}/laporan`);
  await Promise.all([p4.waitForNavigation(), p4.locator('main a[href^="/laporan/"]', { hasText: code }).click()]);
  const report = p4.url();
  for (const t of ['proses_perekrutan', 'cara_penipuan', 'tujuan_eksploitasi']) {
    const box = p4.locator(`input[name=indikator][value=${t}]`);
    if (!(await box.isVisible())) await p4.locator('details.group', { has: box }).locator('summary').click();
    await box.check();
  }
  await Promise.all([p4.waitForNavigation(), p4.getByRole('button', { name: 'Simpan indikator', exact: true }).click()]);
  await p4.goto(report);
  await p4.screenshot({ path: path.join(out, 'laporan-petugas.png') });
  // The same report on the officer's phone, the whole page: the forms fold.
  const officerPhone = await newContext(browser, { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const p4b = await officerPhone.newPage();
  await login(p4b, server.url, 'pimpasa.malang', server.password('pimpasa.malang'));
  await p4b.goto(report);
  await p4b.screenshot({ path: path.join(out, 'laporan-petugas-hp.png'), fullPage: true });
  await officerPhone.close();
  // The referral form is folded until opened.
  await p4.locator('#refer-open > summary').click();
  await p4.selectOption('#f-agency_id', { label: 'Polres Malang' });
  await p4.selectOption('#f-purpose', 'penyidikan');
  await p4.fill('#f-message', 'Mohon penyelidikan terhadap terduga calo; foto brosur terlampir.');
  await p4.fill('#f-override_reason', 'Pelapor anonim; warga akan diberangkatkan minggu ini.');
  await Promise.all([p4.waitForNavigation(), p4.getByRole('button', { name: 'Kirim rujukan', exact: true }).click()]);
  // Back on the report: the new referral is in its list.
  const referral = new URL(await p4.locator('#referrals a').first().getAttribute('href'), server.url).href;
  await officer.close();

  const police = await newContext(browser, phone);
  const p5 = await police.newPage();
  await login(p5, server.url, 'polres.malang', server.password('polres.malang'));
  await p5.goto(referral);
  await Promise.all([p5.waitForNavigation(), p5.locator('#accept').click()]);
  await p5.fill('textarea[name=body]', 'Satreskrim memeriksa dua saksi di Sitiarjo.');
  await Promise.all([p5.waitForNavigation(), p5.getByRole('button', { name: 'Catat tindakan', exact: true }).click()]);
  await p5.screenshot({ path: path.join(out, 'rujukan-mitra.png') });
  await police.close();

  // Screening: the interviewer screens an applicant whose sponsor is the demo's reported
  // recruiter, on a phone.
  const interviewer = await newContext(browser, phone);
  const p6 = await interviewer.newPage();
  await login(p6, server.url, 'pemeriksa.malang', server.password('pemeriksa.malang'));
  await p6.goto(`${server.url}/skrining/baru`);
  await p6.fill('#f-name', 'Rina Wulandari');
  await p6.fill('#f-birth', '2001-08-17');
  await p6.check('input[name=sex][value=P]');
  await p6.fill('#f-cari', 'Sitiarjo');
  await Promise.all([p6.waitForNavigation(), p6.getByRole('button', { name: 'Cari', exact: true }).click()]);
  await p6.check('input[name=region_code][value="35.07.04.2007"]');
  await p6.selectOption('#f-purpose', 'wisata');
  await p6.selectOption('#f-dest', 'MY');
  await p6.fill('#f-sponsor', 'M. Darto');
  await p6.fill('#f-sponsor-phone', '0812-3456-7890');
  await p6.check('input[name=documents][value=ktp_el]');
  await p6.screenshot({ path: path.join(out, 'skrining-form.png') });
  await Promise.all([p6.waitForNavigation(), p6.getByRole('button', { name: 'Skrining', exact: true }).last().click()]);
  await p6.screenshot({ path: path.join(out, 'skrining-hasil.png'), fullPage: true });
  await interviewer.close();

  // A resident checks a job offer on a phone.
  const jobseeker = await newContext(browser, phone);
  const p7 = await jobseeker.newPage();
  await p7.goto(`${server.url}/cek-tawaran`);
  await p7.fill('#o-company', 'PT Sukses Selalu Jaya');
  await p7.selectOption('#o-dest', 'MY');
  await p7.selectOption('#o-job', 'perkebunan');
  await p7.check('input[name=visa][value=turis]');
  await p7.fill('#o-fee', '15.000.000');
  await p7.check('input[name=contract][value=tidak]');
  await p7.fill('#o-age', '19');
  await p7.selectOption('#o-rec', 'calo');
  await Promise.all([p7.waitForNavigation(), p7.getByRole('button', { name: 'Cek tawaran', exact: true }).click()]);
  await p7.screenshot({ path: path.join(out, 'cek-tawaran.png') });
  await p7.goto(`${server.url}/cek-p3mi?q=contoh`);
  await p7.screenshot({ path: path.join(out, 'cek-p3mi.png') });
  await p7.goto(`${server.url}/panduan/dokumen`);
  await p7.screenshot({ path: path.join(out, 'panduan.png') });
  await jobseeker.close();

  // The village keeps its calon PMI register (demo residents) on a phone.
  const village = await newContext(browser, phone);
  const p8 = await village.newPage();
  await login(p8, server.url, 'desa.sitiarjo', server.password('desa.sitiarjo'));
  await p8.goto(`${server.url}/calon-pmi`);
  await p8.screenshot({ path: path.join(out, 'calon-pmi-list.png') });
  // The demo history fills the register: find the demo resident by name.
  await p8.goto(`${server.url}/calon-pmi?q=Dewi`);
  const dewi = await p8.locator('#migrants a', { hasText: 'Dewi' }).first().getAttribute('href');
  await p8.goto(`${server.url}${dewi}`);
  await p8.screenshot({ path: path.join(out, 'calon-pmi-detail.png'), fullPage: true });
  await village.close();

  // An event: a participant's pre-test on a phone, then the officer's page with the gain.
  const office = await newContext(browser, { viewport: { width: 1024, height: 900 }, deviceScaleFactor: 1 });
  const p9 = await office.newPage();
  await login(p9, server.url, 'pimpasa.malang', server.password('pimpasa.malang'));
  await p9.goto(`${server.url}/sosialisasi/baru`);
  const day = new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await p9.fill('#f-title', 'Sosialisasi Pencegahan TPPO Desa Binaan');
  await p9.fill('#f-date', day);
  await p9.fill('#f-time', '08:30');
  await p9.fill('#f-venue', 'Balai Desa Sitiarjo');
  await p9.fill('#f-region', '35.07');
  await p9.fill('#f-villages', '35.07.04.2007, 35.07.11.2002');
  await p9.fill('#f-speakers', 'Budi Santoso; Disnaker Kabupaten Malang; Prosedur penempatan PMI');
  await Promise.all([p9.waitForNavigation(), p9.getByRole('button', { name: 'Simpan' }).click()]);
  const eventUrl = p9.url();
  const eventCode = (await p9.locator('#checkin-code').innerText()).trim();
  const people = [['Siti Aminah', '35.07.04.2007', 'p'], ['Slamet', '35.07.04.2007', 'l'], ['Dewi', '35.07.11.2002', 'p']];
  const links = [];
  const participant = await newContext(browser, { ...phone, javaScriptEnabled: false });
  const p10 = await participant.newPage();
  for (const [name, desa, sex] of people) {
    await p10.goto(`${server.url}/hadir/${eventCode}`);
    await p10.fill('#c-name', name);
    await p10.selectOption('#c-village', desa);
    await p10.selectOption('#c-sex', sex);
    await Promise.all([p10.waitForNavigation(), p10.getByRole('button', { name: 'Saya hadir' }).click()]);
    links.push(await p10.locator('#quiz-link').getAttribute('href'));
  }
  const take = async (link, pick) => {
    await p10.goto(`${server.url}${link}`);
    const sets = p10.locator('form.quiz fieldset');
    const n = await sets.count();
    for (let i = 0; i < n; i++) await sets.nth(i).locator('input[type=radio]').nth(pick(i)).check();
    await Promise.all([p10.waitForNavigation(), p10.getByRole('button', { name: 'Kirim jawaban' }).click()]);
  };
  await p10.goto(`${server.url}${links[0]}`);
  await p10.screenshot({ path: path.join(out, 'kuis-peserta.png') });
  for (const l of links) await take(l, (i) => (i % 3 === 0 ? 0 : 1));
  await p9.goto(eventUrl);
  await Promise.all([p9.waitForNavigation(), p9.getByRole('button', { name: /Post-test dibuka/ }).click()]);
  for (const l of links) await take(l, () => 0);
  // The page is already at this address (with #kuis): load it again for the new results.
  await p9.reload();
  await p9.locator('#kuis').scrollIntoViewIfNeeded();
  await p9.screenshot({ path: path.join(out, 'sosialisasi-kuis.png') });
  await participant.close();
  // The event's own room, opened from its page, as the invited village reads it on a phone.
  await p9.goto(eventUrl);
  await Promise.all([p9.waitForNavigation(), p9.locator('#event-room-form').getByRole('button', { name: 'Buka ruang kegiatan' }).click()]);
  const roomUrl = p9.url();
  await office.close();
  const roomPhone = await newContext(browser, { ...phone, javaScriptEnabled: false });
  const p11 = await roomPhone.newPage();
  await login(p11, server.url, 'desa.sitiarjo', server.password('desa.sitiarjo'));
  await p11.goto(roomUrl);
  await p11.screenshot({ path: path.join(out, 'ruang-kegiatan.png'), fullPage: true });
  await roomPhone.close();
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
