// Offline village work (issue 20) in headless Chromium on a 360 px phone: a village official
// opens her field pages once with signal, loses it (context.setOffline), registers a calon
// PMI, records two steps of another and files a report with a photo; reloads offline and
// sees them waiting; gets the signal back and sees each "Terkirim", stored once on the
// server, also when the phone sends an item a second time. Signing out with unsent items
// asks first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, login } from './helpers.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
// A valid 4×4 PNG (the server re-encodes photos, so it must be a real image).
const PNG = Buffer.from([
  137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0,
  0, 0, 38, 147, 9, 41, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 33, 32, 0, 71, 12, 196,
  113, 0, 132, 195, 14, 129, 161, 4, 197, 228, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
]);

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

const width = (page) => page.evaluate(() => document.documentElement.scrollWidth);

test('a morning of house visits without signal arrives once when the signal returns', { timeout: 180_000 }, async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  try {
    const base = server.url;
    await login(page, base, 'desa.sitiarjo', server.password('desa.sitiarjo'));
    // Installable: the manifest is linked, and the service worker takes the page.
    assert.equal(await page.locator('link[rel="manifest"]').count(), 1);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker controls the page');

    // With signal, once: the pages of the morning's work.
    await page.goto(`${base}/calon-pmi`);
    const href = await page.locator('#migrants a[href^="/calon-pmi/"]').first().getAttribute('href');
    const other = href.split('?')[0];
    for (const p of ['/calon-pmi/baru', other, '/laporan/baru', '/panduan', '/antrean']) {
      const r = await page.goto(`${base}${p}`);
      assert.equal(r.status(), 200, p);
    }

    await ctx.setOffline(true);
    // 1. A new calon PMI, at the family's house.
    await page.goto(`${base}/calon-pmi/baru`);
    assert.match(await page.locator('#antrean-kept').innerText(), /Tanpa sinyal/);
    await page.fill('#f-name', 'Rukmini Lestari');
    await page.fill('#f-birth_date', '1996-04-12');
    await page.selectOption('#f-sex', 'p');
    await page.selectOption('#f-destination', 'HK');
    await page.selectOption('#f-scheme', 'p3mi');
    // She already has her passport and the health check: two steps ticked with the record.
    await page.check('input[name="steps_done"][value="paspor"]');
    await page.check('input[name="steps_done"][value="kesehatan"]');
    await page.getByRole('button', { name: 'Simpan' }).click();
    assert.match(await page.locator('#antrean-saved').innerText(), /disimpan di ponsel/);

    // 2. Two steps of a resident already registered.
    await page.goto(`${base}${other}`);
    for (const code of ['daftar_disnaker', 'kesehatan']) {
      const item = page.locator(`#langkah-${code}`);
      await item.locator('summary').click();
      await item.locator('select[name="status"]').selectOption('proses');
      await item.locator('input[name="note"]').fill(`Dicatat tanpa sinyal: ${code}`);
      await item.getByRole('button', { name: 'Simpan' }).click();
      await page.locator('#antrean-saved').waitFor();
      await page.evaluate(() => document.getElementById('antrean-saved').remove());
    }

    // 3. A report with a photo of the recruiter's leaflet.
    await page.goto(`${base}/laporan/baru`);
    await page.check('input[name="category"][value="rekrutmen"]');
    await page.fill('#f-description', 'Calo menawarkan kerja di Malaysia tanpa pelatihan, brosur difoto tanpa sinyal');
    await page.setInputFiles('#f-files', { name: 'brosur.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Kirim laporan' }).click();
    await page.locator('#antrean-saved').waitFor();

    // Meanwhile, at the office (with signal), the administrator settles the health check of
    // that same resident: the phone's change of it must not overwrite this.
    const admin = await fetch(`${base}/api/v1/auth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin.demo', password: server.password('admin.demo') }),
    }).then((r) => r.json());
    const changed = await fetch(`${base}/api/v1${other.replace('/calon-pmi/', '/migrants/')}/steps`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ step: 'kesehatan', status: 'selesai', note: 'Hasil MCU sudah diterima kantor' }),
    });
    assert.equal(changed.status, 204);

    // Still offline: reload the queue page from the phone's cache.
    await page.goto(`${base}/antrean`);
    await page.locator('#antrean-list li').nth(3).waitFor();
    assert.equal(await page.locator('.queue-menunggu').count(), 4);
    assert.ok((await width(page)) <= 360, 'the queue fits the phone');
    if (process.env.BENTENG_SHOTS) await page.screenshot({ path: '../docs/img/antrean-menunggu.png', fullPage: true });
    await page.goto(`${base}/panduan`);
    assert.match(await page.locator('#antrean-bar').innerText(), /Menunggu sinyal \(4\)/);

    // Signing out now asks first; saying no keeps her signed in and the items kept.
    await page.locator('form[action="/keluar"] button').click();
    await page.waitForTimeout(300);
    assert.match(dialogs.pop() || '', /4 isian di ponsel ini belum terkirim/);
    assert.match(await page.locator('#antrean-bar').innerText(), /\(4\)/);

    // The signal returns: everything is sent by itself.
    await page.goto(`${base}/antrean`);
    await ctx.setOffline(false);
    // The page's navigator.onLine follows the emulated network a moment later under load; the
    // queue decides on page load by it.
    await page.waitForFunction(() => navigator.onLine);
    await page.locator('.queue-terkirim').nth(2).waitFor({ timeout: 30_000 });
    await page.locator('.queue-perbaiki').waitFor();
    assert.equal(await page.locator('.queue-menunggu').count(), 0);
    // The step changed at the office meanwhile is refused, saying why.
    assert.match(await page.locator('.queue-perbaiki').innerText(), /Pemeriksaan kesehatan|kesehatan/i);
    assert.match(await page.locator('.queue-perbaiki').innerText(), /sudah diubah pengguna lain/);
    if (process.env.BENTENG_SHOTS) await page.screenshot({ path: '../docs/img/antrean-terkirim.png', fullPage: true });

    // On the server, once each.
    await page.goto(`${base}/calon-pmi?q=Rukmini`);
    assert.equal(await page.locator('#migrants a', { hasText: 'Rukmini Lestari' }).count(), 1);
    await Promise.all([page.waitForNavigation(), page.locator('#migrants a', { hasText: 'Rukmini Lestari' }).click()]);
    for (const code of ['paspor', 'kesehatan']) {
      assert.equal(await page.locator(`#langkah-${code} [data-step-status]`).getAttribute('data-step-status'), 'selesai', code);
    }
    await page.goto(`${base}${other}`);
    const status = (code) => page.locator(`#langkah-${code} [data-step-status]`).getAttribute('data-step-status');
    assert.equal(await status('daftar_disnaker'), 'proses');
    assert.equal(await status('kesehatan'), 'selesai', 'the office\'s change stands');

    // She looks at it and decides her change is right after all: "Perbaiki" opens the step's
    // form with what she typed, and she saves it (with signal now).
    await page.goto(`${base}/antrean`);
    await Promise.all([page.waitForNavigation(), page.locator('.queue-perbaiki a', { hasText: 'Perbaiki' }).click()]);
    const form = page.locator('#langkah-kesehatan form');
    await form.locator('select[name="status"]').waitFor({ state: 'visible' });
    assert.equal(await form.locator('select[name="status"]').inputValue(), 'proses');
    assert.equal(await form.locator('input[name="note"]').inputValue(), 'Dicatat tanpa sinyal: kesehatan');
    await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: 'Simpan' }).click()]);
    assert.equal(await status('kesehatan'), 'proses');
    await page.goto(`${base}/antrean`);
    // The list is drawn from IndexedDB after the page has loaded; under load that takes a moment.
    for (let i = 0; i < 100 && (await page.locator('#antrean-list li').count()) !== 3; i++) await page.waitForTimeout(100);
    assert.equal(await page.locator('#antrean-list li').count(), 3, 'the refused item is gone');
    await page.goto(`${base}/laporan?q=brosur`);
    const reports = page.locator('li.report', { hasText: /Calo menawarkan kerja di Malaysia/ });
    assert.equal(await reports.count(), 1, 'one report');

    // The phone sends the same items again (an answer lost on the way): nothing doubles.
    await page.goto(`${base}/antrean`);
    await page.evaluate(() => new Promise((ok) => {
      const r = indexedDB.open('benteng', 1);
      r.onsuccess = () => {
        const tx = r.result.transaction('antrean', 'readwrite');
        const s = tx.objectStore('antrean');
        s.getAll().onsuccess = (e) => e.target.result.forEach((it) => { it.state = 'menunggu'; s.put(it); });
        tx.oncomplete = ok;
      };
    }));
    await page.reload();
    await page.locator('.queue-terkirim').nth(2).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.queue-menunggu, .queue-perbaiki').count(), 0);
    await page.goto(`${base}/calon-pmi?q=Rukmini`);
    assert.equal(await page.locator('#migrants a', { hasText: 'Rukmini Lestari' }).count(), 1, 'still one calon PMI');
    await page.goto(`${base}/laporan?q=brosur`);
    assert.equal(await reports.count(), 1, 'still one report');
    const link = await reports.first().locator('a').first().getAttribute('href');
    await page.goto(`${base}${link}`);
    assert.match(await page.locator('main').innerText(), /brosur/);
    assert.equal(await page.locator('a[href*="/lampiran/"]', { hasText: 'brosur' }).count(), 1, 'the photo came along');
  } finally {
    await ctx.close();
  }
});

