// The dashboard in headless Chromium, against one demo server started for this file.
//
//   the Kanwil of Jawa Timur, on a 360 px phone with JavaScript off, opens the dashboard →
//   sees its offices side by side and the province's map → taps Kabupaten Malang on the map →
//   drills down through a kecamatan to a village in the table → downloads the areas as CSV
//   and last month's report as PDF → finds the report the worker stored for the province
//   under "Laporan bulanan". No page is wider than the phone or heavier than 60 KB.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newContext, login, weighPage } from './helpers.mjs';

let server;
let browser;
let base;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function width(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
}

async function follow(page, link) {
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.ok((await width(page)) <= 360, `${page.url()} is wider than the phone`);
}

async function download(page, link) {
  const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return { name: d.suggestedFilename(), body: readFileSync(await d.path()) };
}

test('the Kanwil drills down from the province map to a village and takes the files', async () => {
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: false, acceptDownloads: true });
  const page = await ctx.newPage();
  try {
    await login(page, base, 'kanwil.jatim', server.password('kanwil.jatim'));
    await follow(page, page.locator('nav a[href="/dasbor"]').first());
    assert.match(await page.locator('h1').innerText(), /Dasbor/);
    // The offices side by side, and the province drawn by kabupaten/kota, each a link.
    assert.ok((await page.locator('#office-table tbody tr').count()) >= 1);
    const shapes = page.locator('#peta svg a');
    assert.ok((await shapes.count()) >= 38, `${await shapes.count()} areas on the map`);
    assert.ok((await page.locator('#peta .key i').count()) >= 2, 'the map has a key');

    // Province → Kabupaten Malang (on the map) → a kecamatan → a village (in the table).
    await follow(page, page.locator('#peta a[href*="wilayah=35.07&"], #peta a[href$="wilayah=35.07"]').first());
    assert.match(page.url(), /wilayah=35\.07(&|$)/);
    assert.match(await page.locator('h1').innerText(), /Malang/);
    assert.equal(await page.locator('#peta').count(), 0, 'a kabupaten has no kecamatan outlines');
    await follow(page, page.locator('#areas a', { hasText: 'Kalipare' }).first());
    assert.match(page.url(), /wilayah=35\.07\.11(&|$)/);
    await follow(page, page.locator('#areas a', { hasText: 'Kalipare' }).first());
    assert.match(page.url(), /wilayah=35\.07\.11\.2\d{3}/);
    // Crumbs lead back to the province.
    assert.ok((await page.locator('.crumbs a').count()) >= 3);

    // The village's figures as CSV; the province's areas as CSV and last month as PDF.
    const csv = await download(page, page.locator('a', { hasText: 'CSV' }).first());
    assert.match(csv.name, /\.csv$/);
    assert.ok(csv.body.length > 20);
    await follow(page, page.locator('.crumbs a').first());
    const areas = await download(page, page.locator('a[href*="tabel=wilayah"]'));
    assert.match(areas.body.toString('utf8'), /Kabupaten Malang/);
    const pdf = await download(page, page.locator('a[href^="/dasbor/laporan-bulanan"]'));
    assert.equal(pdf.body.subarray(0, 4).toString(), '%PDF');

    // The worker stores last month's report for the province when the server starts.
    let listed = false;
    for (let i = 0; i < 30 && !listed; i++) {
      await page.goto(`${base}/laporan-bulanan`);
      listed = (await page.locator('#monthly-reports a').count()) > 0;
      if (!listed) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(listed, 'the stored report is listed');
    assert.ok((await width(page)) <= 360);
    assert.match(await page.locator('#monthly-reports').innerText(), /Jawa Timur/);
    const stored = await download(page, page.locator('#monthly-reports a').first());
    assert.equal(stored.body.subarray(0, 4).toString(), '%PDF');

    // Light: the dashboard with its map and chart stays well under 60 KB over the wire.
    const w = await weighPage(ctx, `${base}/dasbor`);
    assert.ok(w.transferred < 60_000, `${w.transferred} bytes`);
  } finally {
    await ctx.close();
  }
});
