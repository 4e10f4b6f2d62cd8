// Sosialisasi in headless Chromium: an officer plans an event on a laptop, a resident checks
// in on a phone by typing the short code (JavaScript off), and the officer sees the count.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
    // After a check-in the form for someone else is folded; open it to check in again.
    assert.equal(await phone.locator('#c-name').isVisible(), false);
    await phone.locator('main details summary', { hasText: 'Catat kehadiran orang lain' }).click();
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

/** The event's date a month ahead, as the date input wants it. */
function monthAhead() {
  const d = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

/** Answer every question of the quiz page: the first `right` ones by `pick`. */
async function answerAll(page, pick) {
  const sets = page.locator('form.quiz fieldset');
  const n = await sets.count();
  for (let i = 0; i < n; i++) {
    const radios = sets.nth(i).locator('input[type=radio]');
    await radios.nth(pick(i, await radios.count())).check();
  }
  return n;
}

test('pre-test and post-test on a phone, then the activity report PDF', async () => {
  const officerCtx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
  const officer = await officerCtx.newPage();
  const phoneCtx = await newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const phone = await phoneCtx.newPage();
  const dir = mkdtempSync(path.join(tmpdir(), 'benteng-pdf-'));
  try {
    const base = server.url;
    await login(officer, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    await officer.goto(`${base}/sosialisasi/baru`);
    await officer.fill('#f-title', 'Sosialisasi Pencegahan TPPO Kepanjen');
    await officer.fill('#f-date', monthAhead());
    await officer.fill('#f-time', '08:30');
    await officer.fill('#f-venue', 'Hotel di Kepanjen');
    await officer.fill('#f-region', '35.07');
    await officer.fill('#f-villages', '35.07.04.2007');
    await Promise.all([officer.waitForNavigation(), officer.getByRole('button', { name: 'Simpan' }).click()]);
    const eventUrl = officer.url();
    const code = (await officer.locator('#checkin-code').innerText()).trim();

    // Check in with the short code, then the pre-test: half right.
    await phone.goto(`${base}/hadir`);
    await phone.fill('#c-code', code);
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Lanjut' }).click()]);
    await phone.fill('#c-name', 'Siti Aminah');
    await phone.selectOption('#c-village', '35.07.04.2007');
    await phone.selectOption('#c-sex', 'p');
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Saya hadir' }).click()]);
    await Promise.all([phone.waitForNavigation(), phone.locator('#quiz-link').click()]);
    const quizUrl = phone.url();
    assert.equal(await phone.locator('#quiz-kind').innerText(), 'Pre-test');
    // Every wrong option is the one after the right one; the page does not know which is
    // right, so the test answers option 0 everywhere and reads the score back.
    const n = await answerAll(phone, () => 0);
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Kirim jawaban' }).click()]);
    const pre = (await phone.locator('#quiz-done').innerText()).match(/(\d+) dari (\d+) benar/);
    assert.ok(pre, 'the pre-test score is shown');
    assert.equal(Number(pre[2]), n);
    assert.match(await phone.locator('#quiz-wait').innerText(), /Post-test dibuka/);
    const w = await weighPage(phoneCtx, quizUrl);
    assert.ok(w.transferred < 60 * 1024, `${w.transferred} B`);

    // The officer opens the post-test; the participant reloads and takes it.
    await officer.goto(eventUrl);
    await Promise.all([officer.waitForNavigation(), officer.getByRole('button', { name: /Post-test dibuka/ }).click()]);
    await phone.goto(quizUrl);
    assert.equal(await phone.locator('#quiz-kind').innerText(), 'Post-test');
    // This time the last option everywhere: a different score, so a gain or a loss shows.
    await answerAll(phone, (_, count) => count - 1);
    await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Kirim jawaban' }).click()]);
    const post = (await phone.locator('#quiz-done').innerText()).match(/(\d+) dari (\d+) benar/);
    const gain = (100 * (Number(post[1]) - Number(pre[1]))) / n;
    const gainText = `${gain >= 0 ? '+' : '-'}${Math.abs(gain).toFixed(1).replace('.', ',')}`;

    await officer.goto(eventUrl);
    assert.equal(await officer.locator('#quiz-gain').innerText(), gainText);
    assert.equal(await officer.locator('.chart svg').count(), 1, 'the chart is on the page');
    const ew = await weighPage(officerCtx, eventUrl);
    assert.ok(ew.transferred < 60 * 1024, `event page with QR code and chart: ${ew.transferred} B`);
    // The download form is a plain GET; fetch what it would fetch, with the officer's cookies
    // (headless Chromium hands PDFs to the download manager).
    await officer.fill('#s-nama', 'Anggoro Widjanarko');
    const action = await officer.locator('#laporan + form').getAttribute('action');
    const download = await officerCtx.request.get(`${base}${action}?nama=Anggoro+Widjanarko`);
    assert.equal(download.status(), 200);
    assert.equal(download.headers()['content-type'], 'application/pdf');
    const file = path.join(dir, 'laporan.pdf');
    writeFileSync(file, await download.body());
    const text = execFileSync('pdftotext', [file, '-']).toString().split(/\s+/).join(' ');
    for (const want of ['Sosialisasi Pencegahan TPPO Kepanjen', 'Peserta hadir: 1 orang (laki-laki 0, perempuan 1)', gainText, 'Anggoro Widjanarko']) {
      assert.ok(text.includes(want), `${want} in ${text}`);
    }
  } finally {
    await officerCtx.close();
    await phoneCtx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a phone without JavaScript an officer ticks the invited villages and opens the event room, and the village reads it', async () => {
  const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, javaScriptEnabled: false };
  const officerCtx = await newContext(browser, phone);
  const villageCtx = await newContext(browser, phone);
  const officer = await officerCtx.newPage();
  const village = await villageCtx.newPage();
  const fitsThePhone = async (page) => {
    const w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
    assert.ok(w <= 360, `${page.url()} is ${w} px wide`);
  };
  try {
    const base = server.url;
    await login(officer, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    await officer.goto(`${base}/sosialisasi/baru`);
    await fitsThePhone(officer);
    await officer.fill('#f-title', 'Rapat Persiapan Sosialisasi Sitiarjo dan Kalipare');
    await officer.fill('#f-date', '2026-12-18');
    await officer.fill('#f-time', '09:00');
    await officer.fill('#f-venue', 'Balai Desa Sitiarjo');
    await officer.fill('#f-region', 'Sitiarjo');
    await officer.getByRole('checkbox', { name: /^Sitiarjo, Kec\./ }).check();
    await officer.getByRole('checkbox', { name: /^Kalipare, Kec\./ }).check();
    await officer.fill('#f-speakers', 'Tri Handayani; Dinas Tenaga Kerja Kabupaten Malang; Prosedur penempatan PMI');
    await Promise.all([officer.waitForNavigation(), officer.getByRole('button', { name: 'Simpan' }).click()]);
    const event = officer.url();
    assert.match(await officer.locator('#villages').innerText(), /Sitiarjo.*Kalipare|Kalipare.*Sitiarjo/);

    // The room form is open (no room yet) with the speaker's agency ticked.
    const form = officer.locator('#event-room-form');
    assert.ok(await form.isVisible());
    assert.ok(await form.getByLabel(/Dinas Tenaga Kerja Kabupaten Malang/).isChecked());
    assert.equal(await form.getByLabel(/Polres Malang/).isChecked(), false);
    await fitsThePhone(officer);
    await Promise.all([officer.waitForNavigation(), form.getByRole('button', { name: 'Buka ruang kegiatan' }).click()]);
    assert.match(officer.url(), /\/ruang\/\d+$/);
    const room = new URL(officer.url()).pathname;
    assert.match(await officer.locator('main').innerText(), /anggota ditambahkan/);
    assert.match(await officer.locator('main').innerText(), /Balai Desa Sitiarjo/);
    await fitsThePhone(officer);

    // The village finds it from the event's page and reads the announcement.
    await login(village, base, 'desa.sitiarjo', server.password('desa.sitiarjo'));
    await village.goto(event);
    await Promise.all([village.waitForNavigation(), village.getByRole('link', { name: 'Buka ruang kegiatan' }).click()]);
    assert.equal(new URL(village.url()).pathname, room);
    assert.match(await village.locator('main').innerText(), /Rapat Persiapan Sosialisasi Sitiarjo dan Kalipare/);
    await fitsThePhone(village);
  } finally {
    await officerCtx.close();
    await villageCtx.close();
  }
});