test('another user on the same phone neither sends nor sees the first user\'s waiting items', { timeout: 120_000 }, async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  const dialogs = [];
  let answer = false;
  page.on('dialog', (d) => { dialogs.push(d.message()); if (answer) d.accept(); else d.dismiss(); });
  try {
    const base = server.url;
    await login(page, base, 'desa.sitiarjo', server.password('desa.sitiarjo'));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.goto(`${base}/calon-pmi/baru`);
    await page.goto(`${base}/calon-pmi/baru`);
    await ctx.setOffline(true);
    await page.fill('#f-name', 'Tarmini Ganti Pengguna');
    await page.selectOption('#f-sex', 'p');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.locator('#antrean-saved').waitFor();
    // The session ends while the phone is away (cookies gone), and a colleague signs in.
    await ctx.clearCookies();
    await ctx.setOffline(false);
    // The page's navigator.onLine follows the emulated network a moment later under load; the
    // queue decides on page load by it.
    await page.waitForFunction(() => navigator.onLine);
    await login(page, base, 'desa.kalipare', server.password('desa.kalipare'));
    for (let i = 0; i < 150 && !dialogs.length; i++) await page.waitForTimeout(100);
    assert.ok(dialogs.some((m) => /1 isian pengguna lain menunggu/.test(m)), dialogs.join(' | '));
    // The pages the first official kept on the phone are gone.
    const kept = await page.evaluate(async () => (await (await caches.open('benteng-pages')).keys()).map((r) => new URL(r.url).pathname));
    assert.ok(!kept.includes('/calon-pmi/baru'), kept.join(' '));
    await page.goto(`${base}/antrean`);
    await page.locator('#antrean-empty').waitFor();
    assert.equal(await page.locator('#antrean-list li').count(), 0, 'the colleague sees none of them');
    await page.locator('#antrean-now').click();
    await page.waitForTimeout(1000);
    await page.goto(`${base}/calon-pmi?q=Tarmini`);
    assert.equal(await page.locator('#migrants a', { hasText: 'Tarmini' }).count(), 0, 'nothing sent under the colleague');

    // The first official signs in again: her item goes, under her name.
    await ctx.clearCookies();
    await login(page, base, 'desa.sitiarjo', server.password('desa.sitiarjo'));
    await page.goto(`${base}/antrean`);
    await page.locator('.queue-terkirim').first().waitFor({ timeout: 30_000 });
    await page.goto(`${base}/calon-pmi?q=Tarmini`);
    assert.equal(await page.locator('#migrants a', { hasText: 'Tarmini Ganti Pengguna' }).count(), 1);
    // Signing out with nothing waiting asks nothing.
    const asked = dialogs.length;
    answer = true;
    await Promise.all([page.waitForNavigation(), page.locator('form[action="/keluar"] button').click()]);
    assert.equal(dialogs.length, asked);
  } finally {
    await ctx.close();
  }
});

