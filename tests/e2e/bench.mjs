// In-browser benchmark (not a test: it prints figures and asserts nothing).
// Generates a sample world at a given scale with the native CLI (or takes BENCH_INPUT=dir),
// drops every file through the console's file input in headless Chromium, and reports wall time,
// bytes/s, events/s, the largest main-thread stall while the worker runs, and the peak resident
// memory of all Chromium processes.
//   node tests/e2e/bench.mjs            (BENCH_SCALE=N grows the world; default 20)
//   BENCH_PROFILE=out.cpuprofile        also records the page's main thread (Chromium's CPU profiler)
//                                       for the first BENCH_PROFILE_SECS (default 6) after the drop and
//                                       prints where it spent its time (open the file in DevTools).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, readFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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
let profiled = null;
if (process.env.BENCH_PROFILE) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  profiled = (async () => {
    await new Promise(r => setTimeout(r, 1000 * Number(process.env.BENCH_PROFILE_SECS || 6)));
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
    return profile;
  })();
}
const t0 = Date.now();
await page.setInputFiles('[data-testid=drop-input]', files);
console.log(`setInputFiles returned after ${Date.now() - t0} ms`);
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
if (profiled) printProfile(await profiled);
await browser.close();
await server.close();

/** The functions with the most self time in a CPU profile, and the total per top-level task. */
function printProfile(profile) {
  const self = new Map();
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}:${f.lineNumber}`;
    self.set(key, (self.get(key) || 0) + (dt[i] || 0) / 1000);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(`main-thread CPU profile (${process.env.BENCH_PROFILE}), self time:`);
  for (const [k, ms] of top) console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  // The heaviest call stacks (self time per profile node, with its callers).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const nodeSelf = new Map();
  profile.samples.forEach((id, i) => nodeSelf.set(id, (nodeSelf.get(id) || 0) + (dt[i] || 0) / 1000));
  const name = id => { const f = byId.get(id).callFrame; return f.functionName || `(anonymous ${f.url.split('/').pop()}:${f.lineNumber})`; };
  console.log('heaviest stacks (self ms: function < caller < …):');
  for (const [id, ms] of [...nodeSelf].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    const chain = [];
    for (let p = id; p !== undefined && chain.length < 9; p = parent.get(p)) chain.push(name(p));
    console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${chain.join(' < ')}`);
  }
}
