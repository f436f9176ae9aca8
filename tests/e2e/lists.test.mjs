// End-to-end: the lists panel. A threat list loaded from a file (bad lines reported by number)
// turns matching API callers into MaliciousIPCaller.Custom findings; a trusted-IP list wins over
// it; lists survive a reload. A country database (Vigil range table, written here) is read by the
// analysis and reported; a file that is no database is refused by name, and the analysis goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launch, withPage, waitDone, rows, screenshot, ROOT } from './harness.mjs';

const FIX = join(ROOT, 'tests/e2e/fixtures');
let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const varint = n => { const out = []; do { let b = n % 128; n = Math.floor(n / 128); if (n > 0) b |= 128; out.push(b); } while (n > 0); return out; };
/** A one-range VGEO country table: 198.51.100.0/24 → BR (format: crates/vigil-core/src/geo/table.rs). */
function countryTable() {
  const first = ((198 * 256 + 51) * 256 + 100) * 256;
  return Buffer.from([...Buffer.from('VGEO'), 1, 1, ...varint(1), ...Buffer.from('BR'), ...varint(1), ...varint(first), ...varint(255), ...varint(0), ...varint(0)]);
}

async function analyse(page) {
  await page.setInputFiles('[data-testid=drop-input]', [join(FIX, 'root-and-xss.json')]);
  await waitDone(page);
  await page.click('[data-testid=tab-findings]');
  await page.locator('[data-testid=findings-table]').waitFor();
  return rows(page);
}

test('threat and trusted lists apply to the analysis; geo databases load or explain themselves', async () => {
  await withPage(browser, server.url, 'lists', async page => {
    await page.click('[data-testid=tab-lists]');
    await page.setInputFiles('[data-testid=threat-list-input]', {
      name: 'bad-ips.txt', mimeType: 'text/plain', buffer: Buffer.from('198.51.100.23\nnot an address\n203.0.113.0/24\n'),
    });
    const row = page.locator('[data-testid=list-row]');
    await row.waitFor();
    assert.match(await row.locator('[data-testid=list-loaded]').textContent(), /2 indicators/);
    assert.match(await row.locator('[data-testid=list-errors]').textContent(), /line 2/);

    await page.setInputFiles('[data-testid=geo-input]', [
      { name: 'country.vgeo', mimeType: 'application/octet-stream', buffer: countryTable() },
      { name: 'broken.mmdb', mimeType: 'application/octet-stream', buffer: Buffer.from('not a database') },
    ]);
    assert.equal(await page.locator('[data-testid=geo-row]').count(), 2);
    await screenshot(page, 'lists', { docs: true });

    const found = await analyse(page);
    const custom = found.filter(r => r.type.endsWith('MaliciousIPCaller.Custom'));
    assert.ok(custom.length >= 1, `the threat list makes findings: ${JSON.stringify(found)}`);
    const notices = (await page.locator('[data-testid=analysis-notice]').allTextContents()).join('\n');
    assert.match(notices, /country\.vgeo: .*country/);
    assert.match(notices, /broken\.mmdb.*not used/);

    // Trusted wins over threat.
    await page.click('[data-testid=tab-lists]');
    await page.setInputFiles('[data-testid=trusted-list-input]', {
      name: 'office.txt', mimeType: 'text/plain', buffer: Buffer.from('198.51.100.0/24\n'),
    });
    await page.locator('[data-testid=list-row]').nth(1).waitFor();
    const again = await analyse(page);
    assert.deepEqual(again.filter(r => r.type.endsWith('MaliciousIPCaller.Custom')), []);

    // Lists stay in this browser.
    await page.reload();
    await page.click('[data-testid=tab-lists]');
    assert.equal(await page.locator('[data-testid=list-row]').count(), 2);
    assert.deepEqual(page.errors, []);
  });
});