test('a PIMPASA officer records a village visit without signal', { timeout: 120_000 }, async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  try {
    const base = server.url;
    await login(page, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.goto(`${base}/desa-binaan`);
    const desa = (await page.locator('main a[href^="/desa-binaan/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
      .find((h) => /^\/desa-binaan\/\d+$/.test(h));
    await page.goto(`${base}${desa}/kunjungan/baru`);
    await page.goto(`${base}${desa}/kunjungan/baru`);
    await ctx.setOffline(true);
    await page.goto(`${base}${desa}/kunjungan/baru`);
    await page.fill('#f-findings', 'Dua warga berencana ke Malaysia lewat calo dari Dampit; sudah diberi panduan');
    await page.fill('#f-departures_seen', '2');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.locator('#antrean-saved').waitFor();
    await page.goto(`${base}/antrean`);
    await ctx.setOffline(false);
    // The page's navigator.onLine follows the emulated network a moment later under load; the
    // queue decides on page load by it.
    await page.waitForFunction(() => navigator.onLine);
    await page.locator('.queue-terkirim, .queue-perbaiki, .queue-masuk').waitFor({ timeout: 30_000 })
      .catch((e) => { console.log(server.logTail(30)); throw e; });
    assert.equal(await page.locator('.queue-terkirim').count(), 1, await page.locator('#antrean-list').innerText());
    await page.goto(`${base}${desa}`);
    assert.equal(await page.locator('main', { hasText: 'Dua warga berencana ke Malaysia lewat calo' }).count(), 1);
  } finally {
    await ctx.close();
  }
});

test('without JavaScript the forms work online as before and nothing is queued', async () => {
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    const base = server.url;
    await page.goto(`${base}/antrean`);
    assert.match(await page.locator('main').innerText(), /memerlukan JavaScript/);
    await login(page, base, 'desa.kalipare', server.password('desa.kalipare'));
    await page.goto(`${base}/calon-pmi/baru`);
    await page.fill('#f-name', 'Bayu Prasetyo');
    await page.fill('#f-birth_date', '1999-09-09');
    await page.selectOption('#f-sex', 'l');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Simpan' }).click()]);
    assert.equal(await page.locator('h1').innerText(), 'Bayu Prasetyo');
  } finally {
    await ctx.close();
  }
});
