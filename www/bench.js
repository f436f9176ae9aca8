// The benchmark page: drives the console's analysis workers (worker-loader.js, the same wasm
// users get) through the `{bench}` messages of crates/vigil-web/src/bench.rs and shows a table.
// `window.vigilBench(options)` runs it and resolves to the figures (tests/e2e uses it).
'use strict';

const MAX_WORKERS = 8; // as the console (crates/vigil-web/src/client.rs)
const FORMATS = ['cloudtrail', 'vpcflow', 'route53'];

/** One analysis worker, asked one thing at a time. */
function startWorker() {
  const worker = new Worker('worker-loader.js');
  const replies = [];
  let waiting = null;
  const deliver = reply => {
    if (waiting) { const w = waiting; waiting = null; w(reply); } else replies.push(reply);
  };
  worker.onmessage = ev => {
    try { deliver(JSON.parse(ev.data)); } catch (e) { deliver({ Failed: `unreadable reply: ${e}` }); }
  };
  worker.onerror = ev => deliver({ Failed: `the worker failed: ${ev.message || 'unknown error'}` });
  const next = () => (replies.length ? Promise.resolve(replies.shift()) : new Promise(r => { waiting = r; }));
  const expect = (reply, key) => {
    if (reply && reply.Failed !== undefined) throw new Error(reply.Failed);
    if (!reply || reply[key] === undefined) throw new Error(`expected ${key} from the worker, got ${JSON.stringify(reply)}`);
    return reply[key];
  };
  return {
    ready: next().then(r => { if (r !== 'Ready') expect(r, 'Ready'); }),
    async ask(request, key) {
      worker.postMessage({ bench: JSON.stringify(request) });
      return expect(await next(), key);
    },
    terminate: () => worker.terminate(),
  };
}

/** The best (shortest) of `rounds` runs of `once`, which resolves to {ms, …}. */
async function best(rounds, once) {
  let kept = null;
  for (let i = 0; i < rounds; i++) {
    const m = await once();
    if (!kept || m.ms < kept.ms) kept = m;
  }
  return kept;
}

/** All workers at once: events and bytes summed, time from the first start to the last end. */
async function together(pool, scan) {
  const runs = await Promise.all(pool.map(w => w.ask({ Run: { scan } }, 'BenchMeasured')));
  const start = Math.min(...runs.map(r => r.start));
  const end = Math.max(...runs.map(r => r.end));
  return {
    bytes: runs.reduce((s, r) => s + r.bytes, 0),
    events: runs.reduce((s, r) => s + r.events, 0),
    findings: runs.reduce((s, r) => s + r.findings, 0),
    ms: end - start,
    perWorkerEvents: runs.map(r => r.events),
  };
}

/**
 * Runs the benchmark. Options: mib (per format and worker, default 16), rounds (default 2),
 * workers (default: the console's count, hardwareConcurrency capped at 8), formats, and
 * onRow(row) called as each format is done. Resolves to {workers, hardwareConcurrency, mib,
 * rounds, results: [{format, bytes, generateMs, one: {parse, scan}, all: {parse, scan}}]}
 * where each measure is {bytes, events, findings, ms}.
 */
async function vigilBench({ mib = 16, rounds = 2, workers, formats = FORMATS, onRow } = {}) {
  const cores = Math.min(Math.max(navigator.hardwareConcurrency || 1, 1), MAX_WORKERS);
  const n = Math.min(Math.max(Math.floor(workers || cores), 1), MAX_WORKERS);
  const pool = Array.from({ length: n }, startWorker);
  try {
    await Promise.all(pool.map(w => w.ready));
    const results = [];
    for (const format of formats) {
      const bytes = Math.max(1, Math.round(mib * 1048576));
      const prepared = await Promise.all(pool.map(w => w.ask({ Prepare: { format, bytes } }, 'BenchPrepared')));
      const row = { format: prepared[0].format, bytes: prepared[0].bytes, generateMs: prepared[0].ms, one: {}, all: {} };
      for (const scan of [false, true]) {
        const key = scan ? 'scan' : 'parse';
        row.one[key] = await best(rounds, () => pool[0].ask({ Run: { scan } }, 'BenchMeasured'));
        row.all[key] = await best(rounds, () => together(pool, scan));
      }
      results.push(row);
      if (onRow) onRow(row, n);
    }
    return { workers: n, hardwareConcurrency: navigator.hardwareConcurrency, mib, rounds, results };
  } finally {
    pool.forEach(w => w.terminate());
  }
}
window.vigilBench = vigilBench;

// The page's form and table.
const thousands = x => Math.round(x).toLocaleString('en-US');
const perSecond = (amount, ms) => (ms > 0 ? amount * 1000 / ms : NaN);

function addRows(row, n) {
  const body = document.getElementById('bench-rows');
  for (const [label, m, cls] of [['1', row.one, 'one'], [String(n), row.all, 'all']]) {
    const tr = document.createElement('tr');
    tr.className = cls;
    tr.dataset.testid = 'bench-row';
    const cells = [
      row.format, label, (m.parse.bytes / 1e6).toFixed(1), thousands(m.parse.events),
      perSecond(m.parse.bytes / 1e6, m.parse.ms).toFixed(1), thousands(perSecond(m.parse.events, m.parse.ms)),
      perSecond(m.scan.bytes / 1e6, m.scan.ms).toFixed(1), thousands(perSecond(m.scan.events, m.scan.ms)),
      thousands(m.scan.findings),
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i >= 2) td.className = 'num';
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
  document.getElementById('bench-table').hidden = false;
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('bench-form');
  const status = document.getElementById('bench-status');
  const workers = document.getElementById('bench-workers');
  workers.placeholder = String(Math.min(Math.max(navigator.hardwareConcurrency || 1, 1), MAX_WORKERS));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    status.className = '';
    status.textContent = 'Running… (the page stays responsive: the work is in the workers)';
    document.getElementById('bench-rows').replaceChildren();
    try {
      const r = await vigilBench({
        mib: Number(document.getElementById('bench-mib').value) || 16,
        rounds: Number(document.getElementById('bench-rounds').value) || 1,
        workers: Number(workers.value) || undefined,
        onRow: addRows,
      });
      status.textContent = `Done: ${r.workers} workers (navigator.hardwareConcurrency = ${r.hardwareConcurrency}), ` +
        `${r.mib} MiB per format and worker, best of ${r.rounds}.`;
    } catch (e) {
      status.className = 'error';
      status.textContent = `Benchmark failed: ${e.message || e}`;
    } finally {
      button.disabled = false;
    }
  });
});
