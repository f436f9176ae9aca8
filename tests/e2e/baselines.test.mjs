// End-to-end on the baselines view: profiles learned from the sample world, an entity's
// departures and profile, keeping the baseline in the browser and judging the next analysis
// against it, and a damaged baseline file explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, withPage, waitDone, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function baselineRows(page) {
  return page.locator('[data-testid=baseline-row]').evaluateAll(els => els.map(e => ({
    kind: e.dataset.kind, entity: e.dataset.entity, text: e.textContent })));
}

test('baselines: learned per principal, bucket and instance; kept and reused; bad files explained', async () => {
  await withPage(browser, server.url, 'baselines', async page => {
    await page.click('[data-testid=sample-button]');
    await waitDone(page);
    await page.click('[data-testid=tab-baselines]');
    await page.waitForSelector('[data-testid=baseline-row]');
    const learned = await baselineRows(page);
    const kinds = new Set(learned.map(r => r.kind));
    for (const k of ['principal', 'bucket', 'instance']) assert.ok(kinds.has(k), `no ${k} baseline in ${[...kinds]}`);
    assert.ok(learned.every(r => !r.text.includes('(imported)')), 'a first analysis learns its baselines');

    // The kind buttons narrow the table.
    await page.click('[data-testid=baseline-kind-bucket]');
    const buckets = await baselineRows(page);
    assert.ok(buckets.length >= 1 && buckets.every(r => r.kind === 'bucket'));
    await page.click('[data-testid=baseline-kind-principal]');

    // Opening a busy principal shows its profile with the baseline's own figures.
    const busiest = page.locator('[data-testid=baseline-row][data-kind=principal]').first();
    await busiest.locator('button.link').click();
    const detail = page.locator('[data-testid=baseline-detail]');
    await detail.waitFor();
    const detailText = await detail.textContent();
    assert.match(detailText, /APIs/);
    assert.match(detailText, /Regions/);
    await screenshot(page, 'baselines', { docs: true });

    // Keep it; the next analysis is judged against it.
    await page.click('[data-testid=baseline-keep]');
    const kept = page.locator('[data-testid=kept-status]');
    await kept.waitFor();
    assert.match(await kept.textContent(), /\d{12}/, 'the kept baseline names its accounts');
    await page.click('[data-testid=sample-button]');
    await waitDone(page);
    await page.click('[data-testid=tab-baselines]');
    await page.waitForSelector('[data-testid=baseline-row]');
    const judged = await baselineRows(page);
    assert.ok(judged.some(r => r.text.includes('(imported)')), 'the second analysis uses the kept baseline');

    // It survives a reload (browser storage), and can be forgotten.
    await page.reload();
    await page.click('[data-testid=tab-baselines]');
    await page.locator('[data-testid=kept-status]').waitFor();
    await page.click('[data-testid=baseline-forget]');
    assert.equal(await page.locator('[data-testid=kept-status]').count(), 0);

    // A file that is not a baseline is refused with its name.
    await page.setInputFiles('[data-testid=baseline-load]', {
      name: 'not-a-baseline.json', mimeType: 'application/json', buffer: Buffer.from('{"Records":[]}'),
    });
    const error = page.locator('[data-testid=baseline-error]');
    await error.waitFor();
    assert.match(await error.textContent(), /not-a-baseline\.json/);
    assert.equal(await page.locator('[data-testid=kept-status]').count(), 0);
    assert.deepEqual(page.errors, []);
  });
});
