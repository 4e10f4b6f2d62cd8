// Sosialisasi in headless Chromium: an officer plans an event on a laptop, a resident checks
// in on a phone by typing the short code (JavaScript off), and the officer sees the count.

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

test('a resident checks in with the short code on a phone and the officer sees it', async () => {
  const officerCtx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
  const officer = await officerCtx.newPage();
  const phoneCtx = await newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const phone = await phoneCtx.newPage();
  try {
    const base = server.url;
    await login(officer, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    await officer.goto(`${base}/sosialisasi/baru`);
    await officer.fill('#f-title', 'Sosialisasi Desa Binaan Imigrasi Malang');
    await officer.fill('#f-date', '2026-12-17');
    await officer.fill('#f-time', '08:30');
    await officer.fill('#f-venue', 'Hotel di Kepanjen');
    await officer.fill('#f-region', '35.07');
    await officer.fill('#f-villages', '35.07.04.2007, 35.07.11.2002');
    await officer.fill('#f-speakers', 'Budi Santoso; Disnaker Kabupaten Malang; Prosedur penempatan PMI');
    await Promise.all([officer.waitForNavigation(), officer.getByRole('button', { name: 'Simpan' }).click()]);
    const code = (await officer.locator('#checkin-code').innerText()).trim();
    assert.match(code, /^[2-9A-Z]{6}$/);
    assert.equal(await officer.locator('.qr svg').count(), 1, 'the QR code is on the page');

    // The resident types the code the officer shows, in lower case, on the public page.
    await phone.goto(`${base}/hadir`);
    await phone.fill('#c-code', code.toLowerCase());
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Lanjut' }).click()]);
    assert.equal(await phone.locator('#checkin-event').innerText(), 'Sosialisasi Desa Binaan Imigrasi Malang');
    await phone.fill('#c-name', 'Siti Aminah');
    await phone.selectOption('#c-village', '35.07.04.2007');
    await phone.selectOption('#c-sex', 'p');
    await phone.selectOption('#c-role', 'calon_pmi');
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Saya hadir' }).click()]);
    assert.match(await phone.locator('#checkin-done').innerText(), /tercatat/);
    // Checking in twice is harmless.
    await phone.fill('#c-name', 'Siti Aminah');
    await phone.selectOption('#c-village', '35.07.04.2007');
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Saya hadir' }).click()]);
    assert.match(await phone.locator('#checkin-done').innerText(), /sudah tercatat/);
    const w = await weighPage(phoneCtx, phone.url());
    assert.ok(w.transferred < 60 * 1024, `${w.transferred} B`);

    await officer.reload();
    assert.match(await officer.locator('#attendance-total').innerText(), /^1 hadir/);
  } finally {
    await officerCtx.close();
    await phoneCtx.close();
  }
});
