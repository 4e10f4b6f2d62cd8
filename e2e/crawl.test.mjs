// A crawl of the demo on a 360 px phone viewport, for every demo role and for an anonymous
// visitor with JavaScript off, against one demo server started for this file.
//
//   Signed-in roles: start at `/`, visit every link of the main menu (`nav.main`) and the
//   header, then the same-origin links in `main` of those pages (one level deeper).
//   Anonymous (JavaScript off): the public pages and the links in `main` one level deeper.
//
// Every HTML page visited must have no horizontal overflow (`scrollWidth` > 360), no raw
// code in its visible text (a `snake_case` word or `key=value`), no ISO date
// (`2026-01-31`), and no console or page error. Every link shown to a role in `main`, the
// menu, the header or the footer must not answer 403 or 404 (or 5xx) for that role: a role
// never gets a link to a page it may not open. Links beyond the crawl's bounds get a plain
// GET with the role's cookies; downloads (exports, PDFs, attachments) are status-checked only.
// Only GET requests are made; no form is ever submitted.
//
// All failures are collected and reported together, grouped by kind. Environment:
//   CRAWL_REPORT=path       write the pages per role and the failures as JSON to path
//   CRAWL_SHOTS=dir         save a full-page screenshot of every page with a failure
//   CRAWL_ROLES=a,b         crawl only these roles (`anon` is the anonymous visitor)
//   CRAWL_MAX_PAGES=90      pages visited per role
//   CRAWL_CONCURRENCY=3     roles crawled at the same time

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

