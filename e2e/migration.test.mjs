// Safe migration in headless Chromium: a resident on a phone checks placement companies
// (the demo's three fictional ones) without an account, with JavaScript off; a village
// official keeps the calon PMI register and prints the family permission letter.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newContext, weighPage, login } from './helpers.mjs';

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

test('a village official records a resident, moves them through three steps and prints the permission letter', async () => {
  const ctx = await newContext(browser, PHONE);
  const page = await ctx.newPage();
  try {
    const base = server.url;
    await login(page, base, 'desa.sitiarjo', server.password('desa.sitiarjo'));
    await Promise.all([page.waitForNavigation(), page.locator('nav a', { hasText: 'Calon PMI' }).click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Catat calon PMI' }).click()]);
    await page.fill('#f-name', 'Siti Aminah');
    await page.fill('#f-nik', '3507045507900002');
    await page.fill('#f-birth_place', 'Malang');
    await page.fill('#f-birth_date', '1990-07-15');
    await page.selectOption('#f-sex', 'p');
    await page.selectOption('#f-destination', 'TW');
    await page.fill('#f-job', 'Perawat lansia');
    await page.selectOption('#f-scheme', 'p3mi');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Simpan' }).click()]);
    assert.equal(await page.locator('h1').innerText(), 'Siti Aminah');
    assert.equal(await page.locator('[id^="flag-"]').count(), 0, 'a consistent NIK is not flagged');
    // The official sees the NIK just typed, not a masked one.
    assert.match(await page.locator('main dl.facts').innerText(), /3507045507900002/);

    // Three steps, each through its own small form (details/summary: no JavaScript needed).
    for (const code of ['daftar_disnaker', 'kesehatan', 'bpjs']) {
      const item = page.locator(`#langkah-${code}`);
      await item.locator('summary').click();
      await item.locator('select[name="status"]').selectOption('selesai');
      await Promise.all([page.waitForNavigation(), item.getByRole('button', { name: 'Simpan' }).click()]);
      assert.equal(await page.locator(`#langkah-${code} [data-step-status]`).getAttribute('data-step-status'), 'selesai', code);
    }
    assert.match(await page.locator('.progress-line').innerText(), /3 dari 12 langkah selesai/);
    assert.equal(await page.locator('.progress-line progress').getAttribute('value'), '3');

    // The family permission letter: issued from the register entry, then printed.
    await page.locator('#surat ~ details summary').click();
    await page.selectOption('#l-kind', 'suami_istri');
    await page.fill('#l-giver_name', 'Slamet Riyadi');
    await page.fill('#l-relation', 'suami');
    await page.fill('#l-head_name', 'Bambang Sutejo');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Terbitkan surat' }).click()]);
    const letter = await page.locator('#letters li').first().innerText();
    assert.match(letter, /^001\/SIK\/35\.07\.04\.2007\/\d{4}/);
    assert.equal(await page.locator('#langkah-izin_keluarga [data-step-status]').getAttribute('data-step-status'), 'selesai');
    const href = await page.locator('a.letter-pdf').first().getAttribute('href');
    const pdf = await page.request.get(`${base}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    const bytes = await pdf.body();
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const file = path.join(tmpdir(), `benteng-letter-${process.pid}.pdf`);
    writeFileSync(file, bytes);
    const text = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
    rmSync(file);
    for (const want of ['SURAT IZIN SUAMI/ISTRI', 'Siti Aminah', 'Slamet Riyadi', 'Taiwan', 'Bambang Sutejo']) {
      assert.ok(text.includes(want), `${want} missing in the PDF: ${text}`);
    }

    // Leaving now, with steps open, flags the resident in the list.
    await page.selectOption('#f-status', 'berangkat');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ubah status' }).click()]);
    assert.match(await page.locator('#nonprocedural').innerText(), /tanpa prosedur/);
    await page.goto(`${base}/calon-pmi?flag=1`);
    assert.match(await page.locator('#migrants').innerText(), /Siti Aminah/);

    const w = await weighPage(ctx, `${base}/calon-pmi`);
    assert.ok(w.transferred < 60 * 1024, `${w.transferred} B`);
  } finally {
    await ctx.close();
  }
});
