// End-to-end: the release build in real headless Chromium, real files through the real file
// input into the real wasm worker, assertions on what the page shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launch, withPage, waitDone, rows, screenshot, ROOT } from './harness.mjs';

const FIX = join(ROOT, 'tests/e2e/fixtures');
let server, browser;

before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('a dropped CloudTrail file is analysed in the page and its findings are shown', async () => {
  await withPage(browser, server.url, 'drop-file', async page => {
    await page.setInputFiles('[data-testid=drop-input]', [join(FIX, 'root-and-xss.json'), join(FIX, 'cloudtrail-lines.jsonl')]);
    const status = await waitDone(page);
    assert.match(status, /2 files/);
    const found = await rows(page);
    const root = found.filter(r => r.type === 'Policy:IAMUser/RootCredentialUsage');
    assert.equal(root.length, 1, JSON.stringify(found));
    assert.equal(root[0].severity, 'Low');
    assert.equal(root[0].resource, 'AKIAEXAMPLEROOT1');
    // The malformed line is reported with its file and line, and the rest was analysed.
    await page.click('[data-testid=tab-summary]');
    const errors = await page.locator('[data-testid=ingest-error]').allTextContents();
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /2/);
    await screenshot(page, 'summary');
  });
});

test('log-derived strings stay inert text (XSS payloads in event names and user agents)', async () => {
  await withPage(browser, server.url, 'xss', async page => {
    let dialogs = 0;
    page.on('dialog', d => { dialogs++; d.dismiss(); });
    await page.setInputFiles('[data-testid=drop-input]', join(FIX, 'root-and-xss.json'));
    await waitDone(page);
    await page.locator('[data-testid=finding-row]').first().click();
    await page.waitForSelector('[data-testid=finding-detail]');
    const detail = await page.locator('[data-testid=finding-detail]').textContent();
    assert.match(detail, /<img src=x onerror=/, 'the payload is shown as text');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator('[data-testid=finding-detail] img, [data-testid=finding-detail] script').count(), 0);
    assert.equal(dialogs, 0);
  });
});