const WIDTH = 360;
const PHONE = { viewport: { width: WIDTH, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

const ROLES = [
  'admin.demo', 'kanwil.jatim', 'pimpasa.malang', 'pemeriksa.malang', 'disnaker.malang',
  'bp3mi.jatim', 'dukcapil.malang', 'polres.malang', 'desa.sitiarjo',
];
const ANON = 'anon';
const PUBLIC_PAGES = ['/', '/lapor', '/lacak', '/cek-p3mi', '/cek-tawaran', '/panduan', '/kegiatan', '/hadir', '/faq', '/masuk'];

const MAX_PAGES = Number(process.env.CRAWL_MAX_PAGES || 90);
/** Pages visited per path pattern (`/laporan/{n}`) and per path with different queries. */
const PER_PATTERN = 3;
/** Links seen but not visited that get a plain GET for their status, per role. */
const MAX_LINK_CHECKS = 400;
const CONCURRENCY = Number(process.env.CRAWL_CONCURRENCY || 3);
const ONLY = process.env.CRAWL_ROLES ? process.env.CRAWL_ROLES.split(',').map((s) => s.trim()) : null;

/** Query parameters that only page through a list: every page of a list counts once. */
const PAGING = new Set(['halaman', 'page', 'hal', 'setelah', 'sebelum', 'offset']);
/** Paths answered with a file, not a page: status-checked with a plain GET only. */
const DOWNLOAD = /\.(csv|xlsx?|pdf|json|zip|png|jpe?g|gif|webp|svg|txt|ics|ods|docx?)$|\/unduh(\/|$)|\/ekspor(\/|$)|\/berkas\/|\/lampiran\/|\/materi\/|\/surat\/|^\/api\/|^\/static\/|^\/metrics$|^\/healthz$/i;
/** Paths never requested: signing out (a form today, but never follow it as a link). */
const NEVER = /^\/keluar(\/|$)/;

const RAW_SNAKE = /\b[a-z]+_[a-z_]+\b/g;
const RAW_KV = /\b[a-z_]+=[^\s]+/g;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;

/** @typedef {{kind: string, role: string, path: string, detail: string}} Failure */
/** @type {Failure[]} */
const failures = [];
/** @type {Record<string, {pages: number, htmlPages: number, linksSeen: number, linksChecked: number, ms: number}>} */
const stats = {};

function fail(kind, role, p, detail, context) {
  failures.push(context ? { kind, role, path: p, detail, context } : { kind, role, path: p, detail });
}

/** A link's key for the crawl: path and query without paging values, or null when off-site. */
function linkKey(href) {
  let u;
  try { u = new URL(href, base); } catch { return null; }
  if (u.origin !== new URL(base).origin || !/^https?:$/.test(u.protocol)) return null;
  const params = [...u.searchParams].map(([k, v]) => (PAGING.has(k) ? [k, '*'] : [k, v]));
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const q = params.map(([k, v]) => `${k}=${v}`).join('&');
  return { key: u.pathname + (q ? `?${q}` : ''), url: u.pathname + u.search, path: u.pathname, query: q };
}

/** `/laporan/12/info` → `/laporan/{n}/info`: a page kind, visited a few times at most. */
function pattern(p) {
  return p.split('/').map((s) => (/^\d+$/.test(s) || /^[0-9a-f-]{16,}$/i.test(s) ? '{n}' : s)).join('/');
}

/** The links on the page, by where they sit. Works with JavaScript off (evaluate uses CDP). */
async function pageLinks(page) {
  return page.evaluate(() => {
    // An SVG link's `href` is an object (the dashboard's map): resolve its attribute instead.
    const url = (a) => new URL(a.getAttribute('href'), document.baseURI).href;
    const pick = (sel) => [...document.querySelectorAll(sel)]
      .filter((a) => a.getAttribute('href') && !a.hasAttribute('download'))
      .map(url);
    const downloads = [...document.querySelectorAll('a[download][href]')].map(url);
    return {
      menu: pick('nav.main a[href], header a[href]'),
      main: pick('main a[href]'),
      other: pick('nav a[href], footer a[href]'),
      downloads,
    };
  });
}

/**
 * The page's checks that need the DOM: horizontal overflow (with its widest culprits) and the
 * visible text. Closed <details> are opened first (their text is meant to be read), and
 * <code>/<pre>/<kbd>/<samp> are left out of the text (showing a code there is deliberate).
 */
async function inspect(page) {
  return page.evaluate((width) => {
    for (const d of document.querySelectorAll('details:not([open])')) d.setAttribute('open', '');
    const doc = document.documentElement;
    const scrollWidth = Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0);
    const culprits = [];
    if (scrollWidth > width) {
      const describe = (el) => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += `#${el.id}`;
        const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
        if (cls.length) s += `.${cls.join('.')}`;
        const parent = el.parentElement;
        if (parent && parent !== document.body && !el.id) {
          let p = parent.tagName.toLowerCase();
          if (parent.id) p += `#${parent.id}`;
          else if (typeof parent.className === 'string' && parent.className.trim()) p += `.${parent.className.trim().split(/\s+/)[0]}`;
          s = `${p} > ${s}`;
        }
        return s;
      };
      const clipped = (el) => {
        for (let a = el.parentElement || el.parentNode; a && a !== document.body && a !== doc; a = a.parentElement) {
          const ox = getComputedStyle(a).overflowX;
          if (ox !== 'visible') return true;
        }
        return false;
      };
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) continue;
        const pr = el.parentElement.getBoundingClientRect();
        const parentFits = el.parentElement === document.body || pr.right <= width + 1;
        if (!parentFits || clipped(el)) continue;
        const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
        culprits.push({ node: el, el: describe(el), right: Math.round(r.right), width: Math.round(r.width), text });
      }
      // Text sticking out of a box that itself fits (a long unbreakable word or URL).
      const found = new Set(culprits.map((c) => c.node));
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const el = n.parentElement;
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1 || clipped(n)) continue;
        let inside = false;
        for (let a = el; a; a = a.parentElement) if (found.has(a)) { inside = true; break; }
        if (inside) continue;
        found.add(el);
        const text = n.textContent.trim().replace(/\s+/g, ' ').slice(0, 40);
        culprits.push({ node: el, el: `${describe(el)} text`, right: Math.round(r.right), width: Math.round(r.width), text });
      }
      culprits.sort((a, b) => b.right - a.right);
    }
    // Hidden through the CSSOM: a <style> element or a style attribute would break the
    // page's Content Security Policy (and log a console error of the test's own making).
    const code = [...document.querySelectorAll('code,pre,kbd,samp')];
    for (const el of code) el.style.setProperty('display', 'none', 'important');
    const text = document.body ? document.body.innerText : '';
    for (const el of code) el.style.removeProperty('display');
    const ct = document.contentType;
    return { scrollWidth, culprits: culprits.slice(0, 3).map(({ node, ...c }) => c), text, contentType: ct, title: document.title };
  }, WIDTH);
}

