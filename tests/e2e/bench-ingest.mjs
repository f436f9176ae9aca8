// In-browser ingestion benchmark (not a test: it prints figures and asserts nothing).
// Opens dist/bench.html in headless Chromium and runs `vigilBench`: in the console's own analysis
// workers, each format (CloudTrail JSON, VPC flow v2, Route 53 resolver) is generated in memory by
// the same generator as the native `vigil bench`, then timed parse-only and through the full scan —
// with one worker alone, then with N workers at once (N = hardwareConcurrency capped at 8, as the
// console uses), each on its own copy.
//   node tests/e2e/bench-ingest.mjs     (BENCH_MIB=per format and worker, default 32;
//                                        BENCH_ROUNDS=best of, default 2; BENCH_WORKERS=N)
import { serveDist, launch, openBench } from './harness.mjs';

const mib = Number(process.env.BENCH_MIB || 32);
const rounds = Number(process.env.BENCH_ROUNDS || 2);
const workers = process.env.BENCH_WORKERS ? Number(process.env.BENCH_WORKERS) : undefined;

const server = await serveDist();
const browser = await launch();
try {
  const page = await openBench(browser, server.url);
  const t0 = Date.now();
  const r = await page.evaluate(opts => window.vigilBench(opts), { mib, rounds, workers });
  const secs = (Date.now() - t0) / 1000;

  const pad = (s, n) => String(s).padStart(n);
  const num = x => Math.round(x).toLocaleString('en-US');
  const rate = (amount, ms) => amount * 1000 / ms;
  console.log(`in-browser ingestion (headless Chromium, ${r.workers} workers, hardwareConcurrency ${r.hardwareConcurrency}; ` +
    `${r.mib} MiB per format and worker, best of ${r.rounds}; ${secs.toFixed(0)} s in all)`);
  console.log(`${'input'.padEnd(18)} ${pad('workers', 7)} ${pad('MB', 7)} ${pad('events', 11)} | ${pad('parse MB/s', 10)} ${pad('parse ev/s', 12)} | ${pad('scan MB/s', 9)} ${pad('scan ev/s', 11)}`);
  for (const row of r.results) {
    for (const [label, m] of [['1', row.one], [String(r.workers), row.all]]) {
      console.log(`${row.format.padEnd(18)} ${pad(label, 7)} ${pad((m.parse.bytes / 1e6).toFixed(1), 7)} ${pad(num(m.parse.events), 11)} | ` +
        `${pad(rate(m.parse.bytes / 1e6, m.parse.ms).toFixed(1), 10)} ${pad(num(rate(m.parse.events, m.parse.ms)), 12)} | ` +
        `${pad(rate(m.scan.bytes / 1e6, m.scan.ms).toFixed(1), 9)} ${pad(num(rate(m.scan.events, m.scan.ms)), 11)}`);
    }
  }
  console.log('Wall-clock rates inside the workers (performance.now()); with N workers, summed over all from the first start to the last end.');
  if (page.errors.length) console.log(`page errors: ${page.errors.join(' | ')}`);
} finally {
  await browser.close();
  await server.close();
}
