// Coordination in headless Chromium: two users in one desa binaan room. The village official
// keeps the room open on a phone (JavaScript on); the PIMPASA officer posts an alert for the
// kecamatan from a laptop, and the alert appears in the official's open room without a reload.
// The official then turns a message into a report, and the report links back to the message.
// A third session without JavaScript sees the same room after a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, login, weighPage } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an alert reaches an open room live and a message becomes a report', async () => {
  const base = server.url;
  const officerCtx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
  const officer = await officerCtx.newPage();
  const phoneCtx = await newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const phone = await phoneCtx.newPage();
  try {
    await login(phone, base, 'desa.sitiarjo', server.password('desa.sitiarjo'));
    await phone.goto(`${base}/ruang`);
    await Promise.all([phone.waitForNavigation(), phone.getByRole('link', { name: 'Desa Sitiarjo' }).click()]);
    const roomUrl = phone.url();
    assert.match(roomUrl, /\/ruang\/\d+$/);

    // The official posts a message from the phone (the page returns to the room).
    await phone.fill('#f-body', 'Ada orang menawarkan kerja di Malaysia tanpa biaya, berangkat minggu depan.');
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Kirim' }).click()]);
    assert.match(await phone.locator('.flash').innerText(), /Pesan terkirim/);

    // The officer warns the kecamatan while the official's room stays open.
    await login(officer, base, 'pimpasa2.malang', server.password('pimpasa2.malang'));
    await officer.goto(`${base}/waspada`);
    await officer.selectOption('#f-severity', 'awas');
    await officer.fill('#f-area_code', '35.07.04');
    await officer.fill('#f-title', 'Calo PT Sinar Abadi beroperasi');
    await officer.fill('#f-body', 'Menjanjikan kerja di Malaysia tanpa biaya. Jangan serahkan KTP atau paspor.');
    await Promise.all([officer.waitForNavigation(), officer.getByRole('button', { name: 'Kirim ke semua ruang di wilayah ini' }).click()]);
    assert.match(await officer.locator('.flash').innerText(), /Peringatan terkirim ke \d+ ruang/);

    // It appears in the open room by polling (no reload).
    await phone.locator('.msg-waspada', { hasText: 'Calo PT Sinar Abadi beroperasi' }).waitFor({ timeout: 15000 });
    assert.equal(phone.url().split('#')[0], roomUrl, 'the page was not reloaded');
    assert.match(await phone.locator('.msg-waspada .badge').first().innerText(), /Awas/);

    // The official turns their message into a report.
    const mine = phone.locator('.msg', { hasText: 'Ada orang menawarkan kerja' });
    await Promise.all([phone.waitForNavigation(), mine.getByRole('link', { name: 'Jadikan laporan' }).click()]);
    assert.match(await phone.locator('#f-description').inputValue(), /Ada orang menawarkan kerja/);
    await phone.selectOption('#f-category', 'rekrutmen');
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Simpan' }).click()]);
    assert.match(phone.url(), /\/laporan\/\d+$/);
    const reportUrl = phone.url();
    const origin = phone.locator('#report-origin');
    assert.match(await origin.innerText(), /Desa Sitiarjo/);
    await Promise.all([phone.waitForNavigation(), origin.click()]);
    assert.ok(phone.url().startsWith(`${base}/ruang/`), phone.url());
    const linked = phone.locator('.msg', { hasText: 'Ada orang menawarkan kerja' }).first();
    assert.equal(await linked.locator(`a[href="${new URL(reportUrl).pathname}"]`).count(), 1, 'the message links to its report');

    // The officer opens the room: the alert's receipt counts the official who has seen it.
    await officer.goto(roomUrl);
    const alert = officer.locator('.msg-waspada').first();
    await Promise.all([officer.waitForNavigation(), alert.getByRole('link', { name: /Balasan/ }).click()]);
    assert.match(await officer.locator('main details summary').innerText(), /Dibaca [1-9]\d* dari/);

    // Without JavaScript the same room shows everything after a reload; the page is small.
    const plainCtx = await newContext(browser, { viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
    const plain = await plainCtx.newPage();
    await login(plain, base, 'polres.malang', server.password('polres.malang'));
    await plain.goto(roomUrl);
    assert.equal(await plain.locator('.msg-waspada', { hasText: 'Calo PT Sinar Abadi' }).count(), 1);
    const w = await weighPage(plainCtx, roomUrl);
    assert.ok(w.transferred < 60 * 1024, `${w.transferred} B`);
    await plainCtx.close();
  } finally {
    await officerCtx.close();
    await phoneCtx.close();
  }
});