/** Matches of `re` in `text`, unique, each with a little context for the report. */
function matches(text, re) {
  const seen = new Map();
  for (const m of text.matchAll(re)) {
    const tok = m[0].replace(/[.,;:)\]]+$/, '');
    if (seen.has(tok)) continue;
    const from = Math.max(0, m.index - 25);
    const ctx = text.slice(from, m.index + m[0].length + 25).replace(/\s+/g, ' ').trim();
    seen.set(tok, ctx);
  }
  return [...seen.entries()];
}

function textFailures(role, p, text) {
  const t = text.replace(EMAIL, ' ');
  const list = (found, n) => found.slice(0, n).map(([tok]) => tok).join(', ') + (found.length > n ? ` (+${found.length - n} more)` : '');
  const raw = [...matches(t, RAW_SNAKE), ...matches(t, RAW_KV)];
  if (raw.length) fail('raw-code', role, p, list(raw, 6), raw[0][1]);
  const dates = matches(t, ISO_DATE);
  if (dates.length) fail('iso-date', role, p, list(dates, 4), dates[0][1]);
}

/** A plain GET with the context's cookies: the status after redirects, and where it landed. */
async function statusOf(ctx, url) {
  try {
    const r = await ctx.request.get(base + url, { maxRedirects: 10, timeout: 30_000 });
    const s = r.status();
    const landed = new URL(r.url()).pathname;
    await r.dispose();
    return [s, landed];
  } catch (e) {
    return [`error: ${String(e.message || e).split('\n')[0]}`, null];
  }
}

/**
 * Crawl as one role (or anonymously). Returns nothing; failures go to `failures`.
 * @param {string} role
 */
