// End-to-end: the ingestion benchmark page (bench.html) at a tiny size, so the benchmark cannot
// rot. Checks only that its counts agree (never speed): in the console's workers, parse-only and
// the full scan see the same events, N workers see N times one worker's, and the page's table
// shows every format for 1 and N workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openBench, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('vigilBench: parse-only and full-scan counts agree for every format, 1 and 2 workers', async () => {
  const page = await openBench(browser, server.url);
  const r = await page.evaluate(() => window.vigilBench({ mib: 0.05, rounds: 1, workers: 2 }));
  assert.equal(r.workers, 2);
  assert.deepEqual(r.results.map(x => x.format), ['cloudtrail (json)', 'vpcflow (v2)', 'route53resolver']);
  for (const row of r.results) {
    const { one, all } = row;
    assert.ok(row.bytes >= 0.05 * 1048576, `${row.format}: ${row.bytes} bytes generated`);
    assert.ok(one.parse.events > 10, `${row.format}: ${one.parse.events} events`);
    assert.equal(one.scan.events, one.parse.events, `${row.format}: the scan sees what parsing sees`);
    assert.equal(one.parse.bytes, row.bytes);
    assert.deepEqual(all.parse.perWorkerEvents, [one.parse.events, one.parse.events], row.format);
    assert.equal(all.parse.events, 2 * one.parse.events, row.format);
    assert.equal(all.scan.events, all.parse.events, row.format);
    assert.equal(all.scan.bytes, 2 * row.bytes, row.format);
    for (const m of [one.parse, one.scan, all.parse, all.scan]) {
      assert.ok(Number.isFinite(m.ms) && m.ms >= 0, `${row.format}: ${m.ms} ms`);
    }
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the benchmark page runs from its form and shows a row per format and worker count', async () => {
  const page = await openBench(browser, server.url);
  await page.fill('[data-testid=bench-mib]', '0.05');
  await page.fill('[data-testid=bench-rounds]', '1');
  await page.fill('[data-testid=bench-workers]', '2');
  await page.click('[data-testid=bench-run]');
  await page.locator('[data-testid=bench-status]').filter({ hasText: /done|failed/i }).waitFor({ timeout: 60_000 });
  assert.match(await page.textContent('[data-testid=bench-status]'), /^Done: 2 workers/);
  const rows = await page.locator('[data-testid=bench-row]').evaluateAll(trs => trs.map(tr =>
    [...tr.children].map(td => td.textContent)));
  assert.equal(rows.length, 6);
  assert.deepEqual(rows.map(r => [r[0], r[1]]), [
    ['cloudtrail (json)', '1'], ['cloudtrail (json)', '2'], ['vpcflow (v2)', '1'], ['vpcflow (v2)', '2'],
    ['route53resolver', '1'], ['route53resolver', '2']]);
  for (const r of rows) assert.ok(Number(r[3].replace(/,/g, '')) > 0, `events shown: ${r}`);
  await screenshot(page, 'bench-page');
  assert.deepEqual(page.errors, []);
  await page.close();
});
