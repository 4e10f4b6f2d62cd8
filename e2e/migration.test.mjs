// Safe migration in headless Chromium: a resident on a phone checks placement companies
// (the demo's three fictional ones) without an account, with JavaScript off.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, weighPage } from './helpers.mjs';

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

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false };

test('a resident finds a placement company by name or licence and sees whether it may recruit', async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  try {
    await page.goto(`${server.url}/lapor`);
    await Promise.all([page.waitForNavigation(), page.locator('footer a', { hasText: 'Cek P3MI' }).click()]);
    await page.fill('#f-q', 'contoh');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cari', exact: true }).click()]);
    const rows = await page.locator('#p3mi tbody tr').allInnerTexts();
    assert.equal(rows.length, 3, rows.join('\n'));
    const status = (name) => rows.find((r) => r.includes(name)) ?? '';
    assert.match(status('Karya Mandiri'), /Izin berlaku/);
    assert.match(status('Lama Jaya'), /Izin kedaluwarsa/);
    assert.match(status('Dibekukan'), /Izin dicabut/);

    // By licence number, written loosely, then the company's page.
    await page.fill('#f-q', 'demo.001 / 2023');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cari', exact: true }).click()]);
    await Promise.all([page.waitForNavigation(), page.locator('#p3mi a').first().click()]);
    assert.match(await page.locator('#licence-status').innerText(), /Izin berlaku/);
    assert.match(await page.locator('#countries').innerText(), /Malaysia/);

    // Nothing found says what to do.
    await page.goto(`${server.url}/cek-p3mi?q=pt+tidak+terdaftar`);
    assert.match(await page.locator('#p3mi-none').innerText(), /tidak boleh merekrut/);

    const w = await weighPage(ctx, `${server.url}/cek-p3mi?q=contoh`);
    assert.ok(w.transferred < 60 * 1024, `${w.transferred} B`);
  } finally {
    await ctx.close();
  }
});
