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

test('a resident on a phone checks a job offer, sees why it is red and reports it without retyping', async () => {
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: true });
  const page = await ctx.newPage();
  try {
    await page.goto(`${server.url}/cek-tawaran`);
    await page.fill('#o-company', 'PT Sukses Selalu Jaya');
    await page.selectOption('#o-dest', 'MY');
    await page.selectOption('#o-job', 'perkebunan');
    await page.check('input[name=visa][value=turis]');
    await page.fill('#o-fee', '15.000.000');
    await page.check('input[name=contract][value=tidak]');
    await page.fill('#o-age', '19');
    await page.selectOption('#o-rec', 'calo');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cek tawaran', exact: true }).tap()]);
    assert.match(await page.locator('#verdict h2').innerText(), /Merah/);
    const codes = await page.locator('#offer-reasons li').evaluateAll((els) => els.map((e) => e.dataset.code));
    assert.deepEqual(codes.slice(0, 3).sort(), ['company_unregistered', 'fee_zero_cost_job', 'visit_visa_for_work']);
    assert.match(await page.locator('#offer-reasons li').first().innerText(), /UU 18\/2017|SE Dirjen/);

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Laporkan tawaran ini', exact: true }).tap()]);
    const description = await page.inputValue('#f-description');
    assert.match(description, /PT Sukses Selalu Jaya/);
    assert.match(description, /Merah/);
    await page.fill('#f-cari', 'Sitiarjo');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cari', exact: true }).tap()]);
    assert.match(await page.inputValue('#f-description'), /PT Sukses Selalu Jaya/, 'the description survives the village search');
    await page.check('input[name=region_code][value="35.07.04.2007"]');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kirim laporan', exact: true }).tap()]);
    assert.match(await page.locator('#tracking-code').innerText(), /^LP-/);
  } finally {
    await ctx.close();
  }
});

test('a licensed company for a legal offer is green', async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  try {
    await page.goto(`${server.url}/cek-tawaran`);
    await page.fill('#o-company', 'DEMO.001/2023');
    await page.selectOption('#o-dest', 'TW');
    await page.selectOption('#o-job', 'pabrik');
    await page.check('input[name=visa][value=kerja]');
    await page.fill('#o-fee', '0');
    await page.check('input[name=contract][value=ya]');
    await page.fill('#o-age', '23');
    await page.selectOption('#o-rec', 'disnaker');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cek tawaran', exact: true }).click()]);
    assert.match(await page.locator('#verdict h2').innerText(), /Hijau/);
    assert.match(await page.locator('#verdict').innerText(), /PT Contoh Karya Mandiri/);
  } finally {
    await ctx.close();
  }
});
