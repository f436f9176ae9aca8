// Shared pieces of the end-to-end tests: a static server for the release dist/ under a path
// prefix (the site must work from any prefix), headless Debian Chromium with a fresh profile,
// a record of every request the page makes, and screenshots.
import { createServer } from 'node:http';
import { readFile, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(ROOT, 'dist');
export const PREFIX = '/some/prefix/vigil/';
export const OUT = join(ROOT, 'tests/e2e/out');
export const DOCS = join(ROOT, 'docs');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.bin': 'application/octet-stream', '.json': 'application/json', '.png': 'image/png' };

/** Serves dist/ at PREFIX on 127.0.0.1; resolves to { url, close }. */
export async function serveDist() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: run `trunk build --release` first');
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(PREFIX)) { res.writeHead(404); res.end('outside the prefix'); return; }
    let rel = path.slice(PREFIX.length) || 'index.html';
    const file = resolve(DIST, rel);
    if (!file.startsWith(DIST)) { res.writeHead(403); res.end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch { res.writeHead(404); res.end('not found'); }
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}${PREFIX}`, close: () => new Promise(r => server.close(r)) };
}

/** A fresh headless Chromium (own empty profile), as root-safe as the brief requires. */
export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'vigil-e2e-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false, // --no-sandbox: the tests run as root
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
  });
}

/** Opens the console, recording every request URL and console error. */
export async function open(context, url) {
  // A new tab each time: going from one share link to another only changes the fragment,
  // which would not reload an existing tab.
  const page = await context.newPage();
  page.requests = [];
  page.errors = [];
  page.on('request', r => page.requests.push(r.url()));
  page.on('pageerror', e => page.errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid=analyze-status], [data-testid=share-error], [data-testid=shared-notice]');
  return page;
}

/** Opens the benchmark page (bench.html), recording console errors; resolves once `vigilBench` exists. */
export async function openBench(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', e => page.errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.goto(`${url}bench.html`);
  await page.waitForFunction(() => typeof window.vigilBench === 'function');
  return page;
}

/** Waits until the status says the analysis is done; returns its text. */
export async function waitDone(page, timeout = 120_000) {
  const status = page.locator('[data-testid=analyze-status]');
  await status.filter({ hasText: /done|failed/i }).waitFor({ timeout });
  const text = await status.textContent();
  if (!/done/i.test(text)) throw new Error(`analysis did not finish: ${text}`);
  return text;
}

/** The finding rows shown: [{type, severity, resource}]. */
export async function rows(page) {
  return page.locator('[data-testid=finding-row]').evaluateAll(els => els.map(e => ({
    type: e.dataset.type, severity: e.dataset.severity, resource: e.dataset.resource })));
}

export async function screenshot(page, name, { docs = false } = {}) {
  await mkdir(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true, timeout: 120_000 });
  if (docs) {
    await mkdir(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, `${name}.png`), timeout: 120_000 });
  }
}

/** Runs `body(page)`, saving a screenshot named after the test when it throws. */
export async function withPage(context, url, name, body) {
  const page = await open(context, url);
  try {
    return await body(page);
  } catch (e) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    throw e;
  }
}
