// Shared helpers for Benteng's browser tests: start and stop a demo server in a
// fresh temporary directory, read the demo logins from its output, launch the
// system Chromium, sign in, and weigh pages as the browser receives them.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Chromium from Debian; playwright-core never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** How long the server may take to load 91,599 regions and start listening. */
const START_TIMEOUT_MS = 180_000;

/**
 * The benteng binary: $BENTENG_BIN, else $CARGO_TARGET_DIR/debug/benteng,
 * else ../target/debug/benteng relative to this folder.
 */
export function bentengBin() {
  let bin;
  if (process.env.BENTENG_BIN) bin = process.env.BENTENG_BIN;
  else if (process.env.CARGO_TARGET_DIR) bin = path.join(process.env.CARGO_TARGET_DIR, 'debug', 'benteng');
  else bin = path.join(here, '..', 'target', 'debug', 'benteng');
  bin = path.resolve(bin);
  if (!existsSync(bin)) {
    throw new Error(`benteng binary not found at ${bin}: run \`cargo build -p benteng-cli\` or set BENTENG_BIN`);
  }
  return bin;
}

/**
 * Parse the server's startup output: the first admin account, the demo table
 * (username / role / password) and the URL it listens on.
 * @param {string} out
 */
export function parseStartup(out) {
  const accounts = new Map();
  const admin = /^\s+username:\s*(\S+)\s*\n\s+password:\s*(\S+)/m.exec(out);
  if (admin) accounts.set(admin[1], { role: 'admin', password: admin[2] });
  const demoRow = /^\s{2}([a-z0-9._-]+)\s+(admin|kanwil|petugas|mitra|desa)\s+(\S+)\s*$/gm;
  for (const m of out.matchAll(demoRow)) accounts.set(m[1], { role: m[2], password: m[3] });
  const url = /(https?:\/\/[\d.]+:\d+)\/?\s/.exec(out)?.[1] ?? null;
  return { url, accounts };
}

/**
 * Start `benteng serve --demo` on a free port with its own SQLite database in a
 * new temporary directory. Resolves once it prints the address it listens on.
 */
export async function startServer() {
  const bin = bentengBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'benteng-e2e-'));
  const logPath = path.join(dir, 'server.log');
  const logFd = openSync(logPath, 'a');
  // Each test server gets a clean configuration: no BENTENG_* settings from the
  // caller's shell leak into it, only the temp database below.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BENTENG_')));
  env.BENTENG_DATABASE_URL = `sqlite://${dir}/benteng.db`;
  env.NO_COLOR = '1';
  const child = spawn(bin, ['serve', '--demo', '--bind', '127.0.0.1:0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', logFd],
  });
  closeSync(logFd);
  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killOnExit);

  let out = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const logTail = (n = 40) => {
    try { return readFileSync(logPath, 'utf8').split('\n').slice(-n).join('\n'); } catch { return ''; }
  };

  const started = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms\nstdout:\n${out}\nlog:\n${logTail()}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/berjalan di https?:\/\/\S+/.test(out)) {
        clearTimeout(timer);
        resolve(parseStartup(out));
      }
    });
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal})\nstdout:\n${out}\nlog:\n${logTail()}`));
    });
  }).catch(async (e) => {
    killOnExit();
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  if (!started.url) throw new Error(`no URL in server output:\n${out}`);

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    process.removeListener('exit', killOnExit);
    if (!process.env.BENTENG_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
  }

  /** Password of a demo account, failing loudly when the demo table changed. */
  function password(username) {
    const a = started.accounts.get(username);
    if (!a) throw new Error(`account ${username} not in server output:\n${out}`);
    return a.password;
  }

  return { url: started.url, accounts: started.accounts, password, stop, logTail, dir, stdout: () => out };
}

/** Headless Debian Chromium, sandbox off (root in a container). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context as an Indonesian user has it: Accept-Language id-ID.
 * @param {import('playwright-core').Browser} browser
 * @param {import('playwright-core').BrowserContextOptions} [opts]
 */
export async function newContext(browser, opts = {}) {
  const ctx = await browser.newContext({ locale: 'id-ID', ...opts });
  ctx.setDefaultTimeout(15_000);
  ctx.setDefaultNavigationTimeout(30_000);
  return ctx;
}

/**
 * Sign in through the form on /masuk. Returns the response to the form post
 * (after redirects, the page it lands on).
 * @param {import('playwright-core').Page} page
 */
export async function login(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/masuk`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Masuk', exact: true }).click(),
  ]);
  return response;
}

/**
 * Load `url` in a fresh page of `context` with the cache off and add up what
 * the browser received: every response of the page load (document, CSS, JS,
 * anything else it fetched). `transferred` is headers plus body as sent (after
 * compression); `decoded` is the bodies after decompression.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function weighPage(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const responses = [];
  page.on('response', (r) => responses.push(r));
  const main = await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  const items = [];
  for (const r of responses) {
    const sizes = await r.request().sizes();
    let decoded = 0;
    try { decoded = (await r.body()).length; } catch { /* redirects have no body */ }
    items.push({
      url: r.url(),
      status: r.status(),
      encoding: (await r.headerValue('content-encoding')) || 'identity',
      transferred: sizes.responseHeadersSize + sizes.responseBodySize,
      body: sizes.responseBodySize,
      decoded,
    });
  }
  await cdp.detach();
  await page.close();
  const sum = (k) => items.reduce((a, i) => a + i[k], 0);
  return {
    url,
    status: main?.status(),
    finalUrl: main?.url(),
    requests: items.length,
    transferred: sum('transferred'),
    body: sum('body'),
    decoded: sum('decoded'),
    items,
  };
}
