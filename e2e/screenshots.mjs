// Screenshots of the real UI for the operator docs: `node screenshots.mjs` (after
// `cargo build -p benteng-cli`) writes PNGs to ../docs/img/. Not a test.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newContext, login } from './helpers.mjs';

const out = path.join(import.meta.dirname, '..', 'docs', 'img');
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  // A cheap Android phone's viewport.
  const ctx = await newContext(browser, { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/masuk`);
  await page.screenshot({ path: path.join(out, 'login.png') });
  await login(page, server.url, 'pimpasa.malang', server.password('pimpasa.malang'));
  await page.screenshot({ path: path.join(out, 'home-petugas.png'), fullPage: true });
  await page.goto(`${server.url}/desa-binaan`);
  await page.screenshot({ path: path.join(out, 'desa-binaan-list.png'), fullPage: true });
  await page.goto(`${server.url}/desa-binaan/2`);
  await page.screenshot({ path: path.join(out, 'desa-binaan-detail.png'), fullPage: true });
  await page.goto(`${server.url}/desa-binaan/baru?cari=putukrejo`);
  await page.screenshot({ path: path.join(out, 'desa-binaan-enrol.png'), fullPage: true });
  const admin = await newContext(browser, { viewport: { width: 1024, height: 700 } });
  const p2 = await admin.newPage();
  await login(p2, server.url, 'admin.demo', server.password('admin.demo'));
  await p2.goto(`${server.url}/audit`);
  await p2.screenshot({ path: path.join(out, 'audit-admin.png') });
  await p2.goto(`${server.url}/kantor/1`);
  await p2.screenshot({ path: path.join(out, 'office-area.png'), fullPage: true });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