async function crawl(role) {
  const started = Date.now();
  const anon = role === ANON;
  const ctx = await newContext(browser, { ...PHONE, javaScriptEnabled: !anon });
  const page = await ctx.newPage();
  const shots = process.env.CRAWL_SHOTS;
  let current = '(login)';
  const consoleSeen = new Set();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // A page answering 403/404 logs its own status; that is reported as a link failure.
    if (/^Failed to load resource/.test(msg.text()) && linkKey(msg.location()?.url || '')?.url === current) return;
    const loc = msg.location()?.url ? ` @ ${msg.location().url.replace(base, '')}` : '';
    const d = `console.error: ${msg.text().slice(0, 200)}${loc}`;
    if (!consoleSeen.has(current + d)) { consoleSeen.add(current + d); fail('console', role, current, d); }
  });
  page.on('pageerror', (err) => fail('console', role, current, `page error: ${String(err.message || err).slice(0, 200)}`));

  /** key → status (number, or a string for errors) of every link requested. */
  const status = new Map();
  /** key → the path a link landed on after redirects. */
  const landedAt = new Map();
  /** key → {url, from} of every link seen in main/menu/header/footer. */
  const seen = new Map();
  const visitedPatterns = new Map();
  const visitedPaths = new Map();
  const visited = new Set();
  const visitedUrls = [];
  let pages = 0;
  let htmlPages = 0;

  try {
    if (!anon) {
      const res = await login(page, base, role, server.password(role));
      if (!res || res.status() !== 200 || new URL(page.url()).pathname === '/masuk') {
        fail('crawl-error', role, '/masuk', `sign-in failed (status ${res?.status()}, at ${page.url()})`);
        return;
      }
    }

    const note = (links, from) => {
      for (const href of links) {
        const k = linkKey(href);
        if (!k || NEVER.test(k.path)) continue;
        if (!seen.has(k.key)) seen.set(k.key, { ...k, from });
      }
    };

    /** Visit one page; returns its links or null when it is no HTML page. */
    async function visit(k) {
      current = k.url;
      pages++;
      visited.add(k.key);
      visitedUrls.push(k.url);
      const pat = pattern(k.path);
      visitedPatterns.set(pat, (visitedPatterns.get(pat) || 0) + 1);
      visitedPaths.set(k.path, (visitedPaths.get(k.path) || 0) + 1);
      let res;
      try {
        res = await page.goto(base + k.url, { waitUntil: 'load' });
      } catch (e) {
        const msg = String(e.message || e);
        if (/Download is starting|net::ERR_ABORTED/.test(msg)) {
          const [st, landed] = await statusOf(ctx, k.url);
          status.set(k.key, st);
          landedAt.set(k.key, landed);
        } else {
          status.set(k.key, `error: ${msg.split('\n')[0]}`);
          fail('crawl-error', role, k.url, msg.split('\n')[0].slice(0, 200));
        }
        return null;
      }
      const st = res ? res.status() : 0;
      status.set(k.key, st);
      const finalPath = new URL(page.url()).pathname;
      landedAt.set(k.key, finalPath);
      if (!anon && finalPath === '/masuk') {
        fail('crawl-error', role, k.url, 'landed on /masuk: the session was lost');
      }
      const ct = (res && (await res.headerValue('content-type'))) || '';
      if (!/text\/html/.test(ct)) return null;
      htmlPages++;
      const info = await inspect(page);
      const mine = () => failures.filter((f) => f.role === role && f.path === k.url).length;
      const before = mine();
      if (info.scrollWidth > WIDTH) {
        const c = info.culprits.map((x) => `${x.el} (right ${x.right}px${x.text ? `, «${x.text}»` : ''})`).join('; ');
        fail('overflow', role, k.url, `scrollWidth ${info.scrollWidth}px${c ? `: ${c}` : ''}`);
      }
      textFailures(role, k.url, info.text);
      // Console errors of this page arrive during the load; give late ones a moment.
      await page.waitForTimeout(anon ? 0 : 50);
      if (shots && mine() > before) {
        mkdirSync(shots, { recursive: true });
        const name = `${role}${k.url}`.replace(/[^a-z0-9._-]+/gi, '_').slice(0, 150);
        await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true }).catch(() => {});
      }
      const links = await pageLinks(page);
      note(links.menu, k.url);
      note(links.main, k.url);
      note(links.other, k.url);
      note(links.downloads, k.url);
      return links;
    }

    const queued = new Set();
    const may = (k) => {
      if (!k || NEVER.test(k.path) || DOWNLOAD.test(k.path) || queued.has(k.key)) return false;
      if (pages >= MAX_PAGES) return false;
      if ((visitedPatterns.get(pattern(k.path)) || 0) >= PER_PATTERN) return false;
      if (k.query && (visitedPaths.get(k.path) || 0) >= PER_PATTERN) return false;
      return true;
    };

    // Level 0 and 1: the start page(s), then the menu and header links.
    const first = [];
    const startPages = anon ? PUBLIC_PAGES : ['/'];
    const level1 = [];
    for (const p of startPages) {
      const k = linkKey(p);
      queued.add(k.key);
      const links = await visit(k);
      if (links) {
        first.push(...links.main);
        for (const href of links.menu) level1.push(linkKey(href));
      }
    }
    const level2 = [...first];
    for (const k of level1) {
      if (!may(k)) continue;
      queued.add(k.key);
      const links = await visit(k);
      if (links) level2.push(...links.main);
    }

    // Level 2: the links in main of those pages, one per page kind first, then the rest.
    const candidates = [];
    const cset = new Set();
    for (const href of level2) {
      const k = linkKey(href);
      if (!k || cset.has(k.key) || queued.has(k.key) || NEVER.test(k.path)) continue;
      cset.add(k.key);
      candidates.push(k);
    }
    const rank = new Map();
    const ordered = candidates
      .map((k, i) => {
        const pat = pattern(k.path);
        const n = rank.get(pat) || 0;
        rank.set(pat, n + 1);
        return { k, n, i };
      })
      .sort((a, b) => a.n - b.n || a.i - b.i)
      .map((x) => x.k);
    for (const k of ordered) {
      if (!may(k)) continue;
      queued.add(k.key);
      await visit(k);
    }

    // Every link shown to this role and not visited: its status with a plain GET.
    const unchecked = [...seen.values()].filter((k) => !status.has(k.key));
    // Distinct page kinds first, so the cap leaves out repeats of the same kind.
    const urank = new Map();
    const toCheck = unchecked
      .map((k, i) => {
        const pat = pattern(k.path);
        const n = urank.get(pat) || 0;
        urank.set(pat, n + 1);
        return { k, n, i };
      })
      .sort((a, b) => a.n - b.n || a.i - b.i)
      .slice(0, MAX_LINK_CHECKS)
      .map((x) => x.k);
    let checked = 0;
    for (let i = 0; i < toCheck.length; i += 4) {
      const batch = toCheck.slice(i, i + 4);
      const got = await Promise.all(batch.map((k) => statusOf(ctx, k.url)));
      batch.forEach((k, j) => { status.set(k.key, got[j][0]); landedAt.set(k.key, got[j][1]); });
      checked += batch.length;
    }

    for (const k of seen.values()) {
      const st = status.get(k.key);
      if (st === undefined) continue;
      if (st === 403 || st === 404) fail('link-status', role, k.url, `${st}, linked from ${k.from}`);
      else if (typeof st === 'number' && st >= 500) fail('server-error', role, k.url, `${st}, linked from ${k.from}`);
      else if (st === 200 && k.path !== '/masuk' && landedAt.get(k.key) === '/masuk') {
        fail('link-status', role, k.url, `redirects to /masuk (sign-in), linked from ${k.from}`);
      } else if (typeof st === 'string' && !visited.has(k.key)) fail('crawl-error', role, k.url, `${st}, linked from ${k.from}`);
    }
    // Pages visited that were not linked (the start pages) with a bad status.
    for (const p of startPages) {
      const k = linkKey(p);
      const st = status.get(k.key);
      if (!seen.has(k.key) && typeof st === 'number' && st >= 400) fail(st >= 500 ? 'server-error' : 'link-status', role, p, `${st} (start page)`);
    }
    stats[role] = { pages, htmlPages, linksSeen: seen.size, linksChecked: checked, notChecked: unchecked.length - checked, ms: Date.now() - started, visited: [...visitedUrls] };
  } catch (e) {
    fail('crawl-error', role, current, String(e.stack || e).split('\n').slice(0, 3).join(' | '));
    stats[role] = { pages, htmlPages, linksSeen: seen.size, linksChecked: 0, ms: Date.now() - started };
  } finally {
    await ctx.close();
  }
}

