// Core browser journeys through Benteng in headless Chromium, against one demo
// server started for this file (fresh SQLite database, Kabupaten Malang demo set).
//
// The tests run in order and share the server: the enrolment in the first test
// is visible to the later ones (the desa user must still not see it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, login, weighPage } from './helpers.mjs';

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

/** Text of the desa binaan list's first column (village names), in order. */
async function listedVillages(page) {
  return (await page.locator('main table tbody tr td:first-child a').allInnerTexts()).map((s) => s.trim());
}

const PUTUKREJO = '35.07.11.2001';
const SK_NUMBER = 'W15.IMI.IMI.4-GR.01.01-0999/2026';

test('petugas signs in, switches language, enrols Putukrejo, finds it in the list and signs out', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  try {
    // Sign in.
    const landed = await login(page, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    assert.equal(landed.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Beranda');
    assert.match(await page.locator('header .who').innerText(), /Petugas Imigrasi/);
    await page.getByRole('button', { name: 'Keluar', exact: true }).waitFor();

    // To English and back; the page stays the same.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'English', exact: true }).click()]);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Home');
    assert.equal((await page.locator('nav.main a[href="/"]').innerText()).trim(), 'Home');
    assert.equal(await page.locator('nav.main a[href="/"]').getAttribute('aria-current'), 'page');
    assert.equal((await page.locator('nav.main a[href="/desa-binaan"]').innerText()).trim(), 'Desa Binaan');
    assert.equal(await page.getByRole('button', { name: 'Sign out', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Keluar', exact: true }).count(), 0);
    assert.match(await page.locator('header .who').innerText(), /Immigration/i);

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Bahasa Indonesia', exact: true }).click()]);
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Beranda');
    assert.equal((await page.locator('nav.main a[href="/"]').innerText()).trim(), 'Beranda');
    assert.equal(await page.getByRole('button', { name: 'Keluar', exact: true }).count(), 1);

    // The enrol form, reached from the list's button.
    await page.goto(`${base}/desa-binaan`);
    assert.deepEqual((await listedVillages(page)).filter((v) => v === 'Putukrejo'), [], 'Putukrejo is not in the demo set');
    await Promise.all([page.waitForNavigation(), page.locator('main a.button', { hasText: 'Daftarkan desa binaan' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/desa-binaan/baru');

    // Find the village.
    await page.fill('#f-cari', 'Putukrejo');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Cari', exact: true }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('cari'), 'Putukrejo');
    const radio = page.locator(`input[name=region_code][value="${PUTUKREJO}"]`);
    assert.equal(await radio.count(), 1, 'Putukrejo is offered');
    assert.equal(await radio.isDisabled(), false, 'Putukrejo is not enrolled yet');
    const choice = page.locator('label.check', { has: radio });
    assert.match(await choice.innerText(), /Putukrejo, Kecamatan Kalipare/);
    await radio.check();

    // The officer's own office is preselected.
    const office = await page.locator('#f-office_id option:checked').innerText();
    assert.match(office, /Kantor Imigrasi Kelas I TPI Malang/);

    await page.fill('#f-sk_number', SK_NUMBER);
    await page.fill('#f-sk_date', '2026-01-15');
    await page.selectOption('#f-status', { label: 'Aktif' });
    await page.fill('#f-population', '5210');
    await page.fill('#f-residents_abroad', '320');
    await page.check('#f-kantong_pmi');
    await page.fill('#f-notes', 'Didaftarkan oleh uji peramban.');
    const [detail] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Daftarkan desa binaan', exact: true }).click(),
    ]);
    assert.equal(detail.status(), 200);

    // The detail page, with the flash message.
    const m = /^\/desa-binaan\/(\d+)$/.exec(new URL(page.url()).pathname);
    assert.ok(m, `redirected to the detail page, got ${page.url()}`);
    const id = m[1];
    assert.equal((await page.locator('main .flash').innerText()).trim(), 'Desa binaan terdaftar.');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Desa Putukrejo');
    const crumbs = await page.locator('main .crumbs').innerText();
    assert.match(crumbs, /Kecamatan Kalipare/);
    assert.match(crumbs, /Malang/);
    assert.match(crumbs, new RegExp(PUTUKREJO.replaceAll('.', '\\.')));
    const facts = await page.locator('main dl.facts').innerText();
    assert.match(facts, /Aktif/);
    assert.ok(facts.includes(SK_NUMBER), `SK number shown: ${facts}`);
    assert.match(facts, /15 Januari 2026/);
    assert.match(facts, /5210/);
    assert.match(facts, /320/);
    assert.match(facts, /Kantor Imigrasi Kelas I TPI Malang/);
    assert.match(facts, /Didaftarkan oleh uji peramban\./);

    // A flash is shown once.
    await page.reload();
    assert.equal(await page.locator('main .flash').count(), 0);

    // In the list, linking to the detail page; and found by its SK number.
    await page.goto(`${base}/desa-binaan`);
    const row = page.locator('main table tbody tr', { has: page.locator('td:first-child a', { hasText: /^Putukrejo$/ }) });
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('td:first-child a').getAttribute('href'), `/desa-binaan/${id}`);
    const cells = (await row.locator('td').allInnerTexts()).map((s) => s.trim());
    assert.equal(cells[1], 'Kalipare');
    assert.match(cells[2], /Malang/);
    assert.equal(cells[3], 'Aktif');
    assert.equal(cells[4], SK_NUMBER);
    await page.goto(`${base}/desa-binaan?q=${encodeURIComponent('0999/2026')}`);
    assert.deepEqual(await listedVillages(page), ['Putukrejo']);

    // Enrolled villages can no longer be picked.
    await page.goto(`${base}/desa-binaan/baru?cari=Putukrejo`);
    assert.equal(await page.locator(`input[name=region_code][value="${PUTUKREJO}"]`).isDisabled(), true);

    // Sign out: back to the login form, and the registry needs a login again.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Keluar', exact: true }).click()]);
    assert.equal(new URL(page.url()).pathname, '/masuk');
    assert.equal(await page.locator('#f-username').count(), 1);
    const again = await page.goto(`${base}/desa-binaan`);
    assert.equal(again.status(), 200);
    const atLogin = new URL(page.url());
    assert.equal(atLogin.pathname, '/masuk');
    assert.equal(atLogin.searchParams.get('next'), '/desa-binaan');
    assert.equal(await page.locator('#f-password').count(), 1);
    assert.equal(await page.locator('main table').count(), 0);
    const detailAgain = await page.goto(`${base}/desa-binaan/${id}`);
    assert.equal(new URL(page.url()).pathname, '/masuk');
    assert.equal(detailAgain.status(), 200);
  } finally {
    await ctx.close();
  }
});

test('a wrong password gets status 401 and the generic error only', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  try {
    const res = await login(page, base, 'pimpasa.malang', 'bukan-kata-sandinya-123');
    assert.equal(res.status(), 401);
    assert.equal(new URL(page.url()).pathname, '/masuk');
    const err = page.locator('main .err[role=alert]');
    assert.equal((await err.innerText()).trim(), 'Nama pengguna atau kata sandi salah.');
    // The username is kept, the password is not echoed back.
    assert.equal(await page.inputValue('#f-username'), 'pimpasa.malang');
    assert.equal(await page.inputValue('#f-password'), '');
    // Not signed in.
    assert.equal(await page.getByRole('button', { name: 'Keluar', exact: true }).count(), 0);
    await page.goto(`${base}/desa-binaan`);
    assert.equal(new URL(page.url()).pathname, '/masuk');

    // An unknown user gets exactly the same message.
    const res2 = await login(page, base, 'tidak.ada', 'bukan-kata-sandinya-123');
    assert.equal(res2.status(), 401);
    assert.equal((await page.locator('main .err[role=alert]').innerText()).trim(), 'Nama pengguna atau kata sandi salah.');
  } finally {
    await ctx.close();
  }
});

test('without JavaScript a village user signs in and sees only their own village', async () => {
  const ctx = await newContext(browser, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    // Prove that scripts really are off in this context.
    await page.goto(`${base}/masuk`);
    await page.setContent('<p id="x">off</p><script>document.getElementById("x").textContent = "on"</script>');
    assert.equal(await page.locator('#x').innerText(), 'off');

    const landed = await login(page, base, 'desa.kalipare', server.password('desa.kalipare'));
    assert.equal(landed.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Beranda');
    assert.match(await page.locator('header .who').innerText(), /Pemerintah Desa/);

    // The village's own profile is under "Lainnya" (the bar holds what a village does most).
    await page.locator('nav.main summary', { hasText: 'Lainnya' }).click();
    await Promise.all([page.waitForNavigation(), page.locator('nav.main a', { hasText: 'Desa Binaan' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/desa-binaan');
    assert.deepEqual(await listedVillages(page), ['Kalipare']);
    const body = await page.locator('main').innerText();
    for (const other of ['Sitiarjo', 'Putukrejo', 'Arjowilangun', 'Sukowilangun', 'Bantur']) {
      assert.ok(!body.includes(other), `${other} must not be listed for desa.kalipare`);
    }
    // A village user does not enrol villages.
    assert.equal(await page.locator('main a[href="/desa-binaan/baru"]').count(), 0);

    // The detail page opens from the list, still without scripts.
    await Promise.all([page.waitForNavigation(), page.locator('main table a', { hasText: 'Kalipare' }).click()]);
    assert.match(new URL(page.url()).pathname, /^\/desa-binaan\/\d+$/);
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Desa Kalipare');

    // Signing out is a plain form post too.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Keluar', exact: true }).click()]);
    assert.equal(new URL(page.url()).pathname, '/masuk');
  } finally {
    await ctx.close();
  }
});

test("a village user gets 403 for every other village's page", async () => {
  // All enrolled villages and their ids, as the admin sees them.
  const adminCtx = await newContext(browser);
  const adminPage = await adminCtx.newPage();
  /** @type {Map<number, string>} */
  const villages = new Map();
  try {
    await login(adminPage, base, 'admin.demo', server.password('admin.demo'));
    await adminPage.goto(`${base}/desa-binaan`);
    for (const a of await adminPage.locator('main table tbody tr td:first-child a').all()) {
      const id = Number(/\/desa-binaan\/(\d+)$/.exec(await a.getAttribute('href'))[1]);
      villages.set(id, (await a.innerText()).trim());
    }
  } finally {
    await adminCtx.close();
  }
  assert.ok(villages.size >= 13, `admin sees all demo villages, saw ${villages.size}`);
  assert.ok([...villages.values()].includes('Sitiarjo'));
  assert.equal([...villages.values()].filter((v) => v === 'Kalipare').length, 1);

  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  try {
    await login(page, base, 'desa.kalipare', server.password('desa.kalipare'));
    const viewable = [];
    for (const [id, name] of [...villages].sort((a, b) => a[0] - b[0])) {
      const res = await page.goto(`${base}/desa-binaan/${id}`);
      if (name === 'Kalipare') {
        assert.equal(res.status(), 200, `own village ${id}`);
        assert.equal((await page.locator('main h1').innerText()).trim(), 'Desa Kalipare');
        viewable.push(name);
        continue;
      }
      assert.equal(res.status(), 403, `${name} (id ${id}) must be forbidden to desa.kalipare`);
      assert.equal((await page.locator('main h1').innerText()).trim(), '403');
      assert.match(await page.locator('main').innerText(), /Anda tidak berwenang membuka halaman atau data ini\./);
      const text = await page.locator('body').innerText();
      assert.ok(!text.includes(name), `the 403 page must not name ${name}`);
      // The sub-pages are closed too.
      const visit = await page.goto(`${base}/desa-binaan/${id}/kunjungan/baru`);
      assert.ok([403, 404].includes(visit.status()), `visit form of ${name}: ${visit.status()}`);
    }
    assert.deepEqual(viewable, ['Kalipare']);
  } finally {
    await ctx.close();
  }
});

test('main pages stay under 60 KB as the browser receives them', async () => {
  const LIMIT = 60 * 1024;
  const results = [];

  const anon = await newContext(browser);
  try {
    results.push(['login /masuk', await weighPage(anon, `${base}/masuk`)]);
  } finally {
    await anon.close();
  }

  const ctx = await newContext(browser);
  try {
    const page = await ctx.newPage();
    await login(page, base, 'pimpasa.malang', server.password('pimpasa.malang'));
    // Sitiarjo has contacts and visits in the demo set: the fullest detail page.
    await page.goto(`${base}/desa-binaan?q=Sitiarjo`);
    const href = await page.locator('main table a', { hasText: /^Sitiarjo$/ }).getAttribute('href');
    await page.close();
    results.push(['home /', await weighPage(ctx, `${base}/`)]);
    results.push(['list /desa-binaan', await weighPage(ctx, `${base}/desa-binaan`)]);
    results.push([`detail ${href} (Sitiarjo)`, await weighPage(ctx, `${base}${href}`)]);
  } finally {
    await ctx.close();
  }

  console.log('Page weight (cold cache, headless Chromium, Accept-Encoding as the browser sends it):');
  console.log('| page | requests | transferred (headers + body) | bodies on the wire | bodies decoded |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, r] of results) {
    console.log(`| ${name} | ${r.requests} | ${r.transferred} B | ${r.body} B | ${r.decoded} B |`);
  }
  for (const [name, r] of results) {
    for (const i of r.items) console.log(`  ${name}: ${i.status} ${new URL(i.url).pathname} ${i.encoding} ${i.body}/${i.decoded} B`);
  }

  for (const [name, r] of results) {
    assert.equal(r.status, 200, `${name} loads`);
    assert.ok(r.requests >= 3, `${name}: document, CSS and JS counted (${r.requests} responses)`);
    assert.ok(r.items.some((i) => i.url.endsWith('/static/app.css')), `${name}: CSS counted`);
    assert.ok(r.decoded > 1000, `${name}: bodies were read (${r.decoded} B)`);
    assert.ok(r.transferred < LIMIT, `${name}: ${r.transferred} B transferred, limit ${LIMIT}`);
    assert.ok(r.decoded < LIMIT, `${name}: ${r.decoded} B decoded, limit ${LIMIT}`);
  }
});
