// Outbound webhooks end to end against one demo server (its own delivery worker,
// as in production): the Kanwil of Jawa Timur connects a receiver that this test
// runs on 127.0.0.1, on a 360 px phone with JavaScript off; reports filed through
// the API arrive signed, once each; the delivery log shows them. The figures
// printed at the end (time from filing to arrival) go to docs/performance.md.
// With SHOTS=1 the pages are also written to ../docs/img/ for docs/webhooks.md.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { startServer, launchBrowser, newContext, login } from './helpers.mjs';

let server;
let browser;
let base;
let receiver;
const got = [];
const shots = process.env.SHOTS === '1' ? path.join(import.meta.dirname, '..', 'docs', 'img') : null;

before(async () => {
  server = await startServer();
  base = server.url;
  browser = await launchBrowser();
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  receiver?.close();
});

const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, javaScriptEnabled: false };

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

/** The receiver's check, as docs/webhooks.md gives it for Node.js. */
function verify(secret, headers, rawBody) {
  const id = headers['webhook-id'];
  const ts = Number(headers['webhook-timestamp']);
  if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${ts}.`).update(rawBody).digest();
  return headers['webhook-signature'].split(' ').some((part) => {
    if (!part.startsWith('v1,')) return false;
    const sig = Buffer.from(part.slice(3), 'base64');
    return sig.length === expected.length && crypto.timingSafeEqual(sig, expected);
  });
}

async function token(user) {
  const r = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: server.password(user) }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

test('the Kanwil connects a receiver on a phone and filed reports arrive signed within seconds', async () => {
  const ctx = await newContext(browser, phone);
  const page = await ctx.newPage();
  await login(page, base, 'kanwil.jatim', server.password('kanwil.jatim'));
  // Under "Lainnya" in the menu (it opens without JavaScript).
  await page.locator('nav.main summary', { hasText: 'Lainnya' }).click();
  await page.getByRole('link', { name: 'Integrasi' }).first().click();
  assert.equal(new URL(page.url()).pathname, '/integrasi');
  await readable(page, 'empty list');
  await page.fill('#f-name', 'Dasbor Provinsi Jawa Timur');
  await page.fill('#f-url', `http://127.0.0.1:${receiver.address().port}/benteng`);
  await page.selectOption('#f-region', '35');
  await page.check('input[name=events][value="report.filed"]');
  await page.check('input[name=events][value="alert.sent"]');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Hubungkan' }).click()]);
  let text = await readable(page, 'secret page');
  assert.match(text, /hanya ditampilkan sekali/);
  const secret = await page.inputValue('#secret');
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{44}$/);
  await shot(page, 'webhook-secret.png');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Selesai, ke halaman sistem' }).click()]);
  const hookPage = page.url();

  // Reports filed by the village through the API, one after another.
  const desa = await token('desa.sitiarjo');
  const filed = new Map();
  const n = 50;
  for (let i = 0; i < n; i++) {
    const at = Date.now();
    const r = await fetch(`${base}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${desa}` },
      body: JSON.stringify({ category: 'rekrutmen', description: `Calo menawarkan kerja, laporan ${i}`, region_code: '35.07.04.2007' }),
    });
    assert.equal(r.status, 201);
    filed.set((await r.json()).id, at);
  }
  const deadline = Date.now() + 60_000;
  while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal(got.length, n, 'every report arrived');
  const latencies = [];
  const ids = new Set();
  for (const g of got) {
    assert.ok(verify(secret, g.headers, g.body), 'signed with the shown secret');
    const body = JSON.parse(g.body.toString('utf8'));
    assert.equal(body.event, 'report.filed');
    assert.equal(body.id, g.headers['webhook-id']);
    assert.ok(!g.body.toString('utf8').includes('Calo menawarkan'), 'no report text in the payload');
    ids.add(body.id);
    latencies.push(g.at - filed.get(body.data.report.id));
  }
  assert.equal(ids.size, n, 'one id per report');
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  console.log(`webhook delivery, ${n} reports: filing to arrival p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${latencies.at(-1)} ms`);

  await page.goto(hookPage);
  text = await readable(page, 'subscription page');
  assert.match(text, /Aktif/);
  assert.match(text, /Laporan masuk/);
  assert.match(text, /Terkirim/);
  await shot(page, 'webhook.png');
  await page.getByRole('link', { name: 'Laporan masuk' }).first().click();
  text = await readable(page, 'delivery page');
  assert.match(text, /HTTP 204/);
  assert.match(text, /"event": "report.filed"/);
  await shot(page, 'webhook-delivery.png');
  await ctx.close();
});

test('an officer has no menu item and is refused', async () => {
  const ctx = await newContext(browser, phone);
  const page = await ctx.newPage();
  await login(page, base, 'pimpasa.malang', server.password('pimpasa.malang'));
  assert.equal(await page.getByRole('link', { name: 'Integrasi' }).count(), 0);
  const r = await page.goto(`${base}/integrasi`);
  assert.equal(r.status(), 403);
  await ctx.close();
});
