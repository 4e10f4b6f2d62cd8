// Two-step verification (TOTP) in headless Chromium, against one demo server
// started for this file. The demo leaves the second factor optional, so the
// officer turns it on by choice:
//   enrol (scan = read the key off the page, compute the code here as an
//   authenticator app does, RFC 6238) → sign out → sign in with a code →
//   sign out → sign in with a recovery code → the admin resets it (audited) →
//   the officer, signed out by the reset, signs in with the password alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, launchBrowser, newContext, login } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {import('playwright-core').Browser} */
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

/** RFC 4648 base32 → bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The six-digit code an authenticator app shows `offset` seconds from now. */
function totp(secret, offset = 0) {
  const counter = Math.floor((Date.now() / 1000 + offset) / 30);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = mac[mac.length - 1] & 0x0f;
  const n = ((mac[o] & 0x7f) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

async function signOut(page) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Keluar', exact: true }).click()]);
  assert.equal(new URL(page.url()).pathname, '/masuk');
}

/** Type a code on the sign-in's second step and send it. */
async function enterCode(page, code) {
  assert.equal(new URL(page.url()).pathname, '/masuk/kode', 'the password alone leads to the code page');
  await page.fill('#f-code', code);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Verifikasi', exact: true }).click(),
  ]);
  return response;
}

test('an officer enrols, signs in with a code and with a recovery code; the admin resets it', async () => {
  const user = 'pimpasa.malang';
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  // The demo says, with its accounts, that it leaves the second factor optional.
  assert.match(server.stdout(), /verifikasi dua langkah \(TOTP\) tidak diwajibkan/);
  const adminCtx = await newContext(browser);
  const admin = await adminCtx.newPage();
  try {
    // Enrol from the account page.
    await login(page, base, user, server.password(user));
    assert.equal(new URL(page.url()).pathname, '/');
    await page.goto(`${base}/akun`);
    assert.match(await page.locator('#totp-status').innerText(), /Tidak aktif/);
    await Promise.all([page.waitForNavigation(), page.locator('#totp-status a').click()]);
    assert.equal(new URL(page.url()).pathname, '/akun/dua-langkah');
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is on the page');
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);

    await page.fill('#f-code', '000000' === totp(secret) ? '111111' : '000000');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Aktifkan', exact: true }).click()]);
    assert.match(await page.locator('main .err').first().innerText(), /Kode salah/);

    await page.fill('#f-code', totp(secret));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Aktifkan', exact: true }).click()]);
    const codes = (await page.locator('#recovery-codes li').allInnerTexts()).map((s) => s.trim());
    assert.equal(codes.length, 10, 'ten recovery codes');
    for (const c of codes) assert.match(c, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    await page.goto(`${base}/akun`);
    assert.match(await page.locator('#totp-status').innerText(), /Aktif\. Sisa kode cadangan: 10/);

    // Sign out, then in with the password and the authenticator's next code.
    await signOut(page);
    await login(page, base, user, server.password(user));
    await page.goto(`${base}/laporan`);
    assert.equal(new URL(page.url()).pathname, '/masuk', 'no page before the code');
    await login(page, base, user, server.password(user));
    const landed = await enterCode(page, totp(secret, 30));
    assert.equal(landed.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('header .who').innerText(), /Rina Wulandari/);

    // Sign out, then in with a recovery code (the phone is lost).
    await signOut(page);
    await login(page, base, user, server.password(user));
    await enterCode(page, codes[0]);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('main .flash').innerText(), /kode cadangan\. Sisa kode cadangan: 9/);
    // The account page lists this session.
    await page.goto(`${base}/akun`);
    assert.match(await page.locator('#sessions').innerText(), /Perangkat ini/);

    // The admin resets the officer's second factor from the users list.
    await login(admin, base, 'admin.demo', server.password('admin.demo'));
    await admin.goto(`${base}/pengguna?q=${user}`);
    const row = admin.locator('main table tbody tr', { hasText: user });
    assert.equal(await row.count(), 1);
    await Promise.all([admin.waitForNavigation(), row.getByRole('button', { name: 'Reset' }).click()]);
    assert.match(await admin.locator('main .flash').innerText(), /direset/);
    await admin.goto(`${base}/audit?aksi=totp_reset`);
    const audit = await admin.locator('main table tbody').innerText();
    assert.match(audit, /Dua langkah disetel ulang/, 'the action in words');
    assert.doesNotMatch(audit, /totp_reset|had_totp/);
    assert.match(audit, /admin\.demo/);

    // The officer was signed out everywhere; the password alone signs in again.
    await page.goto(`${base}/laporan`);
    assert.equal(new URL(page.url()).pathname, '/masuk');
    await login(page, base, user, server.password(user));
    assert.equal(new URL(page.url()).pathname, '/');
    await page.goto(`${base}/akun`);
    assert.match(await page.locator('#totp-status').innerText(), /Tidak aktif/);
  } finally {
    await ctx.close();
    await adminCtx.close();
  }
});