/** The failures grouped: kind → (path, detail) → roles. */
function report() {
  const lines = [];
  const kinds = [...new Set(failures.map((f) => f.kind))].sort();
  for (const kind of kinds) {
    const of = failures.filter((f) => f.kind === kind);
    const groups = new Map();
    for (const f of of) {
      const g = `${f.path}\t${f.detail}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(f.role);
    }
    lines.push(`\n== ${kind}: ${of.length} failures, ${groups.size} distinct (path, detail)`);
    const sorted = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [g, roles] of sorted) {
      const [p, detail] = g.split('\t');
      const who = roles.length === ROLES.length + 1 ? 'all roles' : roles.join(',');
      const ctx = of.find((f) => f.path === p && f.detail === detail)?.context;
      lines.push(`  ${p}  [${who}]  ${detail}${ctx ? `  «${ctx}»` : ''}`);
    }
  }
  return lines.join('\n');
}

test('every page of every role on a 360 px phone: no overflow, no dead or forbidden link, no raw code or ISO date, no console error', { timeout: 900_000 }, async () => {
  const t0 = Date.now();
  const roles = [...ROLES, ANON].filter((r) => !ONLY || ONLY.includes(r));
  const queue = [...roles];
  const worker = async () => {
    while (queue.length) await crawl(queue.shift());
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, roles.length) }, worker));

  const summary = roles.map((r) => {
    const s = stats[r] || { pages: 0, htmlPages: 0, linksSeen: 0, linksChecked: 0, ms: 0 };
    return `  ${r.padEnd(17)} ${String(s.pages).padStart(3)} pages (${s.htmlPages} HTML), ${s.linksSeen} links seen, ${s.linksChecked} status-checked${s.notChecked ? `, ${s.notChecked} over the cap` : ''}, ${(s.ms / 1000).toFixed(1)} s`;
  });
  const byKind = {};
  for (const f of failures) byKind[f.kind] = (byKind[f.kind] || 0) + 1;
  const head = `crawl: ${roles.length} roles in ${((Date.now() - t0) / 1000).toFixed(1)} s\n${summary.join('\n')}\n`
    + `failures by kind: ${JSON.stringify(byKind)}`;
  console.log(head);
  if (process.env.CRAWL_REPORT) {
    writeFileSync(process.env.CRAWL_REPORT, JSON.stringify({ pagesPerRole: stats, byKind, failures }, null, 2));
  }
  const text = report();
  assert.equal(failures.length, 0, `${failures.length} crawl failures:${text}`);
});
