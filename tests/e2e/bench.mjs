// In-browser benchmark (not a test: it prints figures and asserts nothing).
// Generates a sample world at a given scale with the native CLI (or takes BENCH_INPUT=dir),
// drops every file through the console's file input in headless Chromium, and reports wall time,
// bytes/s, events/s, the largest main-thread stall while the worker runs, and the peak resident
// memory of all Chromium processes.
//   node tests/e2e/bench.mjs            (BENCH_SCALE=N grows the world; default 20)
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { serveDist, launch, open, ROOT } from './harness.mjs';

function walk(dir) {
  return readdirSync(dir).flatMap(n => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function chromiumRss() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter(n => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium')) continue;
      const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      if (m) total += Number(m[1]) * 1024;
    } catch { /* process ended */ }
  }
  return total;
}

let input = process.env.BENCH_INPUT;
if (!input) {
  input = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const vigil = join(ROOT, 'target/release/vigil');
  if (!existsSync(vigil)) execFileSync('cargo', ['build', '--release', '-q', '-p', 'vigil-cli'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(vigil, ['sample', input, '--scale', process.env.BENCH_SCALE || '20'], { stdio: 'inherit' });
}
const files = walk(input).sort();
const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
console.log(`input: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB on disk (${input})`);

const server = await serveDist();
const browser = await launch();
const page = await open(browser, server.url);
await page.evaluate(() => {
  window.__maxGap = 0;
  let last = performance.now();
  window.__stalls = [];
  setInterval(() => {
    const t = performance.now();
    if (t - last > 100) window.__stalls.push([Math.round(last), Math.round(t - last)]);
    window.__maxGap = Math.max(window.__maxGap, t - last);
    last = t;
  }, 10);
});
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, chromiumRss()); }, 200);
const t0 = Date.now();
await page.setInputFiles('[data-testid=drop-input]', files);
const status = page.locator('[data-testid=analyze-status]');
await status.filter({ hasText: /done|failed/i }).waitFor({ timeout: 3_600_000 });
const secs = (Date.now() - t0) / 1000;
clearInterval(sampler);
const text = await status.textContent();
const maxGap = await page.evaluate(() => window.__maxGap);
const stalls = await page.evaluate(() => window.__stalls.map(([at, ms]) => `${ms} ms at ${(at / 1000).toFixed(1)} s`));
const findings = await page.locator('[data-testid=finding-row]').count();
const events = Number((text.match(/([\d,]+) events/) || [0, '0'])[1].replace(/,/g, ''));
console.log(`status: ${text}`);
console.log(`wall time ${secs.toFixed(1)} s · ${(bytes / 1e6 / secs).toFixed(1)} MB/s (on-disk bytes) · ${Math.round(events / secs)} events/s · ${findings} findings`);
console.log(`largest main-thread stall during analysis: ${maxGap.toFixed(0)} ms · peak Chromium RSS ${(peak / 1e6).toFixed(0)} MB`);
console.log(`main-thread stalls over 100 ms (page time): ${stalls.join(', ') || 'none'}`);
await browser.close();
await server.close();
