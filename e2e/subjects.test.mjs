// Data-subject requests (UU 27/2022) in headless Chromium on a 360 px phone with
// JavaScript off, against one demo server: the officer records an erasure request
// for a resident of the calon PMI register, sees what is held about her, erases it,
// closes the request; an access request by a reporter's phone gives a PDF answer;
// the Kanwil is refused. Every page fits the phone and shows no ISO date.
// With SHOTS=1 the pages are also written to ../docs/img/ for docs/privacy.md.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, newContext, login } from './helpers.mjs';

let server;
let browser;
let base;
const shots = process.env.SHOTS === '1' ? path.join(import.meta.dirname, '..', 'docs', 'img') : null;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, javaScriptEnabled: false };

/** The page fits the phone and reads in words. */
async function readable(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what}: ${width} px wide`);
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /\b\d{4}-\d{2}-\d{2}\b/, `${what}: an ISO date in the text`);
  return text;
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: path.join(shots, name), fullPage: true });
}

test('an officer answers an erasure and an access request on a phone without JavaScript', async () => {
  const ctx = await newContext(browser, phone);
  const page = await ctx.newPage();
  await login(page, base, 'pimpasa.malang', server.password('pimpasa.malang'));
  // Under "Lainnya" in the menu (it opens without JavaScript).
  await page.locator('nav.main summary', { hasText: 'Lainnya' }).click();
  await page.getByRole('link', { name: 'Data pribadi' }).first().click();
  assert.equal(new URL(page.url()).pathname, '/privasi/permintaan');
  await readable(page, 'list');

  // Erasure, by NIK and name: the demo's resident Rina Wulandari in Sitiarjo's register.
  await page.getByRole('link', { name: 'Catat permintaan' }).click();
  await page.selectOption('#f-kind', 'penghapusan');
  await page.fill('#f-requester_name', 'Rina Wulandari');
  await page.fill('#f-requester_contact', '0812 0000 1111');
  await page.fill('#f-nik', '3507044803990001');
  await page.fill('#f-detail', 'Tidak jadi berangkat, minta datanya dihapus.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Simpan' }).click()]);
  assert.match(new URL(page.url()).pathname, /^\/privasi\/permintaan\/\d+$/);
  let text = await readable(page, 'erasure request');
  assert.match(text, /1 data ditemukan/);
  assert.match(text, /Calon PMI/);
  assert.match(text, /3507044803990001/);
  await shot(page, 'subject-request.png');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Hapus data yang dipilih' }).click()]);
  text = await readable(page, 'after erasure');
  assert.match(text, /1 data dihapus/);
  assert.match(text, /Tidak ada data tentang orang ini/);
  await page.fill('#c-outcome', 'Data calon PMI dianonimkan; pemohon diberi tahu lewat telepon.');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Tutup permintaan' }).click()]);
  text = await readable(page, 'closed');
  assert.match(text, /Selesai/);
  assert.match(text, /Data dihapus/);

  // Access, by the phone of a demo reporter: the answer is a PDF.
  await page.goto(`${base}/privasi/permintaan/baru`);
  await page.selectOption('#f-kind', 'akses');
  await page.fill('#f-requester_name', 'Siti Rohmah');
  await page.fill('#f-phone', '0857 1234 5678');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Simpan' }).click()]);
  text = await readable(page, 'access request');
  assert.match(text, /Pelapor/);
  await shot(page, 'subject-access.png');
  const download = await ctx.request.get(page.url() + '/jawaban.pdf');
  assert.equal(download.status(), 200);
  assert.equal(download.headers()['content-type'], 'application/pdf');
  assert.ok((await download.body()).subarray(0, 5).toString() === '%PDF-');

  await page.goto(`${base}/privasi/permintaan`);
  text = await readable(page, 'list with two');
  assert.match(text, /Rina Wulandari/);
  assert.match(text, /Siti Rohmah/);
  await shot(page, 'subject-list.png');
  await ctx.close();
});

test('the Kanwil has no menu item and is refused', async () => {
  const ctx = await newContext(browser, phone);
  const page = await ctx.newPage();
  await login(page, base, 'kanwil.jatim', server.password('kanwil.jatim'));
  assert.equal(await page.getByRole('link', { name: 'Data pribadi' }).count(), 0);
  const r = await page.goto(`${base}/privasi/permintaan`);
  assert.equal(r.status(), 403);
  await ctx.close();
});
