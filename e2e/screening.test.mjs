// Passport screening in headless Chromium, against one demo server started for this file.
//
//   the interviewer (pemeriksa.malang), on a phone with JavaScript off, screens an applicant
//   whose sponsor is the recruiter of the demo's village reports → sees the risk with every
//   reason and the report behind the hit → postpones with a reason → the month and the
//   village are counted; a village mentor without the interviewer flag is refused.
//   A documented applicant who shares only "Muhammad" with the demo's recruiter Moch. Darto
//   gets no hit and no watchlist risk, and the page says why (issue 21).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

async function submit(page, button) {
  const [res] = await Promise.all([page.waitForNavigation(), button.click()]);
  return res;
}

test('an interviewer on a phone without JavaScript screens an applicant and postpones', async () => {
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    await login(page, base, 'pemeriksa.malang', server.password('pemeriksa.malang'));
    await page.goto(`${base}/skrining`);
    // The demo's history already has screenings this month: the test counts what it adds.
    const monthRow = async () => {
      const rows = page.locator('#per-month tbody tr');
      if ((await rows.count()) === 0) return ['', 0, 0, 0];
      const cells = (await rows.first().innerText()).split('\t');
      return [cells[0], ...cells.slice(1).map((c) => Number(c.replace(/\D/g, '')))];
    };
    const before = await monthRow();
    await submit(page, page.locator('main a', { hasText: 'Skrining pemohon' }));
    assert.equal(new URL(page.url()).pathname, '/skrining/baru');

    await page.fill('#f-name', 'Rina Wulandari');
    await page.fill('#f-birth', '2001-08-17');
    await page.check('input[name=sex][value=P]');
    // The village search inside the form keeps what was typed.
    await page.fill('#f-cari', 'Sitiarjo');
    await submit(page, page.getByRole('button', { name: 'Cari', exact: true }));
    assert.equal(await page.inputValue('#f-name'), 'Rina Wulandari');
    await page.check('input[name=region_code][value="35.07.04.2007"]');
    await page.selectOption('#f-purpose', 'wisata');
    await page.selectOption('#f-dest', 'MY');
    await page.fill('#f-sponsor', 'M. Darto');
    await page.fill('#f-sponsor-phone', '0812-3456-7890');
    await page.check('input[name=documents][value=ktp_el]');
    const res = await submit(page, page.getByRole('button', { name: 'Skrining', exact: true }).last());
    assert.equal(res.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/skrining\/\d+$/);
    const detailUrl = page.url();

    const risk = await page.locator('#risk').innerText();
    assert.match(risk, /Risiko tinggi/);
    const findings = await page.locator('#findings li').evaluateAll((els) => els.map((e) => e.dataset.code));
    for (const code of ['sponsor_phone_recruiter', 'sponsor_name_recruiter', 'village_reports']) {
      assert.ok(findings.includes(code), `${code} in ${findings}`);
    }
    const hit = page.locator('#hits li', { hasText: 'Darto' }).first();
    assert.match(await hit.innerText(), /telepon sama/);
    assert.ok(await hit.locator('a[href^="/laporan/"]').count() >= 1, 'the hit links the village report');

    // Postpone: the reason is required, then the decision is shown.
    await page.check('input[name=decision][value=tunda]');
    await submit(page, page.getByRole('button', { name: 'Simpan', exact: true }));
    assert.match(await page.locator('[role=alert]').first().innerText(), /./);
    await page.check('input[name=decision][value=tunda]');
    await page.fill('#f-reason', 'Sponsor adalah calo yang dilaporkan desa; rujuk ke Disnaker.');
    await submit(page, page.getByRole('button', { name: 'Simpan', exact: true }));
    assert.match(await page.locator('#decision').innerText(), /Ditunda: Sponsor adalah calo/);

    await page.goto(`${base}/skrining`);
    const village = await page.locator('#per-village').innerText();
    assert.match(village, /Sitiarjo/);
    const after = await monthRow();
    const same = before[0] === after[0];
    assert.deepEqual(
      after.slice(1),
      [(same ? before[1] : 0) + 1, (same ? before[2] : 0) + 1, same ? before[3] : 0],
      `one more screened, one more postponed: ${before} → ${after}`,
    );

    const weight = await weighPage(ctx, detailUrl);
    assert.ok(weight.transferred < 60 * 1024, `screening page ${weight.transferred} B`);
  } finally {
    await ctx.close();
  }
});

test('a shared common first name alone is no hit, and the page says so on a phone', async () => {
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    await login(page, base, 'pemeriksa.malang', server.password('pemeriksa.malang'));
    await page.goto(`${base}/skrining/baru`);
    await page.fill('#f-name', 'Muhammad Yusuf');
    await page.fill('#f-birth', '1990-05-17');
    await page.check('input[name=sex][value=L]');
    await page.selectOption('#f-purpose', 'bekerja');
    await page.selectOption('#f-dest', 'KR');
    for (const d of ['ktp_el', 'rekomendasi_disnaker', 'e_pmi', 'perjanjian_kerja']) {
      await page.check(`input[name=documents][value=${d}]`);
    }
    const res = await submit(page, page.getByRole('button', { name: 'Skrining', exact: true }).last());
    assert.equal(res.status(), 200);
    assert.match(new URL(page.url()).pathname, /^\/skrining\/\d+$/);
    const risk = await page.locator('#risk').innerText();
    assert.match(risk, /Skor risiko 0\/100/);
    assert.match(await page.locator('#common-only').innerText(), /nama depan yang sangat umum/);
    assert.equal(await page.locator('#hits li').count(), 0);
    const findings = await page.locator('#findings li').evaluateAll((els) => els.map((e) => e.dataset.code));
    assert.ok(!findings.some((c) => c.startsWith('applicant_watch')), `${findings}`);
    const text = await page.locator('main').innerText();
    assert.match(text, /17 Mei 1990/);
    assert.doesNotMatch(text, /1990-05-17/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `page ${width} px wide`);
    if (process.env.SHOTS) {
      await page.screenshot({ path: '../docs/img/screening-common-name.png', fullPage: true });
    }
  } finally {
    await ctx.close();
  }
});

test('a village mentor without the interviewer flag cannot open the screening form', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  try {
    await login(page, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    const res = await page.goto(`${base}/skrining/baru`);
    assert.equal(res.status(), 403);
    await page.goto(`${base}/skrining`);
    assert.equal(await page.locator('main a', { hasText: 'Skrining pemohon' }).count(), 0);
  } finally {
    await ctx.close();
  }
});
